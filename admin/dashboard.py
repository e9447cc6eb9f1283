"""The dashboard: the decisions of the user's own government."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from admin import bp
from portal.permissions import Permission, can, require
from portal.services import decisions as decision_service


@bp.get("/")
@require(Permission.DASHBOARD_VIEW)
def dashboard():
    return render_template(
        "admin/dashboard.html",
        decisions=decision_service.staff_decisions(current_user.government_id),
        can_create=can(current_user, Permission.DECISION_CREATE),
    )
