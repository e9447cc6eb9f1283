"""An official runs one decision from registration to filing entirely in the back office,
in Chromium, and sees a skipped stage refused with its rule ID (issue: the procedure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

TITLE = "赤峰市城市社区嵌入式服务设施建设实施方案"


def d(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action$='/admin/login'] button[type=submit]")
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.click("form[action$='/admin/logout'] button[type=submit]")
    page.wait_for_load_state()


def submit(
    page,
    action: str,
    fields: dict | None = None,
    *,
    checks=(),
    selects=None,
    expect_ok: bool = True,
) -> None:
    """Fill and submit the form whose action ends with ``action``."""
    # Open collapsed sections, as a user would before filling them in.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    form = page.locator(f"form[action$='{action}']").first
    for name, value in (selects or {}).items():
        form.locator(f"[name='{name}']").select_option(value)
    for name, value in (fields or {}).items():
        form.locator(f"[name='{name}']").fill(value)
    for name, value in checks:
        box = form.locator(f"[name='{name}']" + (f"[value='{value}']" if value else ""))
        box.check()
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    if expect_ok:
        errors = page.locator(".error-summary")
        assert errors.count() == 0, (action, errors.first.inner_text())


def workspace(page, base: str, did: str) -> None:
    page.goto(f"{base}/admin/decisions/{did}")


def step_button(page, action: str, target: str):
    """The workspace's button for one allowed step (issue 12: one button per allowed step)."""
    return page.locator(
        f"form[action$='/transition']:has(input[name=action][value='{action}'])"
        f":has(input[name=target][value='{target}']) button[type=submit]"
    )


def act(page, base: str, did: str, action: str, target: str, *, expect_ok: bool = True):
    workspace(page, base, did)
    button = step_button(page, action, target)
    assert button.count() == 1, (action, target)
    button.click()
    page.wait_for_load_state()
    if expect_ok:
        errors = page.locator(".error-summary")
        assert errors.count() == 0, (action, target, errors.first.inner_text())


def test_official_runs_a_decision_from_initiation_to_filing(page, live_server):
    base = live_server
    sign_in(page, base, "office")
    page.click("a[href='/admin/decisions/new']")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=category]", "public_policy")
    page.fill("textarea[name=summary]", "在城市社区建设养老、托育、助餐等嵌入式服务设施。")
    # A42: the government office confirms the scope when it registers the item (issue 11)
    page.check("input[name=out_of_scope_confirmed]")
    page.click("form.record button[type=submit]")
    page.wait_for_load_state()
    did = page.url.split("/decisions/")[1].split("/")[0]

    # Skipping ahead is not offered: no button for it, and the page names the rule.
    workspace(page, base, did)
    assert step_button(page, "start", "legality_review").count() == 0
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    reasons = page.locator("details.blocked-steps").first.inner_text()
    assert "PROC-28a" in reasons
    assert "第二十八条" in reasons
    shot(page, "walk-skip-refused")

    # Initiation (PROC-11c, PROC-3b), then drafting.
    page.goto(f"{base}/admin/decisions/{did}/initiation")
    submit(
        page,
        "/initiation",
        {"initiated_on": d(120), "initiation_ref": "赤政启〔2026〕9号"},
        selects={"initiate_decision": "initiate"},
    )
    act(page, base, did, "start", "drafting_research")
    page.goto(f"{base}/admin/decisions/{did}/drafting")
    submit(
        page,
        "/drafting",
        {
            "rec-research_situation": "中心城区社区服务设施分布不均，助餐、托育缺口较大。",
            "rec-research_necessity": "落实国家关于推进城市社区嵌入式服务设施建设的部署。",
            "rec-research_basis": "《城市社区嵌入式服务设施建设工程实施方案》",
            "rec-research_other": "资金来源和运营模式。",
        },
    )
    page.goto(f"{base}/admin/decisions/{did}/drafts")
    submit(
        page,
        "/drafts/draft/versions",
        {
            "draft-body": "第一条　为完善城市社区服务功能，制定本方案。\n第二条　到2027年，中心城区"
            "社区嵌入式服务设施覆盖率达到80%。",
            "draft-change_note": "初稿",
        },
    )

    # The three consultation tracks run in parallel (PROC-25c).
    for track in ("public_participation", "expert_review", "risk_assessment"):
        act(page, base, did, "start", track)

    # Issue 11: a comment window opens from today (never backdated, PROC-17b) and participation
    # cannot close while it runs, so this walk hears the public by a questionnaire instead.
    page.goto(f"{base}/admin/decisions/{did}/participation")
    submit(
        page,
        "/participation/activities",
        {
            "a-title": "社区服务需求问卷调查",
            "a-held_on": d(90),
            "a-participants": "860",
            "a-summary": "回收有效问卷812份，居民最关注助餐和托育服务。",
        },
        selects={"a-method": "questionnaire"},
        checks=[("a-held", "")],
    )

    page.goto(f"{base}/admin/decisions/{did}/experts")
    submit(page, "/experts/review", {"review_on": d(80)}, selects={"method": "review_meeting"})
    # Experts from outside the pool, each with the reason (EXP-13a, A22); members of the pool
    # would come through the expert selection screen instead.
    for name in ("王建国", "李秀英", "张明"):
        submit(
            page,
            "/experts/add",
            {
                "new-name": name,
                "new-organisation": "赤峰学院社区治理研究中心",
                "new-external_reason": "本事项需社区服务设施运营实务专家，专家库内暂无。",
                "new-materials_delivered_on": d(86),
                "new-opinion": "方案总体可行，建议明确运营补贴标准。",
            },
            selects={"new-conflict_declared": "no", "new-opinion_form": "written"},
            checks=[("new-pledge_signed", ""), ("new-signed", "")],
        )
    submit(
        page,
        "/experts/report",
        dict.fromkeys(
            (
                "necessity_feasibility_soundness",
                "socioeconomic_benefits",
                "execution_conditions",
                "potential_risks",
                "countermeasures",
                "implementability_and_revision_advice",
                "other_factors",
            ),
            "经专家论证，意见如下：总体可行。",
        ),
    )

    page.goto(f"{base}/admin/decisions/{did}/risk")
    submit(
        page,
        "/risk/categories",
        {"cat-risk_points": "设施选址可能引发邻避诉求。"},
        selects={"cat-category": "social_stability", "cat-level": "low"},
    )
    submit(
        page,
        "/risk/assessment",
        {
            "assessing_body": "市发展和改革委员会",
            "plan": "采取问卷调查、座谈走访方式开展评估。",
            "stakeholder_participants": "12",
            "department_participants": "5",
            "subject_and_process": "评估事项为方案实施的社会稳定风险。",
            "opinions_and_adoption": "各方意见已充分吸纳。",
            "risk_points": "选址邻避风险。",
            "conclusion": "风险等级为低风险。",
            "prevention_and_contingency": "选址前充分征求居民意见，制定处置预案。",
        },
        selects={
            "level": "low",
            "recommendation": "submit_for_decision",
            "unit_controllable": "yes",
        },
    )
    # RISK-12b: the report goes to the PLAC, which passes and files it (with its reference)
    submit(
        page,
        "/risk/plac",
        {
            "plac_submitted_on": d(68),
            "plac_filed_on": d(66),
            "plac_ref": "赤政法备〔2026〕31号",
        },
        selects={"plac_review_result": "passed"},
    )

    for track in ("public_participation", "expert_review", "risk_assessment"):
        act(page, base, did, "complete", track)

    # The unit's own review (PROC-28a), then submission for legality review (PROC-29a).
    page.goto(f"{base}/admin/decisions/{did}/internal-review")
    submit(
        page,
        "/internal-review",
        {
            "lr-internal_legal_review_on": d(60),
            "lr-internal_legal_review_opinion": "经初审，合法。",
        },
        selects={"lr-internal_legal_review_result": "passed"},
    )
    submit(
        page,
        "/internal-review/discussion",
        {
            "cd-internal_discussion_on": d(58),
            "cd-internal_discussion_minutes": "局党组会议讨论通过。",
        },
        selects={"cd-internal_discussion_result": "passed"},
    )
    act(page, base, did, "start", "internal_legal_review")
    act(page, base, did, "start", "internal_collective_discussion")
    page.goto(f"{base}/admin/decisions/{did}/legality")
    submit(
        page,
        "/legality/submit",
        {"submitted_on": d(50)},
        checks=[
            ("materials", m)
            for m in (
                "draft_and_explanation_and_basis",
                "initiation_materials",
                "opinion_adoption_coordination",
                "procedure_materials_or_non_performance_explanation",
                "unit_legal_office_opinion",
                "unit_collective_discussion_minutes",
            )
        ],
    )
    act(page, base, did, "start", "legality_review")
    sign_out(page)

    # The legality reviewer (not the drafter) records the adviser's opinion and the outcome.
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/admin/decisions/{did}/legality")
    submit(
        page,
        "/legality/advisers",
        {"adv-name": "赵律师", "adv-given_on": d(45), "adv-opinion": "符合法律法规规定。"},
        selects={"adv-role": "legal_adviser"},
    )
    submit(
        page,
        "/legality/opinion",
        {"opinion_issued_on": d(40), "opinion_text": "经审查，方案内容合法。"},
        selects={"opinion_kind": "legality_opinion", "outcome": "lawful"},
    )
    sign_out(page)

    # The government office records the executive meeting and the Party committee report.
    sign_in(page, base, "office")
    page.goto(f"{base}/admin/decisions/{did}/deliberation")
    submit(
        page,
        "/deliberation/meeting",
        {
            "meeting_on": d(30),
            "minutes": "会议讨论并原则同意。",
            "dissent": "一名参会人员建议加大财政补贴力度。",
        },
        selects={
            "meeting_type": "executive_meeting",
            "outcome": "approved",
            "risk_controllable": "yes",
        },
        checks=[
            ("materials", m)
            for m in (
                "draft_and_explanation",
                "procedure_materials",
                "legality_review_opinion",
                "opinion_collection_adoption_and_other",
            )
        ],
    )
    act(page, base, did, "start", "collective_decision")
    act(page, base, did, "complete", "collective_decision")
    page.goto(f"{base}/admin/decisions/{did}/deliberation")
    submit(
        page,
        "/deliberation/party-report",
        {"party-reported_on": d(25), "party-ref": "赤政请〔2026〕15号"},
        selects={"party-kind": "report"},
    )
    act(page, base, did, "start", "party_committee_report")

    # Publication (PROC-37) is a transition: publishing starts the step (not the workspace
    # form) and makes the decision text public; then filing within 30 days (PROC-38a).
    page.goto(f"{base}/admin/decisions/{did}/publication")
    submit(
        page,
        "/publication/documents",
        {"doc-title": TITLE, "doc-body": "（正式文本）"},
        selects={"doc-kind": "decision_text"},
    )
    submit(
        page,
        "/publication/publish",
        {"published_on": d(20), "channels": "赤峰市人民政府网站\n《赤峰政报》"},
    )
    act(page, base, did, "start", "filing")
    page.goto(f"{base}/admin/decisions/{did}/publication")
    submit(page, "/publication/filing", {"filed_on": d(10), "filing_ref": "内政备〔2026〕120号"})
    act(page, base, did, "complete", "filing")

    workspace(page, base, did)
    shot(page, "walk-filed-workspace")
    panel = page.locator("#compliance").inner_text()  # grouped by stage (issue 12)
    assert "PROC-38a" in panel
    assert page.locator("table.compliance .badge.st-violated").count() == 0
    # The public dossier now shows the published decision.
    page.goto(f"{base}/decisions/{did}")
    assert TITLE in page.locator("main").inner_text()
    assert page.locator(".timeline .tl-done").count() >= 8
