"""Working-day overrides (rules.md A1-A3): official holidays and make-up working days for years
the ``chinese_calendar`` library does not know yet, edited by the government office.

The overrides take precedence over the library (``portal.services.procedure.work_calendar``), so
every working-day deadline uses them at once. Each change is audited.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin._helpers import actor, client_ip, input_error
from portal import clock
from portal.extensions import db
from portal.models.calendar import WorkdayOverride
from portal.permissions import Permission, require
from portal.rules.errors import RuleViolation
from portal.rules.workdays import library_covers
from portal.services import audit

# Warn about this year and the next: deadlines computed today reach into them.
WARN_YEARS_AHEAD = 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Zero-width and bidi control characters are stripped from notes (security.md).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain_note(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(_CONTROL.sub(" ", _INVISIBLE.sub("", text)).split())[:200]


def uncovered_years(today: date, override_years: set[int]) -> list[int]:
    """Years from this one on that the library does not cover and that have no overrides."""
    return [
        y
        for y in range(today.year, today.year + WARN_YEARS_AHEAD + 1)
        if not library_covers(y) and y not in override_years
    ]


def _snapshot(o: WorkdayOverride) -> dict:
    return {"day": o.day.isoformat(), "is_working_day": o.is_working_day, "note": o.note}


def add_override(day: date, is_working_day: bool, note: str, *, actor, now, ip: str = ""):
    override = WorkdayOverride(
        day=day,
        is_working_day=is_working_day,
        note=note,
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


def delete_override(override: WorkdayOverride, *, actor, now, ip: str = "") -> None:
    before = _snapshot(override)
    override_id = override.id
    db.session.delete(override)
    db.session.flush()
    audit.record(
        "calendar.override_delete",
        actor=actor,
        now=now,
        object_type=WorkdayOverride.__tablename__,
        object_id=override_id,
        before=before,
        ip=ip,
    )


def _page(errors: list[RuleViolation] | None = None, form: dict | None = None, status: int = 200):
    today = clock.local_today()
    overrides = db.session.scalars(sa.select(WorkdayOverride).order_by(WorkdayOverride.day)).all()
    years = sorted({o.day.year for o in overrides})
    return render_template(
        "admin/calendar.html",
        overrides=overrides,
        counts={y: sum(1 for o in overrides if o.day.year == y) for y in years},
        missing=uncovered_years(today, set(years)),
        covered={y: library_covers(y) for y in years},
        errors=errors or [],
        form=form or {},
        today=today,
    ), status


def _parse_add(form) -> tuple[dict, list[RuleViolation], date | None, bool | None]:
    raw_day = (form.get("day") or "").strip()
    working = form.get("is_working_day", "")
    values = {"day": raw_day[:10], "is_working_day": working, "note": _plain_note(form.get("note"))}
    errors: list[RuleViolation] = []
    day = None
    if not _ISO_DATE.fullmatch(raw_day):
        errors.append(input_error(_("Enter the date as YYYY-MM-DD."), "day"))
    else:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            errors.append(input_error(_("This date does not exist."), "day"))
    if working not in ("yes", "no"):
        errors.append(input_error(_("Choose whether the day is a working day."), "is_working_day"))
    if day is not None and db.session.scalar(
        sa.select(WorkdayOverride.id).where(WorkdayOverride.day == day)
    ):
        errors.append(
            input_error(_("There is already an override for %(day)s.", day=raw_day), "day")
        )
    return values, errors, day, (working == "yes") if working in ("yes", "no") else None


@bp.route("/calendar", methods=["GET", "POST"])
@require(Permission.CALENDAR_MANAGE)
def calendar_overrides():
    if request.method == "GET":
        return _page()
    action = request.form.get("action", "")
    now = clock.now()
    if action == "delete":
        raw_id = request.form.get("override_id", "")
        override = (
            db.session.get(WorkdayOverride, int(raw_id))
            if re.fullmatch(r"[0-9]{1,12}", raw_id, re.ASCII)
            else None
        )
        if override is None:
            return _page([input_error(_("That override no longer exists."))], status=404)
        day = override.day
        delete_override(override, actor=actor(), now=now, ip=client_ip())
        db.session.commit()
        flash(_("Override for %(day)s deleted.", day=day.isoformat()))
        return redirect(url_for("admin.calendar_overrides"))
    if action != "add":
        return _page([input_error(_("Choose an action."))], status=422)
    values, errors, day, working = _parse_add(request.form)
    if errors or day is None or working is None:
        return _page(errors, values, status=422)
    add_override(day, working, values["note"], actor=actor(), now=now, ip=client_ip())
    db.session.commit()
    flash(_("Override for %(day)s saved.", day=day.isoformat()))
    return redirect(url_for("admin.calendar_overrides"))
