"""Decisions, their drafts and documents, and their publications (decision text, interpretation,
adoption report).

Public means: the decision is not marked not-disclosable (A7); a document is public
(``Document.is_public``) and only its latest *published* version is indexed.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind, DocumentVersion
from search.sources import DECISION_TOPIC, Doc, Scope, Source, chunks, naive, register

PUBLICATION_KINDS = (
    DocumentKind.DECISION_TEXT,
    DocumentKind.INTERPRETATION,
    DocumentKind.ADOPTION_REPORT,
)


def decision_doc(d: Decision) -> Doc:
    units = [u.name for u in d.undertaking_units if u is not None]
    body = "\n".join(t for t in [d.summary, d.government.name, *units] if t)
    return {
        "key": f"decision:{d.id}",
        "type": "decision",
        "obj_id": d.id,
        "decision_id": d.id,
        "gov": d.government.slug,
        "year": str(d.year),
        "stage": str(d.stage),
        "title": d.title,
        "heading": d.title,
        "body": body,
        "url": f"/decisions/{d.id}",
        "date": naive(d.published_at or d.stage_changed_at),
    }


def _decisions_query():
    return sa.select(Decision).options(
        selectinload(Decision.government),
        selectinload(Decision.undertaking_unit),
        selectinload(Decision.co_units),
    )


def _public_decision_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Decision)
            .where(Decision.non_disclosable.is_(False))
        )
        or 0
    )


def _iter_decisions() -> Iterator[Doc]:
    last = 0
    while True:
        rows = db.session.scalars(
            _decisions_query()
            .where(Decision.non_disclosable.is_(False), Decision.id > last)
            .order_by(Decision.id)
            .limit(200)
        ).all()
        if not rows:
            return
        for d in rows:
            yield decision_doc(d)
        last = rows[-1].id


def _decision_docs_for(ids: list[int]) -> dict[int, Doc | None]:
    out: dict[int, Doc | None] = dict.fromkeys(ids)
    for batch in chunks(ids):
        for d in db.session.scalars(_decisions_query().where(Decision.id.in_(batch))):
            out[d.id] = None if d.non_disclosable else decision_doc(d)
    return out


def _public_decision_ids(ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Decision.id).where(Decision.id.in_(ids), Decision.non_disclosable.is_(False))
        )
    )


def _decision_scope(decision_id: int, _indexed_count) -> Scope:
    doc = _decision_docs_for([decision_id]).get(decision_id)
    return Scope(replace=True, docs=[doc] if doc else [])


register(
    Source(
        kind="decision",
        topic=DECISION_TOPIC,
        count=_public_decision_count,
        iter_docs=_iter_decisions,
        docs_for=_decision_docs_for,
        for_decision=_decision_scope,
        public_ids=_public_decision_ids,
        weight=2.0,
        order=10,
    )
)


# -- documents and publications ------------------------------------------------------------------


def _latest_published_versions():
    """(document_id, max published version number) of every document with a public version."""
    return (
        sa.select(
            DocumentVersion.document_id.label("document_id"),
            sa.func.max(DocumentVersion.number).label("number"),
        )
        .where(DocumentVersion.published_at.is_not(None))
        .group_by(DocumentVersion.document_id)
        .subquery()
    )


def _documents_query(kinds: tuple[DocumentKind, ...], publication: bool):
    latest = _latest_published_versions()
    kind_filter = Document.kind.in_([str(k) for k in kinds])
    if not publication:
        kind_filter = sa.not_(kind_filter)
    return (
        sa.select(Document, DocumentVersion, Decision)
        .join(latest, latest.c.document_id == Document.id)
        .join(
            DocumentVersion,
            sa.and_(
                DocumentVersion.document_id == Document.id,
                DocumentVersion.number == latest.c.number,
            ),
        )
        .join(Decision, Decision.id == Document.decision_id)
        .where(kind_filter)
        .options(selectinload(Decision.government))
    )


def _public(query):
    return query.where(Document.is_public.is_(True), Decision.non_disclosable.is_(False))


def _document_doc(kind: str, doc: Document, version: DocumentVersion, d: Decision) -> Doc:
    return {
        "key": f"{kind}:{doc.id}",
        "type": kind,
        "obj_id": doc.id,
        "decision_id": d.id,
        "gov": d.government.slug,
        "year": str(d.year),
        "stage": str(d.stage),
        "title": doc.title,
        "heading": doc.title if d.title in doc.title else f"{d.title} · {doc.title}",
        "body": version.body or "",
        "url": f"/decisions/{d.id}#doc-h",
        "date": naive(version.published_at),
    }


def _document_source(kind: str, publication: bool, weight: float, order: int) -> Source:
    def query():
        return _documents_query(PUBLICATION_KINDS, publication)

    def count() -> int:
        sub = _public(query()).with_only_columns(Document.id).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0

    def iter_docs() -> Iterator[Doc]:
        last = 0
        while True:
            rows = db.session.execute(
                _public(query()).where(Document.id > last).order_by(Document.id).limit(100)
            ).all()
            if not rows:
                return
            for doc, version, d in rows:
                yield _document_doc(kind, doc, version, d)
            last = rows[-1][0].id

    def docs_for(ids: list[int]) -> dict[int, Doc | None]:
        out: dict[int, Doc | None] = dict.fromkeys(ids)
        for batch in chunks(ids):
            for doc, version, d in db.session.execute(
                _public(query()).where(Document.id.in_(batch))
            ):
                out[doc.id] = _document_doc(kind, doc, version, d)
        return out

    def public_ids(ids: list[int]) -> set[int]:
        kind_filter = Document.kind.in_([str(k) for k in PUBLICATION_KINDS])
        published = sa.exists().where(
            DocumentVersion.document_id == Document.id, DocumentVersion.published_at.is_not(None)
        )
        return set(
            db.session.scalars(
                _public(
                    sa.select(Document.id)
                    .join(Decision, Decision.id == Document.decision_id)
                    .where(
                        Document.id.in_(ids),
                        kind_filter if publication else sa.not_(kind_filter),
                        published,
                    )
                )
            )
        )

    def for_decision(decision_id: int, _indexed_count) -> Scope:
        rows = db.session.execute(
            _public(query()).where(Document.decision_id == decision_id).order_by(Document.id)
        ).all()
        return Scope(replace=True, docs=[_document_doc(kind, *row) for row in rows])

    return Source(
        kind=kind,
        topic=f"search.{kind}",
        count=count,
        iter_docs=iter_docs,
        docs_for=docs_for,
        for_decision=for_decision,
        public_ids=public_ids,
        weight=weight,
        order=order,
    )


register(_document_source("document", publication=False, weight=1.5, order=20))
register(_document_source("publication", publication=True, weight=1.8, order=30))
