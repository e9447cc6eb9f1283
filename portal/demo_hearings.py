"""Demo hearings and symposiums (issue 5), on the demo decisions in public participation.

* a first-come hearing on the heating plan, open for registration, 10 seats, 3 taken;
* a lottery hearing on Hongshan's old residential areas with more applicants than seats, the
  draw done and its data published;
* the public-transport fares hearing, held three weeks into participation, with its quota draw,
  participant list, confirmed record and published report (linked to the existing stage record);
* an upcoming symposium on the heating plan, by invitation (linked to its planned record).

Every step goes through ``portal.services.hearings`` / ``hearing_steps`` at the time it would
have happened, so it is audited like a real one. ``seed_demo_hearings`` does nothing when a
hearing already exists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.hearing import Hearing
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.rules.enums import ParticipationMethod
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


def _activity(decision: Decision, method: ParticipationMethod) -> ParticipationActivity | None:
    return db.session.scalar(
        sa.select(ParticipationActivity)
        .where(
            ParticipationActivity.decision_id == decision.id,
            ParticipationActivity.method == method,
        )
        .order_by(ParticipationActivity.id)
        .limit(1)
    )


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


@records.seeding()
def seed_demo_hearings(now: datetime) -> int:
    """Add the demo hearings (once); return how many were added."""
    if db.session.scalar(sa.select(Hearing.id).limit(1)):
        return 0
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    undertaker = users.get("undertaker") or "demo"
    hongshan = users.get("hongshan.office") or "demo"
    office = users.get("office") or "demo"
    today = local_date(now)
    added = 0

    heating = _decision(HEATING)
    if heating is not None:
        # 1. first come, first served: open now, 10 seats, 3 taken
        opened = _at(today - timedelta(days=3), 0)
        fields = steps.HearingFields(
            kind=HearingKind.HEARING,
            title="《赤峰市中心城区供热专项规划（2026—2035年）》听证会",
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

        # 4. an upcoming symposium by invitation, on the planned symposium record
        planned = _activity(heating, ParticipationMethod.SYMPOSIUM)
        if planned is not None and not planned.held:
            when = _at(planned.held_on, 14, 30)
            fields = steps.HearingFields(
                kind=HearingKind.SYMPOSIUM,
                title=planned.title,
                subject="围绕供热规划征求意见稿，听取人大代表、政协委员和居民、企业代表的意见。",
                starts_at=when,
                ends_at=when + timedelta(hours=2),
                place=planned.place or "市住建局三楼会议室",
                seats=planned.participants or 20,
                selection_method=SelectionMethod.INVITATION,
                selection_rules="由承办单位邀请人大代表、政协委员和居民、供热企业代表参加，"
                "兼顾不同区域和利益方。",
                sides=[("人大代表", 0), ("政协委员", 0), ("居民代表", 0), ("供热企业代表", 0)],
                **_notice(heating, "赤峰市住房和城乡建设局", "0476-8888101"),
            )
            s = steps.create_hearing(
                heating, fields, actor=undertaker, now=now - timedelta(days=2), activity=planned
            )
            steps.announce_hearing(s, actor=undertaker, now=now - timedelta(days=2))
            for i, (side, reason) in enumerate(
                [
                    ("人大代表", "市人大代表，长期关注城市供热问题。"),
                    ("政协委员", "市政协委员，提出过清洁供暖相关提案。"),
                    ("居民代表", "松山区老旧小区居民，所在小区冬季室温长期不达标。"),
                    ("居民代表", "红山区新建小区业主委员会代表。"),
                    ("供热企业代表", "中心城区主要供热企业负责人。"),
                ]
            ):
                name, phone = _person(40 + i)
                steps.invite_participant(
                    s,
                    name=name,
                    side_name=side,
                    reason=reason,
                    contact_phone=phone,
                    publish_name_consent=i < 2,
                    actor=undertaker,
                    now=now - timedelta(days=1, hours=i),
                )
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

    fares = _decision(FARES)
    held = _activity(fares, ParticipationMethod.HEARING) if fares is not None else None
    if fares is not None and held is not None:
        # 3. the fares hearing that was held: quota draw, list, record, report
        day = held.held_on
        start = _at(day, 9, 0)
        opened = _at(day - timedelta(days=30), 0)
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
            title=held.title,
            subject="听取社会各界对公交普通线路票价由1元调整为1.5元、换乘优惠和特殊群体"
            "免费乘车政策的意见。",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place=held.place or "赤峰市政务服务中心听证室",
            seats=sum(n for _, n in quotas),
            selection_method=SelectionMethod.QUOTA,
            selection_rules="按利益方分配名额：消费者代表11名、经营者代表3名、专家学者3名、"
            "人大代表和政协委员4名、政府有关部门代表4名；各方报名超过名额的，公开抽签确定。",
            registration_opens_at=opened,
            registration_closes_at=closes,
            sides=quotas,
            **_notice(fares, "赤峰市交通运输局", "0476-8555303"),
        )
        h = steps.create_hearing(
            fares, fields, actor=office, now=opened - timedelta(days=2), activity=held
        )
        steps.announce_hearing(h, actor=office, now=opened - timedelta(days=1))
        n = 0
        for side, quota in quotas:
            for _k in range(quota + (3 if side == "消费者代表" else 1)):
                n += 1
                _register(h, 100 + n, side, opened + timedelta(hours=7 * n), consent=n % 4 == 0)
        steps.run_draw(h, actor=office, now=closes + timedelta(hours=9))
        steps.publish_list(h, actor=office, now=closes + timedelta(hours=10))
        people = svc.participants(h)
        steps.record_delivery(
            h,
            [r.id for r in people],
            DeliveryMethod.IN_PERSON,
            _at(day - timedelta(days=10), 10),
            actor=office,
            now=_at(day - timedelta(days=10), 17),
        )
        for i, r in enumerate(people):
            steps.check_in(
                h, registration_id=r.id, actor=office, now=start - timedelta(minutes=30 - i)
            )
        steps.record_held(h, actor=office, now=start + timedelta(hours=3))
        steps.publish_record(
            h,
            "听证会于上午9时开始。市交通运输局介绍了票价调整方案的主要内容、依据和成本监审情况；"
            "25名听证参加人依次陈述意见并进行了询问和辩论；市发展改革委就成本构成作了说明。"
            "听证会于12时结束。",
            actor=office,
            now=start + timedelta(hours=5),
        )
        for i, r in enumerate(people):
            steps.record_confirmation(
                r,
                RecordConfirmation.SIGNED,
                "",
                actor=office,
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
            actor=office,
            now=start + timedelta(days=2),
        )
        added += 1
    db.session.commit()
    return added
