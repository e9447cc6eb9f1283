"""Issue 12 (d) in Chromium: a journalist on a phone (JavaScript off) goes from a changed article
of the draft-to-final view to an opinion whose answer cites it and back; the moderation queue
opens on what awaits moderation with a primary "publish" and an outlined "withhold"."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

PLAN = "赤峰市学前教育普惠发展三年行动计划（2026—2028年）"
WASTE = "赤峰市中心城区居民生活垃圾分类管理实施方案"


def _decision_id(live_server: str, title: str) -> int:
    with urllib.request.urlopen(f"{live_server}/api/v1/decisions?per_page=100") as response:
        items = json.load(response)["items"]
    return next(d["id"] for d in items if d["title"] == title)


def test_journalist_follows_a_change_to_the_opinions_and_back(browser, live_server):
    plan = _decision_id(live_server, PLAN)
    context = browser.new_context(
        java_script_enabled=False,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    page = context.new_page()
    page.goto(f"{live_server}/decisions/{plan}")
    page.get_by_role("link", name="每个修改的条款及引用该条的意见答复").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/decisions/{plan}/changes")
    article = page.locator("section#article-2")
    assert "引用本条的意见答复（2）" in article.inner_text()
    shot(page, "issue12-d-changes-by-article-phone")
    article.locator("a[href*='#opinion-']").first.click()
    page.wait_for_load_state()
    assert f"/decisions/{plan}/opinions" in page.url and "#opinion-" in page.url
    opinion_id = page.url.split("#opinion-")[1]
    item = page.locator(f"article#opinion-{opinion_id}")
    assert "第二条" in item.inner_text()
    shot(page, "issue12-d-opinion-cites-article-phone")
    item.locator("a[href$='/changes#article-2']").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/decisions/{plan}/changes#article-2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    context.close()


def test_moderation_queue_opens_on_pending_with_distinct_actions(browser, live_server):
    from tests.conftest import DEMO_PASSWORD

    waste = _decision_id(live_server, WASTE)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/admin/login")
    page.get_by_label("用户名").fill("moderator")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/admin/decisions/{waste}/opinions")
    current = page.locator("nav.filters a[aria-current=page]").inner_text()
    assert "待审核" in current
    item = page.locator("article.opinion").first
    publish = item.locator("button[value=approve]")
    withhold = item.locator("button[value=withhold]")

    def style(button) -> tuple[str, str]:
        return button.evaluate(
            "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderTopStyle]"
        )

    assert style(publish)[0] != style(withhold)[0]  # filled versus outlined
    assert style(withhold)[0] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    shot(page, "issue12-d-moderation-queue")
    page.goto(f"{live_server}/admin/decisions/{waste}/opinions?status=published")
    published = page.locator("article.opinion").first
    assert published.locator("button[value=approve]").count() == 0  # meaningless: not shown
    assert published.locator("button[value=withhold]").count() == 1
    context.close()
