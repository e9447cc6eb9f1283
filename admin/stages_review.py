"""Back-office screens of the consultation tracks run by the undertaking unit: expert review and
risk assessment.

Views are thin: parse a form into the typed input of ``portal.services.expert_review`` or
``portal.services.risk`` (which check the rules and write audited records) and hand the call to
the shared ``submit`` helper (commit once, flash, redirect; or 422 with the rule IDs next to the
fields, nothing saved). Pool members reach a decision only through the pool's selection screen
(``admin.experts``); this screen adds only experts or institutions from outside the pool, with
the reason (EXP-13a, A22). Once a step is completed its records are shown as issued and the
undertaking unit corrects them with a reason (PROC-39a).
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin import forms_review as F
from admin._helpers import decision_or_404, submit, who
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.expert import ExpertAssignment
from portal.models.risk import RiskCategoryLevel
from portal.permissions import Permission, can, require
from portal.services import corrections, expert_review, risk

ROUTE = "/decisions/<int:decision_id>"


def _blank(form_cls, **kwargs) -> Any:
    """A form filled from records (or defaults), never from the current request."""
    return form_cls(formdata=None, **kwargs)


def _may_correct(lock) -> bool:
    """Whether the current user acts for the role that corrects the locked record."""
    return lock is not None and lock.rule.corrector in corrections.corrector_roles(current_user)


def _correction(form) -> str | None:
    return (form.correction_reason.data or "").strip() or None


def _page(template: str, decision: Decision, ctx: dict, errors, status: int):
    return (
        render_template(f"admin/stages/{template}", decision=decision, errors=errors or [], **ctx),
        status,
    )


# -- 1. expert review (PROC-21..24, EXP-13..16) -------------------------------------------------


def _assignment_or_404(decision: Decision, assignment_id: int) -> ExpertAssignment:
    row = db.session.get(ExpertAssignment, assignment_id)
    if row is None or row.review.decision_id != decision.id:
        abort(404)
    return row


def _edit_form(e: ExpertAssignment, submitted: bool = False):
    cls = F.ExpertWorkForm if e.expert_id is not None else F.OutsideExpertForm
    if submitted:
        return cls(prefix=f"e{e.id}")
    return _blank(cls, obj=e, prefix=f"e{e.id}")


def _experts_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    view = expert_review.screen(decision)
    review = view.review
    edit_forms = {
        e.id: forms.get(f"edit_{e.id}") or _edit_form(e) for e in view.experts if not e.recused
    }
    recuse_forms = {
        e.id: forms.get(f"recuse_{e.id}") or _blank(F.RecuseForm, prefix=f"r{e.id}")
        for e in view.experts
        if not e.recused
    }
    review_form = forms.get("review_form") or _blank(
        F.ExpertReviewForm, obj=review, is_complex=decision.is_complex
    )
    can_edit = can(current_user, Permission.DECISION_EDIT, decision)
    ctx = {
        "view": view,
        "review": review,
        "experts": view.experts,
        "lock": view.lock,
        "can_edit": can_edit and view.lock is None,
        "can_correct": can_edit and _may_correct(view.lock),
        "review_form": review_form,
        "report_form": forms.get("report_form") or _blank(F.ExpertReportForm, obj=review),
        "report_labels": F.EXPERT_REPORT_LABELS,
        "add_form": forms.get("add_form") or _blank(F.OutsideExpertForm, prefix="new"),
        "edit_forms": edit_forms,
        "recuse_forms": recuse_forms,
        "can_select": can(current_user, Permission.EXPERT_POOL_MANAGE, decision),
    }
    return _page("experts.html", decision, ctx, errors, status)


def _experts_submit(decision: Decision, form, form_key: str, call, anchor: str | None = None):
    return submit(
        call,
        form=form,
        render=lambda errors, status: _experts_page(
            decision, errors=errors, status=status, **{form_key: form}
        ),
        redirect_to=url_for("admin.decision_experts", decision_id=decision.id, _anchor=anchor),
    )


@bp.get(f"{ROUTE}/experts")
@require(Permission.DECISION_VIEW)
def decision_experts(decision_id: int):
    return _experts_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/experts/review")
@require(Permission.DECISION_EDIT)
def decision_experts_review(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExpertReviewForm()
    return _experts_submit(
        decision,
        form,
        "review_form",
        lambda: expert_review.save_expert_review(
            decision, form.data_input(), correction=_correction(form), **who()
        ),
        "count",
    )


@bp.post(f"{ROUTE}/experts/report")
@require(Permission.DECISION_EDIT)
def decision_experts_report(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExpertReportForm()
    return _experts_submit(
        decision,
        form,
        "report_form",
        lambda: expert_review.save_expert_report(
            decision, form.data_input(), correction=_correction(form), **who()
        ),
        "report",
    )


@bp.post(f"{ROUTE}/experts/add")
@require(Permission.DECISION_EDIT)
def decision_expert_add(decision_id: int):
    """A22: an expert or institution from outside the pool (pool members: the selection)."""
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.OutsideExpertForm(prefix="new")
    return _experts_submit(
        decision,
        form,
        "add_form",
        lambda: expert_review.add_outside_expert(decision, form.data_input(), **who()),
        "experts",
    )


@bp.post(f"{ROUTE}/experts/<int:assignment_id>/edit")
@require(Permission.DECISION_EDIT)
def decision_expert_edit(decision_id: int, assignment_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = _assignment_or_404(decision, assignment_id)
    form = _edit_form(row, submitted=True)
    if row.expert_id is not None:

        def call():
            return expert_review.update_expert_work(
                decision, row, form.work(), correction=_correction(form), **who()
            )
    else:

        def call():
            return expert_review.update_outside_expert(
                decision, row, form.data_input(), correction=_correction(form), **who()
            )

    return _experts_submit(decision, form, f"edit_{row.id}", call, f"expert-{row.id}")


@bp.post(f"{ROUTE}/experts/<int:assignment_id>/recuse")
@require(Permission.DECISION_EDIT)
def decision_expert_recuse(decision_id: int, assignment_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = _assignment_or_404(decision, assignment_id)
    form = F.RecuseForm(prefix=f"r{row.id}")
    return _experts_submit(
        decision,
        form,
        f"recuse_{row.id}",
        lambda: expert_review.recuse_expert(
            decision, row, form.data_input(), correction=_correction(form), **who()
        ),
        "experts",
    )


# -- 2. risk assessment (PROC-25..27, RISK-5..12) ----------------------------------------------


def _risk_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    view = risk.screen(decision)
    ra = view.ra
    can_edit = can(current_user, Permission.DECISION_EDIT, decision)
    ctx = {
        "view": view,
        "ra": ra,
        "categories": view.categories,
        "computed_level": view.computed_level,
        "overall_level": view.overall_level,
        "completion": view.completion,
        "recommendation_check": view.recommendation_check,
        "lock": view.lock,
        "can_edit": can_edit and view.lock is None,
        "can_correct": can_edit and _may_correct(view.lock),
        "risk_form": forms.get("risk_form") or _blank(F.RiskForm, obj=ra),
        "plac_form": forms.get("plac_form") or _blank(F.PlacForm, obj=ra),
        "notice_form": forms.get("notice_form") or _blank(F.RiskNoticeForm, obj=ra),
        "category_form": forms.get("category_form") or _blank(F.RiskCategoryForm, prefix="cat"),
        "report_labels": F.RISK_REPORT_LABELS,
        "public_notice": risk.public_risk_notice(decision),
    }
    return _page("risk.html", decision, ctx, errors, status)


def _risk_submit(
    decision: Decision, form, form_key: str, call, anchor: str | None = None, message=None
):
    return submit(
        call,
        form=form,
        message=message,
        render=lambda errors, status: _risk_page(
            decision, errors=errors, status=status, **{form_key: form}
        ),
        redirect_to=url_for("admin.decision_risk", decision_id=decision.id, _anchor=anchor),
    )


@bp.get(f"{ROUTE}/risk")
@require(Permission.DECISION_VIEW)
def decision_risk(decision_id: int):
    return _risk_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/risk/assessment")
@require(Permission.DECISION_EDIT)
def decision_risk_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.RiskForm()
    return _risk_submit(
        decision,
        form,
        "risk_form",
        lambda: risk.save_risk(decision, form.data_input(), correction=_correction(form), **who()),
    )


@bp.post(f"{ROUTE}/risk/plac")
@require(Permission.DECISION_EDIT)
def decision_risk_plac(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.PlacForm()
    return _risk_submit(
        decision,
        form,
        "plac_form",
        lambda: risk.record_plac_review(
            decision, form.data_input(), correction=_correction(form), **who()
        ),
        "plac",
    )


@bp.post(f"{ROUTE}/risk/notice")
@require(Permission.DECISION_EDIT)
def decision_risk_notice(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.RiskNoticeForm()
    return _risk_submit(
        decision,
        form,
        "notice_form",
        lambda: risk.record_risk_notice(
            decision, form.data_input(), correction=_correction(form), **who()
        ),
        "notice",
    )


@bp.post(f"{ROUTE}/risk/categories")
@require(Permission.DECISION_EDIT)
def decision_risk_category_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.RiskCategoryForm(prefix="cat")
    return _risk_submit(
        decision,
        form,
        "category_form",
        lambda: risk.add_risk_category(decision, form.data_input(), **who()),
        "categories",
    )


@bp.post(f"{ROUTE}/risk/categories/<int:category_id>/delete")
@require(Permission.DECISION_EDIT)
def decision_risk_category_delete(decision_id: int, category_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = db.session.get(RiskCategoryLevel, category_id)
    if row is None or row.assessment.decision_id != decision.id:
        abort(404)
    return _risk_submit(
        decision,
        None,
        "category_form",
        lambda: risk.delete_risk_category(decision, row, **who()),
        "categories",
        _("Deleted."),
    )
