"""Demo opinions for the open consultations, in every moderation and adoption state.

Kept apart from ``portal.demo`` (which loads governments, users and decisions): the seed-demo
command calls ``seed_demo_opinions`` after the main data set is loaded. Moderation and answers
go through ``portal.services.moderation`` as the demo moderator and undertaking staff, so each
step is audited like a real one; each received opinion is audited as it is created.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.opinion import Opinion
from portal.models.user import User
from portal.rules.consultation import WithholdReason
from portal.rules.enums import AdoptionStatus
from portal.services import audit, moderation
from portal.services import decisions as decision_service
from portal.services.opinions import PRIVACY_NOTICE_VERSION, clean_text, new_receipt_code

CAMPAIGN = "强烈反对在我们小区旁边设置垃圾中转站，请重新选址，保障居民的生活环境和身体健康！"

# (body, clause, display name, consent, phone, email, action, reason/adoption, response)
OPINIONS: list[tuple] = [
    (
        "建议在征求意见稿第四条中明确分类投放点的设置标准，老旧小区也应每300户至少设置一处。",
        "第四条",
        "王建国",
        True,
        "13904761234",
        "",
        "publish",
        AdoptionStatus.ADOPTED,
        "已采纳，已在修改稿第四条中明确老旧小区投放点的设置标准和配置时限。",
    ),
    (
        "第三条规定的定时定点投放时间偏短，建议晚间延长至21时，方便上班族投放。",
        "第三条",
        "李女士",
        False,
        "",
        "li@example.cn",
        "publish",
        AdoptionStatus.PARTIALLY_ADOPTED,
        "部分采纳：晚间投放时间延长至20时；延长至21时将影响清运车辆作业安排。",
    ),
    (
        "建议取消物业服务企业作为分类投放管理责任人的规定，改由社区居委会负责。",
        "第三条",
        "",
        False,
        "",
        "",
        "publish",
        AdoptionStatus.NOT_ADOPTED,
        "未采纳：依据《民法典》第九百四十二条，物业服务人应当维护物业服务区域内的基本秩序，由其承担投放管理责任更为适宜。",
    ),
    (
        "希望分类投放点设置无障碍通道和低位投放口，照顾老年人和残疾人。我的电话13812345678，"
        "欢迎相关部门联系我了解具体情况。",
        "",
        "张大爷",
        True,
        "",
        "",
        "publish",
        AdoptionStatus.PENDING,
        "",
    ),
    (
        "收运车辆在小区内停车作业时噪音较大，建议明确停车作业时段。",
        "第五条",
        "",
        False,
        "",
        "",
        "publish",
        AdoptionStatus.PENDING,
        "",
    ),
    (
        "专业代办各类证件，价格优惠，联系微信 abc123。",
        "",
        "",
        False,
        "",
        "",
        "withhold",
        WithholdReason.ADVERTISING,
        "",
    ),
    (
        "写这个文件的人都是饭桶，什么都不懂！！",
        "",
        "",
        False,
        "",
        "",
        "withhold",
        WithholdReason.ABUSIVE,
        "",
    ),
    (
        "我家楼上漏水三个月了，物业一直不管，能不能帮忙解决一下？",
        "",
        "",
        False,
        "",
        "",
        "withhold",
        WithholdReason.OFF_TOPIC,
        "",
    ),
    (
        "建议对生活垃圾收运企业实行信用评价，混装混运的列入黑名单。",
        "第五条",
        "赵工",
        True,
        "",
        "",
        "receive",
        None,
        "",
    ),
    (CAMPAIGN, "", "", False, "", "", "receive", None, ""),
    (CAMPAIGN.replace("！", "。"), "", "", False, "", "", "receive", None, ""),
    (CAMPAIGN + "谢谢", "", "", False, "", "", "receive", None, ""),
]


def seed_demo_opinions(now: datetime) -> int:
    """Add the demo opinions to the open consultations (once); return how many were added."""
    consultations = decision_service.open_consultations(now, limit=5)
    if not consultations:
        return 0
    if db.session.scalar(
        sa.select(Opinion.id).where(Opinion.decision_id.in_([c.decision_id for c in consultations]))
    ):
        return 0
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    moderator, answerer = users.get("moderator"), users.get("undertaker")
    added = 0
    consultation = consultations[0]  # the consultation that closes soonest
    for i, spec in enumerate(OPINIONS):
        body, clause, name, consent, phone, email, action, code, response = spec
        submitted = max(consultation.opens_at, now - timedelta(days=6)) + timedelta(hours=3 * i)
        submitted = min(submitted, now - timedelta(minutes=5))
        opinion = Opinion(
            decision_id=consultation.decision_id,
            consultation_id=consultation.id,
            receipt_code=new_receipt_code(),
            body=clean_text(body, multiline=True),
            clause=clause,
            display_name=name,
            publish_name_consent=consent,
            consent_version=PRIVACY_NOTICE_VERSION,
            consented_at=submitted,
            contact_email=email,
            contact_phone=phone,
            submitted_at=submitted,
            content_hash=hashlib.sha256(f"demo:{i}:{body}".encode()).hexdigest(),
        )
        db.session.add(opinion)
        db.session.flush()
        audit.record(
            "opinion.receive",
            actor="demo",
            now=submitted,
            obj=consultation.decision,
            after={"record": f"opinions:{opinion.id}", "status": "received"},
        )
        added += 1
        if moderator is None:
            continue
        later = submitted + timedelta(minutes=30)
        if action == "publish":
            moderation.approve_opinion(opinion, actor=moderator, now=later)
            if code is not AdoptionStatus.PENDING and answerer is not None:
                moderation.answer_opinion(
                    opinion, code, response, actor=answerer, now=later + timedelta(hours=1)
                )
        elif action == "withhold":
            moderation.withhold_opinion(opinion, code, actor=moderator, now=later)
    moderation.refresh_groups(consultation.decision)
    db.session.commit()
    return added
