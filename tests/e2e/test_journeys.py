"""Real journeys in Chromium against gunicorn: a citizen reads a draft, staff sign in."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def test_citizen_finds_an_open_consultation_and_reads_the_draft(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert (
        page.get_by_role("heading", name="意见征集").count() or page.get_by_text("意见征集").count()
    )
    shot(page, "home-zh")
    page.get_by_role("link", name="赤峰市中心城区供热专项规划（2026—2035年）").first.click()
    page.wait_for_load_state()
    assert re.search(r"/decisions/\d+$", page.url)
    body = page.locator("main").inner_text()
    assert "征求意见截止" in body
    assert "在线提交" in body
    assert page.locator(".timeline .tl-current").count() >= 1
    shot(page, "decision-zh")
    # Switch to English with the header link; the choice sticks on the next page.
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Public consultation" in page.locator("main").inner_text()
    page.goto(live_server + "/decisions")
    assert page.locator("html").get_attribute("lang") == "en"


def test_large_text_mode_enlarges_text_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/decisions")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    with page.expect_navigation(url="**/decisions"):  # the redirect back, not the old page
        page.get_by_role("link", name="大字版").click()
    page.wait_for_selector("body.large-text")
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 1.5 * normal
    shot(page, "decisions-large-text")
    page.goto(live_server + "/")
    assert "large-text" in (page.locator("body").get_attribute("class") or "")
    context.close()


def test_keyboard_user_reaches_the_skip_link_first(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left >= 0")


def test_phone_layout_has_no_horizontal_scrolling(browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True
    )
    page = context.new_page()
    for path in ("/", "/decisions", "/catalogs/chifeng/2026"):
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
    page.goto(live_server + "/decisions")
    shot(page, "decisions-phone")
    context.close()


def test_staff_sign_in_see_their_decisions_and_sign_out(page, live_server):
    page.goto(live_server + "/admin/")
    assert "/admin/login" in page.url
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/admin")
    assert page.get_by_role("heading", name="待办事项", exact=True).is_visible()  # the inbox
    page.get_by_role("navigation", name="管理后台").get_by_role("link", name="决策事项").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "赤峰市重要物资储备布局调整方案" in main  # staff see non-disclosable items
    assert "红山区老旧小区改造提升实施方案" not in main  # but not another government's
    shot(page, "admin-dashboard")
    page.get_by_role("button", name="退出").click()
    page.goto(live_server + "/admin/")
    assert "/admin/login" in page.url
