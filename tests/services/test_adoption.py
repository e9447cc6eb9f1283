"""Answer templates, bulk answers, the adoption report (PART-15b) and the draft-to-final diff."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion, OpinionReport
from portal.models.user import User
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import RuleViolation
from portal.services import adoption, moderation
from portal.services import decisions as decision_service
from tests.conftest import NOW


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def open_decision() -> Decision:
    return decision_service.open_consultations(NOW, limit=1)[0].decision


def published_plan() -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))


def test_a_bulk_answer_is_all_or_nothing(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    published = list(moderation.queue(decision, OpinionStatus.PUBLISHED))
    waiting = list(moderation.queue(decision, OpinionStatus.RECEIVED))
    with pytest.raises(RuleViolation) as refused:
        moderation.answer_opinions(
            published[:2] + waiting[:1],
            AdoptionStatus.NOT_ADOPTED,
            "超出本办法调整范围。",
            actor=user("urban.undertaker"),
            now=NOW,
        )
    assert refused.value.rule == ""  # issue 11: an unmoderated opinion, no article
    db.session.rollback()
    assert all(db.session.get(Opinion, o.id).response != "超出本办法调整范围。" for o in published)

    count = moderation.answer_opinions(
        published[:2],
        AdoptionStatus.NOT_ADOPTED,
        "超出本办法调整范围。",
        theme="调整范围",
        actor=user("urban.undertaker"),
        now=NOW,
    )
    # issue 12: a draft until released
    moderation.release_answers(
        decision, [o.id for o in published[:2]], actor=user("urban.undertaker"), now=NOW
    )
    db.session.commit()
    assert count == 2
    for o in published[:2]:
        row = db.session.get(Opinion, o.id)
        assert (row.adoption, row.response, row.theme) == (
            AdoptionStatus.NOT_ADOPTED,
            "超出本办法调整范围。",
            "调整范围",
        )
    audited = db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action == "opinion.answer", AuditEntry.occurred_at == NOW
        )
    )
    assert audited == 2


def test_a_bulk_answer_not_adopted_needs_the_reason(demo):
    seed_demo_opinions(NOW)
    published = list(moderation.queue(open_decision(), OpinionStatus.PUBLISHED))
    with pytest.raises(RuleViolation) as refused:
        moderation.answer_opinions(
            published,
            AdoptionStatus.PARTIALLY_ADOPTED,
            "  ",
            actor=user("urban.undertaker"),
            now=NOW,
        )
    assert refused.value.rule == "PROC-20a" and refused.value.field == "response"


def test_templates_follow_the_answer_rules_and_stay_within_their_government(demo):
    chifeng = user("undertaker").government_id
    hongshan = user("hongshan.office").government_id
    with pytest.raises(RuleViolation) as refused:
        adoption.create_template(
            chifeng, "超出范围", "not_adopted", "", actor=user("undertaker"), now=NOW
        )
    assert refused.value.rule == "PROC-20a"
    with pytest.raises(RuleViolation) as untitled:
        adoption.create_template(chifeng, " ", "adopted", "", actor=user("undertaker"), now=NOW)
    assert untitled.value.field == "title"

    template = adoption.create_template(
        chifeng,
        "已有政策",
        "not_adopted",
        "已在其他政策中安排。",
        actor=user("undertaker"),
        now=NOW,
    )
    db.session.commit()
    assert [t.title for t in adoption.active_templates(chifeng)] == ["已有政策"]
    assert adoption.active_templates(hongshan) == []
    # A form that leaves adoption and response empty takes them from the template...
    assert adoption.answer_from_form(chifeng, "", "", str(template.id)) == (
        "not_adopted",
        "已在其他政策中安排。",
    )
    # ...what the official typed wins, and another government's template is ignored.
    assert adoption.answer_from_form(chifeng, "adopted", "采纳。", str(template.id)) == (
        "adopted",
        "采纳。",
    )
    assert adoption.answer_from_form(hongshan, "", "", str(template.id)) == ("", "")
    adoption.retire_template(template, actor=user("undertaker"), now=NOW)
    db.session.commit()
    assert adoption.active_templates(chifeng) == []


def test_the_demo_report_groups_by_theme_then_clause(demo):
    seed_demo_opinions(NOW)
    data = adoption.report_data(published_plan())
    assert data.published == 6 and data.withheld == 1 and data.unanswered == 0
    themes = {t.name: t for t in data.themes}
    assert themes["公办园建设"].total == 2
    assert themes["公办园建设"].counts[AdoptionStatus.ADOPTED] == 2
    assert themes["第四条"].counts[AdoptionStatus.NOT_ADOPTED] == 1  # no theme: its clause
    assert data.counts[AdoptionStatus.ADOPTED] == 3
    assert data.counts[AdoptionStatus.PARTIALLY_ADOPTED] == 1
    assert adoption.published_report(published_plan()).summary.startswith("征求意见期间")


def test_part_15b_publishing_the_report_waits_for_the_close_and_every_answer(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    undertaker = user("urban.undertaker")  # issue 12: the decision's own unit
    adoption.save_summary(decision, "共收到意见若干条。", actor=undertaker, now=NOW)
    problems = adoption.publication_problems(decision, NOW)
    assert {p.rule for p in problems} == {"PART-15b"}
    assert len(problems) == 3  # still open, opinions awaiting moderation, opinions unanswered
    with pytest.raises(RuleViolation) as refused:
        adoption.publish_report(decision, actor=undertaker, now=NOW)
    assert refused.value.rule == "PART-15b"
    assert adoption.published_report(decision) is None

    # Once the period is over and every opinion is handled, it is published.
    closes = db.session.scalar(
        sa.select(Consultation.closes_at).where(Consultation.decision_id == decision.id)
    )
    later = closes + timedelta(days=1)
    moderator = user("moderator")
    for opinion in moderation.queue(decision, OpinionStatus.RECEIVED):
        moderation.approve_opinion(opinion, actor=moderator, now=later)
    pending = [
        o for o in moderation.queue(decision, OpinionStatus.PUBLISHED) if o.adoption == "pending"
    ]
    moderation.answer_opinions(pending, "adopted", "", actor=undertaker, now=later)
    # issue 12: drafts are not answers yet; the report waits for their release
    assert [p.message for p in adoption.publication_problems(decision, later)] == [
        "%(n)d answer(s) are still drafts: release them (or discard them) before the report "
        "is published."
    ]
    moderation.release_answers(decision, None, actor=undertaker, now=later)
    assert adoption.publication_problems(decision, closes - timedelta(seconds=1))  # not yet over
    assert adoption.publication_problems(decision, closes) == []  # the boundary itself
    report = adoption.publish_report(decision, actor=undertaker, now=later)
    db.session.commit()
    assert report.published_at == later and report.published_by_id == undertaker.id
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.action == "opinion_report.publish")
    )


def test_the_register_never_holds_contacts_or_unconsented_names(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    rows = adoption.register_rows(decision)
    flat = " ".join(str(c) for row in rows for c in row)
    for secret in ("13904761234", "li@example.cn", "13812345678", "李女士"):
        assert secret not in flat
    assert "王建国" in flat  # consented
    assert "138****5678" in flat  # the phone number inside a text is masked


def test_the_draft_to_final_comparison_of_the_published_plan(demo):
    comparison = adoption.draft_to_final(published_plan())
    assert comparison is not None
    assert comparison.draft.document.kind == "draft"
    assert comparison.final.document.kind == "decision_text"
    assert comparison.diff.changed >= 2 and comparison.diff.inserted >= 1
    # A decision still in consultation has no final text to compare with.
    assert adoption.draft_to_final(open_decision()) is None


def test_report_rows_survive_a_round_trip(demo):
    seed_demo_opinions(NOW)
    assert db.session.scalar(sa.select(sa.func.count(OpinionReport.id))) == 1
