"""Running the statutory procedure: facts from the records, transitions through the rules.

``build_facts`` turns a decision's database records into the pure ``DecisionFacts`` of
``portal/rules``; every transition, completion and waiver is checked there, so no statutory
rule lives in this module. Each change writes ``ProcedureStep`` rows and an audit entry; the
caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.clock import local_today
from portal.extensions import db
from portal.models.catalog import Catalog, CatalogEntry, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision, ProcedureStep
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.expert import ExpertReview
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.models.participation import ParticipationActivity
from portal.models.review import LegalityReview
from portal.models.risk import RiskAssessment
from portal.rules import transitions
from portal.rules.deadlines import Pause
from portal.rules.enums import ChangeKind, LegalityMaterial, MeetingMaterial, ParticipationMethod
from portal.rules.errors import RuleViolation
from portal.rules.facts import (
    ChangeFacts,
    CommentPeriodFacts,
    DecisionFacts,
    ExecutionFacts,
    ExpertFacts,
    ExpertReviewFacts,
    HearingFacts,
    LegalityReviewFacts,
    MeetingFacts,
    OpinionPoint,
    ParticipationFacts,
    PartyReportFacts,
    PublicationFacts,
    RiskFacts,
    SuspensionFacts,
    SymposiumFacts,
)
from portal.rules.stages import Stage, Step, StepStatus
from portal.rules.workdays import WorkCalendar, local_date
from portal.services import audit

Target = Step | Stage


def work_calendar() -> WorkCalendar:
    """The working-day calendar with the admin overrides and the years an official marked
    complete (A1; ``portal.services.calendar``)."""
    from portal.services import calendar

    return calendar.work_calendar()


# -- records ------------------------------------------------------------------------------------


def latest_steps(decision: Decision) -> dict[Step, ProcedureStep]:
    """The current row of every step (the latest round)."""
    rows: dict[Step, ProcedureStep] = {}
    for row in sorted(decision.steps, key=lambda r: (r.round, r.id or 0)):
        rows[row.step] = row
    return rows


def _one(model, decision: Decision):
    return db.session.scalar(sa.select(model).where(model.decision_id == decision.id))


def _latest(model, decision: Decision, order):
    return db.session.scalar(
        sa.select(model).where(model.decision_id == decision.id).order_by(order.desc()).limit(1)
    )


def expert_review(decision: Decision) -> ExpertReview | None:
    return _one(ExpertReview, decision)


def risk_assessment(decision: Decision) -> RiskAssessment | None:
    return _one(RiskAssessment, decision)


def legality_review(decision: Decision) -> LegalityReview | None:
    return _latest(LegalityReview, decision, LegalityReview.round)


def meeting(decision: Decision) -> Meeting | None:
    return _latest(Meeting, decision, Meeting.round)


def party_report(decision: Decision) -> PartyReport | None:
    return _latest(PartyReport, decision, PartyReport.id)


def draft_version(decision: Decision) -> int:
    """The number of the latest draft version (A11: a changed draft needs a new review)."""
    number = db.session.scalar(
        sa.select(sa.func.max(DocumentVersion.number))
        .join(Document, DocumentVersion.document_id == Document.id)
        .where(Document.decision_id == decision.id, Document.kind == DocumentKind.DRAFT)
    )
    return int(number or 1)


def in_catalog(decision: Decision) -> bool:
    """A25: listed in a published catalog and not removed."""
    return bool(
        db.session.scalar(
            sa.select(CatalogEntry.id)
            .join(Catalog)
            .where(
                CatalogEntry.decision_id == decision.id,
                CatalogEntry.removed_by_id.is_(None),
                Catalog.status != CatalogStatus.DRAFTING,
            )
            .limit(1)
        )
    )


def last_day(closes_at: datetime) -> date:
    """A window closing at local midnight ends on the day before."""
    return local_date(closes_at - timedelta(microseconds=1))


# -- facts --------------------------------------------------------------------------------------


def participation_facts(decision: Decision) -> ParticipationFacts:
    """PROC-16..19, PART-5..16 from the records. An open comment window counts as open comment
    only with a published draft and explanation (PROC-17a, PART-7); hearings and symposiums
    count only when announced in the hearing module (PART-12a): a hearing recorded by hand on
    the participation screen satisfies no participation gate and no PROC-29b material."""
    from portal.services import drafts
    from portal.services import participation as part

    consultations = db.session.scalars(
        sa.select(Consultation).where(Consultation.decision_id == decision.id)
    ).all()
    announced = part.announced_activity_ids(decision)
    activities = [
        a
        for a in db.session.scalars(
            sa.select(ParticipationActivity).where(ParticipationActivity.decision_id == decision.id)
        ).all()
        if a.method not in part.MODULE_METHODS or a.id in announced
    ]
    methods = [a.method for a in activities]
    explanation = drafts.explanation_published(decision) if consultations else False
    if any(part.counts_as_open_comment(c, explanation=explanation) for c in consultations):
        methods.append(ParticipationMethod.OPEN_COMMENT)
    return ParticipationFacts(
        methods=tuple(dict.fromkeys(methods)),
        comment_periods=tuple(
            CommentPeriodFacts(
                opens_on=local_date(c.opens_at),
                closes_on=last_day(c.closes_at),
                shortened_reason=c.shortened_reason,
                # The portal prints the reason in the notice itself, and it cannot be added or
                # changed once the window has opened (PROC-17c).
                reason_published=bool(c.shortened_reason.strip()),
            )
            for c in consultations
        ),
        symposiums=tuple(
            SymposiumFacts(held_on=a.held_on, materials_delivered_on=(a.materials_delivered_on,))
            for a in activities
            if a.method == ParticipationMethod.SYMPOSIUM
        ),
        hearings=tuple(
            HearingFacts(
                held_on=a.held_on,
                materials_delivered_on=(a.materials_delivered_on,),
                held_publicly=a.held_publicly,
                held=a.held,
                record_signed=a.record_signed,
                report_issued=a.report_issued,
            )
            for a in activities
            if a.method == ParticipationMethod.HEARING
        ),
        affects_enterprise_operations=decision.affects_enterprise_operations,
        affects_specific_group=decision.affects_specific_group,
        specific_group_heard=decision.specific_group_heard,
    )


def _assignment_facts(a, units: set[int], decision_id: int) -> ExpertFacts:
    """EXP-13a: a pool member's appointment, pledge, terms, dismissal, disqualification and
    declared interests come from the pool record; an outside expert carries its own (A22)."""
    work = {
        "name": a.name,
        "is_institution": a.is_institution,
        "conflict_declared": a.conflict_declared,
        "materials_delivered_on": a.materials_delivered_on,
        "opinion_form": a.opinion_form,
        "written_followup": a.written_followup,
        "signed": a.signed,
    }
    member = a.member
    if member is None:
        return ExpertFacts(
            from_pool=False,
            external_reason=a.external_reason,
            pledge_signed=a.pledge_signed,
            **work,
        )
    return ExpertFacts(
        from_pool=True,
        certificate_on=member.certificate_on,
        term_start=member.term_start,
        term_starts=member.term_starts,
        pledge_signed=member.pledge_signed_on is not None,
        pledge_signed_on=member.pledge_signed_on,
        pool_conflict=any(
            c.decision_id == decision_id
            or (c.department_id is not None and c.department_id in units)
            for c in member.conflicts
        ),
        disqualified=member.disqualified,
        disqualified_on=member.disqualified_on,
        dismissed_on=member.dismissed_on,
        **work,
    )


def expert_facts(decision: Decision) -> ExpertReviewFacts:
    review = expert_review(decision)
    if review is None:
        return ExpertReviewFacts(complex=decision.is_complex)
    units = {decision.undertaking_unit_id, decision.lead_unit_id} | {
        u.id for u in decision.co_units
    }
    units.discard(None)
    return ExpertReviewFacts(
        method=review.method,
        review_on=review.review_on,
        experts=tuple(_assignment_facts(e, units, decision.id) for e in review.active_experts),
        professional_technical=review.professional_technical,
        complex=decision.is_complex,
        complexity_reason=review.complexity_reason,
        count_override_reason=review.count_override_reason,
        report_done=review.report_done,
    )


def risk_facts(decision: Decision) -> RiskFacts:
    ra = risk_assessment(decision)
    if ra is None:
        return RiskFacts()
    return RiskFacts(
        level=ra.level or ra.computed_level,
        recommendation=ra.recommendation,
        unit_controllable=ra.unit_controllable,
        mitigation_measures=ra.mitigation_measures,
        stakeholder_participants=ra.stakeholder_participants,
        department_participants=ra.department_participants,
        report_done=ra.report_done,
        plac_filed_on=ra.plac_filed_on,
        plac_review_result=ra.plac_review_result,
        social_stability_required=ra.social_stability_required,
        social_stability_not_required_reason=ra.social_stability_not_required_reason,
        social_stability_done=ra.social_stability_done,
    )


def legality_facts(decision: Decision) -> LegalityReviewFacts:
    lr = legality_review(decision)
    if lr is None:
        return LegalityReviewFacts()
    return LegalityReviewFacts(
        submitted_on=lr.submitted_on,
        returned=lr.returned,
        materials=frozenset(LegalityMaterial(m) for m in lr.materials or ()),
        pauses=tuple(Pause(p.requested_on, p.received_on, p.due_on) for p in lr.pauses),
        legal_adviser_opinions=tuple(o.role for o in lr.adviser_opinions),
        opinion_kind=lr.opinion_kind,
        opinion_issued_on=lr.opinion_issued_on,
        outcome=lr.outcome,
        legal_risk_statement=lr.legal_risk_statement,
        points=tuple(OpinionPoint(p.adoption, p.explanation) for p in lr.points),
        reviewed_draft_version=lr.reviewed_draft_version,
        no_substantive_change_confirmed=lr.no_substantive_change_confirmed,
        meeting_override_reason=lr.meeting_override_reason,
    )


def meeting_facts(decision: Decision) -> MeetingFacts:
    m = meeting(decision)
    if m is None:
        return MeetingFacts()
    return MeetingFacts(
        meeting_type=m.meeting_type,
        meeting_on=m.meeting_on,
        materials=frozenset(MeetingMaterial(x) for x in m.materials or ()),
        outcome=m.outcome,
        minutes_recorded=bool(m.minutes.strip()),
        dissent_recorded=bool(m.dissent.strip()),
        risk_controllable=m.risk_controllable,
        revisions_recorded=bool(m.revisions.strip()),
        related_party_attendance=m.related_party_attendance,
        related_party_reps=m.related_party_reps,
        related_party_override_reason=m.related_party_override_reason,
    )


def _changes(decision: Decision) -> list[DecisionChange]:
    return list(
        db.session.scalars(
            sa.select(DecisionChange)
            .where(DecisionChange.decision_id == decision.id)
            .order_by(DecisionChange.decided_on, DecisionChange.id)
        ).all()
    )


def _post_evaluation_facts(decision: Decision):
    """PROC-43a/b/c, EVAL-6a/7b: from the post-evaluation records (issue 7)."""
    from portal.services.evaluation import post_evaluation_facts

    return post_evaluation_facts(decision)


def _internal_passed(decision: Decision) -> tuple[bool, bool]:
    from portal.services.internal_review import passed

    return passed(decision)


def build_facts(decision: Decision, today: date | None = None) -> DecisionFacts:
    rows = latest_steps(decision)
    pr = party_report(decision)
    changes = _changes(decision)
    suspension = next(
        (c for c in reversed(changes) if c.kind == DecisionChangeKind.SUSPENSION), None
    )
    resumption = next(
        (
            c
            for c in reversed(changes)
            if c.kind == DecisionChangeKind.RESUMPTION and suspension and c.id > suspension.id
        ),
        None,
    )
    termination = next(
        (c for c in reversed(changes) if c.kind == DecisionChangeKind.TERMINATION), None
    )
    adoption_report = db.session.scalar(
        sa.select(Document.id).where(
            Document.decision_id == decision.id,
            Document.kind == DocumentKind.ADOPTION_REPORT,
            Document.is_public.is_(True),
        )
    )
    exit_stage = decision.stage if decision.stage in transitions.EXIT_STAGES else None
    return DecisionFacts(
        steps={step: row.status for step, row in rows.items()},
        waivers={
            step: row.explanation
            for step, row in rows.items()
            if row.status == StepStatus.WAIVED_WITH_EXPLANATION
        },
        exit=exit_stage,
        scope_exclusion=decision.scope_exclusion,
        out_of_scope_check_confirmed=decision.out_of_scope_confirmed,
        in_catalog=in_catalog(decision),
        initiate_decision=decision.initiate_decision,
        undertaking_units=tuple(u.name for u in decision.undertaking_units),
        lead_unit=decision.lead_unit.name if decision.lead_unit else "",
        draft_version=draft_version(decision),
        non_disclosable=decision.non_disclosable,
        non_disclosable_basis=decision.non_disclosable_basis,
        # PROC-28a: a recorded result of "passed", not just a date
        internal_legal_review_passed=_internal_passed(decision)[0],
        internal_collective_discussion_passed=_internal_passed(decision)[1],
        affects_market_entities=decision.affects_market_entities,
        fair_competition_review_done=decision.fair_competition_review_done,
        is_exploratory_reform=decision.is_exploratory_reform,
        participation=participation_facts(decision),
        expert_review=expert_facts(decision),
        risk=risk_facts(decision),
        legality=legality_facts(decision),
        meeting=meeting_facts(decision),
        party_report=PartyReportFacts(pr.kind, pr.reported_on, pr.ref)
        if pr
        else PartyReportFacts(),
        publication=PublicationFacts(
            published_on=local_date(decision.published_at) if decision.published_at else None,
            channels=tuple(
                c.strip() for c in decision.publication_channels.splitlines() if c.strip()
            ),
            high_public_concern_or_technical=decision.high_public_concern,
            adoption_report_published=adoption_report is not None,
            filed_on=decision.filed_on,
            filing_platform_ref=decision.filing_ref,
            npc_report_required=decision.npc_report_required,
            npc_reported_on=decision.npc_reported_on,
            npc_report_ref=decision.npc_report_ref,
        ),
        execution=ExecutionFacts(
            execution_units=tuple(u.name for u in [decision.executing_unit] if u),
            completed=decision.execution_completed_on is not None,
        ),
        suspension=SuspensionFacts(
            decided_by_executive_head=suspension.decided_by_executive_head,
            reason=suspension.reason,
            decided_on=suspension.decided_on,
            follow_up_decision_ref=resumption.collective_decision_ref if resumption else "",
        )
        if suspension
        else SuspensionFacts(),
        termination=ChangeFacts(ChangeKind.TERMINATION, termination.collective_decision_ref)
        if termination
        else None,
        post_evaluation=_post_evaluation_facts(decision),
        archive_complete=decision.archived_at is not None,
        as_of=today or local_today(),
    )


# -- transitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Menu:
    """What staff can do next, and why the rest is blocked."""

    facts: DecisionFacts
    allowed: list[Target]
    completable: list[Step]
    blocked: dict[Target, list[RuleViolation]]
    completion_blocked: dict[Step, list[RuleViolation]]
    warnings: list[RuleViolation]


# Catalog listing is run by the annual catalog workflow (CAT), not from a decision's menu.
MENU_STEPS: tuple[Step, ...] = tuple(s for s in Step if s is not Step.CATALOG_LISTING)


def menu(decision: Decision) -> Menu:
    from portal.rules import gates

    facts = build_facts(decision)
    cal = work_calendar()
    blocked: dict[Target, list[RuleViolation]] = {}
    allowed: list[Target] = []
    for target in [*MENU_STEPS, *transitions.EXIT_STAGES]:
        reasons = transitions.blocking_reasons(facts, target, calendar=cal)
        if reasons:
            blocked[target] = reasons
        else:
            allowed.append(target)
    completion_blocked = {
        step: transitions.completion_blocking_reasons(facts, step, calendar=cal)
        for step in Step
        if facts.status(step) is StepStatus.IN_PROGRESS
    }
    return Menu(
        facts=facts,
        allowed=allowed,
        completable=[s for s, reasons in completion_blocked.items() if not reasons],
        blocked=blocked,
        completion_blocked={s: r for s, r in completion_blocked.items() if r},
        warnings=gates.decision_warnings(facts, cal),
    )


def _write_steps(
    decision: Decision, before: DecisionFacts, after_steps, *, actor, now, explanation: str = ""
) -> None:
    """Record every step whose status changed; a restarted step opens a new round."""
    rows = latest_steps(decision)
    for step, status in after_steps.items():
        old = before.status(step)
        if status is old:
            continue
        row = rows.get(step)
        restart = (
            status is StepStatus.IN_PROGRESS
            and row is not None
            and old
            in (StepStatus.COMPLETED, StepStatus.WAIVED_WITH_EXPLANATION, StepStatus.PENDING)
            and row.status is not StepStatus.PENDING
        )
        if row is None or restart:
            row = ProcedureStep(
                step=step,
                round=(row.round + 1) if row else 1,
                started_at=now,
                actor_id=getattr(actor, "id", None),
            )
            decision.steps.append(row)
        row.status = status
        if status is StepStatus.IN_PROGRESS:
            row.started_at = row.started_at or now
            row.completed_at = None
        elif status in (StepStatus.COMPLETED, StepStatus.WAIVED_WITH_EXPLANATION):
            row.completed_at = now
        if explanation and status is StepStatus.WAIVED_WITH_EXPLANATION:
            row.explanation = explanation
        row.actor_id = getattr(actor, "id", None)


def _refresh_stage(decision: Decision, facts_after: DecisionFacts, now: datetime) -> None:
    stage = transitions.current_stage(facts_after)
    if stage != decision.stage:
        before = decision.stage
        decision.stage = stage
        decision.stage_changed_at = now
        from portal.services import notifications

        notifications.stage_changed(decision, before=before, now=now)  # issue 12: followers
    decision.updated_at = now


def transition(decision: Decision, target: Target, *, actor, now: datetime, ip: str = "") -> None:
    """Enter ``target`` (start a step, or exit to rejected / suspended / terminated / closed).

    Raises the blocking ``RuleViolation`` (with its rule ID) and changes nothing when refused.
    """
    facts = build_facts(decision)
    nxt = transitions.apply_transition(facts, target, calendar=work_calendar())
    before_stage = decision.stage
    _write_steps(decision, facts, nxt.steps, actor=actor, now=now)
    after = DecisionFacts(**{**facts.__dict__, "steps": nxt.steps, "exit": nxt.exit})
    _refresh_stage(decision, after, now)
    db.session.flush()
    audit.record(
        "procedure.transition",
        actor=actor,
        now=now,
        obj=decision,
        before={"stage": str(before_stage), "steps": _status_map(facts.steps)},
        after={
            "stage": str(decision.stage),
            "steps": _status_map(nxt.steps),
            "target": str(target),
        },
        ip=ip,
    )


def complete_step(decision: Decision, step: Step, *, actor, now: datetime, ip: str = "") -> None:
    facts = build_facts(decision)
    transitions.check_completion(facts, step, calendar=work_calendar())
    steps = dict(facts.steps)
    steps[step] = StepStatus.COMPLETED
    _write_steps(decision, facts, steps, actor=actor, now=now)
    _refresh_stage(decision, DecisionFacts(**{**facts.__dict__, "steps": steps}), now)
    db.session.flush()
    audit.record(
        "procedure.complete", actor=actor, now=now, obj=decision, details={"step": str(step)}, ip=ip
    )


def waive_step(
    decision: Decision, step: Step, explanation: str, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-28a / PROC-29a(4): record a step as not performed, with a written explanation."""
    facts = build_facts(decision)
    transitions.check_waiver(facts, step, explanation)
    steps = dict(facts.steps)
    steps[step] = StepStatus.WAIVED_WITH_EXPLANATION
    _write_steps(decision, facts, steps, actor=actor, now=now, explanation=explanation.strip())
    _refresh_stage(decision, DecisionFacts(**{**facts.__dict__, "steps": steps}), now)
    db.session.flush()
    audit.record(
        "procedure.waive",
        actor=actor,
        now=now,
        obj=decision,
        details={"step": str(step), "explanation": explanation.strip()},
        ip=ip,
    )


def _status_map(steps) -> dict[str, str]:
    return {str(k): str(v) for k, v in steps.items()}
