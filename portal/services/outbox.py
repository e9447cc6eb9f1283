"""Write side effects to the outbox in the same transaction; drain them with one writer."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.outbox import OutboxMessage

log = logging.getLogger(__name__)

Handler = Callable[[dict], None]
_handlers: dict[str, Handler] = {}
MAX_ATTEMPTS = 8


def handler(topic: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[topic] = fn
        return fn

    return register


def enqueue(topic: str, payload: dict[str, Any], *, now: datetime) -> OutboxMessage:
    message = OutboxMessage(
        topic=topic,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        created_at=now,
        available_at=now,
    )
    db.session.add(message)
    db.session.flush()
    return message


def pending_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.processed_at.is_(None))
        )
        or 0
    )


def drain(*, now: datetime, limit: int = 500, topics: set[str] | None = None) -> tuple[int, int]:
    """Process due messages in order; commit after each. Returns (done, failed).

    Only one process may drain at a time (the CLI and the indexer hold a lock); a failing
    message is retried later with exponential backoff and never blocks the others.
    """
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.processed_at.is_(None), OutboxMessage.available_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if topics:
        query = query.where(OutboxMessage.topic.in_(sorted(topics)))
    done = failed = 0
    for message in db.session.scalars(query).all():
        fn = _handlers.get(message.topic)
        try:
            if fn is None:
                raise LookupError(f"no handler for topic {message.topic!r}")
            fn(json.loads(message.payload))
        except Exception as exc:  # one bad message must not stop the queue
            log.exception("outbox message %s failed", message.id)
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.available_at = now + timedelta(seconds=min(3600, 2**message.attempts))
            if message.attempts >= MAX_ATTEMPTS:
                message.processed_at = now  # parked: visible in the admin with its error
            failed += 1
        else:
            message.processed_at = now
            done += 1
        db.session.commit()
    return done, failed
