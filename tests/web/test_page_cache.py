"""The micro-cache of public pages: shared by anonymous visitors for a few seconds, never stale
for staff, per language, with a fresh CSP nonce on every response."""

from __future__ import annotations

import re

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
    # Each response carries its own nonce, in the header and (if used) in the page.
    n1 = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"])[1]
    n2 = re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"])[1]
    assert n1 != n2
    assert n1 not in second.get_data(as_text=True)


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
