"""The registry of search sources: every kind of public item the portal indexes.

A *source* knows three things about one kind of item (decision, opinion, catalog entry, ...):

- how to list every public row as a search document (``iter_docs``, used by ``reindex``),
- how to turn given rows into documents, or ``None`` when a row is not (or no longer) public
  (``docs_for``, used by the outbox handlers and by the read-time safety net),
- which outbox topic re-indexes it (``topic``, payload ``{"id": <row id>}``), and, for items that
  belong to a decision, how a ``search.decision`` event affects them (``for_decision``).

Nothing non-public is ever returned by a source: that is the one place where "public" is
decided for search. A new kind (hearings, implementation updates, ...) is a small module that
builds a ``Source`` and calls :func:`register`; optional modules whose models do not exist yet
are skipped.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

log = logging.getLogger(__name__)

Doc = dict  # key, type, obj_id, decision_id, gov, year, stage, title, heading, body, url, date


@dataclass
class Scope:
    """What a ``search.decision`` event does to the items of one kind belonging to it."""

    replace: bool  # True: drop every indexed item of this kind of the decision, add ``docs``
    docs: list[Doc] = field(default_factory=list)


@dataclass
class Source:
    kind: str  # the ``type`` of its documents and the name of its index
    topic: str  # outbox topic with payload {"id": n}
    count: Callable[[], int]
    iter_docs: Callable[[], Iterator[Doc]]
    docs_for: Callable[[list[int]], dict[int, Doc | None]]
    # (decision_id, probe) -> Scope, or None to leave the kind alone. ``probe()`` returns how
    # many items of this kind the index holds for the decision and the stored fields of one.
    for_decision: Callable[[int, Callable[[], tuple[int, Doc | None]]], Scope | None] | None = None
    # Items of this kind that mention a decision without belonging to it (a catalog entry):
    # decision_id -> ids to refresh on a ``search.decision`` event.
    related: Callable[[int], list[int]] | None = None
    # The ids among these that are public now: one light query, run on every results page.
    public_ids: Callable[[list[int]], set[int]] | None = None
    weight: float = 1.0  # how results of this kind rank against other kinds
    order: int = 100  # display order of the type filter


_sources: dict[str, Source] = {}
_loaded = False

# Modules that define sources. Optional ones import models other issues add; a module whose
# model is missing raises ImportError and is skipped until the model exists.
BUILTIN = ("search.sources.decisions", "search.sources.opinions", "search.sources.catalogs")
OPTIONAL = ("search.sources.hearings", "search.sources.updates")


def register(source: Source) -> Source:
    _sources[source.kind] = source
    return source


def load() -> dict[str, Source]:
    global _loaded
    if not _loaded:
        for name in BUILTIN:
            importlib.import_module(name)
        for name in OPTIONAL:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                log.info("search source %s not available yet: %s", name, exc)
        _loaded = True
    return dict(sorted(_sources.items(), key=lambda kv: (kv[1].order, kv[0])))


def all_sources() -> list[Source]:
    return list(load().values())


def get(kind: str) -> Source | None:
    return load().get(kind)


def by_topic(topic: str) -> list[Source]:
    return [s for s in all_sources() if s.topic == topic]


def topics() -> set[str]:
    return {s.topic for s in all_sources()} | {DECISION_TOPIC}


DECISION_TOPIC = "search.decision"


def naive(value: datetime | None) -> datetime:
    """Whoosh DATETIME fields take naive UTC."""
    if value is None:
        return datetime(1970, 1, 1)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def still_public(source: Source, ids: list[int]) -> set[int]:
    if source.public_ids is not None:
        return source.public_ids(ids)
    return {i for i, doc in source.docs_for(ids).items() if doc is not None}


def chunks(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(int(i))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
