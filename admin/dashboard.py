"""The dashboard: the decisions of the user's own government."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from admin import bp
from portal.extensions import db
from portal.models.decision import Decision
from portal.permissions import Permission, can, require
from portal.services import decisions as decision_service


@bp.get("/")
@require(Permission.DASHBOARD_VIEW)
def dashboard():
    return render_template(
        "admin/dashboard.html",
        decisions=decision_service.staff_decisions(current_user.government_id),
    )


@bp.get("/decisions/<int:decision_id>")
@require(Permission.DECISION_VIEW)
def decision_show(decision_id: int):
    decision = db.session.get(Decision, decision_id)
    # Object-level scope: another government's record is "not found", not "forbidden".
    if decision is None or not can(current_user, Permission.DECISION_VIEW, decision):
        abort(404)
    return render_template("admin/decision_show.html", decision=decision)
