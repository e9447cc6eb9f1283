"""The one place a request's writes are committed (architecture.md: one write path).

Services flush and never commit; a view hands its service call to :func:`run`, which commits
once when the call returns and rolls back when it raises (a ``RuleViolation`` refusal, a
database error, anything), so that nothing is acknowledged before it is committed and no half
record survives a refusal. Views never call ``db.session.commit()`` or ``rollback()``
themselves (a test walks the view modules to make sure).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from portal.extensions import db

T = TypeVar("T")


def run(call: Callable[[], T]) -> T:
    """Run ``call`` (one or more service calls) in the request's transaction and commit it.

    On any exception the transaction is rolled back and the exception propagates: the caller
    turns a ``RuleViolation`` into a 422 page or the JSON error object.
    """
    try:
        result = call()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def discard() -> None:
    """Drop whatever the request flushed without committing it (a read-only path that had to
    build throw-away rows, such as a preview)."""
    db.session.rollback()
