"""Opinions received offline (a letter, a 12345 hotline call, a contact point, a meeting:
PART-6b/6c), entered by the undertaking unit through the same service as online opinions: they
get a receipt code, count, are moderated, published (channel shown, contacts and unconsented
names never) and answered like online ones. Entered late is fine; received late is not
(PROC-17b)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.models.outbox import OutboxMessage
from portal.rules.workdays import local_date
from portal.services import moderation
from portal.services.opinions import OpinionChannel, OpinionStatus
from tests.conftest import NOW, login, text_of

OPEN_TITLE = "赤峰市中心城区供热专项规划（2026—2035年）"
# A letter with a private phone and a valid resident ID number inside its text.
LETTER = "建议供热收费按实际面积计算。联系我：13904761111，身份证11010519491231002X。"
NAME = "赵大爷"
EMAIL = "zhao.private@example.cn"
PHONE = "13904762222"


def decision(title: str = OPEN_TITLE) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def window(d: Decision) -> tuple[date | None, date | None]:
    c = db.session.scalar(
        sa.select(Consultation)
        .where(Consultation.decision_id == d.id)
        .order_by(Consultation.opens_at.desc())
        .limit(1)
    )
    if c is None:
        return None, None
    return local_date(c.opens_at), local_date(c.closes_at - timedelta(microseconds=1))


def closed_decision() -> Decision:
    """A disclosable decision whose (latest) consultation closed before NOW, without a
    published adoption report."""
    from portal.models.opinion import OpinionReport

    for d in db.session.scalars(sa.select(Decision).order_by(Decision.id)):
        _first, last = window(d)
        if d.non_disclosable or last is None or last >= local_date(NOW):
            continue
        if db.session.scalar(sa.select(OpinionReport.id).where(OpinionReport.decision_id == d.id)):
            continue
        return d
    raise AssertionError("no closed consultation in the demo")


def form(received_on: date, **overrides) -> dict:
    data = {
        "channel": "letter",
        "received_on": received_on.isoformat(),
        "body": LETTER,
        "clause": "第五条",
        "display_name": NAME,
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "submission_token": "offline-token-" + "x" * 12,
    }
    data.update(overrides)
    return data


def enter(client, d: Decision, data: dict):
    return client.post(f"/admin/decisions/{d.id}/opinions/offline", data=data)


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Opinion))


def audits(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_a_letter_is_entered_with_its_channel_and_the_citizen_gets_a_receipt_code(client, demo):
    d = decision()
    login(client, "undertaker")
    page = client.get(f"/admin/decisions/{d.id}/opinions/offline")
    assert page.status_code == 200
    assert "12345" in text_of(page) and 'name="received_on"' in page.get_data(as_text=True)
    response = enter(client, d, form(local_date(NOW) - timedelta(days=2)))
    assert response.status_code == 302
    receipt = client.get(response.headers["Location"])
    op = db.session.scalar(sa.select(Opinion).where(Opinion.body.contains("实际面积")))
    assert op.receipt_code in text_of(receipt)
    # the same service as online: received, a group key, counted; the channel recorded
    assert op.status is OpinionStatus.RECEIVED and op.channel is OpinionChannel.LETTER
    assert op.text_hash == moderation.text_hash(LETTER) and op.group_key
    assert local_date(op.submitted_at) == local_date(NOW) - timedelta(days=2)
    assert op.entered_at == NOW and op.entered_by_id is not None
    assert op.contact_email == EMAIL and op.contact_phone == PHONE and not op.publish_name_consent
    assert moderation.status_counts(d)[OpinionStatus.RECEIVED] >= 1
    assert audits("opinion.enter_offline") == 1
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send"))
    assert mail is not None and op.receipt_code in json.loads(mail.payload)["body"]
    # the queue shows how it came in (issue 12: the unit's queue opens on what awaits an answer)
    queue = text_of(client.get(f"/admin/decisions/{d.id}/opinions?status=received"))
    assert "信件" in queue or "Letter" in queue


def test_a_resubmitted_entry_form_enters_the_opinion_once(client, demo):
    d = decision()
    login(client, "undertaker")
    data = form(local_date(NOW))
    assert enter(client, d, data).status_code == 302
    assert enter(client, d, data).status_code == 302
    assert count() == 1
    # two identical letters from two people are two opinions (another form view, another token)
    assert enter(client, d, form(local_date(NOW), submission_token="t" * 24)).status_code == 302
    assert count() == 2


@pytest.mark.parametrize(
    ("shift", "ok"),
    [
        ("first", True),  # the day the period opened
        ("before_first", False),  # a day before it opened
        ("today", True),
        ("tomorrow", False),  # a date in the future
    ],
)
def test_the_received_date_of_an_open_consultation(client, demo, shift, ok):
    d = decision()
    first, _last = window(d)
    day = {
        "first": first,
        "before_first": first - timedelta(days=1),
        "today": local_date(NOW),
        "tomorrow": local_date(NOW) + timedelta(days=1),
    }[shift]
    login(client, "undertaker")
    response = enter(client, d, form(day))
    if ok:
        assert response.status_code == 302 and count() == 1
    else:
        assert response.status_code == 422
        assert "PROC-17b" in text_of(response)
        assert count() == 0 and audits("opinion.enter_offline") == 0


def test_after_the_period_closed_only_an_opinion_received_in_time_is_entered(client, demo):
    d = closed_decision()
    _first, last = window(d)
    login(client, "undertaker")
    # the public form is closed ...
    assert client.get(f"/decisions/{d.id}/opinions/new").status_code == 409
    # ... received the day after the deadline: refused, nothing written
    late = enter(client, d, form(last + timedelta(days=1)))
    assert late.status_code == 422
    text = text_of(late)
    assert "PROC-17b" in text and count() == 0
    # ... received on the last day of the period: counted, moderated like any other
    assert enter(client, d, form(last)).status_code == 302
    op = db.session.scalar(sa.select(Opinion))
    c = db.session.get(Consultation, op.consultation_id)
    assert c.opens_at <= op.submitted_at < c.closes_at  # counted inside the window
    assert local_date(op.submitted_at) == last


def test_the_channel_must_be_an_offline_one(client, demo):
    d = decision()
    login(client, "undertaker")
    response = enter(client, d, form(local_date(NOW), channel="online"))
    assert response.status_code == 422 and count() == 0


def test_no_opinion_is_entered_for_a_decision_not_to_be_disclosed(client, demo):
    d = decision()
    d.non_disclosable = True
    db.session.commit()
    login(client, "undertaker")
    response = enter(client, d, form(local_date(NOW)))
    assert response.status_code == 422 and "PROC-16a" in text_of(response)
    assert count() == 0


def test_no_opinion_is_added_once_the_adoption_report_is_published(client, demo):
    from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions

    seed_demo_opinions(NOW)
    d = decision(REPORT_DECISION)
    _first, last = window(d)
    before = count()
    login(client, "undertaker")
    response = enter(client, d, form(last))
    assert response.status_code == 422 and "PART-15b" in text_of(response)
    assert count() == before


def test_only_the_undertaking_unit_enters_opinions_and_only_for_its_government(client, demo):
    d = decision()
    for user, status in (("moderator", 403), ("office", 403), ("hongshan.office", 403)):
        login(client, user)
        assert client.get(f"/admin/decisions/{d.id}/opinions/offline").status_code == status
        assert enter(client, d, form(local_date(NOW))).status_code == status
        client.post("/admin/logout")
    assert count() == 0


def test_the_api_cannot_claim_an_offline_channel(client, demo):
    """A side door: the public API takes only online opinions, whatever the body says."""
    d = decision()
    response = client.post(
        f"/api/v1/decisions/{d.id}/opinions",
        json={"body": "经由接口提交的意见，声称是信件。", "channel": "letter"},
    )
    assert response.status_code == 201
    op = db.session.scalar(sa.select(Opinion))
    assert op.channel is OpinionChannel.ONLINE and op.entered_by_id is None


def test_an_offline_opinion_is_published_answered_and_never_leaks_personal_data(client, demo):
    d = decision()
    login(client, "undertaker")
    assert enter(client, d, form(local_date(NOW))).status_code == 302
    op = db.session.scalar(sa.select(Opinion))
    client.post("/admin/logout")
    login(client, "moderator")
    moderated = client.post(
        f"/admin/decisions/{d.id}/opinions/moderate", data={"ids": op.id, "action": "approve"}
    )
    assert moderated.status_code == 302
    client.post("/admin/logout")
    login(client, "undertaker")
    answered = client.post(
        f"/admin/decisions/{d.id}/opinions/{op.id}/answer",
        data={"adoption": "not_adopted", "response": "供热收费标准由价格主管部门另行制定。"},
    )
    assert answered.status_code == 302
    released = client.post(f"/admin/decisions/{d.id}/opinions/drafts", data={"action": "all"})
    assert released.status_code == 302  # issue 12: public once released
    client.post("/admin/logout")
    public = client.get(f"/decisions/{d.id}/opinions")
    text = text_of(public)
    assert "实际面积" in text and "供热收费标准由价格主管部门另行制定" in text
    assert "信件" in text  # the channel is shown
    api = client.get(f"/api/v1/decisions/{d.id}/opinions").get_data(as_text=True)
    data = client.get("/data/opinions.json").get_data(as_text=True)
    status = client.get(f"/opinions/status?receipt_code={op.receipt_code}")
    assert status.status_code == 200 and "信件" in text_of(status)
    assert '"channel":"letter"' in data.replace(" ", "")
    for page in (public.get_data(as_text=True), api, data):
        for secret in (EMAIL, PHONE, NAME, "13904761111", "11010519491231002X"):
            assert secret not in page
    assert "139****1111" in text  # masked on publication like any opinion


def test_the_name_is_published_only_with_the_citizens_consent(client, demo):
    d = decision()
    login(client, "undertaker")
    data = form(local_date(NOW), publish_name_consent="y", body="同意公开姓名的来信意见内容。")
    assert enter(client, d, data).status_code == 302
    op = db.session.scalar(sa.select(Opinion))
    assert op.publish_name_consent
    moderation.approve_opinion(op, actor=op.decision and _user("moderator"), now=NOW)
    db.session.commit()
    client.post("/admin/logout")
    assert NAME in text_of(client.get(f"/decisions/{d.id}/opinions"))


def _user(name: str):
    from portal.models.user import User

    return db.session.scalar(sa.select(User).where(User.username == name))


def test_a_late_entry_keeps_its_place_in_the_window_for_the_clock_of_the_report(client, demo):
    """The statistics and the report count by the day received, not the day typed in."""
    d = closed_decision()
    _first, last = window(d)
    clock.freeze(NOW + timedelta(days=3))
    login(client, "undertaker")
    assert enter(client, d, form(last - timedelta(days=1))).status_code == 302
    op = db.session.scalar(sa.select(Opinion))
    assert local_date(op.submitted_at) == last - timedelta(days=1)
    assert op.entered_at == NOW + timedelta(days=3)


def test_the_staff_register_export_shows_the_channel_and_no_contact(client, demo):
    d = decision()
    login(client, "undertaker")
    assert enter(client, d, form(local_date(NOW))).status_code == 302
    csv = client.get(f"/admin/decisions/{d.id}/opinions/export.csv")
    body = csv.get_data().decode("utf-8-sig")
    assert "收到方式" in body and "信件" in body
    for secret in (EMAIL, PHONE, NAME, "13904761111", "11010519491231002X"):
        assert secret not in body


def test_search_finds_a_published_offline_opinion_without_its_personal_data(client, demo, runner):
    d = decision()
    login(client, "undertaker")
    assert enter(client, d, form(local_date(NOW))).status_code == 302
    op = db.session.scalar(sa.select(Opinion))
    moderation.approve_opinion(op, actor=_user("moderator"), now=NOW)
    db.session.commit()
    assert runner.invoke(args=["portal", "reindex"]).exit_code == 0
    client.post("/admin/logout")
    found = client.get("/api/v1/search?q=实际面积&type=opinion")
    assert found.status_code == 200 and found.get_json()["items"]
    text = found.get_data(as_text=True) + client.get("/search?q=实际面积").get_data(True)
    for secret in (EMAIL, PHONE, NAME, "13904761111", "11010519491231002X"):
        assert secret not in text
