"""The app-facing search API: the backend of the current app (Whoosh by default, PostgreSQL
with ``PORTAL_SEARCH_BACKEND=postgres``), one per process, kept on the app.

Every page of results passes a last check against the database before it is shown: a hit whose
item is no longer public (withheld, made not-disclosable) is dropped even if the index has not
caught up yet.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from flask import current_app

from search import sources as registry
from search.query import (
    Hit,
    Results,
    SearchRequest,
    SearchUnavailable,
    WhooshEngine,
    clean_query,
)

__all__ = [
    "Hit",
    "Results",
    "SearchRequest",
    "SearchUnavailable",
    "backend",
    "clean_query",
    "kinds",
    "search",
]

log = logging.getLogger(__name__)


class WhooshBackend:
    name = "whoosh"

    def __init__(self, search_dir: Path) -> None:
        self.search_dir = search_dir
        weights = {s.kind: s.weight for s in registry.all_sources()}
        self.engine = WhooshEngine(search_dir, weights)

    @contextmanager
    def batch(self):
        from search import whoosh_store

        with whoosh_store.batch(self.search_dir) as b:
            yield b

    def rebuild(self, sources, progress=None) -> dict[str, int]:
        from search import whoosh_store

        return whoosh_store.rebuild(self.search_dir, sources, progress)

    def search(self, req: SearchRequest) -> Results:
        return self.engine.search(req)


def backend():
    app = current_app
    found = app.extensions.get("portal_search_backend")
    if found is None:
        if str(app.config.get("SEARCH_BACKEND", "whoosh")).lower() in ("postgres", "postgresql"):
            from search.pg import PostgresBackend

            found = PostgresBackend()
        else:
            found = WhooshBackend(Path(app.config["SEARCH_DIR"]))
        app.extensions["portal_search_backend"] = found
    return found


def reset() -> None:
    """Forget the backend (tests that swap the index folder or the backend)."""
    current_app.extensions.pop("portal_search_backend", None)
    current_app.extensions.pop("portal_searcher", None)


def kinds() -> list[str]:
    """The kinds that can be searched, in display order."""
    return [s.kind for s in registry.all_sources()]


def _still_public(hits: list[Hit]) -> list[Hit]:
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.type, []).append(hit.id)
    public: set[tuple[str, int]] = set()
    for kind, ids in by_kind.items():
        source = registry.get(kind)
        if source is None:
            continue
        public.update((kind, obj_id) for obj_id in registry.still_public(source, ids))
    kept = [h for h in hits if (h.type, h.id) in public]
    if len(kept) != len(hits):
        log.warning(
            "search index is behind the database: %d non-public hit(s) dropped",
            len(hits) - len(kept),
        )
    return kept


def search(
    q: str,
    *,
    page: int = 1,
    per_page: int = 20,
    kinds: tuple[str, ...] | list[str] = (),
    gov: str = "",
    year: str | int = "",
    stage: str = "",
    sort: str = "relevance",
) -> Results:
    req = SearchRequest(
        text=q,
        kinds=tuple(k for k in kinds if registry.get(k) is not None),
        gov=gov or "",
        year=str(year or ""),
        stage=stage or "",
        sort="date" if sort == "date" else "relevance",
        page=max(1, page),
        per_page=max(1, per_page),
    )
    results = backend().search(req)
    if not results.hits:
        return results
    return replace(results, hits=_still_public(results.hits))
