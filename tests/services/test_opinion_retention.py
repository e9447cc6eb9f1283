"""Contact details of opinions are deleted after the procedure ends and the retention period
passes; the text stays under its pseudonym (security.md, PIPL art. 19)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.services.opinions import purge_opinion_contacts
from tests.conftest import NOW


def plan_opinions() -> tuple[Decision, list[Opinion]]:
    plan = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
    opinions = db.session.scalars(sa.select(Opinion).where(Opinion.decision_id == plan.id)).all()
    return plan, list(opinions)


def test_contacts_are_kept_during_retention_and_deleted_after(demo):
    seed_demo_opinions(NOW)
    plan, opinions = plan_opinions()
    for o in opinions:
        o.contact_email, o.contact_phone = "someone@example.cn", "13900001111"
    db.session.commit()
    closes = db.session.scalar(
        sa.select(Consultation.closes_at).where(Consultation.decision_id == plan.id)
    )
    # One second before the period is over: nothing is touched.
    assert (
        purge_opinion_contacts(now=closes + timedelta(days=90, seconds=-1), retention_days=90) == 0
    )
    assert purge_opinion_contacts(now=closes + timedelta(days=90), retention_days=90) == 7
    db.session.commit()
    _, opinions = plan_opinions()
    assert all(o.contact_email == "" and o.contact_phone == "" for o in opinions)
    assert all(o.body for o in opinions)  # the text stays
    names = {o.display_name for o in opinions}
    assert "刘女士" in names  # consented to publication: kept
    assert all(o.display_name == "" for o in opinions if not o.publish_name_consent)
    audit_row = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "opinion.purge_contacts")
    )
    assert audit_row is not None and audit_row.object_id == str(plan.id)
    # Purged once only.
    assert purge_opinion_contacts(now=closes + timedelta(days=400), retention_days=90) == 0


def test_open_procedures_keep_their_contacts(demo):
    seed_demo_opinions(NOW)
    purge_opinion_contacts(now=NOW + timedelta(days=3650), retention_days=90)
    db.session.commit()
    kept = db.session.scalar(sa.select(Opinion).where(Opinion.contact_email == "li@example.cn"))
    assert kept is not None and kept.contacts_purged_at is None  # still in consultation


def test_the_purge_command_includes_opinions_and_dry_run_changes_nothing(demo, runner):
    seed_demo_opinions(NOW)
    for o in plan_opinions()[1]:
        o.contact_email = "someone@example.cn"
    db.session.commit()
    from portal import clock

    clock.freeze(NOW + timedelta(days=3650))
    try:
        dry = runner.invoke(args=["portal", "purge-contacts", "--days", "90", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        db.session.expire_all()
        assert all(o.contact_email for o in plan_opinions()[1])
        done = runner.invoke(args=["portal", "purge-contacts", "--days", "90"])
        assert done.exit_code == 0, done.output
    finally:
        clock.freeze(NOW)
    assert "opinions" in done.output
    db.session.expire_all()
    assert not any(o.contact_email for o in plan_opinions()[1])
