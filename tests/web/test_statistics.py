"""Statistics (PROC-10a, SUP-6a): per department and year for the office, XLSX export with
neutralised cells, and the public summary without non-disclosable items."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Government
from portal.services import statistics as service
from tests.conftest import NOW, login, text_of


@pytest.fixture
def seeded(demo):
    from portal.demo_opinions import seed_demo_opinions
    from portal.demo_supervision import seed_demo_supervision

    seed_demo_opinions(NOW)
    seed_demo_supervision(NOW)
    return db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))


def test_figures_count_overdue_tracking_and_missed_filing(seeded):
    rows = service.department_figures(seeded.id, 2026, date(2026, 11, 26))
    total = service.total(rows)
    assert total.overdue_tracking == 1  # the demo's missing October entry (SUP-7b)
    assert total.deadlines_missed >= 2  # that entry and the unfiled preschool plan (PROC-38a)
    assert total.deadlines_met >= 1
    assert total.opinions_received > 0 and 0 < total.opinions_adopted <= total.opinions_received
    city_decisions = db.session.scalar(
        sa.select(sa.func.count(Decision.id)).where(
            Decision.government_id == seeded.id, Decision.year == 2026
        )
    )
    assert total.decisions == city_decisions


def test_public_summary_leaves_out_non_disclosable_items(seeded):
    today = date(2026, 11, 26)
    public = service.government_summary(seeded.id, 2026, today)
    staff = service.total(service.department_figures(seeded.id, 2026, today))
    hidden = db.session.scalar(
        sa.select(sa.func.count(Decision.id)).where(
            Decision.government_id == seeded.id,
            Decision.year == 2026,
            Decision.non_disclosable.is_(True),
        )
    )
    assert public.decisions == staff.decisions - hidden


def test_office_page_and_xlsx_export(client, seeded):
    login(client, "office")
    page = client.get("/admin/statistics?year=2026")
    assert page.status_code == 200
    assert "市城市管理综合执法局" in text_of(page)
    export = client.get("/admin/statistics.xlsx?year=2026")
    assert export.status_code == 200
    assert export.mimetype.endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.data))
    assert len(wb.sheetnames) == 2
    sheet = wb[wb.sheetnames[0]]
    assert sheet.max_row >= 3  # header, departments, total


def test_statistics_need_the_permission(client, seeded):
    login(client, "moderator")
    assert client.get("/admin/statistics").status_code == 403
    assert client.get("/admin/statistics.xlsx").status_code == 403


def test_public_statistics_page_with_chart_and_table(client, seeded):
    page = client.get("/statistics?gov=chifeng&year=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<table" in html
    assert client.get("/statistics?gov=nowhere").status_code == 404
