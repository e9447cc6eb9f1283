"""Demo proposals from the public (PROC-11b(4), CAT-7b) for Chifeng and Hongshan District, in
every state: received (one overdue), routed, under study, answered (adopted as a decision item
and linked to it, not adopted, included in a catalog).

Everything goes through ``portal.services.proposals`` as the demo office and unit staff, so
each step is audited like a real one. One proposal was answered more than 180 days ago, so
``flask portal purge-contacts`` has something to delete on the demo data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department, Government
from portal.models.proposal import Proposal, ProposalKind, ProposalOutcome, ProposerType
from portal.models.user import User
from portal.services import proposals as svc
from portal.services import records


@dataclass
class DemoProposal:
    gov: str
    days_ago: int
    proposer_type: ProposerType
    name: str
    title: str
    content: str
    reasons: str = ""
    phone: str = ""
    email: str = ""
    publish_name: bool = False
    kind: ProposalKind = ProposalKind.NEW_ITEM
    catalog_year: int | None = None
    unit: str = ""  # department slug it is routed to
    note: str = ""
    study: bool = False
    conclusion: str = ""
    outcome: ProposalOutcome | None = None
    reply: str = ""
    answered_days_ago: int = 0
    decision_title: str = ""


PROPOSALS = [
    DemoProposal(
        "chifeng",
        40,
        ProposerType.CITIZEN,
        "张文博",
        "关于在中心城区老城片区增设公共停车场的建议",
        "老城片区道路狭窄，停车位严重不足，居民和商户车辆长期占道停放，影响通行和消防安全。"
        "建议市政府将老城片区公共停车设施建设作为重大行政决策事项，统筹规划停车场选址和收费政策。",
        reasons="据本人观察，高峰时段昭乌达路两侧占道停放车辆超过200辆。",
        phone="13904760001",
    ),
    DemoProposal(
        "chifeng",
        5,
        ProposerType.LEGAL_PERSON,
        "赤峰市安居物业服务有限公司",
        "关于将老旧供热管网改造纳入年度重大行政决策事项的建议",
        "本公司服务的12个老旧小区供热管网已运行二十年以上，跑冒滴漏严重，冬季室温难以达标。"
        "建议将老旧小区供热管网改造列为重大行政决策事项，明确改造范围、资金分担和实施时序。",
        email="service@anju-wuye.example.cn",
        unit="housing",
        note="请结合供热专项规划研究论证，提出是否列为新增决策事项的意见。",
    ),
    DemoProposal(
        "chifeng",
        20,
        ProposerType.CITIZEN,
        "刘慧敏",
        "关于制定住宅小区电动自行车集中充电设施建设管理办法的建议",
        "近年来电动自行车入户充电、飞线充电引发的火灾事故多发。建议制定全市统一的住宅小区"
        "电动自行车集中充电设施建设和管理办法，明确建设标准、运营主体和收费规则。",
        phone="13604761234",
        publish_name=True,
        unit="housing",
        study=True,
        conclusion="经研究，该建议涉及面广、与群众切身利益密切相关，具有必要性和可行性，"
        "建议列为新增重大行政决策事项，由市住房和城乡建设局牵头起草。",
    ),
    DemoProposal(
        "chifeng",
        120,
        ProposerType.CITIZEN,
        "王建华",
        "关于出台中心城区生活垃圾分类管理办法的建议",
        "目前中心城区生活垃圾混投混运现象普遍，分类设施不足。建议市政府出台生活垃圾分类管理的"
        "规范性文件，明确分类标准、投放责任和收运处理要求。",
        phone="13704765678",
        publish_name=True,
        unit="urban-management",
        study=True,
        conclusion="建议内容属于重大公共政策，符合《赤峰市重大行政决策程序规定》第三条规定的范围，"
        "建议列为新增决策事项。",
        outcome=ProposalOutcome.ADOPTED_AS_ITEM,
        reply="感谢您的建议。经研究论证，市人民政府决定启动《赤峰市中心城区居民生活垃圾分类管理"
        "实施方案》决策程序，由市城市管理综合执法局承办，欢迎您在公开征求意见期间继续提出意见。",
        answered_days_ago=90,
        decision_title="赤峰市中心城区居民生活垃圾分类管理实施方案",
    ),
    DemoProposal(
        "chifeng",
        230,
        ProposerType.CITIZEN,
        "陈志强",
        "关于全面禁止城区燃放烟花爆竹的建议",
        "每年春节期间城区燃放烟花爆竹造成空气污染和噪声扰民，建议全面禁止在城区燃放烟花爆竹。",
        email="chen.zq@example.cn",
        unit="ecology",
        study=True,
        conclusion="城区燃放烟花爆竹的管理已由《赤峰市烟花爆竹燃放管理规定》作出规定，"
        "不属于需要新增的重大行政决策事项。",
        outcome=ProposalOutcome.NOT_ADOPTED,
        reply="感谢您的建议。城区燃放烟花爆竹的区域和时段已有专门规定，现行规定正在评估中，"
        "您的意见已转交市生态环境局在评估时一并研究。本建议不列为新增重大行政决策事项。",
        answered_days_ago=200,
    ),
    DemoProposal(
        "chifeng",
        20,
        ProposerType.OTHER_ORGANISATION,
        "赤峰市红山区社区养老服务协会",
        "关于将社区居家养老服务设施布局规划列入年度决策事项目录的建议",
        "全市老年人口比例持续上升，社区养老服务设施分布不均。建议将社区居家养老服务设施布局规划"
        "列入年度重大行政决策事项目录。",
        phone="0476-8331234",
        kind=ProposalKind.CATALOG_ITEM,
        catalog_year=2027,
        unit="civil-affairs",
        study=True,
        conclusion="建议具有必要性，民政局拟于下一年度申报列入目录。",
        outcome=ProposalOutcome.INCLUDED_IN_CATALOG,
        reply="感谢您的建议。经研究，社区居家养老服务设施布局规划将列入2027年度重大行政决策事项"
        "目录，由市民政局承办。",
        answered_days_ago=5,
    ),
    DemoProposal(
        "hongshan",
        15,
        ProposerType.CITIZEN,
        "赵桂兰",
        "关于红山区老旧小区加装电梯财政补贴政策的建议",
        "红山区多数老旧小区为六层以下无电梯住宅，老年人上下楼困难。建议区政府出台老旧小区"
        "加装电梯财政补贴政策，明确补贴标准和申请程序。",
        phone="13904769876",
        unit="housing",
        study=True,
    ),
    DemoProposal(
        "hongshan",
        2,
        ProposerType.CITIZEN,
        "孙立新",
        "关于在红山区建设全民健身中心的建议",
        "红山区缺少综合性全民健身场馆，建议规划建设区级全民健身中心，并向市民免费或低收费开放。",
        email="sun.lx@example.cn",
    ),
]


@records.seeding()
def seed_demo_proposals(now: datetime) -> int:
    """Add the demo proposals (once); return how many were added."""
    if db.session.scalar(sa.select(Proposal.id).limit(1)) is not None:
        return 0
    govs = {g.slug: g for g in db.session.scalars(sa.select(Government))}
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    added = 0
    for i, spec in enumerate(PROPOSALS):
        gov = govs.get(spec.gov)
        if gov is None:
            continue
        received = now - timedelta(days=spec.days_ago, hours=i)
        proposal = svc.submit_proposal(
            gov,
            svc.ProposalInput(
                proposer_type=spec.proposer_type.value,
                proposer_name=spec.name,
                title=spec.title,
                content=spec.content,
                reasons=spec.reasons,
                contact_email=spec.email,
                contact_phone=spec.phone,
                processing_consent=True,
                publish_name_consent=spec.publish_name,
                kind=spec.kind.value,
                catalog_year=spec.catalog_year,
            ),
            now=received,
        )
        added += 1
        office = users.get("office" if spec.gov == "chifeng" else f"{spec.gov}.office")
        if not spec.unit or office is None:
            continue
        unit = db.session.scalar(
            sa.select(Department).where(
                Department.government_id == gov.id, Department.slug == spec.unit
            )
        )
        if unit is None:
            continue
        routed = received + timedelta(days=1)
        svc.route_proposal(proposal, unit, spec.note, actor=office, now=routed)
        # The demo unit account works in Chifeng's housing bureau; elsewhere the office records.
        unit_staff = (
            users.get("undertaker") if (spec.gov, spec.unit) == ("chifeng", "housing") else None
        )
        studier = unit_staff or office
        if spec.study:
            svc.start_study(proposal, actor=studier, now=routed + timedelta(days=1))
        if spec.conclusion:
            concluded = now - timedelta(days=max(spec.answered_days_ago + 3, 1))
            concluded = max(concluded, routed + timedelta(days=2))
            svc.record_conclusion(proposal, spec.conclusion, actor=studier, now=concluded)
        if spec.outcome is not None:
            decision = None
            if spec.decision_title:
                decision = db.session.scalar(
                    sa.select(Decision).where(
                        Decision.government_id == gov.id, Decision.title == spec.decision_title
                    )
                )
            svc.answer_proposal(
                proposal,
                spec.outcome,
                spec.reply,
                catalog_year=spec.catalog_year,
                decision=decision,
                actor=office,
                now=now - timedelta(days=spec.answered_days_ago),
            )
    db.session.commit()
    return added
