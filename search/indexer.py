"""Keeping the index in step with the database: outbox events in, index changes out.

Every change goes through a backend *batch* (Whoosh: one writer per kind under the host's writer
lock; PostgreSQL: rows of ``search_documents`` in the caller's transaction). What is public is
decided by the sources (``search.sources``) alone: an item that is not public is deleted.

Events are outbox topics with a payload ``{"id": n}``:

- ``search.decision``: the decision itself, its documents and publications, and whatever else
  belongs to it (its opinions leave the index when the decision stops being public),
- ``search.opinion``, ``search.catalog``, ``search.hearing``, ``search.update``, ...: one item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from search import sources as registry
from search.sources import DECISION_TOPIC


def apply_events(batch, events: Iterable[tuple[str, dict]]) -> int:
    """Apply outbox events to a backend batch; returns the number of documents touched."""
    decision_ids: set[int] = set()
    items: dict[str, set[int]] = defaultdict(set)
    for topic, payload in events:
        try:
            # {"id": n}; a decision event may also say {"decision_id": n}.
            obj_id = int(payload.get("id", payload.get("decision_id")))
        except (AttributeError, TypeError, ValueError):
            continue
        if topic == DECISION_TOPIC:
            decision_ids.add(obj_id)
            for source in registry.all_sources():
                if source.related is not None:
                    items[source.kind].update(source.related(obj_id))
        for source in registry.by_topic(topic):
            if topic != DECISION_TOPIC:
                items[source.kind].add(obj_id)
    touched = 0
    added: set[str] = set()
    for decision_id in sorted(decision_ids):
        for source in registry.all_sources():
            if source.for_decision is None:
                continue
            kind = source.kind
            scope = source.for_decision(
                decision_id, lambda kind=kind, d=decision_id: batch.probe(kind, d)
            )
            if scope is None:
                continue
            batch.replace_scope(kind, decision_id, scope.docs)
            added.update(doc["key"] for doc in scope.docs)
            touched += len(scope.docs) or 1
    for kind, ids in items.items():
        source = registry.get(kind)
        if source is None:
            continue
        for obj_id, doc in source.docs_for(sorted(ids)).items():
            key = f"{kind}:{obj_id}"
            if key in added:
                continue  # already written fresh by its decision's scope in this batch
            batch.put(kind, key, doc)
            touched += 1
    return touched


def sync(events: list[tuple[str, dict]]) -> int:
    """Apply events with the current app's backend (commits the index, not the session)."""
    from search.service import backend

    with backend().batch() as b:
        if b is None:
            return 0
        return apply_events(b, events)


def reindex(progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Rebuild the whole index of the current app's backend from the database."""
    from search.service import backend

    return backend().rebuild(registry.all_sources(), progress)
