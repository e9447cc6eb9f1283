"""Moderation and answers: masking on publication, withholding with a reason, campaign
grouping, adoption with reasons (PROC-20a), all audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.demo_opinions import CAMPAIGN, seed_demo_opinions
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.opinion import Opinion
from portal.models.user import User
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import RuleViolation
from portal.services import audit, moderation
from portal.services import decisions as decision_service
from tests.conftest import NOW


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def open_decision():
    return decision_service.open_consultations(NOW, limit=1)[0].decision


def received(decision) -> list[Opinion]:
    return list(moderation.queue(decision, OpinionStatus.RECEIVED))


def test_the_demo_opinions_cover_every_state(demo):
    # 12 on the consultation closing first, 3 on each other open one, 7 on the published plan
    assert seed_demo_opinions(NOW) == 25
    assert seed_demo_opinions(NOW) == 0  # once only
    decision = open_decision()
    counts = moderation.status_counts(decision)
    assert counts[OpinionStatus.RECEIVED] >= 4
    assert counts[OpinionStatus.PUBLISHED] >= 5
    assert counts[OpinionStatus.WITHHELD] >= 3
    adoption = moderation.adoption_counts(decision)
    assert all(adoption[a] >= 1 for a in AdoptionStatus)
    withheld = moderation.withheld_counts(decision)
    assert withheld[WithholdReason.ADVERTISING] == 1 and withheld[WithholdReason.ABUSIVE] == 1
    assert not audit.verify_chain()


def test_a_phone_number_in_the_text_is_masked_when_published(demo):
    seed_demo_opinions(NOW)
    op = db.session.scalar(sa.select(Opinion).where(Opinion.body.contains("13812345678")))
    assert op.status is OpinionStatus.PUBLISHED
    assert "13812345678" not in op.published_body
    assert "138****5678" in op.published_body


def test_approving_publishes_the_masked_text_and_is_audited(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    op = received(decision)[0]
    op.body = "请联系 139-1234-5678 或身份证11010519491231002X 核实。"
    moderation.approve_opinion(op, actor=user("moderator"), now=NOW, ip="10.0.0.1")
    assert op.status is OpinionStatus.PUBLISHED
    assert op.published_body == "请联系 139-****-5678 或身份证110***********002X 核实。"
    assert op.moderated_by_id == user("moderator").id and op.moderated_at == NOW
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert entry.action == "opinion.approve" and entry.actor_label == "moderator"
    assert f"opinions:{op.id}" in entry.data


def test_withholding_needs_a_known_reason(demo):
    seed_demo_opinions(NOW)
    op = received(open_decision())[0]
    with pytest.raises(RuleViolation):
        moderation.withhold_opinion(op, "because", actor=user("moderator"), now=NOW)
    moderation.withhold_opinion(op, "duplicate", actor=user("moderator"), now=NOW)
    assert op.status is OpinionStatus.WITHHELD
    assert op.withheld_reason is WithholdReason.DUPLICATE
    assert op.published_body == ""


def test_identical_and_near_identical_opinions_form_one_group(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    groups = moderation.groups(decision)
    assert len(groups) == 1
    assert groups[0].count == 3 and groups[0].received == 3
    assert CAMPAIGN[:10] in groups[0].first.body


def test_near_identical_means_jaccard_at_least_0_9():
    a = moderation.shingles(CAMPAIGN)
    assert moderation.jaccard(a, moderation.shingles(CAMPAIGN + "谢谢")) >= 0.9
    other = moderation.shingles("建议对参与改造的施工企业实行信用评价，质量不合格的列入黑名单。")
    assert moderation.jaccard(a, other) < 0.9
    assert moderation.text_hash("反对，重新选址！") == moderation.text_hash("反对 重新选址。")


def test_bulk_moderation_of_a_group(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    key = moderation.groups(decision)[0].key
    targets = moderation.queue(decision, group_key=key)
    n = moderation.moderate_opinions(
        targets, "withhold", reason="duplicate", actor=user("moderator"), now=NOW
    )
    assert n == 3
    assert moderation.withheld_counts(decision)[WithholdReason.DUPLICATE] == 3


def test_answers_need_moderation_first_and_a_reason_unless_adopted(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    staff = user("urban.undertaker")  # issue 12: the decision's own unit answers
    waiting = received(decision)[0]
    with pytest.raises(RuleViolation) as refused:
        moderation.answer_opinion(waiting, "adopted", "", actor=staff, now=NOW)
    # issue 11: moderation before the answer is the portal's order, no article names it
    assert refused.value.rule == ""
    published = moderation.queue(decision, OpinionStatus.PUBLISHED)[-1]
    with pytest.raises(RuleViolation) as refused:
        moderation.answer_opinion(published, "not_adopted", "  ", actor=staff, now=NOW)
    assert refused.value.field == "response"
    moderation.answer_opinion(published, "adopted", "", actor=staff, now=NOW)
    withheld = moderation.queue(decision, OpinionStatus.WITHHELD)[0]
    moderation.answer_opinion(withheld, "not_adopted", "与本决策无关。", actor=staff, now=NOW)
    # issue 12: drafts until released together
    assert published.adoption is AdoptionStatus.PENDING and withheld.response == ""
    moderation.release_answers(decision, [published.id, withheld.id], actor=staff, now=NOW)
    assert published.adoption is AdoptionStatus.ADOPTED
    assert published.answered_by_id == staff.id
    assert withheld.response == "与本决策无关。"


def test_names_are_public_only_with_consent(demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    names = {moderation.public_name(op) for op in moderation.queue(decision)}
    assert "王建国" in names
    assert "李女士" not in names  # gave a name without consent
