"""Error pages in both languages, JSON errors under /api, security headers and CSP."""

from __future__ import annotations

import pytest
from flask import abort

from portal import create_app
from portal.config import TestConfig
from tests.conftest import text_of


def test_404_page_in_chinese_and_english(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "页面不存在" in text_of(page)
    page = client.get("/no-such-page?lang=en")
    assert page.status_code == 404
    assert "Page not found" in text_of(page)


def test_api_errors_are_json_objects(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert set(error) == {"code", "message", "rule", "fields"}


@pytest.fixture
def crashing_app(tmp_path):
    app = create_app(TestConfig(tmp_path))
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("database went away")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    return app


def test_unexpected_error_gives_a_friendly_500_without_details(crashing_app):
    client = crashing_app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    text = text_of(page)
    assert "database went away" not in text
    assert "Traceback" not in text
    en = client.get("/boom?lang=en")
    assert "Nothing you submitted was saved" in text_of(en)


def test_403_page_in_both_languages(crashing_app):
    client = crashing_app.test_client()
    assert client.get("/forbidden").status_code == 403
    assert "Access denied" in text_of(client.get("/forbidden?lang=en"))


def test_security_headers_and_a_strict_csp_without_inline_script(client):
    response = client.get("/")
    h = response.headers
    csp = h["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "'nonce-" not in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # The same header for every response (nothing per response stops a shared cache), and no
    # page carries an inline script the policy would have to allow.
    assert client.get("/").headers["Content-Security-Policy"] == csp
    assert "<script" not in response.get_data(as_text=True)


def test_no_foreign_assets_on_public_pages(client, demo):
    for url in ("/", "/decisions", "/catalogs"):
        html = client.get(url).get_data(as_text=True)
        for attr in ("src=", "href="):
            for chunk in html.split(attr)[1:]:
                target = chunk[1:].split(chunk[0], 1)[0]
                assert not target.startswith(("http://", "https://", "//")), (url, target)


def test_rate_limited_login_answers_429_with_retry_after(tmp_path):
    config = TestConfig(tmp_path)
    config.RATELIMIT_ENABLED = True
    config.LOGIN_RATE_LIMIT = "2 per minute"
    app = create_app(config)
    client = app.test_client()
    with app.app_context():
        from portal.extensions import db

        db.create_all()
    statuses = [
        client.post("/admin/login", data={"username": "x", "password": "y"}).status_code
        for _ in range(3)
    ]
    assert statuses[:2] == [422, 422]
    assert statuses[2] == 429
    page = client.post("/admin/login?lang=en", data={"username": "x", "password": "y"})
    assert page.status_code == 429
    assert "Retry-After" in page.headers
    assert "Too many requests" in text_of(page)


def test_ids_beyond_a_database_key_are_not_found_not_errors(client):
    huge = "59704880746894565376"
    for url in (
        f"/decisions/{huge}",
        f"/decisions/{huge}/opinions",
        f"/api/v1/decisions/{huge}/opinions",
        f"/decisions/{2**31}",
    ):
        assert client.get(url).status_code == 404, url
