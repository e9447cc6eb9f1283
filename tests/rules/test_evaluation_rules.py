"""EVAL rules as pure functions: both sides of every gate and deadline boundary."""

from __future__ import annotations

from datetime import date

from portal.rules import evaluation as ev
from portal.rules.enums import PostEvalTrigger
from portal.rules.evaluation import GovDecision, PriorParty, PriorRole, TeamRole

TODAY = date(2026, 11, 26)


def rules_of(violations) -> list[str]:
    return [v.rule for v in violations]


def test_eval_6a_a_trigger_is_needed_and_opens_a_mandatory_evaluation_with_a_deadline():
    v = ev.trigger_violations([], date(2027, 2, 1), TODAY, execution_started=True)
    assert rules_of(v) == ["EVAL-6a"]
    assert (
        ev.trigger_violations(
            [PostEvalTrigger.MANY_PUBLIC_OPINIONS], date(2027, 2, 1), TODAY, execution_started=True
        )
        == []
    )
    assert rules_of(
        ev.trigger_violations(
            [PostEvalTrigger.MANY_PUBLIC_OPINIONS], None, TODAY, execution_started=True
        )
    ) == ["EVAL-5a"]
    assert "PROC-43a" in rules_of(
        ev.trigger_violations(
            ["organ_deems_necessary"], date(2027, 2, 1), TODAY, execution_started=False
        )
    )


def test_a26_not_confirming_a_trigger_needs_a_reason():
    assert rules_of(ev.decline_violations("  ")) == ["A26"]
    assert ev.decline_violations("意见集中于个别条款，已另行答复") == []


def test_a27_prompt_at_the_threshold_not_below():
    assert not ev.feedback_prompt_due(49, 50)
    assert ev.feedback_prompt_due(50, 50)
    assert not ev.feedback_prompt_due(500, 0)  # 0 turns the prompt off


PRIOR = [
    PriorParty("赤峰市社会稳定风险评估中心", PriorRole.RISK_ASSESSMENT_BODY),
    PriorParty("内蒙古城市规划设计研究院", PriorRole.EXPERT_REVIEW_INSTITUTION),
    PriorParty("赤峰学院", PriorRole.DRAFTING_ENTRUSTEE),
    PriorParty("北方民调公司", PriorRole.POLL_THIRD_PARTY),
]


def test_eval_7b_refuses_the_risk_assessor_and_expert_review_institution():
    assert rules_of(ev.unit_violations("赤峰市社会稳定风险评估中心", PRIOR)) == ["EVAL-7b"]
    # spacing and width do not hide the same name
    assert rules_of(ev.unit_violations(" 内蒙古城市规划设计研究院 ", PRIOR)) == ["EVAL-7b"]
    assert ev.unit_violations("内蒙古大学公共管理学院", PRIOR) == []


def test_a28_other_pre_decision_roles_only_warn():
    assert ev.unit_violations("赤峰学院", PRIOR) == []
    assert rules_of(ev.unit_warnings("赤峰学院", PRIOR)) == ["A28"]
    assert rules_of(ev.unit_warnings("北方民调公司", PRIOR)) == ["A28"]
    assert ev.unit_warnings("内蒙古大学公共管理学院", PRIOR) == []


def _third(**kw):
    base = {
        "is_third_party": True,
        "third_party_type": "university",
        "independence_declared": True,
        "agreement": dict.fromkeys(ev.AGREEMENT_TERMS, "x")
        | {"completion_deadline": date(2027, 1, 1)},
        "agreement_signed_on": date(2026, 11, 1),
        "subdelegate": "",
        "subcontracting_consent": False,
    }
    return ev.third_party_violations(**(base | kw))


def test_eval_8a_agreement_before_work_and_eval_8b_no_subdelegation_without_consent():
    assert _third() == []
    assert rules_of(_third(agreement_signed_on=None)) == ["EVAL-8a"]
    assert rules_of(_third(subdelegate="某调查公司")) == ["EVAL-8b"]
    assert _third(subdelegate="某调查公司", subcontracting_consent=True) == []


def test_eval_12b_team_needs_an_expert_and_an_execution_unit_representative():
    assert rules_of(ev.team_violations([TeamRole.EXPERT])) == ["EVAL-12b"]
    assert rules_of(ev.team_violations([TeamRole.EXECUTION_UNIT_REP, TeamRole.PUBLIC])) == [
        "EVAL-12b"
    ]
    assert ev.team_violations([TeamRole.EXPERT, TeamRole.EXECUTION_UNIT_REP]) == []


def test_eval_12a_steps_in_order():
    assert rules_of(ev.investigation_violations(False)) == ["EVAL-12a"]
    assert ev.investigation_violations(True) == []
    parts = dict.fromkeys(ev.REPORT_PARTS, "内容")
    assert "EVAL-12a" in rules_of(
        ev.report_violations(
            investigation_started=False, values=parts, conclusion="recommend_continue"
        )
    )
    assert rules_of(
        ev.report_violations(
            investigation_started=True,
            values={**parts, "execution_overview": ""},
            conclusion="recommend_continue",
        )
    ) == ["EVAL-13b"]
    assert rules_of(
        ev.report_violations(investigation_started=True, values=parts, conclusion=None)
    ) == ["EVAL-12e"]
    assert (
        ev.report_violations(
            investigation_started=True, values=parts, conclusion="recommend_adjust"
        )
        == []
    )


def test_eval_13a_report_due_by_the_deadline_inclusive():
    assert ev.report_deadline_violations(TODAY, None, TODAY) == []
    assert rules_of(ev.report_deadline_violations(TODAY, None, date(2026, 11, 27))) == ["EVAL-13a"]
    assert ev.report_deadline_violations(TODAY, TODAY, date(2026, 12, 5)) == []
    assert rules_of(
        ev.report_deadline_violations(TODAY, date(2026, 11, 27), date(2026, 12, 5))
    ) == ["EVAL-13a"]


def test_eval_12f_invalidation_needs_the_breach_and_an_undecided_evaluation():
    assert rules_of(ev.invalidation_violations("", ev.EvaluationStatus.INVESTIGATION)) == [
        "EVAL-12f"
    ]
    assert (
        ev.invalidation_violations("评估小组未吸收执行单位代表", ev.EvaluationStatus.INVESTIGATION)
        == []
    )
    assert "EVAL-12f" in rules_of(
        ev.invalidation_violations("理由", ev.EvaluationStatus.GOV_DECISION)
    )


def _decide(choice, **kw):
    base = {
        "report_submitted": True,
        "decided_on": TODAY,
        "collective_decision_ref": "",
        "decided_by_executive_head": False,
        "major": False,
    }
    return ev.gov_decision_violations(choice, **(base | kw))


def test_eval_14b_suspend_terminate_adjust_need_the_statutory_procedure():
    assert _decide(GovDecision.CONTINUE) == []
    assert rules_of(_decide(GovDecision.TERMINATE)) == ["EVAL-14b"]
    assert _decide(GovDecision.TERMINATE, collective_decision_ref="常务会议纪要〔2026〕12号") == []
    assert rules_of(_decide(GovDecision.ADJUST)) == ["EVAL-14b"]
    # PROC-45c: a major adjustment needs no reference here: the service creates the new
    # procedure instance (tests/web/test_evaluation.py)
    assert _decide(GovDecision.ADJUST, major=True) == []
    assert rules_of(_decide(GovDecision.SUSPEND)) == ["EVAL-14b"]
    assert _decide(GovDecision.SUSPEND, decided_by_executive_head=True) == []
    assert "EVAL-14a" in rules_of(_decide(GovDecision.CONTINUE, report_submitted=False))
