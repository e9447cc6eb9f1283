"""A citizen registers for the open demo hearing in Chromium without JavaScript, keeps the
receipt with its check-in QR code, looks the registration up and cancels it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def test_citizen_registers_for_a_hearing_looks_it_up_and_cancels(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/")
    hearings = page.locator("section[aria-labelledby=hearings-h]")
    assert "可报名的听证会" in hearings.inner_text()
    hearings.get_by_role("link", name="报名").first.click()
    page.wait_for_load_state()
    assert "/register" in page.url
    assert page.locator("a[href='/privacy']").count() >= 1  # the notice before submitting
    page.fill("input[name=name]", "孙立平")
    page.fill("input[name=contact_phone]", "13904769999")
    page.fill("input[name=contact_email]", "sun@example.cn")
    page.get_by_label("居民用户").check()
    page.fill("textarea[name=statement]", "希望优先改造老旧小区二级管网。")
    page.locator("form.record button[type=submit]").click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").inner_text().strip()
    assert len(code) == 12
    assert "已确认参加" in page.locator("main").inner_text()
    assert page.locator("figure.checkin-qr svg").count() == 1  # QR made on the server
    shot(page, "hearing-receipt")

    page.get_by_role("link", name="查询或取消报名").first.click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert code in main and "已确认参加" in main
    assert "13904769999" not in page.content()  # the phone is never shown back
    page.get_by_role("button", name="取消我的报名").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="确认取消报名").click()  # the confirmation step
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "您的报名已取消" in main and "已取消" in main
    assert page.get_by_role("button", name="取消我的报名").count() == 0
    shot(page, "hearing-cancelled")
    context.close()
