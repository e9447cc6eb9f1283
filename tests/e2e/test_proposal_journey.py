"""A citizen proposes a decision item without JavaScript, the government office routes, studies
and answers it in the back office, and the citizen reads the reply by receipt code."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

TITLE = "关于在中心城区建设口袋公园的建议"


def test_citizen_proposes_an_item_office_answers_and_the_reply_is_shown(browser, live_server):
    citizen = browser.new_context(
        java_script_enabled=False,
        locale="zh-CN",
        viewport={"width": 390, "height": 800},
        is_mobile=True,
    )
    page = citizen.new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="提出决策事项建议").first.click()
    assert "/proposals/new" in page.url
    assert page.locator("a[href='/privacy']").count() >= 1  # the notice comes before the form
    page.select_option("select[name=gov]", "chifeng")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=content]", "中心城区缺少小型休闲绿地，建议利用边角地建设口袋公园。")
    page.fill("input[name=proposer_name]", "周晓燕")
    page.locator("form button[type=submit]").last.click()  # no contact, no consent yet
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert "请至少填写电子邮箱或联系电话中的一项" in page.locator("main").inner_text()
    page.fill("input[name=contact_phone]", "13904761122")
    page.check("input[name=processing_consent]")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").inner_text().strip()
    assert len(code) == 12
    shot(page, "proposal-receipt-phone")
    page.locator("a[href^='/proposals/status']").first.click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert code in text and TITLE in text and "已收到，待交办" in text
    assert "13904761122" not in page.content() and "周晓燕" not in page.content()

    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = staff.new_page()
    office.goto(live_server + "/admin/")
    office.get_by_label("用户名").fill("office")
    office.get_by_label("密码").fill(DEMO_PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_load_state()
    office.get_by_role("link", name="公众建议").first.click()
    office.wait_for_load_state()
    assert "已逾期" in office.locator("main").inner_text()  # a demo proposal is overdue
    office.get_by_role("link", name=TITLE).click()
    office.wait_for_load_state()
    assert "139****1122" in office.locator("main").inner_text()
    office.select_option("select[name=unit]", label="市住房和城乡建设局")
    office.get_by_role("button", name="交办", exact=True).click()
    office.wait_for_load_state()
    assert "已交研究论证单位" in office.locator("main").inner_text()
    office.fill("textarea[name=conclusion]", "经研究，建议具有必要性，宜纳入城市更新项目统筹实施。")
    office.get_by_role("button", name="保存结论").click()
    office.wait_for_load_state()
    office.check("input[value=not_adopted]")
    office.fill(
        "textarea[name=reply]",
        "感谢您的建议。口袋公园建设将纳入城市更新项目统筹实施，不另行作为重大行政决策事项。",
    )
    office.get_by_role("button", name="发送答复").click()
    office.wait_for_load_state()
    main = office.locator("main").inner_text()
    assert "已答复" in main and "收到建议" in main  # the history
    shot(office, "proposal-admin-answered")
    staff.close()

    page.goto(live_server + f"/proposals/status?receipt_code={code}")
    text = page.locator("main").inner_text()
    assert "已答复" in text and "未采纳" in text
    assert "纳入城市更新项目统筹实施" in text
    shot(page, "proposal-status-answered-phone")
    citizen.close()
