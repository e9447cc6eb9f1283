"""A helper for small kinds that belong to a decision (hearings, implementation updates, ...):
a handful of rows per decision, built from ORM objects."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.decision import Decision
from search.sources import Doc, Scope, Source, chunks, register


def register_small(
    *,
    kind: str,
    model,
    public: Callable,  # a SQL condition on ``model`` (the decision is joined as ``Decision``)
    to_doc: Callable[[object, Decision], Doc],
    weight: float = 1.5,
    order: int = 60,
) -> Source:
    def query():
        return (
            sa.select(model, Decision)
            .join(Decision, Decision.id == model.decision_id)
            .where(Decision.non_disclosable.is_(False), public())
            .options(selectinload(Decision.government))
        )

    def count() -> int:
        sub = query().with_only_columns(model.id).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0

    def iter_docs() -> Iterator[Doc]:
        for row, decision in db.session.execute(query().order_by(model.id)):
            yield to_doc(row, decision)

    def docs_for(ids: list[int]) -> dict[int, Doc | None]:
        out: dict[int, Doc | None] = dict.fromkeys(ids)
        for batch in chunks(ids):
            for row, decision in db.session.execute(query().where(model.id.in_(batch))):
                out[row.id] = to_doc(row, decision)
        return out

    def public_ids(ids: list[int]) -> set[int]:
        return set(
            db.session.scalars(
                sa.select(model.id)
                .join(Decision, Decision.id == model.decision_id)
                .where(model.id.in_(ids), Decision.non_disclosable.is_(False), public())
            )
        )

    def for_decision(decision_id: int, _probe) -> Scope:
        rows = db.session.execute(query().where(model.decision_id == decision_id))
        return Scope(replace=True, docs=[to_doc(r, d) for r, d in rows])

    return register(
        Source(
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
    )
