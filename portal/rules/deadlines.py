"""Every computable [DEADLINE] rule as a pure function of dates and a :class:`WorkCalendar`.

Nothing here reads a clock: callers pass ``today``/``now``. Counting conventions (rules.md 0, A2):

* "不少于 N 日" (not less than N days) is inclusive of N: ``end - start >= N`` calendar days,
  counted from the first full day after the start day.
* "within N 日 from X" excludes day X; if the last day is not a working day it moves to the next
  working day (Civil Code Art. 201/203).
* "N 个工作日" counts working days of the calendar (the start day excluded).
* Fixed dates such as "3月31日前" / "一月底之前" are inclusive and do not move (A3).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.rules.errors import N_, RuleViolation
from portal.rules.workdays import DEFAULT_CALENDAR, ONE_DAY, Deadline, WorkCalendar, local_date

COMMENT_PERIOD_DAYS = 30  # PROC-17b / PART-7c
SYMPOSIUM_MATERIALS_WORKING_DAYS = 3  # PART-8b
HEARING_MATERIALS_DAYS = 7  # PROC-19c / PART-12c
LEGALITY_REVIEW_WORKING_DAYS = 7  # PROC-31a
DECISION_FILING_DAYS = 30  # PROC-38a
CATALOG_ADJUSTMENT_FILING_WORKING_DAYS = 10  # CAT-16c
EXPERT_TERM_YEARS = 3  # EXP-11a
EXPERT_MATERIALS_WARNING_WORKING_DAYS = 3  # A19 (warning only)

DateLike = date | datetime


def _cal(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else DEFAULT_CALENDAR


def is_overdue(due: date | Deadline, done_on: DateLike | None, today: DateLike) -> bool:
    """A "by ``due`` (inclusive)" duty is overdue when it was done late, or is still undone
    after ``due``."""
    due_date = due.due if isinstance(due, Deadline) else due
    if done_on is not None:
        return local_date(done_on) > due_date
    return local_date(today) > due_date


# -- A1: deadlines computed across a year without a complete holiday schedule ---------------------


def calendar_warning(deadline: Deadline | None) -> RuleViolation | None:
    """A1: the warning a working-day deadline carries when it was computed across a year whose
    holiday schedule is not known (the library lacks it and no official marked the year's
    overrides complete): working days there are counted Monday to Friday, so the day may move.

    A warning, not a refusal: it cites the deadline's own rule (e.g. PART-8b, CAT-16c)."""
    if deadline is None or not deadline.uncertain:
        return None
    years = ", ".join(str(y) for y in deadline.unknown_years) or "?"
    return RuleViolation(
        deadline.rule,
        N_(
            "Holiday calendar unknown for %(years)s: the due date %(due)s counts working days "
            "there as Monday to Friday and may move once the year's holiday schedule is marked "
            "complete."
        ),
        years=years,
        due=deadline.due.isoformat(),
    )


def calendar_warnings(deadlines: Iterable[Deadline | None]) -> list[RuleViolation]:
    """A1: :func:`calendar_warning` of every uncertain deadline given."""
    return [w for w in (calendar_warning(d) for d in deadlines) if w is not None]


# -- PROC-17b / PROC-17c / PART-7c / PART-7d: open comment period ------------------------------


def comment_period_days(opens_on: DateLike, closes_on: DateLike) -> int:
    """PROC-17b: length of an open-comment period in calendar days.

    Counted from the first full day after publication (A2), so a draft published on 1 March and
    closing at the end of 31 March has a 30-day period.
    """
    return (local_date(closes_on) - local_date(opens_on)).days


def earliest_comment_close(opens_on: DateLike) -> date:
    """PROC-17b: the earliest closing day of a full (not shortened) comment period."""
    return local_date(opens_on) + timedelta(days=COMMENT_PERIOD_DAYS)


def comment_period_violations(
    opens_on: DateLike,
    closes_on: DateLike,
    *,
    shortened_reason: str = "",
    reason_published: bool = False,
) -> list[RuleViolation]:
    """PROC-17b/17c (= PART-7c/7d): a period under 30 days needs a reason in the notice."""
    out: list[RuleViolation] = []
    days = comment_period_days(opens_on, closes_on)
    if days < 1:
        # PROC-17b: the period must end after it opens
        out.append(
            RuleViolation(
                "PROC-17b",
                N_("The comment period must close after it opens."),
                field="closes_on",
            )
        )
        return out
    if days >= COMMENT_PERIOD_DAYS:
        return out
    if not shortened_reason.strip():
        # PROC-17b / PART-7c: generally >= 30 calendar days; shorter needs a reason (A4)
        out.append(
            RuleViolation(
                "PROC-17b",
                N_(
                    "The comment period is %(days)s days; it must be at least %(minimum)s days "
                    "unless a reason for shortening it is given."
                ),
                field="closes_on",
                days=days,
                minimum=COMMENT_PERIOD_DAYS,
            )
        )
    elif not reason_published:
        # PROC-17c / PART-7d: the shortening reason must be explained in the notice itself
        out.append(
            RuleViolation(
                "PROC-17c",
                N_("The reason for shortening the comment period must be published in the notice."),
                field="shortened_reason",
            )
        )
    return out


def check_comment_period(
    opens_on: DateLike,
    closes_on: DateLike,
    *,
    shortened_reason: str = "",
    reason_published: bool = False,
) -> None:
    for v in comment_period_violations(
        opens_on, closes_on, shortened_reason=shortened_reason, reason_published=reason_published
    ):
        raise v


# -- PART-8b: symposium materials ----------------------------------------------------------------


def symposium_materials_due(
    symposium_on: DateLike, calendar: WorkCalendar | None = None
) -> Deadline:
    """PART-8b: the last day materials may reach representatives: 3 working days before.

    For a Thursday symposium in an ordinary week this is the Monday.
    """
    cal = _cal(calendar)
    day = local_date(symposium_on)
    due = cal.add_working_days(day, -SYMPOSIUM_MATERIALS_WORKING_DAYS)
    return cal.deadline("PART-8b", day, due)


def symposium_materials_violations(
    delivered_on: Iterable[DateLike | None],
    symposium_on: DateLike,
    calendar: WorkCalendar | None = None,
) -> list[RuleViolation]:
    """PART-8b, per representative: delivered no later than :func:`symposium_materials_due`."""
    due = symposium_materials_due(symposium_on, calendar).due
    late = [d for d in delivered_on if d is None or local_date(d) > due]
    if not late:
        return []
    # PART-8b: materials >= 3 working days before the symposium
    return [
        RuleViolation(
            "PART-8b",
            N_(
                "Symposium materials must reach every representative by %(due)s (3 working days "
                "before the symposium); %(count)s did not."
            ),
            field="materials_delivered_at",
            due=due.isoformat(),
            count=len(late),
        )
    ]


# -- PROC-19c / PART-12c: hearing materials ------------------------------------------------------


def hearing_materials_due(hearing_on: DateLike) -> date:
    """PROC-19c / PART-12c: materials must reach participants at least 7 calendar days before."""
    return local_date(hearing_on) - timedelta(days=HEARING_MATERIALS_DAYS)


def hearing_materials_violations(
    delivered_on: Iterable[DateLike | None], hearing_on: DateLike
) -> list[RuleViolation]:
    due = hearing_materials_due(hearing_on)
    late = [d for d in delivered_on if d is None or local_date(d) > due]
    if not late:
        return []
    # PROC-19c / PART-12c: hearing_date - delivered_date >= 7 days
    return [
        RuleViolation(
            "PROC-19c",
            N_(
                "Hearing materials must reach every participant by %(due)s (7 days before the "
                "hearing); %(count)s did not."
            ),
            field="materials_delivered_at",
            due=due.isoformat(),
            count=len(late),
        )
    ]


# -- PROC-29c / PROC-31a: legality review time -------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """PROC-29c: a supplement request (限期补送). Review time stops from the day after
    ``requested_on`` up to and including ``received_on`` (the receipt day is, like a start day,
    not counted). ``received_on`` is None while the supplement is outstanding."""

    requested_on: date
    received_on: date | None = None
    due_on: date | None = None  # the deadline set for the supplement

    def covers(self, d: date) -> bool:
        if d <= self.requested_on:
            return False
        return self.received_on is None or d <= self.received_on


def _paused(d: date, pauses: Iterable[Pause]) -> bool:
    return any(p.covers(d) for p in pauses)


def legality_review_days_elapsed(
    submitted_on: DateLike,
    on: DateLike,
    pauses: Iterable[Pause] = (),
    calendar: WorkCalendar | None = None,
) -> int:
    """PROC-31a / PROC-29c: review working days in (submitted_on, on], minus paused days."""
    cal = _cal(calendar)
    start, end = local_date(submitted_on), local_date(on)
    pauses = tuple(pauses)
    count = 0
    d = start + ONE_DAY
    while d <= end:
        if cal.is_working_day(d) and not _paused(d, pauses):
            count += 1
        d += ONE_DAY
    return count


def legality_review_earliest_meeting(
    submitted_on: DateLike,
    pauses: Iterable[Pause] = (),
    calendar: WorkCalendar | None = None,
    *,
    working_days: int = LEGALITY_REVIEW_WORKING_DAYS,
) -> Deadline | None:
    """PROC-31a: the earliest day the decision meeting may be held.

    The 7th review working day after complete submission, with supplement pauses (PROC-29c)
    excluded (A12). ``None`` while a supplement is outstanding: the clock is stopped.
    """
    cal = _cal(calendar)
    pauses = tuple(pauses)
    if any(p.received_on is None for p in pauses):
        return None
    start = local_date(submitted_on)
    d, count = start, 0
    while count < working_days:
        d += ONE_DAY
        if cal.is_working_day(d) and not _paused(d, pauses):
            count += 1
    return cal.deadline("PROC-31a", start, d)


def legality_review_time_violations(
    submitted_on: DateLike | None,
    meeting_on: DateLike | None,
    pauses: Iterable[Pause] = (),
    calendar: WorkCalendar | None = None,
    *,
    override_reason: str = "",
) -> list[RuleViolation]:
    """PROC-31a (with PROC-29c pauses): the meeting must leave >= 7 review working days."""
    if submitted_on is None:
        # PROC-31a: the clock starts at complete submission
        return [
            RuleViolation(
                "PROC-31a",
                N_("The legality review has no recorded complete submission date."),
                field="submitted_at",
            )
        ]
    pauses = tuple(pauses)
    if any(p.received_on is None for p in pauses):
        # PROC-29c: the review clock is paused while a supplement is outstanding
        return [
            RuleViolation(
                "PROC-29c",
                N_("A requested supplement has not been received; the review clock is paused."),
                field="supplement_received_at",
            )
        ]
    if meeting_on is None:
        # PROC-31a: the meeting date is needed to check the review time
        return [RuleViolation("PROC-31a", N_("The meeting date is not set."), field="meeting_on")]
    earliest = legality_review_earliest_meeting(submitted_on, pauses, calendar)
    assert earliest is not None
    if local_date(meeting_on) >= earliest.due or override_reason.strip():
        return []
    elapsed = legality_review_days_elapsed(submitted_on, meeting_on, pauses, calendar)
    # PROC-31a: generally >= 7 working days after complete submission, pauses excluded (A12)
    return [
        RuleViolation(
            "PROC-31a",
            N_(
                "The meeting leaves %(days)s working days for legality review; at least "
                "%(minimum)s are required (earliest meeting day %(earliest)s) unless a reason "
                "is recorded."
            ),
            field="meeting_on",
            days=elapsed,
            minimum=LEGALITY_REVIEW_WORKING_DAYS,
            earliest=earliest.due.isoformat(),
        )
    ]


def supplement_overdue(pause: Pause, today: DateLike) -> bool:
    """PROC-29c / A13: a supplement is overdue after its due day while not received."""
    if pause.due_on is None:
        return False
    return is_overdue(pause.due_on, pause.received_on, today)


# -- PROC-38a: filing of the decision --------------------------------------------------------


def decision_filing_due(published_on: DateLike, calendar: WorkCalendar | None = None) -> Deadline:
    """PROC-38a: within 30 calendar days from publication (day of publication excluded); a last
    day that is not a working day moves to the next working day (Civil Code Art. 201/203)."""
    cal = _cal(calendar)
    start = local_date(published_on)
    due = cal.roll_forward(start + timedelta(days=DECISION_FILING_DAYS))
    return cal.deadline("PROC-38a", start, due)


def decision_filing_violations(
    published_on: DateLike, filed_on: DateLike | None, today: DateLike, calendar=None
) -> list[RuleViolation]:
    """PROC-38a: filed late, or still unfiled after the due day (an overdue alert)."""
    due = decision_filing_due(published_on, calendar)
    if not is_overdue(due, filed_on, today):
        return []
    # PROC-38a: filing within 30 days of publication
    return [
        RuleViolation(
            "PROC-38a",
            N_("The decision had to be filed with the higher government by %(due)s."),
            field="filed_at",
            due=due.due.isoformat(),
        )
    ]


# -- CAT-16c: filing of an adjusted catalog --------------------------------------------------


def catalog_adjustment_filing_due(
    published_on: DateLike, calendar: WorkCalendar | None = None
) -> Deadline:
    """CAT-16c: within 10 working days from publication of the adjusted catalog."""
    cal = _cal(calendar)
    start = local_date(published_on)
    return cal.deadline(
        "CAT-16c", start, cal.add_working_days(start, CATALOG_ADJUSTMENT_FILING_WORKING_DAYS)
    )


def catalog_adjustment_filing_violations(
    published_on: DateLike, filed_on: DateLike | None, today: DateLike, calendar=None
) -> list[RuleViolation]:
    due = catalog_adjustment_filing_due(published_on, calendar)
    if not is_overdue(due, filed_on, today):
        return []
    # CAT-16c: filing within 10 working days of publication
    return [
        RuleViolation(
            "CAT-16c",
            N_("The adjusted catalog had to be filed by %(due)s (10 working days)."),
            field="filed_at",
            due=due.due.isoformat(),
        )
    ]


# -- PROC-4a, CAT-6a/6c/6d, CAT-8b: the annual catalog ----------------------------------------


@dataclass(frozen=True)
class CatalogDeadlines:
    """Fixed annual dates, all inclusive (A3)."""

    year: int
    window_opens: date  # PROC-4a / CAT-6a: Q1 starts 1 January
    submissions_due: date  # CAT-8b: department submissions by 31 January
    determined_by: date  # PROC-4a / CAT-6a: determined within Q1
    published_by: date  # CAT-6c: published by end of March
    filed_by: date  # CAT-6d: filed by 31 March


def catalog_deadlines(year: int) -> CatalogDeadlines:
    return CatalogDeadlines(
        year=year,
        window_opens=date(year, 1, 1),
        submissions_due=date(year, 1, 31),
        determined_by=date(year, 3, 31),
        published_by=date(year, 3, 31),
        filed_by=date(year, 3, 31),
    )


def catalog_deadline_violations(
    year: int,
    today: DateLike,
    *,
    submissions_completed_on: DateLike | None = None,
    determined_on: DateLike | None = None,
    published_on: DateLike | None = None,
    filed_on: DateLike | None = None,
) -> list[RuleViolation]:
    """PROC-4a, CAT-6a, CAT-6c, CAT-6d and CAT-8b for one year's catalog."""
    dl = catalog_deadlines(year)
    out: list[RuleViolation] = []
    if is_overdue(dl.submissions_due, submissions_completed_on, today):
        # CAT-8b: department submissions completed by the end of January (inclusive, A3)
        out.append(
            RuleViolation(
                "CAT-8b",
                N_("Department submissions for the %(year)s catalog were due by %(due)s."),
                field="submissions_completed_on",
                year=year,
                due=dl.submissions_due.isoformat(),
            )
        )
    if determined_on is not None and local_date(determined_on) < dl.window_opens:
        # PROC-4a / CAT-6a: the catalog is determined in the first quarter of its own year
        out.append(
            RuleViolation(
                "CAT-6a",
                N_("The %(year)s catalog must be determined in the first quarter of %(year)s."),
                field="determined_on",
                year=year,
            )
        )
    elif is_overdue(dl.determined_by, determined_on, today):
        # PROC-4a / CAT-6a: determined within Q1 (1 Jan - 31 Mar)
        out.append(
            RuleViolation(
                "CAT-6a",
                N_("The %(year)s catalog had to be determined in the first quarter (by %(due)s)."),
                field="determined_on",
                year=year,
                due=dl.determined_by.isoformat(),
            )
        )
    if is_overdue(dl.published_by, published_on, today):
        # CAT-6c: published by the end of March (inclusive, A3)
        out.append(
            RuleViolation(
                "CAT-6c",
                N_("The %(year)s catalog had to be published by %(due)s."),
                field="published_on",
                year=year,
                due=dl.published_by.isoformat(),
            )
        )
    if is_overdue(dl.filed_by, filed_on, today):
        # CAT-6d: filed with the higher government by 31 March (inclusive, A3)
        out.append(
            RuleViolation(
                "CAT-6d",
                N_("The %(year)s catalog had to be filed by %(due)s."),
                field="filed_on",
                year=year,
                due=dl.filed_by.isoformat(),
            )
        )
    return out


# -- EXP-11a: expert terms -------------------------------------------------------------------


def expert_term_end(term_start: DateLike) -> date:
    """EXP-11a: a term lasts 3 years from the certificate (A23); the member expires on this day.

    A term starting on 29 February ends on 28 February.
    """
    start = local_date(term_start)
    year = start.year + EXPERT_TERM_YEARS
    last = _stdlib_calendar.monthrange(year, start.month)[1]
    return date(year, start.month, min(start.day, last))


def expert_term_active(term_start: DateLike | None, on: DateLike) -> bool:
    """EXP-11a: whether a member appointed on ``term_start`` is in term on ``on``."""
    if term_start is None:
        return False
    day = local_date(on)
    return local_date(term_start) <= day < expert_term_end(term_start)


# -- SUP-7b / SUP-7c (A29): supervision rhythm ------------------------------------------------


def monthly_tracking_due(year: int, month: int, calendar: WorkCalendar | None = None) -> Deadline:
    """SUP-7b / A29: the monthly tracking entry is due by the month's last working day."""
    cal = _cal(calendar)
    last = date(year, month, _stdlib_calendar.monthrange(year, month)[1])
    due = last if cal.is_working_day(last) else cal.previous_working_day(last)
    return cal.deadline("SUP-7b", date(year, month, 1), due)


def year_end_assessment_due(year: int) -> date:
    """SUP-7c / A29: the year-end assessment is due by 31 December."""
    return date(year, 12, 31)
