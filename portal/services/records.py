"""Writing stage records: the one audited writer every stage service goes through.

``update_record`` and ``delete_record`` refuse a write to a locked record (``portal.services.locks``
says which records lock when): an issued record changes only as a correction, with a reason, by
the role the rules name, and the earlier values are kept (``Correction``). Once the archive of
the decision-making record is complete nothing of it changes. Services call these after checking
their own rules; views never call them (they call the named services).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from portal.extensions import db
from portal.models.decision import Decision
from portal.rules.errors import refuse
from portal.rules.locks import Lock, archived_violation, correction_violations, locked_violation
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


_SEEDING = False


@contextmanager
def seeding() -> Iterator[None]:
    """Write records without the lock checks: only the demo loader, which writes the history of
    decisions whose steps are already completed, uses this (a test makes sure)."""
    global _SEEDING
    before, _SEEDING = _SEEDING, True
    try:
        yield
    finally:
        _SEEDING = before


def _check_lock(
    record: Any, fields: list[str], decision: Decision, actor: Any, correction: str | None
) -> Lock | None:
    """Refuse a write to a locked record, or check the correction; return the lock if any."""
    from portal.services import corrections, locks

    if _SEEDING:
        return None
    if locks.is_frozen_by_archive(record, fields, decision):
        refuse([archived_violation()])
    lock = locks.lock_of(record, fields, decision)
    if lock is None:
        return None
    if correction is None:
        refuse([locked_violation(lock, fields[0] if fields else None)])
    refuse(
        correction_violations(
            lock,
            reason=correction or "",
            corrector_roles=corrections.corrector_roles(actor),
            archived=decision.archived_at is not None,
        )
    )
    return lock


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
    correction: str | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply ``changes`` to ``record`` and audit what changed (before/after). Flushes.

    Returns the changed fields. A record that is new (no id yet) is added to the session. A
    locked record is refused (``RuleViolation`` PROC-39a) unless ``correction`` gives the
    reason of a correction by the role the rules name; the correction is then kept with the
    earlier values (``Correction``) and audited as ``<action>.correction``.
    """
    is_new = getattr(record, "id", None) is None
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in changes.items():
        old = getattr(record, name)
        if is_new or _plain(old) != _plain(value):
            changed[name] = (old, value)
    if not changed and not is_new:
        return {}
    lock = _check_lock(record, list(changed), decision, actor, correction)
    for name, (_old, value) in changed.items():
        setattr(record, name, value)
    if is_new:
        db.session.add(record)
    decision.updated_at = now
    db.session.flush()
    if lock is not None and not is_new:
        from portal.services import corrections

        corrections.keep(
            record,
            {k: (_plain(v[0]), _plain(v[1])) for k, v in changed.items()},
            lock=lock,
            reason=correction or "",
            decision=decision,
            actor=actor,
            now=now,
        )
        action = f"{action}.correction"
    audit.record(
        action,
        actor=actor,
        now=now,
        obj=decision,
        before={k: _plain(v[0]) for k, v in changed.items()} if not is_new else None,
        after={"record": f"{record.__tablename__}:{record.id}"}
        | {k: _plain(v[1]) for k, v in changed.items()}
        | ({"reason": correction} if lock is not None else {}),
        ip=ip,
    )
    return changed


def delete_record(
    record: Any, *, decision: Decision, actor, now: datetime, action: str, ip: str = ""
) -> None:
    """Delete a record that is not locked (an issued record is never deleted). Audited."""
    if not _SEEDING:
        from portal.services import locks

        columns = [c.key for c in record.__table__.columns if c.key != "id"]
        if locks.is_frozen_by_archive(record, columns, decision):
            refuse([archived_violation()])
        lock = locks.lock_of(record, columns, decision)
        if lock is not None:
            refuse([locked_violation(lock)])
    snapshot = {c.key: _plain(getattr(record, c.key)) for c in record.__table__.columns}
    db.session.delete(record)
    decision.updated_at = now
    db.session.flush()
    audit.record(action, actor=actor, now=now, obj=decision, before=snapshot, ip=ip)


@contextmanager
def checked() -> Iterator[None]:
    """Inside a demo loader (``seeding``), write with the lock checks on again, so that a demo
    correction is recorded (kept, audited, shown) exactly like a real one (issue 11)."""
    global _SEEDING
    before, _SEEDING = _SEEDING, False
    try:
        yield
    finally:
        _SEEDING = before
