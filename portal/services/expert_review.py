"""Expert review of a decision (PROC-21..24, EXP-13..16): method, report, experts, recusals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.models.decision import Decision
from portal.models.expert import EXPERT_REPORT_PARTS, ExpertAssignment, ExpertReview
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.services import procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- expert review (PROC-21..24, EXP-13..16) ---------------------------------------------------


def expert_review_for(decision: Decision, *, actor, now: datetime, ip: str = "") -> ExpertReview:
    review = procedure.expert_review(decision)
    if review is None:
        review = ExpertReview(decision_id=decision.id)
        update_record(
            review, {}, action="experts.review_create", **_audit_kw(decision, actor, now, ip)
        )
    return review


def save_expert_review(
    decision: Decision, values: dict[str, Any], *, is_complex: bool, actor, now, ip=""
) -> ExpertReview:
    """Method, date, EXP-2a flag, the EXP-13c complexity flag (A20) and the A4 override."""
    out = []
    if is_complex and not present(values.get("complexity_reason")):
        # EXP-13c / A20: the complexity flag carries a reason
        out.append(_v("EXP-13c", N_("The complexity flag needs a reason."), "complexity_reason"))
    refuse(out)
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    update_record(
        review, values, action="experts.review_update", **_audit_kw(decision, actor, now, ip)
    )
    update_record(
        decision,
        {"is_complex": is_complex},
        action="decision.complexity_flag",
        **_audit_kw(decision, actor, now, ip),
    )
    return review


def save_expert_report(decision: Decision, values: dict[str, str], *, actor, now, ip=""):
    """EXP-16a: the seven parts of the expert consultation report."""
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    changes = {k: values[k] for k in EXPERT_REPORT_PARTS if k in values}
    update_record(review, changes, action="experts.report", **_audit_kw(decision, actor, now, ip))
    return review


def _expert_violations(values: dict[str, Any], recused: bool) -> list[RuleViolation]:
    out = []
    name = values.get("name", "")
    outside_pool = not values.get("is_institution") and not values.get("from_pool", True)
    if outside_pool and not present(values.get("external_reason")):
        # EXP-13a / A22: an expert from outside the pool needs a recorded reason
        out.append(
            _v(
                "EXP-13a",
                N_("%(name)s is not in the expert pool and no reason is recorded."),
                "external_reason",
                name=name,
            )
        )
    if values.get("conflict_declared") is True and not recused:
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
    if values.get("opinion_form") is None and values.get("signed"):
        out.append(
            _v("", N_("Record how the opinion was given before marking it signed."), "opinion_form")
        )
    return out


def save_expert(
    decision: Decision,
    assignment: ExpertAssignment | None,
    values: dict[str, Any],
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> ExpertAssignment:
    """Add (``assignment`` None) or edit one expert or institution of the consultation."""
    refuse(_expert_violations(values, recused=bool(assignment and assignment.recused)))
    if assignment is None:
        review = expert_review_for(decision, actor=actor, now=now, ip=ip)
        assignment = ExpertAssignment(review_id=review.id)
        action = "experts.assign"
    else:
        action = "experts.update"
    update_record(assignment, values, action=action, **_audit_kw(decision, actor, now, ip))
    return assignment


def recuse_expert(
    decision: Decision,
    assignment: ExpertAssignment,
    reason: str,
    *,
    conflict_declared: bool,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """PROC-22a / EXP-10b: a recused expert stays on record, with the reason."""
    if not present(reason):
        # PROC-22a: the recusal is recorded with its reason
        refuse([_v("PROC-22a", N_("Give the reason for the recusal."), "recusal_reason")])
    changes: dict[str, Any] = {"recused": True, "recusal_reason": reason.strip()}
    if conflict_declared:
        changes["conflict_declared"] = True
    update_record(
        assignment, changes, action="experts.recuse", **_audit_kw(decision, actor, now, ip)
    )
