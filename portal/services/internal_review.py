"""The undertaking unit's own review before the legality review (PROC-28a): the preliminary
legality review by its legal office (合法性初审) and its collective discussion (集体讨论).

Each is recorded with its date, its opinion (or minutes) and its result; only "passed" lets the
draft go on (``procedure.build_facts``). Dates are never in the future and the discussion is
never before the legal review. Each record locks when its step is completed; the undertaking
unit corrects it with a reason (``records.update_record``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.models.decision import Decision
from portal.rules import records as rules
from portal.rules.enums import ReviewResult
from portal.rules.errors import refuse
from portal.rules.workdays import local_date
from portal.services.records import update_record

__all__ = ["ReviewResult"]


@dataclass(frozen=True)
class InternalLegalReviewInput:
    on: date | None
    opinion: str = ""
    result: ReviewResult | None = None


@dataclass(frozen=True)
class InternalDiscussionInput:
    on: date | None
    minutes: str = ""
    result: ReviewResult | None = None


def record_internal_legal_review(
    decision: Decision,
    data: InternalLegalReviewInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> dict:
    """PROC-28a: the legal office's preliminary legality review of the draft."""
    refuse(
        rules.internal_review_violations(
            on=data.on,
            text=data.opinion,
            result=data.result,
            today=local_date(now),
            not_after=decision.internal_discussion_on,
            date_field="internal_legal_review_on",
            text_field="internal_legal_review_opinion",
            result_field="internal_legal_review_result",
        )
    )
    return update_record(
        decision,
        {
            "internal_legal_review_on": data.on,
            "internal_legal_review_opinion": data.opinion.strip(),
            "internal_legal_review_result": data.result,
        },
        decision=decision,
        actor=actor,
        now=now,
        action="internal_review.legal_review",
        ip=ip,
        correction=correction,
    )


def record_internal_discussion(
    decision: Decision,
    data: InternalDiscussionInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> dict:
    """PROC-28a: the unit's collective discussion, after its legal office's review."""
    refuse(
        rules.internal_review_violations(
            on=data.on,
            text=data.minutes,
            result=data.result,
            today=local_date(now),
            not_before=decision.internal_legal_review_on,
            preceding_missing=decision.internal_legal_review_on is None,
            date_field="internal_discussion_on",
            text_field="internal_discussion_minutes",
            result_field="internal_discussion_result",
        )
    )
    return update_record(
        decision,
        {
            "internal_discussion_on": data.on,
            "internal_discussion_minutes": data.minutes.strip(),
            "internal_discussion_result": data.result,
        },
        decision=decision,
        actor=actor,
        now=now,
        action="internal_review.discussion",
        ip=ip,
        correction=correction,
    )


def passed(decision: Decision) -> tuple[bool, bool]:
    """PROC-28a: (legal review passed, collective discussion passed): a recorded date alone
    is not a pass."""
    return (
        decision.internal_legal_review_on is not None
        and decision.internal_legal_review_result == ReviewResult.PASSED,
        decision.internal_discussion_on is not None
        and decision.internal_discussion_result == ReviewResult.PASSED,
    )
