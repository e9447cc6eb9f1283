"""Issue 12 (A): on a 390x844 phone, in Chinese, with JavaScript off, the consultation card's
"提出意见" button of /decisions/2 is within the first screen, in standard and large text."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_submit_button_of_decision_2_is_above_the_fold_on_a_phone(browser, live_server, large):
    context = browser.new_context(
        java_script_enabled=False, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    if large:
        context.add_cookies([{"name": "portal_large_text", "value": "1", "url": live_server}])
    page = context.new_page()
    page.goto(live_server + "/decisions/2")
    assert page.title().startswith("赤峰市中心城区居民生活垃圾分类管理实施方案")
    if large:
        assert "large-text" in (page.locator("body").get_attribute("class") or "")
    card = page.locator("section.consult-card")
    assert "正在征求意见" in card.inner_text()
    assert "征求意见截止：" in card.inner_text() and "还剩" in card.inner_text()
    assert "已收到" in card.inner_text()
    button = card.get_by_role("link", name="提出意见")
    box = button.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert box["height"] >= 24  # a touch target of at least 24 px
    # the timeline comes after the card, collapsed to the current step
    timeline = page.locator("#tl-h").bounding_box()
    assert timeline["y"] > box["y"]
    assert not page.locator("details.timeline-all").evaluate("d => d.open")
    shot(page, f"issue12-a-dossier-phone-{'large' if large else 'standard'}")
    button.click()
    assert page.url.endswith("/decisions/2/opinions/new")
    context.close()
