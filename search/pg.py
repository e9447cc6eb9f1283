"""The PostgreSQL search backend (``PORTAL_SEARCH_BACKEND=postgres``): one shared index for a
deployment with several web hosts.

Documents are rows of ``search_documents`` (search/models.py) holding the same jieba tokens the
Whoosh index uses (search mode), so both backends find the same things. PostgreSQL's built-in
full-text machinery does the matching: ``array_to_tsvector`` over the tokens, a GIN index on that
expression (migration 0005d), and a ``tsquery`` of the query's words. No extension is needed.
Changes are written in the caller's transaction: the outbox rows and the index rows commit
together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from portal.extensions import db
from search.analyzers import ChineseAnalyzer, query_words, sub_words
from search.query import (
    MAX_RESULTS,
    Hit,
    Results,
    SearchRequest,
    SearchUnavailable,
    _real_date,
    clean_query,
    highlight_terms,
)
from search.sources import Doc, Source

log = logging.getLogger(__name__)

TSV = "array_to_tsvector(string_to_array({col}, ' '))"
_analyzer = None


def tokens(text: str) -> str:
    global _analyzer
    if _analyzer is None:
        _analyzer = ChineseAnalyzer()
    seen: dict[str, None] = {}
    for t in _analyzer(text or ""):
        seen.setdefault(t.text, None)
    return " ".join(seen)


def _row(doc: Doc) -> dict:
    date = doc["date"]
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return {
        "doc_key": doc["key"],
        "kind": doc["type"],
        "obj_id": int(doc["obj_id"]),
        "decision_id": int(doc.get("decision_id") or 0),
        "gov": doc.get("gov") or "",
        "year": str(doc.get("year") or "")[:4],
        "stage": doc.get("stage") or "",
        "title": doc.get("title") or "",
        "heading": doc.get("heading") or "",
        "body": doc.get("body") or "",
        "terms": tokens(f"{doc.get('title') or ''}\n{doc.get('body') or ''}"),
        "title_terms": tokens(doc.get("title") or ""),
        "url": doc.get("url") or "",
        "date": date,
    }


def _table():
    from search.models import SearchDocument

    return SearchDocument.__table__


ADVISORY_LOCK = 6_000_601  # one search writer at a time across every host


def _writer_lock() -> None:
    """Taken inside the caller's transaction, released by its commit or rollback."""
    db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})


class PgBatch:
    def __init__(self) -> None:
        self.t = _table()
        _writer_lock()

    def probe(self, kind: str, decision_id: int) -> tuple[int, Doc | None]:
        t = self.t
        where = sa.and_(t.c.kind == kind, t.c.decision_id == decision_id)
        count = db.session.scalar(sa.select(sa.func.count()).select_from(t).where(where)) or 0
        stage = db.session.scalar(sa.select(t.c.stage).where(where).limit(1))
        return count, ({"stage": stage} if count else None)

    def replace_scope(self, kind: str, decision_id: int, docs: list[Doc]) -> None:
        t = self.t
        db.session.execute(t.delete().where(t.c.kind == kind, t.c.decision_id == decision_id))
        if docs:
            keys = [d["key"] for d in docs]
            db.session.execute(t.delete().where(t.c.doc_key.in_(keys)))
            db.session.execute(t.insert(), [_row(d) for d in docs])

    def put(self, kind: str, key: str, doc: Doc | None) -> None:
        t = self.t
        db.session.execute(t.delete().where(t.c.doc_key == key))
        if doc is not None:
            db.session.execute(t.insert(), [_row(doc)])

    def cancel(self) -> None:
        pass


def _check_dialect() -> None:
    if db.engine.dialect.name != "postgresql":
        raise SearchUnavailable("PORTAL_SEARCH_BACKEND=postgres needs a PostgreSQL database")


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _word_tsquery(word: str) -> str:
    subs = sub_words(word)
    if subs:
        return f"({_lexeme(word)} | ({' & '.join(_lexeme(s) for s in subs)}))"
    return _lexeme(word)


class PostgresBackend:
    name = "postgres"

    @contextmanager
    def batch(self) -> Iterator[PgBatch]:
        _check_dialect()
        b = PgBatch()
        yield b  # the caller commits (with the outbox rows it processed)

    def rebuild(self, sources: list[Source], progress=None) -> dict[str, int]:
        _check_dialect()
        t = _table()
        totals = {s.kind: s.count() for s in sources}
        grand = sum(totals.values())
        written: dict[str, int] = {}
        done = 0
        _writer_lock()
        db.session.execute(t.delete())
        for source in sources:
            rows: list[dict] = []
            n = 0
            for doc in source.iter_docs():
                rows.append(_row(doc))
                n += 1
                done += 1
                if len(rows) >= 500:
                    db.session.execute(t.insert(), rows)
                    rows = []
                    if progress:
                        progress(done, grand)
            if rows:
                db.session.execute(t.insert(), rows)
            written[source.kind] = n
        db.session.commit()
        if progress:
            progress(done, max(done, grand))
        return written

    def search(self, req: SearchRequest) -> Results:
        text = clean_query(req.text)
        words = query_words(text) if text else []
        if not words:
            return Results([], 0, req.page, req.per_page)
        try:
            _check_dialect()
            results = self._run(words, req, " & ")
            if not results.hits and len(words) > 1:
                results = self._run(words, req, " | ")
                results.relaxed = bool(results.hits)
            return results
        except SearchUnavailable:
            raise
        except sa.exc.SQLAlchemyError as exc:
            db.session.rollback()
            log.error("PostgreSQL search failed (%s); rebuild with `flask portal reindex`", exc)
            raise SearchUnavailable(str(exc)) from exc

    def _run(self, words: list[str], req: SearchRequest, op: str) -> Results:
        from search import sources as registry
        from search.highlight import snippet

        t = _table()
        tsquery = op.join(_word_tsquery(w) for w in words)
        q = sa.cast(sa.literal(tsquery), postgresql.TSQUERY)
        body_tsv = sa.text(TSV.format(col="search_documents.terms"))
        title_tsv = sa.text(TSV.format(col="search_documents.title_terms"))
        match = sa.literal_column(TSV.format(col="search_documents.terms")).op("@@")(q)
        conditions = [match]
        if req.kinds:
            conditions.append(t.c.kind.in_(req.kinds))
        for name in ("gov", "year", "stage"):
            value = getattr(req, name)
            if value:
                conditions.append(t.c[name] == value)
        weights = {s.kind: s.weight for s in registry.all_sources()}
        weight = sa.case(*[(t.c.kind == k, w) for k, w in weights.items()], else_=1.0)
        score = (sa.func.ts_rank(body_tsv, q) + 2 * sa.func.ts_rank(title_tsv, q)) * weight
        need = min(req.page * req.per_page, MAX_RESULTS)
        start = (req.page - 1) * req.per_page
        if start >= need:
            rows = []
        else:
            order = (t.c.date.desc(), t.c.id) if req.sort == "date" else (score.desc(), t.c.id)
            rows = db.session.execute(
                sa.select(t, score.label("score"))
                .where(*conditions)
                .order_by(*order)
                .offset(start)
                .limit(min(req.per_page, need - start))
            ).all()
        by_type = {
            kind: int(n)
            for kind, n in db.session.execute(
                sa.select(t.c.kind, sa.func.count()).where(*conditions).group_by(t.c.kind)
            )
        }
        terms = highlight_terms(words)
        hits = [
            Hit(
                type=r.kind,
                id=r.obj_id,
                title=r.heading or r.title,
                url=r.url,
                snippet=snippet(r.body, terms),
                score=round(float(r.score or 0), 3),
                date=_real_date(r.date.astimezone(UTC).replace(tzinfo=None) if r.date else None),
                decision_id=r.decision_id,
                gov=r.gov,
            )
            for r in rows
        ]
        return Results(
            hits,
            sum(by_type.values()),
            req.page,
            req.per_page,
            words=words,
            by_type=by_type,
        )
