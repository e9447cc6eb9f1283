"""Post-evaluation of a decision (EVAL, PROC-43..45) and the public's feedback on a decision.

The government office records a trigger and the deadline (EVAL-5a/6a, A26), designates the
evaluation unit (EVAL-7b refuses a unit that did the main expert review or risk assessment;
A28 warns for the others) and, with the designation, the procedure's post-evaluation step
starts. The evaluation unit records the agreement (EVAL-8), the team and the plan (EVAL-12),
opens the public call for input (EVAL-9b), and submits the report (EVAL-13). The government's
decision (EVAL-14) opens the matching follow-up through the existing procedure services
(``changes.record_change``, ``procedure.transition``; PROC-45, A24).

Public feedback (the call for input, or PROC-42b feedback on a decision in execution) reuses
the opinion helpers (normalisation, receipt codes, idempotency) and is moderated the same way;
crossing the A27 threshold prompts the office to confirm the "many opinions" trigger.
Functions flush and never commit.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.drafting import DraftingMode, DraftingRecord
from portal.models.evaluation import (
    Evaluation,
    EvaluationTeamMember,
    FeedbackResponse,
    PublicFeedback,
    TriggerReview,
)
from portal.models.expert import ExpertAssignment, ExpertReview
from portal.models.implementation import DecisionChangeKind
from portal.models.participation import ParticipationActivity
from portal.models.risk import RiskAssessment
from portal.rules import evaluation as rules
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.enums import ParticipationMethod, PostEvalTrigger
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.evaluation import (
    Conclusion,
    EvaluationMethod,
    EvaluationScope,
    EvaluationStatus,
    GovDecision,
    PriorParty,
    PriorRole,
    SelectionFactor,
    TeamRole,
    ThirdPartyType,
)
from portal.rules.facts import PostEvaluationFacts
from portal.rules.privacy import mask_personal_data
from portal.rules.stages import Stage, Step, StepStatus
from portal.rules.transitions import FINAL_EXITS
from portal.rules.workdays import local_date
from portal.services import changes, outbox, procedure
from portal.services import opinions as opinion_helpers
from portal.services.records import update_record

TEXT_MAX = 5000
CONFIG_THRESHOLD = "EVALUATION_FEEDBACK_THRESHOLD"


def _input(message: str, field: str, **params) -> RuleViolation:
    return RuleViolation("", message, field=field, **params)


def _text(values: dict[str, Any], name: str) -> str:
    return (values.get(name) or "").strip()


def _long(values: dict[str, Any], names) -> list[RuleViolation]:
    return [
        _input(N_("Write at most %(n)d characters."), n, n=TEXT_MAX)
        for n in names
        if isinstance(values.get(n), str) and len(values[n].strip()) > TEXT_MAX
    ]


def _kw(decision: Decision, actor, now: datetime, ip: str) -> dict[str, Any]:
    return {"decision": decision, "actor": actor, "now": now, "ip": ip}


def _enum_list(values, enum_cls) -> list[str]:
    allowed = {e.value for e in enum_cls}
    return list(dict.fromkeys(v for v in values or [] if v in allowed))


# -- queries --------------------------------------------------------------------------------------


def evaluations_of(decision: Decision) -> list[Evaluation]:
    return list(
        db.session.scalars(
            sa.select(Evaluation)
            .where(Evaluation.decision_id == decision.id)
            .order_by(Evaluation.id.desc())
        ).all()
    )


def current_evaluation(decision: Decision) -> Evaluation | None:
    """The latest evaluation not declared invalid (EVAL-12f)."""
    return db.session.scalar(
        sa.select(Evaluation)
        .where(Evaluation.decision_id == decision.id, Evaluation.invalidated_on.is_(None))
        .order_by(Evaluation.id.desc())
        .limit(1)
    )


def status_of(ev: Evaluation) -> EvaluationStatus:
    return rules.status_of(
        invalid=ev.invalidated_on is not None,
        gov_decided=ev.gov_decision is not None,
        report_submitted=ev.report_submitted_on is not None,
        investigation_started=ev.investigation_started_on is not None,
        plan_made=ev.plan_made_on is not None,
        team_formed=bool(ev.team) and not rules.team_violations(m.role for m in ev.team),
    )


def prior_parties(decision: Decision) -> list[PriorParty]:
    """EVAL-7b / A28: every outside party of the pre-decision stages, with its role."""
    out: list[PriorParty] = []
    review = db.session.scalar(
        sa.select(ExpertReview).where(ExpertReview.decision_id == decision.id)
    )
    if review is not None:
        for e in db.session.scalars(
            sa.select(ExpertAssignment).where(
                ExpertAssignment.review_id == review.id, ExpertAssignment.recused.is_(False)
            )
        ):
            if e.is_institution:
                out.append(PriorParty(e.name, PriorRole.EXPERT_REVIEW_INSTITUTION))
                if e.organisation:
                    out.append(PriorParty(e.organisation, PriorRole.EXPERT_REVIEW_INSTITUTION))
            else:
                out.append(PriorParty(e.name, PriorRole.INDIVIDUAL_EXPERT))
                if e.organisation:
                    out.append(PriorParty(e.organisation, PriorRole.INDIVIDUAL_EXPERT))
    risk = db.session.scalar(
        sa.select(RiskAssessment).where(RiskAssessment.decision_id == decision.id)
    )
    if risk is not None and risk.assessing_body.strip():
        out.append(PriorParty(risk.assessing_body, PriorRole.RISK_ASSESSMENT_BODY))
    drafting = db.session.scalar(
        sa.select(DraftingRecord).where(DraftingRecord.decision_id == decision.id)
    )
    if drafting is not None and drafting.mode != DraftingMode.SELF and drafting.entrusted_party:
        out.append(PriorParty(drafting.entrusted_party, PriorRole.DRAFTING_ENTRUSTEE))
    for a in db.session.scalars(
        sa.select(ParticipationActivity).where(
            ParticipationActivity.decision_id == decision.id,
            ParticipationActivity.method == ParticipationMethod.POLL,
        )
    ):
        if a.third_party.strip():
            out.append(PriorParty(a.third_party, PriorRole.POLL_THIRD_PARTY))
    return out


def post_evaluation_facts(decision: Decision) -> PostEvaluationFacts:
    """The facts ``procedure.build_facts`` needs for PROC-43a/b/c (EVAL-6a/7b), and for the
    closing gate (EVAL-6a / A26): whether a triggered evaluation is still to be carried out, and
    whether the decision organ recorded "trigger not confirmed" (``decline_trigger``) since it
    was triggered."""
    ev = current_evaluation(decision)
    excluded = frozenset(
        p.name.strip() for p in prior_parties(decision) if p.role in rules.BLOCKING_ROLES
    )
    if ev is None:
        return PostEvaluationFacts(excluded_units=excluded)
    triggers = []
    for t in ev.trigger_list:
        try:
            triggers.append(PostEvalTrigger(t))
        except ValueError:
            continue
    unit = ev.evaluation_unit.strip()
    # EVAL-7b compares names as people read them (spacing, width, case)
    if unit and any(rules.normalise_name(unit) == rules.normalise_name(x) for x in excluded):
        excluded = excluded | {unit}
    # A26: "trigger not confirmed", recorded with its reason on or after the day this
    # evaluation was triggered (the day, not the moment: created_at is the database's clock)
    from portal.services.records import local_midnight

    since = local_midnight(ev.triggered_on)
    declined = db.session.scalar(
        sa.select(TriggerReview.id)
        .where(TriggerReview.decision_id == decision.id, TriggerReview.reviewed_at >= since)
        .limit(1)
    )
    return PostEvaluationFacts(
        triggers=tuple(triggers),
        evaluation_unit=unit,
        excluded_units=excluded,
        evaluation_pending=bool(triggers) and ev.gov_decision is None,
        trigger_not_confirmed=declined is not None,
    )


def _execution_started(decision: Decision) -> bool:
    row = procedure.latest_steps(decision).get(Step.EXECUTION)
    return row is not None and row.status in (StepStatus.IN_PROGRESS, StepStatus.COMPLETED)


# -- EVAL-5a / EVAL-6a / A26: the trigger --------------------------------------------------------


def open_evaluation(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> Evaluation:
    """EVAL-6a: a recorded trigger creates the mandatory evaluation, with its deadline."""
    today = local_date(now)
    triggers = _enum_list(values.get("triggers"), PostEvalTrigger)
    out = rules.trigger_violations(
        triggers,
        values.get("deadline"),
        today,
        execution_started=_execution_started(decision) and decision.stage not in FINAL_EXITS,
    )
    ev = current_evaluation(decision)
    if ev is not None and ev.gov_decision is None:
        out.append(
            RuleViolation(
                "EVAL-6a",
                N_("A post-evaluation of this decision is already under way."),
                field="triggers",
            )
        )
    out += _long(values, ("trigger_note",))
    refuse(out)
    ev = Evaluation(decision_id=decision.id, triggered_on=today)
    update_record(
        ev,
        {
            "triggers": ",".join(triggers),
            "trigger_note": _text(values, "trigger_note"),
            "evaluation_project": _text(values, "evaluation_project")[:200],
            "selection_factors": ",".join(
                _enum_list(values.get("selection_factors"), SelectionFactor)
            ),
            "deadline": values["deadline"],
            "redo_of_id": values.get("redo_of_id"),
        },
        action="evaluation.trigger",
        **_kw(decision, actor, now, ip),
    )
    return ev


def decline_trigger(
    decision: Decision, reason: str, *, count: int, actor, now: datetime, ip: str = ""
) -> TriggerReview:
    """A26 / A27: the office records "trigger not confirmed", with its reason."""
    refuse(rules.decline_violations(reason))
    if len(reason) > TEXT_MAX:
        raise RuleViolation.of(
            [_input(N_("Write at most %(n)d characters."), "reason", n=TEXT_MAX)]
        )
    row = TriggerReview(
        decision_id=decision.id,
        trigger=PostEvalTrigger.MANY_PUBLIC_OPINIONS.value,
        reviewed_by_id=getattr(actor, "id", None),
    )
    update_record(
        row,
        {"reason": reason.strip(), "feedback_count": count, "reviewed_at": now},
        action="evaluation.trigger_not_confirmed",
        **_kw(decision, actor, now, ip),
    )
    return row


# -- EVAL-4a / EVAL-7 / EVAL-8: the evaluation unit ---------------------------------------------


def unit_check(decision: Decision, unit: str) -> tuple[list[RuleViolation], list[RuleViolation]]:
    """(refusals, warnings) for ``unit`` as evaluation unit of ``decision``."""
    prior = prior_parties(decision)
    return rules.unit_violations(unit, prior), rules.unit_warnings(unit, prior)


def designate_unit(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> list[RuleViolation]:
    """EVAL-4a / EVAL-7a/7b: designate the evaluation unit; the procedure's post-evaluation
    step starts with it (PROC-43a/b/c). Returns the A28 warnings."""
    decision = ev.decision
    unit = _text(values, "evaluation_unit")
    refused, warned = unit_check(decision, unit)
    out = list(refused)
    if ev.plan_made_on is not None:
        out.append(
            RuleViolation(
                "EVAL-12a",
                N_("The unit cannot change once the plan is made."),
                field="evaluation_unit",
            )
        )
    is_third = bool(values.get("is_third_party"))
    tp_type = values.get("third_party_type") or None
    if tp_type not in {t.value for t in ThirdPartyType}:
        tp_type = None
    if is_third and tp_type is None:
        out.append(
            RuleViolation(
                "EVAL-7a", N_("Choose the kind of third party."), field="third_party_type"
            )
        )
    if len(unit) > 200:
        out.append(_input(N_("Write at most %(n)d characters."), "evaluation_unit", n=200))
    out += _long(values, ("qualification",))
    refuse(out)
    update_record(
        ev,
        {
            "evaluation_unit": unit,
            "is_third_party": is_third,
            "third_party_type": ThirdPartyType(tp_type) if is_third and tp_type else None,
            "qualification": _text(values, "qualification") if is_third else "",
            "independence_declared": bool(values.get("independence_declared")) and is_third,
        },
        action="evaluation.unit",
        **_kw(decision, actor, now, ip),
    )
    row = procedure.latest_steps(decision).get(Step.POST_EVALUATION)
    if row is None or row.status is not StepStatus.IN_PROGRESS:
        try:
            procedure.transition(decision, Step.POST_EVALUATION, actor=actor, now=now, ip=ip)
        except RuleViolation as v:
            raise RuleViolation.of([v]) from None
    return warned


def save_agreement(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> None:
    """EVAL-8a: the entrustment agreement; EVAL-8b: no sub-delegation without consent."""
    out = rules.third_party_violations(
        is_third_party=False,
        third_party_type=None,
        independence_declared=False,
        agreement={},
        agreement_signed_on=None,
        subdelegate=_text(values, "subdelegate"),
        subcontracting_consent=bool(values.get("subcontracting_consent")),
    )
    if not ev.is_third_party:
        out.append(
            _input(
                N_("An agreement is recorded only for a third-party evaluation unit."),
                "evaluation_unit",
            )
        )
    out += _long(values, rules.AGREEMENT_TERMS)
    refuse(out)
    changes = {
        t: (values.get(t) if t == "completion_deadline" else _text(values, t))
        for t in rules.AGREEMENT_TERMS
    }
    changes["evaluation_funding"] = str(changes["evaluation_funding"])[:100]
    changes |= {
        "agreement_signed_on": values.get("agreement_signed_on"),
        "subdelegate": _text(values, "subdelegate")[:200],
        "subcontracting_consent": bool(values.get("subcontracting_consent")),
    }
    update_record(ev, changes, action="evaluation.agreement", **_kw(ev.decision, actor, now, ip))


def third_party_problems(ev: Evaluation) -> list[RuleViolation]:
    return rules.third_party_violations(
        is_third_party=ev.is_third_party,
        third_party_type=ev.third_party_type,
        independence_declared=ev.independence_declared,
        agreement={t: getattr(ev, t) for t in rules.AGREEMENT_TERMS},
        agreement_signed_on=ev.agreement_signed_on,
        subdelegate=ev.subdelegate,
        subcontracting_consent=ev.subcontracting_consent,
    )


# -- EVAL-12: team, plan, investigation ----------------------------------------------------------


def add_team_member(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> EvaluationTeamMember:
    out = []
    if not _text(values, "name") or len(_text(values, "name")) > 100:
        out.append(_input(N_("Give the member's name."), "name"))
    try:
        role = TeamRole(values.get("role") or "")
    except ValueError:
        role = None
        out.append(_input(N_("Choose the member's role."), "role"))
    if ev.plan_made_on is not None:
        out.append(
            RuleViolation(
                "EVAL-12a", N_("The team cannot change once the plan is made."), field="name"
            )
        )
    refuse(out)
    member = EvaluationTeamMember(evaluation_id=ev.id)
    update_record(
        member,
        {
            "name": _text(values, "name"),
            "organisation": _text(values, "organisation")[:200],
            "role": role,
        },
        action="evaluation.team_add",
        **_kw(ev.decision, actor, now, ip),
    )
    db.session.expire(ev, ["team"])
    return member


def save_plan(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> None:
    """EVAL-12a/b/c, EVAL-7a/8a/8b, EVAL-10a, EVAL-11a: the plan, after the team."""
    out = rules.plan_violations(
        [m.role for m in ev.team],
        {p: _text(values, p) for p in rules.PLAN_PARTS},
        third_party_problems(ev),
    )
    scope = values.get("scope") or None
    if scope not in {s.value for s in EvaluationScope}:
        out.append(
            RuleViolation("EVAL-10a", N_("Choose an overall or partial evaluation."), field="scope")
        )
    elif scope == EvaluationScope.PARTIAL and not _text(values, "scope_parts"):
        # EVAL-10a: a partial evaluation records which parts
        out.append(
            RuleViolation(
                "EVAL-10a", N_("Name the parts a partial evaluation covers."), field="scope_parts"
            )
        )
    methods = _enum_list(values.get("methods"), EvaluationMethod)
    if not methods:
        out.append(
            RuleViolation("EVAL-11a", N_("Choose at least one evaluation method."), field="methods")
        )
    if ev.report_submitted_on is not None:
        out.append(
            RuleViolation(
                "EVAL-12a", N_("The report has already been submitted."), field="plan_purpose"
            )
        )
    out += _long(values, (*rules.PLAN_PARTS, "scope_parts"))
    refuse(out)
    update_record(
        ev,
        {p: _text(values, p) for p in rules.PLAN_PARTS}
        | {
            "scope": EvaluationScope(scope),
            "scope_parts": _text(values, "scope_parts"),
            "methods": ",".join(methods),
            "plan_made_on": ev.plan_made_on or local_date(now),
        },
        action="evaluation.plan",
        **_kw(ev.decision, actor, now, ip),
    )


def start_investigation(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> None:
    """EVAL-12a/12d, EVAL-9a/9b: the investigation, participants by type, and the public call
    for input on the dossier (optional)."""
    out = rules.investigation_violations(ev.plan_made_on is not None)
    opens, closes = values.get("call_opens_at"), values.get("call_closes_at")
    if (opens is None) != (closes is None):
        out.append(
            _input(N_("Give both the opening and the closing date of the call."), "call_closes_at")
        )
    elif opens is not None and closes <= opens:
        out.append(_input(N_("The call must close after it opens."), "call_closes_at"))
    if opens is not None and ev.decision.non_disclosable:
        # PROC-16a: an item not to be disclosed takes no public input
        out.append(
            RuleViolation(
                "PROC-16a",
                N_("This decision item is not open to public participation."),
                field="call_opens_at",
            )
        )
    counts = {}
    for p in rules.ParticipantType:
        v = values.get(p.value) or 0
        if not isinstance(v, int) or v < 0 or v > 100000:
            out.append(_input(N_("Enter a whole number."), p.value))
            v = 0
        counts[p.value] = v
    out += _long(values, ("call_notice",))
    refuse(out)
    update_record(
        ev,
        counts
        | {
            "investigation_started_on": ev.investigation_started_on or local_date(now),
            "call_opens_at": opens,
            "call_closes_at": closes,
            "call_notice": _text(values, "call_notice"),
        },
        action="evaluation.investigation",
        **_kw(ev.decision, actor, now, ip),
    )
    if opens is not None and not ev.decision.non_disclosable:
        outbox.enqueue("search.decision", {"id": ev.decision_id}, now=now)


# -- EVAL-13: the report -----------------------------------------------------------------------


def submit_report(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> None:
    """EVAL-12e / EVAL-13b: the report with its sections and conclusion. Submitting after the
    deadline is recorded and stays marked late (EVAL-13a)."""
    conclusion = values.get("conclusion") or None
    if conclusion not in {c.value for c in Conclusion}:
        conclusion = None
    out = rules.report_violations(
        investigation_started=ev.investigation_started_on is not None,
        values={p: _text(values, p) for p in rules.REPORT_PARTS},
        conclusion=conclusion,
    )
    if ev.gov_decision is not None:
        out.append(
            RuleViolation(
                "EVAL-14a",
                N_("The government has already decided on the report."),
                field="conclusion",
            )
        )
    out += _long(values, rules.REPORT_PARTS)
    refuse(out)
    update_record(
        ev,
        {p: _text(values, p) for p in rules.REPORT_PARTS}
        | {
            "conclusion": Conclusion(conclusion),
            "report_submitted_on": ev.report_submitted_on or local_date(now),
        },
        action="evaluation.report",
        **_kw(ev.decision, actor, now, ip),
    )


def report_late(ev: Evaluation, today: date) -> list[RuleViolation]:
    """EVAL-13a: the report is (or was) late against the evaluation deadline."""
    if ev.invalidated_on is not None:
        return []
    return rules.report_deadline_violations(ev.deadline, ev.report_submitted_on, today)


def overdue_reports(government_id: int | None, today: date) -> list[Evaluation]:
    query = (
        sa.select(Evaluation)
        .join(Decision, Evaluation.decision_id == Decision.id)
        .where(
            Evaluation.invalidated_on.is_(None),
            Evaluation.report_submitted_on.is_(None),
            Evaluation.deadline < today,
        )
        .order_by(Evaluation.deadline)
    )
    if government_id is not None:
        query = query.where(Decision.government_id == government_id)
    return list(db.session.scalars(query).all())


# -- EVAL-14: the government's decision and its follow-up (PROC-45, A24) -------------------------


def record_gov_decision(
    ev: Evaluation, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> None:
    """EVAL-14a/b: continue, suspend, terminate or adjust - and open the follow-up:

    * continue: the post-evaluation step is completed; execution goes on;
    * suspend: a suspension by the executive head (PROC-45b) is recorded and the decision is
      suspended, which leaves resume / adjust / terminate pending (A24);
    * terminate: the termination with its collective decision (PROC-45a) is recorded and the
      decision is terminated;
    * adjust: the adjustment with its collective decision, or a major adjustment with its new
      procedure (PROC-45c), is recorded (PROC-44b: linked to this evaluation).
    """
    decision = ev.decision
    raw = values.get("gov_decision") or None
    choice = GovDecision(raw) if raw in {g.value for g in GovDecision} else None
    major = bool(values.get("major"))
    ref = _text(values, "collective_decision_ref")
    on = values.get("gov_decided_on")
    out = rules.gov_decision_violations(
        choice,
        report_submitted=ev.report_submitted_on is not None,
        decided_on=on,
        collective_decision_ref=ref,
        decided_by_executive_head=bool(values.get("decided_by_executive_head")),
        major=major,
    )
    if ev.gov_decision is not None:
        out.append(
            RuleViolation(
                "EVAL-14a", N_("The government has already decided."), field="gov_decision"
            )
        )
    if on is not None and on > local_date(now):
        out.append(_input(N_("The date cannot be in the future."), "gov_decided_on"))
    out += _long(values, ("follow_up_measures",))
    refuse(out)
    reason = f"后评估结论（EVAL-14a）：{ev.evaluation_result.strip()}"[:2000]
    change = None
    if choice is GovDecision.SUSPEND:
        change = changes.record_change(
            decision,
            {
                "kind": DecisionChangeKind.SUSPENSION,
                "decided_on": on,
                "decided_by_executive_head": True,
                "reason": reason,
                "collective_decision_ref": ref,
            },
            actor=actor,
            now=now,
            ip=ip,
        )
    elif choice is GovDecision.TERMINATE:
        change = changes.record_change(
            decision,
            {
                "kind": DecisionChangeKind.TERMINATION,
                "decided_on": on,
                "reason": reason,
                "collective_decision_ref": ref,
            },
            actor=actor,
            now=now,
            ip=ip,
        )
    elif choice is GovDecision.ADJUST:
        change = changes.record_change(
            decision,
            {
                "kind": DecisionChangeKind.MAJOR_ADJUSTMENT
                if major
                else DecisionChangeKind.ADJUSTMENT,
                "decided_on": on,
                "reason": reason,
                "collective_decision_ref": ref,
            },
            actor=actor,
            now=now,
            ip=ip,
        )
    update_record(
        ev,
        {
            "gov_decision": choice,
            "gov_decided_on": on,
            "collective_decision_ref": ref[:200],
            "decided_by_executive_head": bool(values.get("decided_by_executive_head")),
            "follow_up_measures": _text(values, "follow_up_measures"),
            "change_id": change.id if change else None,
            "publish_conclusion": bool(values.get("publish_conclusion")),
        },
        action="evaluation.gov_decision",
        **_kw(decision, actor, now, ip),
    )
    try:
        row = procedure.latest_steps(decision).get(Step.POST_EVALUATION)
        if row is not None and row.status is StepStatus.IN_PROGRESS:
            procedure.complete_step(decision, Step.POST_EVALUATION, actor=actor, now=now, ip=ip)
        if choice is GovDecision.SUSPEND:
            procedure.transition(decision, Stage.SUSPENDED, actor=actor, now=now, ip=ip)
        elif choice is GovDecision.TERMINATE:
            procedure.transition(decision, Stage.TERMINATED, actor=actor, now=now, ip=ip)
    except RuleViolation as v:
        raise RuleViolation.of([v]) from None
    if not decision.non_disclosable:
        outbox.enqueue("search.decision", {"id": decision.id}, now=now)


def invalidate(
    ev: Evaluation, reason: str, deadline: date | None, *, actor, now: datetime, ip: str = ""
) -> Evaluation:
    """EVAL-12f: declared invalid; a new evaluation with the same triggers is opened."""
    out = rules.invalidation_violations(reason or "", status_of(ev))
    if deadline is None or deadline <= local_date(now):
        out.append(
            RuleViolation("EVAL-5a", N_("Set the new evaluation deadline."), field="deadline")
        )
    refuse(out)
    update_record(
        ev,
        {"invalid_reason": reason.strip()[:TEXT_MAX], "invalidated_on": local_date(now)},
        action="evaluation.invalidate",
        **_kw(ev.decision, actor, now, ip),
    )
    return open_evaluation(
        ev.decision,
        {
            "triggers": ev.trigger_list,
            "trigger_note": ev.trigger_note,
            "evaluation_project": ev.evaluation_project,
            "selection_factors": [f for f in ev.selection_factors.split(",") if f],
            "deadline": deadline,
            "redo_of_id": ev.id,
        },
        actor=actor,
        now=now,
        ip=ip,
    )


# -- public feedback (EVAL-9b, PROC-42b) ---------------------------------------------------------


@dataclass(frozen=True)
class FeedbackWindow:
    open: bool
    evaluation: Evaluation | None = None
    violation: RuleViolation | None = None


def feedback_window(decision: Decision, now: datetime) -> FeedbackWindow:
    """Where public feedback goes now: the open call for input of the post-evaluation
    (EVAL-9b), or feedback on a decision in execution (PROC-42b); else closed."""
    if decision.non_disclosable:
        return FeedbackWindow(
            False,
            violation=RuleViolation(
                "PROC-16a", N_("This decision item is not open to public participation.")
            ),
        )
    ev = current_evaluation(decision)
    if ev is not None and ev.call_is_open(now):
        return FeedbackWindow(True, ev)
    if decision.published_at is not None and decision.stage in (
        Stage.PUBLISHED,
        Stage.IMPLEMENTATION,
        Stage.POST_EVALUATION,
    ):
        return FeedbackWindow(True, None)
    return FeedbackWindow(
        False,
        violation=RuleViolation(
            "EVAL-9b", N_("This decision is not taking public feedback at the moment.")
        ),
    )


def _content_hash(decision_id: int, body: str, email: str, phone: str) -> str:
    key = "\x1f".join(["feedback", str(decision_id), body, email.lower(), phone])
    return hashlib.sha256(key.encode()).hexdigest()


def _ip_hash(ip: str) -> str:
    if not ip:
        return ""
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, ip.encode(), hashlib.sha256).hexdigest()


def _text_hash(body: str) -> str:
    from portal.services.moderation import text_hash

    return text_hash(body)


def feedback_by_idempotency_key(key: str) -> PublicFeedback | None:
    return db.session.scalar(sa.select(PublicFeedback).where(PublicFeedback.idempotency_key == key))


def submit_feedback(
    decision: Decision,
    data: opinion_helpers.OpinionInput,
    *,
    now: datetime,
    idempotency_key: str | None = None,
    ip: str = "",
) -> PublicFeedback:
    """Receive public feedback while the window is open; a retry returns the first receipt."""
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if (
            len(key) > opinion_helpers.IDEMPOTENCY_KEY_MAX
            or not key.isascii()
            or not key.isprintable()
        ):
            raise RuleViolation(
                "", N_("The idempotency key is not valid."), field="idempotency_key"
            )
        first = feedback_by_idempotency_key(key)
        if first is not None:
            return first
    window = feedback_window(decision, now)
    if not window.open:
        raise window.violation
    clean = opinion_helpers.validate_input(data)
    content_hash = _content_hash(decision.id, clean.body, clean.contact_email, clean.contact_phone)
    first = db.session.scalar(
        sa.select(PublicFeedback)
        .where(
            PublicFeedback.content_hash == content_hash,
            PublicFeedback.submitted_at > now - opinion_helpers.DUPLICATE_WINDOW,
        )
        .order_by(PublicFeedback.id)
        .limit(1)
    )
    if first is not None:
        return first
    code = opinion_helpers.unique_code(PublicFeedback.receipt_code)
    item = PublicFeedback(
        decision_id=decision.id,
        evaluation_id=window.evaluation.id if window.evaluation else None,
        receipt_code=code,
        body=clean.body,
        display_name=clean.display_name,
        publish_name_consent=clean.publish_name_consent,
        consent_version=opinion_helpers.PRIVACY_NOTICE_VERSION,
        consented_at=now,
        contact_email=clean.contact_email,
        contact_phone=clean.contact_phone,
        submitted_at=now,
        idempotency_key=key,
        content_hash=content_hash,
        ip_hash=_ip_hash(ip),
        text_hash=_text_hash(clean.body),  # similar concerns, on submission (no write on GET)
    )
    db.session.add(item)
    db.session.flush()
    if clean.contact_email:
        outbox.enqueue(
            "mail.send",
            {
                "to": clean.contact_email,
                "subject": f"意见回执码 Feedback receipt {code}",
                "body": (
                    f"您对《{decision.title}》提出的意见已收到，回执码：{code}。\n"
                    f"Your feedback on \u201c{decision.title}\u201d was received. "
                    f"Receipt code: {code}.\n"
                    "可凭回执码在 /feedback/status 查询处理情况。"
                    " Look up its status at /feedback/status.\n"
                ),
            },
            now=now,
        )
    return item


def lookup_feedback(receipt_code: str | None) -> PublicFeedback | None:
    code = opinion_helpers.normalise_receipt_code(receipt_code)
    if not code:
        return None
    return db.session.scalar(sa.select(PublicFeedback).where(PublicFeedback.receipt_code == code))


def feedback_queue(decision: Decision, status: OpinionStatus | None = None) -> list[PublicFeedback]:
    query = sa.select(PublicFeedback).where(PublicFeedback.decision_id == decision.id)
    if status is not None:
        query = query.where(PublicFeedback.status == status)
    return list(
        db.session.scalars(query.order_by(PublicFeedback.submitted_at, PublicFeedback.id)).all()
    )


def feedback_of(decision: Decision, ids) -> list[PublicFeedback]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    return list(
        db.session.scalars(
            sa.select(PublicFeedback)
            .where(PublicFeedback.decision_id == decision.id, PublicFeedback.id.in_(wanted))
            .order_by(PublicFeedback.id)
        ).all()
    )


def feedback_status_counts(decision: Decision) -> dict[OpinionStatus, int]:
    rows = db.session.execute(
        sa.select(PublicFeedback.status, sa.func.count(PublicFeedback.id))
        .where(PublicFeedback.decision_id == decision.id)
        .group_by(PublicFeedback.status)
    ).all()
    counts = dict.fromkeys(OpinionStatus, 0)
    counts.update({OpinionStatus(s): int(n) for s, n in rows})
    return counts


def moderate_feedback(
    items, action: str, *, reason: str | None = None, actor, now: datetime, ip: str = ""
) -> int:
    """Publish (phone and ID numbers masked, A39) or withhold with a published reason code -
    the same moderation as opinions. Nothing changes when the selection is empty."""
    items = list(items)
    if not items:
        raise RuleViolation("", N_("Select at least one opinion."), field="ids")
    if action == "withhold" and reason not in {r.value for r in WithholdReason}:
        raise RuleViolation("", N_("Choose why the opinion is not published."), field="reason")
    count = 0
    for item in items:
        if action == "approve":
            changes = {
                "status": OpinionStatus.PUBLISHED,
                "published_body": mask_personal_data(item.body),
                "withheld_reason": None,
            }
        elif action == "withhold":
            try:
                why = WithholdReason(reason or "")
            except ValueError:
                raise RuleViolation(
                    "", N_("Choose why the opinion is not published."), field="reason"
                ) from None
            changes = {
                "status": OpinionStatus.WITHHELD,
                "withheld_reason": why,
                "published_body": "",
            }
        else:
            raise RuleViolation("", N_("Choose an action."), field="action")
        update_record(
            item,
            changes | {"moderated_at": now, "moderated_by_id": actor.id},
            decision=item.decision,
            actor=actor,
            now=now,
            action=f"feedback.{action}",
            ip=ip,
        )
        count += 1
    return count


def published_feedback(
    decision: Decision, *, page: int, per_page: int
) -> tuple[list[PublicFeedback], int]:
    base = sa.select(PublicFeedback).where(
        PublicFeedback.decision_id == decision.id, PublicFeedback.status == OpinionStatus.PUBLISHED
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    items = db.session.scalars(
        base.order_by(PublicFeedback.submitted_at, PublicFeedback.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), int(total)


def public_name(item: PublicFeedback) -> str:
    return item.display_name if item.publish_name_consent and item.display_name else ""


# -- A27: the prompt -----------------------------------------------------------------------------


def feedback_threshold() -> int:
    """A27: PORTAL_EVALUATION_FEEDBACK_THRESHOLD (default 50; 0 turns the prompt off)."""
    from portal.config import env

    raw = current_app.config.get(CONFIG_THRESHOLD)
    if raw is None:
        raw = env(CONFIG_THRESHOLD)
    try:
        return (
            max(0, int(str(raw)))
            if raw is not None and str(raw).strip()
            else rules.DEFAULT_FEEDBACK_THRESHOLD
        )
    except ValueError:
        return rules.DEFAULT_FEEDBACK_THRESHOLD


@dataclass(frozen=True)
class Prompt:
    decision: Decision
    count: int
    threshold: int


def feedback_count(decision: Decision, now: datetime) -> int:
    """A27: feedback items within 90 days (withheld ones not counted), since the office last
    answered a prompt for this decision."""
    since = now - timedelta(days=rules.FEEDBACK_WINDOW_DAYS)
    last = db.session.scalar(
        sa.select(sa.func.max(TriggerReview.reviewed_at)).where(
            TriggerReview.decision_id == decision.id
        )
    )
    if last is not None and last > since:
        since = last
    return int(
        db.session.scalar(
            sa.select(sa.func.count(PublicFeedback.id)).where(
                PublicFeedback.decision_id == decision.id,
                PublicFeedback.submitted_at > since,
                PublicFeedback.status != OpinionStatus.WITHHELD,
            )
        )
        or 0
    )


def prompts(government_id: int, now: datetime) -> list[Prompt]:
    """A27: decisions whose public feedback reached the threshold and whose office has neither
    opened an evaluation nor declined the trigger since. Never confirmed automatically."""
    threshold = feedback_threshold()
    if threshold <= 0:
        return []
    since = now - timedelta(days=rules.FEEDBACK_WINDOW_DAYS)
    candidates = db.session.execute(
        sa.select(PublicFeedback.decision_id, sa.func.count(PublicFeedback.id))
        .join(Decision, PublicFeedback.decision_id == Decision.id)
        .where(
            Decision.government_id == government_id,
            Decision.stage.not_in([s.value for s in FINAL_EXITS]),
            PublicFeedback.submitted_at > since,
            PublicFeedback.status != OpinionStatus.WITHHELD,
        )
        .group_by(PublicFeedback.decision_id)
        .having(sa.func.count(PublicFeedback.id) >= threshold)
    ).all()
    out = []
    for decision_id, _n in candidates:
        decision = db.session.get(Decision, decision_id)
        ev = current_evaluation(decision)
        if ev is not None and ev.gov_decision is None:
            continue  # an evaluation is already under way
        count = feedback_count(decision, now)
        if rules.feedback_prompt_due(count, threshold):
            out.append(Prompt(decision, count, threshold))
    return out


# -- PART-19b: the government's responses to public concerns during execution (issue 11) ---------

# Re-exported for the view modules, which do not import the rules modules.
AGREEMENT_TERMS = rules.AGREEMENT_TERMS
PLAN_PARTS = rules.PLAN_PARTS
REPORT_PARTS = rules.REPORT_PARTS
FeedbackStatus = OpinionStatus
FeedbackWithholdReason = WithholdReason


@dataclass(frozen=True)
class FeedbackResponseInput:
    """The response text and the feedback items (one, or several similar ones) it answers."""

    body: str
    item_ids: tuple[int, ...]


def _response_problems(decision: Decision, body: str, statuses) -> list[RuleViolation]:
    from portal.rules.consultation import feedback_response_violations
    from portal.rules.privacy import find_personal_data

    return feedback_response_violations(
        non_disclosable=decision.non_disclosable,
        body=body,
        statuses=list(statuses),
        personal_data_kinds=[str(f.kind) for f in find_personal_data(body)],
    )


def respond_to_feedback(
    decision: Decision, data: FeedbackResponseInput, *, actor, now: datetime, ip: str = ""
) -> FeedbackResponse:
    """PART-19b: publish the undertaking unit's response to one or several similar concerns.

    The response is public at once (the feedback list, the dossier, the status page of each
    item's receipt code); each item it answers is linked to it, and those who left an e-mail
    address are told. An item already answered is not answered again: moving it to another
    response is a correction (PROC-39a). Nothing is written when anything is refused.
    """
    from portal.rules.privacy import normalise

    body = normalise(data.body or "").replace("\r\n", "\n").strip()
    items = feedback_of(decision, data.item_ids)
    refuse(_response_problems(decision, body, [i.status for i in items]))
    response = FeedbackResponse(decision_id=decision.id, published_by_id=getattr(actor, "id", None))
    update_record(
        response,
        {"body": body, "published_at": now},
        action="feedback.respond",
        **_kw(decision, actor, now, ip),
    )
    for item in items:
        update_record(
            item,
            {"response_id": response.id},
            action="feedback.answered",
            **_kw(decision, actor, now, ip),
        )
    for item in items:
        if item.contact_email:
            outbox.enqueue(
                "mail.send",
                {
                    "to": item.contact_email,
                    "subject": f"意见答复 Response to your feedback {item.receipt_code}",
                    "body": (
                        f"您对《{decision.title}》提出的意见"
                        f"（回执码 {item.receipt_code}）已有答复：\n"
                        f"{body}\n"
                        f"Your feedback on \u201c{decision.title}\u201d has a response (see "
                        "/feedback/status with your receipt code).\n"
                    ),
                },
                now=now,
            )
    return response


def correct_feedback_response(
    response: FeedbackResponse,
    body: str,
    *,
    correction: str | None,
    actor,
    now: datetime,
    ip: str = "",
) -> FeedbackResponse:
    """A published response changes only as a correction by the undertaking unit, with its
    reason (PART-19b, PROC-39a); the earlier text stays on record and the correction is shown
    on the dossier."""
    from portal.rules.privacy import normalise

    decision = response.decision
    body = normalise(body or "").replace("\r\n", "\n").strip()
    # the items were moderated when they were answered; only the text is checked again
    refuse(_response_problems(decision, body, [OpinionStatus.PUBLISHED]))
    update_record(
        response,
        {"body": body},
        action="feedback.respond",
        correction=correction,
        **_kw(decision, actor, now, ip),
    )
    return response


def response_of(decision: Decision, response_id: int) -> FeedbackResponse | None:
    response = db.session.get(FeedbackResponse, response_id)
    return response if response is not None and response.decision_id == decision.id else None


def feedback_responses(decision: Decision) -> list[FeedbackResponse]:
    """The published responses to public concerns about ``decision``, newest first (PART-19b);
    none for an item not to be disclosed."""
    if decision.non_disclosable:
        return []
    return list(
        db.session.scalars(
            sa.select(FeedbackResponse)
            .where(FeedbackResponse.decision_id == decision.id)
            .order_by(FeedbackResponse.published_at.desc(), FeedbackResponse.id.desc())
        ).all()
    )


def response_counts(response: FeedbackResponse) -> dict[OpinionStatus, int]:
    """How many published and withheld concerns a response answers (never who sent them)."""
    counts = dict.fromkeys(OpinionStatus, 0)
    for item in response.items:
        counts[item.status] += 1
    return counts


def similar_feedback(decision: Decision) -> dict[str, int]:
    """How many items share each normalised text (``text_hash``, set on submission), for the
    items that have company: the moderation screen offers to answer them together."""
    rows = db.session.execute(
        sa.select(PublicFeedback.text_hash, sa.func.count(PublicFeedback.id))
        .where(PublicFeedback.decision_id == decision.id, PublicFeedback.text_hash != "")
        .group_by(PublicFeedback.text_hash)
        .having(sa.func.count(PublicFeedback.id) > 1)
    ).all()
    return {h: int(n) for h, n in rows}
