"""Home page: open consultations first (issue 12), then search, hearings, latest publications."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from portal import clock
from portal.extensions import db
from portal.models.org import Government
from portal.public import bp
from portal.public.cache import cached_page
from portal.services import decisions as decision_service
from portal.services import listings


@bp.get("/")
@cached_page
def home():
    now = clock.now()
    consultations, _total = listings.list_consultations(
        listings.ConsultationState.OPEN, gov=None, now=now, page=1, per_page=10
    )
    return render_template(
        "public/home.html",
        consultations=consultations,
        publications=decision_service.latest_publications(limit=6),
        governments=db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all(),
    )
