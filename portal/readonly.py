"""No write on GET (architecture.md: one write path).

A GET or HEAD request reads; it never writes the database. Every write goes through a form or
JSON POST that a named service handles and ``portal.transaction.run`` commits. This module is
the guard that makes a write during a GET/HEAD request visible at once, whoever wrote it:

- the ORM's ``before_flush``: new, changed (with a net change) or deleted objects;
- ``do_orm_execute``: an INSERT, UPDATE or DELETE statement run through the session;
- the engine's ``before_cursor_execute``: any INSERT/UPDATE/DELETE/REPLACE/MERGE statement,
  even one written as text or run on a raw connection;
- ``before_commit``: a commit attempted while the request wrote something.

What happens then depends on ``WRITE_ON_GET`` (``PORTAL_WRITE_ON_GET``):

``raise`` (the default under ``TESTING``)
    The write is refused with :class:`WriteOnGet` at the first statement, so the test that
    drove the page fails and names the page and the objects. Every test of the suite is
    therefore also a check that its GET pages do not write.

``log`` (the production default)
    The write is logged as an error (page, endpoint, what was written) and never committed:
    the flush stays inside the request's transaction, which Flask-SQLAlchemy rolls back when
    the request ends, and a commit attempted in the same request is refused with
    :class:`WriteOnGet` (the citizen gets the error page, which says nothing was saved). A page
    that only flushed by accident (autoflush) still renders. Nothing a GET wrote survives it:
    a latent bug shows in the log rather than as a broken public page, and the record stays
    what the services wrote.

``off``
    No guard (only for a maintenance shell that knows what it does).

Every refused or logged write is also appended to ``app.extensions["write_on_get"]`` (a bounded
list), which the route-walking test reads.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
MODES = ("raise", "log", "off")
_DML = re.compile(r"^\s*(?:/\*.*?\*/\s*)*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.I | re.S)
_RECORD_MAX = 200


class WriteOnGet(RuntimeError):
    """A GET/HEAD request tried to write the database."""


def mode(app: Flask | None = None) -> str:
    app = app or current_app
    value = str(app.config.get("WRITE_ON_GET") or "").strip().lower()
    if value not in MODES:
        from portal.config import env

        value = (env("WRITE_ON_GET") or "").strip().lower()
    if value not in MODES:
        value = "raise" if app.testing else "log"
    return value


_FLAG = "portal.read_only"
_WROTE = "portal.wrote_on_get"


def _active() -> bool:
    # Kept in the request's WSGI environ, not in ``g``: a test's app context (and its ``g``)
    # outlives the requests it makes.
    return has_request_context() and bool(request.environ.get(_FLAG))


def _describe(obj: Any) -> str:
    table = getattr(obj, "__tablename__", type(obj).__name__)
    return f"{table}:{getattr(obj, 'id', None)}"


def _found(what: str) -> None:
    """A write during a GET/HEAD request: record it, then raise or log."""
    app = current_app._get_current_object()
    entry = {
        "method": request.method,
        "path": request.full_path.rstrip("?"),
        "endpoint": request.endpoint or "",
        "what": what,
    }
    found = app.extensions.setdefault("write_on_get", deque(maxlen=_RECORD_MAX))
    found.append(entry)
    request.environ[_WROTE] = True
    message = f"write during {entry['method']} {entry['path']} ({entry['endpoint']}): {what}"
    if mode(app) == "raise":
        raise WriteOnGet(message)
    log.error("refused: %s", message)


def _before_flush(session: Session, _context, _instances) -> None:
    if not _active() or not _pending(session):
        return
    changed = [o for o in session.dirty if session.is_modified(o)]
    parts = []
    for label, objs in (("new", session.new), ("changed", changed), ("deleted", session.deleted)):
        if objs:
            parts.append(f"{label} " + ", ".join(sorted(_describe(o) for o in objs)[:10]))
    _found("; ".join(parts))


def _do_orm_execute(state) -> None:
    if _active() and (state.is_insert or state.is_update or state.is_delete):
        _found(f"statement {str(state.statement).split(None, 3)[:3]}")


def _before_cursor_execute(_conn, _cursor, statement, _params, _context, _executemany) -> None:
    if _active() and _DML.match(statement or ""):
        if request.environ.get(_WROTE) and mode() == "log":
            return  # already logged for this request; the transaction is rolled back
        _found(f"SQL {' '.join((statement or '').split())[:120]}")


def _pending(session: Session) -> bool:
    return bool(
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    )


def _before_commit(session: Session) -> None:
    if not _active():
        return
    if _pending(session) and not request.environ.get(_WROTE):
        # the flush of the commit itself would write (it fires after this event): name it
        _before_flush(session, None, None)
    if request.environ.get(_WROTE):
        # In "log" mode a flush may have gone through inside the transaction: never commit it.
        raise WriteOnGet(f"commit refused during {request.method} {request.path}")


_LISTENING = False


def _listen() -> None:
    global _LISTENING
    if _LISTENING:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    _LISTENING = True


def init_app(app: Flask) -> None:
    """Guard every GET/HEAD request of ``app`` (see the module docstring)."""
    _listen()

    @app.before_request
    def _read_only_request() -> None:
        if request.method not in READ_METHODS or mode(app) == "off":
            return
        from portal.extensions import db

        session = db.session()
        if session.new or session.dirty or session.deleted:
            # Only a test that shares its session with the request gets here (each request
            # has its own session otherwise): what the test itself left pending is not the
            # request's write.
            session.flush()
        request.environ[_FLAG] = True
