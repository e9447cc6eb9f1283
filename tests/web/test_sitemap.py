"""sitemap.xml of the public pages and robots.txt pointing to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SECRET_TITLE = "赤峰市重要物资储备布局调整方案"


def locations(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output
    assert root.tag == f"{NS}urlset"
    found = {}
    for url in root.findall(f"{NS}url"):
        lastmod = url.find(f"{NS}lastmod")
        found[url.find(f"{NS}loc").text] = lastmod.text if lastmod is not None else None
    return found


def test_sitemap_lists_static_pages_decisions_and_catalogs(client, demo):
    urls = locations(client)
    base = "http://localhost"
    for path in ("/", "/decisions", "/catalogs", "/data", "/privacy", "/accessibility"):
        assert base + path in urls
    public = db.session.scalars(
        sa.select(Decision.id).where(Decision.non_disclosable.is_(False))
    ).all()
    for decision_id in public:
        assert f"{base}/decisions/{decision_id}" in urls
    for slug in ("chifeng", "hongshan", "songshan"):
        assert f"{base}/catalogs/{slug}/2026" in urls
    date.fromisoformat(urls[f"{base}/decisions/{public[0]}"])  # W3C date
    assert all(u.startswith(base + "/") for u in urls)
    assert len(urls) == len(set(urls))


def test_sitemap_never_lists_a_non_disclosable_decision(client, demo):
    secret = db.session.scalar(sa.select(Decision).where(Decision.title == SECRET_TITLE))
    urls = locations(client)
    assert not any(u.endswith(f"/decisions/{secret.id}") for u in urls)
    assert not any(f"/decisions/{secret.id}/" in u for u in urls)


def test_sitemap_answers_conditional_requests(client, demo):
    first = client.get("/sitemap.xml")
    assert (
        client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_back_office(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
