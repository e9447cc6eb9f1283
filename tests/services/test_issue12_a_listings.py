"""Issue 12 (A) services: the document number with the publication (PROC-37a), the filing
facts (PROC-38a, A2) and the public overdue board (A41), the consultation states."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Decision, User
from portal.models.audit import AuditEntry
from portal.rules.errors import RuleViolation
from portal.services import listings, publication
from portal.services.listings import ConsultationState
from tests.conftest import NOW

PRESCHOOL = "赤峰市学前教育普惠发展三年行动计划"


def _decision(title_start: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.startswith(title_start)))


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def test_publication_records_the_document_number_and_locks_it(ctx, demo):
    d = _decision("赤峰市基本医疗保险门诊共济")  # approved, reported, not yet published
    data = publication.PublicationInput(
        date(2026, 11, 26), ("赤峰市人民政府网站",), document_number="  赤政发〔2026〕12号 "
    )
    publication.publish_decision(d, data, actor=_user("office"), now=NOW)
    db.session.commit()
    d = _decision("赤峰市基本医疗保险门诊共济")
    assert d.document_number == "赤政发〔2026〕12号"
    event = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "publication.publish")
    ).all()[-1]
    assert "赤政发〔2026〕12号" in event.data.encode().decode("unicode_escape", "ignore") or (
        "赤政发〔2026〕12号" in event.data
    )
    # PROC-39a: once published the number changes only as the office's correction
    changed = publication.PublicationInput(
        date(2026, 11, 26), ("赤峰市人民政府网站",), document_number="赤政发〔2026〕13号"
    )
    with pytest.raises(RuleViolation) as refused:
        publication.publish_decision(d, changed, actor=_user("office"), now=NOW)
    db.session.rollback()
    assert [v.rule for v in refused.value.violations] == ["PROC-39a"]
    publication.publish_decision(
        d, changed, actor=_user("office"), now=NOW, correction="文号录入有误"
    )
    db.session.commit()
    assert _decision("赤峰市基本医疗保险门诊共济").document_number == "赤政发〔2026〕13号"


def test_a_too_long_document_number_is_refused_and_nothing_is_written(ctx, demo):
    d = _decision("赤峰市基本医疗保险门诊共济")
    data = publication.PublicationInput(
        date(2026, 11, 26), ("赤峰市人民政府网站",), document_number="号" * 101
    )
    with pytest.raises(RuleViolation) as refused:
        publication.publish_decision(d, data, actor=_user("office"), now=NOW)
    db.session.rollback()
    assert [v.field for v in refused.value.violations] == ["document_number"]
    d = _decision("赤峰市基本医疗保险门诊共济")
    assert d.published_at is None and d.document_number == ""


def test_filing_facts_on_both_sides_of_the_proc_38a_due_day(ctx, demo):
    d = _decision(PRESCHOOL)  # published 17 Oct (40 days before NOW), not filed
    on_due = listings.filing_facts(d, date(2026, 11, 16))
    assert on_due.due == date(2026, 11, 16) and not on_due.overdue and on_due.overdue_days == 0
    late = listings.filing_facts(d, NOW.date())
    assert late.overdue and late.overdue_days == 10
    assert listings.filing_facts(_decision("赤峰市老城区地下管网"), date(2026, 12, 6)) is None


def test_public_overdue_board_lists_only_public_overdue_duties(ctx, demo):
    d = _decision(PRESCHOOL)
    city = d.government
    assert listings.public_overdue(city, date(2026, 11, 16)) == []
    rows = listings.public_overdue(city, date(2026, 11, 17))
    assert [(r.decision.id, r.rule, r.days) for r in rows] == [(d.id, "PROC-38a", 1)]
    # a non-disclosable decision never appears (A7), even when its filing is overdue
    d.non_disclosable = True
    db.session.flush()
    assert listings.public_overdue(city, date(2026, 11, 27)) == []
    db.session.rollback()


def test_consultation_states_and_counts(ctx, demo):
    from portal.demo_opinions import seed_demo_opinions

    seed_demo_opinions(NOW)
    db.session.commit()
    counts = listings.consultation_counts(None, NOW)
    assert counts[ConsultationState.OPEN] == 3
    rows, total = listings.list_consultations(
        ConsultationState.ANSWERED, gov=None, now=NOW, page=1, per_page=50
    )
    assert total == counts[ConsultationState.ANSWERED] == len(rows)
    assert any(r.decision.title.startswith(PRESCHOOL) and r.received == 7 for r in rows)
    assert all(r.report_published_at is not None for r in rows)
    # one row per decision even where a decision has two consultation records
    assert len({r.decision.id for r in rows}) == len(rows)
    closed, _ = listings.list_consultations(
        ConsultationState.CLOSED, gov=None, now=NOW, page=1, per_page=50
    )
    assert all(r.report_published_at is None for r in closed)
    card = listings.consultation_card(_decision("赤峰市中心城区居民生活垃圾"), NOW)
    assert card.is_open and card.received > 0
    later = datetime(2027, 6, 1, tzinfo=UTC)
    assert listings.consultation_card(_decision("赤峰市中心城区居民生活垃圾"), later).state is (
        ConsultationState.CLOSED
    )


def test_published_decisions_include_every_later_stage(ctx, demo):
    items, total = listings.published_decisions(gov=None, page=1, per_page=50)
    assert total == 6 == len(items)
    assert {str(d.stage) for d in items} == {
        "published",
        "implementation",
        "post_evaluation",
        "closed",
        "suspended",
        "terminated",
    }
    assert [d.published_at for d in items] == sorted((d.published_at for d in items), reverse=True)
    assert all(d.document_number for d in items)
    assert listings.published_decisions(gov="hongshan", page=1, per_page=50) == ([], 0)


def test_a_publication_input_without_a_number_keeps_the_recorded_one(ctx, demo):
    d = _decision(PRESCHOOL)
    number = d.document_number
    assert number
    keep = publication.PublicationInput(
        d.published_at.date(), tuple(d.publication_channels.splitlines())
    )
    publication.publish_decision(d, keep, actor=_user("office"), now=NOW, correction="核对渠道")
    db.session.commit()
    assert _decision(PRESCHOOL).document_number == number
