"""Issue 12 (b): the e-mails that close the citizen's loop, and following a decision.

Each notification goes to the right person, in the language they used, with absolute links
(the status link carries the receipt code) and an unsubscribe link with the RFC 8058 headers;
nothing goes to a record without an e-mail, after an unsubscribe, or after the contacts were
purged (checked when queued and again when sent).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.demo_opinions import seed_demo_opinions
from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.follow import DecisionFollow
from portal.models.opinion import Opinion
from portal.models.outbox import OutboxMessage
from portal.models.user import User
from portal.rules.consultation import OpinionStatus
from portal.rules.hearings import RegistrationStatus, SelectionMethod
from portal.services import adoption, follows, moderation, notifications, outbox
from portal.services import decisions as decision_service
from portal.services import hearing_steps as steps
from portal.services import hearings as hearing_service
from portal.services import opinions as opinion_service
from portal.workers import register_handlers
from tests.conftest import NOW, answer_and_release, answerer_of
from tests.services.test_hearings import make_hearing, person

BASE = "https://juece.example.gov.cn"


@pytest.fixture
def site(ctx, demo):
    old = ctx.config["PUBLIC_URL"]
    ctx.config["PUBLIC_URL"] = BASE + "/"
    yield ctx
    ctx.config["PUBLIC_URL"] = old


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def open_decision() -> Decision:
    return decision_service.open_consultations(NOW, limit=1)[0].decision


def mails(to: str | None = None, event: str | None = None) -> list[dict]:
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.topic == "mail.send")
        .order_by(OutboxMessage.id)
    ).all()
    out = [json.loads(r.payload) for r in rows]
    return [
        m
        for m in out
        if (to is None or m["to"] == to) and (event is None or m.get("event") == event)
    ]


def submit(decision, email="citizen@example.cn", language="zh_CN", body="建议增加公交线路。"):
    opinion = opinion_service.submit_opinion(
        decision,
        opinion_service.OpinionInput(body=body, contact_email=email),
        now=NOW,
    )
    opinion.language = language
    db.session.flush()
    return opinion


def test_the_receipt_has_an_absolute_status_link_with_the_code(site):
    opinion = submit(open_decision())
    [mail] = mails("citizen@example.cn", "opinion_received")
    assert f"{BASE}/opinions/status?receipt_code={opinion.receipt_code}" in mail["body"]
    assert "意见回执" in mail["subject"] and opinion.receipt_code in mail["subject"]
    assert mail["headers"]["List-Unsubscribe"].startswith(f"<{BASE}/unsubscribe/")
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_published_withheld_and_answered_reach_the_submitter_in_their_language(site):
    decision = open_decision()
    zh = submit(decision, "zh@example.cn")
    en = submit(decision, "en@example.cn", language="en", body="Please add a bus line here.")
    moderator = user("moderator")
    moderation.approve_opinion(zh, actor=moderator, now=NOW)
    moderation.withhold_opinion(en, "off_topic", actor=moderator, now=NOW)
    [published] = mails("zh@example.cn", "opinion_published")
    assert "您的意见已公开" in published["subject"] and decision.title in published["subject"]
    assert f"{BASE}/opinions/status?receipt_code={zh.receipt_code}" in published["body"]
    [withheld] = mails("en@example.cn", "opinion_withheld")
    assert withheld["subject"].startswith("Your opinion was not published")
    assert "Not about this draft" in withheld["body"]  # the reason in words, in English
    assert f"receipt_code={en.receipt_code}" in withheld["body"]

    answer_and_release([zh], "not_adopted", "与现行规划不符。", now=NOW)
    [answered] = mails("zh@example.cn", "opinion_answered")
    assert "您的意见已答复" in answered["subject"]
    assert "与现行规划不符。" in answered["body"] and "未采纳" in answered["body"]
    unit = notifications.answering_unit(zh)
    assert unit is not None and unit.name in answered["body"]
    assert "2026年11月26日" in answered["body"]
    # Approving an opinion already published sends nothing more.
    moderation.approve_opinion(zh, actor=moderator, now=NOW)
    assert len(mails("zh@example.cn", "opinion_published")) == 1


def test_nothing_is_sent_without_an_email(site):
    decision = open_decision()
    before = len(mails())
    opinion = submit(decision, email="")
    moderation.approve_opinion(opinion, actor=user("moderator"), now=NOW)
    answer_and_release([opinion], "adopted", "", now=NOW)
    assert len(mails()) == before


def test_an_unsubscribe_is_honoured_when_queued_and_when_sent(site):
    decision = open_decision()
    opinion = submit(decision, "stop@example.cn")
    token = notifications.unsubscribe_token(opinion)
    assert notifications.record_of_token(token) is opinion
    assert notifications.record_of_token(token + "x") is None
    # Queued before the unsubscribe: dropped by the handler when it is sent.
    moderation.approve_opinion(opinion, actor=user("moderator"), now=NOW)
    assert follows.unsubscribe(opinion, now=NOW) == "opinion"
    register_handlers(site)
    mail_dir = Path(site.config["MAIL_DIR"])
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    db.session.commit()
    outbox.drain(now=NOW, topics={"mail.send"})
    sent = {p.read_text(encoding="utf-8") for p in set(mail_dir.glob("*.eml")) - before}
    assert not any("stop@example.cn" in text for text in sent)
    # After the unsubscribe nothing more is queued.
    count = len(mails("stop@example.cn"))
    answer_and_release([opinion], "adopted", "", now=NOW)
    assert len(mails("stop@example.cn")) == count


def test_nothing_is_sent_after_the_contacts_were_purged(site):
    decision = open_decision()
    opinion = submit(decision, "purged@example.cn")
    moderation.approve_opinion(opinion, actor=user("moderator"), now=NOW)
    payload = mails("purged@example.cn", "opinion_published")[0]
    opinion.contact_email = ""
    opinion.contacts_purged_at = NOW
    db.session.flush()
    assert notifications.still_wanted(payload) is False
    answer_and_release([opinion], "adopted", "", now=NOW)
    assert not mails("purged@example.cn", "opinion_answered")


def test_the_sent_email_carries_the_unsubscribe_headers(site):
    opinion = submit(open_decision(), "headers@example.cn")
    register_handlers(site)
    mail_dir = Path(site.config["MAIL_DIR"])
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    db.session.commit()
    outbox.drain(now=NOW, topics={"mail.send"})
    texts = [p.read_text(encoding="utf-8") for p in set(mail_dir.glob("*.eml")) - before]
    [text] = [t for t in texts if "headers@example.cn" in t]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
    assert f"List-Unsubscribe: <{BASE}/unsubscribe/" in text
    assert opinion.receipt_code in text and "意见回执" in text  # readable UTF-8 in the file sink


def test_the_adoption_report_goes_to_every_contributor_and_follower_once(site):
    seed_demo_opinions(NOW)
    decision = open_decision()
    first = submit(decision, "twice@example.cn", body="第一条意见：延长运营时间。")
    second = submit(decision, "twice@example.cn", body="第二条意见：增加夜班线路。")
    none = submit(decision, "", body="没有留邮箱的意见。")
    follower = DecisionFollow(
        decision_id=decision.id,
        email="fan@example.cn",
        email_hash=follows.email_hash("fan@example.cn"),
        language="en",
        nonce="n1",
        requested_at=NOW,
        confirmed_at=NOW,
    )
    also = DecisionFollow(
        decision_id=decision.id,
        email="twice@example.cn",
        email_hash=follows.email_hash("twice@example.cn"),
        nonce="n2",
        requested_at=NOW,
        confirmed_at=NOW,
    )
    pending = DecisionFollow(
        decision_id=decision.id,
        email="unconfirmed@example.cn",
        email_hash=follows.email_hash("unconfirmed@example.cn"),
        nonce="n3",
        requested_at=NOW,
    )
    db.session.add_all([follower, also, pending])
    closes = db.session.scalar(
        sa.select(Consultation.closes_at).where(Consultation.decision_id == decision.id)
    )
    later = closes + timedelta(days=1)
    moderator = user("moderator")
    for opinion in moderation.queue(decision, OpinionStatus.RECEIVED):
        moderation.approve_opinion(opinion, actor=moderator, now=later)
    unanswered = [
        o for o in moderation.queue(decision, OpinionStatus.PUBLISHED) if o.adoption == "pending"
    ]
    undertaker = answerer_of(decision)
    answer_and_release(unanswered, "adopted", "", now=later)
    adoption.save_summary(decision, "共收到意见若干条。", actor=undertaker, now=later)
    adoption.publish_report(decision, actor=undertaker, now=later)
    [report_mail] = mails("twice@example.cn", "report_published")
    assert f"{BASE}/decisions/{decision.id}#adoption-report" in report_mail["body"]
    assert first.receipt_code in report_mail["body"] and second.receipt_code in report_mail["body"]
    assert not mails("twice@example.cn", "follow_report")  # not twice to the same address
    [fan] = mails("fan@example.cn", "follow_report")
    assert fan["subject"].startswith("The adoption report has been published")
    assert not mails("unconfirmed@example.cn")
    assert none.contact_email == ""


def test_registration_emails_selected_waitlisted_moved_up_materials_cancelled(site):
    h = make_hearing(SelectionMethod.LOTTERY, seats=1, closes=timedelta(hours=1))
    regs = [
        hearing_service.register_for_hearing(h, person(i), now=NOW - timedelta(minutes=5))
        for i in range(2)
    ]
    db.session.commit()
    steps.run_draw(h, actor=user("undertaker"), now=NOW + timedelta(hours=2))
    chosen = next(r for r in regs if r.status is RegistrationStatus.CONFIRMED)
    waiting = next(r for r in regs if r.status is RegistrationStatus.WAITLISTED)
    [selected] = mails(chosen.contact_email, "registration_selected")
    assert "遴选结果：已入选" in selected["subject"]
    assert f"{BASE}/registrations/status?receipt_code={chosen.receipt_code}" in selected["body"]
    assert mails(waiting.contact_email, "registration_waitlisted")
    steps.publish_list(h, actor=user("undertaker"), now=NOW + timedelta(hours=3))
    [materials] = mails(chosen.contact_email, "registration_materials")
    assert "会议材料" in materials["subject"]
    assert not mails(waiting.contact_email, "registration_materials")
    hearing_service.cancel_registration(chosen, now=NOW + timedelta(hours=4))
    assert mails(chosen.contact_email, "registration_cancelled")
    [moved] = mails(waiting.contact_email, "registration_moved_up")
    assert "您已获得参加名额" in moved["subject"]
    history = [i.kind for i in hearing_service.registration_history(waiting)]
    assert history[:2] == ["registered", "not_selected"] and "moved_up" in history


def test_a_registration_without_email_gets_nothing(site):
    h = make_hearing(seats=2)
    before = len(mails())
    hearing_service.register_for_hearing(h, person(7, contact_email=""), now=NOW)
    assert len(mails()) == before


# -- following a decision ---------------------------------------------------------------------


def test_follow_is_double_opt_in_without_enumeration(site):
    decision = open_decision()
    follows.request_follow(decision, "Reader@Example.cn", now=NOW, language="en")
    [confirm] = mails("Reader@example.cn", "follow_confirm")
    assert confirm["subject"].startswith("Confirm that you want to follow")
    assert f"{BASE}/follows/confirm/" in confirm["body"]
    assert "List-Unsubscribe" not in confirm["headers"]
    follow = db.session.scalar(sa.select(DecisionFollow))
    assert follow.confirmed_at is None and follow.language == "en"
    # Asking again at once sends nothing new; once confirmed, asking again sends nothing.
    follows.request_follow(decision, "reader@example.cn", now=NOW + timedelta(minutes=1))
    assert len(mails(event="follow_confirm")) == 1
    token = confirm["body"].split(f"{BASE}/follows/confirm/")[1].split()[0]
    assert follows.follow_of_confirm_token(token) is follow
    follows.confirm_follow(follow, now=NOW)
    follows.request_follow(decision, "reader@example.cn", now=NOW + timedelta(hours=1))
    assert len(mails(event="follow_confirm")) == 1
    assert follows.follower_count(decision) == 1
    # Unsubscribing deletes the follow: the address is gone and the links stop working.
    unsubscribe = notifications.unsubscribe_token(follow)
    assert follows.unsubscribe(notifications.record_of_token(unsubscribe), now=NOW) == "follow"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DecisionFollow)) == 0
    assert notifications.record_of_token(unsubscribe) is None
    assert follows.follow_of_confirm_token(token) is None


def test_follow_refuses_a_bad_address(site):
    from portal.rules.errors import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        follows.request_follow(open_decision(), "not-an-address", now=NOW)
    assert refused.value.field in ("contact_email", "email")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DecisionFollow)) == 0


def test_followers_hear_of_a_new_stage_and_publication(site):
    from portal.rules.stages import Stage

    decision = open_decision()
    db.session.add(
        DecisionFollow(
            decision_id=decision.id,
            email="stage@example.cn",
            email_hash=follows.email_hash("stage@example.cn"),
            nonce="s1",
            requested_at=NOW,
            confirmed_at=NOW,
        )
    )
    db.session.flush()
    before = decision.stage
    decision.stage = Stage.LEGALITY_REVIEW
    assert notifications.stage_changed(decision, before=before, now=NOW) == 1
    [stage] = mails("stage@example.cn", "follow_stage")
    assert "进入新阶段" in stage["subject"] and "合法性审查" in stage["subject"]
    assert f"{BASE}/decisions/{decision.id}" in stage["body"]
    assert f"{BASE}/feeds/decisions/{decision.id}.atom" in stage["body"]
    assert mails("stage@example.cn")[0]["headers"]["List-Unsubscribe-Post"]
    decision.stage = Stage.PUBLISHED  # publication has its own e-mail, not a stage e-mail
    assert notifications.stage_changed(decision, before=Stage.LEGALITY_REVIEW, now=NOW) == 0
    assert notifications.decision_published(decision, now=NOW) == 1


def test_unconfirmed_follows_are_purged_after_seven_days(site):
    decision = open_decision()
    follows.request_follow(decision, "old@example.cn", now=NOW - timedelta(days=8))
    follows.request_follow(decision, "new@example.cn", now=NOW - timedelta(days=2))
    assert follows.purge_contacts(now=NOW, days=180, dry_run=True) == 1
    assert follows.purge_contacts(now=NOW, days=180) == 1
    left = db.session.scalars(sa.select(DecisionFollow.email)).all()
    assert left == ["new@example.cn"]


def test_the_opinion_history_lists_every_step_with_its_date(site):
    decision = open_decision()
    opinion = submit(decision, "h@example.cn")
    later = NOW + timedelta(hours=1)
    moderation.withhold_opinion(opinion, "duplicate", actor=user("moderator"), now=later)
    answer_and_release([opinion], "not_adopted", "重复意见。", now=later)
    kinds = [(i.kind, i.at) for i in opinion_service.opinion_history(opinion)]
    assert kinds == [("received", NOW), ("withheld", later), ("answered", later)]
    assert db.session.get(Opinion, opinion.id).language == "zh_CN"
