"""The public shell: home, decision column, dossier, catalogs, language and large text."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from tests.conftest import NOW, text_of

OPEN_TITLES = [
    "赤峰市中心城区供热专项规划（2026—2035年）",
    "赤峰市中心城区居民生活垃圾分类管理实施方案",
    "红山区老旧小区改造提升实施方案",
]
SECRET_TITLE = "赤峰市重要物资储备布局调整方案"


def test_home_lists_open_consultations_in_chinese_with_days_left(client, demo):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    text = text_of(page)
    assert "正在征求意见" in text  # the open consultations section
    for title in OPEN_TITLES:
        assert title in text
    # The shortened period is explained right on the card (PROC-17c).
    assert "征求意见期限缩短为20日" in text
    # Closing dates read like 2026年12月…日 24:00 with the days left.
    assert re.search(r"2026年12月\d+日 24:00", text)
    assert re.search(r"还剩 ?\d+ ?天", text)


def test_home_in_english_through_lang_parameter_and_remembered(client, demo):
    page = client.get("/?lang=en")
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Open consultations" in text_of(page)
    assert "portal_lang=en" in page.headers.get("Set-Cookie", "")
    again = client.get("/decisions")  # the cookie keeps English on the next page
    assert '<html lang="en">' in again.get_data(as_text=True)
    back = client.get("/?lang=zh_CN")
    assert '<html lang="zh-CN">' in back.get_data(as_text=True)


def test_closed_consultation_is_not_on_the_home_page(client, demo):
    consultation = db.session.scalars(sa.select(Consultation)).first()
    consultation.closes_at = NOW.replace(year=2026, month=11, day=1)
    db.session.commit()
    text = text_of(client.get("/"))
    assert consultation.decision.title not in text


def test_decision_list_filters_by_government_stage_and_year(client, demo):
    text = text_of(client.get("/decisions?gov=hongshan"))
    assert "红山区老旧小区改造提升实施方案" in text
    assert "赤峰市中心城区供热专项规划" not in text

    text = text_of(client.get("/decisions?stage=published"))
    assert "赤峰市学前教育普惠发展三年行动计划" in text
    assert "赤峰市中心城区供热专项规划" not in text

    closed = db.session.scalar(sa.select(Decision).where(Decision.stage == "closed"))
    assert closed.title in text_of(client.get(f"/decisions?year={closed.year}&stage=closed"))
    assert closed.title not in text_of(client.get(f"/decisions?year={closed.year + 5}"))


def test_bad_filters_are_ignored_not_errors(client, demo):
    for query in ("stage=nonsense", "year=２０２６", "gov=<script>", "page=-3", "category=x"):
        page = client.get(f"/decisions?{query}")
        assert page.status_code == 200, query
        assert "<script>" not in page.get_data(as_text=True).split("<main", 1)[1]


def test_non_disclosable_decision_never_appears_publicly(client, demo):
    secret = db.session.scalar(sa.select(Decision).where(Decision.title == SECRET_TITLE))
    assert secret.non_disclosable
    assert SECRET_TITLE not in text_of(client.get("/decisions"))
    assert SECRET_TITLE not in text_of(client.get("/"))
    assert client.get(f"/decisions/{secret.id}").status_code == 404
    assert client.get(f"/api/v1/decisions/{secret.id}").status_code == 404
    assert SECRET_TITLE not in client.get("/api/v1/decisions?per_page=100").get_data(as_text=True)
    # In the catalog it shows its name and unit only, with no link to a dossier (rules.md A7).
    catalog = client.get("/catalogs/chifeng/2026").get_data(as_text=True)
    assert SECRET_TITLE in catalog
    assert f'href="/decisions/{secret.id}"' not in catalog


def test_decision_dossier_shows_timeline_notice_and_documents(client, demo):
    heating = db.session.scalar(sa.select(Decision).where(Decision.title == OPEN_TITLES[0]))
    page = client.get(f"/decisions/{heating.id}")
    text = text_of(page)
    assert heating.title in text
    assert "市住房和城乡建设局" in text
    # Timeline: initiation and drafting done, participation in progress, legality review ahead.
    html = page.get_data(as_text=True)
    assert html.count('class="tl-done"') >= 2
    assert 'class="tl-current"' in html
    assert 'class="tl-ahead"' in html
    # PART-7b notice fields: channels, contact department, deadline.
    assert "在线提交" in text and "0476-8331234" in text
    assert "征求意见稿" in text
    # The draft has two public versions; the latest is shown.
    assert "不低于65%" in text


def test_published_decision_shows_text_and_interpretation(client, demo):
    d = db.session.scalar(sa.select(Decision).where(Decision.title.like("%学前教育%")))
    text = text_of(client.get(f"/decisions/{d.id}"))
    assert "政策解读" in text
    assert "公众意见采纳情况说明" in text


def test_catalog_pages_show_entries_and_dates(client, demo):
    text = text_of(client.get("/catalogs"))
    assert "赤峰市" in text and "红山区" in text and "松山区" in text
    page = client.get("/catalogs/chifeng/2026")
    text = text_of(page)
    assert "2026年3月20日" in text  # publication date
    assert "赤峰市中心城区供热专项规划" in text
    assert client.get("/catalogs/chifeng/1999").status_code == 404


def test_large_text_mode_is_a_cookie_and_a_body_class(client, demo):
    response = client.get("/display?large=1&next=/decisions")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/decisions")
    assert 'class="large-text' in client.get("/").get_data(as_text=True)
    client.get("/display?large=0&next=/")
    assert 'class="large-text' not in client.get("/").get_data(as_text=True)


def test_display_switch_never_redirects_off_site(client):
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/%0d%0a"):
        response = client.get("/display", query_string={"large": "1", "next": target})
        location = response.headers["Location"]
        assert "evil" not in location, target


def test_every_page_has_landmarks_title_and_skip_link(client, demo):
    for url in ("/", "/decisions", "/catalogs", "/search", "/privacy", "/accessibility"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(r"<title>[^<]+</title>", html), url
        for landmark in ('<header class="site-header"', "<nav", '<main id="main"', "<footer"):
            assert landmark in html, (url, landmark)
        assert 'href="#main"' in html
        assert "网站标识码" in html and "蒙ICP备" in html
