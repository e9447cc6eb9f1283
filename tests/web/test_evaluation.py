"""Post-evaluation as officials and citizens use it: the demo call for input, feedback
moderated like opinions and shown anonymised, the A27 prompt, EVAL-7b on screen, and the
government's decision opening its follow-up in the procedure (PROC-45, A24)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.evaluation import Evaluation, PublicFeedback, TriggerReview
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.models.risk import RiskAssessment
from portal.rules.consultation import OpinionStatus
from portal.rules.stages import Stage
from portal.services import evaluation as service
from portal.services.opinions import OpinionInput
from tests.conftest import NOW, login, text_of

SITE = "赤峰市红山文化遗址保护利用规划"
PARKING = "赤峰市城区停车设施建设和管理办法"


@pytest.fixture
def seeded(demo):
    from portal.demo_supervision import seed_demo_supervision

    seed_demo_supervision(NOW)
    return db.session.scalar(sa.select(Decision).where(Decision.title == SITE))


@pytest.fixture
def parking(seeded):
    return db.session.scalar(sa.select(Decision).where(Decision.title == PARKING))


def test_demo_call_for_input_is_open_on_the_dossier_and_feedback_is_anonymised(client, seeded):
    page = text_of(client.get(f"/decisions/{seeded.id}"))
    assert "后评估" in page or "Post-evaluation" in page
    listing = client.get(f"/decisions/{seeded.id}/feedback")
    text = text_of(listing)
    assert "补偿标准" in text
    assert "13904769876" not in text and "139****9876" in text  # A39: phone masked
    assert "优惠券" not in text  # withheld


def test_public_feedback_submission_gets_a_receipt_and_is_idempotent(client, seeded):
    form = client.get(f"/decisions/{seeded.id}/feedback/new")
    assert form.status_code == 200
    data = {
        "body": "建议增加遗址保护宣传，设立村民保护员岗位。",
        "submission_token": "tok-1234567890abcdef",
    }
    first = client.post(f"/decisions/{seeded.id}/feedback/new", data=data)
    assert first.status_code == 303
    again = client.post(f"/decisions/{seeded.id}/feedback/new", data=data)
    assert again.status_code == 303
    items = db.session.scalars(
        sa.select(PublicFeedback).where(PublicFeedback.body.like("建议增加遗址保护宣传%"))
    ).all()
    assert len(items) == 1 and items[0].evaluation_id is not None
    status = client.get(f"/feedback/status?receipt_code={items[0].receipt_code}")
    assert status.status_code == 200
    honeypot = client.post(
        f"/decisions/{seeded.id}/feedback/new", data={"body": "机器人提交的内容", "website": "x"}
    )
    assert honeypot.status_code == 422


def test_feedback_closed_for_a_decision_in_drafting(client, demo):
    drafting = db.session.scalar(
        sa.select(Decision).where(
            Decision.stage == Stage.DRAFTING, Decision.non_disclosable.is_(False)
        )
    )
    response = client.get(f"/decisions/{drafting.id}/feedback/new")
    assert response.status_code == 409 and "EVAL-9b" in text_of(response)


def test_moderation_screen_publishes_with_masking(client, seeded):
    item = db.session.scalar(
        sa.select(PublicFeedback).where(PublicFeedback.status == OpinionStatus.RECEIVED)
    )
    login(client, "moderator")
    assert client.get(f"/admin/decisions/{seeded.id}/feedback").status_code == 200
    response = client.post(
        f"/admin/decisions/{seeded.id}/feedback/moderate",
        data={"ids": item.id, "action": "approve"},
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status == OpinionStatus.PUBLISHED
    login(client, "undertaker")
    assert (
        client.post(
            f"/admin/decisions/{seeded.id}/feedback/moderate",
            data={"ids": item.id, "action": "approve"},
        ).status_code
        == 403
    )


def test_a27_prompt_on_the_dashboard_at_the_threshold_and_decline_with_reason(client, parking, app):
    app.config["EVALUATION_FEEDBACK_THRESHOLD"] = 3
    try:
        for i in range(2):
            service.submit_feedback(
                parking, OpinionInput(body=f"停车场开放时间太短，第{i}条意见"), now=NOW
            )
        db.session.commit()
        login(client, "office")
        assert "A27" not in text_of(client.get("/admin/"))  # 2 < 3: no prompt
        service.submit_feedback(
            parking, OpinionInput(body="停车场开放时间太短，第三条意见"), now=NOW
        )
        db.session.commit()
        dashboard = text_of(client.get("/admin/"))
        assert "A27" in dashboard and f"{PARKING}" in dashboard.split("A27", 1)[1]
        refused = client.post(
            f"/admin/decisions/{parking.id}/evaluation/decline", data={"reason": ""}
        )
        assert refused.status_code == 422 and "A26" in text_of(refused)
        ok = client.post(
            f"/admin/decisions/{parking.id}/evaluation/decline",
            data={"reason": "意见已由执行单位逐条答复"},
        )
        assert ok.status_code == 302
        assert db.session.scalar(sa.select(sa.func.count(TriggerReview.id))) == 1
        assert "A27" not in text_of(client.get("/admin/"))
    finally:
        app.config.pop("EVALUATION_FEEDBACK_THRESHOLD", None)


def _open(client, decision, **extra):
    return client.post(
        f"/admin/decisions/{decision.id}/evaluation/trigger",
        data={"triggers": ["expected_effect_not_achieved"], "deadline": "2027-03-31"} | extra,
    )


def test_eval_6a_opening_an_evaluation_needs_a_trigger(client, parking):
    login(client, "office")
    refused = client.post(
        f"/admin/decisions/{parking.id}/evaluation/trigger", data={"deadline": "2027-03-31"}
    )
    assert refused.status_code == 422 and "EVAL-6a" in text_of(refused)
    assert _open(client, parking).status_code == 302
    assert db.session.scalar(sa.select(Evaluation).where(Evaluation.decision_id == parking.id))


def test_eval_7b_unit_that_did_the_risk_assessment_is_refused_on_screen(client, parking):
    risk = db.session.scalar(
        sa.select(RiskAssessment).where(RiskAssessment.decision_id == parking.id)
    )
    risk.assessing_body = "赤峰市社会稳定风险评估中心"
    db.session.commit()
    login(client, "office")
    _open(client, parking)
    ev = db.session.scalar(sa.select(Evaluation).where(Evaluation.decision_id == parking.id))
    refused = client.post(
        f"/admin/decisions/{parking.id}/evaluation/{ev.id}/unit",
        data={"evaluation_unit": "赤峰市社会稳定风险评估中心"},
    )
    assert refused.status_code == 422
    text = text_of(refused)
    assert "EVAL-7b" in text and "第七条" in text
    db.session.refresh(ev)
    assert ev.evaluation_unit == ""
    ok = client.post(
        f"/admin/decisions/{parking.id}/evaluation/{ev.id}/unit",
        data={
            "evaluation_unit": "内蒙古大学公共管理学院",
            "is_third_party": "y",
            "third_party_type": "university",
        },
    )
    assert ok.status_code == 302
    db.session.refresh(parking)
    assert parking.stage == Stage.POST_EVALUATION  # PROC-43: the step started


def _through_report(client, decision, conclusion="recommend_terminate"):
    login(client, "office")
    _open(client, decision)
    ev = db.session.scalar(
        sa.select(Evaluation)
        .where(Evaluation.decision_id == decision.id)
        .order_by(Evaluation.id.desc())
    )
    url = f"/admin/decisions/{decision.id}/evaluation/{ev.id}"
    assert (
        client.post(url + "/unit", data={"evaluation_unit": "市发展和改革委员会"}).status_code
        == 302
    )
    no_team = client.post(
        url + "/plan",
        data=dict.fromkeys(service.rules.PLAN_PARTS, "内容")
        | {"scope": "overall", "methods": ["questionnaire"]},
    )
    assert no_team.status_code == 422 and "EVAL-12b" in text_of(no_team)
    client.post(url + "/team", data={"name": "王专家", "role": "expert"})
    client.post(url + "/team", data={"name": "李代表", "role": "execution_unit_rep"})
    assert (
        client.post(
            url + "/plan",
            data=dict.fromkeys(service.rules.PLAN_PARTS, "内容")
            | {"scope": "overall", "methods": ["questionnaire"]},
        ).status_code
        == 302
    )
    assert client.post(url + "/investigation", data={"npc_deputies": "2"}).status_code == 302
    report = dict.fromkeys(service.rules.REPORT_PARTS, "内容") | {"conclusion": conclusion}
    assert client.post(url + "/report", data=report).status_code == 302
    return ev, url


def test_eval_14b_termination_needs_the_collective_decision_then_terminates(client, parking):
    ev, url = _through_report(client, parking)
    refused = client.post(
        url + "/decision", data={"gov_decision": "terminate", "gov_decided_on": "2026-11-26"}
    )
    assert refused.status_code == 422 and "EVAL-14b" in text_of(refused)
    ok = client.post(
        url + "/decision",
        data={
            "gov_decision": "terminate",
            "gov_decided_on": "2026-11-26",
            "collective_decision_ref": "市政府2026年第20次常务会议纪要",
        },
    )
    assert ok.status_code == 302, text_of(ok)
    db.session.refresh(parking)
    assert parking.stage == Stage.TERMINATED
    change = db.session.scalar(
        sa.select(DecisionChange).where(DecisionChange.decision_id == parking.id)
    )
    assert change.kind == DecisionChangeKind.TERMINATION
    db.session.refresh(ev)
    assert ev.change_id == change.id


def test_eval_14b_suspension_by_the_executive_head_suspends_execution(client, parking):
    _ev, url = _through_report(client, parking, "recommend_suspend")
    ok = client.post(
        url + "/decision",
        data={
            "gov_decision": "suspend",
            "gov_decided_on": "2026-11-26",
            "decided_by_executive_head": "y",
        },
    )
    assert ok.status_code == 302, text_of(ok)
    db.session.refresh(parking)
    assert parking.stage == Stage.SUSPENDED  # A24: resume, adjust or terminate pending


def test_continue_completes_the_post_evaluation(client, parking):
    _ev, url = _through_report(client, parking, "recommend_continue")
    assert (
        client.post(
            url + "/decision",
            data={
                "gov_decision": "continue",
                "gov_decided_on": "2026-11-26",
                "publish_conclusion": "y",
            },
        ).status_code
        == 302
    )
    db.session.refresh(parking)
    assert parking.stage == Stage.IMPLEMENTATION
    client.post("/admin/logout")
    assert "继续实施" in text_of(client.get(f"/decisions/{parking.id}")) or "Continue" in text_of(
        client.get(f"/decisions/{parking.id}?lang=en")
    )


def test_eval_13a_late_report_is_marked(client, parking):
    ev, _url = _through_report(client, parking)
    assert service.report_late(ev, date(2027, 3, 31)) == []
    ev.report_submitted_on = date(2027, 4, 1)
    assert [v.rule for v in service.report_late(ev, date(2027, 4, 2))] == ["EVAL-13a"]


def test_eval_12f_invalid_evaluation_is_redone_under_a_new_record(client, parking):
    login(client, "office")
    _open(client, parking)
    ev = db.session.scalar(sa.select(Evaluation).where(Evaluation.decision_id == parking.id))
    refused = client.post(
        f"/admin/decisions/{parking.id}/evaluation/{ev.id}/invalidate",
        data={"deadline": "2027-05-31"},
    )
    assert refused.status_code == 422 and "EVAL-12f" in text_of(refused)
    ok = client.post(
        f"/admin/decisions/{parking.id}/evaluation/{ev.id}/invalidate",
        data={"invalid_reason": "评估小组未吸收执行单位代表", "deadline": "2027-05-31"},
    )
    assert ok.status_code == 302
    redo = service.current_evaluation(parking)
    assert redo.id != ev.id and redo.redo_of_id == ev.id and redo.deadline == date(2027, 5, 31)


def test_eval_8b_subdelegation_needs_consent(client, parking):
    login(client, "office")
    _open(client, parking)
    ev = db.session.scalar(sa.select(Evaluation).where(Evaluation.decision_id == parking.id))
    url = f"/admin/decisions/{parking.id}/evaluation/{ev.id}"
    client.post(
        url + "/unit",
        data={
            "evaluation_unit": "内蒙古大学",
            "is_third_party": "y",
            "third_party_type": "university",
        },
    )
    refused = client.post(url + "/agreement", data={"subdelegate": "某调查公司"})
    assert refused.status_code == 422 and "EVAL-8b" in text_of(refused)
    assert (
        client.post(
            url + "/agreement", data={"subdelegate": "某调查公司", "subcontracting_consent": "y"}
        ).status_code
        == 302
    )


def test_proc_45c_a_major_adjustment_opens_its_own_new_procedure(client, parking):
    """PROC-45c / A24: no other decision can be named as the new procedure; the adjustment
    creates it, at initiation and linked to the original, and the original's evaluation points
    to the recorded change."""
    ev, url = _through_report(client, parking, "recommend_adjust")
    before = db.session.scalar(sa.select(sa.func.count(Decision.id)))
    no_ref = client.post(
        url + "/decision", data={"gov_decision": "adjust", "gov_decided_on": "2026-11-26"}
    )
    assert no_ref.status_code == 422 and "EVAL-14b" in text_of(no_ref)  # a minor one needs it
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == before
    ok = client.post(
        url + "/decision",
        data={
            "gov_decision": "adjust",
            "gov_decided_on": "2026-11-26",
            "major": "y",
            # a selector no longer exists; a forged value is ignored, never trusted
            "new_decision_id": "1",
        },
    )
    assert ok.status_code == 302, text_of(ok)
    change = db.session.scalar(
        sa.select(DecisionChange).where(DecisionChange.decision_id == parking.id)
    )
    assert change.kind == DecisionChangeKind.MAJOR_ADJUSTMENT and change.new_decision_id != 1
    new = db.session.get(Decision, change.new_decision_id)
    assert new.adjusts_decision_id == parking.id and new.stage == Stage.INITIATED
    assert new.government_id == parking.government_id and "重大调整" in new.title
    db.session.refresh(ev)
    assert ev.change_id == change.id
