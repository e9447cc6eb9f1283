"""Public proposals (PROC-11b(4), PROC-11c, CAT-7b): receiving, idempotency, duplicates, the
register's scope and overdue list, routing, study, answer and the demo data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.demo_proposals import seed_demo_proposals
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.org import Department, Government
from portal.models.outbox import OutboxMessage
from portal.models.proposal import (
    Proposal,
    ProposalKind,
    ProposalOutcome,
    ProposalStatus,
    ProposerType,
)
from portal.models.user import User
from portal.rules.errors import RuleViolation
from portal.services import proposals as svc
from portal.services.proposals import ProposalInput
from tests.conftest import NOW

TITLE = "关于在中心城区增设夜间公交线路的建议"
CONTENT = "中心城区晚间21时后公交停运，夜班职工出行困难，建议开通两条夜间公交线路。"
EMAIL = "proposer.private@example.cn"
PHONE = "13912340000"


def data(**overrides) -> ProposalInput:
    values = {
        "proposer_type": "citizen",
        "proposer_name": "李明",
        "title": TITLE,
        "content": CONTENT,
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "processing_consent": True,
    }
    values.update(overrides)
    return ProposalInput(**values)


def gov(slug: str = "chifeng") -> Government:
    return db.session.scalar(sa.select(Government).where(Government.slug == slug))


def dept(slug: str, gov_slug: str = "chifeng") -> Department:
    return db.session.scalar(
        sa.select(Department)
        .join(Government)
        .where(Government.slug == gov_slug, Department.slug == slug)
    )


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def count(model=Proposal) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def mails() -> list[dict]:
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send"))
    return [json.loads(m.payload) for m in rows]


def submit(**overrides) -> Proposal:
    return svc.submit_proposal(gov(), data(**overrides), now=NOW, ip="203.0.113.7")


# -- receiving -----------------------------------------------------------------------------------


def test_submit_stores_a_received_proposal_with_receipt_due_date_and_consent(demo):
    p = submit()
    assert p.status is ProposalStatus.RECEIVED and p.kind is ProposalKind.NEW_ITEM
    assert p.proposer_type is ProposerType.CITIZEN and p.proposer_name == "李明"
    assert len(p.receipt_code) == 12 and not set(p.receipt_code) & set("01OIL")
    assert p.reply_due_at == NOW + timedelta(days=30)  # the default reply period
    assert p.consented_at == NOW and p.consent_version
    assert p.publish_name_consent is False  # only with the separate box
    assert len(p.ip_hash) == 64 and "203.0.113.7" not in p.ip_hash
    assert p.government.slug == "chifeng"


def test_receipt_is_audited_without_personal_data_and_mailed_when_an_email_is_given(demo):
    p = submit()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposal.receive"))
    assert entry.object_type == "proposals" and entry.object_id == str(p.id)
    assert entry.government_id == gov().id
    for secret in (EMAIL, PHONE, "李明"):
        assert secret not in entry.data
    (mail,) = mails()
    assert mail["to"] == EMAIL and p.receipt_code in mail["subject"] + mail["body"]
    submit(title="另一条建议：增设社区食堂", contact_email="")
    assert len(mails()) == 1  # phone only: nothing to mail


def test_reply_period_is_configurable(demo, ctx):
    ctx.config["PROPOSAL_REPLY_DAYS"] = 15
    try:
        assert submit().reply_due_at == NOW + timedelta(days=15)
    finally:
        ctx.config.pop("PROPOSAL_REPLY_DAYS")


def test_submit_does_not_commit(demo):
    submit()
    db.session.rollback()
    assert count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   \u200b  "}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"content": "太短"}, "content"),
        ({"content": "很" * 5001}, "content"),
        ({"reasons": "理" * 5001}, "reasons"),
        ({"proposer_name": ""}, "proposer_name"),
        ({"proposer_type": "robot"}, "proposer_type"),
        ({"contact_email": "", "contact_phone": ""}, "contact_email"),
        ({"contact_phone": "１３９１２３４００００"}, "contact_phone"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"processing_consent": False}, "processing_consent"),
        ({"kind": "catalog_item"}, "catalog_year"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(demo, overrides, field):
    with pytest.raises(RuleViolation) as exc:
        submit(**overrides)
    assert exc.value.field == field
    assert count() == 0 and not mails()
    assert count(AuditEntry) == db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action != "proposal.receive")
    )


def test_check_input_lists_every_problem_at_once(demo):
    _, problems = svc.check_input(
        data(title="", content="", contact_email="", contact_phone="", processing_consent=False)
    )
    assert {p.field for p in problems} == {
        "title",
        "content",
        "contact_email",
        "processing_consent",
    }


def test_markup_is_kept_as_plain_text_after_nfkc(demo):
    p = submit(
        title="＜ｓｃｒｉｐｔ＞alert(1)＜/ｓｃｒｉｐｔ＞建议", proposer_name="\u2066王\u2069五"
    )
    assert p.title == "<script>alert(1)</script>建议"
    assert p.proposer_name == "王五"


def test_cat_7b_catalog_proposal_carries_its_year(demo):
    p = submit(kind="catalog_item", catalog_year=2027)
    assert p.kind is ProposalKind.CATALOG_ITEM and p.catalog_year == 2027
    with pytest.raises(RuleViolation) as exc:
        submit(title="另一条目录建议", kind="catalog_item", catalog_year=1999)
    assert exc.value.rule == "CAT-7b"
    assert submit(title="普通建议不带年份", catalog_year=2027).catalog_year is None


def test_same_idempotency_key_returns_the_first_proposal(demo):
    first = svc.submit_proposal(gov(), data(), now=NOW, idempotency_key="form:k1")
    again = svc.submit_proposal(
        gov(), data(content=CONTENT + "（补充）"), now=NOW, idempotency_key="form:k1"
    )
    assert again.id == first.id and count() == 1
    with pytest.raises(RuleViolation) as exc:
        svc.submit_proposal(gov(), data(), now=NOW, idempotency_key="键" * 3)
    assert exc.value.field == "idempotency_key"


def test_identical_submission_within_24_hours_returns_the_first(demo):
    first = submit()
    assert svc.submit_proposal(gov(), data(), now=NOW + timedelta(hours=23)).id == first.id
    later = svc.submit_proposal(gov(), data(), now=NOW + timedelta(hours=24, seconds=1))
    assert later.id != first.id
    other_gov = svc.submit_proposal(gov("hongshan"), data(), now=NOW)
    assert other_gov.id not in (first.id, later.id)
    assert count() == 3


def test_lookup_finds_only_that_code(demo):
    p = submit()
    assert svc.lookup_proposal(p.receipt_code.lower()).id == p.id
    assert svc.lookup_proposal(p.receipt_code[:4] + "-" + p.receipt_code[4:]).id == p.id
    assert svc.lookup_proposal("") is None
    assert svc.lookup_proposal("A" * 12) is None
    assert svc.lookup_proposal("' OR 1=1 --") is None


# -- handling ------------------------------------------------------------------------------------


def test_routing_to_a_department_of_the_government(demo):
    p = submit()
    office = user("office")
    with pytest.raises(RuleViolation) as exc:
        svc.route_proposal(p, dept("housing", "hongshan"), "", actor=office, now=NOW)
    assert exc.value.rule == "PROC-11b" and p.status is ProposalStatus.RECEIVED
    svc.route_proposal(p, dept("housing"), "请研究", actor=office, now=NOW)
    assert p.status is ProposalStatus.ROUTED and p.studying_unit.slug == "housing"
    assert p.routed_by_id == office.id and p.routing_note == "请研究"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposal.route"))
    assert entry.object_id == str(p.id) and '"status":"routed"' in entry.data


def test_proc_11c_no_answer_before_the_study_conclusion(demo):
    p = submit()
    office, unit = user("office"), user("undertaker")
    svc.route_proposal(p, dept("housing"), "", actor=office, now=NOW)
    svc.start_study(p, actor=unit, now=NOW)
    assert p.status is ProposalStatus.UNDER_STUDY
    with pytest.raises(RuleViolation) as exc:
        svc.answer_proposal(p, "not_adopted", "不予采纳，理由如下。", actor=office, now=NOW)
    assert exc.value.rule == "PROC-11c" and p.status is ProposalStatus.UNDER_STUDY
    svc.record_conclusion(p, "经研究，建议具有可行性。", actor=unit, now=NOW)
    svc.answer_proposal(p, "not_adopted", "不予采纳，理由如下。", actor=office, now=NOW)
    assert p.status is ProposalStatus.ANSWERED and p.outcome is ProposalOutcome.NOT_ADOPTED
    assert p.answered_by_id == office.id and p.reply == "不予采纳，理由如下。"
    reply = mails()[-1]
    assert reply["to"] == EMAIL and "不予采纳，理由如下。" in reply["body"]
    with pytest.raises(RuleViolation):
        svc.answer_proposal(p, "adopted_as_item", "再次答复的内容", actor=office, now=NOW)


def test_answer_validates_outcome_reply_and_catalog_year(demo):
    p = submit()
    office = user("office")
    svc.route_proposal(p, dept("housing"), "", actor=office, now=NOW)
    svc.record_conclusion(p, "经研究，可列入目录。", actor=office, now=NOW)
    for outcome, reply, field in [
        ("maybe", "答复内容足够长", "outcome"),
        ("not_adopted", "  ", "reply"),
        ("included_in_catalog", "列入下一年度目录", "catalog_year"),
    ]:
        with pytest.raises(RuleViolation) as exc:
            svc.answer_proposal(p, outcome, reply, actor=office, now=NOW)
        assert exc.value.field == field
    svc.answer_proposal(
        p, "included_in_catalog", "列入下一年度目录", catalog_year=2027, actor=office, now=NOW
    )
    assert p.catalog_year == 2027 and p.outcome is ProposalOutcome.INCLUDED_IN_CATALOG


def test_link_decision_only_for_an_adopted_proposal_and_the_same_government(demo):
    p = submit()
    office = user("office")
    own = db.session.scalar(sa.select(Decision).where(Decision.government_id == gov().id))
    other = db.session.scalar(
        sa.select(Decision).where(Decision.government_id == gov("hongshan").id)
    )
    with pytest.raises(RuleViolation) as exc:
        svc.link_decision(p, own, actor=office, now=NOW)
    assert exc.value.rule == "PROC-11c"
    svc.route_proposal(p, dept("housing"), "", actor=office, now=NOW)
    svc.record_conclusion(p, "建议启动决策程序。", actor=office, now=NOW)
    svc.answer_proposal(p, "adopted_as_item", "已决定启动决策程序。", actor=office, now=NOW)
    with pytest.raises(RuleViolation):
        svc.link_decision(p, other, actor=office, now=NOW)
    svc.link_decision(p, own, actor=office, now=NOW)
    assert p.decision_id == own.id
    assert svc.proposals_of_decision(own) == [p]


def test_register_scope_office_sees_its_government_a_unit_what_was_routed_to_it(demo):
    chifeng = submit()
    hongshan = svc.submit_proposal(gov("hongshan"), data(), now=NOW)
    office, unit, county = user("office"), user("undertaker"), user("hongshan.office")
    assert [p.id for p in svc.register(office, now=NOW)[0]] == [chifeng.id]
    assert [p.id for p in svc.register(county, now=NOW)[0]] == [hongshan.id]
    assert svc.register(unit, now=NOW)[0] == []
    assert svc.register(user("moderator"), now=NOW)[0] == []
    assert not svc.can_view(unit, chifeng) and not svc.can_view(county, chifeng)
    svc.route_proposal(chifeng, dept("housing"), "", actor=office, now=NOW)
    assert [p.id for p in svc.register(unit, now=NOW)[0]] == [chifeng.id]
    assert svc.can_study(unit, chifeng) and not svc.can_manage(unit, chifeng)
    svc.route_proposal(chifeng, dept("transport"), "", actor=office, now=NOW)
    assert svc.register(unit, now=NOW)[0] == []  # re-routed elsewhere


def test_overdue_after_the_reply_period_until_answered(demo):
    p = submit()
    office = user("office")
    due = p.reply_due_at
    assert not svc.is_overdue(p, due)
    assert svc.is_overdue(p, due + timedelta(seconds=1))
    assert svc.register(office, now=due, overdue=True)[1] == 0
    assert svc.register(office, now=due + timedelta(seconds=1), overdue=True)[1] == 1
    assert svc.register_counts(office, now=due + timedelta(days=1))["overdue"] == 1
    svc.route_proposal(p, dept("housing"), "", actor=office, now=NOW)
    svc.record_conclusion(p, "经研究不予采纳。", actor=office, now=NOW)
    svc.answer_proposal(p, "not_adopted", "不予采纳的理由。", actor=office, now=NOW)
    assert not svc.is_overdue(p, due + timedelta(days=1))
    assert svc.register(office, now=due + timedelta(days=1), overdue=True)[1] == 0


def test_demo_proposals_cover_every_state_once(demo):
    assert seed_demo_proposals(NOW) == 8
    assert seed_demo_proposals(NOW) == 0
    rows = db.session.scalars(sa.select(Proposal)).all()
    assert {p.status for p in rows} == set(ProposalStatus)
    assert {p.outcome for p in rows if p.outcome} == set(ProposalOutcome)
    assert {p.government.slug for p in rows} == {"chifeng", "hongshan"}
    assert any(p.kind is ProposalKind.CATALOG_ITEM for p in rows)
    assert any(svc.is_overdue(p, NOW) for p in rows)
    adopted = next(p for p in rows if p.outcome is ProposalOutcome.ADOPTED_AS_ITEM)
    assert adopted.decision is not None and adopted.decision.government_id == adopted.government_id
