"""Back-office screens of the expert pool (EXP) and of the selection of experts for a decision.

Every staff member of a government sees the pools it uses (EXP-21a), with phone, ID and e-mail
masked; the government office (EXPERT_POOL_MANAGE) manages its own pool and sees personal data
in full (EXPERT_PERSONAL_DATA_VIEW). Undertaking units record feedback on experts (EXP-19a).
Views are thin: parse, call ``portal.services.expert_pool`` through the shared ``submit``
helper (commit once, flash, redirect; a refusal re-renders with status 422 and the rule IDs,
nothing saved). The selection screen is the only way a pool member reaches a decision's expert
review (EXP-13a). No rule module is imported here: the enums come from the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin import forms_experts as F
from admin._helpers import decision_or_404, submit, who
from portal import clock, transaction
from portal.extensions import db
from portal.i18n import is_zh
from portal.models.decision import Decision
from portal.models.expert_pool import Expert
from portal.models.org import Department, Government
from portal.permissions import Permission, can, require
from portal.services import expert_pool as pool
from portal.services.expert_pool import MemberStatus, SelectionMethod


def _who() -> dict[str, Any]:
    return who()


def _today():
    return clock.local_today()


def _read_only(response):
    """A GET page that had to build the seeded groups (EXP-5a) for its choices: drop whatever
    it flushed, nothing is written on GET."""
    transaction.discard()
    return response


def _locale() -> str:
    return "zh" if is_zh() else "en"


def _government() -> Government:
    return db.session.get(Government, current_user.government_id)


def _see_personal_data(expert: Expert) -> bool:
    return (
        can(current_user, Permission.EXPERT_PERSONAL_DATA_VIEW)
        and expert.government_id == current_user.government_id
    )


def _visible_government_ids() -> list[int]:
    gov = _government()
    return sorted({gov.id, *pool.pool_government_ids(gov)})


def _expert_or_404(expert_id: int, *, manage: bool = False) -> Expert:
    expert = db.session.get(Expert, expert_id)
    if expert is None or expert.government_id not in _visible_government_ids():
        abort(404)
    if manage and not (
        can(current_user, Permission.EXPERT_POOL_MANAGE)
        and expert.government_id == current_user.government_id
    ):
        abort(403)
    return expert


def _decisions() -> list[Decision]:
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.government_id == current_user.government_id)
            .order_by(Decision.year.desc(), Decision.id)
        ).all()
    )


def _departments() -> list[Department]:
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.government_id == current_user.government_id)
            .order_by(Department.sort_order)
        ).all()
    )


# -- the pool -------------------------------------------------------------------------------------


def _list_page(*, errors=None, status: int = 200, **forms):
    gov = _government()
    today = _today()
    groups = pool.ensure_groups()
    group_id = request.args.get("group", "")
    group_id = int(group_id) if group_id.isascii() and group_id.isdigit() else None
    rows = pool.members(_visible_government_ids(), group_id=group_id)
    add_form = forms.get("add_form") or F.ExpertProfileForm(
        formdata=None, prefix="new", title_level="senior"
    )
    add_form.set_choices(groups, _locale())
    source_form = forms.get("source_form") or F.PoolSourceForm(
        formdata=None, source=pool.pool_source(gov)
    )
    source_form.set_choices()
    counts = pool.active_counts(gov.id, today)
    return (
        render_template(
            "admin/experts/list.html",
            government=gov,
            groups=groups,
            group_id=group_id,
            rows=rows,
            status_of=lambda e: pool.status_of(e, today),
            counts=counts,
            warnings=pool.group_warnings(gov.id, today),
            source=pool.pool_source(gov),
            add_form=add_form,
            group_form=forms.get("group_form") or F.GroupForm(formdata=None, prefix="g"),
            source_form=source_form,
            manage=can(current_user, Permission.EXPERT_POOL_MANAGE),
            is_county=gov.parent_id is not None,
            personal=_see_personal_data,
            masked_phone=pool.masked_phone,
            locale=_locale(),
            errors=errors or [],
        ),
        status,
    )


@bp.get("/experts")
@require(Permission.DECISION_VIEW)
def expert_list():
    return _read_only(_list_page())


def _run_list(form, form_key: str, call: Callable[[], Any], redirect_to: str | None = None):
    return submit(
        call,
        form=form,
        render=lambda errors, status: _list_page(errors=errors, status=status, **{form_key: form}),
        redirect_to=redirect_to or url_for("admin.expert_list"),
    )


@bp.post("/experts")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_add():
    form = F.ExpertProfileForm(prefix="new")
    form.set_choices(pool.ensure_groups(), _locale())
    created: list[Expert] = []

    def call():
        created.append(pool.add_expert(_government(), form.values(), **_who()))

    response = _run_list(form, "add_form", call)
    if created and response.status_code == 302:
        response.headers["Location"] = url_for("admin.expert_show", expert_id=created[0].id)
    return response


@bp.post("/experts/groups")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_group_add():
    form = F.GroupForm(prefix="g")
    return _run_list(
        form,
        "group_form",
        lambda: pool.add_group(
            form.name.data or "",
            form.name_en.data or "",
            government_id=current_user.government_id,
            **_who(),
        ),
    )


@bp.post("/experts/source")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_pool_source():
    form = F.PoolSourceForm()
    form.set_choices()
    return _run_list(
        form,
        "source_form",
        lambda: pool.set_pool_source(_government(), form.source.data or "", **_who()),
    )


# -- one member -----------------------------------------------------------------------------------


def _show_page(expert: Expert, *, errors=None, status: int = 200, **forms):
    today = _today()
    groups = pool.ensure_groups()
    manage = can(current_user, Permission.EXPERT_POOL_MANAGE) and (
        expert.government_id == current_user.government_id
    )
    edit_form = forms.get("edit_form") or F.ExpertProfileForm(
        formdata=None,
        obj=expert,
        prefix="e",
        group_ids=[g.id for g in expert.groups],
    )
    edit_form.set_choices(groups, _locale())
    step_form = forms.get("step_form") or F.StepForm(
        formdata=None, on=today, qualifications=list(expert.qualification_set)
    )
    step_form.set_choices()
    conflict_form = forms.get("conflict_form") or F.ConflictForm(
        formdata=None, prefix="c", declared_on=today
    )
    conflict_form.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in _decisions()]
    conflict_form.department_id.choices = [("", "—")] + [
        (d.id, d.display_name(_locale())) for d in _departments()
    ]
    feedback_form = forms.get("feedback_form") or F.FeedbackForm(
        formdata=None, prefix="f", given_on=today
    )
    feedback_form.set_choices(_decisions())
    assessment_form = forms.get("assessment_form") or F.AssessmentForm(
        formdata=None, prefix="a", year=today.year
    )
    assessment_form.set_choices()
    dismissal_form = forms.get("dismissal_form") or F.DismissalForm(
        formdata=None, prefix="x", dismissed_on=today
    )
    dismissal_form.set_choices()
    status_value = pool.status_of(expert, today)
    personal = _see_personal_data(expert)
    return (
        render_template(
            "admin/experts/show.html",
            expert=expert,
            status=status_value,
            term_end=pool.term_end(expert),
            terms=[(t, pool.term_end_of(t.starts_on)) for t in expert.terms],
            manage=manage,
            personal=personal,
            phone=expert.phone if personal else pool.masked_phone(expert),
            id_number=expert.id_number if personal else pool.masked_id_number(expert),
            email=expert.email if personal else pool.masked_email(expert),
            edit_form=edit_form,
            step_form=step_form,
            conflict_form=conflict_form,
            feedback_form=feedback_form,
            assessment_form=assessment_form,
            renewal_form=forms.get("renewal_form")
            or F.RenewalForm(formdata=None, prefix="r", renewed_on=today),
            dismissal_form=dismissal_form,
            disqualification_form=forms.get("disqualification_form")
            or F.DisqualificationForm(formdata=None, prefix="q", disqualified_on=today),
            can_feedback=can(current_user, Permission.DECISION_EDIT),
            feedback=pool.feedback_of(expert),
            assignments=pool.assignments_of(expert),
            last_assessment=pool.last_assessment(expert),
            term_assessment=pool.current_term_assessment(expert),
            statuses=MemberStatus,
            locale=_locale(),
            errors=errors or [],
        ),
        status,
    )


@bp.get("/experts/<int:expert_id>")
@require(Permission.DECISION_VIEW)
def expert_show(expert_id: int):
    return _read_only(_show_page(_expert_or_404(expert_id)))


def _run(expert: Expert, form, form_key: str, call: Callable[[], Any], anchor: str):
    return submit(
        call,
        form=form,
        render=lambda errors, status: _show_page(
            expert, errors=errors, status=status, **{form_key: form}
        ),
        redirect_to=url_for("admin.expert_show", expert_id=expert.id, _anchor=anchor),
    )


@bp.post("/experts/<int:expert_id>/edit")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_edit(expert_id: int):
    expert = _expert_or_404(expert_id, manage=True)
    form = F.ExpertProfileForm(prefix="e")
    form.set_choices(pool.ensure_groups(), _locale())
    return _run(
        expert,
        form,
        "edit_form",
        lambda: pool.update_expert(expert, form.values(), **_who()),
        "profile",
    )


APPOINTMENT_STEPS = {
    "preliminary_review": lambda e, f, **kw: pool.record_preliminary_review(
        e, f.on.data, list(f.qualifications.data or []), **kw
    ),
    "approval": lambda e, f, **kw: pool.record_approval(e, f.on.data, f.ref.data or "", **kw),
    "certificate": lambda e, f, **kw: pool.issue_certificate(e, f.on.data, f.ref.data or "", **kw),
    "pledge": lambda e, f, **kw: pool.record_pledge(e, f.on.data, **kw),
}


@bp.post("/experts/<int:expert_id>/steps/<step>")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_step(expert_id: int, step: str):
    expert = _expert_or_404(expert_id, manage=True)
    call = APPOINTMENT_STEPS.get(step)
    if call is None:
        abort(404)
    form = F.StepForm()
    form.set_choices()
    return _run(expert, form, "step_form", lambda: call(expert, form, **_who()), "appointment")


@bp.post("/experts/<int:expert_id>/conflicts")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_conflict_add(expert_id: int):
    expert = _expert_or_404(expert_id, manage=True)
    form = F.ConflictForm(prefix="c")
    form.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in _decisions()]
    form.department_id.choices = [("", "—")] + [(d.id, d.name) for d in _departments()]
    decision = db.session.get(Decision, form.decision_id.data) if form.decision_id.data else None
    department = (
        db.session.get(Department, form.department_id.data) if form.department_id.data else None
    )
    return _run(
        expert,
        form,
        "conflict_form",
        lambda: pool.declare_conflict(
            expert,
            decision=decision,
            department=department,
            description=form.description.data or "",
            on=form.declared_on.data,
            **_who(),
        ),
        "conflicts",
    )


@bp.post("/experts/<int:expert_id>/feedback")
@require(Permission.DECISION_EDIT)
def expert_feedback_add(expert_id: int):
    expert = _expert_or_404(expert_id)
    form = F.FeedbackForm(prefix="f")
    form.set_choices(_decisions())
    decision = db.session.get(Decision, form.decision_id.data) if form.decision_id.data else None
    return _run(
        expert,
        form,
        "feedback_form",
        lambda: pool.record_feedback(
            expert,
            department=current_user.department,
            decision=decision,
            rating=form.rating.data or "",
            comment=form.comment.data or "",
            on=form.given_on.data,
            **_who(),
        ),
        "feedback",
    )


@bp.post("/experts/<int:expert_id>/assessments")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_assessment_add(expert_id: int):
    expert = _expert_or_404(expert_id, manage=True)
    form = F.AssessmentForm(prefix="a")
    form.set_choices()
    return _run(
        expert,
        form,
        "assessment_form",
        lambda: pool.record_assessment(
            expert, form.year.data or 0, form.result.data or "", form.summary.data or "", **_who()
        ),
        "assessments",
    )


@bp.post("/experts/<int:expert_id>/renew")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_renew(expert_id: int):
    expert = _expert_or_404(expert_id, manage=True)
    form = F.RenewalForm(prefix="r")
    return _run(
        expert,
        form,
        "renewal_form",
        lambda: pool.renew_expert(
            expert,
            on=form.renewed_on.data,
            certificate_no=form.certificate_no.data or "",
            work_need=bool(form.work_need.data),
            still_qualified=bool(form.still_qualified.data),
            **_who(),
        ),
        "term",
    )


@bp.post("/experts/<int:expert_id>/dismiss")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_dismiss(expert_id: int):
    expert = _expert_or_404(expert_id, manage=True)
    form = F.DismissalForm(prefix="x")
    form.set_choices()
    return _run(
        expert,
        form,
        "dismissal_form",
        lambda: pool.dismiss_expert(
            expert,
            form.dismissal_reason.data or "",
            form.dismissal_note.data or "",
            form.dismissed_on.data,
            **_who(),
        ),
        "term",
    )


@bp.post("/experts/<int:expert_id>/disqualify")
@require(Permission.EXPERT_POOL_MANAGE)
def expert_disqualify(expert_id: int):
    expert = _expert_or_404(expert_id, manage=True)
    form = F.DisqualificationForm(prefix="q")
    return _run(
        expert,
        form,
        "disqualification_form",
        lambda: pool.disqualify_expert(
            expert,
            form.disqualification_note.data or "",
            form.disqualified_on.data,
            **_who(),
        ),
        "term",
    )


# -- selection for a decision (EXP-13) ------------------------------------------------------------


def _selection_page(decision: Decision, *, errors=None, status: int = 200, form=None):
    today = _today()
    groups = pool.ensure_groups()
    selections = pool.selections_of(decision)
    codes = (
        request.values.getlist("groups")
        or (selections[-1].group_codes.split(",") if selections else [])
        or [g.code for g in groups[:1]]
    )
    eligible, excluded = pool.selection_preview(decision, codes, today)
    minimum = pool.minimum_panel(decision.is_complex)
    if form is None:
        form = F.SelectionForm(
            formdata=None,
            method=SelectionMethod.RANDOM_DRAW.value,
            groups=codes,
            count=minimum,
        )
    form.set_choices(groups, eligible, _locale())
    return (
        render_template(
            "admin/experts/selection.html",
            decision=decision,
            form=form,
            eligible=eligible,
            excluded=excluded,
            codes=codes,
            selections=selections,
            verified={s.id: pool.verify_selection(s) for s in selections},
            panel=pool.current_panel(decision),
            minimum=minimum,
            can_select=can(current_user, Permission.EXPERT_POOL_MANAGE, decision),
            review_on=pool.review_date(decision),
            group_names={g.code: g.display_name(_locale()) for g in groups},
            errors=errors or [],
        ),
        status,
    )


@bp.get("/decisions/<int:decision_id>/expert-selection")
@require(Permission.DECISION_VIEW)
def decision_expert_selection(decision_id: int):
    return _read_only(_selection_page(decision_or_404(decision_id)))


@bp.post("/decisions/<int:decision_id>/expert-selection")
@require(Permission.EXPERT_POOL_MANAGE)
def decision_expert_select(decision_id: int):
    decision = decision_or_404(decision_id, Permission.EXPERT_POOL_MANAGE)
    form = F.SelectionForm()
    all_members = pool.members(pool.pool_government_ids(decision.government))
    form.set_choices(pool.ensure_groups(), all_members, _locale())

    def call():
        data = pool.SelectionInput(
            method=pool.selection_method(form.method.data),
            group_codes=tuple(form.groups.data or ()),
            count=form.count.data or 0,
            seed=form.seed.data or "",
            chosen_ids=tuple(form.chosen.data or ()),
            reason=form.reason.data or "",
            override_reason=form.override_reason.data or "",
        )
        return pool.select_experts(decision, data, **_who())

    return submit(
        call,
        form=form,
        render=lambda errors, status: _selection_page(
            decision, errors=errors, status=status, form=form
        ),
        redirect_to=url_for("admin.decision_expert_selection", decision_id=decision.id),
        message=_("The experts were selected and added to the expert review."),
    )
