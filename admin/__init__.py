"""The back office. Deny by default: every route but login needs a staff session."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from portal import clock

bp = Blueprint("admin", __name__)

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def staff_only():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    if not current_user.is_staff:
        abort(403)
    now = clock.now()
    last_seen = _stamp(session.get("last_seen"))
    logged_in = _stamp(session.get("logged_in_at"))
    idle = current_app.config["STAFF_IDLE_TIMEOUT"]
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if (
        last_seen is None
        or logged_in is None
        or now - last_seen > idle
        or now - logged_in > absolute
    ):
        logout_user()
        session.clear()
        return redirect(url_for("admin.login", expired=1))
    session["last_seen"] = now.timestamp()
    return None


def _stamp(value) -> datetime | None:
    if not isinstance(value, int | float):
        return None
    from datetime import UTC

    return datetime.fromtimestamp(value, UTC)


@bp.context_processor
def _admin_context():
    from flask import current_app

    from admin._helpers import SECTIONS

    return {"admin_sections": SECTIONS, "view_functions": current_app.view_functions}


from admin import (  # noqa: E402,F401
    archive,
    auth,
    calendar,
    catalogs,
    channels,
    corrections,
    dashboard,
    decisions,
    evaluation,
    experts,
    hearings,
    opinions,
    procedure,
    proposals,
    stages_early,
    stages_late,
    stages_review,
    statistics,
    supervision,
)
