"""Legality review (PROC-28..33): submission, supplements, advisers, the opinion, returns.

Every record of the review locks once it is issued (``portal.services.locks``): the submission
date once submitted (the 7-working-day clock of PROC-31a / A12 runs from it, so the unit cannot
move it), a supplement once received, an adviser's opinion once recorded, the opinion and a
return once issued, the unit's adoption of the points once the collective decision started.
A correction is made by the legality review department (the unit for the adoption of points),
with a reason, and the original stays on record (``Correction``). Dates that drive the clock are
never in the future and never before the fact they follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.correction import Correction
from portal.models.decision import Decision
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.rules import deadlines, gates
from portal.rules.deadlines import Pause
from portal.rules.enums import (
    AdoptionStatus,
    LegalAdviserRole,
    LegalityOpinionKind,
    LegalityOutcome,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.rules.locks import Lock, RecordGroup, locked_violation
from portal.rules.stages import Step
from portal.rules.workdays import Deadline, WorkCalendar
from portal.services import corrections, procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record
from portal.services.stage_dates import not_before, not_future


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- typed inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionInput:
    """PROC-29a/b: the complete submission and its materials (``LegalityMaterial`` values)."""

    submitted_on: date
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class SupplementRequest:
    """PROC-29c 限期补送: what is to be supplemented, by when."""

    requested_on: date
    what: str
    due_on: date | None = None


@dataclass(frozen=True)
class AdviserOpinionInput:
    """PROC-30a / A15: a legal adviser's or public lawyer's opinion."""

    role: LegalAdviserRole
    name: str
    given_on: date
    opinion: str


@dataclass(frozen=True)
class LegalityOpinionInput:
    """PROC-28c, PROC-33a: the opinion of the legality review department; A11 and PROC-31a
    (override) are recorded with it."""

    opinion_kind: LegalityOpinionKind
    opinion_issued_on: date
    outcome: LegalityOutcome
    opinion_text: str
    legal_risk_statement: str = ""
    no_substantive_change_confirmed: bool = False
    meeting_override_reason: str = ""


@dataclass(frozen=True)
class ReturnInput:
    """PROC-29c / A13 退回: the day and the reason."""

    returned_on: date
    reason: str


@dataclass(frozen=True)
class PointAdoptionInput:
    """PROC-33b: how the unit handled one point of the opinion."""

    adoption: AdoptionStatus
    explanation: str = ""


# -- the clock (PROC-31a, PROC-29c) ---------------------------------------------------------------


@dataclass(frozen=True)
class LegalityClock:
    """PROC-31a / PROC-29c: review working days so far and the earliest meeting day."""

    submitted_on: date | None
    elapsed: int | None  # review working days up to today, pauses excluded
    earliest_meeting: Deadline | None  # None while paused (or not submitted)
    paused: bool
    overdue_pauses: tuple[int, ...]  # ids of supplements past their due day


def _pauses(lr: LegalityReview) -> tuple[Pause, ...]:
    return tuple(Pause(p.requested_on, p.received_on, p.due_on) for p in lr.pauses)


def legality_clock(
    lr: LegalityReview | None, today: date, calendar: WorkCalendar | None = None
) -> LegalityClock:
    if lr is None or lr.submitted_on is None:
        return LegalityClock(None, None, None, False, ())
    pauses = _pauses(lr)
    cal = calendar if calendar is not None else procedure.work_calendar()
    elapsed = deadlines.legality_review_days_elapsed(lr.submitted_on, today, pauses, cal)
    earliest = deadlines.legality_review_earliest_meeting(lr.submitted_on, pauses, cal)
    overdue = tuple(
        p.id
        for p in lr.pauses
        if deadlines.supplement_overdue(Pause(p.requested_on, p.received_on, p.due_on), today)
    )
    return LegalityClock(
        lr.submitted_on,
        elapsed,
        earliest,
        any(p.received_on is None for p in pauses),
        overdue,
    )


# -- what the screen shows ------------------------------------------------------------------------


def rounds(decision: Decision) -> list[LegalityReview]:
    """Every round of the review, oldest first (a return or an opinion ends a round)."""
    return list(
        db.session.scalars(
            sa.select(LegalityReview)
            .where(LegalityReview.decision_id == decision.id)
            .order_by(LegalityReview.round)
        ).all()
    )


@dataclass(frozen=True)
class LegalityChecks:
    submission: list[RuleViolation]  # entering legality review (PROC-28a, PROC-29a/b, RISK)
    opinion: list[RuleViolation]  # the opinion as a basis for the meeting (PROC-28b..e, 30a)
    points: list[RuleViolation]  # PROC-33b


def checks(decision: Decision) -> LegalityChecks:
    """What the legality screen shows as met or not met (display only)."""
    facts = procedure.build_facts(decision)
    lr = procedure.legality_review(decision)
    return LegalityChecks(
        submission=gates.legality_submission_violations(facts),
        opinion=gates.legality_completion_violations(facts) if lr else [],
        points=gates.opinion_point_violations(facts),
    )


LEGALITY_GROUPS = (
    RecordGroup.LEGALITY_SUBMISSION,
    RecordGroup.LEGALITY_SUPPLEMENT,
    RecordGroup.LEGALITY_OPINION,
    RecordGroup.POINT_ADOPTION,
)


def screen_corrections(decision: Decision) -> list[Correction]:
    """The corrections of the review's records, with the values they replaced."""
    return [c for c in corrections.corrections_of(decision) if c.group in LEGALITY_GROUPS]


def adoption_locked(decision: Decision) -> bool:
    """PROC-33b: the unit's adoption of the points is locked once the collective decision
    started (it was the basis of the meeting)."""
    return procedure.build_facts(decision).started(Step.COLLECTIVE_DECISION)


# -- rounds --------------------------------------------------------------------------------------


def _open_round(lr: LegalityReview | None) -> bool:
    """A round the reviewer can still work on: submitted, not returned, no opinion yet."""
    return (
        lr is not None
        and lr.submitted_on is not None
        and not lr.returned
        and lr.opinion_issued_on is None
    )


def _no_open_round() -> RuleViolation:
    return _v(
        "",
        N_("There is no submission under review: the unit must submit (or resubmit) first."),
        "submitted_on",
    )


def _round_end(lr: LegalityReview) -> date | None:
    """The day a round ended: its return (A13) or its opinion (A11)."""
    if lr.returned:
        return lr.returned_on or lr.submitted_on
    return lr.opinion_issued_on


def _previous_round(decision: Decision, lr: LegalityReview) -> LegalityReview | None:
    return db.session.scalar(
        sa.select(LegalityReview)
        .where(LegalityReview.decision_id == decision.id, LegalityReview.round < lr.round)
        .order_by(LegalityReview.round.desc())
        .limit(1)
    )


def _submission_date_violations(
    decision: Decision, day: date, previous: LegalityReview | None, now: datetime
) -> list[RuleViolation]:
    """PROC-31a / A12: the clock starts at the complete submission, a day that has happened,
    after the unit's collective discussion passed the draft (PROC-28a) and after the previous
    round ended (A13: a resubmission starts a fresh clock; it cannot be backdated into the
    earlier round)."""
    out = not_future("submitted_on", day, now, "PROC-31a")
    # PROC-28a: the unit's legal review and collective discussion come before the submission
    out += not_before("submitted_on", day, decision.internal_discussion_on, "PROC-28a")
    if previous is not None:
        # PROC-31a / A13: a new round's clock starts after the previous round ended
        out += not_before("submitted_on", day, _round_end(previous), "PROC-31a")
    return out


def submit_legality(
    decision: Decision,
    data: SubmissionInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> LegalityReview:
    """The unit submits for legality review (PROC-29a). After a return (退回) or an issued
    opinion a submission starts a new round with a fresh 7-working-day clock (A13, A11).

    In an open round the unit may complete the materials; the submission date itself is
    locked (the legality review department corrects it: ``correct_submission_date``)."""
    lr = procedure.legality_review(decision)
    materials = sorted(set(data.materials))
    new_round = lr is None or lr.returned or lr.opinion_issued_on is not None
    if new_round:
        refuse(_submission_date_violations(decision, data.submitted_on, lr, now))
        record = LegalityReview(decision_id=decision.id, round=(lr.round + 1) if lr else 1)
        action = "legality.submit"
    else:
        assert lr is not None
        record = lr
        action = "legality.submission_update"
    # A changed date of an open round is refused by the lock (PROC-39a): the clock runs.
    update_record(
        record,
        {"submitted_on": data.submitted_on, "materials": materials},
        action=action,
        **_audit_kw(decision, actor, now, ip),
    )
    return record


def correct_submission_date(
    decision: Decision,
    submitted_on: date,
    *,
    correction: str,
    actor,
    now: datetime,
    ip: str = "",
) -> LegalityReview:
    """The legality review department corrects the date it received the complete materials
    (PROC-31a / A12), with a reason; the earlier date stays on record."""
    lr = procedure.legality_review(decision)
    if lr is None or lr.submitted_on is None:
        refuse([_no_open_round()])
    assert lr is not None
    out = _submission_date_violations(decision, submitted_on, _previous_round(decision, lr), now)
    later = [
        *(p.requested_on for p in lr.pauses),
        *(o.given_on for o in lr.adviser_opinions),
        *([lr.opinion_issued_on] if lr.opinion_issued_on else []),
        *([lr.returned_on] if lr.returned_on else []),
    ]
    if later and submitted_on > min(later):
        out.append(
            _v(
                "",
                N_("The submission cannot be later than the review's own records (%(day)s)."),
                "submitted_on",
                day=min(later),
            )
        )
    refuse(out)
    update_record(
        lr,
        {"submitted_on": submitted_on},
        action="legality.submission_update",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
    return lr


# -- supplements (PROC-29c) ----------------------------------------------------------------------


def add_pause(
    decision: Decision, data: SupplementRequest, *, actor, now: datetime, ip: str = ""
) -> LegalityPause:
    """PROC-29c 限期补送: the clock stops from the request until the supplement arrives."""
    lr = procedure.legality_review(decision)
    out = []
    if not _open_round(lr):
        out.append(_no_open_round())
    else:
        assert lr is not None and lr.submitted_on is not None
        # PROC-29c: the request stops the clock on a day that has happened
        out += not_future("requested_on", data.requested_on, now, "PROC-29c")
        if data.requested_on < lr.submitted_on:
            out.append(_v("", N_("The request cannot precede the submission."), "requested_on"))
        if data.due_on is not None and data.due_on < data.requested_on:
            out.append(_v("", N_("The due date cannot precede the request."), "due_on"))
        if any(p.received_on is None for p in lr.pauses):
            # PROC-29c: one outstanding supplement request at a time
            out.append(
                _v(
                    "PROC-29c",
                    N_("A requested supplement is still outstanding."),
                    "requested_on",
                )
            )
        latest = max((p.received_on for p in lr.pauses if p.received_on), default=None)
        if latest is not None and data.requested_on < latest:
            out.append(
                _v(
                    "PROC-29c",
                    N_("This date cannot be before %(day)s."),
                    "requested_on",
                    day=latest,
                )
            )
    refuse(out)
    assert lr is not None
    pause = LegalityPause(review_id=lr.id)
    update_record(
        pause,
        {"requested_on": data.requested_on, "due_on": data.due_on, "what": data.what.strip()},
        action="legality.pause",
        **_audit_kw(decision, actor, now, ip),
    )
    return pause


def receive_supplement(
    decision: Decision,
    pause: LegalityPause,
    received_on: date,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """PROC-29c: the supplement arrived; the clock runs again. Locked once recorded (the
    legality review department corrects it with a reason)."""
    # PROC-29c: the receipt restarts the clock on a day that has happened
    out = not_future("received_on", received_on, now, "PROC-29c")
    if received_on < pause.requested_on:
        out.append(
            _v("", N_("The supplement cannot arrive before it was requested."), "received_on")
        )
    lr = pause.review
    if lr is not None and lr.opinion_issued_on is not None and received_on > lr.opinion_issued_on:
        out.append(
            _v("", N_("The supplement cannot arrive after the opinion was issued."), "received_on")
        )
    refuse(out)
    update_record(
        pause,
        {"received_on": received_on},
        action="legality.supplement_received",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )


# -- the review ----------------------------------------------------------------------------------


def add_adviser_opinion(
    decision: Decision, data: AdviserOpinionInput, *, actor, now: datetime, ip: str = ""
) -> LegalAdviserOpinion:
    """PROC-30a / A15: a legal adviser's or public lawyer's opinion, given during the review
    (after the submission, not in the future, before the department's opinion)."""
    lr = procedure.legality_review(decision)
    out = [] if _open_round(lr) else [_no_open_round()]
    if not out:
        assert lr is not None and lr.submitted_on is not None
        # PROC-30a: the advisers' opinions are given during the review, on a day that has been
        out += not_future("given_on", data.given_on, now, "PROC-30a")
        out += not_before("given_on", data.given_on, lr.submitted_on, "PROC-30a")
    refuse(out)
    assert lr is not None
    row = LegalAdviserOpinion(review_id=lr.id)
    update_record(
        row,
        {
            "role": data.role,
            "name": data.name.strip(),
            "given_on": data.given_on,
            "opinion": data.opinion.strip(),
        },
        action="legality.adviser_opinion",
        **_audit_kw(decision, actor, now, ip),
    )
    return row


OPINION_FIELDS = (
    "opinion_kind",
    "opinion_issued_on",
    "outcome",
    "opinion_text",
    "legal_risk_statement",
)


def issue_legality_opinion(
    decision: Decision,
    data: LegalityOpinionInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> LegalityReview:
    """The legality review department's opinion (PROC-28c, PROC-30a, PROC-29c, PROC-28e, A11).

    Once issued the opinion is locked (PROC-39a): posting the form again in the same round is
    refused, unless the department corrects it with ``correction`` (the reason); the issued
    text stays on record next to the correction. The A11 confirmation and the PROC-31a
    override reason may still be added after the opinion, until the meeting starts."""
    lr = procedure.legality_review(decision)
    out: list[RuleViolation] = []
    if lr is None or lr.submitted_on is None or lr.returned:
        out.append(_no_open_round())
        refuse(out)
    assert lr is not None and lr.submitted_on is not None
    issued = lr.opinion_issued_on is not None
    if not issued and any(p.received_on is None for p in lr.pauses):
        # PROC-29c: a requested supplement is outstanding; the review is paused
        out.append(
            _v(
                "PROC-29c",
                N_("A requested supplement has not been received; the review clock is paused."),
                "supplement_received_at",
            )
        )
    day = data.opinion_issued_on
    # PROC-33a: the department records the date it issued the opinion; it has happened
    out += not_future("opinion_issued_on", day, now, "PROC-33a")
    if day < lr.submitted_on:
        out.append(
            _v("", N_("The opinion cannot be dated before the submission."), "opinion_issued_on")
        )
    received = max((p.received_on for p in lr.pauses if p.received_on), default=None)
    if received is not None and day < received:
        # PROC-29c: the opinion follows the supplement it waited for
        out += not_before("opinion_issued_on", day, received, "PROC-29c")
    advised = max((o.given_on for o in lr.adviser_opinions), default=None)
    # PROC-30a: the advisers' opinions come before the department's opinion
    out += not_before("opinion_issued_on", day, advised, "PROC-30a")
    if data.opinion_kind is LegalityOpinionKind.LEGALITY_OPINION and not lr.adviser_opinions:
        # PROC-30a / A15: at least one legal adviser or public lawyer opinion first
        out.append(
            _v(
                "PROC-30a",
                N_("Record a legal adviser's or public lawyer's opinion before the opinion."),
                "legal_adviser_opinions",
            )
        )
    outcome = data.outcome
    needs_statement = outcome is LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED or (
        outcome is LegalityOutcome.UNLAWFUL and decision.is_exploratory_reform
    )
    if needs_statement and not present(data.legal_risk_statement):
        # PROC-28e: exploratory reform items state the legal risks explicitly
        out.append(
            _v(
                "PROC-28e",
                N_("An exploratory reform item needs an explicit legal risk statement."),
                "legal_risk_statement",
            )
        )
    if outcome is LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED and not (
        decision.is_exploratory_reform
    ):
        # PROC-28e: this outcome applies to items flagged as exploratory reform
        out.append(
            _v(
                "PROC-28e",
                N_("The item is not flagged as an exploratory reform."),
                "outcome",
            )
        )
    refuse(out)
    changes = {
        "opinion_kind": data.opinion_kind,
        "opinion_issued_on": day,
        "outcome": outcome,
        "opinion_text": data.opinion_text.strip(),
        "legal_risk_statement": data.legal_risk_statement.strip(),
        "no_substantive_change_confirmed": data.no_substantive_change_confirmed,
        "meeting_override_reason": data.meeting_override_reason.strip(),
    }
    if not issued:
        changes |= {
            "reviewed_draft_version": procedure.draft_version(decision),  # A11
            "reviewer_id": getattr(actor, "id", None),
        }
    # An issued opinion is locked: a changed opinion field is refused (PROC-39a) unless this
    # is a correction by the legality review department with its reason.
    update_record(
        lr,
        changes,
        action="legality.opinion",
        correction=correction if issued else None,
        **_audit_kw(decision, actor, now, ip),
    )
    return lr


def return_submission(
    decision: Decision, data: ReturnInput, *, actor, now: datetime, ip: str = ""
) -> LegalityReview:
    """PROC-29c / A13 退回: the review ends; a resubmission starts a new round, after this day."""
    lr = procedure.legality_review(decision)
    out = [] if _open_round(lr) else [_no_open_round()]
    if not present(data.reason):
        # PROC-29c: a return states why the materials do not meet the requirements
        out.append(
            _v("PROC-29c", N_("Give the reason for returning the materials."), "returned_reason")
        )
    if lr is not None and lr.submitted_on is not None:
        # PROC-29c / A13: the return ends the round's clock on a day that has happened
        out += not_future("returned_on", data.returned_on, now, "PROC-29c")
        out += not_before("returned_on", data.returned_on, lr.submitted_on, "PROC-29c")
    refuse(out)
    assert lr is not None
    update_record(
        lr,
        {"returned": True, "returned_reason": data.reason.strip(), "returned_on": data.returned_on},
        action="legality.return",
        **_audit_kw(decision, actor, now, ip),
    )
    return lr


def add_opinion_point(
    decision: Decision, text: str, *, actor, now: datetime, ip: str = ""
) -> LegalityOpinionPoint:
    """PROC-33b: one point of the opinion, for the unit to adopt or explain. The points are
    part of the opinion: they are recorded before it is issued (then they are locked)."""
    lr = procedure.legality_review(decision)
    ok = lr is not None and lr.submitted_on is not None and not lr.returned
    refuse([] if ok else [_no_open_round()])
    assert lr is not None
    if lr.opinion_issued_on is not None:
        # PROC-39a: the issued opinion, its points included, is not changed in place
        refuse([locked_violation(Lock(RecordGroup.LEGALITY_OPINION, lr.opinion_issued_on), "text")])
    point = LegalityOpinionPoint(review_id=lr.id)
    update_record(
        point,
        {"text": text.strip()},
        action="legality.point_add",
        **_audit_kw(decision, actor, now, ip),
    )
    return point


def record_point_adoption(
    decision: Decision,
    point: LegalityOpinionPoint,
    data: PointAdoptionInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """PROC-33b: every point not adopted is explained in writing to the decision organ. Locked
    once the collective decision started (the unit corrects it with a reason)."""
    if data.adoption is AdoptionStatus.NOT_ADOPTED and not present(data.explanation):
        # PROC-33b: a point not adopted needs a written explanation
        refuse(
            [
                _v(
                    "PROC-33b",
                    N_("Explain in writing why this point of the legality opinion is not adopted."),
                    "explanation",
                )
            ]
        )
    update_record(
        point,
        {"adoption": data.adoption, "explanation": data.explanation.strip()},
        action="legality.point_adoption",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )
