"""Issue 12, part C: a moderator and an undertaker work only from their inbox, in Chromium at
phone size (390 x 844), JavaScript off: every page is reached by following links, never by
typing an address (besides the sign-in page)."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"
PHONE = {"width": 390, "height": 844}


def phone(browser):
    return browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, java_script_enabled=False
    )


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="待办事项", exact=True).is_visible()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def inbox_item(page, group: str, title: str):
    """The inbox line of ``title`` in the group headed ``group``, and its count."""
    section = page.locator("section.inbox-group", has=page.get_by_role("heading", name=group))
    line = section.locator("li", has_text=title).first
    count = int(line.locator(".count").inner_text())
    return line, count


def test_a_moderator_and_an_undertaker_work_from_their_inbox(browser, live_server):
    context = phone(browser)
    page = context.new_page()

    # -- the moderator: inbox -> the queue of opinions awaiting moderation -> publish one
    sign_in(page, live_server, "moderator")
    no_sideways_scroll(page)
    assert "工作人员登录" not in page.locator("body").inner_text()
    shot(page, "issue12-c-inbox-moderator-phone")
    line, waiting = inbox_item(page, "待审核的意见", HEATING)
    assert waiting >= 1
    line.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/opinions" in page.url
    first = page.locator("article.opinion").first
    opinion_id = first.get_attribute("id")  # e.g. "op-12"
    first.get_by_role("button", name="公开", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 0
    # back to the inbox by its navigation link: one fewer to moderate
    page.get_by_role("navigation", name="管理后台").get_by_role("link", name="待办事项").click()
    page.wait_for_load_state()
    section = page.locator(
        "section.inbox-group", has=page.get_by_role("heading", name="待审核的意见")
    )
    if waiting > 1:
        assert inbox_item(page, "待审核的意见", HEATING)[1] == waiting - 1
    else:
        assert section.locator("li", has_text=HEATING).count() == 0
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()

    # -- the undertaker (housing bureau): inbox -> opinions to answer -> answer the new one
    sign_in(page, live_server, "undertaker")
    no_sideways_scroll(page)
    shot(page, "issue12-c-inbox-undertaker-phone")
    line, to_answer = inbox_item(page, "待答复的意见", HEATING)
    assert to_answer >= 1
    line.get_by_role("link").first.click()
    page.wait_for_load_state()
    # the opinion the moderator has just published, else the first one still unanswered
    item = page.locator(f"article#{opinion_id}")
    if item.count() == 0:
        item = page.locator("article.opinion", has=page.locator(".adoption-pending")).first
    item.locator("input[name=adoption][value=adopted]").check()
    item.locator("textarea[name=response]").fill("已采纳，将在修改稿中体现。")
    item.locator("form.record button").first.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 0
    page.get_by_role("navigation", name="管理后台").get_by_role("link", name="待办事项").click()
    page.wait_for_load_state()
    section = page.locator(
        "section.inbox-group", has=page.get_by_role("heading", name="待答复的意见")
    )
    if to_answer > 1:
        assert inbox_item(page, "待答复的意见", HEATING)[1] == to_answer - 1
    else:
        assert section.locator("li", has_text=HEATING).count() == 0
    shot(page, "issue12-c-inbox-undertaker-after-phone")
    context.close()


def test_the_staff_inbox_on_a_desktop(page, live_server):
    sign_in(page, live_server, "office")
    assert page.get_by_role("banner").get_by_text("市政府办公室 王敏").is_visible()
    assert page.get_by_role("contentinfo").is_visible()
    assert "工作人员登录" not in page.locator("body").inner_text()
    shot(page, "issue12-c-inbox-office-desktop")


def test_staff_pages_fit_a_320_px_phone_in_large_text(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 320, "height": 700}, is_mobile=True
    )
    host = live_server.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "portal_large_text", "value": "1", "domain": host, "path": "/"}])
    page = context.new_page()
    sign_in(page, live_server, "undertaker")
    assert "large-text" in (page.locator("body").get_attribute("class") or "")
    paths = ["/admin/", "/admin/decisions", "/admin/deadlines"]
    page.goto(live_server + "/admin/decisions")
    href = page.get_by_role("link", name=HEATING).first.get_attribute("href")
    decision = href.split("/decisions/")[1].split("/")[0]
    paths.append(f"/admin/decisions/{decision}")
    for path in paths:
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    shot(page, "issue12-c-workspace-320-large")
    context.close()
