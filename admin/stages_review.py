"""Back-office screens of the consultation tracks run by the undertaking unit: expert review and
risk assessment.

Views are thin: parse a form, call ``portal.services.stages`` (which checks the rules and
writes audited records), commit once, flash, redirect. A refusal re-renders the page with
status 422, the rule IDs in the summary and the errors next to the fields; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from admin import bp
from admin import forms_late as F
from admin._helpers import actor, client_ip, decision_or_404, input_error
from portal import clock
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.expert import ExpertAssignment
from portal.models.risk import RiskCategoryLevel
from portal.permissions import Permission, can, require
from portal.rules import gates
from portal.rules.errors import RuleViolation
from portal.services import (
    expert_review,
    procedure,
    risk,
)

ROUTE = "/decisions/<int:decision_id>"


# -- shared plumbing ----------------------------------------------------------------------------


def _blank(form_cls: type[FlaskForm], **kwargs) -> Any:
    """A form filled from records (or defaults), never from the current request."""
    return form_cls(formdata=None, **kwargs)


def _form_errors(form: FlaskForm) -> list[RuleViolation]:
    out = []
    for name, messages in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if field is not None else name
        for message in messages if isinstance(messages, list) else [messages]:
            out.append(input_error(f"{label}: {message}", name))
    return out


def _attach(form: FlaskForm, violations: list[RuleViolation]) -> None:
    """Show each refusal next to its field too."""
    from portal.labels import citation, violation_text

    for v in violations:
        field = getattr(form, v.field, None) if v.field else None
        if field is None or not hasattr(field, "errors"):
            continue
        text = violation_text(v)
        if v.rule:
            text = f"{citation(v.rule)}：{text}"
        field.errors = [*field.errors, text]


def _submit(
    decision: Decision,
    form: FlaskForm,
    render: Callable[..., Any],
    form_key: str,
    action: Callable[[], Any],
    *,
    endpoint: str,
    anchor: str | None = None,
):
    """Validate ``form``, run ``action`` (a service call), commit, flash and redirect; or
    re-render with status 422 and nothing saved."""
    if not form.validate():
        return render(decision, errors=_form_errors(form), status=422, **{form_key: form})
    try:
        action()
    except RuleViolation as refused:
        db.session.rollback()
        _attach(form, refused.violations)
        return render(decision, errors=refused.violations, status=422, **{form_key: form})
    db.session.commit()
    flash(_("Recorded."))
    return redirect(url_for(endpoint, decision_id=decision.id, _anchor=anchor))


def _who() -> dict[str, Any]:
    return {"actor": actor(), "now": clock.now(), "ip": client_ip()}


def _page(template: str, decision: Decision, ctx: dict, errors, status: int):
    return (
        render_template(
            f"admin/stages/{template}",
            decision=decision,
            errors=errors or [],
            **ctx,
        ),
        status,
    )


# -- 1. expert review (PROC-21..24, EXP-13..16) -------------------------------------------------


def _assignment_or_404(decision: Decision, assignment_id: int) -> ExpertAssignment:
    row = db.session.get(ExpertAssignment, assignment_id)
    if row is None or row.review.decision_id != decision.id:
        abort(404)
    return row


def _experts_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    review = procedure.expert_review(decision)
    facts = procedure.build_facts(decision)
    experts = review.experts if review else []
    edit_forms = {
        e.id: forms.get(f"edit_{e.id}") or _blank(F.ExpertForm, obj=e, prefix=f"e{e.id}")
        for e in experts
        if not e.recused
    }
    recuse_forms = {
        e.id: forms.get(f"recuse_{e.id}") or _blank(F.RecuseForm, prefix=f"r{e.id}")
        for e in experts
        if not e.recused
    }
    review_form = forms.get("review_form") or _blank(
        F.ExpertReviewForm, obj=review, is_complex=decision.is_complex
    )
    active = review.active_experts if review else []
    # expert_facts lists the active experts in the same order (procedure.expert_facts)
    selection = {
        e.id: gates.expert_selection_violations(f, facts.expert_review.review_on)
        for e, f in zip(active, facts.expert_review.experts, strict=False)
    }
    ctx = {
        "review": review,
        "experts": experts,
        "individual_count": sum(1 for e in active if not e.is_institution),
        "minimum": gates.MIN_EXPERTS_COMPLEX if decision.is_complex else gates.MIN_EXPERTS,
        "count_violations": gates.expert_count_violations(facts.expert_review),
        "completion": gates.expert_completion_violations(facts),
        "warnings": gates.expert_materials_lead_warnings(facts, procedure.work_calendar()),
        "selection": selection,
        "review_form": review_form,
        "report_form": forms.get("report_form") or _blank(F.ExpertReportForm, obj=review),
        "report_labels": F.EXPERT_REPORT_LABELS,
        "add_form": forms.get("add_form") or _blank(F.ExpertForm, prefix="new"),
        "edit_forms": edit_forms,
        "recuse_forms": recuse_forms,
        "can_edit": can(current_user, Permission.DECISION_EDIT, decision),
    }
    return _page("experts.html", decision, ctx, errors, status)


@bp.get(f"{ROUTE}/experts")
@require(Permission.DECISION_VIEW)
def decision_experts(decision_id: int):
    return _experts_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/experts/review")
@require(Permission.DECISION_EDIT)
def decision_experts_review(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExpertReviewForm()
    return _submit(
        decision,
        form,
        _experts_page,
        "review_form",
        lambda: expert_review.save_expert_review(
            decision, form.values(), is_complex=bool(form.is_complex.data), **_who()
        ),
        endpoint="admin.decision_experts",
        anchor="count",
    )


@bp.post(f"{ROUTE}/experts/report")
@require(Permission.DECISION_EDIT)
def decision_experts_report(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExpertReportForm()
    return _submit(
        decision,
        form,
        _experts_page,
        "report_form",
        lambda: expert_review.save_expert_report(decision, form.values(), **_who()),
        endpoint="admin.decision_experts",
        anchor="report",
    )


@bp.post(f"{ROUTE}/experts/add")
@require(Permission.DECISION_EDIT)
def decision_expert_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExpertForm(prefix="new")
    return _submit(
        decision,
        form,
        _experts_page,
        "add_form",
        lambda: expert_review.save_expert(decision, None, form.values(), **_who()),
        endpoint="admin.decision_experts",
        anchor="experts",
    )


@bp.post(f"{ROUTE}/experts/<int:assignment_id>/edit")
@require(Permission.DECISION_EDIT)
def decision_expert_edit(decision_id: int, assignment_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = _assignment_or_404(decision, assignment_id)
    form = F.ExpertForm(prefix=f"e{row.id}")
    return _submit(
        decision,
        form,
        _experts_page,
        f"edit_{row.id}",
        lambda: expert_review.save_expert(decision, row, form.values(), **_who()),
        endpoint="admin.decision_experts",
        anchor=f"expert-{row.id}",
    )


@bp.post(f"{ROUTE}/experts/<int:assignment_id>/recuse")
@require(Permission.DECISION_EDIT)
def decision_expert_recuse(decision_id: int, assignment_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = _assignment_or_404(decision, assignment_id)
    form = F.RecuseForm(prefix=f"r{row.id}")
    return _submit(
        decision,
        form,
        _experts_page,
        f"recuse_{row.id}",
        lambda: expert_review.recuse_expert(
            decision,
            row,
            form.recusal_reason.data or "",
            conflict_declared=bool(form.conflict_declared.data),
            **_who(),
        ),
        endpoint="admin.decision_experts",
        anchor="experts",
    )


# -- 2. risk assessment (PROC-25..27, RISK-5..12) ----------------------------------------------


def _risk_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    ra = procedure.risk_assessment(decision)
    facts = procedure.build_facts(decision)
    ctx = {
        "ra": ra,
        "categories": ra.categories if ra else [],
        "computed_level": ra.computed_level if ra else None,
        "overall_level": facts.risk.level,
        "completion": gates.risk_completion_violations(facts),
        "recommendation_check": risk.risk_level_violations(ra)
        + gates.risk_recommendation_violations(facts),
        "risk_form": forms.get("risk_form") or _blank(F.RiskForm, obj=ra),
        "category_form": forms.get("category_form") or _blank(F.RiskCategoryForm, prefix="cat"),
        "report_labels": F.RISK_REPORT_LABELS,
        "can_edit": can(current_user, Permission.DECISION_EDIT, decision),
    }
    return _page("risk.html", decision, ctx, errors, status)


@bp.get(f"{ROUTE}/risk")
@require(Permission.DECISION_VIEW)
def decision_risk(decision_id: int):
    return _risk_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/risk/assessment")
@require(Permission.DECISION_EDIT)
def decision_risk_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.RiskForm()
    return _submit(
        decision,
        form,
        _risk_page,
        "risk_form",
        lambda: risk.save_risk(decision, form.values(), **_who()),
        endpoint="admin.decision_risk",
    )


@bp.post(f"{ROUTE}/risk/categories")
@require(Permission.DECISION_EDIT)
def decision_risk_category_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.RiskCategoryForm(prefix="cat")
    return _submit(
        decision,
        form,
        _risk_page,
        "category_form",
        lambda: risk.add_risk_category(decision, form.values(), **_who()),
        endpoint="admin.decision_risk",
        anchor="categories",
    )


@bp.post(f"{ROUTE}/risk/categories/<int:category_id>/delete")
@require(Permission.DECISION_EDIT)
def decision_risk_category_delete(decision_id: int, category_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = db.session.get(RiskCategoryLevel, category_id)
    if row is None or row.assessment.decision_id != decision.id:
        abort(404)
    risk.delete_risk_category(decision, row, **_who())
    db.session.commit()
    flash(_("Deleted."))
    return redirect(url_for("admin.decision_risk", decision_id=decision.id, _anchor="categories"))
