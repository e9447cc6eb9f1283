"""Issue 12 (A): /consultations with open / closed / answered tabs, deadlines and counts;
/publications lists every published decision whatever its later stage; the navigation and the
footer reach the look-ups, statistics and the new listings from the home page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from tests.conftest import text_of

OPEN_TITLES = [
    "赤峰市中心城区供热专项规划（2026—2035年）",
    "赤峰市中心城区居民生活垃圾分类管理实施方案",
    "红山区老旧小区改造提升实施方案",
]
PRESCHOOL = "赤峰市学前教育普惠发展三年行动计划（2026—2028年）"
FARES = "赤峰市城市公共交通票价调整方案"  # consultation closed, now in legality review
SECRET_TITLE = "赤峰市重要物资储备布局调整方案"
PUBLISHED_THEN_MOVED_ON = {
    "赤峰市城区停车设施建设和管理办法": "决策执行",
    "赤峰市红山文化遗址保护利用规划": "决策后评估",
    "赤峰市城乡居民最低生活保障标准调整方案": "已办结",
    "赤峰市中心城区渣土运输车辆管理办法": "已中止",
    "赤峰市共享电动自行车投放管理方案": "已终止",
}


def _tab_counts(html: str) -> dict[str, int]:
    tabs = html[html.index('class="tabs"') : html.index("</nav>", html.index('class="tabs"'))]
    return {
        status: int(count)
        for status, count in re.findall(
            r'status=(\w+)[^"]*"[^>]*>[^<]+<span class="tab-count">\((\d+)\)', tabs
        )
    }


def test_consultations_open_tab_lists_deadlines_days_left_and_counts(client, demo):
    from portal.demo_opinions import seed_demo_opinions
    from tests.conftest import NOW

    seed_demo_opinions(NOW)
    db.session.commit()
    page = client.get("/consultations")
    assert page.status_code == 200
    html, text = page.get_data(as_text=True), text_of(page)
    for title in OPEN_TITLES:
        assert title in text
    assert FARES not in text
    assert re.search(r"2026年1[12]月\d+日 24:00 还剩 \d+ 天", text)
    waste = db.session.scalar(sa.select(Decision).where(Decision.title == OPEN_TITLES[1]))
    received = db.session.scalar(
        sa.select(sa.func.count()).select_from(Opinion).where(Opinion.decision_id == waste.id)
    )
    row = html[html.index(OPEN_TITLES[1]) :]
    row = row[: row.index("</tr>")]
    assert received > 0 and f'data-label="收到的意见">{received}</td>' in row
    assert f"/decisions/{waste.id}/opinions/new" in row
    assert 'href="/consultations?status=open" aria-current="page"' in html
    counts = _tab_counts(html)
    assert counts["open"] == 3
    assert counts["closed"] >= 1 and counts["answered"] >= 1


def test_consultations_closed_and_answered_tabs(client, demo):
    closed = client.get("/consultations?status=closed")
    text = text_of(closed)
    assert FARES in text
    assert "已截止，待公布采纳情况" in text
    assert not any(t in text.split("筛选", 1)[1].split("(", 1)[1] for t in OPEN_TITLES[:1])
    assert 'href="/consultations?status=closed" aria-current="page"' in closed.get_data(
        as_text=True
    )
    answered = text_of(client.get("/consultations?status=answered"))
    assert PRESCHOOL in answered  # its adoption report is published
    assert "采纳情况公布日期" in answered
    assert FARES not in answered.split("下一步", 1)[1]
    assert SECRET_TITLE not in answered


def test_consultations_filter_by_government_and_bad_status(client, demo):
    text = text_of(client.get("/consultations?gov=hongshan"))
    assert "红山区老旧小区改造提升实施方案" in text
    assert OPEN_TITLES[0] not in text
    assert client.get("/consultations?status=nonsense&gov=%3Cx%3E").status_code == 200
    paged = client.get("/consultations?status=answered&per_page=1&page=2")
    assert paged.status_code == 200 and "第 2 页" in text_of(paged)


def test_closed_consultation_moves_from_open_to_closed_tab(client, demo):
    from tests.conftest import NOW

    waste = db.session.scalar(sa.select(Decision).where(Decision.title == OPEN_TITLES[1]))
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == waste.id))
    c.closes_at = NOW.replace(day=20)
    db.session.commit()
    assert OPEN_TITLES[1] not in text_of(client.get("/consultations"))
    assert OPEN_TITLES[1] in text_of(client.get("/consultations?status=closed"))


def test_old_consultation_filter_of_the_decision_column_still_works(client, demo):
    text = text_of(client.get("/decisions?stage=consultation"))
    for title in OPEN_TITLES:
        assert title in text


def test_publications_lists_decisions_published_then_moved_on_newest_first(client, demo):
    page = client.get("/publications")
    assert page.status_code == 200
    html, text = page.get_data(as_text=True), text_of(page)
    assert PRESCHOOL in text
    for title, stage in PUBLISHED_THEN_MOVED_ON.items():
        assert title in text
        row = html[html.index(title) :]
        assert stage in row[: row.index("</tr>")]
    assert "共 6 项决策" in text
    assert SECRET_TITLE not in text and OPEN_TITLES[0] not in text
    published = db.session.scalars(
        sa.select(Decision)
        .where(Decision.published_at.is_not(None), Decision.non_disclosable.is_(False))
        .order_by(Decision.published_at.desc(), Decision.id.desc())
    ).all()
    positions = [html.index(d.title) for d in published]
    assert positions == sorted(positions)
    for d in published:
        assert d.document_number in text
    assert re.search(r"赤政发〔2026〕\d+号 2026年\d+月\d+日", text)


def test_nav_points_to_consultations_and_publications(client, demo):
    html = client.get("/").get_data(as_text=True)
    nav = html[
        html.index('class="main-nav"') : html.index("</nav>", html.index('class="main-nav"'))
    ]
    assert 'href="/consultations"' in nav and ">意见征集<" in nav
    assert 'href="/publications"' in nav and ">决策公布<" in nav
    consultations = client.get("/consultations").get_data(as_text=True)
    assert 'href="/consultations" aria-current="page"' in consultations


def _links(html: str) -> set[str]:
    return {
        urlsplit(h).path
        for h in re.findall(r'href="([^"#]+)', html)
        if h.startswith("/") and not h.startswith("//")
    }


def test_lookups_statistics_and_board_are_reachable_from_the_home_page(client, demo):
    home = client.get("/").get_data(as_text=True)
    footer = home[home.index('class="site-footer"') :]
    for path in ("/opinions/status", "/registrations/status", "/statistics", "/deadlines"):
        assert f'href="{path}"' in footer, path
    assert "查询意见办理" in footer
    # a crawl from the home page (two levels) reaches them
    seen = _links(home)
    for path in list(seen):
        if path.startswith(("/static", "/feeds", "/admin", "/display")):
            continue
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            seen |= _links(response.get_data(as_text=True))
    for path in (
        "/opinions/status",
        "/registrations/status",
        "/statistics",
        "/consultations",
        "/publications",
        "/deadlines",
    ):
        assert path in seen, path
        assert client.get(path).status_code == 200
