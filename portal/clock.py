"""The one clock. Services take ``now`` as an argument; views get it from here; tests replace it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Tests only: pin ``now()`` to ``moment`` (aware), or release it with ``None``."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment


def local_zone(name: str = "Asia/Shanghai") -> ZoneInfo:
    return ZoneInfo(name)


def local_today(zone: str = "Asia/Shanghai") -> date:
    return now().astimezone(ZoneInfo(zone)).date()


def to_local(moment: datetime, zone: str = "Asia/Shanghai") -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone))
