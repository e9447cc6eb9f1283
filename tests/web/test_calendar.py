"""Working-day overrides: the office fills in holidays for years the library does not know."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, WorkdayOverride
from portal.rules import deadlines
from portal.rules.workdays import library_covers
from portal.services import audit, procedure
from tests.conftest import login, text_of

# NOW is 26 November 2026; chinesecalendar has no data for 2027 when these tests were written.
UNKNOWN_YEAR = next(y for y in range(2027, 2100) if not library_covers(y))


def add(client, day: str, working: str, note: str = "国务院办公厅关于放假安排的通知"):
    return client.post(
        "/admin/calendar",
        data={"action": "add", "day": day, "is_working_day": working, "note": note},
    )


def test_page_warns_about_years_without_holiday_data(client, demo):
    login(client, "office")
    page = client.get("/admin/calendar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="calendar-warning"' in html
    warning = html.split('id="calendar-warning"', 1)[1].split("</div>", 1)[0]
    assert str(UNKNOWN_YEAR) in warning
    assert "2026" not in warning  # the library covers the current year


def test_overrides_change_computed_working_days_and_deadlines(client, demo):
    login(client, "office")
    holiday = next(d for d in (date(UNKNOWN_YEAR, 10, n) for n in range(1, 8)) if d.weekday() < 5)
    cal = procedure.work_calendar()
    assert cal.is_working_day(holiday)  # unknown year: plain Monday to Friday
    symposium = cal.add_working_days(holiday, 2)
    before = deadlines.symposium_materials_due(symposium, cal)
    assert before.uncertain  # PART-8b computed across a year without holiday data

    assert add(client, holiday.isoformat(), "no", "国庆节").status_code == 302
    cal = procedure.work_calendar()
    assert cal.is_working_day(holiday) is False
    assert cal.is_known_year(UNKNOWN_YEAR)
    after = deadlines.symposium_materials_due(symposium, cal)
    # The holiday no longer counts: materials are due one working day earlier, and surely.
    assert after.due == cal.previous_working_day(before.due) < before.due
    assert after.uncertain is False

    # A make-up working day on a weekend counts as a working day.
    saturday = next(
        d for d in (date(UNKNOWN_YEAR, 10, n) for n in range(8, 15)) if d.weekday() == 5
    )
    assert not procedure.work_calendar().is_working_day(saturday)
    assert add(client, saturday.isoformat(), "yes", "国庆节调休上班").status_code == 302
    assert procedure.work_calendar().is_working_day(saturday) is True

    page = client.get("/admin/calendar")
    assert "国庆节调休上班" in text_of(page)
    html = page.get_data(as_text=True)
    if 'id="calendar-warning"' in html:
        warning = html.split('id="calendar-warning"', 1)[1].split("</div>", 1)[0]
        assert str(UNKNOWN_YEAR) not in warning  # overrides exist now


def test_add_and_delete_are_audited(client, demo):
    login(client, "office")
    add(client, f"{UNKNOWN_YEAR}-10-01", "no", "国庆节")
    override = db.session.scalar(sa.select(WorkdayOverride))
    assert override.note == "国庆节" and override.created_by_id is not None
    response = client.post(
        "/admin/calendar", data={"action": "delete", "override_id": str(override.id)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkdayOverride)) == 0
    actions = [
        (e.action, json.loads(e.data))
        for e in db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action.like("calendar.%"))
            .order_by(AuditEntry.seq)
        )
    ]
    assert [a for a, _ in actions] == ["calendar.override_add", "calendar.override_delete"]
    assert actions[0][1]["after"]["day"] == f"{UNKNOWN_YEAR}-10-01"
    assert actions[1][1]["before"]["is_working_day"] is False
    assert audit.verify_chain() == []


def test_bad_input_is_refused_without_saving(client, demo):
    login(client, "office")
    for day, working in [
        ("２０２７-01-01", "no"),  # full-width digits
        (f"{UNKNOWN_YEAR}-02-30", "no"),  # no such day
        (f"{UNKNOWN_YEAR}-01-01", "maybe"),
        ("", "no"),
    ]:
        response = add(client, day, working)
        assert response.status_code == 422, (day, working)
        assert "error-summary" in response.get_data(as_text=True)
    assert add(client, f"{UNKNOWN_YEAR}-01-01", "no").status_code == 302
    assert add(client, f"{UNKNOWN_YEAR}-01-01", "yes").status_code == 422  # one per day
    assert (
        client.post("/admin/calendar", data={"action": "delete", "override_id": "x"}).status_code
        == 404
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkdayOverride)) == 1


def test_a_note_loses_invisible_control_characters(client, demo):
    login(client, "office")
    add(client, f"{UNKNOWN_YEAR}-05-01", "no", "劳动节\u202e\u200b放假")
    assert db.session.scalar(sa.select(WorkdayOverride.note)) == "劳动节放假"


def test_only_permitted_roles_manage_the_calendar(client, demo):
    for username in ("undertaker", "reviewer", "moderator", "supervisor", "evaluator"):
        login(client, username)
        assert client.get("/admin/calendar").status_code == 403, username
        assert add(client, f"{UNKNOWN_YEAR}-01-01", "no").status_code == 403, username
        client.post("/admin/logout")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkdayOverride)) == 0
    login(client, "admin")  # the system administrator keeps the calendar too
    assert client.get("/admin/calendar").status_code == 200
