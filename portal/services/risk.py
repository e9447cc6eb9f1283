"""Risk assessment of a decision (PROC-25..27, RISK-5..12).

Each part of the record has its service and typed input: the assessment and its report
(:func:`save_risk`), the categories (A16), the PLAC procedural review and filing
(:func:`record_plac_review`, RISK-12b), the optional public notice of the investigation
(:func:`record_risk_notice`, RISK-9c). The record locks once the PLAC's review result is recorded
or the risk step is completed; then it changes only as a correction by the undertaking unit,
with a reason (``portal.services.locks``). "No social-stability assessment required" (A17) is
a gate-switching flag: the unit asks for it with the reason on the corrections page and the
government office confirms it (``portal.services.corrections``), which calls
:func:`set_social_stability_not_required`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.risk import RISK_REPORT_PARTS, RiskAssessment, RiskCategoryLevel
from portal.rules import gates
from portal.rules.enums import PlacReviewResult, RiskCategory, RiskLevel, RiskRecommendation
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.facts import present
from portal.rules.locks import Lock, RecordGroup, clock_date_violations
from portal.rules.workdays import local_date
from portal.services import corrections, locks, procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import delete_record, update_record

__all__ = ["PlacReviewResult", "RiskCategory", "RiskLevel", "RiskRecommendation"]


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- typed inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskInput:
    """The assessment, its level and recommendation, and the five-part report (RISK-12a).

    ``level`` None: the highest category level (A16)."""

    assessing_body: str = ""
    plan: str = ""
    level: RiskLevel | None = None
    level_override_reason: str = ""
    recommendation: RiskRecommendation | None = None
    unit_controllable: bool | None = None
    mitigation_measures: str = ""
    stakeholder_participants: int = 0
    department_participants: int = 0
    report: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlacInput:
    """RISK-12b: the report sent to the PLAC, and the PLAC's procedural review and filing."""

    submitted_on: date | None = None
    review_result: PlacReviewResult | None = None
    filed_on: date | None = None  # the day of the review result (filed, or returned)
    ref: str = ""


@dataclass(frozen=True)
class RiskNoticeInput:
    """RISK-9c: the public notice (公示) used in the risk investigation, when one is used."""

    title: str = ""
    text: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    contact: str = ""


@dataclass(frozen=True)
class CategoryInput:
    """RISK-8a / A16 / A9: one risk category with its level and points."""

    category: RiskCategory
    level: RiskLevel
    risk_points: str = ""
    covered_by_ref: str = ""


# -- risk assessment (PROC-25..27, RISK-5..12) --------------------------------------------------


def risk_assessment_for(
    decision: Decision, *, actor, now: datetime, ip: str = ""
) -> RiskAssessment:
    ra = procedure.risk_assessment(decision)
    if ra is None:
        ra = RiskAssessment(decision_id=decision.id)
        update_record(ra, {}, action="risk.create", **_audit_kw(decision, actor, now, ip))
    return ra


def _level_override(computed: RiskLevel | None) -> RuleViolation:
    # A16: overall level = the highest category level, editable with a reason
    return _v(
        "A16",
        N_(
            "The overall level differs from the highest category level (%(level)s); "
            "give the reason for the override."
        ),
        "level_override_reason",
        level=str(computed),
    )


def risk_level_violations(ra: RiskAssessment | None) -> list[RuleViolation]:
    """A16: a stored overall level other than the highest category level needs a reason."""
    if ra is None or ra.level is None or ra.computed_level is None:
        return []
    if ra.level == ra.computed_level or present(ra.level_override_reason):
        return []
    return [_level_override(ra.computed_level)]


def save_risk(
    decision: Decision,
    data: RiskInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> RiskAssessment:
    """The assessment, its level, recommendation and report (RISK-9a, RISK-11, RISK-12a)."""
    ra = procedure.risk_assessment(decision)
    computed = ra.computed_level if ra is not None else None
    chosen = data.level
    out: list[RuleViolation] = []
    if chosen is not None and computed is not None and chosen == computed:
        chosen = None  # A16: the default, follows the categories
    if chosen is not None and computed is not None and not present(data.level_override_reason):
        out.append(_level_override(computed))
    facts = procedure.build_facts(decision)
    would_be = replace(
        facts,
        risk=replace(
            facts.risk,
            level=chosen or computed,
            recommendation=data.recommendation,
            unit_controllable=data.unit_controllable,
            mitigation_measures=data.mitigation_measures,
        ),
    )
    if would_be.risk.level is not None and data.recommendation is not None:
        # RISK-11a/b: the recommendation allowed for the level
        out += gates.risk_recommendation_violations(would_be)
    refuse(out)
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    changes: dict[str, Any] = {
        "assessing_body": data.assessing_body.strip(),
        "plan": data.plan.strip(),
        "level": chosen,
        "level_override_reason": data.level_override_reason.strip(),
        "recommendation": data.recommendation,
        "unit_controllable": data.unit_controllable,
        "mitigation_measures": data.mitigation_measures.strip(),
        "stakeholder_participants": data.stakeholder_participants,
        "department_participants": data.department_participants,
        **{k: (data.report.get(k) or "").strip() for k in RISK_REPORT_PARTS},
    }
    update_record(
        ra,
        changes,
        action="risk.update",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return ra


def record_plac_review(
    decision: Decision,
    data: PlacInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> RiskAssessment:
    """RISK-12b / A18: the report goes to the PLAC first; its procedural review result (passed
    and filed, or returned) is recorded with the date and the PLAC's reference. Only a passed,
    filed review lets the report go to the government (the gate to legality review). Once the
    result is recorded the record is locked."""
    today = local_date(now)
    ra = procedure.risk_assessment(decision)
    out: list[RuleViolation] = []
    # RISK-12b: the submission and filing dates are recorded facts: never in the future, and
    # the filing never before the submission
    out += clock_date_violations(
        "plac_submitted_on", data.submitted_on, today=today, rule="RISK-12b"
    )
    out += clock_date_violations(
        "plac_filed_on",
        data.filed_on,
        today=today,
        not_before=data.submitted_on,
        rule="RISK-12b",
    )
    if data.submitted_on is not None and (ra is None or not ra.report_done):
        # RISK-12a / RISK-12b: the complete five-part report is what goes to the PLAC
        out.append(
            _v(
                "RISK-12a",
                N_("Complete the five parts of the risk report before it is sent to the PLAC."),
                "plac_submitted_on",
            )
        )
    decided = data.filed_on is not None or data.review_result is not None or present(data.ref)
    if decided and data.submitted_on is None:
        # RISK-12b: the report is first sent to the PLAC, then reviewed and filed there
        out.append(
            _v(
                "RISK-12b",
                N_("The PLAC filing date must follow the date the report was sent to the PLAC."),
                "plac_filed_on",
            )
        )
    if decided and data.review_result is None:
        # RISK-12b: the filing is recorded with the result of the procedural review
        out.append(
            _v(
                "RISK-12b",
                N_("Record the result of the PLAC's procedural review."),
                "plac_review_result",
            )
        )
    if decided and data.filed_on is None:
        # RISK-12b: the day of the PLAC's result
        out.append(
            _v("RISK-12b", N_("Enter the date of the PLAC's review result."), "plac_filed_on")
        )
    if decided and not present(data.ref):
        # RISK-12b: the PLAC's filing reference (plac_ref)
        out.append(_v("RISK-12b", N_("Enter the PLAC's filing reference."), "plac_ref"))
    refuse(out)
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    update_record(
        ra,
        {
            "plac_submitted_on": data.submitted_on,
            "plac_review_result": data.review_result,
            "plac_filed_on": data.filed_on,
            "plac_ref": data.ref.strip(),
        },
        action="risk.plac",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return ra


def record_risk_notice(
    decision: Decision,
    data: RiskNoticeInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> RiskAssessment:
    """RISK-9c: the public notice (公示) of the risk investigation. Optional; once recorded it is
    shown on the dossier from its first day, never for an item not to be disclosed (A7)."""
    out: list[RuleViolation] = []
    used = any((present(data.title), present(data.text), data.opens_on, present(data.contact)))
    if used and decision.non_disclosable:
        # A7: an item not to be disclosed never appears on the public portal
        out.append(
            _v(
                "A7",
                N_("The item is not to be disclosed: its risk investigation has no public notice."),
                "notice_title",
            )
        )
    if used:
        if not present(data.title):
            out.append(input_error(N_("Enter the title of the notice."), "notice_title"))
        if not present(data.text):
            # RISK-9c: the notice says what is assessed and asks for views
            out.append(_v("RISK-9c", N_("Enter the text of the public notice."), "notice_text"))
        if data.opens_on is None or data.closes_on is None:
            out.append(input_error(N_("Enter the period of the notice."), "notice_opens_on"))
        elif data.closes_on < data.opens_on:
            out.append(
                input_error(N_("The notice cannot end before it starts."), "notice_closes_on")
            )
    refuse(out)
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    update_record(
        ra,
        {
            "notice_title": data.title.strip(),
            "notice_text": data.text.strip(),
            "notice_opens_on": data.opens_on if used else None,
            "notice_closes_on": data.closes_on if used else None,
            "notice_contact": data.contact.strip(),
        },
        action="risk.notice",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return ra


def set_social_stability_not_required(
    decision: Decision, not_required: bool, reason: str, *, actor, now: datetime, ip: str = ""
) -> RiskAssessment:
    """A17 / RISK-5a: the confirmed gate-switching flag, written to the risk assessment.

    Called only by ``corrections.confirm_flag_request`` (the government office confirms the
    unit's request); it is kept as a correction of the flags (``RecordGroup.GATE_FLAGS``)."""
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    update_record(
        ra,
        {
            "social_stability_required": not not_required,
            "social_stability_not_required_reason": reason.strip() if not_required else "",
        },
        action="flag.confirm",
        correction=reason,
        **_audit_kw(decision, actor, now, ip),
    )
    return ra


def add_risk_category(
    decision: Decision, data: CategoryInput, *, actor, now: datetime, ip: str = ""
) -> RiskCategoryLevel:
    ra = procedure.risk_assessment(decision)
    if ra is not None and any(c.category == data.category for c in ra.categories):
        refuse(
            [
                input_error(
                    N_("This category is already recorded; delete it first to change it."),
                    "category",
                )
            ]
        )
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    row = RiskCategoryLevel(assessment_id=ra.id)
    update_record(
        row,
        {
            "category": data.category,
            "level": data.level,
            "risk_points": data.risk_points.strip(),
            "covered_by_ref": data.covered_by_ref.strip(),
        },
        action="risk.category_add",
        **_audit_kw(decision, actor, now, ip),
    )
    db.session.refresh(ra)
    return row


def delete_risk_category(
    decision: Decision, row: RiskCategoryLevel, *, actor, now: datetime, ip: str = ""
) -> None:
    delete_record(row, action="risk.category_delete", **_audit_kw(decision, actor, now, ip))


# -- public (RISK-9c) and display -------------------------------------------------------------


@dataclass(frozen=True)
class RiskNotice:
    title: str
    text: str
    opens_on: date
    closes_on: date | None
    contact: str


def public_risk_notice(decision: Decision, today: date | None = None) -> RiskNotice | None:
    """RISK-9c: the risk assessment's public notice (公示), when one is used and has started
    (None: none). Never for an item not to be disclosed (A7)."""
    if decision.non_disclosable:
        return None
    ra = procedure.risk_assessment(decision)
    if ra is None or not present(ra.notice_title) or ra.notice_opens_on is None:
        return None
    from portal.clock import local_today

    if ra.notice_opens_on > (today or local_today()):
        return None
    return RiskNotice(
        title=ra.notice_title,
        text=ra.notice_text,
        opens_on=ra.notice_opens_on,
        closes_on=ra.notice_closes_on,
        contact=ra.notice_contact,
    )


@dataclass(frozen=True)
class RiskScreen:
    ra: RiskAssessment | None
    categories: list[RiskCategoryLevel]
    computed_level: RiskLevel | None
    overall_level: RiskLevel | None
    completion: list[RuleViolation]
    recommendation_check: list[RuleViolation]
    lock: Lock | None
    corrections: list
    flag_requests: list  # A17: requests about the social-stability flag


def lock_of(decision: Decision) -> Lock | None:
    """The lock of the risk record now (PLAC result recorded, or the step completed)."""
    ra = procedure.risk_assessment(decision) or RiskAssessment(decision_id=decision.id)
    return locks.lock_of(ra, ["plan"], decision)


def screen(decision: Decision) -> RiskScreen:
    ra = procedure.risk_assessment(decision)
    facts = procedure.build_facts(decision)
    return RiskScreen(
        ra=ra,
        categories=list(ra.categories) if ra else [],
        computed_level=ra.computed_level if ra else None,
        overall_level=facts.risk.level,
        completion=gates.risk_completion_violations(facts),
        recommendation_check=risk_level_violations(ra)
        + gates.risk_recommendation_violations(facts),
        lock=lock_of(decision),
        corrections=[
            c
            for c in corrections.corrections_of(decision)
            if c.group == RecordGroup.RISK_ASSESSMENT
            or (c.record_type == RiskAssessment.__tablename__)
        ],
        flag_requests=[
            r
            for r in corrections.requests_of(decision)
            if r.flag == "social_stability_not_required"
        ],
    )
