"""Annual catalogs: one document per published catalog, one line per entry not removed.

Public means: the catalog is published or filed (not drafting). A not-disclosable entry (or one
whose decision is not disclosable) shows only its name on the catalog page (A7) and is left out
of the index altogether: search never leads to a not-disclosable item.
Topic ``search.catalog`` with the catalog's id (publication, adjustment).
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogEntry, CatalogStatus
from portal.models.decision import Decision
from search.sources import Doc, Source, chunks, naive, register

KIND = "catalog"


def _query():
    return sa.select(Catalog).options(
        selectinload(Catalog.government),
        selectinload(Catalog.entries).selectinload(CatalogEntry.undertaking_unit),
        selectinload(Catalog.adjustments),
    )


def _entry_line(entry: CatalogEntry) -> str:
    unit = entry.undertaking_unit.name if entry.undertaking_unit else ""
    return " ".join(t for t in (f"{entry.seq}. {entry.title}", unit, entry.schedule) if t)


def _secret_decisions(c: Catalog) -> set[int]:
    ids = [e.decision_id for e in c.entries if e.decision_id]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Decision.id).where(Decision.id.in_(ids), Decision.non_disclosable.is_(True))
        )
    )


def _doc(c: Catalog) -> Doc:
    secret = _secret_decisions(c)
    lines = [
        _entry_line(e)
        for e in c.entries
        if e.removed_by_id is None and not e.non_disclosable and e.decision_id not in secret
    ]
    lines += [a.description for a in c.adjustments if a.published_at and a.description]
    name = f"{c.government.name}{c.year}年度重大行政决策事项目录"
    return {
        "key": f"{KIND}:{c.id}",
        "type": KIND,
        "obj_id": c.id,
        "decision_id": 0,
        "gov": c.government.slug,
        "year": str(c.year),
        "stage": "",
        "title": name,
        "heading": name,
        "body": "\n".join(lines),
        "url": f"/catalogs/{c.government.slug}/{c.year}",
        "date": naive(c.published_at),
    }


def _public(query):
    return query.where(Catalog.status != CatalogStatus.DRAFTING)


def _count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Catalog)
            .where(Catalog.status != CatalogStatus.DRAFTING)
        )
        or 0
    )


def _iter_docs() -> Iterator[Doc]:
    for c in db.session.scalars(_public(_query()).order_by(Catalog.id)):
        yield _doc(c)


def _docs_for(ids: list[int]) -> dict[int, Doc | None]:
    out: dict[int, Doc | None] = dict.fromkeys(ids)
    for batch in chunks(ids):
        for c in db.session.scalars(_public(_query()).where(Catalog.id.in_(batch))):
            out[c.id] = _doc(c)
    return out


def _related(decision_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(CatalogEntry.catalog_id)
            .where(CatalogEntry.decision_id == decision_id)
            .distinct()
        )
    )


def _public_ids(ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Catalog.id).where(
                Catalog.id.in_(ids), Catalog.status != CatalogStatus.DRAFTING
            )
        )
    )


register(
    Source(
        kind=KIND,
        topic="search.catalog",
        count=_count,
        iter_docs=_iter_docs,
        docs_for=_docs_for,
        public_ids=_public_ids,
        related=_related,
        weight=1.5,
        order=50,
    )
)
