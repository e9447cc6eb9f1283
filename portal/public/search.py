"""Full-text search page (public contract: ``/search?q=&type=&gov=&year=``, plus ``stage``,
``sort`` and ``page``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import clock, labels
from portal.extensions import db, limiter
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.org import Government
from portal.public import bp
from portal.public._util import page_args
from portal.rules.stages import Stage
from search import events as search_events
from search import realtime
from search.models import declare_postgres_indexes
from search.service import SearchUnavailable, kinds, search

# The type filter's labels (search.sources kinds).
TYPE_LABELS = {
    "decision": _l("Decisions"),
    "document": _l("Drafts and documents"),
    "publication": _l("Published decisions and interpretations"),
    "hearing": _l("Hearings and symposiums"),
    "opinion": _l("Public opinions and answers"),
    "catalog": _l("Decision catalogs"),
    "update": _l("Implementation updates"),
}
# What one hit is (issue 12): a hit says whether it is the decision, an opinion on it, ...
HIT_LABELS = {
    "decision": _l("Decision item"),
    "document": _l("Draft or document"),
    "publication": _l("Published text"),
    "hearing": _l("Hearing or symposium"),
    "opinion": _l("Public opinion and answer"),
    "catalog": _l("Catalog entry"),
    "update": _l("Implementation update"),
}
SORTS = ("relevance", "date")
MAX_PER_PAGE = 50


@bp.record_once
def _install_search(state) -> None:
    declare_postgres_indexes(state.app.config["SQLALCHEMY_DATABASE_URI"])
    realtime.install(state.app)
    search_events.install()


def search_args() -> dict:
    """The query and filters of the page and of the API, validated (unknown values dropped)."""
    known = kinds()
    wanted = [t for t in request.args.getlist("type") if t in known]
    year = request.args.get("year", "").strip()
    stage = request.args.get("stage", "").strip()
    sort = request.args.get("sort", "relevance")
    return {
        "q": request.args.get("q", "")[:1000],
        "kinds": tuple(dict.fromkeys(wanted)),
        "gov": request.args.get("gov", "").strip()[:40],
        "year": year if year.isascii() and year.isdigit() and len(year) == 4 else "",
        "stage": stage if stage in {str(s) for s in Stage} else "",
        "sort": sort if sort in SORTS else "relevance",
    }


@bp.app_template_global()
def search_type_label(kind: str) -> str:
    return str(TYPE_LABELS.get(kind, kind))


@dataclass(frozen=True)
class HitInfo:
    """What a hit is and where its decision stands, in the reader's language."""

    what: str  # e.g. "Public opinion and answer"
    heading: str  # e.g. "Opinion on “X”" (an opinion hit is not the decision itself)
    decision_title: str = ""
    stage: str = ""  # the decision's stage identifier ("" without a public decision)
    stage_label: str = ""
    consultation_open: bool = False
    consultation_closes_at: datetime | None = None


def _heading(hit, decision_title: str) -> str:
    if hit.type == "opinion":
        return _("Opinion on “%(title)s”", title=decision_title or hit.title)
    if hit.type == "update":
        return _("Implementation update on “%(title)s”", title=decision_title or hit.title)
    return hit.title or str(HIT_LABELS.get(hit.type, hit.type))


def describe_hits(hits, now: datetime | None = None) -> dict[tuple[str, int], HitInfo]:
    """For each hit: what it is, its heading, and its decision's current stage and whether
    the decision's consultation is open now. Two queries for the whole page."""
    now = now or clock.now()
    ids = {h.decision_id for h in hits if h.decision_id}
    decisions: dict[int, tuple[str, str]] = {}
    open_until: dict[int, datetime] = {}
    if ids:
        decisions = {
            i: (title, str(stage))
            for i, title, stage in db.session.execute(
                sa.select(Decision.id, Decision.title, Decision.stage).where(
                    Decision.id.in_(ids), Decision.non_disclosable.is_(False)
                )
            )
        }
        for decision_id, closes_at in db.session.execute(
            sa.select(Consultation.decision_id, Consultation.closes_at).where(
                Consultation.decision_id.in_(ids),
                Consultation.opens_at <= now,
                Consultation.closes_at > now,
            )
        ):
            open_until[decision_id] = max(closes_at, open_until.get(decision_id, closes_at))
    out = {}
    for hit in hits:
        title, stage = decisions.get(hit.decision_id, ("", ""))
        out[(hit.type, hit.id)] = HitInfo(
            what=str(HIT_LABELS.get(hit.type, TYPE_LABELS.get(hit.type, hit.type))),
            heading=_heading(hit, title),
            decision_title=title,
            stage=stage,
            stage_label=str(labels.STAGE.get(stage, "")) if stage else "",
            consultation_open=hit.decision_id in open_until and bool(title),
            consultation_closes_at=open_until.get(hit.decision_id),
        )
    return out


@bp.get("/search")
@limiter.limit("60 per minute")
def search_page():
    args = search_args()
    page, per_page = page_args(20, MAX_PER_PAGE)
    results = None
    unavailable = False
    if args["q"].strip():
        try:
            results = search(
                args["q"],
                page=page,
                per_page=per_page,
                kinds=args["kinds"],
                gov=args["gov"],
                year=args["year"],
                stage=args["stage"],
                sort=args["sort"],
            )
        except SearchUnavailable:
            unavailable = True
    governments = db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all()
    status = 503 if unavailable else 200
    return render_template(
        "public/search.html",
        q=args["q"],
        args=args,
        results=results,
        described=describe_hits(results.hits) if results else {},
        unavailable=unavailable,
        page=page,
        page_count=results.page_count if results else 1,
        types=[(k, TYPE_LABELS.get(k, k)) for k in kinds()],
        governments=governments,
        stages=list(Stage),
        years=list(range(_this_year(), 2019, -1)),
    ), status


def _this_year() -> int:
    from portal import clock

    return clock.to_local(clock.now()).year
