"""Atom feeds (RFC 4287): the whole site, one per government, one per decision.

Entries are derived from the records and their timestamps each time (no separate store):
a consultation opened, a hearing or symposium announced, its participant list or report
published, a decision published, an opinion adoption report published, an implementation
update published, a catalog published or adjusted. Only public things: never a
non-disclosable decision or anything of it, never an unannounced hearing, never a draft catalog,
never a contact detail of a citizen.

Entry ids are tag: URIs built from the record's table and id (``tag:<authority>,2026:
consultation/12``); they never change, whatever the language or host. The authority is
``PORTAL_FEED_TAG_AUTHORITY`` (default ``chifeng.gov.cn``); it must never change once feeds are
public.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Response, abort, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal import clock
from portal.api._common import MAX_ID, conditional, hearing_model, public_hearings_query
from portal.extensions import db
from portal.i18n import html_lang, is_zh
from portal.jinja import format_datetime, format_deadline
from portal.models.catalog import Catalog, CatalogEntry, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind
from portal.models.org import Government
from portal.public import bp
from portal.public._util import public_root
from portal.public.cache import cached_page
from portal.services import decisions as decision_service

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_ENTRIES = 50
SUMMARY_CHARS = 400
TAG_DATE = "2026"  # the date in every tag: URI; never change it
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
# Characters XML 1.0 does not allow (a stray control character must not break the feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

KIND_LABELS = {
    "consultation_opened": _l("Consultation opened"),
    "hearing_announced": _l("Hearing announced"),
    "symposium_announced": _l("Symposium announced"),
    "hearing_list_published": _l("Participant list published"),
    "hearing_report_published": _l("Hearing report published"),
    "decision_published": _l("Decision published"),
    "adoption_report_published": _l("Opinion adoption report published"),
    "implementation_update": _l("Implementation update"),
    "catalog_published": _l("Catalog published"),
    "catalog_adjusted": _l("Catalog adjusted"),
    "feedback_response": _l("Response to public concerns"),
}

ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class Entry:
    key: str  # the tag: URI's specific part, e.g. "consultation/12"
    kind: str  # a KIND_LABELS key (the atom:category term)
    title: str
    summary: str
    path: str  # a stable public URL path (public contract)
    published: datetime
    updated: datetime


@dataclass(frozen=True)
class Scope:
    """What a feed covers: everything, one government, or one decision."""

    government_id: int | None = None
    decision_id: int | None = None

    def decisions(self, query, decision_id_column):
        if decision_id_column is not Decision.id:
            query = query.join(Decision, decision_id_column == Decision.id)
        query = query.where(Decision.non_disclosable.is_(False))
        if self.decision_id is not None:
            query = query.where(Decision.id == self.decision_id)
        if self.government_id is not None:
            query = query.where(Decision.government_id == self.government_id)
        return query


def tag_authority() -> str:
    return (
        current_app.config.get("FEED_TAG_AUTHORITY")
        or os.environ.get("PORTAL_FEED_TAG_AUTHORITY")
        or "chifeng.gov.cn"
    )


def tag_uri(key: str) -> str:
    return f"tag:{tag_authority()},{TAG_DATE}:{key}"


def clip(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _gov_name(gov: Government) -> str:
    return gov.display_name("zh" if is_zh() else "en")


# -- sources: each returns the newest public entries of one kind in the scope ----------------


def consultations_opened(scope: Scope, now: datetime) -> list[Entry]:
    query = scope.decisions(sa.select(Consultation), Consultation.decision_id).where(
        Consultation.opens_at <= now
    )
    rows = db.session.scalars(
        query.options(selectinload(Consultation.decision))
        .order_by(Consultation.opens_at.desc(), Consultation.id.desc())
        .limit(MAX_ENTRIES)
    ).all()
    # A repeated window (same decision, same opening) is one announcement: keep the first
    # row's entry so its id stays stable, and never list the same "consultation opened" twice.
    first: dict[tuple[int, datetime], Consultation] = {}
    for c in rows:
        key = (c.decision_id, c.opens_at)
        if key not in first or c.id < first[key].id:
            first[key] = c
    rows = [c for c in rows if first[(c.decision_id, c.opens_at)] is c]
    return [
        Entry(
            key=f"consultation/{c.id}",
            kind="consultation_opened",
            title=_("Consultation opened: %(title)s", title=c.decision.title),
            summary=" ".join(
                part
                for part in (
                    clip(c.notice),
                    _("Comments until %(deadline)s.", deadline=format_deadline(c.closes_at)),
                    _(
                        "Reason for a period shorter than 30 days: %(reason)s",
                        reason=clip(c.shortened_reason, 200),
                    )
                    if c.shortened_reason
                    else "",
                )
                if part
            ),
            path=f"/decisions/{c.decision_id}",
            published=c.opens_at,
            updated=c.opens_at,
        )
        for c in rows
    ]


def decisions_published(scope: Scope, now: datetime) -> list[Entry]:
    query = scope.decisions(sa.select(Decision), Decision.id).where(
        Decision.published_at.is_not(None), Decision.published_at <= now
    )
    rows = db.session.scalars(
        query.order_by(Decision.published_at.desc(), Decision.id.desc()).limit(MAX_ENTRIES)
    ).all()
    return [
        Entry(
            key=f"decision/{d.id}/published",
            kind="decision_published",
            title=_("Decision published: %(title)s", title=d.title),
            summary=clip(d.summary),
            path=f"/decisions/{d.id}",
            published=d.published_at,
            updated=d.published_at,
        )
        for d in rows
        if d.published_at is not None
    ]


def adoption_reports(scope: Scope, now: datetime) -> list[Entry]:
    query = scope.decisions(sa.select(Document), Document.decision_id).where(
        Document.kind == DocumentKind.ADOPTION_REPORT, Document.is_public.is_(True)
    )
    entries = []
    for doc in db.session.scalars(
        query.options(selectinload(Document.versions), selectinload(Document.decision))
    ).all():
        versions = [v for v in doc.public_versions if v.published_at and v.published_at <= now]
        if not versions:
            continue
        entries.append(
            Entry(
                key=f"document/{doc.id}",
                kind="adoption_report_published",
                title=_("Opinion adoption report published: %(title)s", title=doc.decision.title),
                summary=clip(versions[-1].body),
                path=f"/decisions/{doc.decision_id}",
                published=versions[0].published_at,
                updated=versions[-1].published_at,
            )
        )
    return entries


def opinion_reports(scope: Scope, now: datetime) -> list[Entry]:
    """The adoption report written in the opinions back office (PART-15b), once published."""
    try:
        from portal.models.opinion import OpinionReport
    except ImportError:
        return []
    query = scope.decisions(sa.select(OpinionReport), OpinionReport.decision_id).where(
        OpinionReport.published_at.is_not(None), OpinionReport.published_at <= now
    )
    rows = db.session.scalars(
        query.order_by(OpinionReport.published_at.desc(), OpinionReport.id.desc()).limit(
            MAX_ENTRIES
        )
    ).all()
    titles = _decision_titles({r.decision_id for r in rows})
    return [
        Entry(
            key=f"opinion-report/{r.id}",
            kind="adoption_report_published",
            title=_(
                "Opinion adoption report published: %(title)s",
                title=titles.get(r.decision_id, ""),
            ),
            summary=clip(r.summary),
            path=f"/decisions/{r.decision_id}/opinions",
            published=r.published_at,
            updated=max(t for t in (r.published_at, r.updated_at) if t and t <= now),
        )
        for r in rows
    ]


def hearing_events(scope: Scope, now: datetime) -> list[Entry]:
    query = public_hearings_query()
    hearing = hearing_model()
    if query is None or hearing is None:
        return []
    if scope.decision_id is not None:
        query = query.where(Decision.id == scope.decision_id)
    if scope.government_id is not None:
        query = query.where(Decision.government_id == scope.government_id)
    rows = db.session.scalars(
        query.where(hearing.announced_at <= now)
        .order_by(hearing.announced_at.desc(), hearing.id.desc())
        .limit(MAX_ENTRIES)
    ).all()
    entries = []
    for h in rows:
        symposium = str(getattr(h, "kind", "hearing")) == "symposium"
        cancelled = getattr(h, "cancelled_at", None)
        when = _("%(when)s, %(place)s.", when=format_datetime(h.starts_at), place=h.place)
        summary = " ".join(p for p in (when, clip(getattr(h, "subject", ""), 300)) if p)
        if cancelled is not None and cancelled <= now:
            summary = _("Cancelled.") + " " + summary
        entries.append(
            Entry(
                key=f"hearing/{h.id}",
                kind="symposium_announced" if symposium else "hearing_announced",
                title=(
                    _("Symposium announced: %(title)s", title=h.title)
                    if symposium
                    else _("Hearing announced: %(title)s", title=h.title)
                ),
                summary=summary,
                path=f"/hearings/{h.id}",
                published=h.announced_at,
                updated=max(t for t in (h.announced_at, cancelled) if t and t <= now),
            )
        )
        listed = getattr(h, "list_published_at", None)
        if listed is not None and listed <= now:
            entries.append(
                Entry(
                    key=f"hearing/{h.id}/participants",
                    kind="hearing_list_published",
                    title=_("Participant list published: %(title)s", title=h.title),
                    summary=when,
                    path=f"/hearings/{h.id}",
                    published=listed,
                    updated=listed,
                )
            )
        reported = getattr(h, "report_published_at", None)
        if reported is not None and reported <= now:
            entries.append(
                Entry(
                    key=f"hearing/{h.id}/report",
                    kind="hearing_report_published",
                    title=_("Hearing report published: %(title)s", title=h.title),
                    summary=clip(getattr(h, "report_main_opinions", "") or ""),
                    path=f"/hearings/{h.id}",
                    published=reported,
                    updated=reported,
                )
            )
    return entries


def implementation_updates(scope: Scope, now: datetime) -> list[Entry]:
    try:
        from portal.models.supervision import ImplementationUpdate
    except ImportError:  # the supervision module is not installed
        return []
    query = scope.decisions(sa.select(ImplementationUpdate), ImplementationUpdate.decision_id)
    rows = db.session.scalars(
        query.where(
            ImplementationUpdate.published_at.is_not(None),
            ImplementationUpdate.published_at <= now,
        )
        .order_by(ImplementationUpdate.published_at.desc(), ImplementationUpdate.id.desc())
        .limit(MAX_ENTRIES)
    ).all()
    titles = _decision_titles({u.decision_id for u in rows})
    return [
        Entry(
            key=f"implementation-update/{u.id}",
            kind="implementation_update",
            title=_("Implementation update: %(title)s", title=titles.get(u.decision_id, "")),
            summary=clip(
                " ".join(
                    getattr(u, name, "") or ""
                    for name in ("achievements", "specific_measures", "follow_up_measures")
                )
            ),
            path=f"/decisions/{u.decision_id}",
            published=u.published_at,
            updated=u.published_at,
        )
        for u in rows
    ]


def _decision_titles(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Decision.id, Decision.title).where(Decision.id.in_(ids))).all()
    )


def catalog_events(scope: Scope, now: datetime) -> list[Entry]:
    if scope.decision_id is not None:
        return []  # a catalog is the government's, not one decision's
    query = sa.select(Catalog).where(
        Catalog.status != CatalogStatus.DRAFTING,
        Catalog.published_at.is_not(None),
        Catalog.published_at <= now,
    )
    if scope.government_id is not None:
        query = query.where(Catalog.government_id == scope.government_id)
    catalogs = db.session.scalars(
        query.options(selectinload(Catalog.government), selectinload(Catalog.adjustments))
        .order_by(Catalog.published_at.desc(), Catalog.id.desc())
        .limit(MAX_ENTRIES)
    ).all()
    counts = dict(
        db.session.execute(
            sa.select(CatalogEntry.catalog_id, sa.func.count())
            .where(
                CatalogEntry.catalog_id.in_([c.id for c in catalogs]),
                CatalogEntry.removed_by_id.is_(None),
            )
            .group_by(CatalogEntry.catalog_id)
        ).all()
    )
    entries = []
    for c in catalogs:
        gov = _gov_name(c.government)
        path = f"/catalogs/{c.government.slug}/{c.year}"
        entries.append(
            Entry(
                key=f"catalog/{c.id}",
                kind="catalog_published",
                title=_("%(gov)s: decision catalog %(year)s published", gov=gov, year=c.year),
                summary=_("Decision items listed: %(count)s.", count=counts.get(c.id, 0)),
                path=path,
                published=c.published_at,
                updated=c.published_at,
            )
        )
        for a in c.adjustments:
            if a.published_at is None or a.published_at > now:
                continue
            entries.append(
                Entry(
                    key=f"catalog-adjustment/{a.id}",
                    kind="catalog_adjusted",
                    title=_(
                        "%(gov)s: decision catalog %(year)s adjusted (version %(version)s)",
                        gov=gov,
                        year=c.year,
                        version=a.version,
                    ),
                    summary=clip(a.description),
                    path=path,
                    published=a.published_at,
                    updated=a.published_at,
                )
            )
    return entries


def feedback_responses(scope: Scope, now: datetime) -> list[Entry]:
    """PART-19b: the government's responses to public concerns during execution (the response
    text only: never who wrote in). A correction updates the entry."""
    from portal.models.correction import Correction
    from portal.models.evaluation import FeedbackResponse

    query = scope.decisions(sa.select(FeedbackResponse), FeedbackResponse.decision_id).where(
        FeedbackResponse.published_at <= now
    )
    rows = db.session.scalars(
        query.order_by(FeedbackResponse.published_at.desc(), FeedbackResponse.id.desc()).limit(
            MAX_ENTRIES
        )
    ).all()
    if not rows:
        return []
    corrected = dict(
        db.session.execute(
            sa.select(Correction.record_id, sa.func.max(Correction.created_at))
            .where(
                Correction.record_type == "feedback_responses",
                Correction.record_id.in_([r.id for r in rows]),
                Correction.created_at <= now,
            )
            .group_by(Correction.record_id)
        ).all()
    )
    titles = _decision_titles({r.decision_id for r in rows})
    return [
        Entry(
            key=f"feedback-response/{r.id}",
            kind="feedback_response",
            title=_("Response to public concerns: %(title)s", title=titles.get(r.decision_id, "")),
            summary=clip(r.body),
            path=f"/decisions/{r.decision_id}/feedback#resp-{r.id}",
            published=r.published_at,
            updated=max(r.published_at, corrected.get(r.id) or r.published_at),
        )
        for r in rows
    ]


SOURCES: list[Callable[[Scope, datetime], list[Entry]]] = [
    consultations_opened,
    decisions_published,
    adoption_reports,
    opinion_reports,
    hearing_events,
    implementation_updates,
    catalog_events,
    feedback_responses,  # issue 11, PART-19b
]


def entries_for(scope: Scope, now: datetime) -> list[Entry]:
    entries = [e for source in SOURCES for e in source(scope, now)]
    entries.sort(key=lambda e: (e.updated, e.key), reverse=True)
    return entries[:MAX_ENTRIES]


# -- the XML ---------------------------------------------------------------------------------


def _text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _stamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = clock.to_local(value, current_app.config["TIMEZONE"])
    return local.isoformat(timespec="seconds")


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _absolute(path: str) -> str:
    return public_root() + path


def render_feed(
    *, key: str, title: str, page_path: str, entries: list[Entry], updated: datetime
) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: html_lang()})
    _sub(feed, "id", tag_uri(key))
    _sub(feed, "title", title, type="text")
    _sub(feed, "updated", _stamp(updated))
    self_url = _absolute(request.path) + (
        f"?lang={request.args['lang']}" if "lang" in request.args else ""
    )
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=_absolute(page_path))
    author = _sub(feed, "author")
    _sub(author, "name", _("Chifeng Municipal People's Government"))
    _sub(author, "uri", _absolute("/"))
    _sub(feed, "generator", "Decision Portal")
    for e in entries:
        item = _sub(feed, "entry")
        _sub(item, "id", tag_uri(e.key))
        _sub(item, "title", e.title, type="text")
        _sub(item, "updated", _stamp(e.updated))
        _sub(item, "published", _stamp(e.published))
        _sub(item, "link", rel="alternate", type="text/html", href=_absolute(e.path))
        _sub(item, "category", term=e.kind, label=str(KIND_LABELS[e.kind]))
        _sub(item, "summary", e.summary or e.title, type="text")
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def feed_response(
    *, key: str, title: str, page_path: str, scope: Scope, fallback_updated: datetime
) -> Response:
    now = clock.now()
    entries = entries_for(scope, now)
    updated = max([e.updated for e in entries], default=fallback_updated)
    body = render_feed(key=key, title=title, page_path=page_path, entries=entries, updated=updated)
    response = Response(body, mimetype="application/atom+xml")
    response.charset = "utf-8"
    return conditional(response, modified=updated.replace(microsecond=0), max_age=300)


def _site_title() -> str:
    return _("Major Administrative Decisions") + " - " + _("Chifeng Municipal People's Government")


@bp.get("/feeds/all.atom")
@cached_page
def feed_all():
    return feed_response(
        key="feed/all",
        title=_site_title(),
        page_path="/",
        scope=Scope(),
        fallback_updated=EMPTY_FEED_UPDATED,
    )


def _government(slug: str) -> Government | None:
    if not slug.isascii() or len(slug) > 40:
        return None
    return db.session.scalar(sa.select(Government).where(Government.slug == slug))


@bp.get("/feeds/gov/<gov>.atom")
@cached_page
def feed_government(gov: str):
    government = _government(gov)
    if government is None:
        abort(404)
    name = government.full_name("zh" if is_zh() else "en")
    return feed_response(
        key=f"feed/gov/{government.slug}",
        title=_("Major Administrative Decisions") + " - " + name,
        page_path=f"/decisions?gov={government.slug}",
        scope=Scope(government_id=government.id),
        fallback_updated=EMPTY_FEED_UPDATED,
    )


@bp.get("/feeds/decisions/<int:decision_id>.atom")
@cached_page
def feed_decision(decision_id: int):
    decision = decision_service.get_public_decision(decision_id) if decision_id <= MAX_ID else None
    if decision is None:
        abort(404)
    return feed_response(
        key=f"feed/decision/{decision.id}",
        title=decision.title,
        page_path=f"/decisions/{decision.id}",
        scope=Scope(decision_id=decision.id),
        fallback_updated=decision.created_at,
    )


# -- autodiscovery (<link rel="alternate"> in page heads) -------------------------------------


@bp.app_template_global()
def feed_links(decision=None, gov=None, catalog=None) -> list[tuple[str, str]]:
    """The feeds a public page announces: the site's, and its government's and decision's."""
    if request.blueprint not in (None, "public"):
        return []
    links = [(_site_title(), "/feeds/all.atom")]
    government = None
    if decision is not None and getattr(decision, "is_public", False):
        government = decision.government
    elif catalog is not None:
        government = catalog.government
    elif isinstance(gov, str) and gov:
        government = _government(gov)
    elif isinstance(gov, Government):
        government = gov
    if government is not None:
        links.append(
            (
                _("Major Administrative Decisions") + " - " + _gov_name(government),
                f"/feeds/gov/{government.slug}.atom",
            )
        )
    if decision is not None and getattr(decision, "is_public", False):
        links.append((decision.title, f"/feeds/decisions/{decision.id}.atom"))
    return links
