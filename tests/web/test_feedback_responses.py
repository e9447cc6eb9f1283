"""PART-19b: the government's responses to public concerns during execution. The undertaking
unit answers a feedback item, or several similar ones, with a published response; it shows on
the decision's feedback page, the dossier, the feed and each item's status page; a change is a
correction with its reason (shown publicly); contacts and unconsented names never appear."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.correction import Correction
from portal.models.decision import Decision
from portal.models.evaluation import FeedbackResponse, PublicFeedback
from portal.models.outbox import OutboxMessage
from portal.models.user import User
from portal.services import evaluation as service
from portal.services.opinions import OpinionInput
from tests.conftest import NOW, login, text_of

PARKING = "赤峰市城区停车设施建设和管理办法"  # in implementation: feedback under PROC-42b
SITE = "赤峰市红山文化遗址保护利用规划"  # the demo's answered and corrected concerns
CONCERN = "小区周边停车位严重不足，夜间违停很多，希望尽快增建公共停车场。"
EMAIL = "wang.private@example.cn"
PHONE = "13904763333"
NAME = "王先生"
ANSWER = "市住建局已将老城区三处公共停车场列入2027年建设计划，建成前将增设夜间临时停车泊位。"


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def parking() -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == PARKING))


def concern(d: Decision, body: str = CONCERN, *, publish: bool = True, **contact) -> PublicFeedback:
    item = service.submit_feedback(
        d, OpinionInput(body=body, display_name=NAME, **contact), now=NOW
    )
    if publish:
        service.moderate_feedback([item], "approve", actor=user("moderator"), now=NOW)
    db.session.commit()
    return item


@pytest.fixture
def seeded(demo):
    from portal.demo_supervision import seed_demo_supervision

    seed_demo_supervision(NOW)
    return parking()


def respond(client, d: Decision, ids, body: str = ANSWER, **extra):
    return client.post(
        f"/admin/decisions/{d.id}/feedback/respond", data={"ids": ids, "body": body, **extra}
    )


def responses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackResponse))


def test_the_unit_answers_two_similar_concerns_with_one_published_response(client, seeded):
    d = seeded
    a = concern(d, contact_email=EMAIL, contact_phone=PHONE)
    b = concern(d, CONCERN + "！")
    before = responses()
    login(client, "undertaker")
    page = client.get(f"/admin/decisions/{d.id}/feedback")
    assert page.status_code == 200 and "回应社会关切" in text_of(page)
    response = respond(client, d, [a.id, b.id])
    assert response.status_code == 302
    assert responses() == before + 1
    db.session.expire_all()
    assert a.response_id == b.response_id is not None
    assert a.response.body == ANSWER and a.response.published_at == NOW
    actions = set(db.session.scalars(sa.select(AuditEntry.action)).all())
    assert {"feedback.respond", "feedback.answered"} <= actions
    # the person who left an e-mail address is told; nobody else
    mails = [
        json.loads(m.payload)
        for m in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send")
        )
    ]
    assert [m["to"] for m in mails if ANSWER in m["body"]] == [EMAIL]
    client.post("/admin/logout")
    # public: the feedback page, the dossier, the status page of the receipt code, the feed
    listing = client.get(f"/decisions/{d.id}/feedback")
    text = text_of(listing)
    assert ANSWER in text and "答复2条意见" in text
    assert "政府已回应此意见" in text
    dossier = text_of(client.get(f"/decisions/{d.id}"))
    assert ANSWER in dossier
    status = text_of(client.get(f"/feedback/status?receipt_code={a.receipt_code}"))
    assert ANSWER in status
    feed = client.get(f"/feeds/decisions/{d.id}.atom").get_data(as_text=True)
    assert "回应社会关切" in feed and ANSWER[:20] in feed
    for page_text in (listing.get_data(as_text=True), feed, client.get("/").get_data(True)):
        for secret in (EMAIL, PHONE, NAME):
            assert secret not in page_text


def test_a_whole_group_of_identical_concerns_is_answered_together(client, seeded):
    d = seeded
    items = [concern(d) for _ in range(1)] + [
        concern(d, CONCERN, contact_phone=f"1390476000{i}") for i in range(2)
    ]
    h = items[0].text_hash
    assert {i.text_hash for i in items} == {h}  # computed on submission
    login(client, "undertaker")
    page = client.get(f"/admin/decisions/{d.id}/feedback?similar={h}")
    assert "3条内容相同" in text_of(client.get(f"/admin/decisions/{d.id}/feedback"))
    assert page.status_code == 200
    response = client.post(
        f"/admin/decisions/{d.id}/feedback/respond", data={"similar": h, "body": ANSWER}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert len({i.response_id for i in items}) == 1 and items[0].response_id is not None


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("", "PART-19b"),  # no response at all
        ("请拨打13904769999联系经办人。", "A39"),  # a mobile number in a public text
    ],
)
def test_a_response_that_says_nothing_or_shows_personal_data_is_refused(client, seeded, body, rule):
    d = seeded
    a = concern(d)
    before = responses()
    login(client, "undertaker")
    refused = respond(client, d, [a.id], body)
    assert refused.status_code == 422 and rule in text_of(refused)
    db.session.expire_all()
    assert responses() == before and a.response_id is None


def test_a_response_with_the_government_office_landline_is_fine(client, seeded):
    d = seeded
    a = concern(d)
    login(client, "undertaker")
    assert respond(client, d, [a.id], ANSWER + "咨询电话：0476-8331234。").status_code == 302


def test_feedback_awaiting_moderation_is_not_answered(client, seeded):
    d = seeded
    waiting = concern(d, publish=False)
    login(client, "undertaker")
    refused = respond(client, d, [waiting.id])
    assert refused.status_code == 422 and "请先审核再答复" in text_of(refused)
    assert respond(client, d, []).status_code == 422
    db.session.expire_all()
    assert waiting.response_id is None


def test_an_answered_concern_is_not_answered_again_in_place(client, seeded):
    d = seeded
    a = concern(d)
    login(client, "undertaker")
    assert respond(client, d, [a.id]).status_code == 302
    db.session.expire_all()
    first = a.response_id
    again = respond(client, d, [a.id], "另一份答复，试图替换原答复。")
    assert again.status_code == 422 and "PROC-39a" in text_of(again)
    db.session.expire_all()
    assert a.response_id == first
    assert responses() == db.session.scalar(sa.select(sa.func.count(FeedbackResponse.id)))


def test_a_published_response_changes_only_as_a_correction_with_its_reason(client, seeded):
    d = seeded
    a = concern(d)
    login(client, "undertaker")
    assert respond(client, d, [a.id]).status_code == 302
    db.session.expire_all()
    r = a.response
    url = f"/admin/decisions/{d.id}/feedback/responses/{r.id}/correct"
    corrected = ANSWER.replace("2027年", "2028年")
    # no reason: refused, nothing changes
    refused = client.post(url, data={"body": corrected, "correction_reason": ""})
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    db.session.expire_all()
    assert r.body == ANSWER
    # with its reason: the new text is public and the correction is shown next to it
    ok = client.post(url, data={"body": corrected, "correction_reason": "建设计划调整。"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert r.body == corrected
    row = db.session.scalar(
        sa.select(Correction).where(
            Correction.record_type == "feedback_responses", Correction.record_id == r.id
        )
    )
    assert row.public and row.changes["body"] == [ANSWER, corrected]
    client.post("/admin/logout")
    listing = text_of(client.get(f"/decisions/{d.id}/feedback"))
    assert corrected in listing and "建设计划调整" in listing
    dossier = text_of(client.get(f"/decisions/{d.id}"))
    assert "建设计划调整" in dossier  # the dossier's corrections section


def test_only_the_undertaking_unit_responds_and_corrects(client, seeded):
    d = seeded
    a = concern(d)
    for name in ("moderator", "office", "supervisor"):
        login(client, name)
        assert respond(client, d, [a.id]).status_code == 403
        client.post("/admin/logout")
    login(client, "hongshan.office")
    assert respond(client, d, [a.id]).status_code == 403
    db.session.expire_all()
    assert a.response_id is None


def test_nothing_is_published_for_a_decision_not_to_be_disclosed(client, seeded):
    d = seeded
    a = concern(d)
    d.non_disclosable = True
    db.session.commit()
    login(client, "undertaker")
    refused = respond(client, d, [a.id])
    assert refused.status_code == 422 and "PROC-37c" in text_of(refused)
    client.post("/admin/logout")
    assert client.get(f"/decisions/{d.id}/feedback").status_code == 404


def test_the_demo_shows_a_corrected_response_on_the_dossier(client, seeded):
    site = db.session.scalar(sa.select(Decision).where(Decision.title == SITE))
    listing = text_of(client.get(f"/decisions/{site.id}/feedback"))
    assert "2027年1月底前" in listing and "更正预计公开征求意见的时间" in listing
    dossier = text_of(client.get(f"/decisions/{site.id}"))
    assert "更正预计公开征求意见的时间" in dossier and "回应社会关切" in dossier
