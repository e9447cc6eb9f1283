"""submit_opinion / lookup_opinion: window, validation, idempotency, duplicates, outbox."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.models.outbox import OutboxMessage
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import RuleViolation
from portal.services import opinions as svc
from portal.services.opinions import OpinionInput
from tests.conftest import NOW

OPEN_TITLE = "赤峰市中心城区供热专项规划（2026—2035年）"
BODY = "建议在老旧小区供热管网改造中优先安排二级管网更新。"


def open_decision() -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == OPEN_TITLE))


def closed_decision() -> Decision:
    for c in db.session.scalars(sa.select(Consultation).where(Consultation.closes_at <= NOW)):
        latest = db.session.scalar(
            sa.select(Consultation)
            .where(Consultation.decision_id == c.decision_id)
            .order_by(Consultation.opens_at.desc())
            .limit(1)
        )
        if latest.closes_at <= NOW and not c.decision.non_disclosable:
            return c.decision
    raise AssertionError("demo has no closed consultation")


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Opinion))


def test_submit_opinion_stores_a_received_pending_opinion_with_a_readable_receipt(demo):
    d = open_decision()
    op = svc.submit_opinion(
        d,
        OpinionInput(body=BODY, contact_phone="13800001234", display_name="王先生"),
        now=NOW,
        ip="203.0.113.9",
    )
    assert op.status == OpinionStatus.RECEIVED
    assert op.adoption == AdoptionStatus.PENDING
    assert len(op.receipt_code) == 12
    assert set(op.receipt_code) <= set(svc.RECEIPT_ALPHABET)
    assert not set(op.receipt_code) & set("01OIL")
    assert op.contact_phone == "13800001234"
    assert op.publish_name_consent is False  # not ticked: the name stays private (A39)
    assert op.consent_version == svc.PRIVACY_NOTICE_VERSION and op.consented_at == NOW
    assert op.ip_hash and "203.0.113.9" not in op.ip_hash
    assert len(op.ip_hash) == 64


def test_submit_opinion_does_not_commit(demo):
    svc.submit_opinion(open_decision(), OpinionInput(body=BODY), now=NOW)
    db.session.rollback()
    assert count() == 0


def test_proc_17b_closed_consultation_refused(demo):
    with pytest.raises(RuleViolation) as exc:
        svc.submit_opinion(closed_decision(), OpinionInput(body=BODY), now=NOW)
    assert exc.value.rule == "PROC-17b"
    assert count() == 0


def test_proc_17b_refused_once_the_open_consultation_has_closed(demo):
    d = open_decision()
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == d.id))
    with pytest.raises(RuleViolation) as exc:
        svc.submit_opinion(d, OpinionInput(body=BODY), now=c.closes_at)
    assert exc.value.rule == "PROC-17b"


def test_proc_16a_non_disclosable_refused(demo):
    d = open_decision()
    d.non_disclosable = True
    with pytest.raises(RuleViolation) as exc:
        svc.submit_opinion(d, OpinionInput(body=BODY), now=NOW)
    assert exc.value.rule == "PROC-16a"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (OpinionInput(body="   \u200b\u200b   "), "body"),
        (OpinionInput(body="好\u200b的"), "body"),
        (OpinionInput(body="很" * 5001), "body"),
        (OpinionInput(body=BODY, contact_phone="１３８００００１２３４"), "contact_phone"),
        (OpinionInput(body=BODY, contact_phone="12345"), "contact_phone"),
        (OpinionInput(body=BODY, contact_email="not-an-email"), "contact_email"),
        (OpinionInput(body=BODY, display_name="名" * 61), "display_name"),
    ],
)
def test_invalid_input_raises_a_field_error(demo, data, field):
    with pytest.raises(RuleViolation) as exc:
        svc.submit_opinion(open_decision(), data, now=NOW)
    assert exc.value.field == field
    assert exc.value.rule == ""


@pytest.mark.parametrize("phone", ["13800001234", "0476-8888888", "04768888888", "+8613912345678"])
def test_mainland_mobile_and_landline_numbers_accepted(demo, phone):
    op = svc.submit_opinion(open_decision(), OpinionInput(body=BODY, contact_phone=phone), now=NOW)
    assert op.contact_phone.isascii()


def test_body_is_nfkc_normalised_and_invisible_characters_stripped(demo):
    op = svc.submit_opinion(
        open_decision(),
        OpinionInput(
            body="＜ｓｃｒｉｐｔ＞建议\u202e增加\u200b公交线路", display_name="\u2066张\u2069三"
        ),
        now=NOW,
    )
    assert op.body == "<script>建议增加公交线路"
    assert op.display_name == "张三"


def test_same_idempotency_key_returns_the_first_opinion(demo):
    d = open_decision()
    first = svc.submit_opinion(d, OpinionInput(body=BODY), now=NOW, idempotency_key="k-1")
    again = svc.submit_opinion(
        d, OpinionInput(body=BODY + "（修改）"), now=NOW, idempotency_key="k-1"
    )
    assert again.id == first.id
    assert count() == 1


def test_identical_submission_within_24_hours_returns_the_first_opinion(demo):
    d = open_decision()
    data = OpinionInput(body=BODY, contact_email="li@example.cn")
    first = svc.submit_opinion(d, data, now=NOW)
    again = svc.submit_opinion(
        d, OpinionInput(body=" " + BODY + "\u200b", contact_email="li@example.cn"), now=NOW
    )
    assert again.id == first.id
    later = svc.submit_opinion(d, data, now=NOW + timedelta(hours=24, seconds=1))
    assert later.id != first.id
    other_contact = svc.submit_opinion(
        d, OpinionInput(body=BODY, contact_email="x@example.cn"), now=NOW
    )
    assert other_contact.id != first.id


def test_receipt_mailed_through_the_outbox_only_when_an_email_is_given(demo):
    d = open_decision()
    svc.submit_opinion(d, OpinionInput(body=BODY, contact_phone="13800001234"), now=NOW)
    assert (
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send")).all()
        == []
    )
    op = svc.submit_opinion(d, OpinionInput(body=BODY, contact_email="li@example.cn"), now=NOW)
    (msg,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send")
    ).all()
    payload = json.loads(msg.payload)
    assert payload["to"] == "li@example.cn"
    assert op.receipt_code in payload["body"]


def test_lookup_opinion_finds_only_that_code(demo):
    d = open_decision()
    a = svc.submit_opinion(d, OpinionInput(body=BODY), now=NOW)
    b = svc.submit_opinion(d, OpinionInput(body=BODY + "另外"), now=NOW)
    assert svc.lookup_opinion(a.receipt_code).id == a.id
    assert svc.lookup_opinion(b.receipt_code.lower()).id == b.id
    assert svc.lookup_opinion("") is None
    assert svc.lookup_opinion("ZZZZZZZZZZZZ") is None
    assert svc.lookup_opinion("' OR 1=1 --") is None
