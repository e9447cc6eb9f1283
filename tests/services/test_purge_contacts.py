"""Retention of contact data (security.md: Privacy): ``flask portal purge-contacts`` deletes the
contact details of proposals answered longer ago than the retention period and keeps their text
under a pseudonym; sent e-mails (which hold addresses) go too."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.cli_privacy import PURGES, purge_sent_mail, retention_days, run_purges
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.outbox import OutboxMessage
from portal.models.proposal import Proposal, ProposalStatus
from portal.services import outbox
from portal.services import proposals as svc
from portal.services.audit import verify_chain
from tests.conftest import NOW
from tests.services.test_proposals import EMAIL, PHONE, data, dept, gov, user

DAYS = 180


def answered(days_ago: float, **overrides) -> Proposal:
    """A proposal answered ``days_ago`` days before NOW."""
    at = NOW - timedelta(days=days_ago)
    p = svc.submit_proposal(gov(), data(**overrides), now=at - timedelta(days=10))
    office = user("office")
    svc.route_proposal(p, dept("housing"), "", actor=office, now=at)
    svc.record_conclusion(p, "经研究，不宜列为决策事项。", actor=office, now=at)
    svc.answer_proposal(p, "not_adopted", "不予采纳的理由。", actor=office, now=at)
    return p


def test_contacts_of_proposals_answered_before_the_retention_period_are_deleted(demo):
    old = answered(DAYS + 1, publish_name_consent=True)
    recent = answered(DAYS - 1, title="另一条近期答复的建议")
    count = svc.purge_contacts(now=NOW, days=DAYS, actor="cli")
    assert count == 1
    assert old.contact_email == old.contact_phone == old.ip_hash == old.content_hash == ""
    assert old.proposer_name == "" and old.publish_name_consent is False
    assert old.contacts_purged_at == NOW
    assert old.title and old.content and old.reply  # the text stays
    assert old.pseudonym == f"P{old.id:06d}"
    assert recent.contact_email == EMAIL and recent.contact_phone == PHONE
    assert recent.proposer_name == "李明" and recent.contacts_purged_at is None


def test_the_retention_boundary_is_the_answer_date_plus_the_period(demo):
    p = answered(DAYS)
    assert svc.purge_contacts(now=p.answered_at + timedelta(days=DAYS), days=DAYS) == 0
    later = p.answered_at + timedelta(days=DAYS, seconds=1)
    assert svc.purge_contacts(now=later, days=DAYS) == 1


def test_unanswered_proposals_keep_their_contacts_however_old(demo):
    p = svc.submit_proposal(gov(), data(), now=NOW - timedelta(days=1000))
    assert svc.purge_contacts(now=NOW, days=DAYS) == 0
    assert p.status is ProposalStatus.RECEIVED and p.contact_email == EMAIL


def test_a_legal_persons_name_is_kept(demo):
    company = answered(DAYS + 5, proposer_type="legal_person", proposer_name="赤峰某某有限公司")
    svc.purge_contacts(now=NOW, days=DAYS)
    assert company.proposer_name == "赤峰某某有限公司"
    assert company.contact_email == "" and company.contact_phone == ""


def test_each_purge_is_audited_without_the_deleted_values_and_runs_once(demo):
    p = answered(DAYS + 10)
    svc.purge_contacts(now=NOW, days=DAYS, actor="cli")
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "proposal.contacts_purge")
    )
    assert entry.object_id == str(p.id) and entry.actor_label == "cli"
    assert EMAIL not in entry.data and PHONE not in entry.data and "李明" not in entry.data
    assert svc.purge_contacts(now=NOW, days=DAYS) == 0  # already purged
    assert verify_chain() == []


def test_dry_run_counts_and_changes_nothing(demo):
    p = answered(DAYS + 10)
    assert svc.purge_contacts(now=NOW, days=DAYS, dry_run=True) == 1
    assert p.contact_email == EMAIL and p.contacts_purged_at is None


def test_sent_mail_older_than_the_period_is_deleted_pending_mail_stays(demo):
    old_sent = outbox.enqueue("mail.send", {"to": EMAIL}, now=NOW - timedelta(days=DAYS + 2))
    old_sent.processed_at = NOW - timedelta(days=DAYS + 1)
    pending = outbox.enqueue("mail.send", {"to": EMAIL}, now=NOW - timedelta(days=DAYS + 2))
    recent = outbox.enqueue("mail.send", {"to": EMAIL}, now=NOW - timedelta(days=2))
    recent.processed_at = NOW - timedelta(days=1)
    index = outbox.enqueue("search.decision", {"id": 1}, now=NOW - timedelta(days=DAYS + 2))
    index.processed_at = NOW - timedelta(days=DAYS + 1)
    db.session.flush()
    assert purge_sent_mail(now=NOW, days=DAYS, dry_run=True) == 1
    assert purge_sent_mail(now=NOW, days=DAYS) == 1
    left = set(db.session.scalars(sa.select(OutboxMessage.id)))
    assert left == {pending.id, recent.id, index.id}


def test_purges_are_a_list_the_command_runs_in_order(demo):
    assert [name for name, _ in PURGES] == [
        "proposals",
        "opinions",
        "hearing registrations",
        "decision follows",
        "sent e-mails",
    ]
    answered(DAYS + 3)
    assert run_purges(now=NOW, days=DAYS) == [
        ("proposals", 1),
        ("opinions", 0),
        ("hearing registrations", 0),
        ("decision follows", 0),
        ("sent e-mails", 0),
    ]


def test_retention_period_defaults_to_180_days_and_is_configurable(ctx):
    assert retention_days() == 180
    ctx.config["CONTACT_RETENTION_DAYS"] = "90"
    try:
        assert retention_days() == 90
        ctx.config["CONTACT_RETENTION_DAYS"] = "-3"
        assert retention_days() == 180  # nonsense falls back to the default
    finally:
        ctx.config.pop("CONTACT_RETENTION_DAYS")


def test_cli_purge_contacts_commits_and_reports(demo, runner):
    p = answered(DAYS + 10)
    db.session.commit()
    dry = runner.invoke(args=["portal", "purge-contacts", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would purge 1 proposals (retention 180 days)." in dry.output
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).contact_email == EMAIL
    result = runner.invoke(args=["portal", "purge-contacts", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 proposals (retention 30 days)." in result.output
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).contact_email == ""
    bad = runner.invoke(args=["portal", "purge-contacts", "--days", "0"])
    assert bad.exit_code != 0
