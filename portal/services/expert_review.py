"""Expert review of a decision (PROC-21..24, EXP-13..16): method, report, experts, recusals.

Experts come from the pool only through the pool's selection (EXP-13a,
``portal.services.expert_pool.select_experts``, which calls :func:`add_pool_member`): a pool
member's appointment, pledge, terms, dismissal, disqualification and declared interests are
read from the pool record at the review date, never typed on the assignment. The decision's
expert screen adds only an expert or institution from outside the pool, with the recorded
reason (A22); the same conflict, pledge, odd-number and signature checks apply to it.

Every write goes through ``records.update_record``: once the expert review step is completed,
the records are locked and change only as a correction by the undertaking unit, with a reason
(PROC-39a, ``portal.rules.locks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.expert import EXPERT_REPORT_PARTS, ExpertAssignment, ExpertReview
from portal.rules import gates
from portal.rules.enums import AdoptionStatus, ExpertReviewMethod, OpinionForm
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.facts import present
from portal.rules.locks import Lock, RecordGroup, clock_date_violations
from portal.rules.workdays import local_date
from portal.services import corrections, locks, procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- typed inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewInput:
    """The consultation: method, date, EXP-2a flag, EXP-13c complexity flag (A20), A4 reason."""

    method: ExpertReviewMethod | None = None
    review_on: date | None = None
    professional_technical: bool = False
    is_complex: bool = False
    complexity_reason: str = ""
    count_override_reason: str = ""


@dataclass(frozen=True)
class ReportInput:
    """EXP-16a: the seven parts of the expert consultation report."""

    parts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExpertWork:
    """What one expert or institution did for this consultation (pool member or not)."""

    conflict_declared: bool | None = None  # EXP-10b: None = no declaration yet
    materials_delivered_on: date | None = None  # EXP-14c
    opinion_form: OpinionForm | None = None  # EXP-15a
    written_followup: bool = False  # EXP-15a
    signed: bool = False  # PROC-23a
    opinion: str = ""
    adoption: AdoptionStatus = AdoptionStatus.PENDING


@dataclass(frozen=True)
class OutsideExpertInput:
    """A22: an expert or institution from outside the pool, with the reason and its pledge."""

    name: str
    organisation: str = ""
    is_institution: bool = False
    external_reason: str = ""
    pledge_signed: bool = False  # EXP-10a (A22: the same check as for pool members)
    work: ExpertWork = field(default_factory=ExpertWork)


@dataclass(frozen=True)
class RecusalInput:
    """PROC-22a / EXP-10b: the expert withdraws from this item."""

    reason: str
    conflict_declared: bool = False


# -- records ------------------------------------------------------------------------------------


def expert_review_for(decision: Decision, *, actor, now: datetime, ip: str = "") -> ExpertReview:
    review = procedure.expert_review(decision)
    if review is None:
        review = ExpertReview(decision_id=decision.id)
        update_record(
            review, {}, action="experts.review_create", **_audit_kw(decision, actor, now, ip)
        )
    return review


def save_expert_review(
    decision: Decision,
    data: ReviewInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> ExpertReview:
    """Method, date, EXP-2a flag, the EXP-13c complexity flag (A20) and the A4 override."""
    if data.is_complex and not present(data.complexity_reason):
        # EXP-13c / A20: the complexity flag carries a reason
        refuse([_v("EXP-13c", N_("The complexity flag needs a reason."), "complexity_reason")])
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    kw = _audit_kw(decision, actor, now, ip)
    update_record(
        review,
        {
            "method": data.method,
            "review_on": data.review_on,
            "professional_technical": data.professional_technical,
            "complexity_reason": data.complexity_reason.strip(),
            "count_override_reason": data.count_override_reason.strip(),
        },
        action="experts.review_update",
        correction=correction,
        **kw,
    )
    update_record(
        decision,
        {"is_complex": data.is_complex},
        action="decision.complexity_flag",
        correction=correction,
        **kw,
    )
    return review


def save_expert_report(
    decision: Decision,
    data: ReportInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> ExpertReview:
    """EXP-16a: the seven parts of the expert consultation report."""
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    changes = {k: (data.parts.get(k) or "").strip() for k in EXPERT_REPORT_PARTS}
    update_record(
        review,
        changes,
        action="experts.report",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return review


def _work_violations(
    name: str, work: ExpertWork, *, recused: bool, today: date
) -> list[RuleViolation]:
    out: list[RuleViolation] = []
    if work.conflict_declared is True and not recused:
        # PROC-22a / EXP-10b: an expert with a direct interest must not be selected
        out.append(
            _v(
                "PROC-22a",
                N_(
                    "%(name)s declared a conflict of interest and must not be selected; "
                    "record the recusal instead."
                ),
                "conflict_declared",
                name=name,
            )
        )
    # EXP-14c: the delivery of the materials is a recorded fact, never in the future
    out += clock_date_violations(
        "materials_delivered_on", work.materials_delivered_on, today=today, rule="EXP-14c"
    )
    if work.opinion_form is None and work.signed:
        out.append(
            input_error(
                N_("Record how the opinion was given before marking it signed."), "opinion_form"
            )
        )
    return out


def _work_changes(work: ExpertWork) -> dict[str, Any]:
    return {
        "conflict_declared": work.conflict_declared,
        "materials_delivered_on": work.materials_delivered_on,
        "opinion_form": work.opinion_form,
        "written_followup": work.written_followup,
        "signed": work.signed,
        "opinion": work.opinion.strip(),
        "adoption": work.adoption,
    }


def _outside_violations(decision: Decision, data: OutsideExpertInput) -> list[RuleViolation]:
    out: list[RuleViolation] = []
    if not present(data.name):
        out.append(input_error(N_("Enter the name of the expert or institution."), "name"))
    if not present(data.external_reason):
        # EXP-13a / A22: an expert or institution from outside the pool needs a recorded reason
        out.append(
            _v(
                "EXP-13a",
                N_(
                    "%(name)s is not in the expert pool and no reason is recorded: a pool member "
                    "is chosen on the expert selection screen."
                ),
                "external_reason",
                name=data.name,
            )
        )
    member = pool_member_named(decision, data.name, data.organisation)
    if member is not None and not data.is_institution:
        # EXP-13a: a member of the pool takes part only through the pool's selection, where
        # the pool record (term, pledge, dismissal, disqualification) is checked
        out.append(
            _v(
                "EXP-13a",
                N_(
                    "%(name)s of %(organisation)s is a member of the expert pool: select the "
                    "expert on the expert selection screen."
                ),
                "name",
                name=member.name,
                organisation=member.organisation,
            )
        )
    return out


def pool_member_named(decision: Decision, name: str, organisation: str):
    """The member of the pools the decision's government uses with this name and organisation
    (the same person typed in by hand), if any."""
    from portal.models.expert_pool import Expert
    from portal.services import expert_pool

    name, organisation = (name or "").strip(), (organisation or "").strip()
    if not name:
        return None
    ids = expert_pool.pool_government_ids(decision.government)
    query = sa.select(Expert).where(Expert.government_id.in_(ids), Expert.name == name)
    for member in db.session.scalars(query):
        if not organisation or member.organisation.strip() == organisation:
            return member
    return None


def add_outside_expert(
    decision: Decision, data: OutsideExpertInput, *, actor, now: datetime, ip: str = ""
) -> ExpertAssignment:
    """A22: an expert or institution from outside the pool, with the reason for it."""
    today = local_date(now)
    refuse(
        _outside_violations(decision, data)
        + _work_violations(data.name, data.work, recused=False, today=today)
    )
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    assignment = ExpertAssignment(review_id=review.id)
    update_record(
        assignment,
        {
            "name": data.name.strip(),
            "organisation": data.organisation.strip(),
            "is_institution": data.is_institution,
            "from_pool": False,
            "expert_id": None,
            "external_reason": data.external_reason.strip(),
            "pledge_signed": data.pledge_signed,
            **_work_changes(data.work),
        },
        action="experts.assign",
        **_audit_kw(decision, actor, now, ip),
    )
    return assignment


def update_outside_expert(
    decision: Decision,
    assignment: ExpertAssignment,
    data: OutsideExpertInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> ExpertAssignment:
    """Edit an expert or institution from outside the pool (a pool member's identity, pledge
    and term come from the pool record and are not edited here)."""
    if assignment.expert_id is not None:
        # EXP-13a: a pool member's record is the pool's
        refuse(
            [
                _v(
                    "EXP-13a",
                    N_("%(name)s is a member of the expert pool; the pool record is used."),
                    "name",
                    name=assignment.name,
                )
            ]
        )
    today = local_date(now)
    refuse(
        _outside_violations(decision, data)
        + _work_violations(data.name, data.work, recused=assignment.recused, today=today)
    )
    update_record(
        assignment,
        {
            "name": data.name.strip(),
            "organisation": data.organisation.strip(),
            "is_institution": data.is_institution,
            "external_reason": data.external_reason.strip(),
            "pledge_signed": data.pledge_signed,
            **_work_changes(data.work),
        },
        action="experts.update",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return assignment


def update_expert_work(
    decision: Decision,
    assignment: ExpertAssignment,
    work: ExpertWork,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> ExpertAssignment:
    """The declaration, materials, opinion, signature and adoption of one pool member."""
    refuse(
        _work_violations(assignment.name, work, recused=assignment.recused, today=local_date(now))
    )
    update_record(
        assignment,
        _work_changes(work),
        action="experts.update",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return assignment


def add_pool_member(
    decision: Decision, member, *, actor, now: datetime, ip: str = ""
) -> ExpertAssignment:
    """EXP-13a: a member chosen by the pool's selection takes part (called by the selection
    only). EXP-10b: the member declares for this item on the expert screen."""
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    assignment = ExpertAssignment(review_id=review.id)
    update_record(
        assignment,
        {
            "name": member.name,
            "organisation": member.organisation,
            "is_institution": False,
            "from_pool": True,
            "expert_id": member.id,
            "external_reason": "",
            "pledge_signed": member.pledge_signed_on is not None,
            "conflict_declared": None,
        },
        action="experts.assign",
        **_audit_kw(decision, actor, now, ip),
    )
    return assignment


def recuse_expert(
    decision: Decision,
    assignment: ExpertAssignment,
    data: RecusalInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """PROC-22a / EXP-10b: a recused expert stays on record, with the reason."""
    if not present(data.reason):
        # PROC-22a: the recusal is recorded with its reason
        refuse([_v("PROC-22a", N_("Give the reason for the recusal."), "recusal_reason")])
    changes: dict[str, Any] = {"recused": True, "recusal_reason": data.reason.strip()}
    if data.conflict_declared:
        changes["conflict_declared"] = True
    update_record(
        assignment,
        changes,
        action="experts.recuse",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )


# -- the screen (display only) --------------------------------------------------------------


@dataclass(frozen=True)
class ExpertScreen:
    review: ExpertReview | None
    experts: list[ExpertAssignment]
    individual_count: int
    minimum: int
    count_violations: list[RuleViolation]
    completion: list[RuleViolation]
    warnings: list[RuleViolation]
    checks: dict[int, list[RuleViolation]]  # per active assignment, at the review date
    outside: list[ExpertAssignment]  # A22: experts and institutions from outside the pool
    lock: Lock | None
    corrections: list


def lock_of(decision: Decision) -> Lock | None:
    """The lock of the expert review records now (the step completed), if any."""
    review = procedure.expert_review(decision) or ExpertReview(decision_id=decision.id)
    return locks.lock_of(review, ["method"], decision)


def screen(decision: Decision) -> ExpertScreen:
    review = procedure.expert_review(decision)
    facts = procedure.build_facts(decision)
    experts = list(review.experts) if review else []
    active = review.active_experts if review else []
    on = facts.expert_review.review_on or facts.as_of
    # expert_facts lists the active experts in the same order (procedure.expert_facts)
    checks = {
        e.id: gates.expert_selection_violations(f, on)
        for e, f in zip(active, facts.expert_review.experts, strict=False)
    }
    return ExpertScreen(
        review=review,
        experts=experts,
        individual_count=sum(1 for e in active if not e.is_institution),
        minimum=gates.MIN_EXPERTS_COMPLEX if decision.is_complex else gates.MIN_EXPERTS,
        count_violations=gates.expert_count_violations(facts.expert_review),
        completion=gates.expert_completion_violations(facts),
        warnings=gates.expert_materials_lead_warnings(facts, procedure.work_calendar()),
        checks=checks,
        outside=[e for e in experts if e.outside_pool],
        lock=lock_of(decision),
        corrections=[
            c for c in corrections.corrections_of(decision) if c.group == RecordGroup.EXPERT_REVIEW
        ],
    )
