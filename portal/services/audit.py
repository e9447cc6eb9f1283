"""Append to and verify the hash-chained audit log (security.md: Audit)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import GENESIS, AuditEntry, AuditHead

HEAD_ID = 1


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_digest(entry: AuditEntry) -> str:
    content = canonical_json(
        [
            entry.seq,
            entry.occurred_at.isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.government_id,
            entry.data,
            entry.ip,
        ]
    )
    return hashlib.sha256((entry.prev_hash + content).encode()).hexdigest()


def _lock_head() -> AuditHead:
    """Take the chain's write lock and reserve the next sequence number.

    The UPDATE comes first: it takes a row lock on PostgreSQL/MariaDB and the database write
    lock on SQLite, so no two transactions can read the same head.
    """
    bumped = db.session.execute(
        sa.update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_seq=AuditHead.last_seq + 1)
    )
    if bumped.rowcount == 0:
        db.session.add(AuditHead(id=HEAD_ID, last_seq=1, last_hash=GENESIS))
        db.session.flush()
    head = db.session.execute(
        sa.select(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return head


def record(
    action: str,
    *,
    actor: Any,
    now: datetime,
    obj: Any = None,
    object_type: str | None = None,
    object_id: Any = None,
    government_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    details: dict | None = None,
    ip: str = "",
) -> AuditEntry:
    """Append one row (who, what, when, before/after). Flushes; the caller commits."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if government_id is None:
            government_id = getattr(obj, "government_id", None)
    head = _lock_head()
    entry = AuditEntry(
        seq=head.last_seq,
        occurred_at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=(getattr(actor, "username", None) or str(actor or "system"))[:100],
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        government_id=government_id,
        data=canonical_json({"before": before, "after": after, "details": details}),
        ip=ip[:45],
        prev_hash=head.last_hash,
    )
    entry.hash = entry_digest(entry)
    head.last_hash = entry.hash
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainProblem:
    seq: int
    problem: str


def iter_problems(batch: int = 1000) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every place it does not verify."""
    expected_prev = GENESIS
    expected_seq = 1
    while True:
        rows = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.seq >= expected_seq)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                yield ChainProblem(expected_seq, f"missing entries before {row.seq}")
            if row.prev_hash != expected_prev:
                yield ChainProblem(row.seq, "previous-hash link broken")
            if entry_digest(row) != row.hash:
                yield ChainProblem(row.seq, "content does not match its hash")
            expected_prev = row.hash
            expected_seq = row.seq + 1
    head = db.session.get(AuditHead, HEAD_ID)
    if head is not None and head.last_seq >= expected_seq and head.last_seq > 0:
        yield ChainProblem(expected_seq, f"entries {expected_seq}..{head.last_seq} are missing")
    if head is not None and head.last_seq == expected_seq - 1 and head.last_hash != expected_prev:
        yield ChainProblem(head.last_seq, "chain head does not match the last entry")


def verify_chain() -> list[ChainProblem]:
    return list(iter_problems())
