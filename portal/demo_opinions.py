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
from portal.services import audit, moderation, records
from portal.services import decisions as decision_service
from portal.services.opinions import (
    PRIVACY_NOTICE_VERSION,
    AdoptionStatus,
    WithholdReason,
    clean_text,
    new_receipt_code,
)

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


# The published preschool plan: answered opinions under themes, and the published report.
REPORT_DECISION = "赤峰市学前教育普惠发展三年行动计划（2026—2028年）"
# (body, clause, theme, name, consent, adoption, response)
REPORT_OPINIONS: list[tuple] = [
    (
        "新建小区配套幼儿园经常迟迟不移交，建议每年新建公办园数量再增加一些。",
        "第二条",
        "公办园建设",
        "刘女士",
        True,
        AdoptionStatus.ADOPTED,
        "已采纳，每年新建、改扩建公办幼儿园数量由20所提高到25所。",
    ),
    (
        "农村牧区幼儿入园路途远，建议把农村牧区也列为重点补齐学位的区域。",
        "第二条",
        "公办园建设",
        "",
        False,
        AdoptionStatus.ADOPTED,
        "已采纳，第二条增加“农村牧区”。",
    ),
    (
        "生均补助标准多年不变，民办园难以为继，建议建立补助标准调整机制。",
        "第三条",
        "普惠性民办园扶持",
        "某民办幼儿园举办者",
        True,
        AdoptionStatus.PARTIALLY_ADOPTED,
        "部分采纳：补助标准每年评估调整；按物价指数自动联动暂不具备条件。",
    ),
    (
        "建议对家庭经济困难的幼儿减免保育教育费。联系电话13904769876。",
        "",
        "家庭经济困难幼儿资助",
        "",
        False,
        AdoptionStatus.ADOPTED,
        "已采纳，新增第五条建立学前教育资助制度。",
    ),
    (
        "建议全面实行学前教育免费。",
        "",
        "家庭经济困难幼儿资助",
        "",
        False,
        AdoptionStatus.NOT_ADOPTED,
        "未采纳：全面免费学前教育需国家和自治区统一部署，超出本行动计划调整范围。",
    ),
    (
        "幼儿园教师工资待遇偏低，流失严重，建议明确公办园教师待遇保障。",
        "第四条",
        "",
        "",
        False,
        AdoptionStatus.NOT_ADOPTED,
        "未采纳：教师工资待遇按国家和自治区有关规定执行，已在其他政策中安排。",
    ),
]
REPORT_SUMMARY = (
    "征求意见期间共收到公众意见7条，其中1条因与本计划无关未予公布，6条经审核后公布。\n"
    "经研究，采纳3条、部分采纳1条、未采纳2条。采纳的意见主要集中在公办园建设数量、"
    "农村牧区学位补齐和家庭经济困难幼儿资助三个方面，已据此修改第二条、第三条并新增第五条。\n"
    "未采纳的意见主要是超出本计划调整范围或已有其他政策安排，具体理由见每条意见的答复。"
)


def _new_opinion(
    consultation,
    index: int,
    body: str,
    clause: str,
    name: str,
    consent: bool,
    phone: str,
    email: str,
    submitted: datetime,
) -> Opinion:
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
        content_hash=hashlib.sha256(f"demo:{consultation.id}:{index}:{body}".encode()).hexdigest(),
    )
    moderation.assign_group(opinion)  # on submission, as the service does
    db.session.add(opinion)
    db.session.flush()
    audit.record(
        "opinion.receive",
        actor="demo",
        now=submitted,
        obj=consultation.decision,
        after={"record": f"opinions:{opinion.id}", "status": "received"},
    )
    return opinion


# The participation channels of PART-6b/6c shown on the public "ways to take part" pages.
CHANNELS: dict[str, list[dict]] = {
    "chifeng": [
        {
            "kind": "hotline_12345",
            "name": "赤峰市12345政务服务便民热线",
            "phone": "12345",
            "hours": "全天24小时",
            "description": "可对正在征求意见的重大行政决策事项提出意见建议，"
            "热线工作人员记录后转交决策承办单位录入，并告知回执码。",
        },
        {
            "kind": "open_day",
            "name": "赤峰市人民政府开放日",
            "address": "赤峰市人民政府（松山区玉龙大街）",
            "hours": "每月第二个星期五上午，提前3个工作日报名",
            "phone": "0476-8331234",
            "description": "开放日当天可了解正在办理的重大行政决策事项，并当面提出意见建议。",
        },
        {
            "kind": "new_media",
            "name": "“赤峰发布”政务新媒体",
            "url": "https://www.chifeng.gov.cn/",
            "description": "决策草案征求意见公告同步在政务新媒体发布，可留言提出意见。",
        },
        {
            "kind": "contact_point",
            "name": "赤峰市政务服务中心政府信息公开查阅点",
            "address": "赤峰市松山区玉龙大街政务服务中心一楼",
            "hours": "工作日 9:00—12:00，13:30—17:00",
            "phone": "0476-8331234",
            "description": "可查阅决策草案及其说明，现场填写意见建议表。",
        },
    ],
    "hongshan": [
        {
            "kind": "contact_point",
            "name": "红山区政务服务中心信息公开查询区",
            "address": "赤峰市红山区政务服务中心二楼",
            "hours": "工作日 9:00—17:00",
            "phone": "0476-8221234",
        },
    ],
}


def seed_demo_channels(now: datetime) -> int:
    """The demo governments' participation channels (once), through the service (audited)."""
    from portal.models.channel import ParticipationChannel
    from portal.models.org import Government
    from portal.services import channels

    if db.session.scalar(sa.select(ParticipationChannel.id).limit(1)):
        return 0
    added = 0
    for slug, rows in CHANNELS.items():
        government = db.session.scalar(sa.select(Government).where(Government.slug == slug))
        if government is None:
            continue
        for i, row in enumerate(rows):
            channels.add_channel(
                government, channels.ChannelInput(**row, sort_order=i), actor="demo", now=now
            )
            added += 1
    return added


@records.seeding()
def seed_demo_opinions(now: datetime) -> int:
    """Add the demo opinions (once): every moderation and adoption state on the open consultation
    that closes soonest, and the answered opinions with a published adoption report on the
    published preschool plan. Returns how many opinions were added. The participation channels
    (PART-6b/6c) come with them."""
    seed_demo_channels(now)
    db.session.commit()
    consultations = decision_service.open_consultations(now, limit=5)
    if not consultations:
        return 0
    if db.session.scalar(
        sa.select(Opinion.id).where(Opinion.decision_id.in_([c.decision_id for c in consultations]))
    ):
        return 0
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    moderator = users.get("moderator")
    added = 0
    consultation = consultations[0]  # the consultation that closes soonest
    answerer = answerer_of(consultation.decision)
    for i, spec in enumerate(OPINIONS):
        body, clause, name, consent, phone, email, action, code, response = spec
        submitted = max(consultation.opens_at, now - timedelta(days=6)) + timedelta(hours=3 * i)
        submitted = min(submitted, now - timedelta(minutes=5))
        opinion = _new_opinion(
            consultation, i, body, clause, name, consent, phone, email, submitted
        )
        added += 1
        if moderator is None:
            continue
        later = submitted + timedelta(minutes=30)
        if action == "publish":
            moderation.approve_opinion(opinion, actor=moderator, now=later)
            if code is not AdoptionStatus.PENDING and answerer is not None:
                _answer(opinion, code, response, answerer, later + timedelta(hours=1))
        elif action == "withhold":
            moderation.withhold_opinion(opinion, code, actor=moderator, now=later)
    if moderator is not None:
        for other in consultations[1:]:
            added += _seed_few(other, moderator, answerer_of(other.decision), now)
        added += _seed_report(moderator)
        templater = users.get("undertaker")
        if templater is not None:
            _seed_templates(templater, now)
    db.session.commit()
    return added


def answerer_of(decision) -> User | None:
    """The demo staff member who answers a decision's opinions: undertaking staff of one of its
    units (issue 12: nobody answers for another unit), else its government office."""
    from portal.permissions import Role

    units = {u.id for u in decision.undertaking_units}
    staff = [
        u
        for u in db.session.scalars(sa.select(User).order_by(User.id))
        if u.government_id == decision.government_id
    ]
    for role in (Role.UNDERTAKING_STAFF, Role.GOVERNMENT_OFFICE):
        for user in staff:
            if role in user.roles and (
                role is Role.GOVERNMENT_OFFICE or user.department_id in units
            ):
                return user
    return None


def _answer(opinion, code, response, answerer: User, when, theme: str | None = None) -> None:
    """Answer and release at once (the demo's answers are public)."""
    moderation.answer_opinion(opinion, code, response, theme=theme, actor=answerer, now=when)
    moderation.release_answers(opinion.decision, [opinion.id], actor=answerer, now=when)


def _seed_report(moderator: User) -> int:
    """Opinions on the published preschool plan, all answered, and its published report."""
    from portal.models.consultation import Consultation
    from portal.models.decision import Decision
    from portal.services import adoption

    decision = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
    consultation = decision and db.session.scalar(
        sa.select(Consultation).where(Consultation.decision_id == decision.id)
    )
    if consultation is None or decision.published_at is None:
        return 0
    answerer = answerer_of(decision)
    if answerer is None:
        return 0
    added = 0
    for i, (body, clause, theme, name, consent, code, response) in enumerate(REPORT_OPINIONS):
        submitted = consultation.opens_at + timedelta(days=2 + 3 * i, hours=10)
        opinion = _new_opinion(consultation, i, body, clause, name, consent, "", "", submitted)
        moderation.approve_opinion(opinion, actor=moderator, now=submitted + timedelta(hours=2))
        answered = consultation.closes_at + timedelta(days=3)
        _answer(opinion, code, response, answerer, answered, theme)
        added += 1
    off_topic = _new_opinion(
        consultation,
        99,
        "小区门口的路灯坏了很久，请尽快修理。",
        "",
        "",
        False,
        "",
        "",
        consultation.opens_at + timedelta(days=5),
    )
    moderation.withhold_opinion(
        off_topic,
        WithholdReason.OFF_TOPIC,
        actor=moderator,
        now=consultation.opens_at + timedelta(days=5, hours=2),
    )
    added += 1
    when = consultation.closes_at + timedelta(days=5)
    adoption.save_summary(decision, REPORT_SUMMARY, actor=answerer, now=when)
    adoption.publish_report(decision, actor=answerer, now=when)
    return added


# A few opinions on each of the other open consultations: answered, published, received.
FEW = [
    (
        "建议在实施前组织听证，充分听取受影响群众的意见。",
        AdoptionStatus.ADOPTED,
        "已采纳，将依法组织听证。",
    ),
    ("建议对低收入家庭给予适当补贴，减轻负担。", AdoptionStatus.PENDING, ""),
    ("建议明确各部门职责分工和完成时限。", None, ""),
]


def _seed_few(consultation, moderator: User, answerer: User | None, now: datetime) -> int:
    for i, (body, code, response) in enumerate(FEW):
        submitted = max(consultation.opens_at + timedelta(hours=2), now - timedelta(days=2))
        submitted += timedelta(hours=5 * i)
        submitted = min(submitted, now - timedelta(minutes=5))
        opinion = _new_opinion(consultation, 50 + i, body, "", "", False, "", "", submitted)
        if code is None:
            continue  # awaiting moderation
        moderation.approve_opinion(opinion, actor=moderator, now=submitted + timedelta(minutes=20))
        if code is not AdoptionStatus.PENDING and answerer is not None:
            _answer(opinion, code, response, answerer, submitted + timedelta(hours=1))
    return len(FEW)


TEMPLATES = [
    (
        "超出本决策调整范围",
        "not_adopted",
        "经研究，该意见涉及的事项超出本决策的调整范围，已转有关部门研究办理。",
    ),
    (
        "已有政策安排",
        "not_adopted",
        "经研究，该意见涉及的事项已有相关政策作出安排，本决策不再重复规定。",
    ),
    ("已在修改稿中采纳", "adopted", "已采纳，已在修改稿中作相应修改。"),
]


def _seed_templates(answerer: User, now: datetime) -> None:
    """Frequent answers of the demo city government (the undertaking staff's own)."""
    from portal.services import adoption

    for title, code, text in TEMPLATES:
        adoption.create_template(answerer.government_id, title, code, text, actor=answerer, now=now)
