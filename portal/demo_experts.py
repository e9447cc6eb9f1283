"""Demo expert pool of the city (EXP): members in all seven groups, through the real services.

Most members are appointed (preliminary review, approval, certificate, pledge) about a year
ago; the finance group has fewer than five active members, so the pool shows the EXP-5b warning.
Also: one applicant awaiting review, one member without a pledge (EXP-10a), one whose term has
ended (EXP-11a), one dismissed (EXP-12b), one with a declared interest in the housing bureau's
decisions (EXP-10b), unit feedback and assessments (EXP-19a). Every step is audited.
Idempotent: does nothing when the city already has these members.

The members who sat on the demo decisions' expert panels are created earlier, by the decision
loader (``portal.demo``, through :func:`panel_member`): a decision's pool members come only
from the pool's selection (EXP-13a), so the pool record exists before the review.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.expert_pool import Expert
from portal.models.org import Department, Government
from portal.models.user import User
from portal.rules.experts import Qualification
from portal.rules.workdays import local_date
from portal.services import expert_pool as pool
from portal.services import records

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "建国", "淑芬", "志强", "海燕", "文博", "晓东", "丽华", "国庆", "春梅", "明远",
    "秀英", "立新", "静怡", "永胜", "红霞", "德明", "雪松", "振华", "玉兰", "子涵",
]  # fmt: skip
ORGS = {
    "economic_development": ("内蒙古大学经济管理学院", "education_research", "教授"),
    "social_governance": ("赤峰学院法学院", "education_research", "教授"),
    "urban_rural_construction": ("赤峰市城乡规划设计研究院", "industry_authority", "正高级工程师"),
    "ecology_environment": ("内蒙古环境科学研究院", "education_research", "研究员"),
    "sci_tech_innovation": ("赤峰市科技创新促进中心", "social_organization", "正高级工程师"),
    "finance_securities": ("赤峰市金融学会", "industry_association_chamber", "高级经济师"),
    "law_based_administration": ("赤峰市律师协会", "industry_association_chamber", "一级律师"),
}  # fmt: skip
# Members per group; finance stays below the EXP-5b minimum of five active members.
SIZES = {
    "economic_development": 6,
    "social_governance": 6,
    "urban_rural_construction": 9,
    "ecology_environment": 6,
    "sci_tech_innovation": 5,
    "finance_securities": 4,
    "law_based_administration": 6,
}
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def demo_id_number(n: int, born: date) -> str:
    """A resident ID number with a valid check character (fictional: area code 150404)."""
    body = f"150404{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _W, strict=True)) % 11]


@records.seeding()
def seed_demo_experts(now: datetime) -> int:
    city = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    if city is None:
        return 0
    mine = sa.select(Expert.id).where(
        Expert.government_id == city.id, Expert.phone.like("1390476%")
    )
    if db.session.scalar(mine.limit(1)):
        return 0
    actor = db.session.scalar(sa.select(User).where(User.username == "office")) or "seed-demo"
    today = local_date(now)
    groups = {g.code: g for g in pool.ensure_groups()}
    appointed_on = today - timedelta(days=400)
    qualifications = [q.value for q in Qualification]
    created: list[Expert] = []
    n = 0
    for code, size in SIZES.items():
        org, org_type, title = ORGS[code]
        for i in range(size):
            n += 1
            name = SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN[(n * 3 + i) % len(GIVEN)]
            expert = pool.add_expert(
                city,
                {
                    "name": name,
                    "organisation": org,
                    "position": "",
                    "source_org_type": org_type,
                    "nomination_channel": (
                        "organization_recommendation",
                        "self_application",
                        "targeted_invitation",
                    )[n % 3],
                    "professional_title": title,
                    "title_level": "senior",
                    "influence_justification": "",
                    "specialty": groups[code].name,
                    "phone": f"1390476{n:04d}",
                    "id_number": demo_id_number(n, date(1965 + n % 25, 1 + n % 12, 1 + n % 27)),
                    "email": "",
                    "group_ids": [groups[code].id]
                    + (
                        [groups["law_based_administration"].id]
                        if code == "social_governance" and i == 0
                        else []
                    ),
                },
                actor=actor,
                now=now,
            )
            created.append(expert)
            if code == "finance_securities" and i == 3:
                continue  # an applicant awaiting the preliminary review
            start = (
                appointed_on
                if not (code == "ecology_environment" and i == 5)
                else (
                    today - timedelta(days=3 * 366 + 20)  # term ended (EXP-11a)
                )
            )
            pool.record_preliminary_review(
                expert, start - timedelta(days=30), qualifications, actor=actor, now=now
            )
            pool.record_approval(
                expert, start - timedelta(days=10), "赤政办字〔专家库〕1号", actor=actor, now=now
            )
            pool.issue_certificate(expert, start, f"CFZJ-{n:04d}", actor=actor, now=now)
            if not (code == "sci_tech_innovation" and i == 4):  # one pledge missing (EXP-10a)
                pool.record_pledge(expert, start, actor=actor, now=now)
            if code == "economic_development" and i == 5:
                pool.dismiss_expert(
                    expert,
                    "voluntary_withdrawal",
                    "本人申请退出。",
                    today - timedelta(days=20),
                    actor=actor,
                    now=now,
                )
    housing = db.session.scalar(
        sa.select(Department).where(
            Department.government_id == city.id, Department.slug == "housing"
        )
    )
    urban = [e for e in created if groups["urban_rural_construction"] in e.groups]
    if housing is not None and urban:
        pool.declare_conflict(
            urban[0],
            decision=None,
            department=housing,
            description="受聘担任市住建局常年技术顾问。",
            on=today - timedelta(days=60),
            actor=actor,
            now=now,
        )
        for expert, rating in zip(urban[1:4], ("good", "good", "adequate"), strict=False):
            pool.record_feedback(
                expert,
                department=housing,
                decision=None,
                rating=rating,
                comment="按时提交书面论证意见，意见具体。"
                if rating == "good"
                else "意见较为原则。",
                on=today - timedelta(days=30),
                actor=actor,
                now=now,
            )
    for expert in urban[1:3]:
        pool.record_assessment(
            expert,
            today.year - 1,
            "passed",
            "参加论证2次，意见质量较高。",
            actor=actor,
            now=now,
        )
    db.session.commit()
    return len(created)


# -- the members of the demo decisions' panels (created by portal.demo) ---------------------------

# Group of each panel member of ``portal.demo.EXPERT_POOL`` (EXP-5a).
PANEL_GROUPS = {
    "王建国": "economic_development",
    "李淑芬": "ecology_environment",
    "张志强": "urban_rural_construction",
    "刘海燕": "urban_rural_construction",
    "陈立新": "social_governance",
    "杨文军": "law_based_administration",
    "赵红梅": "economic_development",
    "孙宝林": "urban_rural_construction",
    "周晓东": "ecology_environment",
    "吴丽华": "law_based_administration",
    "郑国庆": "finance_securities",
    "冯雅琴": "social_governance",
}
# EXP-8b / EXP-11a: appointed 2 years before the demo is loaded, so every demo review (the
# oldest about a year back, the next one in a few days) falls inside their first term.
PANEL_APPOINTED_DAYS_AGO = 730


def panel_member(city: Government, name: str, organisation: str, *, now: datetime, actor):
    """The pool member ``name`` of ``organisation`` (created, appointed and pledged once)."""
    found = db.session.scalar(
        sa.select(Expert).where(
            Expert.government_id == city.id,
            Expert.name == name,
            Expert.organisation == organisation,
        )
    )
    if found is not None:
        return found
    actor = actor or "seed-demo"
    groups = {g.code: g for g in pool.ensure_groups()}
    n = len(PANEL_GROUPS) + list(PANEL_GROUPS).index(name) if name in PANEL_GROUPS else 99
    appointed = local_date(now) - timedelta(days=PANEL_APPOINTED_DAYS_AGO)
    expert = pool.add_expert(
        city,
        {
            "name": name,
            "organisation": organisation,
            "position": "",
            "source_org_type": "education_research",
            "nomination_channel": "organization_recommendation",
            "professional_title": "教授",
            "title_level": "senior",
            "influence_justification": "",
            "specialty": groups[PANEL_GROUPS.get(name, "social_governance")].name,
            "phone": f"1390477{n:04d}",
            "id_number": demo_id_number(500 + n, date(1962 + n % 20, 1 + n % 12, 1 + n % 27)),
            "email": "",
            "group_ids": [groups[PANEL_GROUPS.get(name, "social_governance")].id],
        },
        actor=actor,
        now=now,
    )
    pool.record_preliminary_review(
        expert,
        appointed - timedelta(days=30),
        [q.value for q in Qualification],
        actor=actor,
        now=now,
    )
    pool.record_approval(
        expert, appointed - timedelta(days=10), "赤政办字〔专家库〕1号", actor=actor, now=now
    )
    pool.issue_certificate(expert, appointed, f"CFZJ-P{n:03d}", actor=actor, now=now)
    pool.record_pledge(expert, appointed, actor=actor, now=now)  # EXP-10a
    return expert
