"""Back-office screens of the annual catalog (PROC-4, CAT): the government's catalogs, and one
catalog's workflow from solicitation to filing, with its adjustments during the year.

The office (CATALOG_MANAGE) runs every step; department staff (CATALOG_SUBMIT) see their
government's catalogs and submit their department's items while the solicitation is open.
Views are thin: parse a form, call ``portal.services.catalog_workflow`` through the shared write
path (``submit``: commit once, flash, redirect); a refusal re-renders the page with status 422
and the rule IDs, nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin import forms_catalog as F
from admin._helpers import input_error, submit, who
from portal import clock, labels
from portal.extensions import db
from portal.i18n import is_zh
from portal.models.catalog import (
    Catalog,
    CatalogAdjustment,
    CatalogDeputyReview,
    CatalogEntry,
    CatalogSubmission,
)
from portal.models.decision import Decision
from portal.models.org import Department, DepartmentKind, Government
from portal.permissions import Permission, can, require
from portal.rules.enums import CatalogAdjustmentType
from portal.services import catalog_workflow as workflow
from portal.services import procedure
from portal.services.catalog_workflow import CatalogPhase

ROUTE = "/catalogs/<int:catalog_id>"


def _who() -> dict[str, Any]:
    return who()


def local_date(moment) -> Any:
    return clock.to_local(moment).date()


def _may_view() -> None:
    if not (
        can(current_user, Permission.CATALOG_MANAGE) or can(current_user, Permission.CATALOG_SUBMIT)
    ):
        abort(403)


def _catalog_or_404(catalog_id: int, perm: Permission | None = None) -> Catalog:
    _may_view()
    catalog = db.session.get(Catalog, catalog_id)
    if catalog is None or catalog.government_id != current_user.government_id:
        abort(404)
    if perm is not None and not can(current_user, perm, catalog):
        abort(403)
    return catalog


def _locale() -> str:
    return "zh" if is_zh() else "en"


def _departments(government_id: int) -> list[Department]:
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.government_id == government_id)
            .order_by(Department.sort_order, Department.id)
        ).all()
    )


def _decisions(government_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.government_id == government_id)
            .order_by(Decision.year.desc(), Decision.id)
        ).all()
    )


def _submitting_departments(catalog: Catalog) -> list[Department]:
    if can(current_user, Permission.CATALOG_MANAGE, catalog):
        return [
            d
            for d in _departments(catalog.government_id)
            if d.kind is not DepartmentKind.GOVERNMENT_OFFICE
        ]
    return [current_user.department]


# -- the list -----------------------------------------------------------------------------------


def _list_page(form=None, errors=None, status: int = 200):
    gov = db.session.get(Government, current_user.government_id)
    now = clock.now()
    if form is None:
        year = local_date(now).year + 1
        form = F.OpenCatalogForm(
            formdata=None,
            year=year,
            solicited_on=local_date(now),
            submissions_due_on=workflow.submissions_due(year),
        )
    return (
        render_template(
            "admin/catalogs/list.html",
            government=gov,
            catalogs=workflow.catalogs_of(gov.id),
            form=form,
            errors=errors or [],
            can_manage=can(current_user, Permission.CATALOG_MANAGE),
            outside=workflow.decisions_outside_catalog(gov.id, local_date(now).year),
        ),
        status,
    )


@bp.get("/catalogs")
@require(Permission.DASHBOARD_VIEW)
def catalog_list():
    _may_view()
    return _list_page()


@bp.post("/catalogs")
@require(Permission.CATALOG_MANAGE)
def catalog_open():
    form = F.OpenCatalogForm()
    gov = db.session.get(Government, current_user.government_id)
    year = form.year.data or 0
    opened: list[Catalog] = []

    def call():
        opened.append(workflow.open_catalog(gov, year, form.values(), **_who()))

    response = submit(
        call,
        render=lambda errors, status: _list_page(form, errors, status),
        redirect_to=url_for("admin.catalog_list"),
        form=form,
        message=_("The solicitation of the %(year)s catalog is open.", year=year),
    )
    if opened and response.status_code == 302:
        response.location = url_for("admin.catalog_show", catalog_id=opened[0].id)
    return response


# -- one catalog ----------------------------------------------------------------------------------


def _page(catalog: Catalog, *, errors=None, status: int = 200, **forms):
    now = clock.now()
    locale = _locale()
    departments = _departments(catalog.government_id)
    decisions = _decisions(catalog.government_id)
    manage = can(current_user, Permission.CATALOG_MANAGE, catalog)
    submission_form = forms.get("submission_form") or F.SubmissionForm(formdata=None, prefix="sub")
    submission_form.department_id.choices = [
        (d.id, d.display_name(locale)) for d in _submitting_departments(catalog)
    ]
    entry_form = forms.get("entry_form") or F.EntryForm(
        formdata=None, prefix="new", origin="office_direct"
    )
    entry_form.set_choices(departments, decisions, locale)
    edit_forms = {}
    for e in workflow.current_entries(catalog):
        f = forms.get(f"edit_{e.id}") or F.EntryForm(formdata=None, obj=e, prefix=f"e{e.id}")
        f.set_choices(departments, decisions, locale)
        edit_forms[e.id] = f
    link_forms = {}
    for e in workflow.current_entries(catalog):
        f = forms.get(f"link_{e.id}") or F.LinkForm(
            formdata=None, prefix=f"l{e.id}", decision_id=e.decision_id
        )
        f.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in decisions]
        link_forms[e.id] = f
    heads = workflow.heads_in_charge(catalog)
    review_form = forms.get("review_form") or F.DeputyReviewForm(
        formdata=None, reviewed_on=local_date(now)
    )
    review_form.set_choices(heads)
    reviews = workflow.deputy_reviews(catalog)
    study_forms = {
        r.id: forms.get(f"study_{r.id}") or F.OfficeStudyForm(formdata=None, prefix=f"s{r.id}")
        for r in reviews
    }
    adjustment_form = forms.get("adjustment_form") or F.AdjustmentForm(formdata=None, prefix="adj")
    adjustment_form.set_choices(departments, decisions, locale)
    adjustment_form.set_adjustment_choices(workflow.current_entries(catalog))
    ctx = {
        "catalog": catalog,
        "manage": manage,
        "phase_labels": labels.CATALOG_PHASE,
        "phases": list(CatalogPhase),
        "deadlines": workflow.deadline_rows(catalog, now),
        "deadline_warnings": workflow.deadline_warnings(catalog, now),
        "submissions": workflow.submissions_of(catalog),
        "entries": sorted(workflow.current_entries(catalog), key=lambda e: e.seq),
        "removed": [e for e in catalog.entries if e.removed_by_id is not None],
        "entry_problems": workflow.entry_violations(catalog),
        "publication_problems": workflow.publication_violations(catalog),
        "deputies": workflow.deputy_statuses(catalog),
        "deputy_reviews": reviews,
        "review_gate": workflow.review_gate_violations(catalog),
        "review_form": review_form,
        "study_forms": study_forms,
        "review_phases": ("office_review", "executive_meeting"),
        "adjustments": workflow.adjustment_rows(catalog, now, procedure.work_calendar()),
        "open_adjustment": workflow.open_adjustment(catalog),
        "versions": workflow.versions(catalog),
        "submission_form": submission_form,
        "entry_form": entry_form,
        "edit_forms": edit_forms,
        "link_forms": link_forms,
        "step_form": forms.get("step_form") or F.DatedStepForm(formdata=None, on=local_date(now)),
        "notes_form": forms.get("notes_form")
        or F.NoteForm(formdata=None, note=catalog.office_review_notes),
        "decline_form": F.NoteForm(formdata=None, prefix="d"),
        "publish_form": forms.get("publish_form") or F.PublishForm(formdata=None),
        "filing_form": forms.get("filing_form")
        or F.FilingForm(formdata=None, filed_on=local_date(now)),
        "adjustment_form": adjustment_form,
        "approve_form": forms.get("approve_form")
        or F.ApproveAdjustmentForm(formdata=None, approved_on=local_date(now)),
        "adj_filing_form": forms.get("adj_filing_form")
        or F.FilingForm(formdata=None, prefix="af", filed_on=local_date(now)),
        "can_submit": catalog.phase is CatalogPhase.SOLICITATION
        and (manage or can(current_user, Permission.CATALOG_SUBMIT, catalog)),
        "proposals": _proposals(catalog),
        "locale": locale,
        "errors": errors or [],
        "today": local_date(now),
    }
    return render_template("admin/catalogs/show.html", **ctx), status


def _proposals(catalog: Catalog) -> list:
    """CAT-7b: the public's suggestions for this catalog (proposals of kind catalog_item)."""
    try:
        from portal.models.proposal import Proposal, ProposalKind
    except ImportError:  # the proposals feature is not installed
        return []
    kind = getattr(ProposalKind, "CATALOG_ITEM", None)
    if kind is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                Proposal.government_id == catalog.government_id,
                Proposal.kind == kind,
                Proposal.catalog_year == catalog.year,
            )
            .order_by(Proposal.id)
        ).all()
    )


@bp.get(ROUTE)
@require(Permission.DASHBOARD_VIEW)
def catalog_show(catalog_id: int):
    return _page(_catalog_or_404(catalog_id))


def _run(
    catalog: Catalog,
    form,
    form_key: str,
    call: Callable[[], Any],
    *,
    anchor: str,
    message: str | None = None,
):
    """The shared write path (``submit``) for one catalog's forms: re-render the page with the
    form and its errors (422), or redirect to the section ``anchor``."""
    return submit(
        call,
        render=lambda errors, status: _page(
            catalog, errors=errors, status=status, **({form_key: form} if form_key else {})
        ),
        redirect_to=url_for("admin.catalog_show", catalog_id=catalog.id, _anchor=anchor),
        form=form,
        message=message,
    )


@bp.post(ROUTE + "/submissions")
@require(Permission.DASHBOARD_VIEW)
def catalog_submit(catalog_id: int):
    catalog = _catalog_or_404(catalog_id)
    manage = can(current_user, Permission.CATALOG_MANAGE, catalog)
    if not (manage or can(current_user, Permission.CATALOG_SUBMIT, catalog)):
        abort(403)
    form = F.SubmissionForm(prefix="sub")
    form.department_id.choices = [
        (d.id, d.display_name(_locale())) for d in _submitting_departments(catalog)
    ]
    department = db.session.get(Department, form.department_id.data or 0)
    if (
        form.is_submitted()
        and form.department_id.data
        and (department is None or department not in _submitting_departments(catalog))
    ):  # a malformed choice (the select offers only the allowed departments)
        errors = [input_error(_("Choose a department of this government."), "department_id")]
        return _page(catalog, errors=errors, status=422, submission_form=form)
    return _run(
        catalog,
        form,
        "submission_form",
        lambda: workflow.submit_item(catalog, department, form.values(), **_who()),
        anchor="submissions",
        message=_("The item was submitted to the government office."),
    )


@bp.post(ROUTE + "/close")
@require(Permission.CATALOG_MANAGE)
def catalog_close_submissions(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    return _run(
        catalog,
        None,
        "",
        lambda: workflow.close_submissions(catalog, **_who()),
        anchor="phase",
    )


def _submission_or_404(catalog: Catalog, submission_id: int) -> CatalogSubmission:
    sub = db.session.get(CatalogSubmission, submission_id)
    if sub is None or sub.catalog_id != catalog.id:
        abort(404)
    return sub


@bp.post(ROUTE + "/submissions/<int:submission_id>/decide")
@require(Permission.CATALOG_MANAGE)
def catalog_submission_decide(catalog_id: int, submission_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    sub = _submission_or_404(catalog, submission_id)
    form = F.NoteForm(prefix="d")
    accept = request.form.get("action") == "accept"
    return _run(
        catalog,
        form,
        "decline_form",
        lambda: workflow.decide_submission(sub, accept, form.note.data or "", **_who()),
        anchor="submissions",
    )


def _entry_or_404(catalog: Catalog, entry_id: int) -> CatalogEntry:
    entry = db.session.get(CatalogEntry, entry_id)
    if entry is None or entry.catalog_id != catalog.id:
        abort(404)
    return entry


def _entry_form(catalog: Catalog, prefix: str) -> F.EntryForm:
    form = F.EntryForm(prefix=prefix)
    form.set_choices(
        _departments(catalog.government_id), _decisions(catalog.government_id), _locale()
    )
    return form


@bp.post(ROUTE + "/entries")
@require(Permission.CATALOG_MANAGE)
def catalog_entry_add(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    form = _entry_form(catalog, "new")
    return _run(
        catalog,
        form,
        "entry_form",
        lambda: workflow.save_entry(catalog, None, form.values(), **_who()),
        anchor="entries",
    )


@bp.post(ROUTE + "/entries/<int:entry_id>/edit")
@require(Permission.CATALOG_MANAGE)
def catalog_entry_edit(catalog_id: int, entry_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    entry = _entry_or_404(catalog, entry_id)
    form = _entry_form(catalog, f"e{entry.id}")
    return _run(
        catalog,
        form,
        f"edit_{entry.id}",
        lambda: workflow.save_entry(catalog, entry, form.values(), **_who()),
        anchor=f"entry-{entry.id}",
    )


@bp.post(ROUTE + "/entries/<int:entry_id>/delete")
@require(Permission.CATALOG_MANAGE)
def catalog_entry_delete(catalog_id: int, entry_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    entry = _entry_or_404(catalog, entry_id)
    return _run(
        catalog,
        None,
        "",
        lambda: workflow.delete_entry(catalog, entry, **_who()),
        anchor="entries",
    )


@bp.post(ROUTE + "/entries/<int:entry_id>/link")
@require(Permission.CATALOG_MANAGE)
def catalog_entry_link(catalog_id: int, entry_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    entry = _entry_or_404(catalog, entry_id)
    form = F.LinkForm(prefix=f"l{entry.id}")
    decisions = _decisions(catalog.government_id)
    form.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in decisions]
    decision = db.session.get(Decision, form.decision_id.data) if form.decision_id.data else None
    return _run(
        catalog,
        form,
        f"link_{entry.id}",
        lambda: workflow.link_decision(catalog, entry, decision, **_who()),
        anchor=f"entry-{entry.id}",
    )


@bp.post(ROUTE + "/notes")
@require(Permission.CATALOG_MANAGE)
def catalog_notes(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    form = F.NoteForm()
    return _run(
        catalog,
        form,
        "notes_form",
        lambda: workflow.save_office_notes(catalog, form.note.data or "", **_who()),
        anchor="review",
    )


STEPS: dict[str, Callable[..., None]] = {
    "executive_meeting": lambda c, f, **kw: workflow.record_executive_meeting(
        c, f.on.data, f.ref.data or "", **kw
    ),
    "party_consent": lambda c, f, **kw: workflow.record_party_consent(
        c, f.on.data, f.ref.data or "", **kw
    ),
}


@bp.post(ROUTE + "/steps/<step>")
@require(Permission.CATALOG_MANAGE)
def catalog_step(catalog_id: int, step: str):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    call = STEPS.get(step)
    if call is None:
        abort(404)
    form = F.DatedStepForm()
    return _run(catalog, form, "step_form", lambda: call(catalog, form, **_who()), anchor="phase")


# -- CAT-12a: each deputy head's review ---------------------------------------------------------


@bp.post(ROUTE + "/deputy-reviews")
@require(Permission.CATALOG_MANAGE)
def catalog_deputy_review(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    form = F.DeputyReviewForm()
    form.set_choices(workflow.heads_in_charge(catalog))
    data = workflow.DeputyReviewInput(
        deputy_head=form.deputy_head.data or "",
        reviewed_on=form.reviewed_on.data,
        opinion=form.opinion.data or "",
        items_changed=form.items_changed.data or "",
        office_study=form.office_study.data or "",
    )
    return _run(
        catalog,
        form,
        "review_form",
        lambda: workflow.record_deputy_review(catalog, data, **_who()),
        anchor="deputy-reviews",
        message=_("The review of %(name)s is recorded.", name=data.deputy_head),
    )


@bp.post(ROUTE + "/deputy-reviews/<int:review_id>/study")
@require(Permission.CATALOG_MANAGE)
def catalog_deputy_review_study(catalog_id: int, review_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    review = db.session.get(CatalogDeputyReview, review_id)
    if review is None or review.catalog_id != catalog.id:
        abort(404)
    form = F.OfficeStudyForm(prefix=f"s{review.id}")
    return _run(
        catalog,
        form,
        f"study_{review.id}",
        lambda: workflow.record_office_study(review, form.office_study.data or "", **_who()),
        anchor="deputy-reviews",
    )


@bp.post(ROUTE + "/publish")
@require(Permission.CATALOG_MANAGE)
def catalog_publish(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    form = F.PublishForm()
    return _run(
        catalog,
        form,
        "publish_form",
        lambda: workflow.publish_catalog(catalog, form.issue_ref.data or "", **_who()),
        anchor="phase",
        message=_("The catalog is published on the portal."),
    )


@bp.post(ROUTE + "/file")
@require(Permission.CATALOG_MANAGE)
def catalog_file(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    form = F.FilingForm()
    return _run(
        catalog,
        form,
        "filing_form",
        lambda: workflow.record_catalog_filing(
            catalog, form.filed_on.data, form.filing_reference.data or "", **_who()
        ),
        anchor="phase",
    )


# -- adjustments (CAT-16a..c) -----------------------------------------------------------------


def _adjustment_or_404(catalog: Catalog, adjustment_id: int) -> CatalogAdjustment:
    adj = db.session.get(CatalogAdjustment, adjustment_id)
    if adj is None or adj.catalog_id != catalog.id:
        abort(404)
    return adj


@bp.post(ROUTE + "/adjustments")
@require(Permission.CATALOG_MANAGE)
def catalog_adjustment_propose(catalog_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    form = F.AdjustmentForm(prefix="adj")
    form.set_choices(
        _departments(catalog.government_id), _decisions(catalog.government_id), _locale()
    )
    form.set_adjustment_choices(workflow.current_entries(catalog))
    try:
        kind = CatalogAdjustmentType(form.kind.data or request.form.get("adj-kind", ""))
    except ValueError:  # a malformed choice
        errors = [input_error(_("Choose the kind of adjustment."), "kind")]
        return _page(catalog, errors=errors, status=422, adjustment_form=form)
    return _run(
        catalog,
        form,
        "adjustment_form",
        lambda: workflow.propose_adjustment(catalog, kind, form.adjustment_values(), **_who()),
        anchor="adjustments",
    )


@bp.post(ROUTE + "/adjustments/<int:adjustment_id>/approve")
@require(Permission.CATALOG_MANAGE)
def catalog_adjustment_approve(catalog_id: int, adjustment_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    adj = _adjustment_or_404(catalog, adjustment_id)
    form = F.ApproveAdjustmentForm()
    return _run(
        catalog,
        form,
        "approve_form",
        lambda: workflow.approve_adjustment(
            adj,
            study_note=form.study_note.data or "",
            approved_on=form.approved_on.data,
            approval_ref=form.approval_ref.data or "",
            party_consent_ref=form.party_consent_ref.data or "",
            **_who(),
        ),
        anchor="adjustments",
    )


@bp.post(ROUTE + "/adjustments/<int:adjustment_id>/publish")
@require(Permission.CATALOG_MANAGE)
def catalog_adjustment_publish(catalog_id: int, adjustment_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    adj = _adjustment_or_404(catalog, adjustment_id)
    return _run(
        catalog,
        None,
        "",
        lambda: workflow.publish_adjustment(adj, **_who()),
        anchor="adjustments",
        message=_("The adjusted catalog is published on the portal."),
    )


@bp.post(ROUTE + "/adjustments/<int:adjustment_id>/file")
@require(Permission.CATALOG_MANAGE)
def catalog_adjustment_file(catalog_id: int, adjustment_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    adj = _adjustment_or_404(catalog, adjustment_id)
    form = F.FilingForm(prefix="af")
    return _run(
        catalog,
        form,
        "adj_filing_form",
        lambda: workflow.file_adjustment(
            adj, form.filed_on.data, form.filing_reference.data or "", **_who()
        ),
        anchor="adjustments",
    )


@bp.post(ROUTE + "/adjustments/<int:adjustment_id>/withdraw")
@require(Permission.CATALOG_MANAGE)
def catalog_adjustment_withdraw(catalog_id: int, adjustment_id: int):
    catalog = _catalog_or_404(catalog_id, Permission.CATALOG_MANAGE)
    adj = _adjustment_or_404(catalog, adjustment_id)
    return _run(
        catalog,
        None,
        "",
        lambda: workflow.withdraw_adjustment(adj, **_who()),
        anchor="adjustments",
    )
