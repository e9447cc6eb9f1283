"""Legality review (PROC-28..33): submission, supplements, advisers, the opinion, returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from portal.models.decision import Decision
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.rules import deadlines
from portal.rules.deadlines import Pause
from portal.rules.enums import (
    AdoptionStatus,
    LegalityOpinionKind,
    LegalityOutcome,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.rules.workdays import Deadline, WorkCalendar
from portal.services import procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- legality review (PROC-28..33) ----------------------------------------------------------------


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


def submit_legality(
    decision: Decision,
    submitted_on: date,
    materials: list[str],
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> LegalityReview:
    """The unit submits for legality review (PROC-29a). After a return (退回) or an issued
    opinion a submission starts a new round with a fresh 7-working-day clock (A13, A11)."""
    lr = procedure.legality_review(decision)
    new_round = lr is None or lr.returned or lr.opinion_issued_on is not None
    if new_round:
        record = LegalityReview(decision_id=decision.id, round=(lr.round + 1) if lr else 1)
        action = "legality.submit"
    else:
        assert lr is not None
        if lr.pauses and submitted_on != lr.submitted_on:
            # PROC-29c: once supplements were requested the submission date is fixed
            refuse(
                [
                    _v(
                        "PROC-29c",
                        N_(
                            "Supplements were requested for this submission; its date cannot "
                            "change. Record the supplement's receipt instead."
                        ),
                        "submitted_on",
                    )
                ]
            )
        record = lr
        action = "legality.submission_update"
    update_record(
        record,
        {"submitted_on": submitted_on, "materials": sorted(set(materials))},
        action=action,
        **_audit_kw(decision, actor, now, ip),
    )
    return record


def add_pause(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> LegalityPause:
    """PROC-29c 限期补送: the clock stops from the request until the supplement arrives."""
    lr = procedure.legality_review(decision)
    out = []
    if not _open_round(lr):
        out.append(_no_open_round())
    else:
        assert lr is not None and lr.submitted_on is not None
        if values["requested_on"] < lr.submitted_on:
            out.append(_v("", N_("The request cannot precede the submission."), "requested_on"))
        if values.get("due_on") is not None and values["due_on"] < values["requested_on"]:
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
    refuse(out)
    assert lr is not None
    pause = LegalityPause(review_id=lr.id)
    update_record(pause, values, action="legality.pause", **_audit_kw(decision, actor, now, ip))
    return pause


def receive_supplement(
    decision: Decision, pause: LegalityPause, received_on: date, *, actor, now, ip=""
) -> None:
    if received_on < pause.requested_on:
        refuse([_v("", N_("The supplement cannot arrive before it was requested."), "received_on")])
    update_record(
        pause,
        {"received_on": received_on},
        action="legality.supplement_received",
        **_audit_kw(decision, actor, now, ip),
    )


def add_adviser_opinion(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> LegalAdviserOpinion:
    """PROC-30a / A15: a legal adviser's or public lawyer's opinion."""
    lr = procedure.legality_review(decision)
    refuse([] if _open_round(lr) else [_no_open_round()])
    assert lr is not None
    row = LegalAdviserOpinion(review_id=lr.id)
    update_record(
        row, values, action="legality.adviser_opinion", **_audit_kw(decision, actor, now, ip)
    )
    return row


def issue_legality_opinion(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> LegalityReview:
    """The legality review department's opinion (PROC-28c, PROC-30a, PROC-29c, PROC-28e, A11)."""
    lr = procedure.legality_review(decision)
    out: list[RuleViolation] = []
    if lr is None or lr.submitted_on is None or lr.returned:
        out.append(_no_open_round())
        refuse(out)
    assert lr is not None and lr.submitted_on is not None
    if any(p.received_on is None for p in lr.pauses):
        # PROC-29c: a requested supplement is outstanding; the review is paused
        out.append(
            _v(
                "PROC-29c",
                N_("A requested supplement has not been received; the review clock is paused."),
                "supplement_received_at",
            )
        )
    if values["opinion_issued_on"] < lr.submitted_on:
        out.append(
            _v("", N_("The opinion cannot be dated before the submission."), "opinion_issued_on")
        )
    if values["opinion_kind"] is LegalityOpinionKind.LEGALITY_OPINION and not lr.adviser_opinions:
        # PROC-30a / A15: at least one legal adviser or public lawyer opinion first
        out.append(
            _v(
                "PROC-30a",
                N_("Record a legal adviser's or public lawyer's opinion before the opinion."),
                "legal_adviser_opinions",
            )
        )
    outcome = values["outcome"]
    needs_statement = outcome is LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED or (
        outcome is LegalityOutcome.UNLAWFUL and decision.is_exploratory_reform
    )
    if needs_statement and not present(values.get("legal_risk_statement")):
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
        **values,
        "reviewed_draft_version": procedure.draft_version(decision),  # A11
        "reviewer_id": getattr(actor, "id", None),
    }
    update_record(lr, changes, action="legality.opinion", **_audit_kw(decision, actor, now, ip))
    return lr


def return_submission(
    decision: Decision, reason: str, *, actor, now: datetime, ip: str = ""
) -> LegalityReview:
    """PROC-29c / A13 退回: the review ends; a resubmission starts a new round."""
    lr = procedure.legality_review(decision)
    out = [] if _open_round(lr) else [_no_open_round()]
    if not present(reason):
        # PROC-29c: a return states why the materials do not meet the requirements
        out.append(
            _v("PROC-29c", N_("Give the reason for returning the materials."), "returned_reason")
        )
    refuse(out)
    assert lr is not None
    update_record(
        lr,
        {"returned": True, "returned_reason": reason.strip()},
        action="legality.return",
        **_audit_kw(decision, actor, now, ip),
    )
    return lr


def add_opinion_point(
    decision: Decision, text: str, *, actor, now: datetime, ip: str = ""
) -> LegalityOpinionPoint:
    """PROC-33b: one point of the opinion, for the unit to adopt or explain."""
    lr = procedure.legality_review(decision)
    ok = lr is not None and lr.submitted_on is not None and not lr.returned
    refuse([] if ok else [_no_open_round()])
    assert lr is not None
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
    adoption: AdoptionStatus,
    explanation: str,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """PROC-33b: every point not adopted is explained in writing to the decision organ."""
    if adoption is AdoptionStatus.NOT_ADOPTED and not present(explanation):
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
        {"adoption": adoption, "explanation": explanation.strip()},
        action="legality.point_adoption",
        **_audit_kw(decision, actor, now, ip),
    )
