"""The decision workspace: compliance panel, next steps, transitions, corrections, audit trail.

The transition form goes through ``portal.services.workspace.record_step`` and the shared
``submit`` helper; a refusal shows every reason the state machine gives (``RuleViolation``
carries them all). Publication is started on the publication screen, never here.
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import decision_or_404, submit, who
from portal import clock, labels
from portal.permissions import Permission, can, require
from portal.rules.errors import RuleViolation
from portal.services import audit_text, compliance, procedure, workspace


def _workspace(
    decision,
    *,
    errors: list[RuleViolation] | None = None,
    status: int = 200,
    form: dict | None = None,
):
    today = clock.local_today()
    menu = procedure.menu(decision)
    can_exit = can(current_user, Permission.PROCEDURE_EXIT, decision)
    selected = request.args.get("compliance", "all")
    if selected not in compliance.PANEL_FILTERS:
        selected = "all"
    groups = compliance.grouped_panel(compliance.panel(decision, today), today, selected)
    return render_template(
        "admin/decision_workspace.html",
        decision=decision,
        menu=menu,
        actions=workspace.next_actions(menu, can_exit=can_exit),
        under_way=workspace.steps_under_way(menu),
        waivable=workspace.waivable_steps(menu),
        blocked=workspace.blocked_steps(menu),
        panel_groups=groups,
        panel_totals=compliance.panel_totals(groups),
        panel_filter=selected,
        panel_filters=compliance.PANEL_FILTERS,
        screen_of=workspace.screen_of,
        steps=procedure.latest_steps(decision),
        exit_stages=list(workspace.EXIT_STAGES),
        trail=audit_text.describe(workspace.audit_trail(decision)),
        corrections=workspace.recent_corrections(decision),
        flag_requests=workspace.pending_flag_requests(decision),
        links=workspace.adjustment_links(decision),
        errors=errors or [],
        form=form or {},
        can_edit=can(current_user, Permission.DECISION_EDIT, decision),
        can_exit=can_exit,
    ), status


@bp.get("/decisions/<int:decision_id>")
@require(Permission.DECISION_VIEW)
def decision_show(decision_id: int):
    return _workspace(decision_or_404(decision_id))


@bp.post("/decisions/<int:decision_id>/transition")
@require(Permission.DECISION_EDIT)
def decision_transition(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    data = workspace.StepAction(
        action=request.form.get("action", ""),
        target=request.form.get("target", ""),
        explanation=request.form.get("explanation", "").strip()[:5000],
    )
    if data.action == "exit" and not can(current_user, Permission.PROCEDURE_EXIT, decision):
        abort(403)  # PROC-35b: outcomes are recorded for the decision organ by its office
    form = {"action": data.action, "target": data.target, "explanation": data.explanation}
    screen = workspace.step_started_screen(data)
    response = submit(
        lambda: workspace.record_step(decision, data, **who()),
        render=lambda errors, status: _workspace(decision, errors=errors, status=status, form=form),
        redirect_to=url_for(screen or "admin.decision_show", decision_id=decision.id),
        message=_(
            "The step “%(step)s” has started: record its work on this screen.",
            step=labels.label_of(data.target),
        )
        if screen
        else None,
    )
    return response


@bp.get("/deadlines")
@require(Permission.DASHBOARD_VIEW)
def deadline_board():
    today = clock.local_today()
    rows = compliance.board(current_user.government_id, today)
    return render_template(
        "admin/deadline_board.html", rows=rows, today=today, screen_of=workspace.screen_of
    )
