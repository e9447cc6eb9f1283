"""The work inbox (what waits for each role of the user), the flat list of the government's
decisions, and the government's audit log as sentences."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin import bp
from portal import clock
from portal.permissions import Permission, Role, can, permissions_of, require
from portal.public._util import pages
from portal.services import audit_text, inbox
from portal.services import decisions as decision_service

ROLE_LABELS = {
    Role.SYSTEM_ADMIN: _l("System administrator"),
    Role.GOVERNMENT_OFFICE: _l("Government office"),
    Role.UNDERTAKING_STAFF: _l("Undertaking unit"),
    Role.LEGALITY_REVIEWER: _l("Legality reviewer"),
    Role.MODERATOR: _l("Opinion moderator"),
    Role.SUPERVISION_OFFICER: _l("Supervision officer"),
    Role.EVALUATOR: _l("Post-evaluation officer"),
}


@bp.app_template_global()
def staff_roles() -> list[str]:
    """The signed-in user's roles, in words, in the inbox's order."""
    roles = getattr(current_user, "roles", frozenset())
    return [str(ROLE_LABELS[r]) for r in inbox.ROLE_ORDER if r in roles]


@bp.app_template_global()
def staff_nav() -> list[tuple[str, str, bool]]:
    """The staff navigation: (href, label, current) for what the user may open."""
    perms = permissions_of(current_user)
    endpoint = request.endpoint or ""
    items: list[tuple[str, str, str]] = [
        ("admin.dashboard", _("Inbox"), "admin.dashboard"),
        ("admin.decision_list", _("Decisions"), "admin.decision"),
        ("admin.deadline_board", _("Deadlines"), "admin.deadline_board"),
    ]
    if Permission.PROPOSAL_MANAGE in perms or Permission.PROPOSAL_STUDY in perms:
        items.append(("admin.proposal_list", _("Proposals"), "admin.proposal"))
    items += [
        ("admin.catalog_list", _("Catalogs"), "admin.catalog"),
        ("admin.expert_list", _("Expert pool"), "admin.expert"),
        ("admin.supervision_index", _("Supervision"), "admin.supervision"),
        ("admin.evaluation_index", _("Post-evaluation"), "admin.evaluation"),
    ]
    if Permission.STATISTICS_VIEW in perms:
        items.append(("admin.statistics", _("Statistics"), "admin.statistics"))
    if Permission.CHANNELS_MANAGE in perms:
        items.append(("admin.channel_list", _("Participation channels"), "admin.channel"))
    if Permission.CALENDAR_MANAGE in perms:
        items.append(("admin.calendar_overrides", _("Working-day calendar"), "admin.calendar"))
    if Permission.AUDIT_VIEW in perms:
        items.append(("admin.audit_log", _("Audit log"), "admin.audit_log"))
    out = []
    for target, label, prefix in items:
        if target not in current_app.view_functions:
            continue
        current = endpoint == target or (
            prefix != "admin.dashboard" and endpoint.startswith(prefix)
        )
        out.append((url_for(target), label, current))
    return out


@bp.get("/")
@require(Permission.DASHBOARD_VIEW)
def dashboard():
    box = inbox.inbox(current_user, today=clock.local_today(), now=clock.now())
    return render_template(
        "admin/dashboard.html",
        inbox=box,
        role_labels=ROLE_LABELS,
        can_create=can(current_user, Permission.DECISION_CREATE),
    )


@bp.get("/decisions")
@require(Permission.DASHBOARD_VIEW)
def decision_list():
    return render_template(
        "admin/decision_list.html",
        decisions=decision_service.staff_decisions(current_user.government_id),
        can_create=can(current_user, Permission.DECISION_CREATE),
    )


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 6 else 1


@bp.get("/audit")
@require(Permission.AUDIT_VIEW)
def audit_log():
    page = _page()
    per_page = 50
    entries, total = audit_text.government_log(
        current_user.government_id, page=page, per_page=per_page
    )
    return render_template(
        "admin/audit.html",
        described=audit_text.describe(entries),
        page=page,
        page_count=pages(total, per_page),
        total=total,
    )
