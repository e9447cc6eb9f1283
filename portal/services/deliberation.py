"""Collective deliberation (PROC-34..36, PART-17): the meeting and the Party committee report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from portal.models.decision import Decision
from portal.models.deliberation import Meeting, PartyReport
from portal.rules import deadlines
from portal.rules.enums import (
    MeetingOutcome,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.services import procedure
from portal.services.legality import _pauses
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- deliberation (PROC-34..36, PART-17) ----------------------------------------------------------


def meeting_time_violations(decision: Decision, meeting_on: date) -> list[RuleViolation]:
    """PROC-31a / PROC-29c: the meeting leaves >= 7 review working days (override: A12)."""
    lr = procedure.legality_review(decision)
    return deadlines.legality_review_time_violations(
        lr.submitted_on if lr else None,
        meeting_on,
        _pauses(lr) if lr else (),
        procedure.work_calendar(),
        override_reason=lr.meeting_override_reason if lr else "",
    )


def save_meeting(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> Meeting:
    """The collective discussion (PROC-35). A meeting after 修改后再次讨论 is a new round."""
    out: list[RuleViolation] = []
    outcome: MeetingOutcome | None = values.get("outcome")
    if outcome is not None:
        if values.get("meeting_on") is None:
            out.append(_v("", N_("Give the meeting date with the outcome."), "meeting_on"))
        if values.get("meeting_type") is None:
            # PROC-35a: an executive or plenary meeting
            out.append(_v("PROC-35a", N_("The meeting type is not recorded."), "meeting_type"))
        if outcome.is_approval and values.get("risk_controllable") is not True:
            # PROC-27b: approval only when the decision organ judges the risk controllable
            out.append(
                _v(
                    "PROC-27b",
                    N_("The decision organ must judge the risk controllable before approving."),
                    "risk_controllable",
                )
            )
    if values.get("meeting_on") is not None:
        out += meeting_time_violations(decision, values["meeting_on"])
    refuse(out)
    m = procedure.meeting(decision)
    if m is None or m.outcome is MeetingOutcome.REVISE_AND_RESUBMIT:
        m = Meeting(decision_id=decision.id, round=(m.round + 1) if m else 1)
        action = "deliberation.meeting"
    else:
        action = "deliberation.meeting_update"
    values = {**values, "recorded_by_id": getattr(actor, "id", None)}
    update_record(m, values, action=action, **_audit_kw(decision, actor, now, ip))
    return m


def save_party_report(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> PartyReport:
    """PROC-36a: the request (请示) or report (报告) to the Party committee."""
    pr = procedure.party_report(decision)
    if pr is None:
        pr = PartyReport(decision_id=decision.id)
    update_record(
        pr, values, action="deliberation.party_report", **_audit_kw(decision, actor, now, ip)
    )
    return pr


def public_deliberation(decision: Decision):
    """PART-18a: what the dossier says about the collective deliberation (None: nothing yet)."""
    return None
