"""Dates of the later stage records that start or stop a statutory clock (issue 11).

A submission, a supplement's receipt, an opinion, a meeting, a publication or a filing is
recorded when it has happened: never in the future, never before the fact it follows (the
rule that orders them is cited). Both checks come from ``portal.rules.locks``; this module
only names them for the services of legality review, deliberation, publication and changes.
"""

from __future__ import annotations

from datetime import date, datetime

from portal.rules.errors import RuleViolation
from portal.rules.locks import clock_date_violations
from portal.rules.workdays import local_date


def today_of(now: datetime) -> date:
    """The local (Asia/Shanghai) day of ``now``."""
    return local_date(now)


def not_future(name: str, day: date | None, now: datetime, rule: str) -> list[RuleViolation]:
    """``day`` has happened already (``rule`` is the clock it starts or stops)."""
    return clock_date_violations(name, day, today=today_of(now), rule=rule)


def not_before(name: str, day: date | None, floor: date | None, rule: str) -> list[RuleViolation]:
    """``day`` is not before ``floor``, the fact it follows under ``rule``."""
    if day is None or floor is None:
        return []
    return clock_date_violations(name, day, today=date.max, not_before=floor, rule=rule)
