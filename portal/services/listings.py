"""Public listings of issue 12: the consultation card of a dossier, the consultations column
(open, closed awaiting the adoption report, answered), the published decisions whatever their
later stage, the public facts of a dossier's filing (PROC-38a, A41) and the public side of the
deadline board (overdue duties per government, never personal data).

Read-only queries: nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.opinion import Opinion, OpinionReport
from portal.models.org import Government
from portal.rules.stages import Step, StepStatus
from portal.services import compliance, publication
from portal.services.decisions import current_consultation, public_decisions


class ConsultationState(StrEnum):
    OPEN = "open"  # comments can be sent now
    CLOSED = "closed"  # the period has ended; the adoption report is not published yet
    ANSWERED = "answered"  # the adoption report is published (PART-15b)


@dataclass(frozen=True)
class ConsultationRow:
    consultation: Consultation
    decision: Decision
    state: ConsultationState
    received: int  # opinions received on the decision, whatever their moderation status
    report_published_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state is ConsultationState.OPEN


def received_counts(decision_ids) -> dict[int, int]:
    """How many opinions each decision has received (every channel, every status)."""
    ids = list(decision_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Opinion.decision_id, sa.func.count())
        .where(Opinion.decision_id.in_(ids))
        .group_by(Opinion.decision_id)
    ).all()
    return {int(k): int(v) for k, v in rows}


def _report_dates(decision_ids) -> dict[int, datetime]:
    """When each decision's answer to its consultation was published: the adoption report
    (PART-15b) or, published with the decision, the adoption-report document (PROC-37b)."""
    ids = list(decision_ids)
    if not ids:
        return {}
    out: dict[int, datetime] = {}
    rows = db.session.execute(
        sa.select(OpinionReport.decision_id, OpinionReport.published_at).where(
            OpinionReport.decision_id.in_(ids), OpinionReport.published_at.is_not(None)
        )
    ).all()
    rows += db.session.execute(
        sa.select(Document.decision_id, sa.func.min(DocumentVersion.published_at))
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(
            Document.decision_id.in_(ids),
            Document.kind == DocumentKind.ADOPTION_REPORT,
            Document.is_public.is_(True),
            DocumentVersion.published_at.is_not(None),
        )
        .group_by(Document.decision_id)
    ).all()
    for decision_id, at in rows:
        if at is not None and (decision_id not in out or at < out[decision_id]):
            out[int(decision_id)] = at
    return out


def _state(c: Consultation, report_at: datetime | None, now: datetime) -> ConsultationState:
    if c.is_open(now):
        return ConsultationState.OPEN
    return ConsultationState.ANSWERED if report_at is not None else ConsultationState.CLOSED


def consultation_card(decision: Decision, now: datetime) -> ConsultationRow | None:
    """The card that opens a dossier: the decision's latest consultation once it has opened."""
    c = current_consultation(decision)
    if c is None or c.opens_at > now:
        return None
    report_at = _report_dates([decision.id]).get(decision.id)
    return ConsultationRow(
        c,
        decision,
        _state(c, report_at, now),
        received_counts([decision.id]).get(decision.id, 0),
        report_at,
    )


def _latest_consultations(gov: str | None, now: datetime):
    """The latest consultation of each public decision (one row per decision), opened by now."""
    latest = (
        sa.select(sa.func.max(Consultation.id).label("id"))
        .where(Consultation.opens_at <= now)
        .group_by(Consultation.decision_id)
        .subquery()
    )
    query = (
        sa.select(Consultation)
        .join(latest, latest.c.id == Consultation.id)
        .join(Decision, Consultation.decision_id == Decision.id)
        .where(Decision.non_disclosable.is_(False))
    )
    if gov:
        query = query.join(Government, Decision.government_id == Government.id).where(
            Government.slug == gov
        )
    return query


def _state_filter(query, state: ConsultationState, now: datetime):
    published_report = sa.select(OpinionReport.id).where(
        OpinionReport.decision_id == Consultation.decision_id,
        OpinionReport.published_at.is_not(None),
    )
    report_document = (
        sa.select(Document.id)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(
            Document.decision_id == Consultation.decision_id,
            Document.kind == DocumentKind.ADOPTION_REPORT,
            Document.is_public.is_(True),
            DocumentVersion.published_at.is_not(None),
        )
    )
    answered = sa.or_(published_report.exists(), report_document.exists())
    if state is ConsultationState.OPEN:
        return query.where(Consultation.closes_at > now)
    query = query.where(Consultation.closes_at <= now)
    if state is ConsultationState.ANSWERED:
        return query.where(answered)
    return query.where(~answered)


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def consultation_counts(gov: str | None, now: datetime) -> dict[ConsultationState, int]:
    base = _latest_consultations(gov, now)
    return {s: _count(_state_filter(base, s, now)) for s in ConsultationState}


def list_consultations(
    state: ConsultationState, *, gov: str | None, now: datetime, page: int, per_page: int
) -> tuple[list[ConsultationRow], int]:
    """Open consultations close soonest first; closed and answered ones, latest closed first."""
    query = _state_filter(_latest_consultations(gov, now), state, now)
    total = _count(query)
    order = (
        (Consultation.closes_at, Consultation.id)
        if state is ConsultationState.OPEN
        else (Consultation.closes_at.desc(), Consultation.id.desc())
    )
    consultations = db.session.scalars(
        query.options(
            selectinload(Consultation.decision).selectinload(Decision.government),
            selectinload(Consultation.decision).selectinload(Decision.undertaking_unit),
        )
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [c.decision_id for c in consultations]
    counts, reports = received_counts(ids), _report_dates(ids)
    rows = [
        ConsultationRow(
            c, c.decision, state, counts.get(c.decision_id, 0), reports.get(c.decision_id)
        )
        for c in consultations
    ]
    return rows, total


def published_decisions(*, gov: str | None, page: int, per_page: int) -> tuple[list[Decision], int]:
    """Every public decision that has been published (PROC-37a), whatever its stage since
    (implementation, post-evaluation, closed, suspended, terminated), newest first."""
    query = public_decisions().where(Decision.published_at.is_not(None))
    if gov:
        query = query.join(Government, Decision.government_id == Government.id).where(
            Government.slug == gov
        )
    total = _count(query)
    rows = db.session.scalars(
        query.options(selectinload(Decision.government), selectinload(Decision.undertaking_unit))
        .order_by(Decision.published_at.desc(), Decision.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total


# -- filing (PROC-38a, A41) and the public deadline board --------------------------------------


@dataclass(frozen=True)
class FilingFacts:
    """The filing of a published decision as the public sees it (PROC-38a, A41)."""

    due: date
    filed_on: date | None
    filing_ref: str
    overdue_days: int  # > 0: unfiled after the due day, or filed that many days late

    @property
    def overdue(self) -> bool:
        return self.filed_on is None and self.overdue_days > 0

    @property
    def filed_late(self) -> bool:
        return self.filed_on is not None and self.overdue_days > 0


def filing_facts(decision: Decision, today: date) -> FilingFacts | None:
    """PROC-38a: filed within 30 calendar days of publication (A2: a last day off work rolls to
    the next working day). ``None`` before publication."""
    due = publication.filing_due(decision)
    if due is None:
        return None
    row = decision.step(Step.FILING)
    if row is not None and row.status in (
        StepStatus.WAIVED_WITH_EXPLANATION,
        StepStatus.NOT_APPLICABLE,
    ):
        return None  # A40: not owed here; the timeline shows why
    end = decision.filed_on or today
    return FilingFacts(
        due=due.due,
        filed_on=decision.filed_on,
        filing_ref=decision.filing_ref,
        overdue_days=max((end - due.due).days, 0),
    )


@dataclass(frozen=True)
class OverdueDuty:
    decision: Decision | None
    rule: str
    what: str  # msgid
    due: date
    days: int  # days overdue
    catalog: object | None = None


# The duties of the board that concern public acts: the filing of a published decision
# (PROC-38a) or of an adjusted catalog (CAT-16c), the materials of a hearing (PROC-19c) or a
# symposium (PART-8b). Internal steps (a legality review's supplements, PROC-29c) stay internal.
PUBLIC_BOARD_RULES = frozenset({"PROC-38a", "CAT-16c", "PROC-19c", "PART-8b"})


def public_overdue(gov: Government, today: date) -> list[OverdueDuty]:
    """The public side of the deadline board (A41: overdue alerts driven by the due dates):
    the government's duties past their due day, on public decisions only, most overdue first.
    Rows carry no personal data: a decision, a rule, a due day."""
    out = []
    for row in compliance.board(gov.id, today, working_days=0):
        if not row.overdue or row.rule not in PUBLIC_BOARD_RULES:
            continue
        if row.decision is not None and row.decision.non_disclosable:
            continue
        out.append(
            OverdueDuty(
                row.decision, row.rule, row.what, row.due, (today - row.due).days, row.catalog
            )
        )
    return sorted(out, key=lambda r: (-r.days, r.rule, r.decision.id if r.decision else 0))
