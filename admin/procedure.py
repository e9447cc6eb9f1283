"""The decision workspace: compliance panel, next steps, transitions, audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import actor, client_ip, decision_or_404, input_error
from portal import clock
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.permissions import Permission, can, require
from portal.rules.errors import RuleViolation
from portal.rules.stages import Stage, Step
from portal.rules.transitions import EXIT_STAGES
from portal.services import compliance, procedure

ACTIONS = ("start", "complete", "waive", "exit")


def _workspace(
    decision,
    *,
    errors: list[RuleViolation] | None = None,
    status: int = 200,
    form: dict | None = None,
):
    today = clock.local_today()
    trail = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(decision.id))
        .order_by(AuditEntry.seq.desc())
        .limit(50)
    ).all()
    return render_template(
        "admin/decision_workspace.html",
        decision=decision,
        menu=procedure.menu(decision),
        panel=compliance.panel(decision, today),
        steps=procedure.latest_steps(decision),
        all_steps=list(procedure.MENU_STEPS),
        exit_stages=list(EXIT_STAGES),
        trail=trail,
        errors=errors or [],
        form=form or {},
        can_edit=can(current_user, Permission.DECISION_EDIT, decision),
        can_exit=can(current_user, Permission.PROCEDURE_EXIT, decision),
    ), status


@bp.get("/decisions/<int:decision_id>")
@require(Permission.DECISION_VIEW)
def decision_show(decision_id: int):
    return _workspace(decision_or_404(decision_id))


def _target(action: str, value: str) -> Step | Stage | None:
    try:
        return Stage(value) if action == "exit" else Step(value)
    except ValueError:
        return None


@bp.post("/decisions/<int:decision_id>/transition")
@require(Permission.DECISION_EDIT)
def decision_transition(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    action = request.form.get("action", "")
    target = _target(action, request.form.get("target", ""))
    explanation = request.form.get("explanation", "").strip()[:5000]
    form = {"action": action, "target": request.form.get("target", ""), "explanation": explanation}
    if action not in ACTIONS or target is None:
        return _workspace(
            decision, errors=[input_error(_("Choose an action and a step."))], status=422, form=form
        )
    if action == "exit" and not can(current_user, Permission.PROCEDURE_EXIT, decision):
        return _workspace(
            decision,
            errors=[RuleViolation("", _("Only the government office records this."))],
            status=403,
            form=form,
        )
    now = clock.now()
    try:
        if action in ("start", "exit"):
            procedure.transition(decision, target, actor=actor(), now=now, ip=client_ip())
        elif action == "complete":
            procedure.complete_step(decision, target, actor=actor(), now=now, ip=client_ip())
        else:
            procedure.waive_step(
                decision, target, explanation, actor=actor(), now=now, ip=client_ip()
            )
    except RuleViolation as violation:
        db.session.rollback()
        facts = procedure.build_facts(decision)
        from portal.rules import transitions

        if action in ("start", "exit"):
            reasons = transitions.blocking_reasons(
                facts, target, calendar=procedure.work_calendar()
            )
        elif action == "complete":
            reasons = transitions.completion_blocking_reasons(
                facts, target, calendar=procedure.work_calendar()
            )
        else:
            reasons = [violation]
        return _workspace(decision, errors=reasons or [violation], status=422, form=form)
    db.session.commit()
    flash(_("Recorded."))
    return redirect(url_for("admin.decision_show", decision_id=decision.id))


@bp.get("/deadlines")
@require(Permission.DASHBOARD_VIEW)
def deadline_board():
    today = clock.local_today()
    rows = compliance.board(current_user.government_id, today)
    return render_template("admin/deadline_board.html", rows=rows, today=today)
