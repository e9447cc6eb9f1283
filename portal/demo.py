"""The demo data set: Chifeng and its 12 county-level governments, 2026 catalogs, decisions in
every public stage, open consultations, a published decision with its interpretation, and one
staff account per role. Everything is dated relative to the moment it is loaded, so the demo is
always live. Idempotent: does nothing when the city already exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogEntry, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.org import Department, DepartmentKind, Government, GovernmentLevel
from portal.permissions import Role
from portal.rules.stages import STEP_STAGE, Category, Stage, Step, StepStatus
from portal.services import audit
from portal.services.users import create_user

ACTOR = "seed-demo"
TZ = ZoneInfo("Asia/Shanghai")

# (slug, name, English name)
COUNTIES = [
    ("hongshan", "红山区", "Hongshan District"),
    ("yuanbaoshan", "元宝山区", "Yuanbaoshan District"),
    ("songshan", "松山区", "Songshan District"),
    ("alukeerqin", "阿鲁科尔沁旗", "Ar Horqin Banner"),
    ("balinzuo", "巴林左旗", "Bairin Left Banner"),
    ("balinyou", "巴林右旗", "Bairin Right Banner"),
    ("linxi", "林西县", "Linxi County"),
    ("keshiketeng", "克什克腾旗", "Hexigten Banner"),
    ("wengniute", "翁牛特旗", "Ongniud Banner"),
    ("kalaqin", "喀喇沁旗", "Harqin Banner"),
    ("ningcheng", "宁城县", "Ningcheng County"),
    ("aohan", "敖汉旗", "Aohan Banner"),
]

# (slug, name suffix, English, kind); the city prefixes 市, a county its own short prefix.
DEPARTMENTS = [
    ("general-office", "人民政府办公室", "General Office", DepartmentKind.GOVERNMENT_OFFICE),
    ("justice-bureau", "司法局", "Justice Bureau", DepartmentKind.LEGALITY_REVIEW_OFFICE),
    (
        "supervision-office",
        "人民政府督查室",
        "Supervision Office",
        DepartmentKind.SUPERVISION_OFFICE,
    ),
    (
        "development-reform",
        "发展和改革委员会",
        "Development and Reform Commission",
        DepartmentKind.ORDINARY,
    ),
    (
        "housing",
        "住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
        DepartmentKind.ORDINARY,
    ),
    ("education", "教育局", "Education Bureau", DepartmentKind.ORDINARY),
    ("ecology", "生态环境局", "Ecology and Environment Bureau", DepartmentKind.ORDINARY),
    ("transport", "交通运输局", "Transport Bureau", DepartmentKind.ORDINARY),
    ("health", "卫生健康委员会", "Health Commission", DepartmentKind.ORDINARY),
    ("natural-resources", "自然资源局", "Natural Resources Bureau", DepartmentKind.ORDINARY),
    ("urban-management", "城市管理综合执法局", "Urban Management Bureau", DepartmentKind.ORDINARY),
    ("civil-affairs", "民政局", "Civil Affairs Bureau", DepartmentKind.ORDINARY),
]
COUNTY_DEPARTMENTS = {
    "general-office",
    "justice-bureau",
    "supervision-office",
    "development-reform",
    "housing",
    "education",
    "natural-resources",
    "transport",
}

# Procedure steps in order; a group runs in parallel (PROC-25c), with a typical length in days.
GROUPS: list[tuple[tuple[Step, ...], int]] = [
    ((Step.INITIATION,), 12),
    ((Step.DRAFTING_RESEARCH,), 45),
    ((Step.PUBLIC_PARTICIPATION, Step.EXPERT_REVIEW, Step.RISK_ASSESSMENT), 36),
    ((Step.INTERNAL_LEGAL_REVIEW,), 5),
    ((Step.INTERNAL_COLLECTIVE_DISCUSSION,), 3),
    ((Step.LEGALITY_REVIEW,), 14),
    ((Step.COLLECTIVE_DECISION,), 1),
    ((Step.PARTY_COMMITTEE_REPORT,), 6),
    ((Step.PUBLICATION,), 0),
    ((Step.FILING,), 14),
    ((Step.EXECUTION, Step.SUPERVISION), 240),
    ((Step.POST_EVALUATION,), 60),
]


@dataclass
class SeedResult:
    decisions: int = 0
    users: int = 0
    credentials: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class DemoDecision:
    gov: str
    title: str
    category: Category
    unit: str
    current: Step  # the step in progress (or last completed, for terminal stages)
    age_days: int  # how long the current step has been running
    summary: str
    stage: Stage | None = None  # terminal stages; otherwise derived from ``current``
    consultation_days: tuple[int, int] | None = None  # (opened N days ago, lasts M days)
    shortened_reason: str = ""
    draft: str = ""
    explanation: str = ""
    published: bool = False
    non_disclosable: bool = False
    second_draft: str = ""


def at_local(day, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)


def seed(*, now: datetime, password: str | None = None) -> SeedResult | None:
    if db.session.scalar(sa.select(Government.id).where(Government.slug == "chifeng")):
        return None
    result = SeedResult()
    govs = seed_governments(now)
    depts = {(d.government.slug, d.slug): d for g in govs.values() for d in g.departments}
    seed_users(govs, depts, now, password, result)
    decisions = [make_decision(spec, govs, depts, now) for spec in demo_decisions()]
    result.decisions = len(decisions)
    seed_catalogs(govs, depts, decisions, now)
    db.session.commit()
    return result


def seed_governments(now: datetime) -> dict[str, Government]:
    city = Government(
        slug="chifeng",
        name="赤峰市",
        name_en="Chifeng City",
        level=GovernmentLevel.CITY,
        sort_order=0,
        address="内蒙古自治区赤峰市松山区玉龙大街",
        phone="0476-12345",
    )
    govs = {"chifeng": city}
    for i, (slug, name, name_en) in enumerate(COUNTIES, start=1):
        govs[slug] = Government(
            slug=slug,
            name=name,
            name_en=name_en,
            level=GovernmentLevel.COUNTY,
            parent=city,
            sort_order=i,
            address=f"内蒙古自治区赤峰市{name}",
            phone="0476-12345",
        )
    for slug, gov in govs.items():
        prefix = "市" if slug == "chifeng" else gov.name
        for order, (dslug, suffix, en, kind) in enumerate(DEPARTMENTS):
            if slug != "chifeng" and dslug not in COUNTY_DEPARTMENTS:
                continue
            name = f"{gov.name}{suffix}" if suffix.startswith("人民政府") else f"{prefix}{suffix}"
            gov.departments.append(
                Department(
                    slug=dslug,
                    name=name,
                    name_en=f"{gov.name_en} {en}",
                    kind=kind,
                    sort_order=order,
                )
            )
        db.session.add(gov)
    db.session.flush()
    for gov in govs.values():
        audit.record(
            "government.create",
            actor=ACTOR,
            now=now,
            obj=gov,
            government_id=gov.id,
            after={
                "slug": gov.slug,
                "name": gov.name,
                "departments": [d.slug for d in gov.departments],
            },
        )
    return govs


STAFF = [
    ("admin", "系统管理员", "chifeng", "general-office", [Role.SYSTEM_ADMIN]),
    ("office", "市政府办公室 王敏", "chifeng", "general-office", [Role.GOVERNMENT_OFFICE]),
    ("undertaker", "市住建局 李强", "chifeng", "housing", [Role.UNDERTAKING_STAFF]),
    ("reviewer", "市司法局 赵静", "chifeng", "justice-bureau", [Role.LEGALITY_REVIEWER]),
    ("moderator", "意见审核员 刘洋", "chifeng", "general-office", [Role.MODERATOR]),
    (
        "supervisor",
        "市政府督查室 孙浩",
        "chifeng",
        "supervision-office",
        [Role.SUPERVISION_OFFICER],
    ),
    ("evaluator", "后评估专员 周婷", "chifeng", "development-reform", [Role.EVALUATOR]),
    (
        "hongshan.office",
        "红山区政府办公室 陈晨",
        "hongshan",
        "general-office",
        [Role.GOVERNMENT_OFFICE],
    ),
]


def seed_users(govs, depts, now, password, result: SeedResult) -> None:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    for username, name, gov, dept, roles in STAFF:
        pw = password or f"Demo-{secrets.token_urlsafe(9)}"
        create_user(
            username=username,
            display_name=name,
            password=pw,
            department=depts[(gov, dept)],
            roles=roles,
            email=None,
            actor=ACTOR,
            now=now,
            hash_method=method,
        )
        result.credentials.append((username, pw, ", ".join(str(r) for r in roles)))
    result.users = len(STAFF)


def build_steps(
    decision: Decision, current: Step, age_days: int, now: datetime, finished: bool
) -> None:
    """Lay out the procedure record backwards from ``now``."""
    index = next(i for i, (steps, _) in enumerate(GROUPS) if current in steps)
    start = now - timedelta(days=age_days)
    spans: list[tuple[tuple[Step, ...], datetime, datetime | None]] = []
    current_steps = GROUPS[index][0]
    if finished:
        spans.append((current_steps, start, start + timedelta(days=max(1, GROUPS[index][1]))))
    else:
        spans.append((current_steps, start, None))
    cursor = start
    for steps, days in reversed(GROUPS[:index]):
        begin = cursor - timedelta(days=days)
        spans.append((steps, begin, cursor))
        cursor = begin - timedelta(days=1)
    for steps, begin, end in reversed(spans):
        for step in steps:
            if step == Step.PUBLIC_PARTICIPATION and decision.non_disclosable:
                status = StepStatus.NOT_APPLICABLE  # PROC-16a
            elif end is None:
                status = StepStatus.IN_PROGRESS
            else:
                status = StepStatus.COMPLETED
            decision.steps.append(
                ProcedureStep(step=step, status=status, started_at=begin, completed_at=end)
            )
    decision.created_at = min(s.started_at for s in decision.steps)
    decision.stage_changed_at = start


def make_decision(spec: DemoDecision, govs, depts, now: datetime) -> Decision:
    gov = govs[spec.gov]
    unit = depts[(spec.gov, spec.unit)]
    decision = Decision(
        government=gov,
        year=now.astimezone(TZ).year,
        title=spec.title,
        summary=spec.summary,
        category=spec.category,
        source=DecisionSource.CATALOG,
        undertaking_unit=unit,
        executing_unit=unit,
        stage=spec.stage or STEP_STAGE[spec.current],
        non_disclosable=spec.non_disclosable,
        non_disclosable_basis="《中华人民共和国保守国家秘密法》第九条"
        if spec.non_disclosable
        else "",
        public_feedback_contact=f"{unit.name} 0476-8331234",
        high_public_concern=spec.consultation_days is not None,
    )
    finished = spec.stage in (Stage.REJECTED, Stage.CLOSED, Stage.TERMINATED)
    build_steps(decision, spec.current, spec.age_days, now, finished)
    decision.updated_at = now
    db.session.add(decision)
    db.session.flush()
    if decision.year != decision.created_at.astimezone(TZ).year and spec.stage in (
        Stage.CLOSED,
        Stage.TERMINATED,
    ):
        decision.year = decision.created_at.astimezone(TZ).year
    audit.record(
        "decision.create",
        actor=ACTOR,
        now=now,
        obj=decision,
        after={"title": decision.title, "stage": str(decision.stage)},
    )
    for row in decision.steps:
        audit.record(
            "procedure.step",
            actor=ACTOR,
            now=now,
            obj=decision,
            details={
                "step": str(row.step),
                "status": str(row.status),
                "started_at": row.started_at.isoformat(),
                "completed_at": row.completed_at.isoformat() if row.completed_at else None,
            },
        )
    if spec.draft:
        draft_start = decision.step(Step.PUBLIC_PARTICIPATION) or decision.step(
            Step.DRAFTING_RESEARCH
        )
        when = draft_start.started_at if draft_start else now
        draft = add_document(
            decision,
            DocumentKind.DRAFT,
            f"{spec.title}（征求意见稿）",
            spec.draft,
            when,
            public=not spec.non_disclosable,
        )
        if spec.second_draft:
            add_version(
                draft,
                spec.second_draft,
                when + timedelta(days=2),
                "根据市司法局意见修改第三条、第七条表述",
            )
        add_document(
            decision,
            DocumentKind.DRAFTING_EXPLANATION,
            f"关于{spec.title}的起草说明",
            spec.explanation,
            when,
            public=not spec.non_disclosable,
        )
        if spec.consultation_days:
            opened_ago, length = spec.consultation_days
            opens = at_local((now - timedelta(days=opened_ago)).astimezone(TZ).date(), 0)
            closes = opens + timedelta(days=length + 1)  # PROC-17b: day one is the next day
            c = Consultation(
                decision=decision,
                title=f"关于公开征求《{spec.title}》意见的公告",
                notice=f"为提高决策的科学性和透明度，现将《{spec.title}》全文公布，"
                "公开征求社会各界意见。欢迎有关单位和社会各界人士通过以下方式提出意见建议。",
                opens_at=opens,
                closes_at=closes,
                shortened_reason=spec.shortened_reason,
                channels="\n".join(
                    [
                        "登录本专栏“意见征集”页面在线提交",
                        f"电子邮件：yijian@{spec.unit}.{spec.gov}.demo.gov.cn",
                        f"信函：邮寄至{unit.name}（信封注明“意见征集”字样）",
                    ]
                ),
                contact_department=unit.name,
                contact_person="法规科",
                contact_phone="0476-8331234",
                contact_email=f"yijian@{spec.unit}.{spec.gov}.demo.gov.cn",
                postal_address=f"内蒙古自治区赤峰市{gov.name if gov.slug != 'chifeng' else ''}"
                f"{unit.name}法规科",
                draft_version_id=draft.latest.id if draft.latest else None,
            )
            db.session.add(c)
            db.session.flush()
            audit.record(
                "consultation.open",
                actor=ACTOR,
                now=now,
                obj=c,
                government_id=gov.id,
                after={"opens_at": opens.isoformat(), "closes_at": closes.isoformat()},
            )
    if spec.published:
        pub = decision.step(Step.PUBLICATION)
        decision.published_at = pub.started_at if pub else now
        add_document(
            decision,
            DocumentKind.DECISION_TEXT,
            spec.title,
            spec.draft,
            decision.published_at,
            public=True,
        )
        add_document(
            decision,
            DocumentKind.INTERPRETATION,
            f"《{spec.title}》政策解读",
            interpretation_text(spec.title),
            decision.published_at,
            public=True,
        )
        add_document(
            decision,
            DocumentKind.ADOPTION_REPORT,
            "公众意见采纳情况说明",
            "征求意见期间共收到意见建议126条，经梳理归纳为18类，采纳或部分采纳11类，"
            "未采纳的主要原因是超出本方案调整范围或已有其他政策安排。",
            decision.published_at,
            public=True,
        )
    db.session.flush()
    return decision


def add_document(decision, kind, title, body, when, *, public: bool) -> Document:
    doc = Document(decision=decision, kind=kind, title=title, is_public=public, created_at=when)
    db.session.add(doc)
    add_version(doc, body, when, "首次公布" if public else "初稿")
    return doc


def add_version(doc: Document, body: str, when: datetime, note: str) -> DocumentVersion:
    version = DocumentVersion(
        number=len(doc.versions) + 1,
        body=body,
        change_note=note,
        sha256=hashlib.sha256(body.encode()).hexdigest(),
        created_at=when,
        published_at=when if doc.is_public else None,
    )
    doc.versions.append(version)
    db.session.flush()
    return version


def interpretation_text(title: str) -> str:
    return (
        f"一、起草背景。为落实国家和自治区有关部署，结合我市实际，制定《{title}》。\n"
        "二、主要内容。文件共分总体要求、重点任务、保障措施三个部分，明确了目标任务、"
        "责任分工和时间安排。\n"
        "三、公众参与情况。起草过程中通过网上征求意见、座谈会等方式广泛听取了社会各界意见，"
        "并组织专家论证、风险评估和合法性审查。\n"
        "四、实施时间。本文件自公布之日起施行。"
    )


def draft_text(subject: str, articles: list[str]) -> str:
    numerals = "一二三四五六七八九十"
    lines = [f"第{numerals[i]}条　{text}" for i, text in enumerate(articles)]
    return f"{subject}\n\n" + "\n".join(lines)


def demo_decisions() -> list[DemoDecision]:
    C = Category
    heating = draft_text(
        "赤峰市中心城区供热专项规划（2026—2035年）",
        [
            "为保障中心城区冬季供热安全稳定，优化热源布局，推进清洁供暖，制定本规划。",
            "规划范围为红山区、松山区、元宝山区建成区及规划发展区，规划期限为2026年至2035年。",
            "到2030年，中心城区集中供热普及率达到98%以上，清洁热源占比不低于60%。",
            "新建住宅小区应同步建设供热配套设施，既有老旧管网分批改造，2028年前完成主干管网改造。",
            "建立供热质量投诉处理机制，供热期间室内温度不得低于18摄氏度。",
            "规划实施所需资金通过政府投资、企业自筹和社会资本合作等方式筹集。",
        ],
    )
    waste = draft_text(
        "赤峰市中心城区居民生活垃圾分类管理实施方案",
        [
            "为推进生活垃圾减量化、资源化、无害化处理，改善人居环境，制定本方案。",
            "生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类。",
            "居民应当按照分类标准将生活垃圾投放至相应收集容器，物业服务企业为分类投放管理责任人。",
            "各区人民政府负责本辖区分类收集设施的配置，每300户至少设置一处分类投放点。",
            "对拒不履行分类投放义务的单位，由城市管理部门依法予以处理。",
        ],
    )
    oldtown = draft_text(
        "红山区老旧小区改造提升实施方案",
        [
            "为改善居民居住条件，提升社区服务功能，对2000年底前建成的老旧小区实施改造。",
            "改造内容分为基础类、完善类和提升类，居民可通过业主大会表决确定改造项目。",
            "改造资金由中央和自治区补助、区级财政配套、居民合理分担。",
        ],
    )
    preschool = draft_text(
        "赤峰市学前教育普惠发展三年行动计划（2026—2028年）",
        [
            "到2028年，全市学前三年毛入园率达到95%，普惠性幼儿园覆盖率达到90%以上。",
            "每年新建、改扩建公办幼儿园不少于20所，重点补齐城乡接合部和新建小区学位缺口。",
            "完善普惠性民办幼儿园认定和扶持办法，按在园幼儿人数给予生均补助。",
            "加强幼儿园教师队伍建设，落实公办园教职工编制标准。",
        ],
    )
    fares = draft_text(
        "赤峰市城市公共交通票价调整方案",
        [
            "中心城区公交普通线路票价由1元调整为1.5元，空调线路票价维持2元不变。",
            "老年人、残疾人、现役军人等群体继续享受免费乘车优惠。",
            "实行换乘优惠，60分钟内换乘第二条线路免费。",
        ],
    )
    return [
        DemoDecision(
            "chifeng",
            "赤峰市中心城区供热专项规划（2026—2035年）",
            C.DEVELOPMENT_PLAN,
            "housing",
            Step.PUBLIC_PARTICIPATION,
            10,
            "统筹中心城区热源、热网建设，推进清洁供暖，保障居民冬季供热。",
            consultation_days=(10, 30),
            draft=heating,
            explanation="本规划依据《赤峰市国土空间总体规划》编制，"
            "重点解决热源不足、管网老化等问题。",
            second_draft=heating.replace("不低于60%", "不低于65%"),
        ),
        DemoDecision(
            "chifeng",
            "赤峰市中心城区居民生活垃圾分类管理实施方案",
            C.PUBLIC_POLICY,
            "urban-management",
            Step.PUBLIC_PARTICIPATION,
            3,
            "明确生活垃圾分类标准、投放管理责任和收运处理体系。",
            consultation_days=(3, 20),
            shortened_reason="为在今冬明春前完成分类收集设施招标配置，征求意见期限缩短为20日。",
            draft=waste,
            explanation="本方案依据《中华人民共和国固体废物污染环境防治法》和自治区有关规定起草。",
        ),
        DemoDecision(
            "hongshan",
            "红山区老旧小区改造提升实施方案",
            C.PUBLIC_POLICY,
            "housing",
            Step.PUBLIC_PARTICIPATION,
            6,
            "对2000年底前建成的老旧小区实施分类改造，改善居住条件。",
            consultation_days=(6, 30),
            draft=oldtown,
            explanation="依据国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见起草。",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市老城区地下管网改造工程",
            C.PUBLIC_CONSTRUCTION_PROJECT,
            "housing",
            Step.INITIATION,
            8,
            "对老城区供水、排水、燃气地下管网进行系统改造，消除安全隐患。",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市西拉沐沦河流域生态保护和修复实施方案",
            C.RESOURCE_POLICY,
            "ecology",
            Step.DRAFTING_RESEARCH,
            30,
            "开展西拉沐沦河干支流生态保护修复，推进水土流失综合治理。",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市城市公共交通票价调整方案",
            C.PUBLIC_POLICY,
            "transport",
            Step.LEGALITY_REVIEW,
            5,
            "调整中心城区公交票价，完善换乘优惠和特殊群体免费乘车政策。",
            draft=fares,
            explanation="依据《中华人民共和国价格法》和政府定价听证有关规定起草。",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市基本医疗保险门诊共济保障实施办法",
            C.PUBLIC_POLICY,
            "health",
            Step.PARTY_COMMITTEE_REPORT,
            2,
            "建立职工基本医疗保险门诊共济保障机制，提高门诊保障水平。",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市学前教育普惠发展三年行动计划（2026—2028年）",
            C.PUBLIC_POLICY,
            "education",
            Step.FILING,
            10,
            "扩大普惠性学前教育资源，提升保教质量。",
            draft=preschool,
            explanation="依据《中华人民共和国学前教育法》起草。",
            published=True,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市城区停车设施建设和管理办法",
            C.PUBLIC_POLICY,
            "urban-management",
            Step.EXECUTION,
            150,
            "规范停车设施规划建设和经营管理，缓解城区停车难。",
            draft=draft_text(
                "赤峰市城区停车设施建设和管理办法",
                [
                    "新建建筑应当按照标准配建停车设施。",
                    "鼓励机关、企事业单位停车场错时向社会开放。",
                ],
            ),
            explanation="依据《内蒙古自治区城市停车设施管理条例》起草。",
            published=True,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市红山文化遗址保护利用规划",
            C.RESOURCE_POLICY,
            "natural-resources",
            Step.POST_EVALUATION,
            20,
            "加强红山文化遗址保护，合理利用文化资源。",
            draft=draft_text(
                "赤峰市红山文化遗址保护利用规划", ["划定遗址保护范围和建设控制地带。"]
            ),
            explanation="依据《中华人民共和国文物保护法》起草。",
            published=True,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市城乡居民最低生活保障标准调整方案",
            C.PUBLIC_POLICY,
            "civil-affairs",
            Step.POST_EVALUATION,
            400,
            "提高城乡居民最低生活保障标准。",
            stage=Stage.CLOSED,
            draft=draft_text(
                "赤峰市城乡居民最低生活保障标准调整方案", ["城市低保标准提高至每人每月850元。"]
            ),
            explanation="依据自治区低保标准动态调整机制起草。",
            published=True,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市中心城区出租汽车运力投放方案",
            C.OTHER_MAJOR_MATTER,
            "transport",
            Step.COLLECTIVE_DECISION,
            40,
            "拟新增中心城区出租汽车运力。常务会议审议后决定不予通过。",
            stage=Stage.REJECTED,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市中心城区渣土运输车辆管理办法",
            C.PUBLIC_POLICY,
            "urban-management",
            Step.EXECUTION,
            25,
            "规范渣土运输车辆管理。因上位法修订，市长决定暂停执行。",
            stage=Stage.SUSPENDED,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市共享电动自行车投放管理方案",
            C.PUBLIC_POLICY,
            "transport",
            Step.POST_EVALUATION,
            30,
            "经后评估，方案目标已无法实现，市政府决定终止执行。",
            stage=Stage.TERMINATED,
        ),
        DemoDecision(
            "songshan",
            "松山区农村牧区人居环境整治提升方案",
            C.PUBLIC_POLICY,
            "housing",
            Step.DRAFTING_RESEARCH,
            14,
            "推进农村牧区厕所革命、生活污水和垃圾治理，改善人居环境。",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市重要物资储备布局调整方案",
            C.OTHER_MAJOR_MATTER,
            "development-reform",
            Step.DRAFTING_RESEARCH,
            20,
            "涉及国家秘密，依法不予公开。",
            non_disclosable=True,
            draft="（涉密文本，不予公开）",
            explanation="（涉密说明，不予公开）",
        ),
    ]


def seed_catalogs(govs, depts, decisions: list[Decision], now: datetime) -> None:
    year = now.astimezone(TZ).year
    published = min(at_local(datetime(year, 3, 20).date()), now - timedelta(days=1))
    for slug, filed_days in (("chifeng", 8), ("hongshan", 6), ("songshan", 9)):
        gov = govs[slug]
        catalog = Catalog(
            government=gov,
            year=year,
            status=CatalogStatus.FILED,
            published_at=published,
            filed_at=published + timedelta(days=filed_days),
            filing_reference=f"赤政备〔{year}〕{filed_days}号",
            created_at=published - timedelta(days=40),
        )
        seq = 0
        for decision in decisions:
            if decision.government_id != gov.id or decision.year != year:
                continue
            seq += 1
            catalog.entries.append(
                CatalogEntry(
                    seq=seq,
                    title=decision.title,
                    category=decision.category,
                    undertaking_unit=decision.undertaking_unit,
                    schedule=f"{year}年内",
                    basis="列入年度重大行政决策事项目录",
                    non_disclosable=decision.non_disclosable,
                    decision_id=decision.id,
                )
            )
        db.session.add(catalog)
        db.session.flush()
        audit.record(
            "catalog.publish",
            actor=ACTOR,
            now=now,
            obj=catalog,
            after={"year": year, "entries": seq, "published_at": published.isoformat()},
        )
