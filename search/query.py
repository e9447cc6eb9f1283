"""Searching: the request and result types shared by the backends, and the Whoosh engine.

Why this is fast on 100,000 opinions when a plain single-index search is not:

- one index per kind: a type filter searches one index; small kinds are never slowed by the
  large opinion index, and each index is reopened only when it changes;
- words are matched as single index terms, in the fields (title, body) whose index has them;
  a query of a few words requires all of them (an ``And``, rarest first), and only the top
  ``page * per_page`` are collected with Whoosh's block-quality skipping: no exact total is
  counted when that would mean scoring every match (the page then says "about");
- a word in more than 15% of a large index (建议, 问题) scores its idf once per document, so
  every block of its postings has the same upper bound and the collector stops reading them
  as soon as the top is full (``FrequentFlat``, ``TopCollector``): a query of common words
  costs a few blocks, not a step per posting;
- a long query (a sentence pasted from an opinion, see "query planning" below) is not an
  ``And`` of ten words: items are counted against word bitmaps kept per index segment, those
  with most of the words are ranked first and the pasted text itself is looked for in the
  best of them; a character cut off at either end of the paste is never required;
- a time limit per search returns the best hits found so far with an honest "partial" flag;
- snippets are cut from the stored text with a regular expression (no re-analysis);
- results are cached per process, keyed by the indexes' generation, so a changed index is never
  answered from the cache.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import accumulate
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
# A query of a few words requires every word (rarest first); if no item has them all, any of
# them (``relaxed``). A longer one (a sentence pasted from an opinion) tries, per index and in
# turn: ALL, answered by ``coverage_search`` below (items with most of its words); RAREST, when
# that finds nothing: the rarest few selective words (at most REQUIRED_WORDS) are required and
# find the candidates, the other selective words only add to the score of those candidates
# (Whoosh's AndMaybe skips to the candidates in their postings) and words in a large share of
# the index are left out (they would cost a step per posting and barely change the ranking);
# ANY (relaxed): any of the REQUIRED_WORDS + 1 rarest. Words the index does not know, and a
# character cut off at either end of the paste, never make a long query fail.

LONG_QUERY = 4  # words and ...
LONG_QUERY_CHARS = 10  # ... letters or digits: from here on a query is planned as above


def is_long(text: str, words: list[str]) -> bool:
    """A sentence rather than a few words (老旧小区改造 is four words but a name)."""
    return len(words) >= LONG_QUERY and len("".join(clean_query(text).split())) >= LONG_QUERY_CHARS


REQUIRED_WORDS = 3  # required words of a long query (also bounds the relaxed any-word query)
OPTIONAL_WORDS = 6  # words of a long query that only add to the score of the candidates


@dataclass(frozen=True)
class WordPlan:
    word: str
    query: object  # whoosh query: the word in the fields that have it, or its sub-words
    df: int  # estimated number of documents with the word (the selectivity)
    frequent: bool


def cut_off(words: list[str]) -> set[str]:
    """Single characters at either end of a long query: often half a word cut off by the
    paste (``益。我认为`` from 切身利益), not a word of the source."""
    return {w for w in (words[0], words[-1]) if len(w) < 2} if words else set()


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


ALL, RAREST, ANY = "all", "rarest", "any"  # the tiers a search tries in turn


def plan_query(
    reader, words: list[str], mode: str = ALL, long: bool | None = None
) -> QueryPlan | None:
    """The plan of ``words`` on one index (see above); None when nothing can match.

    ``mode`` ALL: every word required (a long query: every word of two or more characters,
    single characters only scored); RAREST (long queries only, when ALL found nothing): the
    rarest selective words required, the other selective ones scored; ANY: any word (at most
    REQUIRED_WORDS + 1 of the rarest words of a long query)."""
    doc_count = reader.doc_count_all()
    plans = [word_plan(reader, w, doc_count) for w in words]
    known = sorted((p for p in plans if p is not None), key=lambda p: p.df)
    unknown = [w for w, p in zip(words, plans, strict=True) if p is None]
    if not known:
        return None
    if long is None:
        long = len(words) >= LONG_QUERY
    if not long:
        if mode == RAREST or (mode == ALL and unknown):
            return None  # no item has every word: the caller relaxes
        return QueryPlan(known, any_word=mode == ANY)
    # A long query (a pasted sentence): a character cut off at either end is never required.
    edge = cut_off(words)
    strong = [p for p in known if p.word not in edge] or known[:1]
    if mode == ALL:
        required = strong
    else:
        ranked = sorted(strong, key=lambda p: (p.frequent, p.df))
        selective = [p for p in ranked if not p.frequent]
        required = selective[:REQUIRED_WORDS] or ranked[:2]
        if mode == ANY:
            pool = [p for p in ranked if p not in required]
            return QueryPlan((required + pool)[: REQUIRED_WORDS + 1], any_word=True)
    optional = [p for p in known if p not in required and not p.frequent][:OPTIONAL_WORDS]
    left_out = [p.word for p in known if p not in required and p not in optional] + unknown
    return QueryPlan(required, optional, left_out=left_out)


# -- a long query without Whoosh's matchers -------------------------------------------------------
#
# Intersecting the postings of ten words with Whoosh's matchers steps through them one posting
# at a time in Python (a pasted sentence took 150-350 ms at 100,000 opinions, and often found
# nothing because a word cut by the paste is not in its source). A long query is answered with
# bitmaps instead (a Python int per word, bit n for document n; and, or and bit counts run in
# C): an item must contain most (COVERAGE) of the query's words, the items with the most words
# come first (by idf within them), and the caller looks for the pasted text itself in the best
# of them. A word's bitmap is built once per index segment from whole posting blocks and kept
# for as long as the segment lives (deletions are masked when it is used); the most frequent
# words of a large index are read when it is opened.

COVERAGE = 0.6  # share of a long query's counted words an item must contain


SEGMENT_BITMAPS = 4096  # (segment, field, term) bitmaps kept per process ...
SEGMENT_BITMAP_BYTES = 64 << 20  # ... and at most this much memory (one bit per document)
WARM_TERMS = 64  # most frequent words of each large segment read when an index is opened
_segment_bitmaps: OrderedDict = OrderedDict()
_bitmap_bytes = 0
_warm_terms: dict[str, list[str]] = {}
_bitmap_lock = threading.Lock()


def _raw_ids(reader, fieldname: str, text: str) -> list[int]:
    """One segment's document numbers for a term, a whole block at a time, deleted documents
    included (they are masked when the bitmap is used, so a deletion never goes stale)."""
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.reading import TermNotFound

    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return []
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not hasattr(matcher, "_read_data") or not hasattr(matcher, "_lastblock"):
        return list(matcher.all_ids())  # another kind of matcher: the slow way
    ids: list[int] = []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        raw = matcher._data[0]
        # Document numbers are stored as deltas (unless they fit in bytes): sum them in C.
        ids.extend(raw if matcher._byteids else accumulate(raw))
        if matcher._lastblock:
            break
        matcher._next_block()
    return ids


def _bitmap(ids, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for i in ids:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def _segment_id(reader) -> str | None:
    try:
        return reader.segment().segment_id()
    except Exception:  # not a segment of a file index (an empty reader)
        return None


def segment_bitmap(reader, fieldname: str, text: str) -> int:
    """A term's documents in one segment as a bitmap (bit n: document n of the segment).
    Segments never change (but for deletions, masked by the caller), so the bitmap is kept
    for as long as the segment lives: a frequent word is read once per process, not once per
    query, and a reopened index (a new opinion) keeps the bitmaps of its old segments. This
    caches postings, never answers."""
    seg = _segment_id(reader)
    key = (seg, fieldname, text)
    if seg is not None:
        with _bitmap_lock:
            bm = _segment_bitmaps.get(key)
            if bm is not None:
                _segment_bitmaps.move_to_end(key)
                return bm
    bm = _bitmap(_raw_ids(reader, fieldname, text), reader.doc_count_all())
    if seg is not None:
        global _bitmap_bytes
        with _bitmap_lock:
            if key not in _segment_bitmaps:
                _bitmap_bytes += _size(bm)
            _segment_bitmaps[key] = bm
            while _segment_bitmaps and (
                len(_segment_bitmaps) > SEGMENT_BITMAPS or _bitmap_bytes > SEGMENT_BITMAP_BYTES
            ):
                _bitmap_bytes -= _size(_segment_bitmaps.popitem(last=False)[1])
    return bm


def _size(bm: int) -> int:
    return bm.bit_length() // 8 + 28


def _live(reader) -> int:
    """The segment's documents that are not deleted, as a bitmap (kept on the reader, which
    is replaced when deletions change)."""
    live = reader.__dict__.get("_portal_live")
    if live is None:
        deleted = getattr(reader, "deleted_docs_set", None) or ()
        live = (1 << reader.doc_count_all()) - 1
        if deleted:
            live &= ~_bitmap(deleted, reader.doc_count_all())
        reader.__dict__["_portal_live"] = live
    return live


def field_bitmap(searcher, fields, text: str) -> int:
    """The (top-level) documents with ``text`` in any of ``fields``, as a bitmap."""
    out = 0
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        live = _live(reader)
        for name in fields:
            out |= (segment_bitmap(reader, name, text) & live) << offset
    return out


def word_bitmap(searcher, plan: WordPlan) -> int:
    """Documents with the word: its term in the fields that have it, or all its sub-words."""
    bm = -1
    for term_query in _conjuncts(plan.query):
        fields = [t.fieldname for t in term_query.leaves()]
        bm &= field_bitmap(searcher, fields, next(term_query.leaves()).text)
    return bm


def warm_bitmaps(searcher, seconds: float = 2.0) -> None:
    """Read the most frequent words of each large segment of a newly opened large index, so
    that the first long queries do not pay for them (a segment's list is remembered: a reopened
    index only reads its new segments)."""
    started = time.perf_counter()
    for sub, _offset in searcher.leaf_searchers():
        reader = sub.reader()
        seg = _segment_id(reader)
        if seg is None or reader.doc_count_all() < LARGE_INDEX // 4:
            continue
        terms = _warm_terms.get(seg)
        if terms is None:
            terms = [t for _n, t in reader.most_frequent_terms("body", WARM_TERMS)]
            _warm_terms[seg] = terms
        for text in terms:
            segment_bitmap(reader, "body", text)
            if time.perf_counter() - started > seconds:
                return


def _conjuncts(query) -> list:
    return list(query.subqueries) if isinstance(query, And) else [query]


def _all_bits(x: int) -> list[int]:
    data = x.to_bytes((x.bit_length() + 7) // 8, "little")
    out = []
    for i, byte in enumerate(data):
        if byte:
            base = i << 3
            out.extend(base + k for k in range(8) if byte >> k & 1)
    return out


def _low_bits(x: int, limit: int) -> list[int]:
    out = []
    while x and len(out) < limit:
        low = x & -x
        out.append(low.bit_length() - 1)
        x ^= low
    return out


def coverage_search(searcher, words: list[str], filters: list, limit: int, by_date: bool = False):
    """Top ``limit`` (score, docnum) of a long query and the number of items that contain
    enough of its words; None when the index knows none of its words (but a character cut off
    at either end)."""
    reader = searcher.reader()
    doc_count = reader.doc_count_all()
    plans = [word_plan(reader, w, doc_count) for w in words]
    edge = cut_off(words)
    counted = sorted((p for p in plans if p is not None and p.word not in edge), key=lambda p: p.df)
    if not counted:
        return None
    need = max(1, math.ceil(len(counted) * COVERAGE))
    bitmaps = [word_bitmap(searcher, p) for p in counted]
    base = (1 << doc_count) - 1
    for f in filters:
        base &= field_bitmap(searcher, [f.fieldname], f.text)
    # at_least[j]: the documents with at least j of the words (bitwise, a few big-int ops).
    at_least = [base] + [0] * len(counted)
    for bm in bitmaps:
        for j in range(len(counted), 0, -1):
            at_least[j] |= at_least[j - 1] & bm
    total = at_least[need].bit_count()
    idf = [math.log(doc_count / (p.df + 1)) + 1.0 for p in counted]
    if by_date:  # the newest of the same items (sorting by date finds what relevance finds)
        dates = reader.column_reader("date_sort")
        newest = heapq.nlargest(limit, _all_bits(at_least[need]), key=lambda d: (dates[d], -d))
        return [
            (sum(w for w, bm in zip(idf, bitmaps, strict=True) if bm >> d & 1), d) for d in newest
        ], total
    # The items with the most words first (by document number within a count), then by idf.
    best: list[int] = []
    for j in range(len(counted), need - 1, -1):
        exactly = at_least[j] & ~at_least[j + 1] if j < len(counted) else at_least[j]
        best.extend(_low_bits(exactly, 3 * limit - len(best)))
        if len(best) >= 3 * limit:
            break
    scored = [(sum(w for w, bm in zip(idf, bitmaps, strict=True) if bm >> d & 1), d) for d in best]
    top = heapq.nlargest(limit, scored, key=lambda t: (t[0], -t[1]))
    return top, total


PHRASE_POOL = 60  # candidates per kind of a long query looked at for the text itself
PHRASE_BONUS = 100.0  # above any weighted TITLE_BONUS: the pasted text finds its item


def pasted_text(text: str) -> re.Pattern | None:
    """A pattern finding the characters of ``text`` in order, with anything that is not a
    letter or digit between them (the punctuation and spaces the query lost)."""
    chars = "".join(clean_query(text).split())
    if len(chars) < 4:
        return None
    return re.compile(r"[\W_]*".join(re.escape(c) for c in chars), re.IGNORECASE)


def _filters(req: SearchRequest) -> list:
    return [
        Term(name, value)
        for name, value in (("gov", req.gov), ("year", req.year), ("stage", req.stage))
        if value
    ]


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
                self._warm(snap)
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

    def _warm(self, snap) -> None:
        for searcher in snap.searchers.values():
            if searcher.doc_count() > LARGE_INDEX and not searcher.__dict__.get("_portal_warm"):
                searcher.__dict__["_portal_warm"] = True
                warm_bitmaps(searcher)

    def _query(self, searcher, words: list[str], req: SearchRequest, mode: str):
        plan = plan_query(searcher.reader(), words, mode, is_long(req.text, words))
        if plan is None:
            return None
        q = plan.query()
        filters = _filters(req)
        return And([q, *filters]) if filters else q

    def _search(self, snap, words: list[str], req: SearchRequest) -> Results:
        kinds = [k for k in (req.kinds or sorted(snap.searchers)) if k in snap.searchers]
        results = self._collect(snap, kinds, words, req, ALL)
        if not results.hits and is_long(req.text, words):
            # Not every longer word of a pasted sentence is in its source (the paste can
            # cut a word so that the rest is segmented differently): the rarest ones are.
            results = self._collect(snap, kinds, words, req, RAREST)
        if not results.hits and len(words) > 1:
            results = self._collect(snap, kinds, words, req, ANY)
            results.relaxed = bool(results.hits)
        if not results.hits:
            results.suggestion = self._suggest(snap, words)
        return results

    def _collect(self, snap, kinds, words, req: SearchRequest, mode: str) -> Results:
        need = min(req.page * req.per_page, MAX_RESULTS)
        deadline = time.perf_counter() + self.time_limit
        # A long query (a pasted sentence): a larger pool of candidates is collected and those
        # that contain the text itself (punctuation and spaces aside) come first.
        phrase = pasted_text(req.text) if is_long(req.text, words) else None
        pool = max(need, PHRASE_POOL) if phrase is not None and req.sort != "date" else need
        candidates = []  # (sort key, kind, docnum, score)
        total = 0
        exact = True
        partial = False
        by_type: dict[str, int] = {}
        # Small indexes first: the large ones get whatever time is left.
        ordered = sorted(kinds, key=lambda k: snap.searchers[k].doc_count())
        for kind in ordered:
            searcher = snap.searchers[kind]
            weight = self.weights.get(kind, 1.0)
            covered = None
            if mode == ALL and is_long(req.text, words):
                covered = coverage_search(
                    searcher, words, _filters(req), pool, by_date=req.sort == "date"
                )
            if covered is not None:
                top_n, count = covered
            else:
                q = self._query(searcher, words, req, mode)
                if q is None:
                    by_type[kind] = 0
                    continue
                if req.sort == "date":
                    inner = collectors.SortingCollector("date_sort", limit=need, reverse=True)
                else:
                    # Small indexes count exactly; large ones skip low-scoring blocks.
                    inner = TopCollector(limit=pool, usequality=searcher.doc_count() > LARGE_INDEX)
                dc = DeadlineCollector(inner, deadline)
                searcher.search_with_collector(q, dc)
                res = dc.results()
                top_n = res.top_n
                partial = partial or dc.timed_out
                if inner.computes_count() and not dc.timed_out:
                    count = inner.count()
                else:
                    count = max(len(res.top_n), q.estimate_min_size(searcher.reader()))
                    exact = False
            by_type[kind] = count
            total += count
            for rank, (score, docnum) in enumerate(top_n):
                score = float(score)
                if req.sort != "date" and (rank < TITLE_CHECK or phrase is not None):
                    stored = searcher.stored_fields(docnum)
                    # Scores of different indexes are not comparable (a word in every title
                    # of a small index has a low idf): an item named by the words comes first.
                    title = (stored.get("title") or "").lower()
                    if rank < TITLE_CHECK and all(_in_title(w, title) for w in words):
                        score += TITLE_BONUS
                    # The text itself, whatever the kind's weight: a pasted sentence finds
                    # the item it came from before items that only share its words.
                    if phrase is not None and (
                        phrase.search(stored.get("body") or "") or phrase.search(title)
                    ):
                        score += PHRASE_BONUS / weight
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
