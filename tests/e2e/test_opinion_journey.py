"""A citizen comments on an open draft without JavaScript and keeps a receipt code."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def test_citizen_submits_an_opinion_and_looks_it_up_by_receipt(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False,
        locale="zh-CN",
        viewport={"width": 390, "height": 800},
        is_mobile=True,
    )
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="赤峰市中心城区居民生活垃圾分类管理实施方案").first.click()
    page.get_by_role("link", name="提出意见").first.click()
    assert "/opinions/new" in page.url
    assert page.locator("a[href='/privacy']").count() >= 1  # the notice comes before submitting
    page.fill("textarea[name=body]", "建议在老旧小区增设分类投放点，并延长晚间投放时间。")
    page.fill("input[name=contact_email]", "resident@example.cn")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").inner_text().strip()
    assert len(code) >= 8
    shot(page, "opinion-receipt-phone")
    page.locator("a[href^='/opinions/status']").first.click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert code in text
    assert "已收到，待审核" in text  # received, awaiting moderation
    assert "待处理" in text  # adoption still pending
    assert "resident@example.cn" not in page.content()
    context.close()
