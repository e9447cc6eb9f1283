"""The single writer: builds documents from the database and writes them to Whoosh.

Only what the public may see is indexed (never a non-disclosable decision or a non-public
document). ``reindex`` rebuilds the whole index from the database into a fresh directory and
swaps it in, so readers never see a half-built index.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from whoosh import index

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import Document
from search.schema import build_schema


@contextmanager
def writer_lock(search_dir: Path) -> Iterator[None]:
    """One writer per host: an exclusive lock file next to the index."""
    search_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(search_dir.parent / f".{search_dir.name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def decision_document(decision: Decision) -> dict:
    texts = [decision.summary]
    for doc in decision_documents(decision):
        latest = doc.public_versions[-1] if doc.public_versions else None
        if latest:
            texts.append(doc.title)
            texts.append(latest.body)
    return {
        "key": f"decision:{decision.id}",
        "type": "decision",
        "obj_id": decision.id,
        "gov": decision.government.slug,
        "year": decision.year,
        "stage": str(decision.stage),
        "title": decision.title,
        "body": "\n".join(t for t in texts if t),
        "url": f"/decisions/{decision.id}",
        "date": decision.stage_changed_at.replace(tzinfo=None),
    }


def decision_documents(decision: Decision) -> list[Document]:
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.decision_id == decision.id, Document.is_public.is_(True))
            .options(selectinload(Document.versions))
        ).all()
    )


def iter_public_documents() -> Iterator[dict]:
    rows = db.session.scalars(
        sa.select(Decision)
        .where(Decision.non_disclosable.is_(False))
        .options(selectinload(Decision.government))
        .order_by(Decision.id)
    )
    for decision in rows:
        yield decision_document(decision)


def reindex(search_dir: Path, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index from the database; returns the number of documents written."""
    total = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Decision)
            .where(Decision.non_disclosable.is_(False))
        )
        or 0
    )
    with writer_lock(search_dir):
        tmp = search_dir.with_name(search_dir.name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        ix = index.create_in(str(tmp), build_schema())
        writer = ix.writer(limitmb=128)
        count = 0
        for doc in iter_public_documents():
            writer.add_document(**doc)
            count += 1
            if progress:
                progress(count, total)
        writer.commit()
        old = search_dir.with_name(search_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if search_dir.exists():
            search_dir.rename(old)
        tmp.rename(search_dir)
        shutil.rmtree(old, ignore_errors=True)
    return count


def update_decision(search_dir: Path, decision_id: int) -> None:
    """Outbox handler body: put one decision in the index, or take it out if not public."""
    decision = db.session.get(Decision, decision_id)
    with writer_lock(search_dir):
        if not index.exists_in(str(search_dir)):
            return  # the next reindex builds it from the database
        ix = index.open_dir(str(search_dir))
        writer = ix.writer()
        key = f"decision:{decision_id}"
        if decision is None or decision.non_disclosable:
            writer.delete_by_term("key", key)
        else:
            writer.update_document(**decision_document(decision))
        writer.commit()
