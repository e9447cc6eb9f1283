"""Back-office post-evaluation (EVAL, PROC-43..45), the moderation of public feedback and the
government's responses to public concerns (PART-19b).

``/admin/evaluation`` shows the A27 prompts (public feedback past the threshold) and the
government's evaluations; each decision has a post-evaluation screen (trigger, unit, agreement,
team, plan, investigation and call for input, report, the government's decision) and a screen
for its public feedback: moderated like opinions, and answered by the undertaking unit with
published responses (one response for one concern or several similar ones). Every write goes
through ``admin._helpers.submit`` (one commit, or 422 with the rule).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from admin import bp
from admin import forms_supervision as F
from admin._helpers import decision_or_404, submit, who
from admin.forms_opinions import FeedbackResponseCorrectionForm, FeedbackResponseForm
from portal import clock
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.evaluation import Evaluation
from portal.permissions import Permission, can, require
from portal.rules.privacy import mask_contact, mask_personal_data, segments
from portal.services import corrections, moderation
from portal.services import evaluation as service
from portal.services.evaluation import (
    AGREEMENT_TERMS,
    PLAN_PARTS,
    REPORT_PARTS,
)
from portal.services.evaluation import FeedbackStatus as OpinionStatus
from portal.services.records import local_midnight

ROUTE = "/decisions/<int:decision_id>/evaluation"
FEEDBACK_STATUS = {
    OpinionStatus.RECEIVED: _l("Awaiting moderation"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Withheld"),
}


def _who() -> dict[str, Any]:
    return who()


def _page(decision: Decision, *, errors=None, status: int = 200, **forms):
    today = clock.local_today()
    ev = service.current_evaluation(decision)
    unit_refusals, unit_warnings = (
        service.unit_check(decision, ev.evaluation_unit) if ev and ev.evaluation_unit else ([], [])
    )
    ctx = {
        "decision": decision,
        "errors": errors or [],
        "ev": ev,
        "history": [e for e in service.evaluations_of(decision) if ev is None or e.id != ev.id],
        "status": service.status_of(ev) if ev else None,
        "late": service.report_late(ev, today) if ev else [],
        "unit_warnings": unit_warnings,
        "prior": service.prior_parties(decision),
        "third_party_problems": service.third_party_problems(ev) if ev else [],
        "trigger_form": forms.get("trigger_form") or F.TriggerForm(formdata=None),
        "unit_form": forms.get("unit_form") or F.UnitForm(formdata=None, obj=ev),
        "agreement_form": forms.get("agreement_form") or F.AgreementForm(formdata=None, obj=ev),
        "team_form": forms.get("team_form") or F.TeamMemberForm(formdata=None),
        "plan_form": forms.get("plan_form")
        or F.PlanForm(formdata=None, obj=ev, methods=ev.method_list if ev else []),
        "investigation_form": forms.get("investigation_form")
        or F.InvestigationForm(formdata=None, obj=ev),
        "report_form": forms.get("report_form") or F.ReportForm(formdata=None, obj=ev),
        "decision_form": forms.get("decision_form") or F.GovDecisionForm(formdata=None),
        "invalidate_form": forms.get("invalidate_form") or F.InvalidateForm(formdata=None),
        "can_organise": can(current_user, Permission.EVALUATION_ORGANISE, decision),
        "can_manage": can(current_user, Permission.EVALUATION_MANAGE, decision),
        "can_decide": can(current_user, Permission.PROCEDURE_EXIT, decision),
        "agreement_terms": AGREEMENT_TERMS,
        "plan_parts": PLAN_PARTS,
        "report_parts": REPORT_PARTS,
        "feedback_counts": service.feedback_status_counts(decision),
        "feedback_recent": service.feedback_count(decision, clock.now()),
        "threshold": service.feedback_threshold(),
        "unit_refusals": unit_refusals,
    }
    return render_template("admin/evaluation/decision.html", **ctx), status


def _run(decision: Decision, form: FlaskForm, key: str, action, *, anchor=None):
    """Validate ``form``, run the service ``action`` through the one write path, and go back
    to the evaluation screen; a refusal re-renders it with 422 and the rule."""
    return submit(
        action,
        render=lambda errors, status: _page(decision, errors=errors, status=status, **{key: form}),
        redirect_to=url_for("admin.decision_evaluation", decision_id=decision.id, _anchor=anchor),
        form=form,
    )


def _evaluation_or_404(decision: Decision, evaluation_id: int) -> Evaluation:
    ev = db.session.get(Evaluation, evaluation_id)
    if ev is None or ev.decision_id != decision.id:
        abort(404)
    return ev


# -- overview and the A27 prompt ------------------------------------------------------------------


@bp.get("/evaluation")
@require(Permission.DECISION_VIEW)
def evaluation_index():
    gov_id = current_user.government_id
    today = clock.local_today()
    evaluations = db.session.scalars(
        sa.select(Evaluation)
        .join(Decision, Evaluation.decision_id == Decision.id)
        .where(Decision.government_id == gov_id)
        .order_by(Evaluation.id.desc())
    ).all()
    return render_template(
        "admin/evaluation/index.html",
        prompts=service.prompts(gov_id, clock.now()),
        evaluations=evaluations,
        status_of=service.status_of,
        overdue=service.overdue_reports(gov_id, today),
        can_organise=can(current_user, Permission.EVALUATION_ORGANISE),
        threshold=service.feedback_threshold(),
    )


@bp.post(ROUTE + "/decline")
@require(Permission.EVALUATION_ORGANISE)
def decision_evaluation_decline(decision_id: int):
    decision = decision_or_404(decision_id, Permission.EVALUATION_ORGANISE)
    form = F.DeclineForm()
    return submit(
        lambda: service.decline_trigger(
            decision,
            form.reason.data or "",
            count=service.feedback_count(decision, clock.now()),
            **_who(),
        ),
        render=lambda errors, status: _page(decision, errors=errors, status=status),
        redirect_to=url_for("admin.evaluation_index"),
        message=_("Recorded: the trigger is not confirmed."),
    )


# -- one decision ----------------------------------------------------------------------------------


@bp.get(ROUTE)
@require(Permission.DECISION_VIEW)
def decision_evaluation(decision_id: int):
    return _page(decision_or_404(decision_id))


@bp.post(ROUTE + "/trigger")
@require(Permission.EVALUATION_ORGANISE)
def decision_evaluation_trigger(decision_id: int):
    decision = decision_or_404(decision_id, Permission.EVALUATION_ORGANISE)
    form = F.TriggerForm()
    return _run(
        decision,
        form,
        "trigger_form",
        lambda: service.open_evaluation(decision, form.data, **_who()),
        anchor="trigger",
    )


@bp.post(ROUTE + "/<int:evaluation_id>/unit")
@require(Permission.EVALUATION_ORGANISE)
def decision_evaluation_unit(decision_id: int, evaluation_id: int):
    decision = decision_or_404(decision_id, Permission.EVALUATION_ORGANISE)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.UnitForm()
    return _run(
        decision,
        form,
        "unit_form",
        lambda: service.designate_unit(ev, form.data, **_who()),
        anchor="unit",
    )


def _manage(decision_id: int) -> Decision:
    decision = decision_or_404(decision_id)
    if not (
        can(current_user, Permission.EVALUATION_MANAGE, decision)
        or can(current_user, Permission.EVALUATION_ORGANISE, decision)
    ):
        abort(403)
    return decision


@bp.post(ROUTE + "/<int:evaluation_id>/agreement")
@require(Permission.DECISION_VIEW)
def decision_evaluation_agreement(decision_id: int, evaluation_id: int):
    decision = _manage(decision_id)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.AgreementForm()
    return _run(
        decision,
        form,
        "agreement_form",
        lambda: service.save_agreement(ev, form.data, **_who()),
        anchor="agreement",
    )


@bp.post(ROUTE + "/<int:evaluation_id>/team")
@require(Permission.DECISION_VIEW)
def decision_evaluation_team(decision_id: int, evaluation_id: int):
    decision = _manage(decision_id)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.TeamMemberForm()
    return _run(
        decision,
        form,
        "team_form",
        lambda: service.add_team_member(ev, form.data, **_who()),
        anchor="team",
    )


@bp.post(ROUTE + "/<int:evaluation_id>/plan")
@require(Permission.DECISION_VIEW)
def decision_evaluation_plan(decision_id: int, evaluation_id: int):
    decision = _manage(decision_id)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.PlanForm()
    return _run(
        decision,
        form,
        "plan_form",
        lambda: service.save_plan(ev, form.data, **_who()),
        anchor="plan",
    )


@bp.post(ROUTE + "/<int:evaluation_id>/investigation")
@require(Permission.DECISION_VIEW)
def decision_evaluation_investigation(decision_id: int, evaluation_id: int):
    decision = _manage(decision_id)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.InvestigationForm()

    def action():
        values = dict(form.data)
        opens, closes = form.call_opens_on.data, form.call_closes_on.data
        values["call_opens_at"] = local_midnight(opens) if opens else None
        # the closing day is inclusive: the call closes at 24:00 of that day
        values["call_closes_at"] = local_midnight(closes + timedelta(days=1)) if closes else None
        return service.start_investigation(ev, values, **_who())

    return _run(decision, form, "investigation_form", action, anchor="investigation")


@bp.post(ROUTE + "/<int:evaluation_id>/report")
@require(Permission.DECISION_VIEW)
def decision_evaluation_report(decision_id: int, evaluation_id: int):
    decision = _manage(decision_id)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.ReportForm()
    return _run(
        decision,
        form,
        "report_form",
        lambda: service.submit_report(ev, form.data, **_who()),
        anchor="report",
    )


@bp.post(ROUTE + "/<int:evaluation_id>/decision")
@require(Permission.PROCEDURE_EXIT)
def decision_evaluation_decide(decision_id: int, evaluation_id: int):
    decision = decision_or_404(decision_id, Permission.PROCEDURE_EXIT)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.GovDecisionForm()

    def action():
        return service.record_gov_decision(ev, dict(form.data), **_who())

    return _run(decision, form, "decision_form", action, anchor="gov-decision")


@bp.post(ROUTE + "/<int:evaluation_id>/invalidate")
@require(Permission.EVALUATION_ORGANISE)
def decision_evaluation_invalidate(decision_id: int, evaluation_id: int):
    decision = decision_or_404(decision_id, Permission.EVALUATION_ORGANISE)
    ev = _evaluation_or_404(decision, evaluation_id)
    form = F.InvalidateForm()
    return _run(
        decision,
        form,
        "invalidate_form",
        lambda: service.invalidate(
            ev, form.invalid_reason.data or "", form.deadline.data, **_who()
        ),
        anchor="trigger",
    )


# -- moderation of public feedback, and the responses to public concerns (PART-19b) ---------------


def _feedback_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    raw = request.args.get("status", "")
    selected = OpinionStatus(raw) if raw in {s.value for s in OpinionStatus} else None
    similar = request.args.get("similar", "")[:64] or None
    items = service.feedback_queue(decision, selected)
    if similar:
        items = [i for i in items if i.text_hash == similar]
    return (
        render_template(
            "admin/evaluation/feedback.html",
            decision=decision,
            items=items,
            counts=service.feedback_status_counts(decision),
            selected=selected,
            similar=similar,
            similar_counts=service.similar_feedback(decision),
            status_labels=FEEDBACK_STATUS,
            reason_labels=moderation.WITHHOLD_REASON_LABELS,
            can_moderate=can(current_user, Permission.OPINION_MODERATE, decision),
            can_respond=can(current_user, Permission.OPINION_ANSWER, decision),
            responses=service.feedback_responses(decision),
            response_counts=service.response_counts,
            response_form=forms.get("response_form") or FeedbackResponseForm(formdata=None),
            correction_forms=forms.get("correction_forms") or {},
            response_corrections=[
                c
                for c in corrections.corrections_of(decision)
                if c.record_type == "feedback_responses"
            ],
            segments=segments,
            masked=mask_personal_data,
            mask_contact=mask_contact,
            errors=errors or [],
        ),
        status,
    )


def _feedback_render(decision: Decision, **forms):
    return lambda errors, status: _feedback_page(decision, errors=errors, status=status, **forms)


def _ids() -> list[int]:
    return [
        int(v)
        for v in request.form.getlist("ids")[:500]
        if v.isascii() and v.isdigit() and len(v) < 10
    ]


@bp.get("/decisions/<int:decision_id>/feedback")
@require(Permission.DECISION_VIEW)
def decision_feedback(decision_id: int):
    return _feedback_page(decision_or_404(decision_id))


@bp.post("/decisions/<int:decision_id>/feedback/moderate")
@require(Permission.OPINION_MODERATE)
def decision_feedback_moderate(decision_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_MODERATE)
    items = service.feedback_of(decision, _ids())
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")
    return submit(
        lambda: service.moderate_feedback(items, action, reason=reason, **_who()),
        render=_feedback_render(decision),
        redirect_to=url_for("admin.decision_feedback", decision_id=decision.id),
        message=_("%(n)d opinion(s) moderated.", n=len(items)),
    )


@bp.post("/decisions/<int:decision_id>/feedback/respond")
@require(Permission.OPINION_ANSWER)
def decision_feedback_respond(decision_id: int):
    """PART-19b: one published response to the selected concerns, or to every unanswered
    concern with the same text (``similar``)."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    form = FeedbackResponseForm()
    similar = request.form.get("similar", "")[:64]
    if similar:
        ids = [
            i.id
            for i in service.feedback_queue(decision)
            if i.text_hash == similar and i.response_id is None
        ]
    else:
        ids = _ids()
    return submit(
        lambda: service.respond_to_feedback(
            decision,
            service.FeedbackResponseInput(body=form.body.data or "", item_ids=tuple(ids)),
            **_who(),
        ),
        render=_feedback_render(decision, response_form=form),
        redirect_to=url_for("admin.decision_feedback", decision_id=decision.id),
        form=form,
        message=_("The response is published."),
    )


@bp.post("/decisions/<int:decision_id>/feedback/responses/<int:response_id>/correct")
@require(Permission.OPINION_ANSWER)
def decision_feedback_response_correct(decision_id: int, response_id: int):
    """A published response changes only as a correction, with its reason (PROC-39a)."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    response = service.response_of(decision, response_id)
    if response is None:
        abort(404)
    form = FeedbackResponseCorrectionForm()
    return submit(
        lambda: service.correct_feedback_response(
            response,
            form.body.data or "",
            correction=form.correction_reason.data or None,
            **_who(),
        ),
        render=_feedback_render(decision, correction_forms={response.id: form}),
        redirect_to=url_for(
            "admin.decision_feedback", decision_id=decision.id, _anchor=f"resp-{response.id}"
        ),
        form=form,
        message=_("The correction is recorded and shown with the response."),
    )
