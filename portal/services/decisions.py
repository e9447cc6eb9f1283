"""Decision items: public queries and the initial record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.document import Document
from portal.models.org import Department, Government
from portal.rules.stages import PUBLIC_TIMELINE_STEPS, Category, Stage, Step, StepStatus
from portal.services import audit


@dataclass(frozen=True)
class DecisionFilters:
    gov: str | None = None
    year: int | None = None
    stage: Stage | None = None
    category: Category | None = None


def public_decisions():
    """The base query of everything the public may see (never a non-disclosable item)."""
    return sa.select(Decision).where(Decision.non_disclosable.is_(False))


def list_public_decisions(
    filters: DecisionFilters, *, page: int, per_page: int
) -> tuple[list[Decision], int]:
    query = public_decisions()
    if filters.gov:
        query = query.join(Government, Decision.government_id == Government.id).where(
            Government.slug == filters.gov
        )
    if filters.year:
        query = query.where(Decision.year == filters.year)
    if filters.stage:
        query = query.where(Decision.stage == filters.stage)
    if filters.category:
        query = query.where(Decision.category == filters.category)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(Decision.government), selectinload(Decision.undertaking_unit))
        .order_by(Decision.stage_changed_at.desc(), Decision.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total


def public_years() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Decision.year)
            .where(Decision.non_disclosable.is_(False))
            .distinct()
            .order_by(Decision.year.desc())
        ).all()
    )


def get_public_decision(decision_id: int) -> Decision | None:
    return db.session.scalar(public_decisions().where(Decision.id == decision_id))


def open_consultations(now: datetime, *, limit: int = 20) -> list[Consultation]:
    """Consultations open now on public decisions, closing soonest first."""
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .join(Decision, Consultation.decision_id == Decision.id)
            .where(
                Decision.non_disclosable.is_(False),
                Consultation.opens_at <= now,
                Consultation.closes_at > now,
            )
            .options(selectinload(Consultation.decision).selectinload(Decision.government))
            .order_by(Consultation.closes_at, Consultation.id)
            .limit(limit)
        ).all()
    )


def current_consultation(decision: Decision) -> Consultation | None:
    return db.session.scalar(
        sa.select(Consultation)
        .where(Consultation.decision_id == decision.id)
        .order_by(Consultation.opens_at.desc(), Consultation.id.desc())
        .limit(1)
    )


def latest_publications(*, limit: int = 5) -> list[Decision]:
    return list(
        db.session.scalars(
            public_decisions()
            .where(Decision.published_at.is_not(None))
            .options(selectinload(Decision.government))
            .order_by(Decision.published_at.desc())
            .limit(limit)
        ).all()
    )


def public_documents(decision: Decision) -> list[Document]:
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.decision_id == decision.id, Document.is_public.is_(True))
            .options(selectinload(Document.versions))
            .order_by(Document.id)
        ).all()
    )


@dataclass(frozen=True)
class TimelineItem:
    step: Step
    status: StepStatus | None  # None: not reached yet
    started_at: datetime | None
    completed_at: datetime | None


def public_timeline(decision: Decision) -> list[TimelineItem]:
    """The public steps with their latest dates; steps not reached yet come last, dateless."""
    latest: dict[Step, ProcedureStep] = {}
    for row in decision.steps:
        if row.step in PUBLIC_TIMELINE_STEPS:
            latest[row.step] = row
    items = []
    for step in PUBLIC_TIMELINE_STEPS:
        row = latest.get(step)
        if step == Step.PUBLIC_PARTICIPATION and decision.non_disclosable:
            continue
        items.append(
            TimelineItem(
                step,
                row.status if row else None,
                row.started_at if row else None,
                row.completed_at if row else None,
            )
        )
    return items


def create_decision(
    *,
    government: Government,
    title: str,
    category: Category,
    year: int,
    summary: str,
    undertaking_unit: Department | None,
    source: DecisionSource,
    actor,
    now: datetime,
    non_disclosable: bool = False,
    non_disclosable_basis: str = "",
    flags: dict[str, bool] | None = None,
) -> Decision:
    """Record a new decision item at initiation (PROC-11). Flushes; the caller commits.

    ``flags``: the gate-switching flags set at creation (``corrections.FLAGS``); the government
    office registering the item confirms them by doing so (A7, A42); afterwards they change
    only by a confirmed request."""
    decision = Decision(
        government=government,
        title=title.strip(),
        category=category,
        year=year,
        summary=summary,
        undertaking_unit=undertaking_unit,
        source=source,
        stage=Stage.INITIATED,
        non_disclosable=non_disclosable,
        non_disclosable_basis=non_disclosable_basis,
        created_at=now,
        updated_at=now,
        stage_changed_at=now,
        **(flags or {}),
    )
    decision.steps.append(ProcedureStep(step=Step.INITIATION, started_at=now))
    # PROC-39a: the whole-process record is archived continuously, from the first step on.
    decision.steps.append(ProcedureStep(step=Step.ARCHIVING, started_at=now))
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "decision.create",
        actor=actor,
        now=now,
        obj=decision,
        after={"title": decision.title, "stage": str(decision.stage), "category": str(category)}
        | {name: True for name, value in (flags or {}).items() if value}
        | (
            {"non_disclosable": True, "non_disclosable_basis": non_disclosable_basis}
            if non_disclosable
            else {}
        ),
    )
    return decision


def staff_decisions(government_id: int) -> list[Decision]:
    """Back-office dashboard: every decision of one government, disclosable or not."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.government_id == government_id)
            .options(selectinload(Decision.undertaking_unit))
            .order_by(Decision.updated_at.desc(), Decision.id.desc())
        ).all()
    )


# -- registering a decision in the back office (PROC-11; flags A7, A42) -------------------------


@dataclass(frozen=True)
class NewDecisionInput:
    """The government office registers a decision item. The gate-switching flags may be set
    here: the office that registers the item is the office that confirms them (A7, A17, A42);
    later changes go through a request the office confirms (``corrections``)."""

    title: str
    category: Category
    year: int
    undertaking_unit_id: int | None
    source: DecisionSource
    summary: str = ""
    non_disclosable: bool = False
    non_disclosable_basis: str = ""
    out_of_scope_confirmed: bool = False
    affects_enterprise_operations: bool = False
    affects_specific_group: bool = False
    affects_market_entities: bool = False
    high_public_concern: bool = False
    is_exploratory_reform: bool = False
    npc_report_required: bool = False


CREATION_FLAGS = (
    "out_of_scope_confirmed",
    "affects_enterprise_operations",
    "affects_specific_group",
    "affects_market_entities",
    "high_public_concern",
    "is_exploratory_reform",
    "npc_report_required",
)


def register_decision(
    government: Government, data: NewDecisionInput, *, actor, now: datetime, ip: str = ""
) -> Decision:
    """Register a new decision item in initiation (PROC-11), with the flags the office sets."""
    from portal.rules.errors import N_, RuleViolation, input_error, refuse

    out = []
    if not data.title.strip():
        out.append(input_error(N_("Enter a title."), "title"))
    unit = (
        db.session.get(Department, data.undertaking_unit_id) if data.undertaking_unit_id else None
    )
    if data.undertaking_unit_id is not None and (
        unit is None or unit.government_id != government.id
    ):
        out.append(input_error(N_("Choose a department of this government."), "undertaking_unit"))
    if data.non_disclosable and not data.non_disclosable_basis.strip():
        # A7: a non-disclosure is set with its legal basis
        out.append(
            RuleViolation(
                "A7",
                N_("Give the legal basis on which the item is not to be disclosed."),
                field="non_disclosable_basis",
            )
        )
    refuse(out)
    return create_decision(
        government=government,
        title=data.title,
        category=data.category,
        year=data.year,
        summary=data.summary.strip(),
        undertaking_unit=unit,
        source=data.source,
        actor=actor,
        now=now,
        non_disclosable=data.non_disclosable,
        non_disclosable_basis=data.non_disclosable_basis.strip() if data.non_disclosable else "",
        flags={name: getattr(data, name) for name in CREATION_FLAGS},
    )
