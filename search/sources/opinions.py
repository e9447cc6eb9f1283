"""Published opinions and their answers.

Public means: the opinion's status is ``published`` and its decision is disclosable. Only the
published (masked) body and the published answer are indexed: never the submitted text, the
contact details, the IP hash or the display name (a name is not needed to find an opinion, and
leaving it out means a withdrawn consent can never linger in the index).
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.models.org import Government
from portal.rules.consultation import OpinionStatus
from search.sources import Doc, Scope, Source, chunks, naive, register

KIND = "opinion"


def _query():
    return (
        sa.select(
            Opinion.id,
            Opinion.decision_id,
            Opinion.clause,
            Opinion.published_body,
            Opinion.response,
            Opinion.submitted_at,
            Decision.title,
            Decision.year,
            Decision.stage,
            Government.slug,
        )
        .join(Decision, Decision.id == Opinion.decision_id)
        .join(Government, Government.id == Decision.government_id)
        .where(Opinion.status == OpinionStatus.PUBLISHED, Decision.non_disclosable.is_(False))
    )


def _doc(row) -> Doc:
    oid, decision_id, clause, body, response, submitted_at, title, year, stage, gov = row
    return {
        "key": f"{KIND}:{oid}",
        "type": KIND,
        "obj_id": oid,
        "decision_id": decision_id,
        "gov": gov,
        "year": str(year),
        "stage": str(stage),
        "title": clause or "",
        "heading": title,
        "body": body + ("\n" + response if response else ""),
        "url": f"/decisions/{decision_id}/opinions#opinion-{oid}",
        "date": naive(submitted_at),
    }


def _count() -> int:
    sub = _query().with_only_columns(Opinion.id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0


def _iter_docs() -> Iterator[Doc]:
    last = 0
    while True:
        rows = db.session.execute(
            _query().where(Opinion.id > last).order_by(Opinion.id).limit(2000)
        ).all()
        if not rows:
            return
        for row in rows:
            yield _doc(row)
        last = rows[-1][0]


def _docs_for(ids: list[int]) -> dict[int, Doc | None]:
    out: dict[int, Doc | None] = dict.fromkeys(ids)
    for batch in chunks(ids):
        for row in db.session.execute(_query().where(Opinion.id.in_(batch))):
            out[row[0]] = _doc(row)
    return out


def _public_ids(ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(_query().with_only_columns(Opinion.id).where(Opinion.id.in_(ids)))
    )


def _for_decision(decision_id: int, probe) -> Scope | None:
    """A decision event touches its opinions only when they must change: all leave when the
    decision stops being public; all are rewritten when the index holds a different number of
    them or an outdated stage (a decision has thousands of opinions: never rewrite them for
    nothing)."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.non_disclosable:
        return Scope(replace=True, docs=[])
    count, sample = probe()
    public = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Opinion)
            .where(Opinion.decision_id == decision_id, Opinion.status == OpinionStatus.PUBLISHED)
        )
        or 0
    )
    if count == public and (sample is None or sample.get("stage") == str(decision.stage)):
        return None
    rows = db.session.execute(
        _query().where(Opinion.decision_id == decision_id).order_by(Opinion.id)
    ).all()
    return Scope(replace=True, docs=[_doc(r) for r in rows])


register(
    Source(
        kind=KIND,
        topic="search.opinion",
        count=_count,
        iter_docs=_iter_docs,
        docs_for=_docs_for,
        for_decision=_for_decision,
        public_ids=_public_ids,
        weight=1.0,
        order=40,
    )
)
