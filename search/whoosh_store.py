"""The Whoosh store: one index per kind under ``SEARCH_DIR/<kind>``, one writer per host.

- Writing (outbox handlers, the in-process syncer, ``reindex``) happens only under an exclusive
  lock file next to the index folder, so one process writes at a time.
- ``rebuild`` writes every kind into ``SEARCH_DIR.new`` with a multi-segment writer (several
  processes analyse in parallel) and swaps the folder in: readers never see a half-built index.
- Readers (``snapshot``) keep their searchers and reopen only the kinds whose generation
  changed; ``generation`` is part of every cache key.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index, scoring
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from search.analyzers import init_jieba
from search.schema import build_schema, whoosh_fields
from search.sources import Doc, Source

log = logging.getLogger(__name__)

MULTISEGMENT_MIN_DOCS = 5000  # smaller kinds are quicker with a plain writer


LARGE_INDEX = 20000  # documents: from here on, ranking must be able to skip


class IndexMissing(RuntimeError):
    pass


FREQUENT_SHARE = 0.15  # a term in more than this share of an index's documents is frequent
# A flat term's block quality is this much below its score: a block whose best possible score
# only ties the hits already collected is skipped (ties keep the earlier document anyway).
_TIE = 1.0 - 1e-6


class FlatScorer(scoring.BaseScorer):
    """A frequent term scores its idf once per document, however often it occurs there."""

    def __init__(self, idf: float) -> None:
        self.idf = idf
        self._quality = idf * _TIE

    def supports_block_quality(self):
        return True

    def score(self, matcher):
        return self.idf

    def max_quality(self):
        return self._quality

    def block_quality(self, matcher):
        return self._quality


class FrequentFlat(scoring.WeightingModel):
    """TF-IDF, except that a term in more than ``FREQUENT_SHARE`` of the documents (建议, 问题,
    居民 in opinions) counts once per document: every block of its postings has the same upper
    bound, so once the top hits hold documents with every word the collector skips the rest of
    its postings instead of scoring tens of thousands of them (with TF-IDF a common word has a
    document repeating it in nearly every block, so nothing can be skipped)."""

    def __init__(self, share: float = FREQUENT_SHARE) -> None:
        self.share = share

    def scorer(self, searcher, fieldname, text, qf=1):
        parent = searcher.get_parent()  # idf and document frequency are global statistics
        idf = parent.idf(fieldname, text)
        if parent.doc_frequency(fieldname, text) > self.share * parent.doc_count_all():
            return FlatScorer(idf)
        return scoring.TF_IDFScorer(searcher.term_info(fieldname, text).max_weight(), idf)


def weighting_for(doc_count: int):
    """BM25F for the small indexes. For the large ones TF-IDF with frequent terms flat
    (``FrequentFlat``): its per-block upper bounds let the top hits be found while skipping most
    blocks of a common word's postings (BM25F's do not, and scoring 80,000 matches in Python
    takes 300 ms); opinions are short, so the length normalisation BM25F adds matters little
    there."""
    return FrequentFlat() if doc_count > LARGE_INDEX else scoring.BM25F()


@contextmanager
def writer_lock(search_dir: Path) -> Iterator[None]:
    """One writer per host: an exclusive lock file next to the index folder."""
    search_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(search_dir.parent / f".{search_dir.name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _procs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def rebuild(
    search_dir: Path,
    sources: list[Source],
    progress: Callable[[int, int], None] | None = None,
    *,
    procs: int | None = None,
) -> dict[str, int]:
    """Rebuild every kind's index from the database; returns the documents written per kind."""
    init_jieba()  # loaded once here, shared by the writer processes forked below
    totals = {s.kind: s.count() for s in sources}
    grand = sum(totals.values())
    procs = procs or _procs()
    done = 0
    written: dict[str, int] = {}
    with writer_lock(search_dir):
        tmp = search_dir.with_name(search_dir.name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        schema = build_schema()
        for source in sources:
            folder = tmp / source.kind
            folder.mkdir()
            ix = index.create_in(str(folder), schema)
            if procs > 1 and totals[source.kind] >= MULTISEGMENT_MIN_DOCS:
                writer = ix.writer(procs=procs, multisegment=True, limitmb=96, batchsize=200)
            else:
                writer = ix.writer(limitmb=128)
            n = 0
            try:
                for doc in source.iter_docs():
                    writer.add_document(**whoosh_fields(doc))
                    n += 1
                    done += 1
                    if progress and (done % 200 == 0):
                        progress(done, grand)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            written[source.kind] = n
        if progress:
            progress(done, max(grand, done))
        old = search_dir.with_name(search_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if search_dir.exists():
            search_dir.rename(old)
        tmp.rename(search_dir)
        shutil.rmtree(old, ignore_errors=True)
    return written


class Batch:
    """Changes to several kinds applied with one writer per kind and committed together.

    Callers hold ``writer_lock``. ``replace_scope`` runs before single updates so that an item
    is never added twice in one batch.
    """

    def __init__(self, search_dir: Path) -> None:
        self.search_dir = search_dir
        self._writers: dict = {}
        self._indexes: dict = {}

    def _index(self, kind: str):
        if kind not in self._indexes:
            folder = self.search_dir / kind
            if index.exists_in(str(folder)):
                self._indexes[kind] = index.open_dir(str(folder))
            else:  # a kind registered after the last rebuild: start it empty
                folder.mkdir(parents=True, exist_ok=True)
                self._indexes[kind] = index.create_in(str(folder), build_schema())
        return self._indexes[kind]

    def _writer(self, kind: str):
        if kind not in self._writers:
            self._writers[kind] = self._index(kind).writer(timeout=30)
        return self._writers[kind]

    def probe(self, kind: str, decision_id: int) -> tuple[int, Doc | None]:
        with self._index(kind).searcher() as s:
            ids = list(s.document_numbers(decision_id=str(decision_id)))
            return len(ids), (dict(s.stored_fields(ids[0])) if ids else None)

    def replace_scope(self, kind: str, decision_id: int, docs: list[Doc]) -> None:
        writer = self._writer(kind)
        writer.delete_by_term("decision_id", str(decision_id))
        for doc in docs:
            writer.add_document(**whoosh_fields(doc))

    def put(self, kind: str, key: str, doc: Doc | None) -> None:
        writer = self._writer(kind)
        if doc is None:
            writer.delete_by_term("key", key)
        else:
            writer.update_document(**whoosh_fields(doc))

    def commit(self) -> None:
        for writer in self._writers.values():
            writer.commit()
        self._writers.clear()

    def cancel(self) -> None:
        for writer in self._writers.values():
            writer.cancel()
        self._writers.clear()


@contextmanager
def batch(search_dir: Path) -> Iterator[Batch | None]:
    """A write batch under the host's writer lock; ``None`` when there is no index yet (the
    next ``reindex`` builds it from the database, so nothing is lost)."""
    with writer_lock(search_dir):
        if not search_dir.is_dir() or not any(search_dir.iterdir()):
            yield None
            return
        b = Batch(search_dir)
        try:
            yield b
        except BaseException:
            b.cancel()
            raise
        b.commit()


# -- reading ----------------------------------------------------------------------------------


@dataclass
class Snapshot:
    generation: tuple
    searchers: dict  # kind -> whoosh Searcher


class Reader:
    """Per-process searchers, reopened per kind when that kind's index changes."""

    def __init__(self, search_dir: Path) -> None:
        self.search_dir = search_dir
        self._open: dict[str, tuple[tuple, object]] = {}  # kind -> (stamp, searcher)

    def _stamps(self) -> dict[str, tuple]:
        try:
            top = os.stat(self.search_dir)
            kinds = sorted(
                e.name for e in os.scandir(self.search_dir) if e.is_dir(follow_symlinks=False)
            )
        except FileNotFoundError as exc:
            raise IndexMissing(f"no search index at {self.search_dir}") from exc
        if not kinds:
            raise IndexMissing(f"the search index at {self.search_dir} is empty")
        stamps = {}
        for kind in kinds:
            folder = self.search_dir / kind
            gen = TOC._latest_generation(FileStorage(str(folder)), "MAIN")
            if gen < 0:
                raise IndexMissing(f"the search index of {kind!r} is missing its table of contents")
            stamps[kind] = (top.st_ino, os.stat(folder).st_ino, gen)
        return stamps

    def snapshot(self) -> Snapshot:
        stamps = self._stamps()
        opened: dict[str, object] = {}
        for kind, stamp in stamps.items():
            current = self._open.get(kind)
            if current is None or current[0] != stamp:
                # A fresh searcher, never Searcher.refresh(): refresh() reuses segment readers
                # and can miss deletions in an existing segment (a withdrawn item would stay
                # findable). The old searcher is released when no request uses it any more.
                t0 = time.perf_counter()
                ix = index.open_dir(str(self.search_dir / kind))
                current = (stamp, ix.searcher(weighting=weighting_for(ix.doc_count())))
                self._open[kind] = current
                log.debug("opened %s searcher in %.3fs", kind, time.perf_counter() - t0)
            opened[kind] = current[1]
        for kind in list(self._open):
            if kind not in stamps:
                del self._open[kind]
        return Snapshot(tuple(sorted(stamps.items())), opened)
