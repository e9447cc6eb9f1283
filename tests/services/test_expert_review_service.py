"""The expert review and risk services, called directly: pool members only through the pool's
selection (EXP-13a), outside experts with a reason (A22), the PLAC review (RISK-12b), the A17
flag written by the confirmed request, the RISK-9c notice, and the locks (PROC-39a)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.correction import Correction
from portal.models.decision import Decision, ProcedureStep
from portal.models.expert_pool import ExpertGroup
from portal.models.org import Government
from portal.models.user import User
from portal.rules.enums import PlacReviewResult
from portal.rules.errors import RuleViolation
from portal.rules.stages import Step, StepStatus
from portal.rules.workdays import local_date
from portal.services import corrections, expert_review, procedure, risk
from portal.services import expert_pool as pool
from tests.conftest import NOW, new_city_decision

TODAY = local_date(NOW)


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


@pytest.fixture
def decision(demo) -> Decision:
    return new_city_decision("赤峰市供热管网改造方案（服务测试）")


def _who(name: str = "undertaker") -> dict:
    return {"actor": _user(name), "now": NOW}


def _rules(refusal: RuleViolation) -> set[str]:
    return {v.rule for v in refusal.violations}


def _member(name: str, appointed: date):
    office = _user("office")
    gov = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    group = db.session.scalar(
        sa.select(ExpertGroup.id).where(ExpertGroup.code == "economic_development")
    )
    e = pool.add_expert(
        gov,
        {
            "name": name,
            "organisation": "赤峰学院",
            "source_org_type": "education_research",
            "nomination_channel": "self_application",
            "title_level": "senior",
            "group_ids": [group],
        },
        actor=office,
        now=NOW,
    )
    every = [q.value for q in pool.Qualification]
    pool.record_preliminary_review(e, appointed - timedelta(days=9), every, actor=office, now=NOW)
    pool.record_approval(e, appointed - timedelta(days=5), "批〔1〕", actor=office, now=NOW)
    pool.issue_certificate(e, appointed, f"C-{name}", actor=office, now=NOW)
    pool.record_pledge(e, appointed, actor=office, now=NOW)
    return e


def test_a_pool_member_is_read_from_the_pool_record_and_an_outside_expert_from_its_own(
    decision,
):
    member = _member("库内甲", TODAY - timedelta(days=50))
    row = expert_review.add_pool_member(decision, member, **_who("office"))
    outside = expert_review.add_outside_expert(
        decision,
        expert_review.OutsideExpertInput(
            name="库外乙", external_reason="库内无此专业", pledge_signed=False
        ),
        **_who(),
    )
    facts = procedure.expert_facts(decision)
    by_name = {e.name: e for e in facts.experts}
    assert row.expert_id == member.id and outside.expert_id is None
    assert by_name["库内甲"].from_pool and by_name["库内甲"].certificate_on == member.certificate_on
    assert by_name["库内甲"].pledge_signed_on == member.pledge_signed_on
    assert not by_name["库外乙"].from_pool and by_name["库外乙"].external_reason == "库内无此专业"
    # the pool's own conflict record reaches the gate (PROC-22a)
    pool.declare_conflict(
        member,
        decision=decision,
        department=None,
        description="其配偶在承办单位任职",
        on=TODAY,
        **_who("office"),
    )
    db.session.expire_all()
    facts = procedure.expert_facts(decision)
    assert next(e for e in facts.experts if e.name == "库内甲").pool_conflict


def test_an_outside_expert_cannot_be_edited_into_a_pool_member_and_vice_versa(decision):
    member = _member("库内丙", TODAY - timedelta(days=50))
    row = expert_review.add_pool_member(decision, member, **_who("office"))
    with pytest.raises(RuleViolation) as refused:
        expert_review.update_outside_expert(
            decision,
            row,
            expert_review.OutsideExpertInput(name="改名", external_reason="理由"),
            **_who(),
        )
    assert _rules(refused.value) == {"EXP-13a"}
    with pytest.raises(RuleViolation) as refused:
        expert_review.add_outside_expert(
            decision,
            expert_review.OutsideExpertInput(
                name=member.name, organisation=member.organisation, external_reason="理由"
            ),
            **_who(),
        )
    assert _rules(refused.value) == {"EXP-13a"}


def test_the_completed_expert_review_is_corrected_only_by_the_undertaking_unit(decision):
    expert_review.save_expert_review(decision, expert_review.ReviewInput(review_on=TODAY), **_who())
    decision.steps.append(
        ProcedureStep(
            step=Step.EXPERT_REVIEW,
            round=1,
            status=StepStatus.COMPLETED,
            started_at=NOW,
            completed_at=NOW,
        )
    )
    db.session.flush()
    changed = expert_review.ReviewInput(review_on=TODAY - timedelta(days=1))
    with pytest.raises(RuleViolation) as refused:
        expert_review.save_expert_review(decision, changed, **_who())
    assert _rules(refused.value) == {"PROC-39a"}
    with pytest.raises(RuleViolation) as refused:
        expert_review.save_expert_review(decision, changed, correction="更正", **_who("office"))
    assert "PROC-21a" in _rules(refused.value)  # only the undertaking unit (PROC-21a)
    expert_review.save_expert_review(decision, changed, correction="日期有误", **_who())
    assert procedure.expert_review(decision).review_on == TODAY - timedelta(days=1)
    assert db.session.scalar(sa.select(Correction.reason).order_by(Correction.id.desc())) == (
        "日期有误"
    )


def _report(decision):
    risk.save_risk(
        decision,
        risk.RiskInput(
            report={
                "subject_and_process": "过程",
                "opinions_and_adoption": "意见",
                "risk_points": "风险点",
                "conclusion": "低",
                "prevention_and_contingency": "预案",
            }
        ),
        **_who(),
    )


def test_risk_12b_the_plac_review_and_the_lock(decision):
    _report(decision)
    with pytest.raises(RuleViolation) as refused:
        risk.record_plac_review(
            decision, risk.PlacInput(submitted_on=TODAY + timedelta(days=1)), **_who()
        )
    assert _rules(refused.value) == {"RISK-12b"}
    with pytest.raises(RuleViolation) as refused:
        risk.record_plac_review(
            decision,
            risk.PlacInput(
                submitted_on=TODAY, review_result=PlacReviewResult.PASSED, filed_on=TODAY
            ),
            **_who(),
        )
    assert _rules(refused.value) == {"RISK-12b"}  # the reference is missing
    risk.record_plac_review(
        decision,
        risk.PlacInput(
            submitted_on=TODAY - timedelta(days=5),
            review_result=PlacReviewResult.PASSED,
            filed_on=TODAY,
            ref="赤政法稳评备〔2026〕1号",
        ),
        **_who(),
    )
    assert risk.lock_of(decision) is not None
    with pytest.raises(RuleViolation) as refused:
        risk.save_risk(decision, risk.RiskInput(plan="改写"), **_who())
    assert _rules(refused.value) == {"PROC-39a"}


def test_a17_the_confirmed_flag_is_written_to_the_risk_assessment(decision):
    request = corrections.request_flag_change(
        decision,
        corrections.FlagChange("social_stability_not_required", True, "不涉及群众利益"),
        **_who(),
    )
    corrections.confirm_flag_request(request, **_who("office"))
    ra = procedure.risk_assessment(decision)
    assert ra.social_stability_required is False
    assert ra.social_stability_not_required_reason == "不涉及群众利益"
    assert decision.social_stability_not_required is True
    # the risk service never writes it in place
    _report(decision)
    db.session.expire_all()
    assert procedure.risk_assessment(decision).social_stability_required is False
    # and back, by another confirmed request
    back = corrections.request_flag_change(
        decision,
        corrections.FlagChange("social_stability_not_required", False, "涉及征收补偿"),
        **_who(),
    )
    corrections.confirm_flag_request(back, **_who("office"))
    ra = procedure.risk_assessment(decision)
    assert ra.social_stability_required is True and ra.social_stability_not_required_reason == ""


def test_risk_9c_the_notice_is_public_from_its_first_day_and_never_when_not_disclosable(decision):
    data = risk.RiskNoticeInput(
        title="风险评估公示", text="欢迎提出意见", opens_on=TODAY, closes_on=TODAY
    )
    risk.record_risk_notice(decision, data, **_who())
    assert risk.public_risk_notice(decision).title == "风险评估公示"
    assert risk.public_risk_notice(decision, TODAY - timedelta(days=1)) is None
    decision.non_disclosable = True  # e.g. confirmed later (A7)
    assert risk.public_risk_notice(decision) is None
