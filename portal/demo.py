"""The demo data set: Chifeng and its 12 county-level governments, 2026 catalogs, decisions in
every public stage, open consultations, a published decision with its interpretation, and one
staff account per role. Everything is dated relative to the moment it is loaded, so the demo is
always live. Idempotent: does nothing when the city already exists.

Each decision carries the stage records its procedure steps imply (``RecordWriter``), dated
inside each step, so that its compliance panel is clean except for two deliberate problems: the
bus fare decision's risk report is not yet filed with the PLAC (RISK-12b), and the preschool
plan, published 40 days ago, is not filed (PROC-38a). One decision waived its expert review with
a written explanation; the non-disclosable one skips public participation. Every row written
here has its audit entry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogEntry, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.drafting import DraftingMode, DraftingRecord, UnitConsultation
from portal.models.expert import ExpertAssignment, ExpertReview
from portal.models.expert_pool import ExpertSelection, ExpertSelectionPick
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.models.org import Department, DepartmentKind, Government, GovernmentLevel
from portal.models.participation import ParticipationActivity
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.models.user import User
from portal.permissions import Role
from portal.rules.catalog import CatalogPhase
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    REQUIRED_MEETING_MATERIALS,
    AdoptionStatus,
    ExpertReviewMethod,
    InitiateDecision,
    LegalAdviserRole,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingMaterial,
    MeetingOutcome,
    MeetingType,
    OpinionForm,
    ParticipationMethod,
    PartyReportKind,
    PlacReviewResult,
    RiskCategory,
    RiskLevel,
    RiskRecommendation,
)
from portal.rules.stages import STEP_STAGE, Category, Stage, Step, StepStatus
from portal.rules.workdays import WorkCalendar, local_date
from portal.services import audit, procedure, records
from portal.services.procedure import work_calendar
from portal.services.records import update_record
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

# The legality review span holds at least this many working days, so that the meeting after it
# leaves the 7 review working days of PROC-31a even with a supplement pause (PROC-29c).
LEGALITY_SPAN_WORKING_DAYS = 11

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
    final_text: str = ""  # the published decision text, when it differs from the draft
    # Stage records (see ``RecordWriter``).
    co_units: tuple[str, ...] = ()  # further undertaking units; the main unit leads (PROC-12a)
    issue: str = "存在的突出问题"  # what the decision addresses (research record, reports)
    stakeholders: str = "相关群众和企业"  # who is affected (participation, risk assessment)
    basis: str = "有关法律法规和政策规定"  # the legal basis (research record, legality opinion)
    risk_level: RiskLevel = RiskLevel.LOW  # the social stability risk level (RISK-10a)
    is_complex: bool = False  # EXP-13c: 7 experts
    technical: bool = False  # EXP-2a: professional or technical item
    hearing: bool = False  # PROC-19: a hearing was held
    market: bool = False  # affects enterprises and market entities (PART-5b, PROC-34b)
    expert_waiver: str = ""  # expert review not performed, with its written explanation
    plac_filed: bool = True  # RISK-12b: False leaves the risk report unfiled with the PLAC
    filed: bool = True  # PROC-38a: False leaves the published decision unfiled
    planned_symposium_in: int | None = None  # a symposium planned N working days from now
    npc_report: bool = False  # PROC-8a: reported to the People's Congress standing committee
    # PROC-39a: the reason of a correction of the publication channels (shown on the dossier)
    channels_correction: str = ""


def at_local(day, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)


@records.seeding()
def seed(*, now: datetime, password: str | None = None) -> SeedResult | None:
    """Load the demo (once). No search events: ``flask portal reindex`` indexes it whole."""
    from search import events as search_events

    with search_events.paused():
        return _seed(now=now, password=password)


def _seed(*, now: datetime, password: str | None) -> SeedResult | None:
    if db.session.scalar(sa.select(Government.id).where(Government.slug == "chifeng")):
        return None
    result = SeedResult()
    govs = seed_governments(now)
    depts = {(d.government.slug, d.slug): d for g in govs.values() for d in g.departments}
    seed_users(govs, depts, now, password, result)
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    cal = work_calendar()
    decisions = [
        make_decision(spec, govs, depts, now, number=i, calendar=cal, users=users)
        for i, spec in enumerate(demo_decisions(), start=1)
    ]
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
    # Undertaking staff answer only their own unit's decisions (issue 12, PART-15b): the units
    # of the demo decisions that have opinions to answer.
    (
        "urban.undertaker",
        "市城管局 张伟",
        "chifeng",
        "urban-management",
        [Role.UNDERTAKING_STAFF],
    ),
    ("education.undertaker", "市教育局 吴芳", "chifeng", "education", [Role.UNDERTAKING_STAFF]),
    ("hongshan.undertaker", "红山区住建局 马军", "hongshan", "housing", [Role.UNDERTAKING_STAFF]),
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
    decision: Decision,
    current: Step,
    age_days: int,
    now: datetime,
    finished: bool,
    *,
    calendar: WorkCalendar | None = None,
    waivers: dict[Step, str] | None = None,
) -> None:
    """Lay out the procedure record backwards from ``now``.

    A step in ``waivers`` is recorded as not performed, with its written explanation
    (PROC-29a(4)). The legality review span always leaves room for the 7 review working days
    before the meeting (PROC-31a), whatever holidays fall in it.
    """
    cal = calendar or WorkCalendar()
    waivers = waivers or {}
    index = next(i for i, (steps, _) in enumerate(GROUPS) if current in steps)
    start = now - timedelta(days=age_days)
    spans: list[tuple[tuple[Step, ...], datetime, datetime | None]] = []
    current_steps = GROUPS[index][0]
    if finished:
        end = start + timedelta(days=max(1, GROUPS[index][1]))
        # A finished step never ends in the future.
        end = max(min(end, now - timedelta(days=1)), start + timedelta(hours=1))
        spans.append((current_steps, start, end))
    else:
        spans.append((current_steps, start, None))
    cursor = start
    for steps, days in reversed(GROUPS[:index]):
        if Step.LEGALITY_REVIEW in steps:
            while cal.working_days_between(cursor - timedelta(days=days), cursor) < (
                LEGALITY_SPAN_WORKING_DAYS
            ):
                days += 1
        begin = cursor - timedelta(days=days)
        spans.append((steps, begin, cursor))
        cursor = begin - timedelta(days=1)
    for steps, begin, end in reversed(spans):
        for step in steps:
            explanation = ""
            if step == Step.PUBLIC_PARTICIPATION and decision.non_disclosable:
                status = StepStatus.NOT_APPLICABLE  # PROC-16a
            elif end is None:
                status = StepStatus.IN_PROGRESS
            elif step in waivers:
                status = StepStatus.WAIVED_WITH_EXPLANATION  # PROC-29a(4)
                explanation = waivers[step]
            else:
                status = StepStatus.COMPLETED
            decision.steps.append(
                ProcedureStep(
                    step=step,
                    status=status,
                    started_at=begin,
                    completed_at=end,
                    explanation=explanation,
                )
            )
    decision.created_at = min(s.started_at for s in decision.steps)
    decision.stage_changed_at = start


def make_decision(
    spec: DemoDecision,
    govs,
    depts,
    now: datetime,
    *,
    number: int = 1,
    calendar: WorkCalendar | None = None,
    users: dict[str, User] | None = None,
) -> Decision:
    gov = govs[spec.gov]
    unit = depts[(spec.gov, spec.unit)]
    cal = calendar or WorkCalendar()
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
        is_complex=spec.is_complex,
        affects_enterprise_operations=spec.market,
        affects_market_entities=spec.market,
        fair_competition_review_done=spec.market,
    )
    # PROC-12a: with two or more undertaking units, the main unit leads.
    decision.co_units = [depts[(spec.gov, slug)] for slug in spec.co_units]
    if decision.co_units:
        decision.lead_unit = unit
    finished = spec.stage in (Stage.REJECTED, Stage.CLOSED, Stage.TERMINATED)
    waivers = {Step.EXPERT_REVIEW: spec.expert_waiver} if spec.expert_waiver else {}
    build_steps(decision, spec.current, spec.age_days, now, finished, calendar=cal, waivers=waivers)
    if spec.stage == Stage.CLOSED:
        # PROC-39a: the record was archived along the way and completed when the item closed.
        publication = decision.step(Step.PUBLICATION)
        last = max(decision.steps, key=lambda r: r.completed_at or r.started_at)
        decision.steps.append(
            ProcedureStep(
                step=Step.ARCHIVING,
                status=StepStatus.COMPLETED,
                started_at=publication.started_at if publication else last.started_at,
                completed_at=last.completed_at,
            )
        )
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
        after={
            "title": decision.title,
            "stage": str(decision.stage),
            "undertaking_units": [u.name for u in decision.undertaking_units],
            "lead_unit": decision.lead_unit.name if decision.lead_unit else None,
            "is_complex": decision.is_complex,
            "affects_market_entities": decision.affects_market_entities,
        },
    )
    for row in decision.steps:
        details = {
            "step": str(row.step),
            "status": str(row.status),
            "started_at": row.started_at.isoformat(),
            "completed_at": row.completed_at.isoformat() if row.completed_at else None,
        }
        if row.explanation:
            details["explanation"] = row.explanation
        audit.record("procedure.step", actor=ACTOR, now=now, obj=decision, details=details)
    draft = None
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
            now=now,
        )
        if spec.second_draft:
            add_version(
                draft,
                spec.second_draft,
                when + timedelta(days=2),
                "根据市司法局意见修改第三条、第七条表述",
                now=now,
            )
        add_document(
            decision,
            DocumentKind.DRAFTING_EXPLANATION,
            f"关于{spec.title}的起草说明",
            spec.explanation,
            when,
            public=not spec.non_disclosable,
            now=now,
        )
        if spec.consultation_days:
            opened_ago, length = spec.consultation_days
            opens = at_local((now - timedelta(days=opened_ago)).astimezone(TZ).date(), 0)
            closes = opens + timedelta(days=length + 1)  # PROC-17b: day one is the next day
            add_consultation(decision, spec, draft, opens, closes, now)
        elif spec.published and not spec.non_disclosable:
            # The closed 30-day comment window inside the participation step (PROC-17b).
            participation = decision.step(Step.PUBLIC_PARTICIPATION)
            if participation is not None and participation.completed_at is not None:
                opens = at_local(participation.started_at.astimezone(TZ).date(), 0)
                opens += timedelta(days=1)
                add_consultation(decision, spec, draft, opens, opens + timedelta(days=31), now)
    if spec.published:
        pub = decision.step(Step.PUBLICATION)
        decision.published_at = pub.started_at if pub else now
        add_document(
            decision,
            DocumentKind.DECISION_TEXT,
            spec.title,
            spec.final_text or spec.draft,
            decision.published_at,
            public=True,
            now=now,
        )
        add_document(
            decision,
            DocumentKind.INTERPRETATION,
            f"《{spec.title}》政策解读",
            interpretation_text(spec.title),
            decision.published_at,
            public=True,
            now=now,
        )
        add_document(
            decision,
            DocumentKind.ADOPTION_REPORT,
            "公众意见采纳情况说明",
            "征求意见期间共收到意见建议126条，经梳理归纳为18类，采纳或部分采纳11类，"
            "未采纳的主要原因是超出本方案调整范围或已有其他政策安排。",
            decision.published_at,
            public=True,
            now=now,
        )
    db.session.flush()
    RecordWriter(decision, spec, now, cal, users or {}, number, draft).write_all()
    db.session.flush()
    return decision


def add_consultation(
    decision: Decision,
    spec: DemoDecision,
    draft: Document | None,
    opens: datetime,
    closes: datetime,
    now: datetime,
) -> Consultation:
    """The open public-comment window on the draft (PROC-17, PART-7b notice fields)."""
    gov, unit = decision.government, decision.undertaking_unit
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
        draft_version_id=draft.latest.id if draft is not None and draft.latest else None,
        created_at=min(opens, now),
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
    return c


def add_document(
    decision, kind, title, body, when, *, public: bool, now: datetime | None = None
) -> Document:
    doc = Document(decision=decision, kind=kind, title=title, is_public=public, created_at=when)
    db.session.add(doc)
    add_version(doc, body, when, "首次公布" if public else "初稿", now=now)
    return doc


def add_version(
    doc: Document, body: str, when: datetime, note: str, *, now: datetime | None = None
) -> DocumentVersion:
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
    audit.record(
        "document.version",
        actor=ACTOR,
        now=now or when,
        obj=doc.decision,
        after={
            "record": f"{DocumentVersion.__tablename__}:{version.id}",
            "document_id": doc.id,
            "kind": str(doc.kind),
            "title": doc.title,
            "version": version.number,
            "sha256": version.sha256,
            "is_public": doc.is_public,
            "created_at": when.isoformat(),
        },
    )
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
    # After the consultation (see portal/demo_opinions.py): more new kindergartens, subsidies
    # reviewed every year, and a new article on fee relief for families in difficulty.
    preschool_final = draft_text(
        "赤峰市学前教育普惠发展三年行动计划（2026—2028年）",
        [
            "到2028年，全市学前三年毛入园率达到95%，普惠性幼儿园覆盖率达到90%以上。",
            "每年新建、改扩建公办幼儿园不少于25所，重点补齐城乡接合部、新建小区和农村牧区学位缺口。",
            "完善普惠性民办幼儿园认定和扶持办法，按在园幼儿人数给予生均补助，补助标准每年评估调整。",
            "加强幼儿园教师队伍建设，落实公办园教职工编制标准。",
            "建立学前教育资助制度，对家庭经济困难幼儿减免保育教育费。",
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
            issue="热源不足、管网老化、供热质量不稳定",
            stakeholders="供热企业和居民用户",
            basis="《中华人民共和国城乡规划法》《内蒙古自治区供热条例》",
            technical=True,
            planned_symposium_in=5,
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
            issue="生活垃圾混投混运、分类设施不足",
            stakeholders="社区居民和物业服务企业",
            basis="《中华人民共和国固体废物污染环境防治法》",
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
            issue="老旧小区基础设施老化、公共服务设施缺失",
            stakeholders="老旧小区居民",
            basis="《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》",
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
            co_units=("urban-management",),
            issue="地下管网老化破损、跑冒滴漏和燃气安全隐患",
            stakeholders="老城区居民和沿线商户",
            basis="《城镇排水与污水处理条例》《城镇燃气管理条例》",
        ),
        DemoDecision(
            "chifeng",
            "赤峰市西拉沐沦河流域生态保护和修复实施方案",
            C.RESOURCE_POLICY,
            "ecology",
            Step.DRAFTING_RESEARCH,
            30,
            "开展西拉沐沦河干支流生态保护修复，推进水土流失综合治理。",
            co_units=("natural-resources",),
            issue="河道生态退化和水土流失",
            stakeholders="沿河农牧民",
            basis="《中华人民共和国水土保持法》《中华人民共和国黄河保护法》",
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
            co_units=("development-reform",),
            issue="公交运营成本持续上升、企业亏损加剧",
            stakeholders="公交乘客和公交企业职工",
            basis="《中华人民共和国价格法》《政府制定价格听证办法》",
            risk_level=RiskLevel.MEDIUM,
            is_complex=True,
            hearing=True,
            plac_filed=False,  # the blocked demo: RISK-12b
        ),
        DemoDecision(
            "chifeng",
            "赤峰市基本医疗保险门诊共济保障实施办法",
            C.PUBLIC_POLICY,
            "health",
            Step.PARTY_COMMITTEE_REPORT,
            2,
            "建立职工基本医疗保险门诊共济保障机制，提高门诊保障水平。",
            draft=draft_text(
                "赤峰市基本医疗保险门诊共济保障实施办法",
                [
                    "为减轻参保职工门诊医疗费用负担，建立健全门诊共济保障机制，制定本办法。",
                    "将普通门诊费用纳入职工基本医疗保险统筹基金支付范围，起付标准为每年200元。",
                    "在职职工政策范围内报销比例为50%，退休人员报销比例为60%。",
                    "个人账户可用于支付参保人员配偶、父母、子女的医疗费用。",
                ],
            ),
            explanation="依据《国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的"
            "指导意见》起草。",
            issue="职工门诊费用负担较重、个人账户保障功能不足",
            stakeholders="参保职工和退休人员",
            basis="《中华人民共和国社会保险法》",
            risk_level=RiskLevel.MEDIUM,
        ),
        DemoDecision(
            "chifeng",
            "赤峰市学前教育普惠发展三年行动计划（2026—2028年）",
            C.PUBLIC_POLICY,
            "education",
            Step.FILING,
            40,
            "扩大普惠性学前教育资源，提升保教质量。",
            draft=preschool,
            final_text=preschool_final,
            explanation="依据《中华人民共和国学前教育法》起草。",
            published=True,
            issue="普惠性学位不足、城乡学前教育资源不均衡",
            stakeholders="幼儿家长和民办幼儿园举办者",
            basis="《中华人民共和国学前教育法》",
            filed=False,  # the overdue demo: PROC-38a
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
            channels_correction="公布时漏登了“赤峰发布”政务新媒体渠道，依发布记录补正。",
            issue="停车泊位供给不足、乱停乱放",
            stakeholders="机动车驾驶人和停车场经营者",
            basis="《内蒙古自治区城市停车设施管理条例》",
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
            issue="遗址保护范围不清、周边建设活动失控",
            stakeholders="遗址周边村民",
            basis="《中华人民共和国文物保护法》",
            technical=True,
            npc_report=True,
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
            issue="低保标准与居民消费支出增长不相适应",
            stakeholders="低保对象",
            basis="《社会救助暂行办法》",
            expert_waiver="本方案按照自治区城乡低保标准动态调整机制，依据上年度居民人均消费支出"
            "测算确定，调整幅度由自治区统一核定，不涉及专业性、技术性问题，"
            "经研究未组织专家论证。",
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
            draft=draft_text(
                "赤峰市中心城区出租汽车运力投放方案",
                [
                    "2026年中心城区新增巡游出租汽车运力300辆，全部为新能源车辆。",
                    "新增运力经营权通过服务质量招投标方式配置，期限为8年。",
                ],
            ),
            explanation="依据《巡游出租汽车经营服务管理规定》起草。",
            issue="高峰时段打车难",
            stakeholders="出租汽车经营企业、驾驶员和乘客",
            basis="《巡游出租汽车经营服务管理规定》",
            market=True,
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
            draft=draft_text(
                "赤峰市中心城区渣土运输车辆管理办法",
                [
                    "渣土运输车辆应当安装卫星定位装置，实行密闭化运输。",
                    "渣土运输实行核准制度，运输单位应当按照核准的时间、路线运输。",
                ],
            ),
            explanation="依据《城市建筑垃圾管理规定》起草。",
            published=True,
            issue="渣土车抛洒滴漏和超速超载",
            stakeholders="渣土运输企业和沿线居民",
            basis="《城市建筑垃圾管理规定》",
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
            draft=draft_text(
                "赤峰市共享电动自行车投放管理方案",
                [
                    "中心城区共享电动自行车投放总量控制在5000辆以内。",
                    "运营企业应当落实停放管理责任，规范设置电子围栏。",
                ],
            ),
            explanation="依据《关于鼓励和规范互联网租赁自行车发展的指导意见》起草。",
            published=True,
            issue="短途出行不便和“最后一公里”问题",
            stakeholders="市民和运营企业",
            basis="《关于鼓励和规范互联网租赁自行车发展的指导意见》",
        ),
        DemoDecision(
            "songshan",
            "松山区农村牧区人居环境整治提升方案",
            C.PUBLIC_POLICY,
            "housing",
            Step.DRAFTING_RESEARCH,
            14,
            "推进农村牧区厕所革命、生活污水和垃圾治理，改善人居环境。",
            issue="农村牧区生活垃圾和污水治理滞后",
            stakeholders="农牧民",
            basis="《农村人居环境整治提升五年行动方案（2021—2025年）》",
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
            phase=CatalogPhase.FILED,
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


# -- stage records ---------------------------------------------------------------------------

REF_PREFIX = {"chifeng": "赤政", "hongshan": "红政", "songshan": "松政"}

# Members of the city's expert pool (EXP): name, organisation.
EXPERT_POOL = [
    ("王建国", "内蒙古大学经济管理学院"),
    ("李淑芬", "赤峰学院资源环境与建筑工程学院"),
    ("张志强", "内蒙古工业大学土木工程学院"),
    ("刘海燕", "赤峰市城乡规划设计研究院"),
    ("陈立新", "内蒙古自治区社会科学院"),
    ("杨文军", "内蒙古师范大学法政学院"),
    ("赵红梅", "赤峰学院经济与管理学院"),
    ("孙宝林", "赤峰市交通规划设计院"),
    ("周晓东", "内蒙古农业大学草原与资源环境学院"),
    ("吴丽华", "内蒙古自治区律师协会"),
    ("郑国庆", "赤峰市财政科学研究所"),
    ("冯雅琴", "内蒙古医科大学公共卫生学院"),
]
EXPERT_ADVICE = [
    "进一步细化资金测算，明确分年度投入计划",
    "明确各部门职责分工和考核办法",
    "加强与国土空间规划和相关专项规划的衔接",
    "对低收入家庭等特殊群体作出兜底安排",
    "设置合理的过渡期，做好政策宣传解读",
    "建立实施效果动态评估机制",
    "量化主要目标指标，便于督查考核",
]
PUBLICATION_CHANNELS = "\n".join(
    ["赤峰市人民政府门户网站“重大行政决策”专栏", "《赤峰日报》", "“赤峰发布”政务新媒体"]
)


def kind_word(title: str) -> str:
    """The document type at the end of a title: 方案, 规划, 办法, 计划, 工程."""
    plain = title.split("（")[0]
    for word in ("实施办法", "管理办法", "办法", "规划", "计划", "方案", "工程"):
        if plain.endswith(word):
            return word[-2:]
    return "决策"


class RecordWriter:
    """Writes the stage records a decision's procedure steps imply.

    Every record is dated inside its step's span and written through
    ``records.update_record`` so that each one has its audit entry. A completed step gets
    records that satisfy its rules; a running step gets the partial records of work under way.
    """

    def __init__(
        self,
        decision: Decision,
        spec: DemoDecision,
        now: datetime,
        calendar: WorkCalendar,
        users: dict[str, User],
        number: int,
        draft: Document | None,
    ) -> None:
        self.d = decision
        self.spec = spec
        self.now = now
        self.cal = calendar
        self.users = users
        self.number = number
        self.draft = draft
        self.today = local_date(now)
        self.kind = kind_word(spec.title)
        self.prefix = REF_PREFIX.get(decision.government.slug, decision.government.name[:1] + "政")
        self.unit = decision.undertaking_unit.name if decision.undertaking_unit else ""

    # -- helpers ---------------------------------------------------------------------------

    def put(self, record, fields: dict, action: str):
        update_record(record, fields, decision=self.d, actor=ACTOR, now=self.now, action=action)
        return record

    def row(self, step: Step) -> ProcedureStep | None:
        return self.d.step(step)

    def done(self, step: Step) -> bool:
        row = self.row(step)
        return row is not None and row.status == StepStatus.COMPLETED

    def running(self, step: Step) -> bool:
        row = self.row(step)
        return row is not None and row.status == StepStatus.IN_PROGRESS

    def span(self, step: Step) -> tuple[date, date]:
        row = self.row(step)
        assert row is not None
        start = local_date(row.started_at)
        end = local_date(row.completed_at) if row.completed_at else self.today
        return start, max(start, end)

    def day(self, step: Step, offset: int, *, from_end: bool = False) -> date:
        """A day ``offset`` days after the step started (or before it ended), inside its span."""
        start, end = self.span(step)
        d = end - timedelta(days=offset) if from_end else start + timedelta(days=offset)
        return min(max(d, start), end)

    def user_id(self, username: str) -> int | None:
        user = self.users.get(username)
        if user is None or user.government_id != self.d.government_id:
            return None
        return user.id

    # -- the steps -------------------------------------------------------------------------

    def write_all(self) -> None:
        self.initiation()
        if self.row(Step.DRAFTING_RESEARCH):
            self.drafting()
        if self.row(Step.PUBLIC_PARTICIPATION) and not self.d.non_disclosable:
            self.participation()
        if self.row(Step.EXPERT_REVIEW):
            self.expert_review()
        if self.row(Step.RISK_ASSESSMENT):
            self.risk_assessment()
        self.internal_review()
        if self.row(Step.LEGALITY_REVIEW):
            self.legality_review()
        if self.row(Step.COLLECTIVE_DECISION):
            self.meeting()
        if self.row(Step.PARTY_COMMITTEE_REPORT):
            self.party_report()
        self.publication_and_filing()
        self.execution_and_changes()

    def initiation(self) -> None:
        """PROC-3b, PROC-11c, PROC-12a (units and lead unit are set with the decision)."""
        fields: dict = {"out_of_scope_confirmed": True}
        if self.done(Step.INITIATION):
            on = self.day(Step.INITIATION, 1, from_end=True)
            fields |= {
                "initiate_decision": InitiateDecision.INITIATE,
                "initiated_on": on,
                "initiation_ref": f"{self.prefix}发〔{on.year}〕{self.number + 10}号",
            }
        self.put(self.d, fields, "decision.initiation")

    def drafting(self) -> None:
        """PROC-13a drafting mode, PROC-14a the four-part research record, PROC-15a."""
        s, done = self.spec, self.done(Step.DRAFTING_RESEARCH)
        entrusted = s.category in (Category.DEVELOPMENT_PLAN, Category.PUBLIC_CONSTRUCTION_PROJECT)
        secret = self.d.non_disclosable
        fields = {
            "mode": DraftingMode.ENTRUSTED_INSTITUTION if entrusted else DraftingMode.SELF,
            "entrusted_party": "赤峰市城乡规划设计研究院" if entrusted else "",
            "research_situation": "（涉密内容从略）起草组赴相关旗县区和储备库点开展了实地调研。"
            if secret
            else f"起草组先后赴红山区、松山区、元宝山区及有关旗县开展实地调研，召开座谈会6场，"
            f"走访{s.stakeholders}200余人次，发放调查问卷1500份，系统梳理了{s.issue}等问题。",
            "research_necessity": "（涉密内容从略）现有布局难以适应应急保障需要，有必要调整。"
            if secret
            else f"当前{s.issue}等问题较为突出，群众反映强烈，现行政策措施已不能完全适应"
            f"新形势需要，有必要制定《{s.title}》予以系统解决。",
            "research_basis": (f"主要依据{s.basis}，并参照自治区和兄弟盟市的有关做法。")
            if done
            else "",
            "research_other": "对实施所需资金、部门职责分工和时间安排进行了测算论证，"
            "并对同类政策在呼和浩特、包头等地的实施效果进行了比较研究。"
            if done
            else "",
            "cost_benefit": "经测算，项目总投资约12.6亿元，实施后每年可减少管网漏损和事故损失"
            "约8000万元，社会效益显著。"
            if s.category == Category.PUBLIC_CONSTRUCTION_PROJECT
            or (done and s.category == Category.DEVELOPMENT_PLAN)
            else "",
        }
        self.put(DraftingRecord(decision_id=self.d.id), fields, "drafting.record")
        gov = self.d.government
        if gov.slug == "chifeng":
            parties = ["市财政局", "市发展和改革委员会", "红山区人民政府、松山区人民政府"]
            if s.unit == "development-reform":
                parties[1] = "市应急管理局"
        else:
            parties = [f"{gov.name}财政局", f"{gov.name}各乡镇人民政府、街道办事处"]
        opinions = [
            "原则同意。建议进一步明确资金保障渠道和分年度安排。",
            "原则同意。建议与年度重点项目计划做好衔接。",
            "同意。建议明确属地责任和完成时限，便于基层组织实施。",
        ]
        for i, party in enumerate(parties):
            if not done and i == len(parties) - 1:
                break  # the last unit has not answered yet
            self.put(
                UnitConsultation(decision_id=self.d.id),
                {
                    "party": party,
                    "consulted_on": self.day(Step.DRAFTING_RESEARCH, 8 + 7 * i),
                    "opinion": opinions[i % len(opinions)],
                    "agreed": True,
                },
                "drafting.unit_consultation",
            )

    def participation(self) -> None:
        """PROC-16..19: the open comment window (PROC-17, with the draft and its explanation),
        symposiums and the hearing through the hearing module (PART-8, PART-12a, PROC-19c,
        PART-13b/16a), and the activities with no statutory announcement (PART-5b)."""
        from portal import demo_hearings

        s, step = self.spec, Step.PUBLIC_PARTICIPATION
        if self.running(step):
            if s.planned_symposium_in is not None:
                demo_hearings.planned_symposium(
                    self.d,
                    title=f"《{s.title}》市民代表座谈会",
                    held_on=self.cal.add_working_days(self.today, s.planned_symposium_in),
                    place=f"{self.unit}三楼会议室",
                    now=self.now,
                )
            return
        if not self.done(step):
            return
        start, _end = self.span(step)
        already = db.session.scalar(
            sa.select(Consultation.id).where(Consultation.decision_id == self.d.id).limit(1)
        )
        # One comment window per decision: a published decision already has its closed
        # window from ``make_decision`` (a second identical one repeated it in the feeds).
        if not s.consultation_days and not self.d.non_disclosable and already is None:
            opens = at_local(start + timedelta(days=1), 0)
            closes = opens + timedelta(days=31)  # PROC-17b: a full 30-day period
            add_consultation(self.d, s, self.draft, opens, closes, self.now)
        held_on = self.day(step, 20)
        demo_hearings.held_symposium(
            self.d,
            title=f"《{s.title}》征求意见座谈会",
            held_on=held_on,
            place=f"{self.unit}三楼会议室",
            # PART-8b: at least 3 working days before the symposium
            delivered_on=self.cal.add_working_days(held_on, -4),
            summary=f"邀请人大代表、政协委员、{s.stakeholders}代表等参加，"
            "共提出意见建议23条，已逐条研究并在采纳情况说明中予以反馈。",
            number=self.number,
        )
        if s.market:
            self.put(
                ParticipationActivity(decision_id=self.d.id),
                {
                    "method": ParticipationMethod.ENTERPRISE_CONSULTATION,
                    "title": "相关企业和行业协会沟通协商会",  # PART-5b
                    "held_on": self.day(step, 14),
                    "place": f"{self.unit}会议室",
                    "participants": 11,
                    "held": True,
                    "summary": "听取了9家经营企业和市出租汽车协会的意见，企业普遍关注"
                    "经营权有偿使用和车辆更新补贴问题。",
                },
                "participation.activity",
            )
        if s.hearing:
            demo_hearings.held_fares_hearing(
                self.d, day=self.day(step, 24), opened_on=start + timedelta(days=1)
            )

    def expert_review(self) -> None:
        """PROC-21..23, EXP-10a/10b/13b/13c/14c/15a and the 7-part report (EXP-16a)."""
        s, step = self.spec, Step.EXPERT_REVIEW
        row = self.row(step)
        assert row is not None
        if row.status not in (StepStatus.COMPLETED, StepStatus.IN_PROGRESS):
            return  # waived with explanation (PROC-29a(4)): nothing was reviewed
        done = row.status == StepStatus.COMPLETED
        review_on = self.day(step, 20) if done else self.cal.add_working_days(self.today, 6)
        kind = self.kind
        fields: dict = {
            "method": ExpertReviewMethod.REVIEW_MEETING,
            "review_on": review_on,
            "professional_technical": s.technical,
            "complexity_reason": "涉及群众切身利益，社会关注度高，各方意见分歧较大。"
            if s.is_complex
            else "",
        }
        if done:
            fields |= {
                "necessity_feasibility_soundness": f"专家组认为，制定本{kind}十分必要，"
                "主要内容符合法律法规和国家、自治区政策，措施总体可行、合理。",
                "socioeconomic_benefits": f"实施后将有效缓解{s.issue}等问题，"
                "具有较好的社会效益和经济效益。",
                "execution_conditions": "资金、人员和配套政策基本具备，"
                "建议分年度制定实施计划并明确责任单位。",
                "potential_risks": f"存在资金到位不及时、部分{s.stakeholders}"
                "对政策理解不到位等潜在风险。",
                "countermeasures": "建议加强政策宣传解读，建立资金保障和实施效果动态评估机制。",
                "implementability_and_revision_advice": "建议对部分条款的表述作进一步修改完善"
                "后提请审议。",
                "other_factors": "无其他需要说明的事项。",
            }
        review = self.put(ExpertReview(decision_id=self.d.id), fields, "expert_review.record")
        count = 7 if s.is_complex else 5  # EXP-13b odd and >= 3; EXP-13c >= 7 when complex
        panel = [EXPERT_POOL[(self.number * 3 + i) % len(EXPERT_POOL)] for i in range(count)]
        # EXP-13a: the members come from the city's pool through a selection (the office's
        # choice by field, with its reason); their appointment, term and pledge are the pool's
        selection, members = self.pool_selection(panel, s.is_complex)
        for i, member in enumerate(members):
            expert: dict = {
                "name": member.name,
                "organisation": member.organisation,
                "from_pool": True,
                "expert_id": member.id,
                "pledge_signed": True,  # EXP-10a (the pool record)
                "conflict_declared": False,  # EXP-10b / PROC-22a
                # EXP-14c (and A19: at least 3 working days before the meeting)
                "materials_delivered_on": self.cal.add_working_days(review_on, -5)
                if done
                else self.today - timedelta(days=1),
            }
            if done:
                advice = EXPERT_ADVICE[(self.number + i) % len(EXPERT_ADVICE)]
                expert |= {
                    "opinion_form": OpinionForm.WRITTEN,  # EXP-15a
                    "signed": True,  # PROC-23a
                    "opinion": f"该{kind}立足实际，目标明确，措施可行。建议{advice}。",
                    "adoption": AdoptionStatus.ADOPTED
                    if i % 3
                    else AdoptionStatus.PARTIALLY_ADOPTED,
                }
            assignment = self.put(ExpertAssignment(review=review), expert, "expert_review.expert")
            db.session.add(
                ExpertSelectionPick(
                    selection_id=selection.id, expert_id=member.id, assignment_id=assignment.id
                )
            )
        db.session.flush()

    def pool_selection(self, panel: list[tuple[str, str]], complex_item: bool):
        """EXP-13a: the office's selection of ``panel`` from the city's pool (members appointed
        and pledged before any demo review; ``portal.demo_experts.panel_member``)."""
        from portal.demo_experts import PANEL_GROUPS, panel_member
        from portal.rules.experts import SelectionMethod

        gov = self.d.government
        city = gov.parent if gov.parent_id is not None else gov
        members = [
            panel_member(city, name, organisation, now=self.now, actor=self.users.get("office"))
            for name, organisation in panel
        ]
        started = self.span(Step.EXPERT_REVIEW)[0]
        ids = ",".join(str(m.id) for m in members)
        selection = self.put(
            ExpertSelection(),
            {
                "decision_id": self.d.id,
                "method": SelectionMethod.MANUAL,
                "group_codes": ",".join(dict.fromkeys(PANEL_GROUPS[n] for n, _ in panel)),
                "count": len(members),
                "complex_item": complex_item,
                "candidate_ids": ids,
                "excluded": "[]",
                "chosen_ids": ids,
                "reason": "按论证事项涉及的专业领域，由市政府办公室会同承办单位从专家库中选定。",
                "created_at": at_local(started, 10),
                "created_by_id": self.user_id("office"),
            },
            "experts.select",
        )
        return selection, members

    def risk_assessment(self) -> None:
        """PROC-25..27, RISK-5a/7a/8a/11/12a/12b."""
        s, step = self.spec, Step.RISK_ASSESSMENT
        done = self.done(step)
        fields: dict = {
            "assessing_body": "赤峰市社会稳定风险评估研究中心（第三方）"
            if s.risk_level == RiskLevel.MEDIUM
            else self.unit,
            "plan": "成立风险评估工作小组，制定评估工作方案，通过问卷调查、座谈走访、"
            "专家咨询和舆情分析等方式开展风险调查和识别。",
            "social_stability_required": True,  # RISK-5a
        }
        categories: list[tuple[RiskCategory, RiskLevel, str]] = []
        if done:
            second = (
                RiskCategory.ECOLOGICAL_ENVIRONMENTAL
                if s.category in (Category.RESOURCE_POLICY, Category.PUBLIC_CONSTRUCTION_PROJECT)
                else RiskCategory.FISCAL_FINANCIAL
            )
            categories = [
                (
                    RiskCategory.SOCIAL_STABILITY,
                    s.risk_level,
                    f"部分{s.stakeholders}对政策调整存在顾虑，可能引发集中信访和负面舆情。",
                ),
                (second, RiskLevel.LOW, "实施所需资金和配套条件基本落实，风险总体可控。"),
            ]
            filed_on = self.day(step, 3, from_end=True)
            level_word = "中" if s.risk_level == RiskLevel.MEDIUM else "低"
            fields |= {
                "level": s.risk_level,  # A16: the highest category level
                "recommendation": RiskRecommendation.SUBMIT_FOR_DECISION,
                "unit_controllable": True,  # RISK-11b
                "mitigation_measures": "加强政策解读和舆情监测，建立信访接待和矛盾纠纷化解机制，"
                "设置过渡期并对困难群体给予补贴，确保风险可控。",
                "stakeholder_participants": 36,  # RISK-7a
                "department_participants": 7,
                "subject_and_process": f"评估对象为《{s.title}》。评估组按照评估工作方案，"
                "经风险调查、风险识别和风险评估形成本报告。",
                "opinions_and_adoption": f"共听取{s.stakeholders}和有关部门意见86条，"
                "采纳52条，部分采纳17条，未采纳的已说明理由。",
                "risk_points": "主要风险点：群众对政策调整的接受程度、资金保障、实施过程中的"
                "矛盾纠纷。",
                "conclusion": f"综合评估风险等级为{level_word}风险，"
                "建议在落实风险防范措施后提请决策。",
                "prevention_and_contingency": "制定风险防范化解措施和应急处置预案，"
                "明确责任单位和处置流程。",
                "plac_submitted_on": self.day(step, 8, from_end=True),
            }
            if s.plac_filed:  # RISK-12b
                fields |= {
                    "plac_review_result": PlacReviewResult.PASSED,
                    "plac_filed_on": filed_on,
                    "plac_ref": f"赤政法稳评备〔{filed_on.year}〕{self.number + 20}号",
                }
        assessment = self.put(
            RiskAssessment(decision_id=self.d.id), fields, "risk_assessment.record"
        )
        for category, level, points in categories:
            self.put(
                RiskCategoryLevel(assessment=assessment),
                {"category": category, "level": level, "risk_points": points},
                "risk_assessment.category",
            )

    def internal_review(self) -> None:
        """PROC-28a: the unit's legal office and its collective discussion, each passed."""
        from portal.rules.enums import ReviewResult

        fields: dict = {}
        if self.done(Step.INTERNAL_LEGAL_REVIEW):
            fields |= {
                "internal_legal_review_on": self.day(Step.INTERNAL_LEGAL_REVIEW, 1, from_end=True),
                "internal_legal_review_opinion": "经本单位法规科初审，草案内容合法，"
                "程序完备，同意提交局党组会议讨论。",
                "internal_legal_review_result": ReviewResult.PASSED,  # PROC-28a
            }
        if self.done(Step.INTERNAL_COLLECTIVE_DISCUSSION):
            fields |= {
                "internal_discussion_on": self.day(Step.INTERNAL_COLLECTIVE_DISCUSSION, 0),
                "internal_discussion_minutes": f"局党组会议讨论了《{self.spec.title}》，"
                "一致同意按程序报送合法性审查。",
                "internal_discussion_result": ReviewResult.PASSED,  # PROC-28a
            }
        if fields:
            self.put(self.d, fields, "decision.internal_review")

    def legality_review(self) -> None:
        """PROC-28b..d, PROC-29a/b/c, PROC-30a, PROC-33b, A11."""
        s, step = self.spec, Step.LEGALITY_REVIEW
        done = self.done(step)
        start, end = self.span(step)
        materials = [*REQUIRED_LEGALITY_MATERIALS, LegalityMaterial.OTHER_MATERIALS]
        if s.hearing:
            materials.append(LegalityMaterial.HEARING_REPORT)  # PROC-29b
        if s.market:
            materials.append(LegalityMaterial.FAIR_COMPETITION_STATEMENT)  # PROC-29b
        fields: dict = {
            "round": 1,
            "submitted_on": start,
            "materials": [str(m) for m in materials],
            "reviewer_id": self.user_id("reviewer"),
        }
        if done:
            fields |= {
                "opinion_kind": LegalityOpinionKind.LEGALITY_OPINION,  # PROC-28c
                "opinion_issued_on": end,
                "outcome": LegalityOutcome.LAWFUL,
                "opinion_text": f"经审查，《{s.title}》制定主体适格，内容符合{s.basis}等规定，"
                "决策程序完备，不存在违法情形。同意提请市人民政府常务会议审议。",
                "reviewed_draft_version": procedure.draft_version(self.d),  # A11
            }
        review = self.put(LegalityReview(decision_id=self.d.id), fields, "legality_review.record")
        if done and self.number % 2 == 0:
            # PROC-29c: a supplement request paused the review clock for three days.
            self.put(
                LegalityPause(review=review),
                {
                    "requested_on": start + timedelta(days=2),
                    "due_on": start + timedelta(days=7),
                    "received_on": start + timedelta(days=5),
                    "what": "补充提交风险评估报告备案材料和部门征求意见汇总表。",
                },
                "legality_review.pause",
            )
        self.put(
            LegalAdviserOpinion(review=review),
            {
                "role": LegalAdviserRole.LEGAL_ADVISER,  # PROC-30a
                "name": "内蒙古正大律师事务所 王律师（市政府法律顾问）",
                "given_on": self.day(step, 3),
                "opinion": "草案内容不违反法律、法规和国家政策规定，建议对个别条款的措辞予以规范。",
            },
            "legality_review.adviser_opinion",
        )
        if done:
            points = [
                (
                    "第三条中“依法予以处理”表述不够明确，建议写明具体法律依据。",
                    AdoptionStatus.ADOPTED,
                    "",
                ),
                (
                    "建议增加政策实施效果评估条款。",
                    AdoptionStatus.PARTIALLY_ADOPTED,
                    "已在保障措施部分增加评估要求，具体评估办法另行制定。",
                ),
            ]
            for text, adoption, explanation in points:  # PROC-33b
                self.put(
                    LegalityOpinionPoint(review=review),
                    {"text": text, "adoption": adoption, "explanation": explanation},
                    "legality_review.point",
                )

    def meeting(self) -> None:
        """PROC-31a (date), PROC-34a materials, PROC-35a/c/d, PROC-27b."""
        s, step = self.spec, Step.COLLECTIVE_DECISION
        on, _end = self.span(step)
        rejected = s.stage == Stage.REJECTED
        materials = list(REQUIRED_MEETING_MATERIALS)
        if s.market:
            materials.append(MeetingMaterial.FAIR_COMPETITION_STATEMENT)  # PROC-34b
        fields: dict = {
            "round": 1,
            "meeting_type": MeetingType.EXECUTIVE_MEETING,
            "meeting_on": on,
            "materials": [str(m) for m in materials],
            "recorded_by_id": self.user_id("office"),
        }
        session = f"{on.year}年第{on.month + 10}次"
        if self.done(step):
            if rejected:
                fields |= {
                    "outcome": MeetingOutcome.REJECTED,
                    "minutes": f"{on.month}月{on.day}日，市人民政府{session}常务会议审议了"
                    f"《{s.title}》。{self.unit}作了说明，市司法局汇报了合法性审查意见。"
                    "会议认为，当前中心城区出租汽车运力与客运需求基本匹配，网约车发展较快，"
                    "新增运力可能加剧行业经营困难，决定不予通过。",
                    "dissent": f"{self.unit}主要负责同志认为高峰时段打车难问题仍较突出，"
                    "建议适度新增运力；会议经讨论未予采纳。其他出席人员同意不予通过。",
                }
            else:
                fields |= {
                    "outcome": MeetingOutcome.APPROVED,
                    "minutes": f"{on.month}月{on.day}日，市人民政府{session}常务会议审议了"
                    f"《{s.title}》。{self.unit}作了说明，市司法局汇报了合法性审查意见。"
                    f"会议同意该{self.kind}，请{self.unit}按照会议意见修改完善后按程序印发实施。",
                    "dissent": "市财政局主要负责同志提出，资金宜分年度安排，不宜一次性承诺；"
                    "会议予以采纳。其他出席人员均表示同意，无不同意见。",
                    "risk_controllable": True,  # PROC-27b
                }
        self.put(Meeting(decision_id=self.d.id), fields, "meeting.record")

    def party_report(self) -> None:
        """PROC-36a: the request to the Party committee before issuance."""
        on = self.day(Step.PARTY_COMMITTEE_REPORT, 1)
        self.put(
            PartyReport(decision_id=self.d.id),
            {
                "kind": PartyReportKind.REQUEST,
                "reported_on": on,
                "ref": f"{self.prefix}请〔{on.year}〕{self.number + 30}号",
            },
            "party_report.record",
        )

    def publication_and_filing(self) -> None:
        """PROC-8a report to the standing committee, PROC-37a channels (one corrected, shown on
        the dossier), PROC-38a filing within 30 days, PROC-39a archive."""
        fields: dict = {}
        if self.spec.npc_report and self.row(Step.PARTY_COMMITTEE_REPORT):
            # PROC-8a: reported before issuance, at the end of the Party committee report step
            on = self.day(Step.PARTY_COMMITTEE_REPORT, 0, from_end=True)
            fields |= {
                "npc_report_required": True,
                "npc_reported_on": on,
                "npc_report_ref": f"{self.prefix}函〔{on.year}〕{self.number + 60}号",
            }
        if self.d.published_at is not None:
            fields["publication_channels"] = PUBLICATION_CHANNELS
            # PROC-37a: the document number the decision was issued under
            year = local_date(self.d.published_at).year
            fields["document_number"] = f"{self.prefix}发〔{year}〕{self.number + 200}号"
            if self.spec.channels_correction:
                # recorded without the new-media channel, then corrected by the office
                fields["publication_channels"] = PUBLICATION_CHANNELS.rsplit("\n", 1)[0]
        if self.done(Step.FILING) and self.spec.filed:
            filed_on = self.day(Step.FILING, 1, from_end=True)
            fields |= {
                "filed_on": filed_on,
                "filing_ref": f"内府规备〔{filed_on.year}〕{self.number + 100}号",
            }
        archive = self.row(Step.ARCHIVING)
        if archive is not None and archive.completed_at is not None:
            fields["archived_at"] = archive.completed_at
        if fields:
            self.put(self.d, fields, "decision.publication")
        if self.d.published_at is not None and self.spec.channels_correction:
            self.publication_correction(self.spec.channels_correction)

    def publication_correction(self, reason: str) -> None:
        """PROC-39a: the government office corrected the publication channels a few days after
        publication; the earlier value is kept and the correction is public."""
        from portal.rules.locks import Lock, RecordGroup
        from portal.services import corrections

        published = local_date(self.d.published_at)
        before = self.d.publication_channels
        office = self.users.get("office")
        when = min(at_local(published + timedelta(days=3), 10), self.now)
        self.d.publication_channels = PUBLICATION_CHANNELS
        corrections.keep(
            self.d,
            {"publication_channels": (before, PUBLICATION_CHANNELS)},
            lock=Lock(RecordGroup.PUBLICATION, published),
            reason=reason,
            decision=self.d,
            actor=office if office is not None else ACTOR,
            now=when,
        )
        audit.record(
            "publication.publish.correction",
            actor=ACTOR,
            now=self.now,
            obj=self.d,
            before={"publication_channels": before},
            after={
                "record": f"decisions:{self.d.id}",
                "publication_channels": PUBLICATION_CHANNELS,
                "reason": reason,
            },
        )

    def execution_and_changes(self) -> None:
        """PROC-40b execution completed; PROC-45a/b suspension and termination."""
        s = self.spec
        if self.done(Step.EXECUTION) and s.stage != Stage.TERMINATED:
            self.put(
                self.d,
                {"execution_completed_on": self.day(Step.EXECUTION, 2, from_end=True)},
                "decision.execution",
            )
        if s.stage == Stage.SUSPENDED:
            self.put(
                DecisionChange(decision_id=self.d.id),
                {
                    "kind": DecisionChangeKind.SUSPENSION,
                    "decided_on": max(self.span(Step.EXECUTION)[0], self.today - timedelta(days=6)),
                    "decided_by_executive_head": True,  # PROC-45b
                    "reason": "《城市建筑垃圾管理规定》修订后对渣土运输车辆准入条件作出新规定，"
                    "本办法第五条、第九条与之不一致。经市长决定中止执行，待修改完善后"
                    "依法重新提请审议。",
                },
                "decision.change",
            )
        if s.stage == Stage.TERMINATED:
            on = self.day(Step.POST_EVALUATION, 0, from_end=True)
            self.put(
                DecisionChange(decision_id=self.d.id),
                {
                    "kind": DecisionChangeKind.TERMINATION,
                    "decided_on": on,
                    "reason": "后评估认为，共享电动自行车投放后停放秩序和安全隐患问题突出，"
                    "方案预期目标已无法实现。",
                    # PROC-45a: decided through the statutory procedure
                    "collective_decision_ref": f"市人民政府{on.year}年第{on.month + 10}次"
                    f"常务会议纪要（{self.prefix}阅〔{on.year}〕{self.number}号）",
                },
                "decision.change",
            )
