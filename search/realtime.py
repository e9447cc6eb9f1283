"""Prompt indexing without a separate worker: drain the search outbox right after a commit.

The default setup (``make run``: gunicorn, 2 workers, no ``drain-outbox`` timer) has nobody to
process outbox rows, yet an approved opinion must be searchable within a second. So:

1. ``after_flush`` notes that the transaction wrote a ``search.*`` outbox row;
2. ``after_commit`` wakes this process's syncer thread (the rows are durable now);
3. the thread, in its own app context and session, takes the host's index writer lock, applies
   every pending search row in one batch (one Whoosh commit) and marks them processed.

The outbox row stays the durable record: if the process dies before step 3, the next wake-up
(any process, any commit, or the periodic sweep) or ``flask portal drain-outbox`` handles it.
A failing batch falls back to the outbox's one-by-one drain with retries and back-off.

``PORTAL_SEARCH_SYNC``: ``thread`` (default), ``inline`` (drain in the committing thread after
the commit; deterministic, for tests) or ``off`` (only ``drain-outbox``). Under ``TESTING`` the
default is ``off``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.outbox import OutboxMessage

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0  # leftovers (a crashed process, a retry after back-off) are picked up
BATCH = 500
_installed = False


def mode(app: Flask) -> str:
    value = app.config.get("SEARCH_SYNC") or os.environ.get("PORTAL_SEARCH_SYNC")
    if not value:
        value = "off" if app.testing else "thread"
    return str(value).lower()


def search_topics() -> set[str]:
    from search import sources

    return sources.topics()


def drain(now=None, limit: int = BATCH) -> int:
    """Apply every due search outbox row in one batch; returns how many were processed.

    Needs an app context. Holds the host's index writer lock while it works, so the rows it
    reads cannot be applied twice at the same time by another process on this host.
    """
    from portal import clock
    from portal.services import outbox
    from search.indexer import apply_events
    from search.service import backend

    now = now or clock.now()
    topics = sorted(search_topics())
    be = backend()
    failed = False
    with be.batch() as b:
        rows = db.session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.processed_at.is_(None),
                OutboxMessage.available_at <= now,
                OutboxMessage.topic.in_(topics),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        if not rows:
            db.session.rollback()
            return 0
        if b is not None:
            try:
                apply_events(b, [(r.topic, json.loads(r.payload)) for r in rows])
            except Exception:
                log.exception("search batch failed; retrying the messages one by one")
                b.cancel()
                db.session.rollback()
                failed = True
        if not failed:
            for r in rows:
                r.processed_at = now
    if not failed:
        # After the index committed (leaving the batch); with the PostgreSQL backend the index
        # rows and the processed marks commit together here.
        db.session.commit()
        return len(rows)
    # Outside the lock: each message takes it again through its handler.
    _register_handlers(current_app)
    ok, _bad = outbox.drain(now=now, limit=limit, topics=set(topics))
    return ok


def _register_handlers(app: Flask) -> None:
    from portal.workers import register_handlers

    register_handlers(app)


class Syncer:
    """One background thread per process (recreated after a fork)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.lock = threading.Lock()
        self.idle = threading.Event()
        self.idle.set()
        self.last_drain = 0.0

    def notify(self) -> None:
        self._ensure()
        self.wake.set()

    def _ensure(self) -> None:
        with self.lock:
            if self.thread is not None and self.pid == os.getpid() and self.thread.is_alive():
                return
            self.pid = os.getpid()
            self.wake = threading.Event()
            self.thread = threading.Thread(target=self._run, name="search-sync", daemon=True)
            self.thread.start()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Until nothing is pending in this process's syncer (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle.is_set() and not self.wake.is_set():
                return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        self.wake.set()  # the loop sees that the mode changed and ends

    def _run(self) -> None:
        while True:
            woken = self.wake.wait(SWEEP_SECONDS)
            self.idle.clear()
            self.wake.clear()
            if mode(self.app) != "thread":
                self.idle.set()
                return
            try:
                with self.app.app_context():
                    while drain() >= BATCH:
                        pass
                    db.session.remove()
                self.last_drain = time.time()
            except Exception:
                log.exception("search sync failed; `flask portal drain-outbox` retries it")
                time.sleep(1.0 if woken else SWEEP_SECONDS)
            finally:
                self.idle.set()


def _syncer(app: Flask) -> Syncer:
    syncer = app.extensions.get("portal_search_syncer")
    if syncer is None:
        syncer = app.extensions["portal_search_syncer"] = Syncer(app)
    return syncer


def _after_flush(session: Session, _ctx) -> None:
    for obj in session.new:
        if isinstance(obj, OutboxMessage) and obj.topic.startswith("search."):
            session.info["search_pending"] = True
            return


def _after_commit(session: Session) -> None:
    if not session.info.pop("search_pending", False):
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return
    how = mode(app)
    if how == "thread":
        _syncer(app).notify()
    elif how == "inline":
        try:
            with app.app_context():  # a fresh session: this one cannot run SQL here
                drain()
                db.session.remove()
        except Exception:
            log.exception("search sync failed; `flask portal drain-outbox` retries it")


def _after_rollback(session: Session) -> None:
    session.info.pop("search_pending", None)


def install(app: Flask) -> None:
    """Listen to every session's commits (once per process) and start the syncer lazily."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
        _installed = True

    @app.before_request
    def _start_syncer() -> None:
        # The periodic sweep runs from the first request on (after gunicorn forked).
        if mode(app) == "thread":
            syncer = _syncer(app)
            if syncer.thread is None or syncer.pid != os.getpid():
                syncer.notify()
