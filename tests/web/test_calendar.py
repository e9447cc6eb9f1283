"""Working-day overrides: the office fills in holidays for years the library does not know."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditEntry,
    Catalog,
    CatalogAdjustment,
    Decision,
    WorkdayOverride,
    WorkdayYear,
)
from portal.rules import deadlines
from portal.rules.workdays import library_covers
from portal.services import audit, compliance, procedure
from portal.services import calendar as calendar_service
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
    # A1: one override does not make the year known
    assert not cal.is_known_year(UNKNOWN_YEAR)
    after = deadlines.symposium_materials_due(symposium, cal)
    # The holiday no longer counts: materials are due one working day earlier...
    assert after.due == cal.previous_working_day(before.due) < before.due
    # ... but not surely, until the office marks the year's schedule complete.
    assert after.uncertain is True
    response = client.post(
        f"/admin/calendar/years/{UNKNOWN_YEAR}/complete",
        data={"notice_ref": "国办发明电〔2026〕7号"},
    )
    assert response.status_code == 302
    cal = procedure.work_calendar()
    assert cal.is_known_year(UNKNOWN_YEAR)
    assert deadlines.symposium_materials_due(symposium, cal).due == after.due
    assert deadlines.symposium_materials_due(symposium, cal).uncertain is False
    assert client.post(f"/admin/calendar/years/{UNKNOWN_YEAR}/reopen", data={"reason": "补充通知"})

    # A make-up working day on a weekend counts as a working day.
    db.session.expire_all()
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
        assert str(UNKNOWN_YEAR) in warning  # reopened: unknown again


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


# -- A1 (issue 11): a year is known only once an official marks its schedule complete -----------

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


def complete(client, year=UNKNOWN_YEAR, notice=NOTICE):
    return client.post(f"/admin/calendar/years/{year}/complete", data={"notice_ref": notice})


def reopen(client, year=UNKNOWN_YEAR, reason="国务院办公厅补充通知调整了春节假期"):
    return client.post(f"/admin/calendar/years/{year}/reopen", data={"reason": reason})


def year_mark():
    db.session.expire_all()
    return db.session.scalar(sa.select(WorkdayYear).where(WorkdayYear.year == UNKNOWN_YEAR))


def test_spring_festival_override_alone_keeps_the_year_unknown_on_the_page(client, demo):
    login(client, "office")
    assert add(client, f"{UNKNOWN_YEAR}-02-08", "no", "春节").status_code == 302
    html = client.get("/admin/calendar").get_data(as_text=True)
    warning = html.split('id="calendar-warning"', 1)[1].split("</div>", 1)[0]
    assert str(UNKNOWN_YEAR) in warning
    row = html.split(f'id="year-{UNKNOWN_YEAR}"', 1)[1].split("</tr>", 1)[0]
    assert "calendar-unknown" in row
    assert not procedure.work_calendar().is_known_year(UNKNOWN_YEAR)


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_marking_the_year_complete_is_refused_without_notice_or_holidays(client, demo):
    login(client, "office")
    response = complete(client, notice="")
    assert response.status_code == 422
    text = text_of(response)
    assert "国务院" in text  # enter the State Council notice
    assert year_mark() is None
    assert not procedure.work_calendar().is_known_year(UNKNOWN_YEAR)
    # a year with no holiday entered is not complete either
    assert complete(client).status_code == 422
    assert year_mark() is None
    # a year the built-in data covers cannot be "completed"
    assert complete(client, year=2026).status_code == 422


def test_complete_year_locks_its_overrides_until_reopened_with_a_reason(client, demo):
    login(client, "office")
    assert add(client, f"{UNKNOWN_YEAR}-01-01", "no", "元旦").status_code == 302
    assert complete(client).status_code == 302
    mark = year_mark()
    assert mark.complete and mark.notice_ref == NOTICE and mark.completed_by_id is not None
    assert procedure.work_calendar().is_known_year(UNKNOWN_YEAR)
    assert complete(client).status_code == 422  # already complete

    # locked: nothing added or deleted, state unchanged
    assert add(client, f"{UNKNOWN_YEAR}-02-08", "no", "春节").status_code == 422
    override = db.session.scalar(sa.select(WorkdayOverride))
    response = client.post(
        "/admin/calendar", data={"action": "delete", "override_id": str(override.id)}
    )
    assert response.status_code == 422
    assert "重新打开" in text_of(response)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkdayOverride)) == 1

    # reopening needs a reason
    assert reopen(client, reason=" ").status_code == 422
    assert year_mark().complete
    assert reopen(client).status_code == 302
    mark = year_mark()
    assert not mark.complete and "补充通知" in mark.reopen_reason
    assert not procedure.work_calendar().is_known_year(UNKNOWN_YEAR)
    assert add(client, f"{UNKNOWN_YEAR}-02-08", "no", "春节").status_code == 302
    assert reopen(client).status_code == 422  # not complete any more
    # a second round: complete again with the amended notice
    assert complete(client, notice=NOTICE + "（补充）").status_code == 302
    assert year_mark().complete and year_mark().notice_ref.endswith("（补充）")

    actions = [
        e.action
        for e in db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action.like("calendar.%"))
            .order_by(AuditEntry.seq)
        )
    ]
    assert actions == [
        "calendar.override_add",
        "calendar.year_complete",
        "calendar.year_reopen",
        "calendar.override_add",
        "calendar.year_complete",
    ]
    assert audit.verify_chain() == []


def test_only_calendar_managers_mark_a_year_complete(client, demo):
    login(client, "office")
    add(client, f"{UNKNOWN_YEAR}-01-01", "no", "元旦")
    client.post("/admin/logout")
    for username in ("undertaker", "reviewer", "supervisor"):
        login(client, username)
        assert complete(client).status_code == 403, username
        assert reopen(client).status_code == 403, username
        client.post("/admin/logout")
    assert year_mark() is None


def _late_december():
    # 28 December 2026: the next ten working days reach into the unknown year
    clock.freeze(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))


def _published_adjustment() -> CatalogAdjustment:
    catalog = db.session.scalar(
        sa.select(Catalog).where(Catalog.year == 2026).order_by(Catalog.id).limit(1)
    )
    adj = CatalogAdjustment(
        catalog_id=catalog.id,
        version=len(catalog.adjustments) + 2,
        description="新增事项",
        reason="工作需要",
        approved_at=datetime(2026, 12, 20, 2, 0, tzinfo=UTC),
        approval_ref="赤政批〔2026〕1号",
        published_at=datetime(2026, 12, 28, 1, 0, tzinfo=UTC),
        proposal='{"title": "新增试点事项"}',
    )
    db.session.add(adj)
    db.session.commit()
    return adj


def test_the_warning_shows_on_the_board_and_the_catalog_filing_row_until_complete(client, demo):
    _late_december()
    adj = _published_adjustment()
    login(client, "office")
    board = client.get("/admin/deadlines")
    html = board.get_data(as_text=True)
    assert 'id="calendar-warning"' in html
    row = next(r for r in html.split("<tr") if "CAT-16c" in r)
    assert "节假日" in text_of_html(row) and str(UNKNOWN_YEAR) in row

    page = client.get(f"/admin/catalogs/{adj.catalog_id}")
    row = page.get_data(as_text=True).split(f'id="adjustment-{adj.id}"', 1)[1].split("</tr>")[0]
    assert "calendar-unknown" in row and str(UNKNOWN_YEAR) in row

    # the office enters New Year's Day 2027 and marks the schedule complete
    add(client, f"{UNKNOWN_YEAR}-01-01", "no", "元旦")
    assert complete(client).status_code == 302
    html = client.get("/admin/deadlines").get_data(as_text=True)
    assert 'id="calendar-warning"' not in html
    row = next(r for r in html.split("<tr") if "CAT-16c" in r)
    assert "calendar-unknown" not in row and "节假日安排" not in text_of_html(row)
    page = client.get(f"/admin/catalogs/{adj.catalog_id}")
    row = page.get_data(as_text=True).split(f'id="adjustment-{adj.id}"', 1)[1].split("</tr>")[0]
    assert "calendar-unknown" not in row


def test_the_compliance_panel_marks_a_filing_due_in_an_unknown_year(client, demo):
    decision = db.session.scalar(
        sa.select(Decision).where(Decision.published_at.is_not(None)).order_by(Decision.id)
    )
    decision.published_at = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)  # due in January 2027
    decision.filed_on = None
    db.session.commit()
    item = next(i for i in compliance.panel(decision, clock.local_today()) if i.rule == "PROC-38a")
    assert item.uncertain and item.unknown_years == (UNKNOWN_YEAR,)
    warnings = compliance.calendar_warnings([item])
    assert warnings and warnings[0].rule == "PROC-38a"
    login(client, "office")
    row = next(
        r
        # the table rows only (the step buttons above may cite the rule too, issue 12)
        for r in client.get(f"/admin/decisions/{decision.id}")
        .get_data(as_text=True)
        .split("<tr")[1:]
        if "PROC-38a" in r
    )
    assert "节假日" in text_of_html(row)
    add(client, f"{UNKNOWN_YEAR}-01-01", "no", "元旦")
    complete(client)
    item = next(i for i in compliance.panel(decision, clock.local_today()) if i.rule == "PROC-38a")
    assert not item.uncertain and compliance.calendar_warnings([item]) == []


def test_symposium_materials_carry_the_warning_but_hearing_materials_never_do(ctx, demo):
    cal = calendar_service.work_calendar()
    day = datetime(UNKNOWN_YEAR, 1, 14, 1, 0, tzinfo=UTC)
    w = calendar_service.materials_warning("symposium", day, cal)
    assert w is not None and w.rule == "PART-8b" and str(UNKNOWN_YEAR) in w.params["years"]
    assert calendar_service.materials_warning("hearing", day, cal) is None  # 7 calendar days
    assert calendar_service.materials_warning("symposium", datetime(2026, 6, 3), cal) is None


def test_the_symposium_materials_status_carries_the_warning_until_the_year_is_complete(
    client, demo
):
    from portal.demo_hearings import seed_demo_hearings
    from portal.models.hearing import Hearing
    from portal.services import hearing_steps

    seed_demo_hearings(clock.now())
    symposium = db.session.scalar(sa.select(Hearing).where(Hearing.kind == "symposium"))
    symposium.starts_at = datetime(UNKNOWN_YEAR, 1, 14, 1, 0, tzinfo=UTC)
    db.session.commit()
    status = hearing_steps.materials_status(symposium)
    assert status["rule"] == "PART-8b"
    assert status["calendar_warning"] is not None
    assert status["calendar_warning"].params["years"] == str(UNKNOWN_YEAR)
    login(client, "office")
    page = text_of(client.get(f"/admin/hearings/{symposium.id}"))
    assert f"{UNKNOWN_YEAR}年节假日安排未知" in page  # shown where the organiser reads the due day
    add(client, f"{UNKNOWN_YEAR}-01-01", "no", "元旦")
    assert complete(client).status_code == 302
    assert hearing_steps.materials_status(symposium)["calendar_warning"] is None
    page = text_of(client.get(f"/admin/hearings/{symposium.id}"))
    assert "节假日安排未知" not in page
