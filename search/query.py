"""Searching: the request and result types shared by the backends, and the Whoosh engine.

Why this is fast on 100,000 opinions when a plain single-index search is not:

- one index per kind: a type filter searches one index; small kinds are never slowed by the
  large opinion index, and each index is reopened only when it changes;
- words are matched as single index terms and all of them are required (an ``And`` of terms),
  and only the top ``page * per_page`` are collected with Whoosh's block-quality skipping: no
  exact total is counted when that would mean scoring every match (the page then says "about");
- a time limit per search returns the best hits found so far with an honest "partial" flag;
- snippets are cut from the stored text with a regular expression (no re-analysis);
- results are cached per process, keyed by the indexes' generation, so a changed index is never
  answered from the cache.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from markupsafe import Markup
from whoosh import collectors
from whoosh.query import And, Or, Term

from search.analyzers import query_words, sub_words
from search.whoosh_store import LARGE_INDEX, IndexMissing, Reader

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
MAX_RESULTS = 1000  # deepest result reachable by paging (page * per_page)
TIME_LIMIT = 0.25  # seconds for the collecting of one search (all kinds)
CACHE_SIZE = 1024
REBUILD_HINT = "rebuild it with `flask portal reindex`"
# Spelling suggestions come from the small indexes' vocabularies (quick to scan).
SUGGEST_FROM = (
    ("decision", "title"),
    ("catalog", "body"),
    ("hearing", "title"),
    ("decision", "body"),
)


class DeadlineCollector(collectors.WrappingCollector):
    """Stops collecting at a deadline (checked every 128 matches; no timer thread, no signal,
    so it works in any request thread). What was collected so far stays available."""

    def __init__(self, child, deadline: float) -> None:
        self.child = child
        self.deadline = deadline
        self.timed_out = False

    def collect_matches(self):
        if self.timed_out:
            return
        child = self.child
        clock = time.perf_counter
        deadline = self.deadline
        for n, sub_docnum in enumerate(child.matches(), 1):
            child.collect(sub_docnum)
            if not n & 127 and clock() > deadline:
                self.timed_out = True
                return


class SearchUnavailable(RuntimeError):
    """The index is missing or unreadable; pages say so and the log says how to rebuild."""


@dataclass(frozen=True)
class SearchRequest:
    text: str
    kinds: tuple[str, ...] = ()
    gov: str = ""
    year: str = ""
    stage: str = ""
    sort: str = "relevance"  # or "date"
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    snippet: Markup  # escaped text with <mark> around matches
    score: float
    date: datetime | None = None
    decision_id: int = 0
    gov: str = ""
    body: str = ""  # the stored text (to cut the snippet); not sent to clients


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    total_exact: bool = True
    partial: bool = False  # the time limit stopped the search: better hits may exist
    relaxed: bool = False  # no item had every word: these have some of them
    suggestion: str = ""  # "did you mean"
    words: list[str] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        reachable = min(self.total, MAX_RESULTS)
        return max(1, -(-reachable // self.per_page))


def clean_query(q: str) -> str:
    """Normalise, drop control characters and query syntax, cap the length."""
    q = unicodedata.normalize("NFKC", q or "")[: MAX_QUERY_CHARS * 4]
    keep = []
    for ch in q:
        keep.append(ch if unicodedata.category(ch)[0] in "LN" else " ")
    return " ".join("".join(keep).split())[:MAX_QUERY_CHARS]


TITLE_BONUS = 20.0
TITLE_CHECK = 50  # candidates per kind whose title is looked at


def _in_title(word: str, title: str) -> bool:
    return word in title or (bool(sub_words(word)) and all(w in title for w in sub_words(word)))


def _real_date(value: datetime | None) -> datetime | None:
    """Sources store 1970-01-01 when an item has no date; show none."""
    return value if value is not None and value.year > 1970 else None


def highlight_terms(words: list[str]) -> list[str]:
    terms = list(words)
    for w in words:
        terms.extend(sub_words(w))
    return terms


class WhooshEngine:
    def __init__(self, search_dir: Path, weights: dict[str, float] | None = None) -> None:
        self.reader = Reader(search_dir)
        self.weights = weights or {}
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        # Whoosh readers share file objects: one search at a time per process. Searching is
        # pure Python, so threads would not run it in parallel anyway (the GIL).
        self._search_lock = threading.Lock()
        self.time_limit = TIME_LIMIT

    def _snapshot(self):
        try:
            with self._lock:
                return self.reader.snapshot()
        except (IndexMissing, OSError, ValueError, EOFError, KeyError) as exc:
            log.error(
                "search index unreadable at %s (%s); %s", self.reader.search_dir, exc, REBUILD_HINT
            )
            raise SearchUnavailable(str(exc)) from exc
        except Exception as exc:  # a corrupt file can raise nearly anything inside Whoosh
            log.error(
                "search index unreadable at %s (%r); %s", self.reader.search_dir, exc, REBUILD_HINT
            )
            raise SearchUnavailable(str(exc)) from exc

    def kinds(self) -> list[str]:
        return sorted(self._snapshot().searchers)

    def search(self, req: SearchRequest) -> Results:
        text = clean_query(req.text)
        words = query_words(text) if text else []
        if not words:
            return Results([], 0, req.page, req.per_page)
        snap = self._snapshot()
        key = (snap.generation, tuple(words), replace(req, text=""))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        try:
            with self._search_lock:
                results = self._search(snap, words, req)
        except SearchUnavailable:
            raise
        except Exception as exc:
            log.error("search failed on %s (%r); %s", self.reader.search_dir, exc, REBUILD_HINT)
            raise SearchUnavailable(str(exc)) from exc
        if not results.partial:
            with self._lock:
                self._cache[key] = results
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return results

    # -- internals ------------------------------------------------------------------------------

    def _word_query(self, reader, word: str):
        """One word as index terms: the word itself, or the shorter words inside it."""
        if reader.doc_frequency("title", word) or reader.doc_frequency("body", word):
            return Or([Term("title", word), Term("body", word)])
        subs = [
            w
            for w in sub_words(word)
            if reader.doc_frequency("title", w) or reader.doc_frequency("body", w)
        ]
        if not subs:
            return None
        return And([Or([Term("title", w), Term("body", w)]) for w in subs])

    def _query(self, searcher, words: list[str], req: SearchRequest, require_all: bool):
        reader = searcher.reader()
        parts = [self._word_query(reader, w) for w in words]
        if require_all:
            if any(p is None for p in parts):
                return None
            q = parts[0] if len(parts) == 1 else And(parts)
        else:
            parts = [p for p in parts if p is not None]
            if not parts:
                return None
            q = parts[0] if len(parts) == 1 else Or(parts)
        filters = [
            Term(name, value)
            for name, value in (("gov", req.gov), ("year", req.year), ("stage", req.stage))
            if value
        ]
        return And([q, *filters]) if filters else q

    def _search(self, snap, words: list[str], req: SearchRequest) -> Results:
        kinds = [k for k in (req.kinds or sorted(snap.searchers)) if k in snap.searchers]
        results = self._collect(snap, kinds, words, req, require_all=True)
        if not results.hits and len(words) > 1:
            results = self._collect(snap, kinds, words, req, require_all=False)
            results.relaxed = bool(results.hits)
        if not results.hits:
            results.suggestion = self._suggest(snap, words)
        return results

    def _collect(self, snap, kinds, words, req: SearchRequest, require_all: bool) -> Results:
        need = min(req.page * req.per_page, MAX_RESULTS)
        deadline = time.perf_counter() + self.time_limit
        candidates = []  # (sort key, kind, docnum, score)
        total = 0
        exact = True
        partial = False
        by_type: dict[str, int] = {}
        # Small indexes first: the large ones get whatever time is left.
        ordered = sorted(kinds, key=lambda k: snap.searchers[k].doc_count())
        for kind in ordered:
            searcher = snap.searchers[kind]
            q = self._query(searcher, words, req, require_all)
            if q is None:
                by_type[kind] = 0
                continue
            weight = self.weights.get(kind, 1.0)
            if req.sort == "date":
                inner = collectors.SortingCollector("date_sort", limit=need, reverse=True)
            else:
                # Small indexes count exactly; large ones skip low-scoring blocks.
                inner = collectors.TopCollector(
                    limit=need, usequality=searcher.doc_count() > LARGE_INDEX
                )
            dc = DeadlineCollector(inner, deadline)
            searcher.search_with_collector(q, dc)
            res = dc.results()
            partial = partial or dc.timed_out
            if inner.computes_count() and not dc.timed_out:
                count = inner.count()
            else:
                count = max(len(res.top_n), q.estimate_min_size(searcher.reader()))
                exact = False
            by_type[kind] = count
            total += count
            for rank, (score, docnum) in enumerate(res.top_n):
                score = float(score)
                if req.sort != "date" and rank < TITLE_CHECK:
                    # Scores of different indexes are not comparable (a word in every title
                    # of a small index has a low idf): an item named by the words comes first.
                    title = (searcher.stored_fields(docnum).get("title") or "").lower()
                    if all(_in_title(w, title) for w in words):
                        score += TITLE_BONUS
                key = 0.0 if req.sort == "date" else -score * weight
                candidates.append((key, kind, docnum, score * weight))
        if req.sort == "date":
            dated = []
            for _key, kind, docnum, score in candidates:
                stored = snap.searchers[kind].stored_fields(docnum)
                dated.append((stored.get("date") or datetime(1970, 1, 1), kind, docnum, score))
            top = heapq.nlargest(need, dated, key=lambda t: (t[0], t[3]))
            chosen = [(kind, docnum, score) for _d, kind, docnum, score in top]
        else:
            top = heapq.nsmallest(need, candidates, key=lambda t: (t[0], t[1], t[2]))
            chosen = [(kind, docnum, score) for _k, kind, docnum, score in top]
        start = (req.page - 1) * req.per_page
        hits = []
        terms = highlight_terms(words)
        from search.highlight import snippet

        for kind, docnum, score in chosen[start : start + req.per_page]:
            stored = snap.searchers[kind].stored_fields(docnum)
            body = stored.get("body") or ""
            hits.append(
                Hit(
                    type=kind,
                    id=int(stored["obj_id"]),
                    title=stored.get("heading") or stored.get("title") or "",
                    url=stored.get("url") or "",
                    snippet=snippet(body, terms),
                    score=round(score, 3),
                    date=_real_date(stored.get("date")),
                    decision_id=int(stored.get("decision_id") or 0),
                    gov=stored.get("gov") or "",
                )
            )
        return Results(
            hits,
            total,
            req.page,
            req.per_page,
            total_exact=exact,
            partial=partial,
            words=words,
            by_type=by_type,
        )

    def _suggest(self, snap, words: list[str]) -> str:
        """Whoosh's spelling correction against the small indexes' vocabularies; offered only
        when every word of the corrected query occurs somewhere."""

        def known(word: str) -> bool:
            return any(
                s.reader().doc_frequency("body", word) or s.reader().doc_frequency("title", word)
                for s in snap.searchers.values()
            )

        changed = False
        out = []
        for word in words:
            best = word
            if len(word) >= 2 and not known(word):
                for kind, fieldname in SUGGEST_FROM:
                    searcher = snap.searchers.get(kind)
                    if searcher is None:
                        continue
                    try:
                        found = searcher.suggest(fieldname, word, limit=1, maxdist=1)
                    except Exception:  # a suggestion is a nicety
                        found = []
                    if found:
                        best, changed = found[0], True
                        break
                else:
                    return ""  # a word nothing resembles: no useful suggestion
            out.append(best)
        if not changed or not all(known(w) for w in out):
            return ""
        return " ".join(out)
