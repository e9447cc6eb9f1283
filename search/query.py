"""Searching the index: one searcher per process, refreshed when the index changes."""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape
from whoosh import index
from whoosh.highlight import ContextFragmenter, HtmlFormatter, get_text
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import Term

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 200


class MarkFormatter(HtmlFormatter):
    """Matched terms as plain ``<mark>``; the surrounding text is HTML-escaped by Whoosh."""

    def format_token(self, text, token, replace=False):
        # str() first: str + Markup would escape the "<mark>" tags themselves.
        return "<mark>" + str(escape(get_text(text, token, replace))) + "</mark>"


class SearchUnavailable(RuntimeError):
    """The index is missing or unreadable; pages say so and the log says how to rebuild."""


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    snippet: str  # HTML with <mark>, escaped by Whoosh's formatter
    score: float


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int


class Searcher:
    def __init__(self, search_dir: Path) -> None:
        self.search_dir = search_dir
        self._lock = threading.Lock()
        self._ix = None
        self._searcher = None

    def _current(self):
        with self._lock:
            try:
                if self._searcher is None or not self._searcher.up_to_date():
                    # Reopen rather than Searcher.refresh(): refresh() reuses segment readers
                    # and misses documents deleted from an existing segment, which would keep
                    # a withdrawn item findable. The old searcher is not closed here: another
                    # thread may still be reading from it; it is released when unreferenced.
                    self._ix = index.open_dir(str(self.search_dir))
                    self._searcher = self._ix.searcher()
            except Exception as exc:
                self._searcher = None
                log.error(
                    "search index unreadable at %s (%s); rebuild it with `flask portal reindex`",
                    self.search_dir,
                    exc,
                )
                raise SearchUnavailable(str(exc)) from exc
            return self._searcher

    def search(
        self, q: str, *, page: int = 1, per_page: int = 20, filters: dict[str, str] | None = None
    ) -> Results:
        text = clean_query(q)
        if not text:
            return Results([], 0, page, per_page)
        searcher = self._current()
        parser = MultifieldParser(["title", "body"], self._ix.schema, group=OrGroup.factory(0.9))
        query = parser.parse(text)
        filt = None
        for field, value in (filters or {}).items():
            if value:
                term = Term(field, value)
                filt = term if filt is None else filt & term
        try:
            page_obj = searcher.search_page(query, page, pagelen=per_page, filter=filt)
        except ValueError:
            return Results([], 0, page, per_page)
        page_obj.results.fragmenter = ContextFragmenter(maxchars=160, surround=40)
        page_obj.results.formatter = MarkFormatter()
        hits = []
        for hit in page_obj:
            # Whoosh's formatter escapes what it returns; the fallback must be escaped here.
            snippet = hit.highlights("body", top=2) or str(escape((hit.get("body") or "")[:120]))
            hits.append(
                Hit(
                    hit["type"],
                    hit["obj_id"],
                    hit["title"],
                    hit["url"],
                    snippet,
                    round(hit.score or 0.0, 3),
                )
            )
        return Results(hits, page_obj.total, page, per_page)


def clean_query(q: str) -> str:
    """Normalise, drop control characters and query syntax, cap the length."""
    q = unicodedata.normalize("NFKC", q or "")[: MAX_QUERY_CHARS * 4]
    keep = []
    for ch in q:
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            keep.append(ch)
        else:
            keep.append(" ")
    return " ".join("".join(keep).split())[:MAX_QUERY_CHARS]
