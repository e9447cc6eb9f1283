"""The working-day calendar (rules.md A1-A3): official holidays and make-up working days for
years the ``chinese_calendar`` library does not know yet, and the official's mark that a year's
schedule is complete.

A year the library does not cover is *known* only while an official (calendar permission) has
marked it complete: every holiday and make-up working day of the State Council's notice entered.
Until then days without an override count Monday to Friday and every deadline computed across
the year carries the "holiday calendar unknown" warning (``deadlines.calendar_warning``). A
complete year's overrides are locked; reopening it (with a reason) unlocks them and makes the
year unknown again. Every change is audited. Services flush; the caller commits.

No article of the seven documents names these refusals (A1 is a default of the digest), so
they are input errors without a rule ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.calendar import WorkdayOverride, WorkdayYear
from portal.rules import deadlines
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.workdays import Deadline, WorkCalendar, library_covers
from portal.services import audit

# Deadlines computed today reach into this year and the next: the page warns about both.
WARN_YEARS_AHEAD = 1
NOTE_MAX = 200
NOTICE_MAX = 200
REASON_MAX = 2000


# -- reading -------------------------------------------------------------------------------------


def complete_years() -> frozenset[int]:
    """The years an official marked complete (A1)."""
    return frozenset(
        db.session.scalars(sa.select(WorkdayYear.year).where(WorkdayYear.completed_at.is_not(None)))
    )


def work_calendar() -> WorkCalendar:
    """The working-day calendar: the library, the overrides, and the years marked complete."""
    rows = db.session.execute(sa.select(WorkdayOverride.day, WorkdayOverride.is_working_day))
    return WorkCalendar({row.day: row.is_working_day for row in rows}, complete_years())


def overrides() -> list[WorkdayOverride]:
    return list(db.session.scalars(sa.select(WorkdayOverride).order_by(WorkdayOverride.day)))


def year_row(year: int) -> WorkdayYear | None:
    return db.session.scalar(sa.select(WorkdayYear).where(WorkdayYear.year == year))


@dataclass(frozen=True)
class YearStatus:
    """One year as the calendar page shows it."""

    year: int
    built_in: bool  # the library covers it
    complete: bool  # an official marked it complete
    holidays: int  # overrides entered: holidays
    working_days: int  # overrides entered: make-up working days
    row: WorkdayYear | None = None

    @property
    def known(self) -> bool:
        return self.built_in or self.complete


def year_statuses(today: date) -> list[YearStatus]:
    """This year, the next, and every year with overrides or a completion record."""
    rows = overrides()
    marks = {y.year: y for y in db.session.scalars(sa.select(WorkdayYear))}
    years = set(range(today.year, today.year + WARN_YEARS_AHEAD + 1))
    years |= {o.day.year for o in rows} | set(marks)
    out = []
    for y in sorted(years):
        mark = marks.get(y)
        out.append(
            YearStatus(
                year=y,
                built_in=library_covers(y),
                complete=bool(mark and mark.complete),
                holidays=sum(1 for o in rows if o.day.year == y and not o.is_working_day),
                working_days=sum(1 for o in rows if o.day.year == y and o.is_working_day),
                row=mark,
            )
        )
    return out


def unknown_years(today: date) -> list[int]:
    """A1: years from this one on (this and the next) whose holiday schedule is not known."""
    done = complete_years()
    return [
        y
        for y in range(today.year, today.year + WARN_YEARS_AHEAD + 1)
        if not library_covers(y) and y not in done
    ]


def calendar_warning(deadline: Deadline | None) -> RuleViolation | None:
    """A1: the "holiday calendar unknown" warning of a computed deadline (None when known)."""
    return deadlines.calendar_warning(deadline)


def calendar_warnings(found) -> list[RuleViolation]:
    return deadlines.calendar_warnings(found)


# -- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverrideInput:
    """One official holiday (``is_working_day`` False) or make-up working day (True)."""

    day: date
    is_working_day: bool
    note: str = ""


@dataclass(frozen=True)
class YearCompletionInput:
    """A1: the year's schedule is complete, per the State Council's notice ``notice_ref``."""

    year: int
    notice_ref: str


@dataclass(frozen=True)
class YearReopenInput:
    year: int
    reason: str


def _snapshot(o: WorkdayOverride) -> dict:
    return {"day": o.day.isoformat(), "is_working_day": o.is_working_day, "note": o.note}


def _year_locked(year: int) -> list[RuleViolation]:
    mark = year_row(year)
    if mark is not None and mark.complete:
        # A1: a complete year's schedule is locked until an official reopens it
        return [
            input_error(
                N_(
                    "The %(year)s holiday schedule is marked complete; reopen the year before "
                    "changing its days."
                ),
                "day",
                year=year,
            )
        ]
    return []


def add_override(data: OverrideInput, *, actor, now: datetime, ip: str = "") -> WorkdayOverride:
    """Enter one day of the State Council's schedule (refused for a complete year)."""
    out = _year_locked(data.day.year)
    if db.session.scalar(sa.select(WorkdayOverride.id).where(WorkdayOverride.day == data.day)):
        out.append(
            input_error(
                N_("There is already an override for %(day)s."), "day", day=data.day.isoformat()
            )
        )
    if len(data.note) > NOTE_MAX:
        out.append(input_error(N_("Write at most %(n)d characters."), "note", n=NOTE_MAX))
    refuse(out)
    override = WorkdayOverride(
        day=data.day,
        is_working_day=data.is_working_day,
        note=data.note,
        created_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(override)
    db.session.flush()
    audit.record(
        "calendar.override_add",
        actor=actor,
        now=now,
        obj=override,
        after=_snapshot(override),
        ip=ip,
    )
    return override


def delete_override(override_id: int | None, *, actor, now: datetime, ip: str = "") -> date:
    """Remove one override (refused for a complete year). Returns its day."""
    override = db.session.get(WorkdayOverride, override_id) if override_id else None
    if override is None:
        refuse([input_error(N_("That override no longer exists."))])
    assert override is not None
    refuse(_year_locked(override.day.year))
    before = _snapshot(override)
    day, override_key = override.day, override.id
    db.session.delete(override)
    db.session.flush()
    audit.record(
        "calendar.override_delete",
        actor=actor,
        now=now,
        object_type=WorkdayOverride.__tablename__,
        object_id=override_key,
        before=before,
        ip=ip,
    )
    return day


def mark_year_complete(
    data: YearCompletionInput, *, actor, now: datetime, ip: str = ""
) -> WorkdayYear:
    """A1: the official declares every day of the year's State Council notice entered; the
    year counts as known from now on (deadlines across it lose their warning)."""
    out: list[RuleViolation] = []
    notice = " ".join((data.notice_ref or "").split())
    if library_covers(data.year):
        out.append(
            input_error(
                N_("The built-in holiday data already covers %(year)s."), "year", year=data.year
            )
        )
    mark = year_row(data.year)
    if mark is not None and mark.complete:
        out.append(
            input_error(
                N_("The %(year)s holiday schedule is already marked complete."),
                "year",
                year=data.year,
            )
        )
    if not notice:
        out.append(
            input_error(N_("Enter the State Council notice the schedule comes from."), "notice_ref")
        )
    elif len(notice) > NOTICE_MAX:
        out.append(input_error(N_("Write at most %(n)d characters."), "notice_ref", n=NOTICE_MAX))
    holidays = db.session.scalar(
        sa.select(sa.func.count(WorkdayOverride.id)).where(
            WorkdayOverride.day >= date(data.year, 1, 1),
            WorkdayOverride.day <= date(data.year, 12, 31),
            WorkdayOverride.is_working_day.is_(False),
        )
    )
    if not holidays and not library_covers(data.year):
        # Every State Council notice names holidays: a year without one is not complete.
        out.append(
            input_error(N_("No holiday of %(year)s has been entered yet."), "year", year=data.year)
        )
    refuse(out)
    before = None
    if mark is None:
        mark = WorkdayYear(year=data.year)
        db.session.add(mark)
    else:
        before = {"complete": False, "notice_ref": mark.notice_ref}
    mark.notice_ref = notice
    mark.completed_at = now
    mark.completed_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "calendar.year_complete",
        actor=actor,
        now=now,
        obj=mark,
        before=before,
        after={"year": data.year, "complete": True, "notice_ref": notice},
        ip=ip,
    )
    return mark


def reopen_year(data: YearReopenInput, *, actor, now: datetime, ip: str = "") -> WorkdayYear:
    """A1: reopen a complete year (e.g. the State Council amended its notice). The year is
    unknown again and its overrides can change; the reason is kept and audited."""
    out: list[RuleViolation] = []
    reason = (data.reason or "").strip()
    mark = year_row(data.year)
    if mark is None or not mark.complete:
        out.append(
            input_error(
                N_("The %(year)s holiday schedule is not marked complete."), "year", year=data.year
            )
        )
    if not reason:
        out.append(input_error(N_("Give the reason for reopening the year."), "reason"))
    elif len(reason) > REASON_MAX:
        out.append(input_error(N_("Write at most %(n)d characters."), "reason", n=REASON_MAX))
    refuse(out)
    assert mark is not None
    before = {
        "complete": True,
        "notice_ref": mark.notice_ref,
        "completed_at": mark.completed_at.isoformat() if mark.completed_at else None,
        "completed_by_id": mark.completed_by_id,
    }
    mark.completed_at = None
    mark.completed_by_id = None
    mark.reopened_at = now
    mark.reopened_by_id = getattr(actor, "id", None)
    mark.reopen_reason = reason
    db.session.flush()
    audit.record(
        "calendar.year_reopen",
        actor=actor,
        now=now,
        obj=mark,
        before=before,
        after={"year": data.year, "complete": False, "reason": reason},
        ip=ip,
    )
    return mark


# -- the warning on screens other packages own ---------------------------------------------------


def materials_warning(kind, starts_on, calendar: WorkCalendar | None = None):
    """A1 for the hearing/symposium materials status: PART-8b (3 working days before a
    symposium) carries the "holiday calendar unknown" warning when the count crossed an unknown
    year; PROC-19c / PART-12c (7 calendar days before a hearing) never does, since it counts
    calendar days. ``kind`` is a ``HearingKind`` (or its value)."""
    if str(kind) != "symposium":
        return None
    cal = calendar if calendar is not None else work_calendar()
    return deadlines.calendar_warning(deadlines.symposium_materials_due(starts_on, cal))
