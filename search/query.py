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
from whoosh.query import And, AndMaybe, Or, Term

from search.analyzers import query_words, sub_words
from search.whoosh_store import FREQUENT_SHARE, LARGE_INDEX, IndexMissing, Reader

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


class TopCollector(collectors.TopCollector):
    """Whoosh's TopCollector raises the score a hit must beat only when a collected hit is
    replaced; while the hits found first all tie (a query of frequent words, each scoring its
    idf once) that never happens and no block is skipped. Here the bar is set as soon as the
    top is full, so the remaining blocks, which can at best tie, are skipped."""

    def _collect(self, global_docnum, score):
        out = super()._collect(global_docnum, score)
        if len(self.items) >= self.limit:
            self.minscore = self.items[0][0]
        return out


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


# -- query planning ----------------------------------------------------------------------------
#
# A query of a few words requires every word. A longer one (a sentence pasted from an opinion)
# is planned per index: its words are weighed by document frequency, the rarest few (at most
# REQUIRED_WORDS) are required and find the candidates, the other selective words only add to
# the score of those candidates (Whoosh's AndMaybe skips to the candidates in their postings),
# and words in a large share of the index are left out of matching altogether (they would
# cost a step per posting and barely change the ranking). Words the index does not know, such
# as a character cut off at either end of a pasted sentence, do not make such a query fail.

LONG_QUERY = 4  # words: from here on a query is planned as above
REQUIRED_WORDS = 3  # required words of a long query (also bounds the relaxed any-word query)
OPTIONAL_WORDS = 6  # words of a long query that only add to the score of the candidates


@dataclass(frozen=True)
class WordPlan:
    word: str
    query: object  # whoosh query: the word in the fields that have it, or its sub-words
    df: int  # estimated number of documents with the word (the selectivity)
    frequent: bool

    @property
    def weak(self) -> bool:
        """A single character: in a long query often half a word cut off by the paste."""
        return len(self.word) < 2


@dataclass
class QueryPlan:
    required: list[WordPlan]
    optional: list[WordPlan] = field(default_factory=list)
    any_word: bool = False  # relaxed: any of the required words
    left_out: list[str] = field(default_factory=list)  # frequent or unknown: not searched

    def query(self):
        parts = [w.query for w in self.required]
        q = parts[0] if len(parts) == 1 else Or(parts) if self.any_word else And(parts)
        if self.optional:
            opt = [w.query for w in self.optional]
            q = AndMaybe(q, opt[0] if len(opt) == 1 else Or(opt))
        return q

    def term_count(self) -> int:
        """Index terms the query reads postings of (what its cost grows with)."""
        return sum(1 for _ in self.query().leaves())


def _fields_with(reader, word: str) -> tuple[list[str], int]:
    fields, df = [], 0
    for name in ("title", "body"):
        n = reader.doc_frequency(name, word)
        if n:
            fields.append(name)
            df = max(df, n)
    return fields, df


def _term_query(fields: list[str], word: str):
    terms = [Term(name, word) for name in fields]
    return terms[0] if len(terms) == 1 else Or(terms)


def word_plan(reader, word: str, doc_count: int) -> WordPlan | None:
    """One word as index terms: the word itself in the fields that have it, or the shorter
    words inside it; None when the index knows neither."""
    fields, df = _fields_with(reader, word)
    if fields:
        query = _term_query(fields, word)
    else:
        subs = []
        for w in sub_words(word):
            f, n = _fields_with(reader, w)
            if f:
                subs.append((n, _term_query(f, w)))
        if not subs:
            return None
        subs.sort(key=lambda t: t[0])
        df = subs[0][0]
        query = subs[0][1] if len(subs) == 1 else And([q for _n, q in subs])
    return WordPlan(word, query, df, df > FREQUENT_SHARE * max(doc_count, 1))


def plan_query(reader, words: list[str], require_all: bool) -> QueryPlan | None:
    """The plan of ``words`` on one index (see above); None when nothing can match."""
    doc_count = reader.doc_count_all()
    plans = [word_plan(reader, w, doc_count) for w in words]
    known = sorted((p for p in plans if p is not None), key=lambda p: p.df)
    unknown = [w for w, p in zip(words, plans, strict=True) if p is None]
    if not known:
        return None
    if len(words) < LONG_QUERY:
        if require_all and unknown:
            return None  # no item has every word: the caller relaxes
        return QueryPlan(known, any_word=not require_all)
    # A long query: the rarest selective words find the candidates.
    ranked = sorted(known, key=lambda p: (p.frequent, p.weak, p.df))
    selective = [p for p in ranked if not p.frequent]
    if selective:
        required = [p for p in selective if not p.weak][:REQUIRED_WORDS] or selective[:1]
    else:
        required = ranked[:2]  # only frequent words: the two rarest, as few postings as can be
    if not require_all:
        # Relaxed: any of the words that would have been required, or of the next rarest.
        pool = [p for p in ranked if p not in required]
        required = (required + pool)[: REQUIRED_WORDS + 1]
        return QueryPlan(required, any_word=True)
    optional = [p for p in selective if p not in required][:OPTIONAL_WORDS]
    left_out = [p.word for p in known if p not in required and p not in optional] + unknown
    return QueryPlan(required, optional, left_out=left_out)


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

    def _query(self, searcher, words: list[str], req: SearchRequest, require_all: bool):
        plan = plan_query(searcher.reader(), words, require_all)
        if plan is None:
            return None
        q = plan.query()
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
                inner = TopCollector(limit=need, usequality=searcher.doc_count() > LARGE_INDEX)
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
