"""Demo hearings and symposiums (issue 5; issue 11: hearings and symposiums exist only here).

The procedure records of the demo (``portal.demo.RecordWriter.participation``) make their
hearings and symposiums through this module, in the hearing module's own steps:

* a symposium by invitation for every decision whose public participation is completed, its
  materials delivered three working days ahead (PART-8b) and held (``held_symposium``);
* the public-transport fares hearing, held three weeks into participation, with its quota draw,
  participant list, confirmed record and published report (``held_fares_hearing``);
* an upcoming symposium on the heating plan, by invitation (``planned_symposium``).

``seed_demo_hearings`` (``flask portal seed-demo``) adds the hearings open to the public:

* a first-come hearing on the heating plan, open for registration, 10 seats, 3 taken;
* a lottery hearing on Hongshan's old residential areas with more applicants than seats, the
  draw done and its data published.

Every step goes through ``portal.services.hearings`` / ``hearing_steps`` at the time it would
have happened, so it is audited like a real one. ``seed_demo_hearings`` does nothing when its
hearings already exist.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.hearing import Hearing
from portal.models.user import User
from portal.rules.hearings import DeliveryMethod, HearingKind, RecordConfirmation, SelectionMethod
from portal.rules.workdays import CHINA_TZ, local_date
from portal.services import hearing_steps as steps
from portal.services import hearings as svc
from portal.services import records

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"
OLDTOWN = "红山区老旧小区改造提升实施方案"
FARES = "赤峰市城市公共交通票价调整方案"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐"
    "冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏"
)
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "桂兰",
    "海燕",
    "文博",
    "丽娟",
    "国庆",
    "晓明",
    "玉梅",
    "子涵",
    "雅琴",
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    from datetime import UTC

    return datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC)


def _person(i: int) -> tuple[str, str]:
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
    return name, f"1390476{i:04d}"


def _decision(title: str) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def _register(hearing, i, side, when, *, consent=False, email=""):
    name, phone = _person(i)
    return svc.register_for_hearing(
        hearing,
        svc.RegistrationInput(
            name=name,
            contact_phone=phone,
            contact_email=email,
            stakeholder_side=side,
            statement=f"作为{side or '市民'}，希望就方案的具体标准发表意见。",
            publish_name_consent=consent,
        ),
        now=when,
    )


def _notice(decision: Decision, unit: str, phone: str) -> dict:
    return {
        "registration_method": "通过本网站听证会页面或“决策公开”接口在线报名，"
        "也可到承办单位现场报名。报名时请如实填写姓名、联系电话和所代表的利益方。",
        "contact_info": f"{unit} 联系电话：{phone}（工作日9:00—17:00）",
        "other_matters": "听证会公开举行，欢迎公民旁听，新闻媒体可以采访报道。"
        "旁听人员请于开始前30分钟凭身份证件入场。",
    }


# -- the procedure records of the demo (called by portal.demo.RecordWriter.participation) ------

SYMPOSIUM_SIDES = [
    ("人大代表", "市人大代表，长期关注该领域工作。"),
    ("政协委员", "市政协委员，提出过相关提案。"),
    ("群众代表", "受决策影响的群众代表。"),
    ("群众代表", "所在社区居民委员会推荐的代表。"),
    ("企业和行业组织代表", "相关企业和行业协会负责人。"),
]


def _symposium_fields(title: str, starts: datetime, place: str, seats: int, subject: str):
    return steps.HearingFields(
        kind=HearingKind.SYMPOSIUM,
        title=title,
        subject=subject,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place=place,
        seats=seats,
        selection_method=SelectionMethod.INVITATION,
        selection_rules="由承办单位邀请人大代表、政协委员、群众代表和企业、行业组织代表参加，"
        "兼顾不同区域和利益方（PART-8a）。",
        sides=[(name, 0) for name in dict.fromkeys(side for side, _reason in SYMPOSIUM_SIDES)],
    )


def _invite_all(hearing: Hearing, first: int, actor, when: datetime, *, contacts: bool) -> None:
    for i, (side, reason) in enumerate(SYMPOSIUM_SIDES):
        name, phone = _person(first + i)
        steps.invite_participant(
            hearing,
            name=name,
            side_name=side,
            reason=reason,
            # the contacts of a past symposium's representatives are not kept (PIPL)
            contact_phone=phone if contacts else "",
            publish_name_consent=i < 2,
            actor=actor,
            now=when + timedelta(minutes=i),
        )


def held_symposium(
    decision: Decision,
    *,
    title: str,
    held_on: date,
    place: str,
    delivered_on: date,
    summary: str,
    number: int,
    actor="seed-demo",
) -> Hearing:
    """A symposium by invitation that was held (PART-8a/8b/8c), announced ten days ahead."""
    starts = _at(held_on, 14, 30)
    announced = _at(held_on - timedelta(days=10), 9)
    h = steps.create_hearing(
        decision,
        _symposium_fields(
            title,
            starts,
            place,
            len(SYMPOSIUM_SIDES),
            f"围绕《{decision.title}》征求意见稿，听取人大代表、政协委员、群众和企业代表的意见。",
        ),
        actor=actor,
        now=announced - timedelta(hours=1),
    )
    steps.announce_hearing(h, actor=actor, now=announced)
    _invite_all(h, 200 + 10 * number, actor, announced + timedelta(hours=1), contacts=False)
    people = svc.participants(h)
    steps.record_delivery(
        h,
        [r.id for r in people],
        DeliveryMethod.IN_PERSON,
        _at(delivered_on, 10),
        actor=actor,
        now=_at(delivered_on, 17),
    )
    for i, r in enumerate(people):
        steps.check_in(h, registration_id=r.id, actor=actor, now=starts - timedelta(minutes=20 - i))
    steps.record_held(h, actor=actor, now=starts + timedelta(hours=2))
    if h.activity is not None:
        h.activity.summary = summary  # PART-8c: what was heard (the dossier shows the hearing)
    db.session.flush()
    return h


def planned_symposium(
    decision: Decision,
    *,
    title: str,
    held_on: date,
    place: str,
    now: datetime,
    actor="seed-demo",
) -> Hearing:
    """An upcoming symposium by invitation, announced, its representatives invited and the
    materials not delivered yet (PART-8b: due three working days before)."""
    starts = _at(held_on, 14, 30)
    fields = _symposium_fields(
        title,
        starts,
        place,
        20,
        "围绕供热规划征求意见稿，听取人大代表、政协委员和居民、企业代表的意见。",
    )
    h = steps.create_hearing(decision, fields, actor=actor, now=now - timedelta(days=2, hours=1))
    steps.announce_hearing(h, actor=actor, now=now - timedelta(days=2))
    _invite_all(h, 40, actor, now - timedelta(days=1), contacts=True)
    return h


def held_fares_hearing(decision: Decision, *, day: date, opened_on: date, actor="seed-demo"):
    """The fares hearing that was held: quota draw, list, materials 10 days ahead (PROC-19c),
    check-in, the record signed by every participant (PART-13b) and the report (PART-16a)."""
    start = _at(day, 9, 0)
    opened = _at(opened_on, 0)
    closes = _at(day - timedelta(days=14), 0)
    quotas = [
        ("消费者代表", 11),
        ("经营者代表", 3),
        ("专家学者", 3),
        ("人大代表和政协委员", 4),
        ("政府有关部门代表", 4),
    ]
    fields = steps.HearingFields(
        kind=HearingKind.HEARING,
        title=f"{decision.title.removesuffix('方案')}听证会",
        subject="听取社会各界对公交普通线路票价由1元调整为1.5元、换乘优惠和特殊群体"
        "免费乘车政策的意见。",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="赤峰市政务服务中心听证室",
        seats=sum(n for _, n in quotas),
        selection_method=SelectionMethod.QUOTA,
        selection_rules="按利益方分配名额：消费者代表11名、经营者代表3名、专家学者3名、"
        "人大代表和政协委员4名、政府有关部门代表4名；各方报名超过名额的，公开抽签确定。",
        registration_opens_at=opened,
        registration_closes_at=closes,
        sides=quotas,
        **_notice(decision, "赤峰市交通运输局", "0476-8555303"),
    )
    h = steps.create_hearing(decision, fields, actor=actor, now=opened - timedelta(days=2))
    steps.announce_hearing(h, actor=actor, now=opened - timedelta(days=1))
    n = 0
    step = (closes - opened) / 60
    for side, quota in quotas:
        for _k in range(quota + (3 if side == "消费者代表" else 1)):
            n += 1
            _register(h, 100 + n, side, opened + step * n, consent=n % 4 == 0)
    steps.run_draw(h, actor=actor, now=closes + timedelta(hours=9))
    steps.publish_list(h, actor=actor, now=closes + timedelta(hours=10))
    people = svc.participants(h)
    steps.record_delivery(
        h,
        [r.id for r in people],
        DeliveryMethod.IN_PERSON,
        _at(day - timedelta(days=10), 10),
        actor=actor,
        now=_at(day - timedelta(days=10), 17),
    )
    for i, r in enumerate(people):
        steps.check_in(h, registration_id=r.id, actor=actor, now=start - timedelta(minutes=30 - i))
    steps.record_held(h, actor=actor, now=start + timedelta(hours=3))
    steps.publish_record(
        h,
        "听证会于上午9时开始。市交通运输局介绍了票价调整方案的主要内容、依据和成本监审情况；"
        "25名听证参加人依次陈述意见并进行了询问和辩论；市发展改革委就成本构成作了说明。"
        "听证会于12时结束。",
        actor=actor,
        now=start + timedelta(hours=5),
    )
    for i, r in enumerate(people):
        steps.record_confirmation(
            r,
            RecordConfirmation.SIGNED,
            "",
            actor=actor,
            now=start + timedelta(hours=5, minutes=5 + i),
        )
    steps.publish_report(
        h,
        basic_info="听证会依法公开举行，听证参加人25名全部到会，旁听公民12名，"
        "4家新闻媒体进行了采访报道。听证会按照介绍方案、陈述辩论、确认记录的程序进行。",
        main_opinions="多数参加人同意将普通线路票价调整为1.5元，认为调整幅度适中；"
        "消费者代表建议同步提升车辆准点率和服务质量，延长换乘优惠时间；"
        "经营者代表希望建立票价与成本联动的动态调整机制；"
        "部分代表建议将免费乘车范围扩大到中小学生。",
        other="建议承办单位在方案中明确服务质量考核指标，并对换乘优惠时间延长至90分钟进行测算。",
        actor=actor,
        now=start + timedelta(days=2),
    )
    return h


# -- the hearings open to the public (flask portal seed-demo) -------------------------------------

FIRST_COME_TITLE = "《赤峰市中心城区供热专项规划（2026—2035年）》听证会"


@records.seeding()
def seed_demo_hearings(now: datetime) -> int:
    """Add the demo hearings open to the public (once); return how many were added."""
    if db.session.scalar(sa.select(Hearing.id).where(Hearing.title == FIRST_COME_TITLE)):
        return 0
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    undertaker = users.get("undertaker") or "demo"
    hongshan = users.get("hongshan.office") or "demo"
    today = local_date(now)
    added = 0

    heating = _decision(HEATING)
    if heating is not None:
        # 1. first come, first served: open now, 10 seats, 3 taken
        opened = _at(today - timedelta(days=3), 0)
        fields = steps.HearingFields(
            kind=HearingKind.HEARING,
            title=FIRST_COME_TITLE,
            subject="听取社会各界对供热专项规划中清洁热源占比、老旧管网改造时序和"
            "供热质量保障措施的意见。",
            starts_at=_at(today + timedelta(days=21), 9, 30),
            ends_at=_at(today + timedelta(days=21), 12, 0),
            place="赤峰市政务服务中心三楼听证室（松山区玉龙大街）",
            seats=10,
            selection_method=SelectionMethod.FIRST_COME,
            selection_rules="按报名先后顺序确定听证参加人，名额满后进入候补名单；"
            "有人取消报名时，候补人员按报名顺序依次递补。",
            registration_opens_at=opened,
            registration_closes_at=_at(today + timedelta(days=10), 0),
            sides=[("居民用户", 0), ("供热企业", 0), ("专家学者", 0)],
            **_notice(heating, "赤峰市住房和城乡建设局", "0476-8888101"),
        )
        h = steps.create_hearing(heating, fields, actor=undertaker, now=opened - timedelta(hours=2))
        steps.announce_hearing(h, actor=undertaker, now=opened - timedelta(hours=1))
        for i, side in enumerate(["居民用户", "供热企业", "居民用户"]):
            _register(h, i + 1, side, opened + timedelta(hours=10 + 20 * i), consent=i == 0)
        added += 1

    oldtown = _decision(OLDTOWN)
    if oldtown is not None:
        # 2. a lottery with more applicants than seats; registration closed, the draw done
        opened = _at(today - timedelta(days=12), 0)
        closes = _at(today - timedelta(days=1), 0)
        fields = steps.HearingFields(
            kind=HearingKind.HEARING,
            title="《红山区老旧小区改造提升实施方案》听证会",
            subject="听取居民对改造内容分类、居民出资分担比例和表决程序的意见。",
            starts_at=_at(today + timedelta(days=12), 9, 0),
            ends_at=_at(today + timedelta(days=12), 11, 30),
            place="红山区人民政府二楼第一会议室",
            seats=5,
            selection_method=SelectionMethod.LOTTERY,
            selection_rules="报名人数超过名额时，在报名截止后公开抽签：以事先公布其SHA-256摘要的"
            "随机种子和全部报名人的公开编号计算排序，排序在前的5人入选，其余按顺序候补。",
            registration_opens_at=opened,
            registration_closes_at=closes,
            sides=[("改造小区居民", 0), ("物业服务企业", 0)],
            **_notice(oldtown, "红山区住房和城乡建设局", "0476-8333202"),
        )
        h = steps.create_hearing(oldtown, fields, actor=hongshan, now=opened - timedelta(days=1))
        steps.announce_hearing(h, actor=hongshan, now=opened - timedelta(hours=12))
        for i in range(9):
            side = "物业服务企业" if i in (2, 6) else "改造小区居民"
            _register(h, 60 + i, side, opened + timedelta(days=i, hours=9), consent=i % 3 == 0)
        steps.run_draw(h, actor=hongshan, now=closes + timedelta(hours=10))
        steps.publish_list(h, actor=hongshan, now=closes + timedelta(hours=11))
        added += 1
    db.session.commit()
    return added
