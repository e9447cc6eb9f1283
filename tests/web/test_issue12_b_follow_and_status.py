"""Issue 12 (b): following a decision by e-mail (double opt-in, one-click unsubscribe, no
enumeration, rate limited), and the receipt and status pages that show the whole story.

GET pages never write: the links in e-mails open a page whose button POSTs.
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models.follow import DecisionFollow
from portal.models.opinion import Opinion
from portal.models.outbox import OutboxMessage
from portal.models.user import User
from portal.services import adoption, moderation, notifications
from tests.conftest import text_of
from tests.services.test_opinions import BODY
from tests.web.test_opinions import form, open_id


def mails(event: str) -> list[dict]:
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.topic == "mail.send")
        .order_by(OutboxMessage.id)
    ).all()
    return [p for p in (json.loads(r.payload) for r in rows) if p.get("event") == event]


def follow_rows() -> list[DecisionFollow]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DecisionFollow)).all())


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def link_after(body: str, prefix: str) -> str:
    match = re.search(rf"(https?://\S+{re.escape(prefix)}\S+)", body)
    assert match, body
    return path_of(match.group(1))


def test_the_dossier_offers_following_by_email_and_by_feed(client, demo):
    html = client.get(f"/decisions/{open_id()}").get_data(as_text=True)
    assert f'action="/decisions/{open_id()}/follow"' in html
    assert f"/feeds/decisions/{open_id()}.atom" in html
    assert "订阅本决策动态" in html and "不公开" in html


def test_follow_double_opt_in_confirm_and_one_click_unsubscribe(client, demo):
    decision_id = open_id()
    page = client.get(f"/decisions/{decision_id}/follow")
    assert page.status_code == 200 and "电子邮箱" in text_of(page)
    sent = client.post(f"/decisions/{decision_id}/follow", data={"email": "fan@example.cn"})
    assert sent.status_code == 200 and "请查收邮件" in text_of(sent)
    [follow] = follow_rows()
    assert follow.confirmed_at is None and follow.language == "zh_CN"
    [mail] = mails("follow_confirm")
    assert mail["to"] == "fan@example.cn" and "请确认订阅" in mail["subject"]
    confirm = link_after(mail["body"], "/follows/confirm/")

    # Opening the link shows a button and writes nothing; the POST confirms.
    shown = client.get(confirm)
    assert shown.status_code == 200 and "确认订阅" in text_of(shown)
    assert follow_rows()[0].confirmed_at is None
    done = client.post(confirm)
    assert done.status_code == 200 and "您已订阅本决策动态" in text_of(done)
    assert follow_rows()[0].confirmed_at is not None

    # Asking again gives the same answer as the first time, and sends nothing.
    again = client.post(f"/decisions/{decision_id}/follow", data={"email": "FAN@example.cn"})
    assert text_of(again) == text_of(sent)
    assert len(mails("follow_confirm")) == 1 and len(follow_rows()) == 1

    # The unsubscribe link: a page with a button (no write), then the RFC 8058 one-click POST.
    unsubscribe = path_of(
        notifications.unsubscribe_url(follow_rows()[0])
    )  # the link every follower e-mail carries
    page = client.get(unsubscribe)
    assert page.status_code == 200 and "退订" in text_of(page) and len(follow_rows()) == 1
    one_click = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "已退订" in text_of(one_click)
    assert follow_rows() == []
    assert client.post(unsubscribe).status_code == 200  # twice is fine
    assert client.get(confirm).status_code == 404  # the old links stop working


def test_follow_refuses_a_bad_address_with_422_and_saves_nothing(client, demo):
    page = client.post(f"/decisions/{open_id()}/follow", data={"email": "不是邮箱"})
    assert page.status_code == 422 and "有效的电子邮箱" in text_of(page)
    assert follow_rows() == []


def test_follow_of_an_unknown_decision_is_404(client, demo):
    assert client.get("/decisions/999999/follow").status_code == 404
    assert (
        client.post("/decisions/999999/follow", data={"email": "a@example.cn"}).status_code == 404
    )


def test_a_bad_confirmation_or_unsubscribe_link_is_a_clear_page(client, demo):
    assert client.get("/follows/confirm/nonsense").status_code == 404
    assert client.post("/follows/confirm/nonsense").status_code == 404
    page = client.get("/unsubscribe/nonsense")
    assert page.status_code == 404 and "链接无效" in text_of(page)


def test_follow_posts_are_rate_limited(tmp_path):
    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import limiter

    config = TestConfig(tmp_path)
    config.RATELIMIT_ENABLED = True
    app = create_app(config)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    try:
        statuses = [
            client.post("/decisions/1/follow", data={"email": "a@example.cn"}).status_code
            for _ in range(6)
        ]
        assert statuses[:5] == [404] * 5 and statuses[5] == 429
    finally:
        limiter.reset()


def test_an_opinion_email_unsubscribe_stops_mail_but_keeps_the_opinion(client, demo):
    client.post(f"/decisions/{open_id()}/opinions/new", data=form())
    opinion = db.session.scalar(sa.select(Opinion))
    [receipt] = mails("opinion_received")
    assert f"/opinions/status?receipt_code={opinion.receipt_code}" in receipt["body"]
    assert receipt["body"].count("http://") >= 2  # absolute links only
    unsubscribe = link_after(receipt["body"], "/unsubscribe/")
    page = client.get(unsubscribe)
    assert page.status_code == 200 and opinion.receipt_code in text_of(page)
    db.session.expire_all()
    assert db.session.get(Opinion, opinion.id).mail_opt_out_at is None
    client.post(unsubscribe)
    db.session.expire_all()
    assert db.session.get(Opinion, opinion.id).mail_opt_out_at is not None


def test_receipt_and_status_show_the_text_every_step_the_answer_and_the_links(client, demo):
    decision_id = open_id()
    sent = client.post(f"/decisions/{decision_id}/opinions/new", data=form())
    receipt = client.get(sent.headers["Location"])
    text = text_of(receipt)
    assert BODY in text and "已收到" in text and "下一步" in text
    assert f'href="/decisions/{decision_id}"' in receipt.get_data(as_text=True)

    opinion = db.session.scalar(sa.select(Opinion))
    moderator = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    from tests.conftest import NOW, answer_and_release

    moderation.withhold_opinion(opinion, "duplicate", actor=moderator, now=NOW)
    answer_and_release([opinion], "partially_adopted", "部分采纳：将研究夜班线路。", now=NOW)
    db.session.commit()
    page = client.get(f"/opinions/status?receipt_code={opinion.receipt_code}")
    text = text_of(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert BODY in text  # the citizen's own text
    assert "未公布" in text  # withheld, with its date
    assert "重复" in text  # the reason in words
    assert "部分采纳：将研究夜班线路。" in text and "2026年11月26日" in text
    unit = notifications.answering_unit(opinion)
    assert unit.name in text  # the answering unit
    assert "li.private@example.cn" not in text and "13912345678" not in text
    html = page.get_data(as_text=True)
    assert f'href="/decisions/{decision_id}"' in html
    assert f'href="/decisions/{decision_id}/follow"' in html
    assert adoption.published_report(opinion.decision) is None
    assert "#adoption-report" not in html


def test_the_status_page_links_to_a_published_report(client, demo):
    from portal.models.opinion import OpinionReport

    opinion = db.session.scalar(
        sa.select(Opinion)
        .join(OpinionReport, OpinionReport.decision_id == Opinion.decision_id)
        .where(OpinionReport.published_at.is_not(None))
        .limit(1)
    )
    if opinion is None:  # the demo publishes one report on the published plan
        from portal.demo_opinions import seed_demo_opinions
        from tests.conftest import NOW

        seed_demo_opinions(NOW)
        db.session.commit()
        opinion = db.session.scalar(
            sa.select(Opinion)
            .join(OpinionReport, OpinionReport.decision_id == Opinion.decision_id)
            .where(OpinionReport.published_at.is_not(None))
            .limit(1)
        )
    html = client.get(f"/opinions/status?receipt_code={opinion.receipt_code}").get_data(
        as_text=True
    )
    assert f"/decisions/{opinion.decision_id}#adoption-report" in html
    assert "意见采纳情况说明已公布" in html
