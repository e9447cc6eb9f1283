"""WorkCalendar: official holidays, make-up working days, overrides, unknown years (A1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules.workdays import Deadline, WorkCalendar, library_covers, local_date

CAL = WorkCalendar()
LAST_LIBRARY_YEAR = max(d.year for d in chinese_calendar.holidays)
UNKNOWN_YEAR = LAST_LIBRARY_YEAR + 1

dates = st.dates(min_value=date(2004, 1, 1), max_value=date(LAST_LIBRARY_YEAR + 3, 12, 31))
counts = st.integers(min_value=0, max_value=40)
fast = settings(max_examples=150, deadline=None)


def test_library_data_used_in_these_tests_is_what_chinese_calendar_says():
    # verified against chinese_calendar rather than guessed
    for day in range(1, 8):
        assert chinese_calendar.is_holiday(date(2026, 10, day))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday make-up day
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday make-up day
    assert chinese_calendar.is_workday(date(2026, 2, 14))  # Saturday before Spring Festival
    assert chinese_calendar.is_workday(date(2026, 2, 28))  # Saturday after it
    assert chinese_calendar.is_holiday(date(2025, 10, 8))


def test_national_day_week_2026_is_not_working():
    assert [CAL.is_working_day(date(2026, 10, d)) for d in range(1, 8)] == [False] * 7


def test_make_up_saturday_and_sunday_are_working_days():
    assert date(2026, 10, 10).weekday() == 5
    assert CAL.is_working_day(date(2026, 10, 10))
    assert date(2026, 9, 20).weekday() == 6
    assert CAL.is_working_day(date(2026, 9, 20))


def test_ordinary_weekend_is_not_working():
    assert not CAL.is_working_day(date(2026, 3, 7))
    assert not CAL.is_working_day(date(2026, 3, 8))
    assert CAL.is_working_day(date(2026, 3, 9))


def test_next_working_day_skips_national_day_week():
    assert CAL.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)


def test_next_working_day_is_strictly_after_and_roll_forward_keeps_a_working_day():
    assert CAL.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)
    assert CAL.roll_forward(date(2026, 3, 9)) == date(2026, 3, 9)
    assert CAL.roll_forward(date(2026, 10, 1)) == date(2026, 10, 8)


def test_add_working_days_counts_the_make_up_saturday():
    # 9-29 Tue (1), 9-30 (2), 10-08 (3), 10-09 (4), 10-10 Sat make-up (5)
    assert CAL.add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)
    assert CAL.add_working_days(date(2026, 9, 28), 10) == date(2026, 10, 16)


def test_add_working_days_excludes_the_start_day_and_zero_is_the_start():
    assert CAL.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)
    assert CAL.add_working_days(date(2026, 3, 8), 0) == date(2026, 3, 8)


def test_add_negative_working_days_counts_back_over_the_holiday():
    assert CAL.add_working_days(date(2026, 10, 12), -3) == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_working_days_between_matches_chinese_calendar_over_spring_festival_2026():
    a, b = date(2026, 2, 10), date(2026, 3, 2)
    expected = len(chinese_calendar.get_workdays(a + timedelta(days=1), b))
    assert CAL.working_days_between(a, b) == expected == 10
    assert CAL.working_days_between(b, a) == -10


def test_override_turns_a_day_into_a_holiday_and_back():
    cal = WorkCalendar({date(2026, 3, 9): False, date(2026, 3, 8): True})
    assert not cal.is_working_day(date(2026, 3, 9))
    assert cal.is_working_day(date(2026, 3, 8))
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 8)


def test_year_beyond_the_library_is_unknown_and_falls_back_to_monday_to_friday():
    assert not library_covers(UNKNOWN_YEAR)
    assert not CAL.is_known_year(UNKNOWN_YEAR)
    assert CAL.is_known_year(2026)
    monday = date(UNKNOWN_YEAR, 1, 1) + timedelta(days=(7 - date(UNKNOWN_YEAR, 1, 1).weekday()) % 7)
    assert CAL.is_working_day(monday)
    assert not CAL.is_working_day(monday + timedelta(days=5))


def test_one_override_does_not_make_an_unknown_year_known():
    # A1 (issue 11): a single Spring Festival override used to mark the whole year as known
    cal = WorkCalendar({date(UNKNOWN_YEAR, 2, 8): False})
    assert not cal.is_known_year(UNKNOWN_YEAR)
    assert not cal.is_working_day(date(UNKNOWN_YEAR, 2, 8))  # the override still applies
    assert cal.uncertain_years_touched(date(2026, 12, 1), date(UNKNOWN_YEAR, 2, 1)) == {
        UNKNOWN_YEAR
    }
    assert cal.deadline("PART-8b", date(UNKNOWN_YEAR, 2, 1), date(UNKNOWN_YEAR, 2, 12)).uncertain


def test_a_year_marked_complete_is_known_with_or_without_overrides():
    cal = WorkCalendar({date(UNKNOWN_YEAR, 10, 1): False}, complete_years={UNKNOWN_YEAR})
    assert cal.is_known_year(UNKNOWN_YEAR)
    assert not cal.is_working_day(date(UNKNOWN_YEAR, 10, 1))
    assert cal.uncertain_years_touched(date(2026, 12, 1), date(UNKNOWN_YEAR, 2, 1)) == frozenset()
    dl = cal.deadline("X", date(2026, 12, 1), date(UNKNOWN_YEAR, 1, 5))
    assert not dl.uncertain and dl.unknown_years == ()


def test_an_uncertain_deadline_names_its_unknown_years():
    dl = CAL.deadline("X", date(2026, 12, 20), date(UNKNOWN_YEAR + 1, 1, 5))
    assert dl.uncertain and dl.unknown_years == (UNKNOWN_YEAR, UNKNOWN_YEAR + 1)


def test_uncertain_years_touched_lists_unknown_years_in_either_order():
    a, b = date(2026, 12, 20), date(UNKNOWN_YEAR + 1, 1, 5)
    assert CAL.uncertain_years_touched(a, b) == {UNKNOWN_YEAR, UNKNOWN_YEAR + 1}
    assert CAL.uncertain_years_touched(b, a) == {UNKNOWN_YEAR, UNKNOWN_YEAR + 1}
    assert CAL.uncertain_years_touched(date(2025, 1, 1), date(2026, 1, 1)) == frozenset()


def test_deadline_is_uncertain_only_when_it_crossed_an_unknown_year():
    assert CAL.deadline("X", date(2026, 1, 1), date(2026, 2, 1)) == Deadline(
        date(2026, 2, 1), "X", False
    )
    assert CAL.deadline("X", date(2026, 12, 1), date(UNKNOWN_YEAR, 1, 5)).uncertain


def test_local_date_converts_utc_to_shanghai():
    late_utc = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 01:00 on 1 Oct in Shanghai
    assert local_date(late_utc) == date(2026, 10, 1)
    assert local_date(datetime(2026, 9, 30, 17, 0)) == date(2026, 10, 1)  # naive = UTC
    plus8 = datetime(2026, 9, 30, 23, 0, tzinfo=timezone(timedelta(hours=8)))
    assert local_date(plus8) == date(2026, 9, 30)
    assert CAL.is_working_day(late_utc) is False


@pytest.mark.parametrize("year", [2025, 2026])
def test_is_working_day_agrees_with_chinese_calendar_for_every_day_of(year):
    d = date(year, 1, 1)
    while d.year == year:
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d)
        d += timedelta(days=1)


# -- properties -------------------------------------------------------------------------------


@fast
@given(dates, st.integers(min_value=1, max_value=40))
def test_add_working_days_lands_on_a_working_day_after_the_start(start, n):
    result = CAL.add_working_days(start, n)
    assert CAL.is_working_day(result)
    assert result > start


@fast
@given(dates, st.integers(min_value=1, max_value=40))
def test_subtracting_working_days_lands_on_a_working_day_before_the_start(start, n):
    result = CAL.add_working_days(start, -n)
    assert CAL.is_working_day(result)
    assert result < start


@fast
@given(dates, counts, counts)
def test_add_working_days_is_monotonic(start, m, n):
    if m <= n:
        assert CAL.add_working_days(start, m) <= CAL.add_working_days(start, n)


@fast
@given(dates, counts)
def test_working_days_between_inverts_add_working_days(start, n):
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@fast
@given(dates, counts, counts)
def test_add_working_days_composes(start, m, n):
    assert CAL.add_working_days(CAL.add_working_days(start, m), n) == CAL.add_working_days(
        start, m + n
    )


@fast
@given(dates, st.integers(min_value=-400, max_value=400))
def test_working_days_between_is_antisymmetric_and_bounded_by_calendar_days(a, offset):
    b = a + timedelta(days=offset)
    forward = CAL.working_days_between(a, b)
    assert forward == -CAL.working_days_between(b, a)
    assert abs(forward) <= abs((b - a).days)


@fast
@given(dates)
def test_next_working_day_has_no_working_day_in_between(d):
    nxt = CAL.next_working_day(d)
    assert nxt > d
    assert CAL.is_working_day(nxt)
    assert CAL.working_days_between(d, nxt) == 1
    assert CAL.roll_forward(d) in (d, nxt)


@fast
@given(dates, st.dictionaries(dates, st.booleans(), max_size=5))
def test_overrides_always_win(d, overrides):
    cal = WorkCalendar(overrides)
    if d in overrides:
        assert cal.is_working_day(d) == overrides[d]
    else:
        assert cal.is_working_day(d) == CAL.is_working_day(d)


# -- A1 (issue 11): only a year marked complete is known -----------------------------------------

unknown_days = st.dates(min_value=date(UNKNOWN_YEAR, 1, 1), max_value=date(UNKNOWN_YEAR, 12, 31))


@fast
@given(st.dictionaries(unknown_days, st.booleans(), min_size=1, max_size=30), unknown_days)
def test_overrides_alone_never_make_the_year_known_and_its_deadlines_stay_uncertain(overrides, day):
    cal = WorkCalendar(overrides)
    assert not cal.is_known_year(UNKNOWN_YEAR)
    start = date(LAST_LIBRARY_YEAR, 12, 1)
    assert cal.deadline("PART-8b", start, day).uncertain
    assert UNKNOWN_YEAR in cal.deadline("PART-8b", start, day).unknown_years


@fast
@given(st.dictionaries(unknown_days, st.booleans(), max_size=30), unknown_days)
def test_a_complete_year_is_known_and_its_deadlines_are_certain(overrides, day):
    cal = WorkCalendar(overrides, complete_years=[UNKNOWN_YEAR])
    assert cal.is_known_year(UNKNOWN_YEAR)
    assert not cal.deadline("PART-8b", date(LAST_LIBRARY_YEAR, 12, 1), day).uncertain
    # the next year is still unknown: a deadline reaching into it stays uncertain
    later = date(UNKNOWN_YEAR + 1, 1, 10)
    assert cal.deadline("PART-8b", day, later).unknown_years == (UNKNOWN_YEAR + 1,)


@fast
@given(dates, st.integers(min_value=1, max_value=40))
def test_marking_a_year_complete_keeps_the_working_days_the_overrides_give(start, n):
    overrides = {date(UNKNOWN_YEAR, 2, d): False for d in range(6, 13)}
    open_cal, done_cal = WorkCalendar(overrides), WorkCalendar(overrides, [UNKNOWN_YEAR])
    # completeness is about certainty, never about which days count
    assert open_cal.add_working_days(start, n) == done_cal.add_working_days(start, n)
