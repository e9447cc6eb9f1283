"""Collective deliberation (PROC-34..36, PART-17, PART-18a, PROC-8a): the meeting, the Party
committee report and the report to the People's Congress standing committee.

The meeting record locks once its outcome is recorded (PROC-35d: a truthful, immutable record;
a new round opens only after 修改后再次讨论, A11); the Party committee report and the report to
the standing committee lock once recorded. The government office, which records them for the
decision organ, corrects them with a reason; the original stays on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.correction import Correction
from portal.models.decision import Decision
from portal.models.deliberation import Meeting, PartyReport
from portal.rules import deadlines, gates
from portal.rules.enums import (
    MeetingOutcome,
    MeetingType,
    PartyReportKind,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.rules.locks import RecordGroup
from portal.rules.workdays import local_date
from portal.services import corrections, procedure
from portal.services.legality import _pauses
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record
from portal.services.stage_dates import not_before, not_future


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- typed inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    """PROC-34a, PROC-35a/c/d, PROC-27b, PART-17, A11: the collective discussion."""

    meeting_type: MeetingType | None = None
    meeting_on: date | None = None
    materials: tuple[str, ...] = ()  # MeetingMaterial values
    outcome: MeetingOutcome | None = None
    minutes: str = ""
    dissent: str = ""
    risk_controllable: bool | None = None
    revisions: str = ""
    related_party_attendance: bool = False
    related_party_reps: int = 0
    related_party_override_reason: str = ""


@dataclass(frozen=True)
class PartyReportInput:
    """PROC-36a: the request (请示) or report (报告) to the Party committee."""

    kind: PartyReportKind
    reported_on: date
    ref: str


@dataclass(frozen=True)
class NpcReportInput:
    """PROC-8a: the report to the People's Congress standing committee before issuance."""

    reported_on: date
    ref: str


# -- what the screen shows ------------------------------------------------------------------------


def meetings(decision: Decision) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.decision_id == decision.id).order_by(Meeting.round)
        ).all()
    )


@dataclass(frozen=True)
class DeliberationChecks:
    entry: list[RuleViolation]  # entering the collective decision (guard 4)
    completion: list[RuleViolation]  # recording the decision (PROC-35a/c/d, PROC-27b)
    publication: list[RuleViolation]  # what publication needs (PROC-35c/d, 36a, 8a, 28b/d)
    warnings: list[RuleViolation]  # PART-17c


def checks(decision: Decision) -> DeliberationChecks:
    facts = procedure.build_facts(decision)
    cal = procedure.work_calendar()
    return DeliberationChecks(
        entry=gates.collective_decision_entry_violations(facts, cal),
        completion=gates.collective_decision_completion_violations(facts),
        publication=gates.publication_entry_violations(facts),
        warnings=gates.related_party_warnings(facts),
    )


DELIBERATION_GROUPS = (RecordGroup.MEETING, RecordGroup.PARTY_REPORT, RecordGroup.NPC_REPORT)


def screen_corrections(decision: Decision) -> list[Correction]:
    return [c for c in corrections.corrections_of(decision) if c.group in DELIBERATION_GROUPS]


# -- the meeting (PROC-34, PROC-35) ---------------------------------------------------------------


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


def _meeting_violations(
    decision: Decision, data: MeetingInput, previous: Meeting | None, now: datetime
) -> list[RuleViolation]:
    out: list[RuleViolation] = []
    outcome = data.outcome
    if outcome is not None:
        if data.meeting_on is None:
            out.append(_v("", N_("Give the meeting date with the outcome."), "meeting_on"))
        if data.meeting_type is None:
            # PROC-35a: an executive or plenary meeting
            out.append(_v("PROC-35a", N_("The meeting type is not recorded."), "meeting_type"))
        if outcome.is_approval and data.risk_controllable is not True:
            # PROC-27b: approval only when the decision organ judges the risk controllable
            out.append(
                _v(
                    "PROC-27b",
                    N_("The decision organ must judge the risk controllable before approving."),
                    "risk_controllable",
                )
            )
        # PROC-35d: the outcome is the record of a meeting that has been held
        out += not_future("meeting_on", data.meeting_on, now, "PROC-35d")
        lr = procedure.legality_review(decision)
        if lr is not None and lr.opinion_issued_on is not None:
            # PROC-28b: the legality review comes before the discussion
            out += not_before("meeting_on", data.meeting_on, lr.opinion_issued_on, "PROC-28b")
    if data.meeting_on is not None:
        out += meeting_time_violations(decision, data.meeting_on)
        if previous is not None and previous.meeting_on is not None:
            # A11: the new round of discussion follows the one that asked for revision
            out += not_before("meeting_on", data.meeting_on, previous.meeting_on, "PROC-35c")
    return out


def save_meeting(
    decision: Decision,
    data: MeetingInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> Meeting:
    """The collective discussion (PROC-35). A meeting after 修改后再次讨论 is a new round.

    Once the outcome is recorded the record is locked (PROC-39a, PROC-35d): saving it again is
    refused unless the government office corrects it with ``correction`` (the reason). The
    revisions an approval in principle requires may be added until publication (A11)."""
    m = procedure.meeting(decision)
    new_round = m is None or (
        correction is None and m.outcome is MeetingOutcome.REVISE_AND_RESUBMIT
    )
    previous = m if new_round and m is not None else None
    if not new_round and m is not None:
        previous = db.session.scalar(
            sa.select(Meeting)
            .where(Meeting.decision_id == decision.id, Meeting.round < m.round)
            .order_by(Meeting.round.desc())
            .limit(1)
        )
    refuse(_meeting_violations(decision, data, previous, now))
    if new_round:
        m = Meeting(decision_id=decision.id, round=(m.round + 1) if m else 1)
        action = "deliberation.meeting"
    else:
        action = "deliberation.meeting_update"
    assert m is not None
    values = {
        "meeting_type": data.meeting_type,
        "meeting_on": data.meeting_on,
        "materials": sorted(set(data.materials)),
        "outcome": data.outcome,
        "minutes": data.minutes.strip(),
        "dissent": data.dissent.strip(),
        "risk_controllable": data.risk_controllable,
        "revisions": data.revisions.strip(),
        "related_party_attendance": data.related_party_attendance,
        "related_party_reps": data.related_party_reps,
        "related_party_override_reason": data.related_party_override_reason.strip(),
    }
    if m.id is None:
        values["recorded_by_id"] = getattr(actor, "id", None)
    update_record(
        m, values, action=action, correction=correction, **_audit_kw(decision, actor, now, ip)
    )
    return m


# -- reports before issuance (PROC-36a, PROC-8a) --------------------------------------------------


def _published_on(decision: Decision) -> date | None:
    return local_date(decision.published_at) if decision.published_at else None


def save_party_report(
    decision: Decision,
    data: PartyReportInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> PartyReport:
    """PROC-36a: the request (请示) or report (报告) to the Party committee, before issuance.
    Locked once recorded; the government office corrects it with a reason."""
    # PROC-36a: recorded once made, before the decision is issued (出台前)
    out = not_future("reported_on", data.reported_on, now, "PROC-36a")
    published = _published_on(decision)
    if published is not None and data.reported_on > published:
        out.append(
            _v(
                "PROC-36a",
                N_("The report to the Party committee comes before the decision is issued."),
                "reported_on",
            )
        )
    if not present(data.ref):
        out.append(_v("PROC-36a", N_("Give the reference number."), "ref"))
    refuse(out)
    pr = procedure.party_report(decision)
    if pr is None:
        pr = PartyReport(decision_id=decision.id)
    update_record(
        pr,
        {"kind": data.kind, "reported_on": data.reported_on, "ref": data.ref.strip()},
        action="deliberation.party_report",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return pr


def record_npc_report(
    decision: Decision,
    data: NpcReportInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """PROC-8a: the report to the People's Congress standing committee, for a matter that must
    be reported before issuance (``npc_report_required``, confirmed by the government office).
    Locked once recorded; the government office corrects it with a reason."""
    out: list[RuleViolation] = []
    if not decision.npc_report_required and decision.npc_reported_on is None:
        # PROC-8a: the flag says the matter is to be reported (set through the corrections page)
        out.append(
            _v(
                "PROC-8a",
                N_(
                    "This decision is not marked as to be reported to the People's Congress "
                    "standing committee; the government office confirms that flag first."
                ),
                "npc_reported_on",
            )
        )
    # PROC-8a: reported before issuance, on a day that has happened
    out += not_future("npc_reported_on", data.reported_on, now, "PROC-8a")
    published = _published_on(decision)
    if published is not None and data.reported_on > published:
        out.append(
            _v(
                "PROC-8a",
                N_("The report to the standing committee comes before the decision is issued."),
                "npc_reported_on",
            )
        )
    if not present(data.ref):
        # PROC-8a: the report is identified by its reference number
        out.append(_v("PROC-8a", N_("Give the reference number."), "npc_report_ref"))
    refuse(out)
    update_record(
        decision,
        {"npc_reported_on": data.reported_on, "npc_report_ref": data.ref.strip()},
        action="deliberation.npc_report",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )


# -- the public dossier (PART-18a) ---------------------------------------------------------------


@dataclass(frozen=True)
class PublicMeeting:
    """PART-18a: what the public learns of one collective deliberation (not the minutes or the
    dissent, which are internal records, PROC-35d)."""

    round: int
    meeting_type: MeetingType
    meeting_on: date
    outcome: MeetingOutcome


def public_deliberation(decision: Decision) -> list[PublicMeeting]:
    """PART-18a: the collective deliberation's meeting type, date and outcome, once the outcome
    is recorded; nothing for a non-disclosable decision (PROC-37c, PART-18a)."""
    if decision.non_disclosable:
        return []
    return [
        PublicMeeting(m.round, m.meeting_type, m.meeting_on, m.outcome)
        for m in meetings(decision)
        if m.outcome is not None and m.meeting_type is not None and m.meeting_on is not None
    ]
