"""Risk assessment of a decision (PROC-25..27, RISK-5..12)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.rules import gates
from portal.rules.enums import (
    RiskLevel,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.services import procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import delete_record, update_record


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- risk assessment (PROC-25..27, RISK-5..12) --------------------------------------------------


def risk_assessment_for(
    decision: Decision, *, actor, now: datetime, ip: str = ""
) -> RiskAssessment:
    ra = procedure.risk_assessment(decision)
    if ra is None:
        ra = RiskAssessment(decision_id=decision.id)
        update_record(ra, {}, action="risk.create", **_audit_kw(decision, actor, now, ip))
    return ra


def risk_level_violations(ra: RiskAssessment | None) -> list[RuleViolation]:
    """A16: a stored overall level other than the highest category level needs a reason."""
    if ra is None or ra.level is None or ra.computed_level is None:
        return []
    if ra.level == ra.computed_level or present(ra.level_override_reason):
        return []
    # A16: overall level = the highest category level, editable with a reason
    return [
        _v(
            "A16",
            N_(
                "The overall level differs from the highest category level (%(level)s); "
                "give the reason for the override."
            ),
            "level_override_reason",
            level=str(ra.computed_level),
        )
    ]


def save_risk(decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""):
    """The assessment, its report, the PLAC filing and the social-stability flag.

    ``values["level"]`` is the level chosen on the form (None = the highest category level, A16).
    """
    ra = procedure.risk_assessment(decision)
    computed = ra.computed_level if ra is not None else None
    chosen: RiskLevel | None = values.get("level")
    out: list[RuleViolation] = []
    if chosen is not None and computed is not None and chosen == computed:
        chosen = None  # A16: the default, follows the categories
    if (
        chosen is not None
        and computed is not None
        and not present(values.get("level_override_reason"))
    ):
        # A16: overall level = the highest category level, editable with a reason
        out.append(
            _v(
                "A16",
                N_(
                    "The overall level differs from the highest category level (%(level)s); "
                    "give the reason for the override."
                ),
                "level_override_reason",
                level=str(computed),
            )
        )
    values = {**values, "level": chosen}
    facts = procedure.build_facts(decision)
    risk = replace(
        facts.risk,
        level=chosen or computed,
        recommendation=values.get("recommendation"),
        unit_controllable=values.get("unit_controllable"),
        mitigation_measures=values.get("mitigation_measures", ""),
        social_stability_required=values.get("social_stability_required", True),
        social_stability_not_required_reason=values.get("social_stability_not_required_reason", ""),
    )
    would_be = replace(facts, risk=risk)
    if risk.level is not None and risk.recommendation is not None:
        # RISK-11a/b: the recommendation allowed for the level
        out += gates.risk_recommendation_violations(would_be)
    if not risk.social_stability_required and not present(
        risk.social_stability_not_required_reason
    ):
        # RISK-5a / A17: "not required" needs a reason
        out += gates.social_stability_violations(would_be)
    plac_sub, plac_filed = values.get("plac_submitted_on"), values.get("plac_filed_on")
    if plac_filed is not None and (plac_sub is None or plac_filed < plac_sub):
        # RISK-12b: the report is first sent to the PLAC, then filed there
        out.append(
            _v(
                "RISK-12b",
                N_("The PLAC filing date must follow the date the report was sent to the PLAC."),
                "plac_filed_on",
            )
        )
    refuse(out)
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    update_record(ra, values, action="risk.update", **_audit_kw(decision, actor, now, ip))
    return ra


def add_risk_category(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> RiskCategoryLevel:
    ra = procedure.risk_assessment(decision)
    if ra is not None and any(c.category == values["category"] for c in ra.categories):
        refuse(
            [
                _v(
                    "",
                    N_("This category is already recorded; delete it first to change it."),
                    "category",
                )
            ]
        )
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    row = RiskCategoryLevel(assessment_id=ra.id)
    update_record(row, values, action="risk.category_add", **_audit_kw(decision, actor, now, ip))
    db.session.refresh(ra)
    return row


def delete_risk_category(
    decision: Decision, row: RiskCategoryLevel, *, actor, now: datetime, ip: str = ""
) -> None:
    delete_record(row, action="risk.category_delete", **_audit_kw(decision, actor, now, ip))


def public_risk_notice(decision: Decision):
    """RISK-9c: the risk assessment's public notice (公示), when one is used (None: none)."""
    return None
