"""Both sides of every deadline boundary (rules.md [DEADLINE] rules)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import deadlines as dl
from portal.rules.deadlines import Pause
from portal.rules.errors import RuleViolation
from portal.rules.workdays import WorkCalendar

CAL = WorkCalendar()
UNKNOWN_YEAR = max(d.year for d in chinese_calendar.holidays) + 1


def rules(violations: list[RuleViolation]) -> list[str]:
    return [v.rule for v in violations]


# -- PROC-17b / PROC-17c / PART-7c / PART-7d ------------------------------------------------


def test_comment_period_of_30_days_passes_without_reason():
    # PROC-17b / PART-7c: published 1 March, closes 31 March
    assert dl.comment_period_days(date(2026, 3, 1), date(2026, 3, 31)) == 30
    assert dl.comment_period_violations(date(2026, 3, 1), date(2026, 3, 31)) == []
    assert dl.earliest_comment_close(date(2026, 3, 1)) == date(2026, 3, 31)


def test_comment_period_of_29_days_is_refused_without_reason():
    # PROC-17b / PART-7c
    found = dl.comment_period_violations(date(2026, 3, 1), date(2026, 3, 30))
    assert rules(found) == ["PROC-17b"]
    assert found[0].params == {"days": 29, "minimum": 30}
    with pytest.raises(RuleViolation) as exc:
        dl.check_comment_period(date(2026, 3, 1), date(2026, 3, 30))
    assert exc.value.rule == "PROC-17b"
    assert "29" in exc.value.render()


def test_shortened_comment_period_needs_the_reason_published_in_the_notice():
    # PROC-17c / PART-7d: a reason alone is not enough; it must be in the notice
    found = dl.comment_period_violations(
        date(2026, 3, 1), date(2026, 3, 16), shortened_reason="防汛工作紧急"
    )
    assert rules(found) == ["PROC-17c"]
    assert (
        dl.comment_period_violations(
            date(2026, 3, 1),
            date(2026, 3, 16),
            shortened_reason="防汛工作紧急",
            reason_published=True,
        )
        == []
    )


def test_blank_shortening_reason_does_not_count():
    # PROC-17b / A4: a reason must be non-blank
    found = dl.comment_period_violations(
        date(2026, 3, 1), date(2026, 3, 16), shortened_reason="   ", reason_published=True
    )
    assert rules(found) == ["PROC-17b"]


def test_comment_period_closing_before_it_opens_is_refused_even_with_reason():
    # PROC-17b
    found = dl.comment_period_violations(
        date(2026, 3, 1), date(2026, 3, 1), shortened_reason="x", reason_published=True
    )
    assert rules(found) == ["PROC-17b"]


def test_comment_period_counts_calendar_days_across_national_day():
    # PROC-17b: 日 are calendar days, holidays included
    assert dl.comment_period_violations(date(2026, 9, 20), date(2026, 10, 20)) == []


# -- PART-8b ------------------------------------------------------------------------------------


def test_symposium_materials_three_working_days_before_pass_and_two_are_refused():
    # PART-8b: Thursday 12 March 2026 symposium -> deliver by Monday 9 March
    assert dl.symposium_materials_due(date(2026, 3, 12), CAL).due == date(2026, 3, 9)
    assert dl.symposium_materials_violations([date(2026, 3, 9)], date(2026, 3, 12), CAL) == []
    late = dl.symposium_materials_violations(
        [date(2026, 3, 9), date(2026, 3, 10)], date(2026, 3, 12), CAL
    )
    assert rules(late) == ["PART-8b"]
    assert late[0].params["count"] == 1


def test_symposium_materials_deadline_skips_national_day_and_counts_make_up_saturday():
    # PART-8b: Monday 12 Oct 2026 <- Sat 10 Oct (make-up, 1) <- Fri 9 (2) <- Thu 8 (3)
    assert dl.symposium_materials_due(date(2026, 10, 12), CAL).due == date(2026, 10, 8)
    assert dl.symposium_materials_violations([date(2026, 10, 8)], date(2026, 10, 12), CAL) == []
    assert rules(
        dl.symposium_materials_violations([date(2026, 10, 9)], date(2026, 10, 12), CAL)
    ) == ["PART-8b"]


def test_symposium_materials_never_delivered_are_late():
    # PART-8b
    assert rules(dl.symposium_materials_violations([None], date(2026, 3, 12), CAL)) == ["PART-8b"]


# -- PROC-19c / PART-12c ----------------------------------------------------------------------


def test_hearing_materials_seven_days_before_pass_and_six_are_refused():
    # PROC-19c / PART-12c: hearing_date - delivered_date >= 7 calendar days
    hearing = date(2026, 10, 8)
    assert dl.hearing_materials_due(hearing) == date(2026, 10, 1)  # a holiday still counts
    assert dl.hearing_materials_violations([date(2026, 10, 1)], hearing) == []
    late = dl.hearing_materials_violations([date(2026, 10, 1), date(2026, 10, 2)], hearing)
    assert rules(late) == ["PROC-19c"]
    assert late[0].params == {"due": "2026-10-01", "count": 1}


# -- PROC-31a / PROC-29c --------------------------------------------------------------------


def test_legality_review_seven_working_days_pass_and_six_are_refused():
    # PROC-31a: submitted Tue 29 Sep 2026; 9-30, 10-08, 10-09, 10-10 (make-up), 10-12,
    # 10-13, 10-14 -> the 7th working day is 14 October
    submitted = date(2026, 9, 29)
    assert dl.legality_review_earliest_meeting(submitted, (), CAL).due == date(2026, 10, 14)
    assert dl.legality_review_time_violations(submitted, date(2026, 10, 14), (), CAL) == []
    assert dl.legality_review_days_elapsed(submitted, date(2026, 10, 13), (), CAL) == 6
    found = dl.legality_review_time_violations(submitted, date(2026, 10, 13), (), CAL)
    assert rules(found) == ["PROC-31a"]
    assert found[0].params["days"] == 6
    assert found[0].params["earliest"] == "2026-10-14"


def test_legality_review_early_meeting_passes_with_an_override_reason():
    # PROC-31a / A4 / A12: "generally" -> an override with a recorded reason
    found = dl.legality_review_time_violations(
        date(2026, 9, 29), date(2026, 10, 13), (), CAL, override_reason="上级督办，限期出台"
    )
    assert found == []


def test_supplement_pause_extends_the_legality_review():
    # PROC-29c / PROC-31a: requested 30 Sep, received 9 Oct: 1-9 Oct do not count
    pause = Pause(date(2026, 9, 30), date(2026, 10, 9))
    submitted = date(2026, 9, 29)
    assert dl.legality_review_earliest_meeting(submitted, (pause,), CAL).due == date(2026, 10, 16)
    assert dl.legality_review_time_violations(submitted, date(2026, 10, 16), (pause,), CAL) == []
    refused = dl.legality_review_time_violations(submitted, date(2026, 10, 15), (pause,), CAL)
    assert rules(refused) == ["PROC-31a"]
    assert refused[0].params["days"] == 6


def test_outstanding_supplement_stops_the_clock():
    # PROC-29c: no earliest date while the supplement is outstanding
    pause = Pause(date(2026, 9, 30))
    assert dl.legality_review_earliest_meeting(date(2026, 9, 29), (pause,), CAL) is None
    found = dl.legality_review_time_violations(date(2026, 9, 29), date(2026, 12, 1), (pause,), CAL)
    assert rules(found) == ["PROC-29c"]


def test_supplement_overdue_after_its_due_day_only():
    # PROC-29c / A13
    pause = Pause(date(2026, 3, 2), due_on=date(2026, 3, 9))
    assert not dl.supplement_overdue(pause, date(2026, 3, 9))
    assert dl.supplement_overdue(pause, date(2026, 3, 10))
    received = Pause(date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 9))
    assert not dl.supplement_overdue(received, date(2026, 4, 1))
    assert not dl.supplement_overdue(Pause(date(2026, 3, 2)), date(2026, 4, 1))


def test_legality_review_needs_a_submission_and_a_meeting_date():
    # PROC-31a
    assert rules(dl.legality_review_time_violations(None, date(2026, 3, 1))) == ["PROC-31a"]
    assert rules(dl.legality_review_time_violations(date(2026, 3, 1), None)) == ["PROC-31a"]


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 30)),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=0, max_value=12),
)
def test_a_pause_never_brings_the_earliest_meeting_forward(submitted, start, length):
    requested = submitted + timedelta(days=start)
    pause = Pause(requested, requested + timedelta(days=length))
    plain = dl.legality_review_earliest_meeting(submitted, (), CAL).due
    paused = dl.legality_review_earliest_meeting(submitted, (pause,), CAL).due
    assert paused >= plain
    assert dl.legality_review_days_elapsed(submitted, paused, (pause,), CAL) == 7


# -- PROC-38a ---------------------------------------------------------------------------------


def test_decision_filing_due_30_days_after_publication():
    # PROC-38a: published 10 March 2026 -> due 9 April (a Thursday)
    due = dl.decision_filing_due(date(2026, 3, 10), CAL)
    assert due.due == date(2026, 4, 9)
    assert not due.uncertain
    assert (
        dl.decision_filing_violations(date(2026, 3, 10), date(2026, 4, 9), date(2026, 5, 1)) == []
    )
    late = dl.decision_filing_violations(date(2026, 3, 10), date(2026, 4, 10), date(2026, 5, 1))
    assert rules(late) == ["PROC-38a"]


def test_decision_filing_due_on_national_day_moves_to_the_next_working_day():
    # PROC-38a / A2: 1 Sep + 30 = 1 Oct (holiday) -> Thursday 8 Oct 2026
    assert dl.decision_filing_due(date(2026, 9, 1), CAL).due == date(2026, 10, 8)
    assert (
        dl.decision_filing_violations(date(2026, 9, 1), date(2026, 10, 8), date(2026, 10, 9)) == []
    )
    assert rules(
        dl.decision_filing_violations(date(2026, 9, 1), date(2026, 10, 9), date(2026, 10, 9))
    ) == ["PROC-38a"]


def test_unfiled_decision_is_overdue_only_after_the_due_day():
    # PROC-38a
    assert dl.decision_filing_violations(date(2026, 3, 10), None, date(2026, 4, 9)) == []
    assert rules(dl.decision_filing_violations(date(2026, 3, 10), None, date(2026, 4, 10))) == [
        "PROC-38a"
    ]


def test_decision_filing_due_in_an_unknown_year_is_flagged_uncertain():
    # PROC-38a: computed in a year chinese_calendar does not cover
    due = dl.decision_filing_due(date(UNKNOWN_YEAR - 1, 12, 15), CAL)
    assert due.uncertain
    # A1 (issue 11): an override alone does not make the year known; marking it complete does
    with_overrides = WorkCalendar({date(UNKNOWN_YEAR, 1, 1): False})
    assert dl.decision_filing_due(date(UNKNOWN_YEAR - 1, 12, 15), with_overrides).uncertain
    complete = WorkCalendar({date(UNKNOWN_YEAR, 1, 1): False}, complete_years=[UNKNOWN_YEAR])
    assert not dl.decision_filing_due(date(UNKNOWN_YEAR - 1, 12, 15), complete).uncertain


# -- CAT-16c --------------------------------------------------------------------------------


def test_catalog_adjustment_filing_within_10_working_days_over_national_day():
    # CAT-16c: published Mon 28 Sep 2026 -> due Fri 16 Oct (make-up Saturday counted)
    assert dl.catalog_adjustment_filing_due(date(2026, 9, 28), CAL).due == date(2026, 10, 16)
    ok = dl.catalog_adjustment_filing_violations(
        date(2026, 9, 28), date(2026, 10, 16), date(2026, 11, 1), CAL
    )
    assert ok == []
    late = dl.catalog_adjustment_filing_violations(
        date(2026, 9, 28), date(2026, 10, 19), date(2026, 11, 1), CAL
    )
    assert rules(late) == ["CAT-16c"]


def test_catalog_adjustment_filing_over_spring_festival_2026():
    # CAT-16c: 2-14 and 2-28 are make-up Saturdays; 15-23 Feb are holidays
    assert dl.catalog_adjustment_filing_due(date(2026, 2, 10), CAL).due == date(2026, 3, 2)


# -- PROC-4a, CAT-6a, CAT-6c, CAT-6d, CAT-8b --------------------------------------------------


def test_catalog_dates_are_inclusive_fixed_days():
    # CAT-6a / CAT-6c / CAT-6d / CAT-8b / A3
    d = dl.catalog_deadlines(2026)
    assert (d.window_opens, d.submissions_due) == (date(2026, 1, 1), date(2026, 1, 31))
    assert d.determined_by == d.published_by == d.filed_by == date(2026, 3, 31)


def test_catalog_published_and_filed_on_31_march_pass_and_1_april_is_late():
    # CAT-6c / CAT-6d (A3: inclusive)
    on_time = dl.catalog_deadline_violations(
        2026,
        date(2026, 4, 15),
        submissions_completed_on=date(2026, 1, 31),
        determined_on=date(2026, 3, 20),
        published_on=date(2026, 3, 31),
        filed_on=date(2026, 3, 31),
    )
    assert on_time == []
    late = dl.catalog_deadline_violations(
        2026,
        date(2026, 4, 15),
        submissions_completed_on=date(2026, 1, 31),
        determined_on=date(2026, 3, 20),
        published_on=date(2026, 4, 1),
        filed_on=date(2026, 4, 1),
    )
    assert rules(late) == ["CAT-6c", "CAT-6d"]


def test_department_submissions_on_saturday_31_january_are_on_time_and_1_february_is_late():
    # CAT-8b: 31 Jan 2026 is a Saturday; the fixed date does not move (A3)
    assert date(2026, 1, 31).weekday() == 5
    kw = {"determined_on": date(2026, 3, 1), "published_on": date(2026, 3, 2)}
    kw["filed_on"] = date(2026, 3, 2)
    assert (
        dl.catalog_deadline_violations(
            2026, date(2026, 4, 1), submissions_completed_on=date(2026, 1, 31), **kw
        )
        == []
    )
    assert rules(
        dl.catalog_deadline_violations(
            2026, date(2026, 4, 1), submissions_completed_on=date(2026, 2, 1), **kw
        )
    ) == ["CAT-8b"]


def test_catalog_determined_outside_the_first_quarter_is_refused():
    # PROC-4a / CAT-6a: within Q1 (1 Jan - 31 Mar)
    base = {
        "submissions_completed_on": date(2026, 1, 20),
        "published_on": date(2026, 3, 31),
        "filed_on": date(2026, 3, 31),
    }
    assert (
        dl.catalog_deadline_violations(
            2026, date(2026, 6, 1), determined_on=date(2026, 1, 1), **base
        )
        == []
    )
    assert rules(
        dl.catalog_deadline_violations(
            2026, date(2026, 6, 1), determined_on=date(2026, 4, 1), **base
        )
    ) == ["CAT-6a"]
    assert rules(
        dl.catalog_deadline_violations(
            2026, date(2026, 6, 1), determined_on=date(2025, 12, 31), **base
        )
    ) == ["CAT-6a"]


def test_nothing_is_overdue_before_the_catalog_deadlines():
    # CAT-6c / CAT-6d / CAT-8b: undone but not yet due
    assert dl.catalog_deadline_violations(2026, date(2026, 1, 31)) == []
    assert rules(dl.catalog_deadline_violations(2026, date(2026, 2, 1))) == ["CAT-8b"]
    assert rules(dl.catalog_deadline_violations(2026, date(2026, 4, 1))) == [
        "CAT-8b",
        "CAT-6a",
        "CAT-6c",
        "CAT-6d",
    ]


# -- EXP-11a ---------------------------------------------------------------------------------


def test_expert_term_lasts_three_years_from_the_certificate():
    # EXP-11a / A23
    assert dl.expert_term_end(date(2023, 3, 1)) == date(2026, 3, 1)
    assert dl.expert_term_active(date(2023, 3, 1), date(2026, 2, 28))
    assert not dl.expert_term_active(date(2023, 3, 1), date(2026, 3, 1))
    assert not dl.expert_term_active(date(2023, 3, 1), date(2023, 2, 28))
    assert not dl.expert_term_active(None, date(2026, 1, 1))


def test_expert_term_starting_on_29_february_ends_on_28_february():
    # EXP-11a
    assert dl.expert_term_end(date(2024, 2, 29)) == date(2027, 2, 28)


# -- SUP-7b / SUP-7c (A29) ----------------------------------------------------------------------


def test_monthly_tracking_due_on_the_last_working_day_of_the_month():
    # SUP-7b / A29: 31 Jan 2026 is a Saturday -> Friday 30 Jan; 28 Feb 2026 is a make-up Saturday
    assert dl.monthly_tracking_due(2026, 1, CAL).due == date(2026, 1, 30)
    assert dl.monthly_tracking_due(2026, 2, CAL).due == date(2026, 2, 28)
    assert dl.monthly_tracking_due(2026, 3, CAL).due == date(2026, 3, 31)


def test_year_end_assessment_due_31_december():
    # SUP-7c / A29
    assert dl.year_end_assessment_due(2026) == date(2026, 12, 31)
    assert not dl.is_overdue(dl.year_end_assessment_due(2026), None, date(2026, 12, 31))
    assert dl.is_overdue(dl.year_end_assessment_due(2026), None, date(2027, 1, 1))


# -- A1: the "holiday calendar unknown" warning travels with the deadline -------------------------


def test_a_deadline_across_an_unknown_year_carries_a_warning_citing_its_own_rule():
    cal = WorkCalendar({date(UNKNOWN_YEAR, 1, 1): False})
    due = dl.catalog_adjustment_filing_due(date(UNKNOWN_YEAR - 1, 12, 28), cal)
    w = dl.calendar_warning(due)
    assert w is not None and w.rule == "CAT-16c" and w.params["years"] == str(UNKNOWN_YEAR)
    assert w.params["due"] == due.due.isoformat()
    assert [str(x) for x in dl.calendar_warnings([due, None])] == [str(w)]
    done = WorkCalendar({date(UNKNOWN_YEAR, 1, 1): False}, complete_years=[UNKNOWN_YEAR])
    sure = dl.catalog_adjustment_filing_due(date(UNKNOWN_YEAR - 1, 12, 28), done)
    assert dl.calendar_warning(sure) is None and dl.calendar_warning(None) is None
