"""Working days (工作日) and calendar days (日), rules.md section 0, A1-A3.

A working day is Mon-Fri, minus the State Council's statutory holidays, plus its official make-up
working days (调休). The data comes from ``chinese_calendar``; an admin-editable override table
(``{date: is_working_day}``) takes precedence and fills in years the library does not know yet.

A year the library does not cover is *known* only once an official has marked its schedule
complete (every holiday and make-up day of the State Council's notice entered):
``complete_years``. One override does not make a year known: until the year is marked complete,
days without an override fall back to plain Mon-Fri and every computed :class:`Deadline` that
crossed the year carries ``uncertain=True`` (A1: "holiday calendar unknown").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

import chinese_calendar

# China has had no daylight saving time since 1991: a fixed +08:00 offset is Asia/Shanghai.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

ONE_DAY = timedelta(days=1)


def local_date(value: date | datetime) -> date:
    """The Asia/Shanghai calendar date of ``value``.

    A ``date`` is returned unchanged. An aware ``datetime`` is converted to +08:00. A naive
    ``datetime`` is taken to be UTC (the database stores UTC; some drivers drop the offset).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(CHINA_TZ).date()
    return value


@dataclass(frozen=True)
class Deadline:
    """A computed due date.

    ``due`` is the last permitted day (inclusive) for "within" limits, or the boundary day for
    "not less than" limits, as each function documents. ``uncertain`` is true when the
    computation crossed a year whose holidays the calendar does not know (Mon-Fri fallback);
    ``unknown_years`` names those years.
    """

    due: date
    rule: str
    uncertain: bool = False
    unknown_years: tuple[int, ...] = field(default=(), compare=False)


def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


_LIBRARY_YEARS: dict[int, bool] = {}


def library_covers(year: int) -> bool:
    """Whether ``chinese_calendar`` has official holiday data for ``year``."""
    if year not in _LIBRARY_YEARS:
        _LIBRARY_YEARS[year] = _library_covers(year)
    return _LIBRARY_YEARS[year]


class WorkCalendar:
    """Working-day arithmetic over official Chinese holidays plus an override table."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        complete_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, bool] = {
            local_date(d): bool(v) for d, v in (overrides or {}).items()
        }
        self._complete_years = frozenset(int(y) for y in complete_years)

    # -- single days ---------------------------------------------------------------------------

    def is_known_year(self, year: int) -> bool:
        """True when ``chinese_calendar`` covers ``year``, or an official marked the year's
        schedule complete (A1). Overrides alone never make a year known."""
        return library_covers(year) or year in self._complete_years

    def is_working_day(self, d: date | datetime) -> bool:
        d = local_date(d)
        if d in self._overrides:
            return self._overrides[d]
        if library_covers(d.year):
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5  # unknown year: Mon-Fri fallback

    def next_working_day(self, d: date | datetime) -> date:
        """The first working day strictly after ``d``."""
        d = local_date(d) + ONE_DAY
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def previous_working_day(self, d: date | datetime) -> date:
        """The last working day strictly before ``d``."""
        d = local_date(d) - ONE_DAY
        while not self.is_working_day(d):
            d -= ONE_DAY
        return d

    def roll_forward(self, d: date | datetime) -> date:
        """``d`` if it is a working day, else the next working day (Civil Code Art. 203)."""
        d = local_date(d)
        return d if self.is_working_day(d) else self.next_working_day(d)

    # -- spans ---------------------------------------------------------------------------------

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself is not counted).

        ``n == 0`` returns ``start``; a negative ``n`` counts backwards (the n-th working day
        before ``start``).
        """
        d = local_date(start)
        if n >= 0:
            for _ in range(n):
                d = self.next_working_day(d)
        else:
            for _ in range(-n):
                d = self.previous_working_day(d)
        return d

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days in the half-open span (a, b]; negative when ``b`` is before ``a``.

        ``working_days_between(a, add_working_days(a, n)) == n`` for every n >= 0.
        """
        a, b = local_date(a), local_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a + ONE_DAY
        while d <= b:
            if self.is_working_day(d):
                count += 1
            d += ONE_DAY
        return count

    def uncertain_years_touched(self, a: date | datetime, b: date | datetime) -> frozenset[int]:
        """Years between ``a`` and ``b`` (inclusive, any order) the calendar does not know."""
        y1, y2 = sorted((local_date(a).year, local_date(b).year))
        return frozenset(y for y in range(y1, y2 + 1) if not self.is_known_year(y))

    def deadline(self, rule: str, start: date | datetime, due: date) -> Deadline:
        """A :class:`Deadline` for ``due``; uncertain if the span crossed an unknown year."""
        unknown = tuple(sorted(self.uncertain_years_touched(start, due)))
        return Deadline(due, rule, bool(unknown), unknown)


DEFAULT_CALENDAR = WorkCalendar()
