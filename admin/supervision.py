"""Back-office supervision (SUP) and public implementation updates (PART-20a).

``/admin/supervision`` lists the government's overdue tracking entries, tasks and
rectifications, and sends the reminders; each decision has a supervision screen with its
tasks and monthly tracking, inspections with their reports and rectification, year-end
assessments and the executing unit's public updates. Views are thin: parse a form, call
``portal.services.supervision`` through the shared write path (``submit``: commit once, flash,
redirect); a refusal re-renders with 422, the rule IDs on screen and nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from admin import bp
from admin import forms_supervision as F
from admin._helpers import attach as _attach  # noqa: F401  (admin/evaluation.py imports it)
from admin._helpers import decision_or_404, input_error, submit, who
from admin._helpers import form_errors as _form_errors  # noqa: F401  (same)
from portal import clock, transaction
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department
from portal.models.supervision import (
    ImplementationUpdate,
    Inspection,
    Rectification,
    SupervisionTask,
)
from portal.permissions import Permission, can, require
from portal.services import supervision as service

ROUTE = "/decisions/<int:decision_id>/supervision"


def _who() -> dict[str, Any]:
    return who()


def _today():
    return clock.local_today()


def _run(
    decision: Decision,
    form: FlaskForm,
    key: str,
    action: Callable[[], Any],
    *,
    anchor: str | None = None,
    render: Callable[..., Any] | None = None,
    message: str | None = None,
):
    """The shared write path (``submit``) for the supervision screen's forms."""
    render = render or _page
    return submit(
        action,
        render=lambda errors, status: render(decision, errors=errors, status=status, **{key: form}),
        redirect_to=url_for("admin.decision_supervision", decision_id=decision.id, _anchor=anchor),
        form=form,
        message=message,
    )


def _units(decision: Decision, blank: bool = False) -> list[SelectChoice]:
    rows = db.session.scalars(
        sa.select(Department)
        .where(Department.government_id == decision.government_id)
        .order_by(Department.sort_order, Department.id)
    ).all()
    out = [SelectChoice("", _("Choose"))] if blank else []
    return out + [SelectChoice(str(d.id), d.name) for d in rows]


def _task_form(decision: Decision, form: F.TaskForm | None = None) -> F.TaskForm:
    form = form or F.TaskForm(formdata=None)
    form.responsible_unit_id.choices = _units(decision, blank=True)
    if decision.executing_unit_id and not form.responsible_unit_id.data:
        form.responsible_unit_id.data = str(decision.executing_unit_id)
    return form


def _months(task: SupervisionTask) -> list[SelectChoice]:
    slots = service.task_slots(task, _today())
    return [SelectChoice(str(s.month), str(s.month)) for s in reversed(slots)]


def _tracking_form(task: SupervisionTask, form: F.TrackingForm | None = None) -> F.TrackingForm:
    form = form or F.TrackingForm(formdata=None, prefix=f"t{task.id}")
    form.month.choices = _months(task)
    return form


def _inspection_form(decision: Decision, form: F.InspectionForm | None = None) -> F.InspectionForm:
    form = form or F.InspectionForm(formdata=None)
    form.inspected_unit_id.choices = _units(decision, blank=True)
    return form


def _rect_form(decision: Decision, insp: Inspection, form=None) -> F.RectificationForm:
    form = form or F.RectificationForm(formdata=None, prefix=f"r{insp.id}")
    form.responsible_unit_id.choices = _units(decision, blank=True)
    return form


def _page(decision: Decision, *, errors=None, status: int = 200, **forms):
    today = _today()
    tasks = service.tasks_of(decision)
    inspections = service.inspections_of(decision)
    manage = can(current_user, Permission.SUPERVISION_MANAGE, decision)
    edit = can(current_user, Permission.DECISION_EDIT, decision)
    tracking_forms = {t.id: _tracking_form(t, forms.get(f"tracking_{t.id}")) for t in tasks}
    ctx = {
        "decision": decision,
        "errors": errors or [],
        "today": today,
        "tasks": tasks,
        "slots": {t.id: service.task_slots(t, today) for t in tasks},
        "tracking_forms": tracking_forms,
        "done_form": forms.get("done_form") or F.TaskDoneForm(formdata=None),
        "task_form": _task_form(decision, forms.get("task_form")),
        "inspections": inspections,
        "inspection_form": _inspection_form(decision, forms.get("inspection_form")),
        "report_forms": {
            i.id: forms.get(f"report_{i.id}")
            or F.InspectionReportForm(formdata=None, obj=i, prefix=f"i{i.id}")
            for i in inspections
        },
        "approval_form": forms.get("approval_form") or F.ApprovalForm(formdata=None),
        "dissemination_form": forms.get("dissemination_form") or F.DisseminationForm(formdata=None),
        "self_report_form": forms.get("self_report_form") or F.SelfReportForm(formdata=None),
        "rect_forms": {
            i.id: _rect_form(decision, i, forms.get(f"rect_{i.id}")) for i in inspections
        },
        "rect_done_form": forms.get("rect_done_form") or F.RectificationDoneForm(formdata=None),
        "assessments": service.assessments_of(decision),
        "assessment_form": forms.get("assessment_form")
        or F.AssessmentForm(formdata=None, year=today.year),
        "updates": service.updates_of(decision),
        "update_form": forms.get("update_form") or F.UpdateForm(formdata=None),
        "warnings": service.warnings(decision, today),
        "reminders": service.reminders_of(decision),
        "can_manage": manage,
        "can_track": manage or edit,
        "can_update": edit,
        "registration_blocked": service.registration_violations(decision),
        "task_overdue": lambda t: t.status == "open" and t.deadline < today,
        "rect_overdue": lambda r: service.rectification_overdue(r, today),
        "self_report_overdue": lambda i: service.self_report_overdue(i, today),
    }
    return render_template("admin/supervision/decision.html", **ctx), status


def _task_or_404(decision: Decision, task_id: int) -> SupervisionTask:
    task = db.session.get(SupervisionTask, task_id)
    if task is None or task.decision_id != decision.id:
        abort(404)
    return task


def _inspection_or_404(decision: Decision, inspection_id: int) -> Inspection:
    row = db.session.get(Inspection, inspection_id)
    if row is None or row.decision_id != decision.id:
        abort(404)
    return row


def _manage(decision_id: int) -> Decision:
    return decision_or_404(decision_id, Permission.SUPERVISION_MANAGE)


# -- the government's overview --------------------------------------------------------------------


@bp.get("/supervision")
@require(Permission.DECISION_VIEW)
def supervision_index():
    gov_id = current_user.government_id
    today = _today()
    decisions = service.decisions_under_supervision(gov_id)
    return render_template(
        "admin/supervision/index.html",
        decisions=decisions,
        task_counts=service.task_counts(decisions),
        overdue=service.overdue_tracking(gov_id, today),
        overdue_tasks=service.overdue_tasks(gov_id, today),
        overdue_rectifications=service.rectifications_overdue(gov_id, today),
        can_remind=can(current_user, Permission.SUPERVISION_MANAGE),
        today=today,
    )


@bp.post("/supervision/reminders")
@require(Permission.SUPERVISION_MANAGE)
def supervision_reminders():
    sent = transaction.run(
        lambda: service.send_reminders(
            clock.now(), government_id=current_user.government_id, actor=who()["actor"]
        )
    )
    flash(_("%(n)d reminder(s) sent.", n=sent))
    return redirect(url_for("admin.supervision_index"))


# -- one decision ----------------------------------------------------------------------------------


@bp.get(ROUTE)
@require(Permission.DECISION_VIEW)
def decision_supervision(decision_id: int):
    return _page(decision_or_404(decision_id))


@bp.post(ROUTE + "/tasks")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_task(decision_id: int):
    decision = _manage(decision_id)
    form = _task_form(decision, F.TaskForm())
    return _run(
        decision,
        form,
        "task_form",
        lambda: service.register_task(
            decision,
            {
                "title": form.title.data,
                "target_milestones": form.target_milestones.data,
                "responsible_unit_id": form.responsible_unit_id.data,
                "supporting_units": form.supporting_units.data,
                "deadline": form.deadline.data,
            },
            **_who(),
        ),
        anchor="tasks",
    )


@bp.post(ROUTE + "/tasks/<int:task_id>/done")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_task_done(decision_id: int, task_id: int):
    decision = _manage(decision_id)
    task = _task_or_404(decision, task_id)
    form = F.TaskDoneForm()
    return _run(
        decision,
        form,
        "done_form",
        lambda: service.complete_task(task, form.completed_on.data, **_who()),
        anchor=f"task-{task.id}",
    )


@bp.post(ROUTE + "/tasks/<int:task_id>/tracking")
@require(Permission.DECISION_VIEW)
def decision_supervision_tracking(decision_id: int, task_id: int):
    decision = decision_or_404(decision_id)
    if not (
        can(current_user, Permission.SUPERVISION_MANAGE, decision)
        or can(current_user, Permission.DECISION_EDIT, decision)
    ):
        abort(403)
    task = _task_or_404(decision, task_id)
    form = _tracking_form(task, F.TrackingForm(prefix=f"t{task.id}"))

    def action():
        month = service.month_of(form.month.data)
        if month is None:  # a malformed choice (the select offers the task's months)
            raise input_error(_("Choose a month."), "month")
        service.record_tracking(
            task,
            month,
            {
                "progress": form.progress.data,
                "effects": form.effects.data,
                "problems": form.problems.data,
            },
            **_who(),
        )

    return _run(decision, form, f"tracking_{task.id}", action, anchor=f"task-{task.id}")


@bp.post(ROUTE + "/inspections")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_inspection(decision_id: int):
    decision = _manage(decision_id)
    form = _inspection_form(decision, F.InspectionForm())
    return _run(
        decision,
        form,
        "inspection_form",
        lambda: service.add_inspection(
            decision,
            {
                "inspection_type": form.inspection_type.data,
                "method": form.method.data,
                "techniques": form.techniques.data or [],
                "inspected_unit_id": form.inspected_unit_id.data,
                "participating_departments": form.participating_departments.data,
                "topic": form.topic.data,
                "started_on": form.started_on.data,
                "self_report_due": form.self_report_due.data,
            },
            **_who(),
        ),
        anchor="inspections",
    )


@bp.post(ROUTE + "/inspections/<int:inspection_id>/self-report")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_self_report(decision_id: int, inspection_id: int):
    decision = _manage(decision_id)
    insp = _inspection_or_404(decision, inspection_id)
    form = F.SelfReportForm()
    return _run(
        decision,
        form,
        "self_report_form",
        lambda: service.receive_self_report(insp, form.self_report_received_on.data, **_who()),
        anchor=f"insp-{insp.id}",
    )


@bp.post(ROUTE + "/inspections/<int:inspection_id>/report")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_report(decision_id: int, inspection_id: int):
    decision = _manage(decision_id)
    insp = _inspection_or_404(decision, inspection_id)
    form = F.InspectionReportForm(prefix=f"i{insp.id}")
    return _run(
        decision,
        form,
        f"report_{insp.id}",
        lambda: service.save_report(insp, form.data, **_who()),
        anchor=f"insp-{insp.id}",
    )


@bp.post(ROUTE + "/inspections/<int:inspection_id>/approve")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_approve(decision_id: int, inspection_id: int):
    decision = _manage(decision_id)
    insp = _inspection_or_404(decision, inspection_id)
    form = F.ApprovalForm()
    return _run(
        decision,
        form,
        "approval_form",
        lambda: service.approve_report(
            insp, form.approved_by.data or "", form.approved_on.data, **_who()
        ),
        anchor=f"insp-{insp.id}",
    )


@bp.post(ROUTE + "/inspections/<int:inspection_id>/disseminate")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_disseminate(decision_id: int, inspection_id: int):
    decision = _manage(decision_id)
    insp = _inspection_or_404(decision, inspection_id)
    form = F.DisseminationForm()
    return _run(
        decision,
        form,
        "dissemination_form",
        lambda: service.disseminate(
            insp, form.dissemination.data, form.disseminated_on.data, **_who()
        ),
        anchor=f"insp-{insp.id}",
    )


@bp.post(ROUTE + "/inspections/<int:inspection_id>/rectifications")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_rectification(decision_id: int, inspection_id: int):
    decision = _manage(decision_id)
    insp = _inspection_or_404(decision, inspection_id)
    form = _rect_form(decision, insp, F.RectificationForm(prefix=f"r{insp.id}"))
    return _run(
        decision,
        form,
        f"rect_{insp.id}",
        lambda: service.add_rectification(
            insp,
            {
                "description": form.description.data,
                "responsible_unit_id": form.responsible_unit_id.data,
                "due_on": form.due_on.data,
            },
            **_who(),
        ),
        anchor=f"insp-{insp.id}",
    )


@bp.post(ROUTE + "/rectifications/<int:item_id>/done")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_rectification_done(decision_id: int, item_id: int):
    decision = _manage(decision_id)
    item = db.session.get(Rectification, item_id)
    if item is None or item.decision_id != decision.id:
        abort(404)
    form = F.RectificationDoneForm()
    return _run(
        decision,
        form,
        "rect_done_form",
        lambda: service.complete_rectification(
            item, form.completed_on.data, form.check_result.data or "", **_who()
        ),
        anchor=f"insp-{item.inspection_id}",
    )


@bp.post(ROUTE + "/assessments")
@require(Permission.SUPERVISION_MANAGE)
def decision_supervision_assessment(decision_id: int):
    decision = _manage(decision_id)
    form = F.AssessmentForm()
    return _run(
        decision,
        form,
        "assessment_form",
        lambda: service.record_assessment(
            decision,
            {
                "year": form.year.data,
                "result": form.result.data,
                "assessor": form.assessor.data,
                "assessed_on": form.assessed_on.data,
                "remarks": form.remarks.data,
            },
            **_who(),
        ),
        anchor="assessments",
    )


@bp.post(ROUTE + "/updates")
@require(Permission.DECISION_EDIT)
def decision_supervision_update(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.UpdateForm()
    return _run(
        decision,
        form,
        "update_form",
        lambda: service.publish_update(decision, form.data, **_who()),
        anchor="updates",
    )


@bp.post(ROUTE + "/updates/<int:update_id>/withdraw")
@require(Permission.DECISION_EDIT)
def decision_supervision_update_withdraw(decision_id: int, update_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = db.session.get(ImplementationUpdate, update_id)
    if row is None or row.decision_id != decision.id:
        abort(404)
    return submit(
        lambda: service.withdraw_update(row, **_who()),
        render=lambda errors, status: _page(decision, errors=errors, status=status),
        redirect_to=url_for(
            "admin.decision_supervision", decision_id=decision.id, _anchor="updates"
        ),
        message=_("The update was taken off the public dossier."),
    )


@bp.app_template_global()
def supervision_nav() -> dict:
    """Data of the back-office links: the A27 prompts (for the office) and whether the user
    sees the statistics."""
    from portal.services import evaluation as evaluation_service

    if not getattr(current_user, "is_authenticated", False) or not current_user.is_staff:
        return {"prompts": [], "statistics": False}
    prompts = []
    if can(current_user, Permission.EVALUATION_ORGANISE):
        prompts = evaluation_service.prompts(current_user.government_id, clock.now())
    return {"prompts": prompts, "statistics": can(current_user, Permission.STATISTICS_VIEW)}
