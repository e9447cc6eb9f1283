"""Issue 12 (d): who answers opinions, and answers drafted, previewed and released together.

Undertaking staff answer only the opinions of decisions their own unit undertakes (PART-15b);
the government office may answer on any decision of its government. An answer is first a draft,
never public; releasing the drafts of a decision makes them public together and dates them. The
adoption report counts a draft as unanswered and waits for its release.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.models.org import Department
from portal.models.outbox import OutboxMessage
from portal.models.user import User
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import RuleViolation
from portal.services import adoption, moderation
from portal.services import decisions as decision_service
from tests.conftest import NOW

LATER = NOW + timedelta(hours=2)


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def waste_decision() -> Decision:
    """The open consultation with most demo opinions (urban management bureau's)."""
    return decision_service.open_consultations(NOW, limit=1)[0].decision


def heating_decision() -> Decision:
    return db.session.scalar(
        sa.select(Decision).where(Decision.title.startswith("赤峰市中心城区供热"))
    )


def unanswered(decision: Decision) -> list[Opinion]:
    return list(moderation.queue(decision, moderation.UNANSWERED))


def answer_state(opinions) -> list[tuple]:
    db.session.expire_all()
    return [
        (o.adoption, o.response, o.theme, o.answered_at, o.drafted_at, o.draft_response)
        for o in (db.session.get(Opinion, op.id) for op in opinions)
    ]


def audits(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == action)
    )


# -- who answers -----------------------------------------------------------------------------------


def test_staff_of_another_unit_cannot_answer_and_nothing_changes(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    targets = unanswered(waste)
    before = answer_state(targets)
    drafted_before = audits("opinion.answer_draft")
    housing = user("undertaker")  # 市住建局: not the waste plan's unit (市城管局)
    with pytest.raises(RuleViolation) as refused:
        moderation.answer_opinion(targets[0], "adopted", "", actor=housing, now=NOW)
    assert refused.value.rule == "PART-15b"
    assert "your unit does not undertake it" in refused.value.message
    with pytest.raises(RuleViolation):
        moderation.answer_opinions(targets, "not_adopted", "理由。", actor=housing, now=NOW)
    db.session.rollback()
    assert answer_state(targets) == before
    assert audits("opinion.answer_draft") == drafted_before


def test_a_batch_mixing_an_own_and_another_units_opinion_is_refused_whole(demo):
    seed_demo_opinions(NOW)
    own = unanswered(heating_decision())[0]
    other = unanswered(waste_decision())[0]
    before = answer_state([own, other])
    with pytest.raises(RuleViolation) as refused:
        moderation.answer_opinions([own, other], "adopted", "", actor=user("undertaker"), now=NOW)
    assert refused.value.rule == "PART-15b"
    db.session.rollback()
    assert answer_state([own, other]) == before


def test_another_government_never_answers_and_the_office_answers_its_own(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    op = unanswered(waste)[0]
    for name in ("hongshan.undertaker", "hongshan.office", "moderator", "admin", "reviewer"):
        with pytest.raises(RuleViolation) as refused:
            moderation.answer_opinion(op, "adopted", "", actor=user(name), now=NOW)
        assert refused.value.rule == "PART-15b", name
        assert not moderation.may_answer(user(name), waste)
    db.session.rollback()
    # The government office guides participation (PART-3a): any decision of its government.
    assert moderation.may_answer(user("office"), waste)
    moderation.answer_opinion(op, "adopted", "", actor=user("office"), now=NOW)
    assert op.has_draft


def test_a_co_undertaking_unit_answers_too(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    housing = db.session.scalar(
        sa.select(Department).where(
            Department.government_id == waste.government_id, Department.slug == "housing"
        )
    )
    assert not moderation.may_answer(user("undertaker"), waste)
    waste.co_units.append(housing)  # PROC-12a: a further undertaking unit
    db.session.flush()
    assert moderation.may_answer(user("undertaker"), waste)


def test_release_discard_and_the_report_are_refused_to_another_unit(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    op = unanswered(waste)[0]
    moderation.answer_opinion(op, "adopted", "", actor=user("urban.undertaker"), now=NOW)
    db.session.commit()
    housing = user("undertaker")
    for call in (
        lambda: moderation.release_answers(waste, [op.id], actor=housing, now=LATER),
        lambda: moderation.release_answers(waste, None, actor=housing, now=LATER),
        lambda: moderation.discard_drafts(waste, [op.id], actor=housing, now=LATER),
        lambda: adoption.save_summary(waste, "总结。", actor=housing, now=LATER),
        lambda: adoption.publish_report(waste, actor=housing, now=LATER),
    ):
        with pytest.raises(RuleViolation) as refused:
            call()
        assert refused.value.rule == "PART-15b"
        db.session.rollback()
    db.session.expire_all()
    assert op.has_draft and op.adoption is AdoptionStatus.PENDING
    assert adoption.report_of(waste) is None


# -- drafts are never public -----------------------------------------------------------------------


def test_a_draft_answer_changes_nothing_the_public_reads(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    staff = user("urban.undertaker")
    op = unanswered(waste)[0]
    counts = moderation.adoption_counts(waste)
    data = adoption.report_data(waste)
    outbox_before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    audited = (audits("opinion.answer_draft"), audits("opinion.answer"))
    moderation.answer_opinion(
        op, "partially_adopted", "草稿：部分采纳。", theme="草稿主题", actor=staff, now=NOW
    )
    db.session.commit()
    db.session.expire_all()
    # the draft is kept apart from the public answer
    assert (op.draft_adoption, op.draft_response, op.draft_theme) == (
        AdoptionStatus.PARTIALLY_ADOPTED,
        "草稿：部分采纳。",
        "草稿主题",
    )
    assert op.drafted_at == NOW and op.drafted_by_id == staff.id
    assert (op.adoption, op.response, op.theme, op.answered_at) == (
        AdoptionStatus.PENDING,
        "",
        "",
        None,
    )
    # the public page's counts, the report and the search index see nothing of it
    assert moderation.adoption_counts(waste) == counts
    assert adoption.report_data(waste).counts == data.counts
    items, _total = moderation.published_page(waste, page=1, per_page=100)
    assert all("草稿" not in (o.response + o.theme) for o in items)
    new_events = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id).offset(outbox_before)
    ).all()
    assert not [m for m in new_events if m.topic == "search.opinion"]
    assert (audits("opinion.answer_draft"), audits("opinion.answer")) == (
        audited[0] + 1,
        audited[1],
    )


def test_release_makes_the_drafts_public_together_and_dates_them(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    drafter, releaser = user("urban.undertaker"), user("office")
    audited = (audits("opinion.answer"), audits("opinion.answer_release"))
    first, second = unanswered(waste)[:2]
    moderation.answer_opinion(first, "adopted", "", actor=drafter, now=NOW)
    moderation.answer_opinion(second, "not_adopted", "超出范围。", actor=drafter, now=NOW)
    assert moderation.draft_count(waste) == 2
    # only the selected one (ids of other decisions' opinions are ignored)
    other = unanswered(heating_decision())[0]
    assert moderation.release_answers(waste, [first.id, other.id], actor=releaser, now=LATER) == 1
    db.session.commit()
    db.session.expire_all()
    assert first.adoption is AdoptionStatus.ADOPTED and not first.has_draft
    assert first.answered_at == LATER  # the moment it became public
    assert first.answered_by_id == drafter.id and first.released_by_id == releaser.id
    assert second.has_draft and second.response == ""
    assert other.adoption is AdoptionStatus.PENDING  # untouched
    # then all that remain
    assert moderation.release_answers(waste, None, actor=drafter, now=LATER) == 1
    db.session.commit()
    assert second.response == "超出范围。" and second.answered_at == LATER
    assert moderation.draft_count(waste) == 0
    events = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.topic == "search.opinion")
    ).all()
    released = {json.loads(m.payload)["id"] for m in events if m.created_at == LATER}
    assert released == {first.id, second.id}
    assert (audits("opinion.answer"), audits("opinion.answer_release")) == (
        audited[0] + 2,
        audited[1] + 2,
    )
    # nothing left to release
    with pytest.raises(RuleViolation) as refused:
        moderation.release_answers(waste, None, actor=drafter, now=LATER)
    assert refused.value.field == "ids"


def test_a_discarded_draft_leaves_the_public_answer_as_it_was(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    staff = user("urban.undertaker")
    answered = next(
        o
        for o in moderation.queue(waste, OpinionStatus.PUBLISHED)
        if o.adoption is not AdoptionStatus.PENDING
    )
    before = (answered.adoption, answered.response, answered.answered_at)
    moderation.answer_opinion(answered, "not_adopted", "改主意了。", actor=staff, now=NOW)
    assert moderation.preview(answered, LATER).response == "改主意了。"
    assert (answered.adoption, answered.response, answered.answered_at) == before
    assert moderation.discard_drafts(waste, [answered.id], actor=staff, now=LATER) == 1
    db.session.commit()
    assert not answered.has_draft
    assert (answered.adoption, answered.response, answered.answered_at) == before


def test_existing_answers_count_as_released(demo):
    seed_demo_opinions(NOW)
    plan = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
    answered = db.session.scalars(
        sa.select(Opinion).where(
            Opinion.decision_id == plan.id, Opinion.status == OpinionStatus.PUBLISHED
        )
    ).all()
    assert answered and all(o.adoption is not AdoptionStatus.PENDING for o in answered)
    assert all(not o.has_draft and o.answered_at and o.released_by_id for o in answered)
    assert adoption.published_report(plan) is not None
    assert moderation.draft_count(plan) == 0


# -- the adoption report waits for the drafts ------------------------------------------------------


def test_the_report_counts_drafts_as_unanswered_and_waits_for_their_release(demo):
    seed_demo_opinions(NOW)
    waste = waste_decision()
    staff = user("urban.undertaker")
    closes = db.session.scalar(
        sa.select(Consultation.closes_at).where(Consultation.decision_id == waste.id)
    )
    after = closes + timedelta(days=1)
    for op in moderation.queue(waste, OpinionStatus.RECEIVED):
        moderation.approve_opinion(op, actor=user("moderator"), now=after)
    pending = unanswered(waste)
    moderation.answer_opinions(pending, "adopted", "", actor=staff, now=after)
    adoption.save_summary(waste, "共收到意见12条。", actor=staff, now=after)
    assert adoption.report_data(waste).unanswered == len(
        [o for o in pending if o.status is OpinionStatus.PUBLISHED]
    )
    problems = adoption.publication_problems(waste, after)
    assert [p.rule for p in problems] == ["PART-15b"]
    assert "drafts" in problems[0].message
    with pytest.raises(RuleViolation) as refused:
        adoption.publish_report(waste, actor=staff, now=after)
    assert refused.value.rule == "PART-15b"
    assert adoption.published_report(waste) is None
    moderation.release_answers(waste, None, actor=staff, now=after)
    assert adoption.publication_problems(waste, after) == []
    assert adoption.publish_report(waste, actor=staff, now=after).published_at == after


def test_a_correction_after_the_report_is_drafted_with_its_reason_and_applied_on_release(demo):
    seed_demo_opinions(NOW)
    plan = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
    staff = user("education.undertaker")
    op = db.session.scalar(
        sa.select(Opinion).where(
            Opinion.decision_id == plan.id,
            Opinion.status == OpinionStatus.PUBLISHED,
            Opinion.adoption == AdoptionStatus.NOT_ADOPTED,
        )
    )
    original = (op.response, op.answered_at)
    with pytest.raises(RuleViolation) as refused:  # locked: the reason is asked at once
        moderation.answer_opinion(op, "adopted", "", actor=staff, now=NOW)
    assert refused.value.rule == "PROC-39a"
    db.session.rollback()
    moderation.answer_opinion(op, "adopted", "", actor=staff, now=NOW, correction="复核。")
    assert op.response == original[0]  # still the published answer
    moderation.release_answers(plan, [op.id], actor=staff, now=LATER)
    db.session.commit()
    assert op.adoption is AdoptionStatus.ADOPTED and op.response == ""
    assert op.answered_at == original[1]  # a correction keeps the original answer's time
    assert audits("opinion.answer.correction") == 1


# -- the draft-to-final view by article ------------------------------------------------------------


def test_article_numbers_and_citations():
    assert adoption.article_number("三") == 3
    assert adoption.article_number("十二") == 12
    assert adoption.article_number("二十") == 20
    assert adoption.article_number("一百零五") == 105
    assert adoption.article_number("12") == 12
    assert adoption.cited_articles("已采纳，新增第五条；第二条增加。第十一条") == {5, 2, 11}
    assert adoption.cited_articles("不涉及条款") == set()


def test_each_changed_article_lists_the_opinions_whose_answers_cite_it(demo):
    seed_demo_opinions(NOW)
    plan = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
    _comparison, blocks = adoption.changes_with_opinions(plan)
    changed = {b.anchor: b for b in blocks if b.anchor}
    assert set(changed) == {"article-2", "article-3", "article-5"}
    by = {a: {o.clause or o.response for o in b.opinions} for a, b in changed.items()}
    assert by["article-2"] == {"第二条"}  # two opinions on the draft's article 2
    assert len(changed["article-2"].opinions) == 2
    assert by["article-3"] == {"第三条"}
    assert by["article-5"] == {"已采纳，新增第五条建立学前教育资助制度。"}  # cited by the answer
    # and the way back, from each opinion
    opinions = db.session.scalars(sa.select(Opinion).where(Opinion.decision_id == plan.id)).all()
    links = adoption.opinion_change_links(plan, opinions)
    unchanged = next(o for o in opinions if o.clause == "第四条")
    assert unchanged.id not in links  # article 4 did not change
    assert {b.anchor for o in opinions if o.clause == "第二条" for b in links[o.id]} == {
        "article-2"
    }
