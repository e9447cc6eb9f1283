"""Minimal search: reindex from the database, Chinese words, nothing non-public, graceful
failure."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import text_of


def _reindex(runner) -> None:
    result = runner.invoke(args=["portal", "reindex"])
    assert result.exit_code == 0, result.output


def test_reindex_then_find_a_draft_by_a_chinese_word(ctx, demo, runner, client):
    _reindex(runner)
    text = text_of(client.get("/search?q=供热"))
    assert "赤峰市中心城区供热专项规划" in text
    # Search-mode segmentation: a short word finds the longer compound.
    text = text_of(client.get("/search?q=垃圾"))
    assert "生活垃圾分类管理实施方案" in text


def test_non_disclosable_items_are_never_indexed(ctx, demo, runner, client):
    _reindex(runner)
    text = text_of(client.get("/search?q=物资储备"))
    assert "赤峰市重要物资储备布局调整方案" not in text


def test_hostile_queries_are_answered_safely(ctx, demo, runner, client):
    _reindex(runner)
    for q in ("*", "title:*", "AND OR NOT", "供热" * 5000, "\x00\x1f<script>", "((((", "~~~"):
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200, q
        assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_missing_index_says_search_is_unavailable(ctx, demo, client):
    search_dir = Path(ctx.config["SEARCH_DIR"])
    import shutil

    shutil.rmtree(search_dir, ignore_errors=True)
    ctx.extensions.pop("portal_searcher", None)
    response = client.get("/search?q=供热&lang=en")
    assert response.status_code == 503
    assert "temporarily unavailable" in text_of(response)


def test_markup_in_indexed_text_is_escaped_in_snippets(ctx, demo, runner, client):
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models.decision import Decision

    d = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    d.summary = '<img src=x onerror="alert(1)"> 换热站<script>alert(2)</script>'
    db.session.commit()
    _reindex(runner)
    html = client.get("/search?q=换热站").get_data(as_text=True)
    assert "<mark>换热站</mark>" in html  # the match is highlighted, not shown as &lt;mark&gt;
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(2)" in html  # shown as text, never run
