"""Demo of the annual catalog workflow: next year's city catalog in solicitation (CAT-7, CAT-8).

The city office opened the solicitation a few days ago with the public invited to suggest
items (CAT-7b); two departments have submitted items with their legality review (CAT-8c).
Everything goes through ``portal.services.catalog_workflow`` and is audited. Idempotent: does
nothing when the city's catalog for next year exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.catalog import Catalog
from portal.models.org import Department, Government
from portal.models.user import User
from portal.rules.catalog import submissions_due
from portal.rules.stages import Category
from portal.rules.workdays import local_date
from portal.services import catalog_workflow as workflow
from portal.services import records

SUBMISSIONS = [
    (
        "housing",
        "{year}年赤峰市老旧小区改造实施方案",
        Category.PUBLIC_CONSTRUCTION_PROJECT,
        "{year}年第二季度启动，第四季度提请决策",
        "对中心城区2000年前建成的老旧小区实施综合改造。",
    ),
    (
        "education",
        "赤峰市学前教育第三期行动计划（{year}—{end}年）",
        Category.DEVELOPMENT_PLAN,
        "{year}年第一季度启动，第三季度提请决策",
        "扩大普惠性学前教育资源，提高保教质量。",
    ),
]


@records.seeding()
def seed_demo_catalog(now: datetime) -> int:
    city = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    if city is None:
        return 0
    today = local_date(now)
    year = today.year + 1
    if db.session.scalar(
        sa.select(Catalog.id).where(Catalog.government_id == city.id, Catalog.year == year)
    ):
        return 0
    office = db.session.scalar(sa.select(User).where(User.username == "office")) or "seed-demo"
    catalog = workflow.open_catalog(
        city,
        year,
        {
            "solicited_on": today - timedelta(days=5),
            "submissions_due_on": submissions_due(year),
            "solicitation_ref": f"赤政办发〔{today.year}〕征集单第12号",
            "solicitation_recipients": "市政府各部门、各直属机构",
            "public_suggestions_until": min(submissions_due(year), today + timedelta(days=30)),
        },
        actor=office,
        now=now,
    )
    depts = {
        d.slug: d
        for d in db.session.scalars(
            sa.select(Department).where(Department.government_id == city.id)
        )
    }
    submitter = db.session.scalar(sa.select(User).where(User.username == "undertaker")) or office
    for slug, title, category, schedule, summary in SUBMISSIONS:
        workflow.submit_item(
            catalog,
            depts[slug],
            {
                "title": title.format(year=year, end=year + 2),
                "category": category,
                "schedule": schedule.format(year=year),
                "summary": summary,
                "basis": "",
                "legality_review_passed": True,
                "legality_review_on": today - timedelta(days=2),
                "legality_review_ref": f"{depts[slug].name}法审〔{today.year}〕3号",
                "scope_confirmed": True,
            },
            actor=submitter,
            now=now,
        )
    db.session.commit()
    return 1
