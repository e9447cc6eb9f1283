"""The outbox: side effects committed with the change, drained in order, retried on failure."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.outbox import OutboxMessage
from portal.services import outbox
from portal.workers import register_handlers
from tests.conftest import NOW


def test_mail_message_is_written_to_the_mail_folder_when_no_smtp(ctx):
    register_handlers(ctx)
    outbox.enqueue(
        "mail.send", {"to": "zhang@example.cn", "subject": "回执", "body": "您的回执码"}, now=NOW
    )
    db.session.commit()
    assert outbox.drain(now=NOW) == (1, 0)
    files = list(Path(ctx.config["MAIL_DIR"]).glob("*.eml"))
    assert files
    contents = [f.read_bytes().decode("utf-8", "replace") for f in files]
    assert any("zhang@example.cn" in content for content in contents)  # other tests write too
    assert outbox.pending_count() == 0


def test_a_failing_message_is_retried_later_and_does_not_block_others(ctx):
    calls = []

    @outbox.handler("test.flaky")
    def flaky(payload):
        calls.append(payload["n"])
        if payload["n"] == 1:
            raise ConnectionError("smtp down")

    outbox.enqueue("test.flaky", {"n": 1}, now=NOW)
    outbox.enqueue("test.flaky", {"n": 2}, now=NOW)
    db.session.commit()
    assert outbox.drain(now=NOW) == (1, 1)
    assert calls == [1, 2]
    failed = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.attempts == 1))
    assert "smtp down" in failed.last_error
    assert failed.processed_at is None
    assert outbox.drain(now=NOW) == (0, 0)  # backing off
    assert outbox.drain(now=NOW + timedelta(minutes=5)) == (0, 1)
    assert json.loads(failed.payload) == {"n": 1}


def test_unknown_topic_is_parked_with_its_error_not_lost(ctx):
    outbox.enqueue("no.such.topic", {"x": 1}, now=NOW)
    db.session.commit()
    for minutes in range(0, 60 * 24, 60):
        outbox.drain(now=NOW + timedelta(minutes=minutes))
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert row.processed_at is not None
    assert "no handler" in row.last_error


def test_index_message_takes_a_decision_out_when_it_stops_being_public(ctx, demo, runner, client):
    assert runner.invoke(args=["portal", "reindex"]).exit_code == 0
    assert "供热专项规划" in client.get("/search?q=供热").get_data(as_text=True)
    heating = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    heating.non_disclosable = True
    outbox.enqueue("search.decision", {"id": heating.id}, now=NOW)
    db.session.commit()
    result = runner.invoke(args=["portal", "drain-outbox"])
    assert "Processed 1 messages, 0 failed" in result.output
    assert "供热专项规划" not in client.get("/search?q=供热").get_data(as_text=True)
