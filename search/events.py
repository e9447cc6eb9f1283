"""Search events from any change that alters what the public may see.

Services emit their own ``search.*`` outbox rows where they know best (moderation, supervision,
the adoption report). This hook is the safety net for everything else: whenever a flush changes
a field that decides whether or how an item appears in public (a decision's stage, title or
``non_disclosable`` flag, a document version being published, a hearing announced or cancelled,
a catalog or adjustment published), it adds the matching outbox row to the same transaction.
So an item leaves the index as soon as it stops being public, whichever screen changed it,
and nothing is lost if the process dies: the row commits with the change or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal import clock
from portal.models.outbox import OutboxMessage

# model name -> (topic, how to get the payload id, the watched attributes)
_WATCHED: dict[str, tuple[str, str, frozenset[str]]] = {
    "Decision": (
        "search.decision",
        "id",
        frozenset(
            {"title", "summary", "stage", "non_disclosable", "published_at", "category", "year"}
        ),
    ),
    "Document": ("search.decision", "decision_id", frozenset({"is_public", "title"})),
    "DocumentVersion": ("search.decision", "document.decision_id", frozenset({"published_at"})),
    "Hearing": (
        "search.hearing",
        "id",
        frozenset(
            {"announced_at", "list_published_at", "report_published_at", "cancelled_at", "title"}
        ),
    ),
    "Catalog": ("search.catalog", "id", frozenset({"status", "published_at"})),
    "CatalogAdjustment": ("search.catalog", "catalog_id", frozenset({"published_at"})),
}
_installed = False
_paused: ContextVar[bool] = ContextVar("search_events_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """No events while loading data that ``flask portal reindex`` indexes whole (the demo)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _value(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _changed(obj, names: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _before_flush(session: Session, _context, _instances) -> None:
    if _paused.get():
        return
    wanted: set[tuple[str, int]] = set()
    for obj in list(session.dirty) + list(session.new):
        spec = _WATCHED.get(type(obj).__name__)
        if spec is None:
            continue
        topic, path, names = spec
        if obj in session.dirty and not _changed(obj, names):
            continue
        if obj in session.new and type(obj).__name__ != "DocumentVersion":
            continue  # a new row is not public yet; publishing it is an update
        ident = _value(obj, path)
        if isinstance(ident, int):
            wanted.add((topic, ident))
    if not wanted:
        return
    already = {
        (m.topic, json.loads(m.payload).get("id"))
        for m in session.new
        if isinstance(m, OutboxMessage) and m.topic.startswith("search.")
    }
    now = clock.now()
    for topic, ident in sorted(wanted - already):
        session.add(
            OutboxMessage(
                topic=topic,
                payload=json.dumps({"id": ident}, sort_keys=True),
                created_at=now,
                available_at=now,
            )
        )


def install() -> None:
    """Listen on every session (once per process)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        _installed = True
