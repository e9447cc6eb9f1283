"""The consultations column (``/consultations``), the published decisions (``/publications``)
and the public deadline board (``/deadlines``) of issue 12. Stable public URLs; read-only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from portal import clock
from portal.extensions import db
from portal.models.org import Government
from portal.public import bp
from portal.public._util import page_args, pages
from portal.public.cache import cached_page
from portal.services import listings
from portal.services.listings import ConsultationState


def _governments() -> list[Government]:
    return list(db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all())


def _gov_arg(governments: list[Government]) -> Government | None:
    slug = request.args.get("gov", "").strip()
    return next((g for g in governments if g.slug == slug), None)


TAB_LABELS = {
    ConsultationState.OPEN.value: _l("Now open for comments"),
    ConsultationState.CLOSED.value: _l("Closed, report awaited"),
    ConsultationState.ANSWERED.value: _l("Answered (report published)"),
}


@bp.get("/consultations")
@cached_page
def consultation_list():
    """Open consultations, closed ones awaiting the adoption report, and answered ones."""
    try:
        state = ConsultationState(request.args.get("status", "open"))
    except ValueError:
        state = ConsultationState.OPEN
    page, per_page = page_args(20, 50)
    governments = _governments()
    gov = _gov_arg(governments)
    now = clock.now()
    slug = gov.slug if gov else None
    rows, total = listings.list_consultations(
        state, gov=slug, now=now, page=page, per_page=per_page
    )
    return render_template(
        "public/consultation_list.html",
        rows=rows,
        total=total,
        state=state,
        states=list(ConsultationState),
        tab_labels=TAB_LABELS,
        counts=listings.consultation_counts(slug, now),
        page=page,
        page_count=pages(total, per_page),
        governments=governments,
        current_gov=gov,
    )


@bp.get("/publications")
@cached_page
def publication_list():
    """Every decision that has been published, whatever its stage since (PROC-37a)."""
    page, per_page = page_args(20, 50)
    governments = _governments()
    gov = _gov_arg(governments)
    items, total = listings.published_decisions(
        gov=gov.slug if gov else None, page=page, per_page=per_page
    )
    return render_template(
        "public/publication_list.html",
        items=items,
        total=total,
        page=page,
        page_count=pages(total, per_page),
        governments=governments,
        current_gov=gov,
    )


@bp.get("/deadlines")
@cached_page
def deadline_board():
    """The public side of the deadline board: each government's overdue duties (A41)."""
    governments = _governments()
    if not governments:
        abort(404)
    gov = _gov_arg(governments)
    if request.args.get("gov") and gov is None:
        abort(404)
    gov = gov or governments[0]
    today = clock.local_today()
    return render_template(
        "public/deadline_board.html",
        rows=listings.public_overdue(gov, today),
        today=today,
        governments=governments,
        current_gov=gov,
    )
