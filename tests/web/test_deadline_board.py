"""The deadline board of a government, as staff read it."""

from __future__ import annotations

from tests.conftest import login, text_of


def test_board_shows_the_overdue_filing_with_its_rule_in_chinese(client, demo):
    login(client, "office")
    text = text_of(client.get("/admin/deadlines"))
    assert "向上一级人民政府报送备案" in text
    assert "第三十八条 (PROC-38a)" in text
    assert "已逾期" in text
    assert "赤峰市学前教育普惠发展三年行动计划" in text
