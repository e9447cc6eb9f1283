"""The work inbox of the back office: for each role of a member of staff, what waits for it.

Every list is scoped to the user's own government and, for undertaking staff, to the decisions
of their own unit (an undertaker answers only the opinions on their own unit's decisions). Each
item carries a count and the endpoint of the screen where the work is done; the view only
builds the URLs. Counts come from grouped queries (one per kind of work, never one per
decision), and deadlines from the deadline board (``compliance.board``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.correction import FlagRequest, FlagRequestStatus
from portal.models.decision import Decision, ProcedureStep
from portal.models.evaluation import Evaluation, PublicFeedback
from portal.models.hearing import Hearing, HearingRegistration
from portal.models.opinion import Opinion, OpinionReport
from portal.models.proposal import Proposal, ProposalStatus
from portal.models.review import LegalityReview
from portal.models.supervision import Rectification, SupervisionTask
from portal.permissions import Role
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import N_
from portal.rules.hearings import RegistrationStatus
from portal.rules.stages import Step, StepStatus
from portal.rules.supervision import TaskStatus
from portal.rules.transitions import FINAL_EXITS
from portal.services import calendar as calendar_service
from portal.services import compliance
from portal.services.opinions import OpinionStatus
from portal.services.workspace import RULE_SCREEN, STEP_SCREEN

# The roles in the order their sections are shown.
ROLE_ORDER: tuple[Role, ...] = (
    Role.GOVERNMENT_OFFICE,
    Role.UNDERTAKING_STAFF,
    Role.MODERATOR,
    Role.LEGALITY_REVIEWER,
    Role.SUPERVISION_OFFICER,
    Role.EVALUATOR,
    Role.SYSTEM_ADMIN,
)

# Steps the government office records itself (deliberation, publication and filing, PROC-35b,
# PROC-37a, PROC-38a); the undertaking unit runs the others.
OFFICE_STEPS = frozenset(
    {Step.COLLECTIVE_DECISION, Step.PARTY_COMMITTEE_REPORT, Step.PUBLICATION, Step.FILING}
)


@dataclass(frozen=True)
class Item:
    """One piece of waiting work: ``count`` things of kind ``kind`` at ``endpoint(**args)``."""

    kind: str
    label: str  # msgid; may use %(title)s, %(step)s, %(what)s
    count: int
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)
    decision: Decision | None = None
    title: str = ""  # what the item is about (a decision, a hearing, a proposal)
    step: Step | None = None
    due: date | None = None
    overdue: bool = False
    rule: str = ""
    uncertain: bool = False  # A1: the due date crosses a year without official holiday data


@dataclass
class Group:
    """Items of one kind (e.g. "opinions to moderate"), with their total."""

    kind: str
    heading: str  # msgid
    items: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(i.count for i in self.items)


@dataclass
class Section:
    """What waits for one role of the user."""

    role: Role
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    def group(self, kind: str) -> Group | None:
        return next((g for g in self.groups if g.kind == kind), None)


@dataclass
class Inbox:
    sections: list[Section]
    scope_unit_id: int | None  # the unit the undertaking staff's lists are limited to

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    def count(self, kind: str) -> int:
        """The total of one kind of work across the user's roles (tests and the summary)."""
        return sum(g.total for s in self.sections for g in s.groups if g.kind == kind)

    def items(self, kind: str) -> list[Item]:
        return [i for s in self.sections for g in s.groups if g.kind == kind for i in g.items]


# -- scope ----------------------------------------------------------------------------------------


def _scope(government_id: int, unit_id: int | None):
    """The open decisions of the government (and of the unit, when given)."""
    conditions = [
        Decision.government_id == government_id,
        Decision.stage.not_in([s.value for s in FINAL_EXITS]),
    ]
    if unit_id is not None:
        conditions.append(Decision.undertaking_unit_id == unit_id)
    return conditions


def _decisions(ids) -> dict[int, Decision]:
    ids = set(ids)
    if not ids:
        return {}
    return {d.id: d for d in db.session.scalars(sa.select(Decision).where(Decision.id.in_(ids)))}


def _per_decision(query) -> list[tuple[Decision, int]]:
    """Run a ``(decision_id, count)`` query and load the decisions in one more query."""
    rows = [(int(d), int(n)) for d, n in db.session.execute(query) if n]
    by_id = _decisions(d for d, _n in rows)
    return sorted(((by_id[d], n) for d, n in rows if d in by_id), key=lambda r: (-r[1], r[0].title))


# -- the kinds of work ----------------------------------------------------------------------------


def _per_decision_group(key: str, label: str, query, endpoint: str, **args) -> Group:
    """A group of one item per decision, from a query of ``(decision_id, count)`` rows, each
    linking to ``endpoint`` for that decision (with ``args`` as extra URL parameters)."""
    group = Group(key, label)
    for d, n in _per_decision(query):
        group.items.append(
            Item(key, "", n, endpoint, {"decision_id": d.id, **args}, decision=d, title=d.title)
        )
    return group


def opinions_to_moderate(government_id: int) -> Group:
    """Opinions received and not yet published or withheld, per decision (moderators)."""
    query = (
        sa.select(Opinion.decision_id, sa.func.count(Opinion.id))
        .join(Decision, Opinion.decision_id == Decision.id)
        .where(*_scope(government_id, None), Opinion.status == OpinionStatus.RECEIVED)
        .group_by(Opinion.decision_id)
    )
    return _per_decision_group(
        "moderate",
        N_("Opinions to moderate"),
        query,
        "admin.decision_opinions",
        status=OpinionStatus.RECEIVED.value,
    )


def feedback_to_moderate(government_id: int) -> Group:
    """Public feedback on a decision in force (PROC-42b) awaiting moderation."""
    query = (
        sa.select(PublicFeedback.decision_id, sa.func.count(PublicFeedback.id))
        .join(Decision, PublicFeedback.decision_id == Decision.id)
        .where(*_scope(government_id, None), PublicFeedback.status == OpinionStatus.RECEIVED)
        .group_by(PublicFeedback.decision_id)
    )
    return _per_decision_group(
        "moderate_feedback", N_("Public feedback to moderate"), query, "admin.decision_feedback"
    )


def opinions_to_answer(government_id: int, unit_id: int | None) -> Group:
    """Moderated opinions still without an answer or a draft answer (PROC-20a), per decision:
    the same selection as the queue's "to answer" view."""
    query = (
        sa.select(Opinion.decision_id, sa.func.count(Opinion.id))
        .join(Decision, Opinion.decision_id == Decision.id)
        .where(
            *_scope(government_id, unit_id),
            Opinion.status.in_((OpinionStatus.PUBLISHED, OpinionStatus.WITHHELD)),
            Opinion.adoption == AdoptionStatus.PENDING,
            Opinion.drafted_at.is_(None),
        )
        .group_by(Opinion.decision_id)
    )
    return _per_decision_group(
        "answer", N_("Opinions to answer"), query, "admin.decision_opinions", status="unanswered"
    )


def answers_to_release(government_id: int, unit_id: int | None) -> Group:
    """Draft answers waiting to be previewed and released together, per decision."""
    query = (
        sa.select(Opinion.decision_id, sa.func.count(Opinion.id))
        .join(Decision, Opinion.decision_id == Decision.id)
        .where(*_scope(government_id, unit_id), Opinion.drafted_at.is_not(None))
        .group_by(Opinion.decision_id)
    )
    return _per_decision_group(
        "release",
        N_("Draft answers to preview and release"),
        query,
        "admin.decision_opinion_drafts",
    )


def reports_to_publish(government_id: int, unit_id: int | None, now: datetime) -> Group:
    """Decisions whose comment period has closed, every opinion moderated and answered, and
    whose adoption report (PART-15b) is not published yet."""
    closed = (
        sa.select(Consultation.decision_id)
        .group_by(Consultation.decision_id)
        .having(sa.func.max(Consultation.closes_at) <= now)
    )
    open_work = sa.select(Opinion.decision_id).where(
        sa.or_(
            Opinion.status == OpinionStatus.RECEIVED,
            sa.and_(
                Opinion.status == OpinionStatus.PUBLISHED,
                Opinion.adoption == AdoptionStatus.PENDING,
            ),
            Opinion.drafted_at.is_not(None),
        )
    )
    published = sa.select(OpinionReport.decision_id).where(OpinionReport.published_at.is_not(None))
    has_opinions = sa.select(Opinion.decision_id)
    ids = db.session.scalars(
        sa.select(Decision.id).where(
            *_scope(government_id, unit_id),
            Decision.id.in_(closed),
            Decision.id.in_(has_opinions),
            Decision.id.not_in(open_work),
            Decision.id.not_in(published),
        )
    ).all()
    group = Group("report", N_("Adoption reports to publish"))
    for d in sorted(_decisions(ids).values(), key=lambda d: d.title):
        group.items.append(
            Item(
                "report",
                "",
                1,
                "admin.decision_opinion_report",
                {"decision_id": d.id},
                decision=d,
                title=d.title,
                rule="PART-15b",
            )
        )
    return group


def steps_to_record(
    government_id: int, unit_id: int | None, steps: frozenset[Step] | None = None
) -> Group:
    """Procedure steps under way: their records are entered on the step's screen, then the
    step is completed in the workspace."""
    query = (
        sa.select(ProcedureStep)
        .join(Decision, ProcedureStep.decision_id == Decision.id)
        .where(*_scope(government_id, unit_id), ProcedureStep.status == StepStatus.IN_PROGRESS)
        .order_by(ProcedureStep.started_at, ProcedureStep.id)
    )
    # Archiving runs alongside the whole procedure (PROC-39a): not a step waiting for anyone.
    rows = [
        s
        for s in db.session.scalars(query)
        if (steps is None or s.step in steps) and s.step is not Step.ARCHIVING
    ]
    by_id = _decisions(s.decision_id for s in rows)
    group = Group("steps", N_("Procedure steps under way"))
    seen: set[tuple[int, Step]] = set()
    for s in rows:
        if (s.decision_id, s.step) in seen or s.decision_id not in by_id:
            continue
        seen.add((s.decision_id, s.step))
        d = by_id[s.decision_id]
        group.items.append(
            Item(
                "steps",
                "",
                1,
                STEP_SCREEN.get(s.step, "admin.decision_show"),
                {"decision_id": d.id},
                decision=d,
                title=d.title,
                step=s.step,
                due=s.due_on,
            )
        )
    return group


def registrations_to_select(government_id: int, unit_id: int | None) -> Group:
    """Hearing registrations awaiting the draw or the organiser (status "applied")."""
    query = (
        sa.select(HearingRegistration.hearing_id, sa.func.count(HearingRegistration.id))
        .join(Hearing, HearingRegistration.hearing_id == Hearing.id)
        .join(Decision, Hearing.decision_id == Decision.id)
        .where(
            *_scope(government_id, unit_id),
            HearingRegistration.status == RegistrationStatus.APPLIED,
            Hearing.cancelled_at.is_(None),
            Hearing.held_at.is_(None),
        )
        .group_by(HearingRegistration.hearing_id)
    )
    rows = [(int(h), int(n)) for h, n in db.session.execute(query) if n]
    hearings = {
        h.id: h
        for h in db.session.scalars(sa.select(Hearing).where(Hearing.id.in_([h for h, _ in rows])))
    }
    group = Group("select", N_("Hearing registrations to select"))
    for hid, n in sorted(rows, key=lambda r: hearings[r[0]].starts_at):
        h = hearings[hid]
        group.items.append(
            Item(
                "select",
                "",
                n,
                "admin.hearing_show",
                {"hearing_id": h.id},
                decision=h.decision,
                title=h.title,
            )
        )
    return group


def proposals_waiting(
    government_id: int, unit_id: int | None, now: datetime, *, route: bool
) -> Group:
    """Public proposals: for the office, those to route (received) and every open one past its
    reply date; for a unit, those routed to it and not yet studied."""
    if route:
        group = Group("proposals", N_("Public proposals to route and answer"))
        base = sa.select(sa.func.count(Proposal.id)).where(Proposal.government_id == government_id)
        received = db.session.scalar(base.where(Proposal.status == ProposalStatus.RECEIVED)) or 0
        overdue = (
            db.session.scalar(
                base.where(Proposal.status != ProposalStatus.ANSWERED, Proposal.reply_due_at < now)
            )
            or 0
        )
        studied = (
            db.session.scalar(
                base.where(
                    Proposal.status == ProposalStatus.UNDER_STUDY,
                    Proposal.studied_at.is_not(None),
                )
            )
            or 0
        )
        if received:
            group.items.append(
                Item(
                    "proposals",
                    N_("Received, to route to a studying unit"),
                    received,
                    "admin.proposal_list",
                    {"status": ProposalStatus.RECEIVED.value},
                )
            )
        if studied:
            group.items.append(
                Item(
                    "proposals",
                    N_("Studied, to answer"),
                    studied,
                    "admin.proposal_list",
                    {"status": ProposalStatus.UNDER_STUDY.value},
                )
            )
        if overdue:
            group.items.append(
                Item(
                    "proposals_overdue",
                    N_("Past the reply date"),
                    overdue,
                    "admin.proposal_list",
                    {"overdue": "1"},
                    overdue=True,
                )
            )
        return group
    group = Group("study", N_("Public proposals to study"))
    rows = db.session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.government_id == government_id,
            Proposal.studying_unit_id == unit_id,
            Proposal.status.in_([ProposalStatus.ROUTED, ProposalStatus.UNDER_STUDY]),
            Proposal.studied_at.is_(None),
        )
        .order_by(Proposal.reply_due_at, Proposal.id)
    ).all()
    for p in rows:
        group.items.append(
            Item(
                "study",
                "",
                1,
                "admin.proposal_show",
                {"proposal_id": p.id},
                title=p.title,
                due=p.reply_due_at.date(),
                overdue=p.reply_due_at < now,
            )
        )
    return group


def flag_requests(government_id: int) -> Group:
    """Flag changes the undertaking unit asked for, awaiting the office (A7, A17, A42)."""
    query = (
        sa.select(FlagRequest.decision_id, sa.func.count(FlagRequest.id))
        .join(Decision, FlagRequest.decision_id == Decision.id)
        .where(*_scope(government_id, None), FlagRequest.status == FlagRequestStatus.PENDING)
        .group_by(FlagRequest.decision_id)
    )
    return _per_decision_group(
        "flags", N_("Flag requests to confirm or reject"), query, "admin.decision_corrections"
    )


def legality_reviews(government_id: int) -> Group:
    """Legality reviews submitted and not yet answered by an opinion or returned (PROC-29a)."""
    rows = db.session.execute(
        sa.select(LegalityReview.decision_id, LegalityReview.submitted_on)
        .join(Decision, LegalityReview.decision_id == Decision.id)
        .where(
            *_scope(government_id, None),
            LegalityReview.submitted_on.is_not(None),
            LegalityReview.opinion_issued_on.is_(None),
            LegalityReview.returned.is_(False),
        )
        .order_by(LegalityReview.submitted_on)
    ).all()
    by_id = _decisions(r[0] for r in rows)
    group = Group("legality", N_("Legality reviews to conclude"))
    seen: set[int] = set()
    for decision_id, _submitted in rows:
        if decision_id in seen:
            continue
        seen.add(decision_id)
        d = by_id[decision_id]
        group.items.append(
            Item(
                "legality",
                "",
                1,
                "admin.decision_legality",
                {"decision_id": d.id},
                decision=d,
                title=d.title,
                rule="PROC-29a",
            )
        )
    return group


def supervision_work(government_id: int, today: date) -> Group:
    """Open supervision tasks and rectifications (SUP-7a, SUP-12c), per decision."""
    tasks = dict(
        db.session.execute(
            sa.select(SupervisionTask.decision_id, sa.func.count(SupervisionTask.id))
            .join(Decision, SupervisionTask.decision_id == Decision.id)
            .where(*_scope(government_id, None), SupervisionTask.status == TaskStatus.OPEN)
            .group_by(SupervisionTask.decision_id)
        ).all()
    )
    rect = db.session.execute(
        sa.select(
            Rectification.decision_id,
            sa.func.count(Rectification.id),
            sa.func.min(Rectification.due_on),
        )
        .join(Decision, Rectification.decision_id == Decision.id)
        .where(*_scope(government_id, None), Rectification.completed_on.is_(None))
        .group_by(Rectification.decision_id)
    ).all()
    counts: dict[int, int] = defaultdict(int)
    first_due: dict[int, date] = {}
    for d, n in tasks.items():
        counts[int(d)] += int(n)
    for d, n, due in rect:
        counts[int(d)] += int(n)
        if due is not None:
            first_due[int(d)] = due
    by_id = _decisions(counts)
    group = Group("supervision", N_("Supervision tasks and rectifications open"))
    for did in sorted(counts, key=lambda i: by_id[i].title):
        due = first_due.get(did)
        group.items.append(
            Item(
                "supervision",
                "",
                counts[did],
                "admin.decision_supervision",
                {"decision_id": did},
                decision=by_id[did],
                title=by_id[did].title,
                due=due,
                overdue=bool(due and due < today),
            )
        )
    return group


def evaluations_open(government_id: int) -> Group:
    """Post-evaluations triggered and not yet decided or invalidated (EVAL)."""
    ids = db.session.scalars(
        sa.select(Evaluation.decision_id)
        .join(Decision, Evaluation.decision_id == Decision.id)
        .where(
            *_scope(government_id, None),
            Evaluation.gov_decided_on.is_(None),
            Evaluation.invalidated_on.is_(None),
        )
    ).all()
    group = Group("evaluation", N_("Post-evaluations under way"))
    for d in sorted(_decisions(ids).values(), key=lambda d: d.title):
        group.items.append(
            Item(
                "evaluation",
                "",
                1,
                "admin.decision_evaluation",
                {"decision_id": d.id},
                decision=d,
                title=d.title,
            )
        )
    return group


def calendar_years(today: date) -> Group:
    """Years the deadlines reach whose holiday schedule no official has completed (A1)."""
    group = Group("calendar", N_("Holiday schedules to complete"))
    years = calendar_service.unknown_years(today)
    if years:
        group.items.append(
            Item(
                "calendar",
                N_("Years %(what)s"),
                len(years),
                "admin.calendar_overrides",
                {},
                title=", ".join(str(y) for y in years),
                rule="A1",
            )
        )
    return group


def deadlines(government_id: int, unit_id: int | None, today: date) -> tuple[Group, Group]:
    """The deadline board of the government (of the unit's decisions, for a unit): what is
    overdue, and what falls due within 10 working days. Each row links to the screen where the
    duty is done."""
    overdue = Group("overdue", N_("Overdue duties"))
    soon = Group("due_soon", N_("Due within 10 working days"))
    for row in compliance.board(government_id, today):
        if unit_id is not None and (
            row.decision is None or row.decision.undertaking_unit_id != unit_id
        ):
            continue
        if row.decision is not None:
            endpoint, args = (
                RULE_SCREEN.get(row.rule, "admin.decision_show"),
                {"decision_id": row.decision.id},
            )
            title = row.decision.title
        elif row.catalog is not None:
            endpoint, args = "admin.catalog_show", {"catalog_id": row.catalog.id}
            title = str(row.catalog.year)
        else:  # pragma: no cover - every board row names a decision or a catalog
            continue
        item = Item(
            "overdue" if row.overdue else "due_soon",
            row.what,
            1,
            endpoint,
            args,
            decision=row.decision,
            title=title,
            due=row.due,
            overdue=row.overdue,
            rule=row.rule,
            uncertain=row.uncertain,
        )
        (overdue if row.overdue else soon).items.append(item)
    return overdue, soon


# -- the inbox ------------------------------------------------------------------------------------


def inbox(user, *, today: date, now: datetime) -> Inbox:
    """What waits for each role of ``user``, in their government (and unit)."""
    gov = user.government_id
    unit = user.department_id
    roles = user.roles
    sections: list[Section] = []
    board_cache: dict[int | None, tuple[Group, Group]] = {}

    def board(unit_id: int | None) -> list[Group]:
        if unit_id not in board_cache:
            board_cache[unit_id] = deadlines(gov, unit_id, today)
        return list(board_cache[unit_id])

    for role in ROLE_ORDER:
        if role not in roles:
            continue
        groups: list[Group]
        if role is Role.GOVERNMENT_OFFICE:
            groups = [
                *board(None),
                steps_to_record(gov, None, OFFICE_STEPS),
                flag_requests(gov),
                proposals_waiting(gov, None, now, route=True),
                registrations_to_select(gov, None),
            ]
        elif role is Role.UNDERTAKING_STAFF:
            groups = [
                *board(unit),
                opinions_to_answer(gov, unit),
                answers_to_release(gov, unit),
                reports_to_publish(gov, unit, now),
                steps_to_record(gov, unit, frozenset(Step) - OFFICE_STEPS),
                registrations_to_select(gov, unit),
                proposals_waiting(gov, unit, now, route=False),
            ]
        elif role is Role.MODERATOR:
            groups = [opinions_to_moderate(gov), feedback_to_moderate(gov)]
        elif role is Role.LEGALITY_REVIEWER:
            groups = [legality_reviews(gov)]
        elif role is Role.SUPERVISION_OFFICER:
            groups = [supervision_work(gov, today)]
        elif role is Role.EVALUATOR:
            groups = [evaluations_open(gov)]
        else:  # Role.SYSTEM_ADMIN
            groups = [calendar_years(today)]
        sections.append(Section(role, groups))
    return Inbox(sections, unit if Role.UNDERTAKING_STAFF in roles else None)
