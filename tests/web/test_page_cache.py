"""The micro-cache of public pages: shared by anonymous visitors for a few seconds, never stale
for staff, per language; and the HTTP caching a reverse proxy uses (ETag, 304, Cache-Control)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from tests.conftest import login, text_of


@pytest.fixture
def cache_on(ctx):
    ctx.config["PAGE_CACHE_SECONDS"] = 60
    ctx.extensions.pop("portal_page_cache", None)
    yield
    ctx.config["PAGE_CACHE_SECONDS"] = 0
    ctx.extensions.pop("portal_page_cache", None)


def _rename_heating(title: str) -> None:
    d = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    d.title = title
    db.session.commit()


def test_anonymous_visitors_share_a_page_for_the_cache_period(client, demo, cache_on, ctx):
    first = client.get("/decisions")
    _rename_heating("赤峰市供热规划（已更名）")
    second = client.get("/decisions")
    assert "已更名" not in text_of(second)  # served from the cache
    english = client.get("/decisions?lang=en")
    assert "已更名" in text_of(english)  # another language is another page
    ctx.extensions["portal_page_cache"].clear()
    assert "已更名" in text_of(client.get("/decisions?lang=zh_CN"))
    # One rendering serves everyone: nothing in it differs per response.
    assert first.get_data() == second.get_data()
    assert first.headers["Content-Security-Policy"] == second.headers["Content-Security-Policy"]


def test_signed_in_staff_always_see_fresh_pages(client, demo, cache_on):
    client.get("/decisions")
    _rename_heating("赤峰市供热规划（工作人员可见）")
    login(client, "office")
    assert "工作人员可见" in text_of(client.get("/decisions"))


def test_cached_api_answers_conditional_requests(client, demo, cache_on):
    first = client.get("/api/v1/decisions")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/decisions", headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize("cached", [False, True])
def test_public_pages_answer_304_and_change_their_etag_with_the_data(client, demo, ctx, cached):
    ctx.config["PAGE_CACHE_SECONDS"] = 60 if cached else 0
    ctx.extensions.pop("portal_page_cache", None)
    try:
        first = client.get("/decisions")
        etag = first.headers["ETag"]
        assert not etag.startswith("W/")  # a strong validator
        assert first.headers["Cache-Control"] == "public, max-age=10, s-maxage=10"
        assert "Set-Cookie" not in first.headers  # no session for plain reading
        again = client.get("/decisions", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""
        # Another language is another page with another validator.
        assert client.get("/decisions?lang=en").headers["ETag"] != etag
        _rename_heating("赤峰市供热规划（验证器）")
        ctx.extensions.pop("portal_page_cache", None)
        changed = client.get("/decisions", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and "验证器" in text_of(changed)
        assert changed.headers["ETag"] != etag
    finally:
        ctx.config["PAGE_CACHE_SECONDS"] = 0
        ctx.extensions.pop("portal_page_cache", None)


def test_staff_views_of_public_pages_are_private(client, demo):
    login(client, "office")
    response = client.get("/decisions")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers


def test_a_response_that_sets_a_cookie_is_never_shared(client, demo):
    switched = client.get("/decisions?lang=en")  # remembers the language in a cookie
    assert "Set-Cookie" in switched.headers
    assert switched.headers["Cache-Control"] == "private, no-cache"
    # The next reads, with the cookie and nothing to set, are public again.
    assert client.get("/decisions").headers["Cache-Control"].startswith("public")
    again = client.get("/decisions?lang=en")
    assert "Set-Cookie" not in again.headers
    assert again.headers["Cache-Control"].startswith("public")
