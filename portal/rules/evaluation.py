"""Post-evaluation of a decision (EVAL, PROC-43..45, rules.md A24, A26..A28, A31).

Pure: no Flask, no SQLAlchemy. The services pass the evaluation's facts and get the
``RuleViolation`` s of every gate, and the warnings that do not block:

* EVAL-6a  a recorded trigger makes a post-evaluation mandatory, with a deadline (A26);
* EVAL-7b  a unit that did the decision's main expert review or risk assessment cannot evaluate
           it (PROC-43c); the other pre-decision roles of A28 only warn;
* EVAL-8a/8b the third party's agreement, and no sub-delegation without consent;
* EVAL-12a the steps in order: team, plan, investigation, report;
* EVAL-12b the team has experts and execution-unit representatives;
* EVAL-12f a seriously flawed evaluation is redone;
* EVAL-13a the report is submitted by the evaluation deadline;
* EVAL-13b the report's five sections and its conclusion (EVAL-12e);
* EVAL-14a/b the government's decision; suspending, terminating or adjusting needs the
           statutory procedure (PROC-45a/b/c), which the service opens;
* A27      a prompt when public feedback on a decision passes a threshold (never automatic).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.rules import deadlines
from portal.rules.enums import PostEvalTrigger
from portal.rules.errors import N_, RuleViolation

# A27: public feedback items on one decision within this many days ...
FEEDBACK_WINDOW_DAYS = 90
# ... that prompt the government office to confirm the "many opinions" trigger (default).
DEFAULT_FEEDBACK_THRESHOLD = 50

# EVAL-8a: the terms of the entrustment agreement with a third party.
AGREEMENT_TERMS = (
    "evaluation_content",
    "quality_requirements",
    "completion_deadline",
    "evaluation_funding",
    "ownership_of_results",
    "confidentiality_clause",
    "breach_liability",
)
# EVAL-12c: the evaluation plan.
PLAN_PARTS = (
    "plan_purpose",
    "plan_personnel",
    "plan_scope",
    "plan_indicators",
    "plan_methods",
    "plan_procedure",
    "plan_budget",
)
# EVAL-13b: the report's sections (the fifth, the result, carries the EVAL-12e conclusion).
REPORT_PARTS = (
    "process_and_methods",
    "execution_overview",
    "stakeholder_public_evaluation",
    "main_problems_and_causes",
    "evaluation_result",
)


class SelectionFactor(StrEnum):
    """EVAL-5a."""

    SOCIAL_ATTENTION = "social_attention"
    EXECUTION_PROGRESS = "execution_progress"
    IMPLEMENTATION_PROBLEMS = "implementation_problems"


class ThirdPartyType(StrEnum):
    """EVAL-7a / rules.md 0.1 ``third_party``."""

    PROFESSIONAL_INSTITUTION = "professional_institution"
    SOCIAL_ORGANISATION = "social_organisation"
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"
    THINK_TANK = "think_tank"


class EvaluationScope(StrEnum):
    """EVAL-10a."""

    OVERALL = "overall"
    PARTIAL = "partial"


class EvaluationMethod(StrEnum):
    """EVAL-11a (the list ends with 等; A21: extend, never delete)."""

    QUESTIONNAIRE = "questionnaire"
    OPINION_SOLICITATION = "opinion_solicitation"
    PUBLIC_OPINION_MONITORING = "public_opinion_monitoring"
    FIELD_INSPECTION = "field_inspection"
    SYMPOSIUM_RESEARCH = "symposium_research"


class TeamRole(StrEnum):
    """EVAL-12b."""

    EXPERT = "expert"
    EXECUTION_UNIT_REP = "execution_unit_rep"
    PUBLIC = "public"


class Conclusion(StrEnum):
    """EVAL-12e: the report's recommendation."""

    CONTINUE = "recommend_continue"
    SUSPEND = "recommend_suspend"
    TERMINATE = "recommend_terminate"
    ADJUST = "recommend_adjust"


class GovDecision(StrEnum):
    """EVAL-14a: the government's decision on the report."""

    CONTINUE = "continue"
    SUSPEND = "suspend"
    TERMINATE = "terminate"
    ADJUST = "adjust"


CONCLUSION_DECISION = {
    Conclusion.CONTINUE: GovDecision.CONTINUE,
    Conclusion.SUSPEND: GovDecision.SUSPEND,
    Conclusion.TERMINATE: GovDecision.TERMINATE,
    Conclusion.ADJUST: GovDecision.ADJUST,
}


class EvaluationStatus(StrEnum):
    """rules.md 1.4 "Post-evaluation" sub-states."""

    TRIGGERED = "triggered"
    TEAM_FORMED = "team_formed"
    PLAN_MADE = "plan_made"
    INVESTIGATION = "investigation"
    REPORT_SUBMITTED = "report_submitted"
    GOV_DECISION = "gov_decision"
    INVALID = "invalid"  # EVAL-12f: redone under a new evaluation


class ParticipantType(StrEnum):
    """PROC-43d / EVAL-9a: who was brought into the evaluation."""

    NPC_DEPUTIES = "npc_deputies"
    CPPCC_MEMBERS = "cppcc_members"
    PEOPLES_ORGANISATIONS = "peoples_organisations"
    GRASSROOTS_ORGANISATIONS = "grassroots_organisations"
    SOCIAL_ORGANISATIONS = "social_organisations"


class PriorRole(StrEnum):
    """EVAL-7b / A28: what an outside party did for the decision before it was made."""

    EXPERT_REVIEW_INSTITUTION = "expert_review_institution"  # blocked
    RISK_ASSESSMENT_BODY = "risk_assessment_body"  # blocked
    DRAFTING_ENTRUSTEE = "drafting_entrustee"  # warning
    POLL_THIRD_PARTY = "poll_third_party"  # warning
    INDIVIDUAL_EXPERT = "individual_expert"  # warning


BLOCKING_ROLES = frozenset({PriorRole.EXPERT_REVIEW_INSTITUTION, PriorRole.RISK_ASSESSMENT_BODY})


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


def present(value: str | None) -> bool:
    return bool(value and value.strip())


# -- EVAL-6a / A26: opening a post-evaluation --------------------------------------------------


def trigger_violations(
    triggers: Iterable[PostEvalTrigger | str],
    deadline: date | None,
    today: date,
    *,
    execution_started: bool,
) -> list[RuleViolation]:
    """EVAL-6a: a recorded trigger opens a mandatory evaluation with its deadline (EVAL-5a)."""
    out = []
    if not execution_started:
        # PROC-43a: a decision is evaluated after it has been carried out for a while
        out.append(_v("PROC-43a", N_("Only a decision in execution can be evaluated."), "decision"))
    if not list(triggers):
        # EVAL-6a: 有下列情形之一的，应当及时开展决策后评估
        out.append(_v("EVAL-6a", N_("Choose what triggers the post-evaluation."), "triggers"))
    if deadline is None:
        # EVAL-5a / A26: the evaluation time limit
        out.append(_v("EVAL-5a", N_("Set the evaluation deadline."), "deadline"))
    elif deadline <= today:
        out.append(_v("EVAL-5a", N_("The evaluation deadline must be in the future."), "deadline"))
    return out


def decline_violations(reason: str) -> list[RuleViolation]:
    """A26: the decision organ may record "trigger not confirmed", with a reason."""
    if not present(reason):
        # A26: "trigger not confirmed" is recorded with its reason
        return [_v("A26", N_("Give the reason the trigger is not confirmed."), "reason")]
    return []


# -- A27: the public-feedback prompt --------------------------------------------------------------


def feedback_prompt_due(count: int, threshold: int) -> bool:
    """A27: prompt when ``count`` feedback items within 90 days reach the threshold."""
    return threshold > 0 and count >= threshold


# -- EVAL-7b / PROC-43c / A28: who may evaluate -------------------------------------------------


def normalise_name(name: str) -> str:
    """Names compared as people read them: NFKC, no spaces, case-insensitive."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(text.split())


@dataclass(frozen=True)
class PriorParty:
    name: str
    role: PriorRole


def unit_violations(unit: str, prior: Iterable[PriorParty]) -> list[RuleViolation]:
    """EVAL-7b / PROC-43c / A28: refuse a unit that did the main expert review or risk
    assessment of this decision."""
    if not present(unit):
        # PROC-43b / EVAL-4a: the office designates the evaluation unit
        return [_v("PROC-43b", N_("Name the evaluation unit."), "evaluation_unit")]
    key = normalise_name(unit)
    for p in prior:
        if p.role in BLOCKING_ROLES and normalise_name(p.name) == key:
            # EVAL-7b: 决策作出前承担主要论证评估工作的…不得参加决策后评估
            return [
                _v(
                    "EVAL-7b",
                    N_(
                        "%(unit)s did the %(role)s of this decision before it was made and "
                        "cannot take part in its post-evaluation."
                    ),
                    "evaluation_unit",
                    unit=unit.strip(),
                    role=str(p.role),
                )
            ]
    return []


def unit_warnings(unit: str, prior: Iterable[PriorParty]) -> list[RuleViolation]:
    """A28: warn (do not block) for the drafting entrustee, the poll third party and the
    individual experts of the pre-decision expert review."""
    key = normalise_name(unit)
    out = []
    for p in prior:
        if p.role not in BLOCKING_ROLES and key and normalise_name(p.name) == key:
            # A28: warn (do not block) for the other prior roles of EVAL-7b
            out.append(
                _v(
                    "A28",
                    N_(
                        "%(unit)s was the %(role)s of this decision before it was made; check "
                        "its independence."
                    ),
                    "evaluation_unit",
                    unit=unit.strip(),
                    role=str(p.role),
                )
            )
    return out


# -- EVAL-7a / EVAL-8a / EVAL-8b: the third party ------------------------------------------------


def agreement_missing_terms(values: dict[str, object]) -> list[str]:
    out = []
    for term in AGREEMENT_TERMS:
        v = values.get(term)
        if v is None or (isinstance(v, str) and not v.strip()):
            out.append(term)
    return out


def third_party_violations(
    *,
    is_third_party: bool,
    third_party_type: str | None,
    independence_declared: bool,
    agreement: dict[str, object],
    agreement_signed_on: date | None,
    subdelegate: str,
    subcontracting_consent: bool,
) -> list[RuleViolation]:
    """EVAL-7a / EVAL-8a / EVAL-8b."""
    out: list[RuleViolation] = []
    if present(subdelegate) and not subcontracting_consent:
        # EVAL-8b: 不得将评估内容转委托 (without the client's consent)
        out.append(
            _v(
                "EVAL-8b",
                N_("Evaluation work may be sub-delegated only with the client's consent."),
                "subcontracting_consent",
            )
        )
    if not is_third_party:
        return out
    if not third_party_type:
        # EVAL-7a: the third party's kind (university, research institution, social organisation)
        out.append(_v("EVAL-7a", N_("Choose the kind of third party."), "third_party_type"))
    if not independence_declared:
        # EVAL-7a: independent and impartial, no conclusions set in advance
        out.append(
            _v(
                "EVAL-7a",
                N_("The third party has not declared its independence."),
                "independence_declared",
            )
        )
    missing = agreement_missing_terms(agreement)
    if agreement_signed_on is None or missing:
        # EVAL-8a: 签订委托协议 with its seven terms
        out.append(
            _v(
                "EVAL-8a",
                N_("Record the signed entrustment agreement with all its terms."),
                missing[0] if missing else "agreement_signed_on",
            )
        )
    return out


# -- EVAL-12: the steps --------------------------------------------------------------------------


def team_violations(roles: Iterable[TeamRole | str]) -> list[RuleViolation]:
    """EVAL-12b: experts of the field and representatives of the execution unit."""
    roles = {TeamRole(r) for r in roles}
    out = []
    if TeamRole.EXPERT not in roles:
        # EVAL-12b: 评估小组由相关领域专家、执行单位代表组成
        out.append(_v("EVAL-12b", N_("The evaluation team needs an expert."), "team"))
    if TeamRole.EXECUTION_UNIT_REP not in roles:
        out.append(
            _v(
                "EVAL-12b",
                N_("The evaluation team needs a representative of the execution unit."),
                "team",
            )
        )
    return out


def plan_missing_parts(values: dict[str, str]) -> list[str]:
    return [p for p in PLAN_PARTS if not present(values.get(p))]


def plan_violations(
    roles: Iterable[TeamRole | str], values: dict[str, str], third_party: list[RuleViolation]
) -> list[RuleViolation]:
    """EVAL-12a/b/c: the plan follows the team; a third party starts after its agreement."""
    out = team_violations(roles)
    missing = plan_missing_parts(values)
    if missing:
        # EVAL-12c: the contents of the evaluation plan
        out.append(_v("EVAL-12c", N_("The evaluation plan lacks required parts."), missing[0]))
    return out + third_party


def investigation_violations(plan_made: bool) -> list[RuleViolation]:
    """EVAL-12a: the investigation follows the plan."""
    if not plan_made:
        # EVAL-12a: 成立评估小组、制订评估方案、开展调查研究、形成评估报告
        return [_v("EVAL-12a", N_("Make the evaluation plan before the investigation."), "plan")]
    return []


def report_violations(
    *, investigation_started: bool, values: dict[str, str], conclusion: str | None
) -> list[RuleViolation]:
    """EVAL-12a / EVAL-12e / EVAL-13b: the report after the investigation, complete, with a
    conclusion."""
    out = []
    if not investigation_started:
        # EVAL-12a: the report follows the investigation
        out.append(_v("EVAL-12a", N_("Investigate before writing the report."), "investigation"))
    missing = [p for p in REPORT_PARTS if not present(values.get(p))]
    if missing:
        # EVAL-13b: 评估报告主要包括以下内容
        out.append(_v("EVAL-13b", N_("The evaluation report lacks required sections."), missing[0]))
    if not conclusion:
        # EVAL-12e: 建议继续实施 / 中止 / 终止 / 调整
        out.append(_v("EVAL-12e", N_("Choose the report's conclusion."), "conclusion"))
    return out


def report_overdue(deadline: date, submitted_on: date | None, today: date) -> bool:
    """EVAL-13a: the report is submitted within the prescribed time limit (inclusive)."""
    return deadlines.is_overdue(deadline, submitted_on, today)


def report_deadline_violations(
    deadline: date | None, submitted_on: date | None, today: date
) -> list[RuleViolation]:
    if deadline is not None and report_overdue(deadline, submitted_on, today):
        # EVAL-13a: 在规定时限内完成评估报告，并提交
        return [
            _v(
                "EVAL-13a",
                N_("The evaluation report was due on %(due)s."),
                "report_submitted_on",
                due=deadline.isoformat(),
            )
        ]
    return []


def invalidation_violations(reason: str, status: EvaluationStatus) -> list[RuleViolation]:
    """EVAL-12f: a serious breach of the procedure means the evaluation is redone."""
    out = []
    if status in (EvaluationStatus.GOV_DECISION, EvaluationStatus.INVALID):
        # EVAL-12f: only an evaluation not yet decided on can be declared invalid
        out.append(
            _v(
                "EVAL-12f",
                N_("This evaluation can no longer be declared invalid."),
                "invalid_reason",
            )
        )
    if not present(reason):
        # EVAL-12f: 严重违反上述评估程序的，应当重新组织评估
        out.append(
            _v(
                "EVAL-12f",
                N_("Describe how the evaluation procedure was seriously breached."),
                "invalid_reason",
            )
        )
    return out


# -- EVAL-14: the government's decision -----------------------------------------------------------


def gov_decision_violations(
    decision: GovDecision | None,
    *,
    report_submitted: bool,
    decided_on: date | None,
    collective_decision_ref: str,
    decided_by_executive_head: bool,
    major: bool,
) -> list[RuleViolation]:
    """EVAL-14a/b, PROC-45a/b/c: the decision on the report, and its statutory procedure."""
    out = []
    if not report_submitted:
        # EVAL-14a: the report is the basis of the government's decision
        out.append(
            _v("EVAL-14a", N_("The evaluation report has not been submitted."), "gov_decision")
        )
    if decision is None:
        out.append(_v("EVAL-14a", N_("Choose the government's decision."), "gov_decision"))
        return out
    if decided_on is None:
        # EVAL-14a: the date of the government's decision
        out.append(_v("EVAL-14a", N_("Give the date of the decision."), "gov_decided_on"))
    if decision is GovDecision.SUSPEND:
        if not decided_by_executive_head:
            # EVAL-14b / PROC-45b: the executive head decides to suspend execution
            out.append(
                _v(
                    "EVAL-14b",
                    N_("A suspension must be decided by the executive head."),
                    "decided_by_executive_head",
                )
            )
    elif decision is GovDecision.ADJUST and major:
        pass  # PROC-45c: the service creates the new procedure instance (changes.record_change)
    elif decision in (GovDecision.TERMINATE, GovDecision.ADJUST) and not present(
        collective_decision_ref
    ):
        # EVAL-14b / PROC-45a: 应当履行相关法定程序
        out.append(
            _v(
                "EVAL-14b",
                N_("Give the collective decision that decided to %(what)s."),
                "collective_decision_ref",
                what=str(decision),
            )
        )
    return out


def status_of(
    *,
    invalid: bool,
    gov_decided: bool,
    report_submitted: bool,
    investigation_started: bool,
    plan_made: bool,
    team_formed: bool,
) -> EvaluationStatus:
    if invalid:
        return EvaluationStatus.INVALID
    if gov_decided:
        return EvaluationStatus.GOV_DECISION
    if report_submitted:
        return EvaluationStatus.REPORT_SUBMITTED
    if investigation_started:
        return EvaluationStatus.INVESTIGATION
    if plan_made:
        return EvaluationStatus.PLAN_MADE
    if team_formed:
        return EvaluationStatus.TEAM_FORMED
    return EvaluationStatus.TRIGGERED
