"""A county government office runs its 2027 catalog in the browser, without JavaScript: from
the solicitation to publication and filing, then an adjustment; the public page shows both
versions (issue 7 acceptance)."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def _form(page, action_part: str):
    """The form posting to ``action_part``, its folded <details> opened first."""
    form = page.locator(f"form[action*='{action_part}']").first
    folded = page.locator("details:not([open])", has=form)
    if folded.count():
        folded.first.locator("summary").first.click()
    return form


def test_county_office_runs_the_2027_catalog_then_adjusts_it(browser, live_server):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/admin/login")
    page.get_by_label("用户名").fill("hongshan.office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()

    # C0: the solicitation (CAT-7a)
    page.goto(live_server + "/admin/catalogs")
    opening = page.locator("form", has=page.locator("input[name=solicitation_ref]"))
    opening.locator("input[name=year]").fill("2027")
    opening.locator("input[name=solicitation_ref]").fill("红政办征〔2026〕1号")
    opening.locator("textarea[name=solicitation_recipients]").fill("区政府各部门")
    opening.locator("button").click()
    catalog_url = page.url.split("?")[0]
    assert "/admin/catalogs/" in catalog_url

    # C1: a department's submission with its own legality check (CAT-8c)
    sub = _form(page, "/submissions")
    sub.locator("select[name='sub-department_id']").select_option(index=1)
    sub.locator("input[name='sub-title']").fill("红山区老旧小区改造实施方案")
    sub.locator("select[name='sub-category']").select_option("public_construction_project")
    sub.locator("input[name='sub-schedule']").fill("2027年第二季度启动，第四季度提请决策")
    sub.locator("textarea[name='sub-summary']").fill("综合改造老旧小区。")
    sub.locator("input[name='sub-legality_review_passed']").check()
    sub.locator("input[name='sub-legality_review_on']").fill(today)
    sub.locator("input[name='sub-legality_review_ref']").fill("红住建法审〔2026〕1号")
    sub.locator("input[name='sub-scope_confirmed']").check()
    sub.locator("button").click()
    assert "红山区老旧小区改造实施方案" in page.locator("main").inner_text()

    # C2: close the round and list the submission
    _form(page, "/close").locator("button").click()
    decide = _form(page, "/decide")
    decide.locator("button[value=accept]").click()

    # C3: the item's deputy head in charge, then that deputy head's review (CAT-12a)
    edit = _form(page, "/edit")
    edit.locator("input[name$='-deputy_head']").fill("王副区长")
    edit.locator("button").click()
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()
    review = _form(page, "/deputy-reviews")
    review.locator("select[name=deputy_head]").select_option("王副区长")
    review.locator("input[name=reviewed_on]").fill(today)
    review.locator("textarea[name=opinion]").fill("同意")
    review.locator("button").click()
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()

    # C4..C5: executive meeting, party committee consent (CAT-13a, CAT-13c)
    for step, field, value in (
        ("executive_meeting", "ref", "区政府第5次常务会议"),
        ("party_consent", "ref", "红党办函〔2026〕8号"),
    ):
        form = _form(page, f"/steps/{step}")
        form.locator("input[name=on]").fill(today)
        form.locator(f"[name={field}]").fill(value)
        form.locator("button").click()
        assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()

    # C6, C7: publication and filing (CAT-6c, CAT-6d)
    publish = _form(page, "/publish")
    publish.locator("input[name=issue_ref]").fill("红政办发〔2026〕6号")
    publish.locator("button").click()
    filing = _form(page, "/file")
    filing.locator("input[name=filed_on]").fill(today)
    filing.locator("input[name=filing_reference]").fill("BA-2027-1")
    filing.locator("button").click()
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()

    # C8: an adjustment adds an item: approved, published as version 2, filed (CAT-16)
    adjust = _form(page, "/adjustments")
    adjust.locator("select[name='adj-kind']").select_option("add")
    adjust.locator("textarea[name='adj-reason']").fill("区政府年中新增重点工作。")
    adjust.locator("input[name='adj-title']").fill("红山区停车收费管理办法")
    adjust.locator("select[name='adj-category']").select_option("public_policy")
    adjust.locator("select[name='adj-undertaking_unit_id']").select_option(index=1)
    adjust.locator("input[name='adj-schedule']").fill("2027年第四季度提请决策")
    adjust.locator("button").click()
    approve = _form(page, "/approve")
    approve.locator("[name=study_note]").fill("承办单位已论证。")
    approve.locator("input[name=approved_on]").fill(today)
    approve.locator("input[name=approval_ref]").fill("红政批〔2026〕3号")
    approve.locator("button").click()
    page.locator("form[action*='/adjustments/'][action$='/publish'] button").first.click()
    adj_filing = page.locator("form[action*='/adjustments/'][action$='/file']").first
    adj_filing.locator("input[name$=filed_on]").fill(today)
    adj_filing.locator("input[name$=filing_reference]").fill("BA-2027-2")
    adj_filing.locator("button").click()
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()
    shot(page, "catalog-admin-adjusted")

    # The public page: the current list with the added item, and the first version kept
    page.goto(live_server + "/catalogs/hongshan/2027")
    public = page.locator("main").inner_text()
    assert "红山区老旧小区改造实施方案" in public and "红山区停车收费管理办法" in public
    assert "第2版" in public and "第1版" in public  # the adjusted list and the first version
    assert "尚未备案" not in public  # the adjustment was filed
    shot(page, "catalog-public-versions")
    context.close()
