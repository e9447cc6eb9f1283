"""Full-text search page (public contract: ``/search?q=&type=&gov=&year=``, plus ``stage``,
``sort`` and ``page``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import lazy_gettext as _l

from portal.extensions import db, limiter
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
