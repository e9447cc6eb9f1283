"""The expert review and risk assessment screens, as an official notices them: experts only from
the pool's selection (EXP-13a) or from outside it with a reason (A22), pool records read at the
review date, records that lock once the step is completed (corrections by the undertaking unit
with a reason), the PLAC review and filing (RISK-12b), the social-stability flag confirmed by the
government office (A17) and the public notice of the risk investigation (RISK-9c)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.correction import Correction, FlagRequest
from portal.models.decision import Decision, ProcedureStep
from portal.models.expert import ExpertAssignment, ExpertReview
from portal.models.expert_pool import Expert, ExpertGroup, ExpertSelection
from portal.models.org import Government
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.models.user import User
from portal.rules.enums import AdoptionStatus, PlacReviewResult, RiskLevel
from portal.rules.stages import Step, StepStatus
from portal.rules.workdays import local_date
from portal.services import expert_pool as pool
from portal.services import procedure
from tests.conftest import NOW, login, new_city_decision, text_of

TODAY = local_date(NOW)
OUTPATIENT = "赤峰市基本医疗保险门诊共济保障实施办法"  # demo: in deliberation, both tracks done


def _city() -> Government:
    return db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))


def _new_decision(title: str, **kwargs) -> Decision:
    return new_city_decision(title, **kwargs)


@pytest.fixture
def item(demo) -> Decision:
    return _new_decision("赤峰市城市公共交通票价调整方案（测试）")


@pytest.fixture
def other(demo) -> Decision:
    return _new_decision("赤峰市中小学课后服务实施办法（测试）")


@pytest.fixture
def outpatient(demo) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == OUTPATIENT))


def _url(d: Decision, path: str) -> str:
    return f"/admin/decisions/{d.id}/{path}"


def _fresh(d: Decision) -> Decision:
    db.session.expire_all()
    return db.session.get(Decision, d.id)


def _one(model, d: Decision):
    db.session.expire_all()
    return db.session.scalar(sa.select(model).where(model.decision_id == d.id))


def _experts(d: Decision) -> list[ExpertAssignment]:
    review = _one(ExpertReview, d)
    return list(review.experts) if review else []


def _count_experts(d: Decision) -> int:
    return len(_experts(d))


def _actions(d: Decision) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(d.id))
            .order_by(AuditEntry.seq)
        ).all()
    )


def _corrections(d: Decision) -> list[Correction]:
    return list(
        db.session.scalars(
            sa.select(Correction).where(Correction.decision_id == d.id).order_by(Correction.id)
        )
    )


def _outside(client, d, name: str, **extra):
    """Add an expert from outside the pool (A22) on the decision's expert screen."""
    data = {
        "new-name": name,
        "new-organisation": "内蒙古大学",
        "new-external_reason": "库内无该专业领域专家",
        "new-pledge_signed": "y",
        "new-conflict_declared": "no",
        "new-adoption": "pending",
        **extra,
    }
    # None leaves a field out, as a browser does with an unticked box
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(_url(d, "experts/add?lang=en"), data=data)


def _office():
    return db.session.scalar(sa.select(User).where(User.username == "office"))


def _member(name: str, certificate_on: date, *, group: str = "economic_development") -> Expert:
    """A member of the city's pool, appointed on ``certificate_on`` and pledged then."""
    office = _office()
    group_id = db.session.scalar(sa.select(ExpertGroup.id).where(ExpertGroup.code == group))
    expert = pool.add_expert(
        _city(),
        {
            "name": name,
            "organisation": "赤峰学院",
            "source_org_type": "education_research",
            "nomination_channel": "self_application",
            "title_level": "senior",
            "group_ids": [group_id],
        },
        actor=office,
        now=NOW,
    )
    every = [q.value for q in pool.Qualification]
    pool.record_preliminary_review(
        expert, certificate_on - timedelta(days=20), every, actor=office, now=NOW
    )
    pool.record_approval(
        expert, certificate_on - timedelta(days=10), "赤政办〔1〕", actor=office, now=NOW
    )
    pool.issue_certificate(expert, certificate_on, f"T-{name}", actor=office, now=NOW)
    pool.record_pledge(expert, certificate_on, actor=office, now=NOW)
    db.session.commit()
    return expert


def _select(client, d, chosen: list[Expert], group: str = "economic_development"):
    login(client, "office")
    r = client.post(
        _url(d, "expert-selection?lang=en"),
        data={
            "method": "manual",
            "groups": group,
            "count": str(len(chosen)),
            "chosen": [str(e.id) for e in chosen],
            "reason": "熟悉该领域",
        },
    )
    client.get("/admin/logout")
    return r


def _complete(d: Decision, step: Step) -> None:
    """Mark ``step`` completed (the workspace's completion is tested elsewhere)."""
    d = _fresh(d)
    d.steps.append(
        ProcedureStep(
            step=step, round=1, status=StepStatus.COMPLETED, started_at=NOW, completed_at=NOW
        )
    )
    db.session.commit()


# -- 1. expert review: outside experts (A22) ------------------------------------------------


def test_four_experts_show_the_odd_number_rule_and_a_fifth_meets_it_exp_13b(client, item):
    login(client, "undertaker")
    d = item
    for i in range(4):
        response = _outside(client, d, f"专家{i + 1}")
        assert response.status_code == 302, text_of(response)
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "EXP-13b" in page
    assert "4 experts: the number of experts must be odd." in page
    _outside(client, d, "专家5")
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "The number of experts meets the rules." in page
    assert _count_experts(d) == 5
    assert _actions(d).count("experts.assign") == 5
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "experts.assign", AuditEntry.object_id == str(d.id))
        .order_by(AuditEntry.seq)
        .limit(1)
    )
    assert entry.actor_label and '"name":"专家1"' in entry.data


def test_a_complex_item_needs_seven_experts_and_a_reason_exp_13c(client, item):
    login(client, "undertaker")
    d = item
    refused = client.post(
        _url(d, "experts/review?lang=en"), data={"method": "review_meeting", "is_complex": "y"}
    )
    assert refused.status_code == 422
    assert "EXP-13c" in text_of(refused)
    assert not _fresh(d).is_complex
    ok = client.post(
        _url(d, "experts/review"),
        data={
            "method": "review_meeting",
            "review_on": "2026-11-20",
            "is_complex": "y",
            "complexity_reason": "涉及全市公交出行群体，争议较大",
        },
    )
    assert ok.status_code == 302
    for i in range(5):
        _outside(client, d, f"专家{i + 1}", **{"new-materials_delivered_on": "2026-11-10"})
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "EXP-13c" in page and "a complex item generally needs at least 7" in page
    assert _fresh(d).is_complex
    assert _one(ExpertReview, d).review_on == date(2026, 11, 20)
    assert {"experts.review_update", "decision.complexity_flag"} <= set(_actions(d))


def test_a_recused_expert_stays_listed_struck_through_and_is_not_counted(client, item):
    login(client, "undertaker")
    d = item
    for name in ("甲", "乙", "丙"):
        _outside(client, d, name)
    row = next(e for e in _experts(d) if e.name == "乙")
    missing_reason = client.post(_url(d, f"experts/{row.id}/recuse"), data={})
    assert missing_reason.status_code == 422
    response = client.post(
        _url(d, f"experts/{row.id}/recuse"),
        data={
            f"r{row.id}-recusal_reason": "其所在单位参与方案起草",
            f"r{row.id}-conflict_declared": "y",
        },
    )
    assert response.status_code == 302
    row = db.session.get(ExpertAssignment, row.id)
    assert row.recused and row.conflict_declared is True
    page = client.get(_url(d, "experts?lang=en"))
    assert "<del>乙</del>" in page.get_data(as_text=True)
    assert "Recused" in text_of(page) and "其所在单位参与方案起草" in text_of(page)
    assert "2 experts" in text_of(page) and "EXP-13b" in text_of(page)
    assert "experts.recuse" in _actions(d)


def test_an_expert_from_outside_the_pool_needs_a_reason_and_is_shown_as_outside_a22(client, item):
    login(client, "undertaker")
    d = item
    response = _outside(client, d, "外聘专家", **{"new-external_reason": None})
    assert response.status_code == 422
    text = text_of(response)
    assert "EXP-13a" in text and "外聘专家 is not in the expert pool" in text
    assert _count_experts(d) == 0 and _one(ExpertReview, d) is None
    assert "experts.assign" not in _actions(d)
    ok = _outside(client, d, "外聘专家", **{"new-external_reason": "库内无交通经济专业专家"})
    assert ok.status_code == 302
    row = _experts(d)[0]
    assert row.from_pool is False and row.expert_id is None
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "Outside the pool" in page and "库内无交通经济专业专家" in page
    # the compliance panel shows it too (EXP-13a, with the reason)
    panel = text_of(client.get(f"/admin/decisions/{d.id}?lang=en"))
    assert "EXP-13a" in panel and "外聘专家" in panel and "库内无交通经济专业专家" in panel


def test_an_institution_from_outside_the_pool_needs_the_reason_and_a_pledge_too(client, item):
    login(client, "undertaker")
    d = item
    refused = _outside(
        client, d, "某研究院", **{"new-is_institution": "y", "new-external_reason": None}
    )
    assert refused.status_code == 422 and "EXP-13a" in text_of(refused)
    ok = _outside(client, d, "某研究院", **{"new-is_institution": "y", "new-pledge_signed": None})
    assert ok.status_code == 302
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "EXP-10a" in page and "某研究院 has not signed the confidentiality pledge" in page


def test_side_door_a_typed_in_from_pool_expert_is_never_a_pool_member(client, item):
    """The old form's "member of the pool" box and certificate dates are ignored: without a
    reason the expert is refused, with one it is recorded as outside the pool."""
    login(client, "undertaker")
    d = item
    data = {
        "new-from_pool": "y",
        "new-certificate_on": "2025-01-10",
        "new-term_start": "2025-01-10",
        "new-external_reason": None,
    }
    refused = _outside(client, d, "自称库内专家", **data)
    assert refused.status_code == 422 and "EXP-13a" in text_of(refused)
    assert _count_experts(d) == 0
    ok = _outside(client, d, "自称库内专家", **(data | {"new-external_reason": "临时邀请"}))
    assert ok.status_code == 302
    row = _experts(d)[0]
    assert row.expert_id is None and row.from_pool is False


def test_side_door_a_pool_member_typed_in_by_hand_is_sent_to_the_selection(client, item):
    member = _member("孟庆丰", TODAY - timedelta(days=30))
    login(client, "undertaker")
    r = _outside(client, item, member.name, **{"new-organisation": member.organisation})
    assert r.status_code == 422
    assert "EXP-13a" in text_of(r) and "select the expert on the expert selection screen" in (
        text_of(r)
    )
    assert _count_experts(item) == 0


def test_an_expert_who_declares_a_conflict_cannot_be_selected_proc_22a(client, item):
    login(client, "undertaker")
    response = _outside(client, item, "利害关系人", **{"new-conflict_declared": "yes"})
    assert response.status_code == 422 and "PROC-22a" in text_of(response)
    assert _count_experts(item) == 0


def test_materials_cannot_be_delivered_in_the_future_exp_14c(client, item):
    login(client, "undertaker")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    r = _outside(client, item, "张教授", **{"new-materials_delivered_on": tomorrow})
    assert r.status_code == 422 and "EXP-14c" in text_of(r)
    assert _count_experts(item) == 0
    ok = _outside(client, item, "张教授", **{"new-materials_delivered_on": TODAY.isoformat()})
    assert ok.status_code == 302


def test_editing_an_expert_and_the_seven_part_report_are_audited(client, item):
    login(client, "undertaker")
    d = item
    _outside(client, d, "张教授")
    row = _experts(d)[0]
    p = f"e{row.id}-"
    response = client.post(
        _url(d, f"experts/{row.id}/edit"),
        data={
            p + "name": "张教授",
            p + "external_reason": "库内无该专业领域专家",
            p + "pledge_signed": "y",
            p + "conflict_declared": "no",
            p + "opinion_form": "oral",
            p + "signed": "y",
            p + "opinion": "票价调整幅度基本合理",
            p + "adoption": "adopted",
        },
    )
    assert response.status_code == 302, text_of(response)
    row = db.session.get(ExpertAssignment, row.id)
    assert row.adoption is AdoptionStatus.ADOPTED and row.signed
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "EXP-15a" in page  # an oral opinion needs a written follow-up
    parts = {
        "necessity_feasibility_soundness": "必要",
        "socioeconomic_benefits": "效益",
        "execution_conditions": "条件",
        "potential_risks": "风险",
        "countermeasures": "对策",
        "implementability_and_revision_advice": "建议",
        "other_factors": "其他",
    }
    assert client.post(_url(d, "experts/report"), data=parts).status_code == 302
    assert _one(ExpertReview, d).report_done
    assert {"experts.update", "experts.report"} <= set(_actions(d))


def test_an_expert_of_another_decision_is_not_found(client, item, other):
    login(client, "undertaker")
    _outside(client, item, "张教授")
    row = _experts(item)[0]
    assert client.post(_url(other, f"experts/{row.id}/recuse"), data={}).status_code == 404


# -- 1. expert review: pool members, read from the pool record at the review date -----------


def test_a_pool_member_comes_through_the_selection_and_is_edited_only_for_the_work(client, item):
    members = [_member(n, TODAY - timedelta(days=100)) for n in ("甲教授", "乙教授", "丙教授")]
    assert _select(client, item, members).status_code == 302
    rows = _experts(item)
    assert {r.expert_id for r in rows} == {m.id for m in members}
    assert all(r.from_pool and r.conflict_declared is None for r in rows)
    login(client, "undertaker")
    page = text_of(client.get(_url(item, "experts?lang=en")))
    assert "EXP-10b" in page  # each member still declares for this item
    row = rows[0]
    p = f"e{row.id}-"
    # the identity of a pool member is the pool's: a posted name changes nothing
    r = client.post(
        _url(item, f"experts/{row.id}/edit"),
        data={p + "name": "改名", p + "conflict_declared": "no", p + "adoption": "pending"},
    )
    assert r.status_code == 302
    row = db.session.get(ExpertAssignment, row.id)
    assert row.name == members[0].name and row.conflict_declared is False


def test_exp_11a_a_member_whose_term_ends_before_the_review_date_fails_the_gate(client, item):
    ending = _member("将满届", TODAY - timedelta(days=3 * 365 - 10))  # term ends in ~10 days
    others = [_member(n, TODAY - timedelta(days=100)) for n in ("甲教授", "乙教授")]
    assert _select(client, item, [ending, *others]).status_code == 302
    login(client, "undertaker")
    for row in _experts(item):
        client.post(
            _url(item, f"experts/{row.id}/edit"),
            data={f"e{row.id}-conflict_declared": "no", f"e{row.id}-adoption": "pending"},
        )
    page = text_of(client.get(_url(item, "experts?lang=en")))
    assert "EXP-11a" not in page
    review_on = TODAY + timedelta(days=30)
    r = client.post(
        _url(item, "experts/review"),
        data={"method": "review_meeting", "review_on": review_on.isoformat()},
    )
    assert r.status_code == 302
    page = text_of(client.get(_url(item, "experts?lang=en")))
    assert "EXP-11a" in page and "The term of 将满届 is not running on" in page
    blocked = procedure.menu(_fresh(item))
    # the gate of the step names the rule (the workspace shows the same reasons)
    facts = blocked.facts
    from portal.rules import gates

    assert "EXP-11a" in {v.rule for v in gates.expert_completion_violations(facts)}
    # a new selection checks members on the review date too: the ending member is excluded
    _eligible, excluded = pool.selection_preview(_fresh(item), ["economic_development"], TODAY)
    assert ending.id in {m.id for m, v in excluded if v.rule == "EXP-11a"}


def test_exp_12b_a_member_dismissed_before_the_review_fails_the_gate(client, item):
    members = [_member(n, TODAY - timedelta(days=100)) for n in ("甲教授", "乙教授", "丙教授")]
    assert _select(client, item, members).status_code == 302
    login(client, "office")
    r = client.post(
        f"/admin/experts/{members[0].id}/dismiss",
        data={
            "x-dismissal_reason": "health",
            "x-dismissal_note": "因病",
            "x-dismissed_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 302
    client.get("/admin/logout")
    login(client, "undertaker")
    client.post(
        _url(item, "experts/review"),
        data={"method": "review_meeting", "review_on": (TODAY + timedelta(days=5)).isoformat()},
    )
    page = text_of(client.get(_url(item, "experts?lang=en")))
    assert "EXP-12b" in page and f"{members[0].name} was dismissed from the expert pool" in page


def test_proc_49a_a_disqualified_member_fails_the_gate_and_is_never_selected(client, item):
    members = [_member(n, TODAY - timedelta(days=100)) for n in ("甲教授", "乙教授", "丙教授")]
    assert _select(client, item, members).status_code == 302
    login(client, "office")
    url = f"/admin/experts/{members[1].id}/disqualify"
    refused = client.post(url + "?lang=en", data={"q-disqualified_on": TODAY.isoformat()})
    assert refused.status_code == 422 and "PROC-49a" in text_of(refused)
    assert db.session.get(Expert, members[1].id).disqualified_on is None
    ok = client.post(
        url,
        data={"q-disqualified_on": TODAY.isoformat(), "q-disqualification_note": "论证中弄虚作假"},
    )
    assert ok.status_code == 302
    assert "experts.disqualify" in {
        a for (a,) in db.session.execute(sa.select(AuditEntry.action)).all()
    }
    page = text_of(client.get(_url(item, "experts?lang=en")))
    assert "PROC-49a" in page and f"{members[1].name} has been disqualified" in page
    fresh = _new_decision("赤峰市养老服务体系建设规划（测试）")
    _eligible, excluded = pool.selection_preview(fresh, ["economic_development"], TODAY)
    assert members[1].id in {m.id for m, v in excluded if v.rule == "PROC-49a"}
    r = client.post(
        _url(fresh, "expert-selection?lang=en"),
        data={
            "method": "manual",
            "groups": "economic_development",
            "count": "3",
            "chosen": [str(m.id) for m in members],
            "reason": "熟悉该领域",
        },
    )
    assert r.status_code == 422 and "PROC-49a" in text_of(r)


def test_side_door_a_selection_including_an_expired_member_is_refused_exp_11a(client, item):
    expired = _member("已满届", TODAY - timedelta(days=3 * 365 + 30))
    others = [_member(n, TODAY - timedelta(days=100)) for n in ("甲教授", "乙教授")]
    r = _select(client, item, [expired, *others])
    assert r.status_code == 422 and "EXP-11a" in text_of(r)
    assert _count_experts(item) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ExpertSelection)
            .where(ExpertSelection.decision_id == item.id)
        )
        == 0
    )


def test_a_selection_after_the_expert_review_is_completed_is_refused_proc_39a(client, item):
    members = [_member(n, TODAY - timedelta(days=100)) for n in ("甲教授", "乙教授", "丙教授")]
    _complete(item, Step.EXPERT_REVIEW)
    r = _select(client, item, members)
    assert r.status_code == 422 and "PROC-39a" in text_of(r)
    assert _count_experts(item) == 0


# -- 1. expert review: the completed record is locked; corrections by the unit ----------------


def test_side_door_editing_a_completed_expert_review_needs_a_correction(client, outpatient):
    d = outpatient
    review = _one(ExpertReview, d)
    before = review.review_on
    login(client, "undertaker")
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "Issued, locked" in page and "Reason for the correction" in page
    assert "Add an expert or institution from outside the pool" not in page
    data = {"method": "review_meeting", "review_on": (before - timedelta(days=1)).isoformat()}
    refused = client.post(_url(d, "experts/review?lang=en"), data=data)
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    assert _one(ExpertReview, d).review_on == before
    # adding an expert is refused too
    refused = _outside(client, d, "补充专家")
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    ok = client.post(
        _url(d, "experts/review"), data=data | {"correction_reason": "论证会实际召开日期有误"}
    )
    assert ok.status_code == 302
    assert _one(ExpertReview, d).review_on == before - timedelta(days=1)
    corrections = _corrections(d)
    assert corrections and corrections[-1].reason == "论证会实际召开日期有误"
    assert "experts.review_update.correction" in _actions(d)
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "Corrections of this record" in page and "论证会实际召开日期有误" in page


def test_only_the_undertaking_unit_corrects_the_expert_review(client, outpatient):
    d = outpatient
    row = _experts(d)[0]
    login(client, "office")
    page = text_of(client.get(_url(d, "experts?lang=en")))
    assert "Issued, locked" in page and "Reason for the correction" not in page
    r = client.post(
        _url(d, f"experts/{row.id}/edit?lang=en"),
        data={
            f"e{row.id}-conflict_declared": "no",
            f"e{row.id}-adoption": "adopted",
            f"e{row.id}-correction_reason": "更正采纳情况",
        },
    )
    assert r.status_code in (403, 422)
    assert db.session.get(ExpertAssignment, row.id).adoption == row.adoption


# -- 2. risk assessment -------------------------------------------------------------------------


def _risk_form(**extra) -> dict:
    return {
        "assessing_body": "市交通运输局",
        "recommendation": "adjust_draft",
        "unit_controllable": "yes",
        "mitigation_measures": "分步实施",
        "stakeholder_participants": "12",
        "department_participants": "3",
        **extra,
    }


REPORT = {
    "subject_and_process": "评估事项和过程",
    "opinions_and_adoption": "各方意见及采纳",
    "risk_points": "风险点",
    "conclusion": "低风险",
    "prevention_and_contingency": "防范措施和预案",
}


def test_risk_categories_set_the_overall_level_and_high_risk_cannot_go_straight_to_decision(
    client, item
):
    login(client, "undertaker")
    d = item
    for category, level in (("social_stability", "medium"), ("fiscal_financial", "high")):
        response = client.post(
            _url(d, "risk/categories"),
            data={"cat-category": category, "cat-level": level, "cat-risk_points": "票价上涨"},
        )
        assert response.status_code == 302
    assert _one(RiskAssessment, d).computed_level is RiskLevel.HIGH
    refused = client.post(
        _url(d, "risk/assessment?lang=en"), data=_risk_form(recommendation="submit_for_decision")
    )
    assert refused.status_code == 422 and "RISK-11a" in text_of(refused)
    assert _one(RiskAssessment, d).recommendation is None
    # A16: lowering the overall level below the highest category needs a reason
    override = client.post(_url(d, "risk/assessment?lang=en"), data=_risk_form(level="low"))
    assert override.status_code == 422 and "A16" in text_of(override)
    ok = client.post(_url(d, "risk/assessment"), data=_risk_form())
    assert ok.status_code == 302
    ra = _one(RiskAssessment, d)
    assert ra.level is None and ra.stakeholder_participants == 12  # follows the categories
    page = text_of(client.get(_url(d, "risk?lang=en")))
    assert "High" in page and "RISK-12b" in page  # PLAC filing still missing
    assert {"risk.category_add", "risk.update"} <= set(_actions(d))
    cat = db.session.scalar(
        sa.select(RiskCategoryLevel).where(
            RiskCategoryLevel.assessment_id == ra.id,
            RiskCategoryLevel.category == "fiscal_financial",
        )
    )
    assert client.post(_url(d, f"risk/categories/{cat.id}/delete")).status_code == 302
    assert "risk.category_delete" in _actions(d)


def _plac(client, d, **extra):
    return client.post(_url(d, "risk/plac?lang=en"), data=extra)


def _report(client, d):
    return client.post(_url(d, "risk/assessment"), data=_risk_form(**REPORT))


def test_risk_12b_plac_dates_never_in_the_future_and_filing_not_before_submission(client, item):
    login(client, "undertaker")
    d = item
    assert _report(client, d).status_code == 302
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    r = _plac(client, d, plac_submitted_on=tomorrow)
    assert r.status_code == 422 and "RISK-12b" in text_of(r)
    assert "cannot be in the future" in text_of(r)
    r = _plac(
        client,
        d,
        plac_submitted_on="2026-11-20",
        plac_review_result="passed",
        plac_filed_on="2026-11-10",
        plac_ref="赤政法稳评备〔2026〕8号",
    )
    assert r.status_code == 422 and "RISK-12b" in text_of(r)
    r = _plac(
        client,
        d,
        plac_submitted_on="2026-11-10",
        plac_review_result="passed",
        plac_filed_on=tomorrow,
        plac_ref="赤政法稳评备〔2026〕8号",
    )
    assert r.status_code == 422 and "RISK-12b" in text_of(r)
    assert _one(RiskAssessment, d).plac_submitted_on is None


def test_risk_12b_filing_needs_the_reference_and_the_review_result(client, item):
    login(client, "undertaker")
    d = item
    assert _report(client, d).status_code == 302
    base = {"plac_submitted_on": "2026-11-10", "plac_filed_on": "2026-11-20"}
    no_ref = _plac(client, d, **base, plac_review_result="passed")
    assert no_ref.status_code == 422 and "RISK-12b" in text_of(no_ref)
    assert "filing reference" in text_of(no_ref)
    no_result = _plac(client, d, **base, plac_ref="赤政法稳评备〔2026〕8号")
    assert no_result.status_code == 422
    assert "procedural review" in text_of(no_result) and "RISK-12b" in text_of(no_result)
    assert _one(RiskAssessment, d).plac_filed_on is None
    # the report goes to the PLAC once complete (RISK-12a)
    empty = _new_decision("赤峰市城区停车收费标准调整方案（测试）")
    r = _plac(client, empty, plac_submitted_on="2026-11-10")
    assert r.status_code == 422 and "RISK-12a" in text_of(r)
    # submitted, waiting for the PLAC: saved, not locked
    assert _plac(client, d, plac_submitted_on="2026-11-10").status_code == 302
    assert client.post(_url(d, "risk/assessment"), data=_risk_form(**REPORT)).status_code == 302
    ok = _plac(client, d, **base, plac_review_result="passed", plac_ref="赤政法稳评备〔2026〕8号")
    assert ok.status_code == 302
    ra = _one(RiskAssessment, d)
    assert ra.plac_review_result is PlacReviewResult.PASSED and ra.plac_ref
    page = text_of(client.get(_url(d, "risk?lang=en")))
    assert "Passed and filed" in page and "Issued, locked" in page


def test_risk_12b_a_returned_report_does_not_pass_the_gate(client, item):
    login(client, "undertaker")
    d = item
    _report(client, d)
    client.post(
        _url(d, "risk/categories"), data={"cat-category": "social_stability", "cat-level": "low"}
    )
    client.post(
        _url(d, "risk/assessment"), data=_risk_form(**REPORT, recommendation="submit_for_decision")
    )
    returned = _plac(
        client,
        d,
        plac_submitted_on="2026-11-10",
        plac_review_result="returned",
        plac_filed_on="2026-11-20",
        plac_ref="赤政法稳评退〔2026〕3号",
    )
    assert returned.status_code == 302
    page = text_of(client.get(_url(d, "risk?lang=en")))
    assert "Returned for revision" in page
    completion = page.split("What completing risk assessment still needs", 1)[1]
    assert "RISK-12b" in completion
    # the revised report is resubmitted as a correction that keeps the return on record
    passed = _plac(
        client,
        d,
        plac_submitted_on="2026-11-21",
        plac_review_result="passed",
        plac_filed_on="2026-11-25",
        plac_ref="赤政法稳评备〔2026〕9号",
        correction_reason="按政法委意见修改后重新报送",
    )
    assert passed.status_code == 302, text_of(passed)
    page = text_of(client.get(_url(d, "risk?lang=en")))
    completion = page.split("What completing risk assessment still needs", 1)[1]
    assert "RISK-12b" not in completion
    changes = _corrections(d)[-1].changes
    assert changes["plac_review_result"] == ["returned", "passed"]


def test_side_door_the_risk_record_locks_once_filed_and_is_corrected_by_the_unit(client, item):
    login(client, "undertaker")
    d = item
    _report(client, d)
    client.post(
        _url(d, "risk/categories"), data={"cat-category": "social_stability", "cat-level": "low"}
    )
    ok = _plac(
        client,
        d,
        plac_submitted_on="2026-11-10",
        plac_review_result="passed",
        plac_filed_on="2026-11-20",
        plac_ref="赤政法稳评备〔2026〕8号",
    )
    assert ok.status_code == 302
    refused = client.post(_url(d, "risk/assessment?lang=en"), data=_risk_form(plan="改写的方案"))
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    assert _one(RiskAssessment, d).plan == ""
    cat = _one(RiskAssessment, d).categories[0]
    deleted = client.post(_url(d, f"risk/categories/{cat.id}/delete?lang=en"))
    assert deleted.status_code == 422 and "PROC-39a" in text_of(deleted)
    added = client.post(
        _url(d, "risk/categories?lang=en"),
        data={"cat-category": "public_safety", "cat-level": "low"},
    )
    assert added.status_code == 422 and "PROC-39a" in text_of(added)
    assert len(_one(RiskAssessment, d).categories) == 1
    # the government office is not the corrector of the risk record
    client.get("/admin/logout")
    login(client, "office")
    r = client.post(
        _url(d, "risk/assessment?lang=en"),
        data=_risk_form(**REPORT, plan="改写", correction_reason="更正"),
    )
    assert r.status_code in (403, 422)
    client.get("/admin/logout")
    login(client, "undertaker")
    corrected = client.post(
        _url(d, "risk/assessment"),
        data=_risk_form(**REPORT, plan="补充完整的评估方案", correction_reason="补录评估工作方案"),
    )
    assert corrected.status_code == 302
    assert _one(RiskAssessment, d).plan == "补充完整的评估方案"
    assert _corrections(d)[-1].reason == "补录评估工作方案"
    assert "risk.update.correction" in _actions(d)


def test_side_door_editing_a_completed_risk_assessment_needs_a_correction(client, outpatient):
    d = outpatient
    ra = _one(RiskAssessment, d)
    login(client, "undertaker")
    refused = client.post(
        _url(d, "risk/notice?lang=en"),
        data={
            "notice_title": "公示",
            "notice_text": "正文",
            "notice_opens_on": TODAY.isoformat(),
            "notice_closes_on": TODAY.isoformat(),
        },
    )
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    assert _one(RiskAssessment, d).notice_title == ""
    page = text_of(client.get(_url(d, "risk?lang=en")))
    assert "Issued, locked" in page
    assert ra.plac_review_result is PlacReviewResult.PASSED


# -- A17: "social stability assessment not required" is a confirmed flag ---------------------


def test_a17_the_risk_form_cannot_switch_off_the_social_stability_assessment(client, item):
    login(client, "undertaker")
    d = item
    r = client.post(
        _url(d, "risk/assessment"),
        data=_risk_form(
            social_stability_required="",
            social_stability_not_required_reason="不涉及群众切身利益",
        ),
    )
    assert r.status_code == 302
    ra = _one(RiskAssessment, d)
    assert ra.social_stability_required is True and ra.social_stability_not_required_reason == ""
    page = client.get(_url(d, "risk?lang=en")).get_data(as_text=True)
    assert 'name="social_stability_required"' not in page


def test_a17_the_unit_requests_and_the_office_confirms_not_required(client, item):
    d = item
    login(client, "undertaker")
    url = _url(d, "flag-requests")
    refused = client.post(
        url + "?lang=en", data={"flag": "social_stability_not_required", "value": "1"}
    )
    assert refused.status_code == 422 and "A17" in text_of(refused)
    sent = client.post(
        url,
        data={
            "flag": "social_stability_not_required",
            "value": "1",
            "reason": "仅涉及内部管理事项，不涉及群众切身利益",
        },
    )
    assert sent.status_code == 302
    request = db.session.scalar(sa.select(FlagRequest).where(FlagRequest.decision_id == d.id))
    assert "A request to change this is waiting" in text_of(client.get(_url(d, "risk?lang=en")))
    assert client.post(_url(d, f"flag-requests/{request.id}/confirm")).status_code == 403
    assert _one(RiskAssessment, d) is None or _one(RiskAssessment, d).social_stability_required
    client.get("/admin/logout")
    login(client, "office")
    done = client.post(_url(d, f"flag-requests/{request.id}/confirm"), data={})
    assert done.status_code == 302
    ra = _one(RiskAssessment, d)
    assert ra.social_stability_required is False
    assert ra.social_stability_not_required_reason == "仅涉及内部管理事项，不涉及群众切身利益"
    correction = _corrections(d)[-1]
    assert correction.group == "gate_flags" and correction.record_type == "risk_assessments"
    assert "flag.confirm.correction" in _actions(d)
    assert _fresh(d).social_stability_not_required is True
    page = text_of(client.get(_url(d, "risk?lang=en")))
    assert "Not required" in page and "仅涉及内部管理事项" in page
    flags = text_of(client.get(_url(d, "corrections?lang=en")))
    assert "No social stability risk assessment required (A17, RISK-5a) Yes" in flags
    # RISK-5a: the required assessment no longer blocks (the reason is on record)
    from portal.rules import gates

    assert gates.social_stability_violations(procedure.build_facts(_fresh(d))) == []


# -- RISK-9c: the optional public notice of the risk investigation ----------------------------


def _notice(**extra) -> dict:
    return {
        "notice_title": "关于公交票价调整社会稳定风险评估的公示",
        "notice_text": "现就票价调整方案开展社会稳定风险评估，欢迎提出意见。\n"
        "意见请于公示期内反馈。",
        "notice_opens_on": TODAY.isoformat(),
        "notice_closes_on": (TODAY + timedelta(days=7)).isoformat(),
        "notice_contact": "市交通运输局 0476-8888888",
        **extra,
    }


def test_risk_9c_a_public_notice_is_shown_on_the_dossier(client, item):
    login(client, "undertaker")
    d = item
    assert "关于公交票价调整" not in text_of(client.get(f"/decisions/{d.id}"))
    r = client.post(_url(d, "risk/notice?lang=en"), data=_notice(notice_text=""))
    assert r.status_code == 422 and "RISK-9c" in text_of(r)
    assert client.post(_url(d, "risk/notice"), data=_notice()).status_code == 302
    assert "risk.notice" in _actions(d)
    dossier = text_of(client.get(f"/decisions/{d.id}"))
    assert "关于公交票价调整社会稳定风险评估的公示" in dossier
    assert "欢迎提出意见" in dossier and "0476-8888888" in dossier


def test_risk_9c_is_optional_and_a_notice_starting_later_is_not_shown_yet(client, item):
    login(client, "undertaker")
    d = item
    empty = dict.fromkeys(_notice(), "")
    assert client.post(_url(d, "risk/notice"), data=empty).status_code == 302
    later = (TODAY + timedelta(days=3)).isoformat()
    r = client.post(
        _url(d, "risk/notice"),
        data=_notice(
            notice_opens_on=later, notice_closes_on=(TODAY + timedelta(days=9)).isoformat()
        ),
    )
    assert r.status_code == 302
    assert "关于公交票价调整" not in text_of(client.get(f"/decisions/{d.id}"))


def test_risk_9c_never_for_a_non_disclosable_decision(client, demo):
    d = _new_decision(
        "赤峰市应急物资储备调整方案（测试）",
        non_disclosable=True,
        non_disclosable_basis="《中华人民共和国保守国家秘密法》第九条",
    )
    login(client, "undertaker")
    r = client.post(_url(d, "risk/notice?lang=en"), data=_notice())
    assert r.status_code == 422 and "A7" in text_of(r)
    assert _one(RiskAssessment, d) is None
    assert client.get(f"/decisions/{d.id}").status_code == 404


def test_view_only_staff_cannot_change_expert_or_risk_records(client, item):
    login(client, "moderator")
    d = item
    page = client.get(_url(d, "experts?lang=en"))
    assert page.status_code == 200 and "Add an expert or institution" not in text_of(page)
    assert _outside(client, d, "张教授").status_code == 403
    assert client.post(_url(d, "risk/plac"), data={}).status_code == 403
    assert client.post(_url(d, "risk/notice"), data=_notice()).status_code == 403
    assert _count_experts(d) == 0 and _one(RiskAssessment, d) is None
