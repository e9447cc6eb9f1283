"""The app-facing search API: one ``Searcher`` per process, kept on the app."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from search.query import Results, Searcher, SearchUnavailable

__all__ = ["Results", "SearchUnavailable", "get_searcher", "search"]


def get_searcher() -> Searcher:
    searcher = current_app.extensions.get("portal_searcher")
    if searcher is None:
        searcher = Searcher(Path(current_app.config["SEARCH_DIR"]))
        current_app.extensions["portal_searcher"] = searcher
    return searcher


def search(q: str, *, page: int = 1, per_page: int = 20, **filters: str) -> Results:
    return get_searcher().search(q, page=page, per_page=per_page, filters=filters)
