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


def _sign_in(page, live_server, username: str) -> None:
    from tests.conftest import DEMO_PASSWORD

    page.goto(live_server + "/admin/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_an_opinion_is_public_only_after_moderation_and_then_shows_its_answer(browser, live_server):
    """Submit without JavaScript; absent from the public page until approved; a moderator
    publishes it, the undertaking unit drafts the answer, previews and releases it (issue 12),
    and the citizen sees the answer."""
    body = "建议第五条明确收运车辆夜间作业的噪声限值，电话13904760000。"
    citizen = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = citizen.new_page()
    page.goto(live_server + "/decisions")
    page.get_by_role("link", name="赤峰市中心城区居民生活垃圾分类管理实施方案").first.click()
    page.get_by_role("link", name="提出意见").first.click()
    decision_id = page.url.split("/decisions/")[1].split("/")[0]
    page.fill("textarea[name=body]", body)
    page.fill("input[name=clause]", "第五条")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").inner_text().strip()
    public_list = f"{live_server}/decisions/{decision_id}/opinions"
    page.goto(public_list)
    assert "噪声限值" not in page.locator("main").inner_text()  # not before moderation

    staff = browser.new_context(java_script_enabled=False, locale="zh-CN")
    admin = staff.new_page()
    _sign_in(admin, live_server, "moderator")
    admin.goto(f"{live_server}/admin/decisions/{decision_id}/opinions?status=received")
    item = admin.locator("article.opinion", has_text="噪声限值")
    assert "139****0000" in item.inner_text()  # the masked preview of what will be published
    item.locator("button[value=approve]").click()
    admin.wait_for_load_state()
    admin.get_by_role("button", name="退出").click()

    _sign_in(admin, live_server, "urban.undertaker")  # the decision's own unit (issue 12)
    admin.goto(f"{live_server}/admin/decisions/{decision_id}/opinions")  # opens on "to answer"
    item = admin.locator("article.opinion", has_text="噪声限值")
    item.locator("input[name=adoption][value=partially_adopted]").check()
    item.locator("textarea[name=response]").fill("部分采纳：夜间作业时段将在实施细则中明确。")
    item.locator("input[name=theme]").fill("收运作业")
    item.locator("form.record button").click()
    admin.wait_for_load_state()
    shot(admin, "opinion-answered-admin")
    # a draft: previewed exactly as the public will see it, then released
    admin.get_by_role("link", name="预览并发布答复草稿").first.click()
    admin.wait_for_load_state()
    preview = admin.locator("main").inner_text()
    assert "部分采纳：夜间作业时段将在实施细则中明确。" in preview and "139****0000" in preview
    shot(admin, "opinion-answer-preview")
    admin.get_by_role("button", name="发布所选答复").click()
    admin.wait_for_load_state()
    assert "答复已发布" in admin.locator("main").inner_text()
    staff.close()

    main = ""
    for _ in range(40):  # public pages are cached for up to 10 seconds
        page.goto(public_list)
        main = page.locator("main").inner_text()
        if "噪声限值" in main:
            break
        page.wait_for_timeout(500)
    assert "噪声限值" in main and "139****0000" in main and "13904760000" not in main
    assert "部分采纳：夜间作业时段将在实施细则中明确。" in main
    shot(page, "opinion-answered-public")
    page.goto(f"{live_server}/opinions/status")
    page.fill("input[name=receipt_code]", code)
    page.locator("main form button").click()
    page.wait_for_load_state()
    status = page.locator("main").inner_text()
    assert "部分采纳" in status and "夜间作业时段" in status
    citizen.close()
