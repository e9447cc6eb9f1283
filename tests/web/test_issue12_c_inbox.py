"""Issue 12, part C: the work inbox at /admin/ and the staff layout."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.demo_opinions import seed_demo_opinions
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus
from tests.conftest import NOW, login, text_of

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"
WASTE = "赤峰市中心城区居民生活垃圾分类管理实施方案"
COUNTY = "红山区老旧小区改造提升实施方案"


def main_links(response) -> list[str]:
    html = response.get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return sorted(set(re.findall(r'href="(/admin/[^"#]*)', main)))


def waiting(title: str, status: OpinionStatus) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Opinion.id))
        .join(Decision, Opinion.decision_id == Decision.id)
        .where(Decision.title == title, Opinion.status == status)
    )


def test_the_moderator_inbox_counts_opinions_to_moderate_with_links_that_open(client, demo):
    seed_demo_opinions(NOW)
    db.session.commit()
    login(client, "moderator")
    page = client.get("/admin/")
    assert page.status_code == 200
    text = text_of(page)
    assert "待办事项" in text and "待审核的意见" in text
    n = waiting(WASTE, OpinionStatus.RECEIVED)
    assert n >= 4 and f"{n} {WASTE}" in text  # the count, then the decision
    assert COUNTY not in text  # another government's consultation
    links = main_links(page)
    decision = db.session.scalar(sa.select(Decision).where(Decision.title == WASTE))
    assert f"/admin/decisions/{decision.id}/opinions?status=received" in links
    for href in links:
        assert client.get(href).status_code == 200, href


def test_the_undertaker_inbox_lists_only_their_units_opinions_to_answer(client, demo):
    seed_demo_opinions(NOW)
    db.session.commit()
    login(client, "undertaker")  # the housing bureau
    page = client.get("/admin/")
    text = text_of(page)
    assert "待答复的意见" in text
    answer = text.split("待答复的意见", 2)[-1]
    assert HEATING in answer
    assert WASTE not in text  # the city management bureau's decision
    assert COUNTY not in text
    assert "承办单位的待办只列出市住房和城乡建设局承办的决策事项" in text
    for href in main_links(page):
        assert client.get(href).status_code == 200, href


def test_every_role_gets_an_inbox_whose_links_open(client, demo):
    seed_demo_opinions(NOW)
    db.session.commit()
    for username in ("office", "reviewer", "supervisor", "evaluator", "admin", "hongshan.office"):
        login(client, username)
        page = client.get("/admin/")
        assert page.status_code == 200, username
        for href in main_links(page):
            assert client.get(href).status_code == 200, (username, href)
        client.post("/admin/logout")


def test_the_flat_decision_list_stays_at_admin_decisions(client, demo):
    login(client, "office")
    text = text_of(client.get("/admin/decisions"))
    assert HEATING in text and WASTE in text
    assert COUNTY not in text
    assert 'href="/admin/decisions"' in client.get("/admin/").get_data(as_text=True)


def test_the_staff_layout_has_no_public_header_or_footer(client, demo):
    login(client, "moderator")
    html = client.get("/admin/").get_data(as_text=True)
    text = text_of(client.get("/admin/"))
    assert "工作人员登录" not in text
    assert "site-footer" not in html and "主办单位" not in text and "ICP" not in text
    assert 'class="main-nav"' not in html  # no public navigation
    # who is signed in, in which role and government; sign-out is a POST form
    assert "意见审核员 刘洋" in text and "意见审核员" in text and "赤峰市人民政府" in text
    assert re.search(r'<form method="post" action="/admin/logout"', html)
    # landmarks, skip link, language
    assert '<html lang="zh-CN">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert '<nav class="staff-nav" aria-label="管理后台">' in html
    assert 'aria-current="page"' in html  # the inbox item of the staff navigation
    assert "css/admin.css" in html


def test_the_sign_in_page_uses_the_staff_layout_too(client, demo):
    text = text_of(client.get("/admin/login"))
    assert "工作人员登录" in text  # its own heading, once
    assert text.count("工作人员登录") == 2  # title and heading; no footer link
    assert "主办单位" not in text


def test_staff_navigation_follows_permissions(client, demo):
    login(client, "moderator")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/audit"' not in html and 'href="/admin/statistics"' not in html
    assert client.get("/admin/audit").status_code == 403
    client.post("/admin/logout")
    login(client, "office")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/audit"' in html and 'href="/admin/statistics"' in html


def test_statistics_headers_sit_in_a_scrolling_box(client, demo):
    login(client, "office")
    html = client.get("/admin/statistics").get_data(as_text=True)
    assert 'class="table-wrap table-scroll"' in html and '<caption id="stats-caption">' in html
    css = client.get("/static/css/admin.css").get_data(as_text=True)
    rule = css.split('.table.stats th[scope="col"]', 1)[1].split("}", 1)[0]
    assert "min-width" in rule and "keep-all" in rule
