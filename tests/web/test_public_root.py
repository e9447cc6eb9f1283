"""Absolute links are built on the configured public address, never on the request's Host:
a client chooses the Host, and a cached feed or sitemap would give its links to everyone."""

from __future__ import annotations

import pytest

EVIL = "evil.example"
PAGES = [
    "/feeds/all.atom",
    "/feeds/gov/chifeng.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/data/decisions.json",
    "/data/hearings.csv",
]


@pytest.mark.parametrize("path", PAGES)
def test_links_ignore_the_host_header(client, demo, app, path):
    for headers in ({"Host": EVIL}, {"X-Forwarded-Host": EVIL}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert EVIL not in body
        assert app.config["PUBLIC_URL"] in body


def test_the_configured_address_is_used(client, demo, app):
    old = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = "https://juece.chifeng.gov.cn"
    try:
        body = client.get("/feeds/all.atom").get_data(as_text=True)
        sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    finally:
        app.config["PUBLIC_URL"] = old
    assert "https://juece.chifeng.gov.cn/decisions/" in body
    assert "<loc>https://juece.chifeng.gov.cn/consultations</loc>" in sitemap
    assert "http://localhost/" not in sitemap
