"""Demo post-evaluation: the Hongshan culture site plan in post-evaluation, with its unit,
agreement, team and plan, and its public call for input open with feedback in every
moderation state. Idempotent; every row is audited (moderation through the service)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.evaluation import Evaluation, EvaluationTeamMember, PublicFeedback
from portal.models.user import User
from portal.rules.enums import PostEvalTrigger
from portal.rules.evaluation import EvaluationScope, TeamRole, ThirdPartyType
from portal.rules.workdays import local_date
from portal.services import audit, records
from portal.services import evaluation as service
from portal.services.opinions import OpinionInput
from portal.services.records import update_record

ACTOR = "seed-demo"
TITLE = "赤峰市红山文化遗址保护利用规划"

FEEDBACK = [
    ("遗址保护范围内的村民生产生活受到限制，希望明确补偿标准和安置办法。", "approve"),
    ("建议在遗址周边建设游客服务中心，联系电话13904769876，愿意参与志愿讲解。", "approve"),
    ("遗址保护标识牌设置不足，外地游客很难找到。", None),
    ("点击领取优惠券，全网最低价！", "withhold"),
]


RESPONSE = (
    "关于补偿标准和安置办法：市文物局正会同红山区人民政府制定遗址保护范围内群众生产生活补偿办法，"
    "预计2026年12月底前公开征求意见。关于游客服务中心：已纳入本次后评估和规划调整研究，"
    "欢迎继续通过本栏目或12345热线提出意见。"
)
RESPONSE_CORRECTED = RESPONSE.replace("2026年12月底前", "2027年1月底前")
RESPONSE_CORRECTION = "补偿办法的起草时间调整，更正预计公开征求意见的时间。"


def seed_demo_evaluation(now: datetime) -> int:
    """The evaluation and its feedback, then the government's response to the published
    concerns (PART-19b), corrected once with its reason (shown on the dossier)."""
    rows = _seed_evaluation(now)
    if rows:
        with records.checked():  # the response and its correction, recorded like real ones
            _seed_response(now)
    return rows


def _seed_response(now: datetime) -> None:
    """Through the services, as the undertaking staff: a response and its correction (a
    correction is recorded only outside the seeding mode)."""
    decision = db.session.scalar(sa.select(Decision).where(Decision.title == TITLE))
    staff = db.session.scalar(sa.select(User).where(User.username == "undertaker"))
    published = db.session.scalars(
        sa.select(PublicFeedback.id).where(
            PublicFeedback.decision_id == decision.id,
            PublicFeedback.status == service.FeedbackStatus.PUBLISHED,
        )
    ).all()
    if staff is None or not published:
        return
    response = service.respond_to_feedback(
        decision,
        service.FeedbackResponseInput(body=RESPONSE, item_ids=tuple(published)),
        actor=staff,
        now=now - timedelta(days=2),
    )
    service.correct_feedback_response(
        response,
        RESPONSE_CORRECTED,
        correction=RESPONSE_CORRECTION,
        actor=staff,
        now=now - timedelta(days=1),
    )
    db.session.commit()


@records.seeding()
def _seed_evaluation(now: datetime) -> int:
    decision = db.session.scalar(sa.select(Decision).where(Decision.title == TITLE))
    if decision is None or db.session.scalar(
        sa.select(Evaluation.id).where(Evaluation.decision_id == decision.id)
    ):
        return 0
    today = local_date(now)
    kw = {"decision": decision, "actor": ACTOR, "now": now}
    ev = Evaluation(decision_id=decision.id, triggered_on=today - timedelta(days=20))
    update_record(
        ev,
        {
            "triggers": PostEvalTrigger.EXPECTED_EFFECT_NOT_ACHIEVED.value,
            "trigger_note": "规划实施两年来遗址周边违规建设仍有发生，保护效果未达预期。",
            "evaluation_project": "红山文化遗址保护利用规划实施效果评估",
            "selection_factors": "social_attention,implementation_problems",
            "deadline": today + timedelta(days=70),
            "evaluation_unit": "内蒙古大学公共管理学院",
            "is_third_party": True,
            "third_party_type": ThirdPartyType.UNIVERSITY,
            "qualification": "长期从事文化遗产保护政策研究，承担多项省部级课题。",
            "independence_declared": True,
            "agreement_signed_on": today - timedelta(days=15),
            "evaluation_content": "规划实施情况、保护效果、存在问题及原因。",
            "quality_requirements": "数据真实、内容完整、结论准确、建议可行。",
            "completion_deadline": today + timedelta(days=60),
            "evaluation_funding": "12万元",
            "ownership_of_results": "评估成果归市人民政府所有。",
            "confidentiality_clause": "未经委托方同意不得公开评估过程中获取的资料。",
            "breach_liability": "逾期或质量不达标的，按合同约定扣减经费。",
            "scope": EvaluationScope.OVERALL,
            "methods": "questionnaire,field_inspection,opinion_solicitation",
            "plan_purpose": "评估规划实施效果，为调整完善提供依据。",
            "plan_personnel": "评估小组成员5人。",
            "plan_scope": "规划确定的全部保护范围和建设控制地带。",
            "plan_indicators": "违规建设数量、遗址本体保存状况、群众满意度。",
            "plan_methods": "问卷调查、实地考察、意见征询。",
            "plan_procedure": "调查研究、分析论证、形成报告。",
            "plan_budget": "12万元。",
            "plan_made_on": today - timedelta(days=10),
            "investigation_started_on": today - timedelta(days=5),
            "call_opens_at": now - timedelta(days=5),
            "call_closes_at": now + timedelta(days=25),
            "call_notice": "欢迎社会各界对规划实施效果提出意见和建议。",
            "npc_deputies": 2,
            "cppcc_members": 2,
            "grassroots_organisations": 3,
        },
        action="evaluation.trigger",
        **kw,
    )
    for name, org, role in [
        ("王立新", "内蒙古大学", TeamRole.EXPERT),
        ("刘芳", "赤峰学院", TeamRole.EXPERT),
        ("赵军", "市自然资源局", TeamRole.EXECUTION_UNIT_REP),
    ]:
        update_record(
            EvaluationTeamMember(evaluation_id=ev.id),
            {"name": name, "organisation": org, "role": role},
            action="evaluation.team_add",
            **kw,
        )
    moderator = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    rows = 4
    for i, (body, action) in enumerate(FEEDBACK):
        item = service.submit_feedback(
            decision, OpinionInput(body=body), now=now - timedelta(days=4 - i)
        )
        audit.record(
            "feedback.receive", actor="public", now=now, obj=decision, details={"id": item.id}
        )
        if action and moderator is not None:
            service.moderate_feedback(
                [item], action, reason="advertising", actor=moderator, now=now
            )
        rows += 1
    db.session.commit()
    return rows + int(bool(db.session.scalar(sa.select(sa.func.count(PublicFeedback.id)))))
