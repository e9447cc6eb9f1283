"""Home page: open consultations, latest publications, search box."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from portal import clock
from portal.extensions import db
from portal.models.org import Government
from portal.public import bp
from portal.public.cache import cached_page
from portal.services import decisions as decision_service


@bp.get("/")
@cached_page
def home():
    now = clock.now()
    return render_template(
        "public/home.html",
        consultations=decision_service.open_consultations(now, limit=10),
        publications=decision_service.latest_publications(limit=6),
        governments=db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all(),
    )
