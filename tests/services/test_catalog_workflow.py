"""CAT-12a / CAT-13a (issue 11): one review per deputy head in charge of the items concerned,
all of them before the executive meeting; the side doors (a second review, a deputy head not in
charge, a new item under another deputy head after the reviews, a review after the meeting)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Catalog, CatalogDeputyReview, Department, Government
from portal.rules.errors import RuleViolation
from portal.rules.stages import Category
from portal.services import catalog_workflow as workflow

NOW = datetime(2027, 2, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def catalog(demo) -> Catalog:
    gov = db.session.scalar(sa.select(Government).where(Government.slug == "hongshan"))
    office = "office"
    cat = workflow.open_catalog(
        gov,
        2027,
        {"solicited_on": date(2026, 11, 20), "submissions_due_on": date(2027, 1, 31)},
        actor=office,
        now=datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
    )
    workflow.close_submissions(cat, actor=office, now=datetime(2027, 2, 1, 2, tzinfo=UTC))
    unit = db.session.scalar(sa.select(Department).where(Department.government_id == gov.id))
    for title, head in (
        ("供热规划", "王副区长"),
        ("停车办法", "李副区长"),
        ("养老规划", "王副区长"),
    ):
        workflow.save_entry(
            cat,
            None,
            {
                "title": title,
                "category": Category.PUBLIC_POLICY,
                "undertaking_unit_id": unit.id,
                "schedule": "2027年内",
                "deputy_head": head,
            },
            actor=office,
            now=NOW,
        )
    db.session.flush()
    return cat


def review(cat, head, on=date(2027, 2, 15), opinion="同意", **kw):
    return workflow.record_deputy_review(
        cat, workflow.DeputyReviewInput(head, on, opinion, **kw), actor="office", now=NOW
    )


def meeting(cat, on=date(2027, 2, 18)):
    workflow.record_executive_meeting(cat, on, "区政府常务会议", actor="office", now=NOW)


def test_each_deputy_head_in_charge_reviews_once_and_the_meeting_waits_for_all(catalog):
    assert workflow.heads_in_charge(catalog) == ["王副区长", "李副区长"]
    review(catalog, "王副区长", items_changed="增加养老规划的评估安排", office_study="已研究")
    assert catalog.phase == "office_review" and catalog.deputy_head_reviewed_on is None
    with pytest.raises(RuleViolation) as refused:
        meeting(catalog)
    assert [v.rule for v in refused.value.violations] == ["CAT-13a"]
    assert "李副区长" in refused.value.params["names"]
    assert catalog.executive_meeting_on is None
    review(catalog, "李副区长", on=date(2027, 2, 16))
    assert catalog.phase == "executive_meeting"
    assert catalog.deputy_head_reviewed_on == date(2027, 2, 16)  # the last of them
    meeting(catalog)
    assert catalog.phase == "party_consent"
    audits = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action == "catalog.deputy_head_review")
    ).all()
    assert len(audits) == 2


def test_a_second_review_and_a_deputy_not_in_charge_are_refused_and_nothing_is_saved(catalog):
    review(catalog, "王副区长")
    for head in ("王副区长", "张副区长", ""):
        with pytest.raises(RuleViolation) as refused:
            review(catalog, head, opinion="再次审核")
        assert refused.value.rule == "CAT-12a", head
    rows = db.session.scalars(sa.select(CatalogDeputyReview)).all()
    assert [(r.deputy_head, r.opinion) for r in rows] == [("王副区长", "同意")]


def test_a_new_item_under_another_deputy_head_needs_that_review_too(catalog):
    review(catalog, "王副区长")
    review(catalog, "李副区长")
    assert catalog.phase == "executive_meeting"
    unit = catalog.entries[0].undertaking_unit_id
    workflow.save_entry(
        catalog,
        None,
        {
            "title": "文化遗址保护规划",
            "category": Category.RESOURCE_POLICY,
            "undertaking_unit_id": unit,
            "schedule": "2027年内",
            "deputy_head": "赵副区长",
        },
        actor="office",
        now=NOW,
    )
    assert catalog.phase == "office_review"
    with pytest.raises(RuleViolation) as refused:
        meeting(catalog)
    assert refused.value.rule == "CAT-13a" and "赵副区长" in refused.value.params["names"]
    review(catalog, "赵副区长")
    meeting(catalog)
    assert catalog.phase == "party_consent"


def test_an_item_without_its_deputy_head_and_unstudied_proposals_block_the_meeting(catalog):
    review(catalog, "王副区长", items_changed="建议增加一项")
    review(catalog, "李副区长")
    catalog.entries[0].deputy_head = ""  # a direct edit around the service
    db.session.flush()
    with pytest.raises(RuleViolation) as refused:
        meeting(catalog)
    assert [v.rule for v in refused.value.violations] == ["CAT-12a", "CAT-12a"]
    catalog.entries[0].deputy_head = "王副区长"
    db.session.flush()
    first = catalog.deputy_reviews[0]
    workflow.record_office_study(first, "已研究，暂不增加", actor="office", now=NOW)
    with pytest.raises(RuleViolation):  # recorded once
        workflow.record_office_study(first, "改为增加", actor="office", now=NOW)
    meeting(catalog)


def test_no_review_after_the_executive_meeting(catalog):
    review(catalog, "王副区长")
    review(catalog, "李副区长")
    meeting(catalog)
    with pytest.raises(RuleViolation) as refused:
        review(catalog, "王副区长", opinion="补充意见")
    assert refused.value.rule == "CAT-13a"
