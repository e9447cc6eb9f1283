"""Editing stage records: one audited function for every form in the back office."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from portal.extensions import db
from portal.models.decision import Decision
from portal.services import audit, outbox

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def audit_kw(decision: Decision, actor, now: datetime, ip: str) -> dict[str, Any]:
    """The keyword arguments of ``update_record`` / ``delete_record`` for one staff action."""
    return {"decision": decision, "actor": actor, "now": now, "ip": ip}


def local_midnight(day: date) -> datetime:
    """A33: a publication date is stored as an aware datetime at 00:00 Beijing time."""
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(UTC)


def index_later(decision: Decision, now: datetime) -> None:
    """Derived data: refresh the public search index through the outbox (public items only)."""
    if not decision.non_disclosable:
        outbox.enqueue("search.decision", {"id": decision.id}, now=now)


def _plain(value: Any) -> Any:
    if hasattr(value, "__tablename__"):  # a model object: name it, do not dump it
        return f"{value.__tablename__}:{getattr(value, 'id', None)}"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def update_record(
    record: Any,
    changes: dict[str, Any],
    *,
    decision: Decision,
    actor,
    now: datetime,
    action: str,
    ip: str = "",
) -> dict[str, tuple[Any, Any]]:
    """Apply ``changes`` to ``record`` and audit what changed (before/after). Flushes.

    Returns the changed fields. A record that is new (no id yet) is added to the session.
    """
    is_new = getattr(record, "id", None) is None
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in changes.items():
        old = getattr(record, name)
        if is_new or _plain(old) != _plain(value):
            changed[name] = (old, value)
            setattr(record, name, value)
    if is_new:
        db.session.add(record)
    if not changed and not is_new:
        return {}
    decision.updated_at = now
    db.session.flush()
    audit.record(
        action,
        actor=actor,
        now=now,
        obj=decision,
        before={k: _plain(v[0]) for k, v in changed.items()} if not is_new else None,
        after={"record": f"{record.__tablename__}:{record.id}"}
        | {k: _plain(v[1]) for k, v in changed.items()},
        ip=ip,
    )
    return changed


def delete_record(
    record: Any, *, decision: Decision, actor, now: datetime, action: str, ip: str = ""
) -> None:
    snapshot = {c.key: _plain(getattr(record, c.key)) for c in record.__table__.columns}
    db.session.delete(record)
    decision.updated_at = now
    db.session.flush()
    audit.record(action, actor=actor, now=now, obj=decision, before=snapshot, ip=ip)
