"""``/sitemap.xml`` (sitemaps.org 0.9) of the public pages, and ``/robots.txt`` pointing to it.

Listed: the static pages that exist in this installation, every public decision dossier (and
its published opinions page when there are any), every published catalog, every announced
hearing. Never a non-disclosable decision, a draft catalog or an unannounced hearing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import sqlalchemy as sa
from flask import Response, current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from portal import clock
from portal.api._common import (
    conditional,
    hearing_model,
    hearing_timestamps,
    last_modified,
    public_hearings_query,
)
from portal.api.catalogs import catalog_times, public_catalogs_query
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.public import bp
from portal.public._util import public_root
from portal.public.cache import cached_page
from portal.services import decisions as decision_service
from portal.services.opinions import OpinionStatus

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
STATIC_PAGES = (
    "/",
    "/decisions",
    "/catalogs",
    "/hearings",
    "/consultations",
    "/publications",
    "/deadlines",
    "/statistics",
    "/data",
    "/proposals/new",
    "/privacy",
    "/accessibility",
    "/participate",
)
ROBOTS_DISALLOW = ("/admin/", "/search", "/opinions/status", "/registrations/status")


def _exists(path: str) -> bool:
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def _lastmod(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def urls(now: datetime) -> list[tuple[str, datetime | None]]:
    items: list[tuple[str, datetime | None]] = [(p, None) for p in STATIC_PAGES if _exists(p)]
    with_opinions = dict(
        db.session.execute(
            sa.select(Opinion.decision_id, sa.func.max(Opinion.moderated_at))
            .where(Opinion.status == OpinionStatus.PUBLISHED)
            .group_by(Opinion.decision_id)
        ).all()
    )
    for d in db.session.scalars(decision_service.public_decisions().order_by(Decision.id)):
        items.append(
            (
                f"/decisions/{d.id}",
                last_modified([d.updated_at, d.stage_changed_at, d.published_at], now=now),
            )
        )
        if d.id in with_opinions:
            items.append(
                (
                    f"/decisions/{d.id}/opinions",
                    last_modified([with_opinions[d.id]], now=now),
                )
            )
    from portal.services.channels import governments

    for g in governments():  # PART-6b/6c: each government's ways to take part
        items.append((f"/governments/{g.slug}/participation", None))
    for c in db.session.scalars(public_catalogs_query()):
        items.append(
            (f"/catalogs/{c.government.slug}/{c.year}", last_modified(catalog_times(c), now=now))
        )
    query, hearing = public_hearings_query(), hearing_model()
    if query is not None and hearing is not None:
        for h in db.session.scalars(query.where(hearing.announced_at <= now).order_by(hearing.id)):
            items.append((f"/hearings/{h.id}", last_modified(hearing_timestamps(h), now=now)))
    return items


@bp.get("/sitemap.xml")
@cached_page
def sitemap():
    now = clock.now()
    root = public_root()
    ET.register_namespace("", NS)
    urlset = ET.Element(f"{{{NS}}}urlset")
    newest = None
    for path, modified in urls(now):
        url = ET.SubElement(urlset, f"{{{NS}}}url")
        ET.SubElement(url, f"{{{NS}}}loc").text = root + path
        if modified is not None:
            ET.SubElement(url, f"{{{NS}}}lastmod").text = _lastmod(modified)
            newest = modified if newest is None or modified > newest else newest
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="unicode")
    response = Response(body + "\n", mimetype="application/xml")
    response.charset = "utf-8"
    return conditional(response, modified=newest, max_age=3600)


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {public_root()}/sitemap.xml")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.charset = "utf-8"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
