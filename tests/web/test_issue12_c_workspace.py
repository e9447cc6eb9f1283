"""Issue 12, part C: the decision workspace (one button per allowed step, each pointing to
its screen; compliance grouped by stage with counts and a filter) and the audit trail as
sentences with before/after and the raw record behind a toggle."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department
from portal.rules.stages import Stage, Step, StepStatus
from portal.services import procedure
from tests.conftest import login, new_city_decision, text_of

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"


def _housing() -> Department:
    from portal.models.org import Government

    return db.session.scalar(
        sa.select(Department)
        .join(Government, Department.government_id == Government.id)
        .where(Government.slug == "chifeng", Department.slug == "housing")
    )


def buttons(html: str) -> set[tuple[str, str]]:
    """(action, target) of every step button of the workspace."""
    out = set()
    for form in re.findall(
        r'<form method="post" action="[^"]*/transition">(.*?)</form>', html, re.S
    ):
        action = re.search(r'name="action" value="([^"]+)"', form).group(1)
        target = re.search(r'name="target" value="([^"]+)"', form)
        if target and action != "waive":
            out.add((action, target.group(1)))
    return out


def test_one_button_per_allowed_step_and_none_for_a_blocked_one(client, demo):
    decision = new_city_decision("赤峰市工作台按钮测试事项")
    login(client, "office")
    page = client.get(f"/admin/decisions/{decision.id}")
    html = page.get_data(as_text=True)
    menu = procedure.menu(db.session.get(Decision, decision.id))
    expected = {("complete", str(s)) for s in menu.completable}
    expected |= {
        ("exit" if isinstance(t, Stage) else "start", str(t))
        for t in menu.allowed
        if t is not Step.PUBLICATION
    }
    assert buttons(html) == expected
    assert ("start", "legality_review") not in buttons(html)  # PROC-28a: not yet
    text = text_of(page)
    assert "暂不能启动的环节及原因" in text and "PROC-28a" in text
    # no 20-option selects any more
    assert '<select id="t-action"' not in html
    assert html.count("<option") < 5


def _initiate(client, decision) -> None:
    unit = _housing()
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation",
        data={
            "source": "catalog",
            "undertaking_unit": str(unit.id),
            "lead_unit": "",
            "initiate_decision": "initiate",
            "initiated_on": "2026-11-02",
            "initiation_ref": "赤政字〔2026〕88号",
            "scope_exclusion": "",
        },
    )
    assert response.status_code == 302


def _register(client, title: str) -> Decision:
    """The office registers an item, confirming its scope (A42), through the form."""
    unit = _housing()
    response = client.post(
        "/admin/decisions/new",
        data={
            "title": title,
            "category": "public_policy",
            "year": "2026",
            "undertaking_unit": str(unit.id),
            "source": "catalog",
            "out_of_scope_confirmed": "y",
        },
    )
    assert response.status_code == 302
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def test_a_started_step_leads_to_the_screen_where_its_work_continues(client, demo):
    login(client, "office")
    decision = _register(client, "赤峰市工作台跳转测试事项")
    _initiate(client, decision)
    url = f"/admin/decisions/{decision.id}"
    assert ("complete", "initiation") in buttons(client.get(url).get_data(as_text=True))
    done = client.post(url + "/transition", data={"action": "complete", "target": "initiation"})
    assert done.status_code == 302 and done.headers["Location"].endswith(url)  # back here
    html = client.get(url).get_data(as_text=True)
    assert ("start", "drafting_research") in buttons(html)
    assert f'href="{url}/drafting"' in html  # the button's screen is named next to it
    response = client.post(
        url + "/transition", data={"action": "start", "target": "drafting_research"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url + "/drafting")
    screen = client.get(response.headers["Location"])
    assert screen.status_code == 200
    assert "“调研起草”环节已启动，请在本页面录入办理情况" in text_of(screen)


def test_a_step_that_may_not_start_is_refused_with_its_rule_and_nothing_changes(client, demo):
    decision = new_city_decision("赤峰市越级启动测试事项")
    login(client, "office")
    before = {s.step: s.status for s in db.session.get(Decision, decision.id).steps}
    response = client.post(
        f"/admin/decisions/{decision.id}/transition",
        data={"action": "start", "target": "legality_review"},
    )
    assert response.status_code == 422 and "PROC-28a" in text_of(response)
    db.session.expire_all()
    assert {s.step: s.status for s in db.session.get(Decision, decision.id).steps} == before


def test_a_new_decision_opens_its_workspace_pointing_to_the_initiation_screen(client, demo):
    login(client, "office")
    unit = _housing()
    response = client.post(
        "/admin/decisions/new",
        data={
            "title": "赤峰市中小学课后服务实施办法（工作台）",
            "category": "public_policy",
            "year": "2026",
            "undertaking_unit": str(unit.id),
            "source": "catalog",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "下一步：在“决策启动”页面录入决策启动情况" in text
    decision = db.session.scalar(
        sa.select(Decision).where(Decision.title == "赤峰市中小学课后服务实施办法（工作台）")
    )
    assert "继续办理" in text
    assert f'href="/admin/decisions/{decision.id}/initiation"' in page.get_data(as_text=True)
    assert db.session.get(Decision, decision.id).steps[0].status is StepStatus.IN_PROGRESS


def _rows(html: str) -> list[str]:
    section = html.split('id="compliance"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<tr class="st-[a-z_]+">.*?</tr>', section, re.S)


def test_compliance_is_grouped_by_stage_with_counts_and_a_filter(client, demo):
    decision = db.session.scalar(sa.select(Decision).where(Decision.title == HEATING))
    login(client, "undertaker")
    page = client.get(f"/admin/decisions/{decision.id}")
    html = page.get_data(as_text=True)
    text = text_of(page)
    m = re.search(r"已完成(\d+)项，缺失(\d+)项，逾期(\d+)项。", text)
    assert m, text[:500]
    done, missing, overdue = map(int, m.groups())
    all_rows = _rows(html)
    assert len(all_rows) == done + missing + overdue
    # grouped by stage, each with its counts
    assert html.count('<details class="panel-stage"') >= 3
    assert re.search(r"公开征求意见 <span class=\"panel-counts\">已完成\d+项 · 缺失\d+项", html)
    # the filter is a GET parameter: only the rows still missing
    only_missing = client.get(f"/admin/decisions/{decision.id}?compliance=missing")
    rows = _rows(only_missing.get_data(as_text=True))
    assert len(rows) == missing and missing > 0
    assert all("st-met" not in r for r in rows)
    done_rows = _rows(
        client.get(f"/admin/decisions/{decision.id}?compliance=done").get_data(as_text=True)
    )
    assert len(done_rows) == done and all("待处理" not in r for r in done_rows)
    # a bad filter value shows everything, never an error
    assert len(
        _rows(client.get(f"/admin/decisions/{decision.id}?compliance=zzz").get_data(as_text=True))
    ) == len(all_rows)


def test_each_compliance_row_links_to_the_screen_that_satisfies_it(client, demo):
    decision = db.session.scalar(sa.select(Decision).where(Decision.title == HEATING))
    login(client, "undertaker")
    rows = _rows(
        client.get(f"/admin/decisions/{decision.id}?compliance=open").get_data(as_text=True)
    )
    assert rows
    seen = set()
    for row in rows:
        hrefs = re.findall(r'href="([^"]+)"', row)
        assert hrefs, row
        assert "去办理" in row
        seen.update(hrefs)
    risk = [r for r in rows if "RISK-" in r]
    assert risk and all(f"/admin/decisions/{decision.id}/risk" in r for r in risk)
    for href in seen:
        assert client.get(href).status_code == 200, href


def test_the_audit_trail_reads_as_sentences_with_before_after_and_the_raw_record(client, demo):
    decision = new_city_decision("赤峰市审计语句测试事项")
    login(client, "undertaker")
    unit = _housing()
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation",
        data={
            "source": "catalog",
            "undertaking_unit": str(unit.id),
            "lead_unit": "",
            "initiate_decision": "initiate",
            "initiated_on": "2026-11-02",
            "initiation_ref": "赤政字〔2026〕88号",
            "scope_exclusion": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/admin/decisions/{decision.id}")
    html = page.get_data(as_text=True)
    trail = html.split('id="audit-h"', 1)[1]
    text = re.sub(r"<[^>]+>", " ", trail)
    text = " ".join(text.split())
    assert "市住建局 李强 录入了决策事项“赤峰市审计语句测试事项”的决策启动情况" in text
    # the field that changed, before and after, in words
    assert "决策启动文件文号" in text or "赤政字〔2026〕88号" in text
    assert re.search(r"<del>.*?—</del> → <ins>.*?赤政字〔2026〕88号</ins>", trail, re.S)
    # no internal event code in the sentence; the raw record behind a toggle
    sentence = trail.split("<details>", 1)[0]
    assert "initiation.update" not in sentence
    assert "<details>" in trail and "<summary>" in trail
    raw = trail.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "initiation.update" in raw and "&#34;after&#34;" in raw


def test_unknown_event_codes_fall_back_to_a_readable_sentence(ctx):
    from datetime import UTC, datetime

    from portal.models.audit import AuditEntry
    from portal.services.audit_text import describe

    entry = AuditEntry(
        seq=1,
        occurred_at=datetime(2026, 11, 26, tzinfo=UTC),
        actor_id=None,
        actor_label="someone",
        action="brand_new.thing_happened",
        object_type="widgets",
        object_id="7",
        data='{"after":{"colour":"red"},"before":{"colour":"blue"},"details":null}',
        prev_hash="0" * 64,
        hash="1" * 64,
    )
    with ctx.test_request_context("/?lang=en"):
        (d,) = describe([entry])
        assert not d.known
        assert (
            d.sentence == "someone changed record widgets no. 7 (event “brand_new.thing_happened”)"
        )
        assert [(c.label, c.before, c.after) for c in d.changes] == [("colour", "blue", "red")]


def test_the_government_audit_log_is_for_the_office_and_administrator(client, demo):
    login(client, "office")
    page = client.get("/admin/audit")
    assert page.status_code == 200
    text = text_of(page)
    assert "操作日志" in text and "市政府办公室 王敏 登录了系统" in text
    assert "第1条原始记录" in text or "原始记录" in text
    assert "红山区政府办公室" not in text  # another government's entries
