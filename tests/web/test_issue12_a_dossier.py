"""Issue 12 (A): the consultation card opens the dossier and the home page; a published dossier
shows its document number (文号), publication and filing, and a filing overdue under PROC-38a
reads "逾期 N 天" on the dossier and on the public deadline board (A41), never "进行中"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from tests.conftest import NOW, text_of

WASTE = "赤峰市中心城区居民生活垃圾分类管理实施方案"  # decision 2, open consultation
PRESCHOOL = "赤峰市学前教育普惠发展三年行动计划（2026—2028年）"  # published 40 days before NOW
PARKING = "赤峰市城区停车设施建设和管理办法"  # published, filed, now in implementation


@pytest.fixture
def opinions(demo):
    """The demo with its opinions (``flask portal seed-demo`` loads both)."""
    from portal.demo_opinions import seed_demo_opinions

    seed_demo_opinions(NOW)
    db.session.commit()
    return demo


def _decision(title: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def _main_text(response) -> str:
    html = response.get_data(as_text=True)
    html = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _local(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour - 8, 0, tzinfo=UTC)


def test_dossier_under_consultation_opens_with_the_card_before_the_timeline(client, opinions):
    d = _decision(WASTE)
    received = db.session.scalar(
        sa.select(sa.func.count()).select_from(Opinion).where(Opinion.decision_id == d.id)
    )
    page = client.get(f"/decisions/{d.id}")
    html = page.get_data(as_text=True)
    text = text_of(page)
    # what is asked, the deadline with the days left (ui.md wording), the button, the count
    assert "正在征求意见" in text
    assert "征求意见事项：" in text
    assert re.search(r"征求意见截止：2026年1[12]月\d+日 24:00（还剩 \d+ 天）", text)
    assert f"已收到 {received} 条意见" in text and received > 0
    button = f'href="/decisions/{d.id}/opinions/new"'
    assert button in html
    # the card and its button come before the facts, the proposal origin and the timeline
    card = html.index('class="consult-card')
    assert html.index("<h1>") < card < html.index(button) < html.index('id="tl-h"')
    assert html.index(button) < html.index('class="facts"')


def test_timeline_collapses_to_the_current_step_with_the_whole_in_details(client, demo):
    d = _decision(WASTE)
    html = client.get(f"/decisions/{d.id}").get_data(as_text=True)
    text = text_of(client.get(f"/decisions/{d.id}"))
    assert re.search(r"共 11 个程序步骤，已完成 \d+ 个", text)
    current = html[html.index('class="timeline timeline-current"') : html.index("<details")]
    assert "公众参与" in current and "决策启动" not in current
    details = html[html.index('<details class="timeline-all"') :]
    assert "查看全部 11 个程序步骤" in details
    assert "决策启动" in details[: details.index("</details>")]


def test_closed_consultation_card_says_closed_with_links_instead_of_the_button(client, demo):
    d = _decision(WASTE)
    consultation = db.session.scalar(
        sa.select(Consultation).where(Consultation.decision_id == d.id)
    )
    consultation.closes_at = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 24:00 of 24 Nov
    db.session.commit()
    page = client.get(f"/decisions/{d.id}")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "征求意见已截止" in text
    assert "征求意见已于2026年11月24日 24:00截止" in text
    assert "意见采纳情况尚未公布" in text
    assert f"/decisions/{d.id}/opinions/new" not in html
    assert f'href="/decisions/{d.id}/opinions"' in html


def test_home_opens_with_consultation_cards_with_button_and_count(client, opinions):
    html = client.get("/").get_data(as_text=True)
    d = _decision(WASTE)
    first_card = html.index('class="consult-card')
    assert first_card < html.index('role="search"')  # before the search box and the rest
    assert f'href="/decisions/{d.id}/opinions/new"' in html
    assert re.search(r"已收到 \d+ 条意见", text_of(client.get("/")))
    assert 'href="/consultations"' in html


def test_published_dossier_shows_document_number_publication_and_filing(client, demo):
    d = _decision(PARKING)
    assert d.document_number and d.filing_ref and d.filed_on
    page = client.get(f"/decisions/{d.id}")
    html, text = page.get_data(as_text=True), text_of(page)
    assert f"文号 {d.document_number}" in text
    assert re.match(r"赤政发〔20\d\d〕\d+号", d.document_number)
    assert "公布日期" in text
    assert "备案号 " + d.filing_ref in text
    assert "向上级政府备案日期" in text or "备案日期" in text
    # the final text and its publication come first; the consultation is in the past section
    assert html.index('id="pubfacts-h"') < html.index('id="doc-h"') < html.index('id="tl-h"')
    assert html.index('id="doc-h"') < html.index('id="c-h"')
    assert "往期征求意见" in text
    assert f'href="/decisions/{d.id}/opinions/new"' not in html
    assert 'class="consult-card' not in html


def test_published_dossier_has_no_duplicated_feedback_heading(client, demo):
    for title in (PARKING, PRESCHOOL):
        d = _decision(title)
        html = client.get(f"/decisions/{d.id}").get_data(as_text=True)
        headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
        assert len(headings) == len(set(headings)), headings
        assert headings.count("对本决策的意见反馈") <= 1


def test_filing_on_the_due_day_is_not_overdue_and_after_it_is(client, demo):
    """PROC-38a: 30 calendar days from publication (decision 8 published 17 Oct, due 16 Nov)."""
    d = _decision(PRESCHOOL)
    assert d.filed_on is None
    clock.freeze(_local(2026, 11, 16))  # the due day
    try:
        text = _main_text(client.get(f"/decisions/{d.id}"))
        assert "尚未备案" in text and "逾期" not in text
        assert "应于2026年11月16日前备案" in text
        board = text_of(client.get("/deadlines?gov=chifeng"))
        assert PRESCHOOL not in board and "目前没有逾期事项" in board
    finally:
        clock.freeze(NOW)

    page = client.get(f"/decisions/{d.id}")  # NOW: 26 Nov, ten days later
    html, text = page.get_data(as_text=True), text_of(page)
    assert "逾期 10 天" in text
    filing = html[html.index('class="tl-current tl-overdue"') :]
    filing = filing[: filing.index("</li>")]
    assert "备案" in filing and "逾期 10 天" in filing and "进行中" not in filing
    board = client.get("/deadlines?gov=chifeng")
    assert board.status_code == 200
    board_text = text_of(board)
    assert PRESCHOOL in board_text and "逾期 10 天" in board_text
    assert "向上一级人民政府报送备案" in board_text
    assert "2026年11月16日" in board_text


def test_public_board_is_per_government_and_leaks_nothing_private(client, demo):
    hongshan = text_of(client.get("/deadlines?gov=hongshan"))
    assert PRESCHOOL not in hongshan
    assert client.get("/deadlines?gov=nowhere").status_code == 404
    city = client.get("/deadlines").get_data(as_text=True)  # the city by default
    assert PRESCHOOL in city and 'aria-current="page">赤峰市' in city
    for secret in ("@", "1390", "赤峰市重要物资储备布局调整方案"):
        assert secret not in text_of(client.get("/deadlines?gov=chifeng"))


def test_filed_late_decision_says_so_on_the_dossier(client, demo):
    d = _decision(PARKING)
    d.filed_on = d.published_at.date().replace(year=d.published_at.year + 1)
    db.session.commit()
    text = text_of(client.get(f"/decisions/{d.id}"))
    assert re.search(r"逾期 \d+ 天备案", text)


def test_back_office_publish_form_records_the_document_number(client, demo):
    from tests.conftest import login

    d = _decision("赤峰市基本医疗保险门诊共济保障实施办法")
    login(client, "office")
    form = client.get(f"/admin/decisions/{d.id}/publication")
    assert 'name="document_number"' in form.get_data(as_text=True)
    assert "文号" in text_of(form)
    too_long = client.post(
        f"/admin/decisions/{d.id}/publication/publish",
        data={
            "published_on": "2026-11-26",
            "channels": "赤峰市人民政府网站",
            "document_number": "号" * 101,
        },
    )
    assert too_long.status_code == 422
    db.session.expire_all()
    assert db.session.get(Decision, d.id).published_at is None
    done = client.post(
        f"/admin/decisions/{d.id}/publication/publish",
        data={
            "published_on": "2026-11-26",
            "channels": "赤峰市人民政府网站",
            "document_number": "赤政发〔2026〕12号",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Decision, d.id).document_number == "赤政发〔2026〕12号"
    client.get("/admin/logout")
    text = text_of(client.get(f"/decisions/{d.id}"))
    assert "文号 赤政发〔2026〕12号" in text and "公布日期 2026年11月26日" in text


def test_public_board_shows_an_adjusted_catalog_filed_late(client, demo):
    """CAT-16c: an adjusted catalog is filed within 10 working days of its publication."""
    from portal.models.catalog import Catalog, CatalogAdjustment

    catalog = db.session.scalar(
        sa.select(Catalog).where(Catalog.published_at.is_not(None)).order_by(Catalog.id)
    )
    db.session.add(
        CatalogAdjustment(
            catalog_id=catalog.id,
            version=99,
            description="增补事项",
            published_at=datetime(2026, 10, 1, 2, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    page = client.get(f"/deadlines?gov={catalog.government.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/catalogs/{catalog.government.slug}/{catalog.year}"' in html
    assert re.search(r"逾期 \d+ 天", text_of(page))
