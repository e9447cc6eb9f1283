"""Query planning (issue 13): a long query is bounded, frequent words are never scored over every
posting, a pasted sentence finds its source, and short queries behave as before."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from whoosh.filedb.filestore import RamStorage

from portal.extensions import db
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus
from search import service
from search.analyzers import query_words
from search.query import (
    ALL,
    ANY,
    OPTIONAL_WORDS,
    RAREST,
    REQUIRED_WORDS,
    DeadlineCollector,
    TopCollector,
    coverage_search,
    cut_off,
    plan_query,
)
from search.schema import build_schema
from search.whoosh_store import FrequentFlat

RARE = ["沙棘", "荞麦", "骆驼", "马术", "温泉", "杏仁", "奶茶", "那达慕"]


def _index(n: int = 400):
    """An in-memory index: 建议 and 居民 in every document, 供热 in every other one, each rare
    word in a few."""
    ix = RamStorage().create_index(build_schema())
    w = ix.writer()
    for i in range(n):
        words = ["建议", "居民"]
        if i % 2 == 0:
            words.append("供热")
        if i % 50 == 0:
            words += RARE[(i // 50) % len(RARE) :][:3]
        w.add_document(key=f"opinion:{i}", obj_id=i, body="，".join(words) + "。", title="")
    w.commit()
    return ix


@pytest.fixture(scope="module")
def ix():
    return _index()


def test_short_queries_require_every_word_rarest_first(ix):
    with ix.searcher() as s:
        plan = plan_query(s.reader(), ["建议", "供热", "沙棘"], ALL)
        assert [p.word for p in plan.required] == ["沙棘", "供热", "建议"]
        assert plan.optional == [] and not plan.any_word
        # Title terms only where the index has the word in a title (none here): one term each.
        assert plan.term_count() == 3
        # A word the index does not know: no item has every word, the caller relaxes ...
        assert plan_query(s.reader(), ["供热", "量子"], ALL) is None
        # ... to any of the words it knows, as before.
        relaxed = plan_query(s.reader(), ["供热", "量子"], ANY)
        assert relaxed.any_word and [p.word for p in relaxed.required] == ["供热"]
        assert plan_query(s.reader(), ["量子", "通信"], ANY) is None


def test_a_long_query_is_bounded_and_leaves_frequent_words_out(ix):
    words = ["建议", "居民", "供热", *RARE]  # eleven words, two in every document
    with ix.searcher() as s:
        plan = plan_query(s.reader(), words, RAREST)
        required = [p.word for p in plan.required]
        assert len(required) <= REQUIRED_WORDS and set(required) <= set(RARE)
        assert len(plan.optional) <= OPTIONAL_WORDS
        assert {"建议", "居民", "供热"} <= set(plan.left_out)  # frequent: never scored
        assert plan.term_count() <= REQUIRED_WORDS + OPTIONAL_WORDS
        relaxed = plan_query(s.reader(), words, ANY)
        assert relaxed.term_count() <= REQUIRED_WORDS + 1
        assert not {"建议", "居民"} & {p.word for p in relaxed.required}


def test_a_character_cut_off_at_either_end_is_never_required(ix):
    words = ["益", "建议", "沙棘", "居民", "旗"]
    assert cut_off(words) == {"益", "旗"}
    assert cut_off(["建议", "我", "居民"]) == set()  # a single character inside is a word
    with ix.searcher() as s:
        plan = plan_query(s.reader(), words, ALL)
        assert {p.word for p in plan.required} == {"建议", "沙棘", "居民"}


def test_frequent_words_are_not_scored_over_every_posting():
    """建议 and 居民 are in all 4,000 documents: with frequent terms scoring flat, the top
    collector stops after the first hits instead of scoring 4,000 of them."""
    ix = _index(4000)
    q = plan_query(ix.reader(), ["建议", "居民"], ALL).query()
    with ix.searcher(weighting=FrequentFlat()) as s:
        top = TopCollector(limit=10, usequality=True)
        dc = DeadlineCollector(top, deadline=float("inf"))
        s.search_with_collector(q, dc)
        assert len(dc.results().top_n) == 10
        assert top.total < 400, top.total  # documents scored, of 4,000 matches
        # A selective word is still ranked by how often it occurs.
        rare = plan_query(s.reader(), ["建议", "沙棘"], ALL).query()
        hits = s.search(rare, limit=5)
        assert hits and all("沙棘" in h["body"] for h in hits)


def test_coverage_counts_most_words_and_forgets_deleted_documents():
    ix = _index(400)
    words = ["建议", "沙棘", "荞麦", "骆驼", "居民"]
    with ix.searcher() as s:
        top, total = coverage_search(s, words, [], limit=5)
        first = s.stored_fields(top[0][1])
        assert {"沙棘", "荞麦", "骆驼"} <= set(first["body"].replace("。", "").split("，"))
        # 建议 and 居民 are everywhere; three documents have one of the rare words or more.
        assert total == 3
    w = ix.writer()
    w.delete_by_term("key", first["key"])
    w.commit()
    with ix.searcher() as s:
        top, total = coverage_search(s, words, [], limit=5)
        assert first["key"] not in {s.stored_fields(d)["key"] for _score, d in top}
        assert total == 2


def test_a_pasted_sentence_finds_the_opinion_it_came_from(ctx, opinions_indexed, client):
    bodies = db.session.scalars(
        sa.select(Opinion.published_body).where(Opinion.status == OpinionStatus.PUBLISHED)
    ).all()
    tried = 0
    for body in bodies:
        text = "".join(body.split())
        if len(text) < 30:
            continue
        for start in (1, 7):  # starting inside a word, as a careless copy does
            pasted = text[start : start + 22]
            if len(query_words(pasted)) < 4:
                continue
            tried += 1
            hits = client.get("/api/v1/search", query_string={"q": pasted}).get_json()["items"]
            assert hits, pasted
            first = hits[0]
            assert first["type"] == "opinion", (pasted, first)
            found = db.session.get(Opinion, first["id"]).published_body
            assert "".join(found.split()).find(pasted) >= 0, (pasted, found)
            # Sorting by date shows the same items, newest first.
            by_relevance = client.get("/api/v1/search", query_string={"q": pasted}).get_json()
            by_date = client.get(
                "/api/v1/search", query_string={"q": pasted, "sort": "date"}
            ).get_json()
            assert by_date["total"] == by_relevance["total"]
            dates = [h["date"] for h in by_date["items"] if h["date"]]
            assert dates == sorted(dates, reverse=True)
    assert tried >= 3


@pytest.fixture
def opinions_indexed(demo, runner, ctx):
    from portal.demo_opinions import seed_demo_opinions
    from tests.conftest import NOW

    seed_demo_opinions(NOW)
    db.session.commit()
    ctx.config["SEARCH_BACKEND"] = "whoosh"
    service.reset()
    result = runner.invoke(args=["portal", "reindex"])
    assert result.exit_code == 0, result.output
    yield
    service.reset()


def test_short_queries_relax_as_before(ctx, opinions_indexed, client):
    body = client.get("/api/v1/search", query_string={"q": "供热 量子"}).get_json()
    assert body["relaxed"] is True and body["items"]
    none = client.get("/api/v1/search", query_string={"q": "量子通信 冰川"}).get_json()
    assert none["items"] == [] and none["relaxed"] is False
