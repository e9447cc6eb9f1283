"""Back-office screens of the later stages: legality review, deliberation, publication and
filing, and changes to a published decision.

Views are thin: parse a form, call ``portal.services.stages`` (which checks the rules and
writes audited records), commit once, flash, redirect. A refusal re-renders the page with
status 422, the rule IDs in the summary and the errors next to the fields; nothing is saved.
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
from admin import forms_late as F
from admin._helpers import actor, client_ip, decision_or_404, drafted_by, input_error
from portal import clock
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.deliberation import Meeting
from portal.models.document import DocumentKind
from portal.models.review import LegalityOpinionPoint, LegalityPause, LegalityReview
from portal.permissions import Permission, can, require
from portal.rules import gates
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    REQUIRED_MEETING_MATERIALS,
    AdoptionStatus,
    MeetingOutcome,
)
from portal.rules.errors import RuleViolation
from portal.rules.workdays import local_date
from portal.services import (
    changes,
    deliberation,
    legality,
    procedure,
    publication,
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


# -- 3. legality review (PROC-28..33) -------------------------------------------------------


def _rounds(decision: Decision) -> list[LegalityReview]:
    return list(
        db.session.scalars(
            sa.select(LegalityReview)
            .where(LegalityReview.decision_id == decision.id)
            .order_by(LegalityReview.round)
        ).all()
    )


def _legality_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    lr = procedure.legality_review(decision)
    facts = procedure.build_facts(decision)
    today = clock.local_today()
    open_round = (
        lr is not None
        and lr.submitted_on is not None
        and not lr.returned
        and lr.opinion_issued_on is None
    )
    new_round = lr is None or lr.returned or lr.opinion_issued_on is not None
    submit_form = forms.get("submit_form") or (
        _blank(F.LegalitySubmitForm)
        if new_round
        else _blank(F.LegalitySubmitForm, submitted_on=lr.submitted_on, materials=lr.materials)
    )
    points = lr.points if lr else []
    ctx = {
        "lr": lr,
        "rounds": _rounds(decision),
        "open_round": open_round,
        "new_round": new_round,
        "clock": legality.legality_clock(lr, today),
        "today": today,
        "draft_version": procedure.draft_version(decision),
        "required_materials": {str(m) for m in REQUIRED_LEGALITY_MATERIALS},
        "submission_check": gates.legality_submission_violations(facts),
        "opinion_check": gates.legality_completion_violations(facts) if lr else [],
        "point_check": gates.opinion_point_violations(facts),
        "submit_form": submit_form,
        "pause_form": forms.get("pause_form") or _blank(F.PauseForm, prefix="pause"),
        "received_forms": {
            p.id: forms.get(f"received_{p.id}") or _blank(F.PauseReceivedForm, prefix=f"q{p.id}")
            for p in (lr.pauses if lr else [])
            if p.received_on is None
        },
        "adviser_form": forms.get("adviser_form") or _blank(F.AdviserForm, prefix="adv"),
        "opinion_form": forms.get("opinion_form") or _blank(F.LegalityOpinionForm, obj=lr),
        "return_form": forms.get("return_form") or _blank(F.ReturnForm),
        "point_form": forms.get("point_form") or _blank(F.PointForm, prefix="pt"),
        "adoption_forms": {
            p.id: forms.get(f"adoption_{p.id}")
            or _blank(F.PointAdoptionForm, obj=p, prefix=f"p{p.id}")
            for p in points
        },
        "can_submit": can(current_user, Permission.DECISION_EDIT, decision),
        "can_review": can(current_user, Permission.LEGALITY_REVIEW, decision),
        "is_drafter": drafted_by(current_user, decision),
    }
    return _page("legality.html", decision, ctx, errors, status)


def _reviewer_decision(decision_id: int):
    """The decision, for the legality review department; refuses the draft's author.

    Separation of duties (security.md): whoever wrote a version of the draft cannot issue its
    legality opinion or take part in the review (adviser opinions, supplements, returns).
    """
    decision = decision_or_404(decision_id, Permission.LEGALITY_REVIEW)
    if drafted_by(current_user, decision):
        message = input_error(
            _(
                "You wrote a version of this decision's draft, so you cannot take part in its "
                "legality review (separation of duties). Another reviewer must do this."
            )
        )
        return decision, _legality_page(decision, errors=[message], status=403)
    return decision, None


@bp.get(f"{ROUTE}/legality")
@require(Permission.DECISION_VIEW)
def decision_legality(decision_id: int):
    return _legality_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/legality/submit")
@require(Permission.DECISION_EDIT)
def decision_legality_submit(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.LegalitySubmitForm()
    return _submit(
        decision,
        form,
        _legality_page,
        "submit_form",
        lambda: legality.submit_legality(
            decision, form.submitted_on.data, form.values()["materials"], **_who()
        ),
        endpoint="admin.decision_legality",
    )


@bp.post(f"{ROUTE}/legality/pauses")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_pause(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.PauseForm(prefix="pause")
    return _submit(
        decision,
        form,
        _legality_page,
        "pause_form",
        lambda: legality.add_pause(decision, form.values(), **_who()),
        endpoint="admin.decision_legality",
        anchor="clock",
    )


@bp.post(f"{ROUTE}/legality/pauses/<int:pause_id>/received")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_supplement(decision_id: int, pause_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    pause = db.session.get(LegalityPause, pause_id)
    if pause is None or pause.review.decision_id != decision.id:
        abort(404)
    form = F.PauseReceivedForm(prefix=f"q{pause.id}")
    return _submit(
        decision,
        form,
        _legality_page,
        f"received_{pause.id}",
        lambda: legality.receive_supplement(decision, pause, form.received_on.data, **_who()),
        endpoint="admin.decision_legality",
        anchor="clock",
    )


@bp.post(f"{ROUTE}/legality/advisers")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_adviser(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.AdviserForm(prefix="adv")
    return _submit(
        decision,
        form,
        _legality_page,
        "adviser_form",
        lambda: legality.add_adviser_opinion(decision, form.values(), **_who()),
        endpoint="admin.decision_legality",
        anchor="advisers",
    )


@bp.post(f"{ROUTE}/legality/opinion")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_opinion(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.LegalityOpinionForm()
    return _submit(
        decision,
        form,
        _legality_page,
        "opinion_form",
        lambda: legality.issue_legality_opinion(decision, form.values(), **_who()),
        endpoint="admin.decision_legality",
        anchor="opinion",
    )


@bp.post(f"{ROUTE}/legality/return")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_return(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.ReturnForm()
    return _submit(
        decision,
        form,
        _legality_page,
        "return_form",
        lambda: legality.return_submission(decision, form.returned_reason.data or "", **_who()),
        endpoint="admin.decision_legality",
    )


@bp.post(f"{ROUTE}/legality/points")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_point(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.PointForm(prefix="pt")
    return _submit(
        decision,
        form,
        _legality_page,
        "point_form",
        lambda: legality.add_opinion_point(decision, form.text.data or "", **_who()),
        endpoint="admin.decision_legality",
        anchor="points",
    )


@bp.post(f"{ROUTE}/legality/points/<int:point_id>/adoption")
@require(Permission.DECISION_EDIT)
def decision_legality_point_adoption(decision_id: int, point_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    point = db.session.get(LegalityOpinionPoint, point_id)
    if point is None or point.review.decision_id != decision.id:
        abort(404)
    form = F.PointAdoptionForm(prefix=f"p{point.id}")
    return _submit(
        decision,
        form,
        _legality_page,
        f"adoption_{point.id}",
        lambda: legality.record_point_adoption(
            decision,
            point,
            AdoptionStatus(form.adoption.data),
            form.explanation.data or "",
            **_who(),
        ),
        endpoint="admin.decision_legality",
        anchor="points",
    )


# -- 4. deliberation (PROC-34..36, PART-17, A11) ------------------------------------------------


def _meetings(decision: Decision) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.decision_id == decision.id).order_by(Meeting.round)
        ).all()
    )


def _deliberation_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    m = procedure.meeting(decision)
    lr = procedure.legality_review(decision)
    facts = procedure.build_facts(decision)
    cal = procedure.work_calendar()
    new_round = m is None or m.outcome is MeetingOutcome.REVISE_AND_RESUBMIT
    pr = procedure.party_report(decision)
    ctx = {
        "m": m,
        "lr": lr,
        "meetings": _meetings(decision),
        "new_round": new_round,
        "clock": legality.legality_clock(lr, clock.local_today(), cal),
        "required_materials": {str(x) for x in REQUIRED_MEETING_MATERIALS},
        "entry_check": gates.collective_decision_entry_violations(facts, cal),
        "completion_check": gates.collective_decision_completion_violations(facts),
        "publication_check": gates.publication_entry_violations(facts),
        "warnings": gates.related_party_warnings(facts),
        "meeting_form": forms.get("meeting_form")
        or (_blank(F.MeetingForm) if new_round else _blank(F.MeetingForm, obj=m)),
        "party_form": forms.get("party_form") or _blank(F.PartyReportForm, obj=pr, prefix="party"),
        "party_report": pr,
        "can_record": can(current_user, Permission.DELIBERATION_RECORD, decision),
    }
    return _page("deliberation.html", decision, ctx, errors, status)


@bp.get(f"{ROUTE}/deliberation")
@require(Permission.DECISION_VIEW)
def decision_deliberation(decision_id: int):
    return _deliberation_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/deliberation/meeting")
@require(Permission.DELIBERATION_RECORD)
def decision_deliberation_meeting(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DELIBERATION_RECORD)
    form = F.MeetingForm()
    return _submit(
        decision,
        form,
        _deliberation_page,
        "meeting_form",
        lambda: deliberation.save_meeting(decision, form.values(), **_who()),
        endpoint="admin.decision_deliberation",
    )


@bp.post(f"{ROUTE}/deliberation/party-report")
@require(Permission.DELIBERATION_RECORD)
def decision_party_report(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DELIBERATION_RECORD)
    form = F.PartyReportForm(prefix="party")
    return _submit(
        decision,
        form,
        _deliberation_page,
        "party_form",
        lambda: deliberation.save_party_report(decision, form.values(), **_who()),
        endpoint="admin.decision_deliberation",
        anchor="party",
    )


# -- 5. publication and filing (PROC-37, PROC-38, PROC-40b, A33, A41) ---------------------------


def _publication_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    facts = procedure.build_facts(decision)
    today = clock.local_today()
    published_on = local_date(decision.published_at) if decision.published_at else None
    ctx = {
        "published_on": published_on,
        "filing_due": publication.filing_due(decision),
        "filing_overdue": publication.filing_overdue(decision, today),
        "documents": publication.publication_documents(decision),
        "document_labels": F.DOCUMENT_KIND_LABELS,
        "publication_check": gates.publication_completion_violations(facts),
        "filing_check": gates.filing_completion_violations(facts),
        "publish_form": forms.get("publish_form")
        or _blank(
            F.PublicationForm,
            published_on=published_on,
            channels=decision.publication_channels,
        ),
        "filing_form": forms.get("filing_form")
        or _blank(F.FilingForm, filed_on=decision.filed_on, filing_ref=decision.filing_ref),
        "document_form": forms.get("document_form") or _blank(F.DocumentForm, prefix="doc"),
        "execution_form": forms.get("execution_form")
        or _blank(F.ExecutionForm, execution_completed_on=decision.execution_completed_on),
        "can_publish": can(current_user, Permission.DECISION_PUBLISH, decision),
        "can_edit": can(current_user, Permission.DECISION_EDIT, decision),
    }
    return _page("publication.html", decision, ctx, errors, status)


@bp.get(f"{ROUTE}/publication")
@require(Permission.DECISION_VIEW)
def decision_publication(decision_id: int):
    return _publication_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/publication/publish")
@require(Permission.DECISION_PUBLISH)
def decision_publish(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_PUBLISH)
    form = F.PublicationForm()
    return _submit(
        decision,
        form,
        _publication_page,
        "publish_form",
        lambda: publication.record_publication(
            decision, form.published_on.data, form.channels.data or "", **_who()
        ),
        endpoint="admin.decision_publication",
    )


@bp.post(f"{ROUTE}/publication/filing")
@require(Permission.DECISION_PUBLISH)
def decision_filing(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_PUBLISH)
    form = F.FilingForm()
    return _submit(
        decision,
        form,
        _publication_page,
        "filing_form",
        lambda: publication.record_filing(
            decision, form.filed_on.data, form.filing_ref.data or "", **_who()
        ),
        endpoint="admin.decision_publication",
        anchor="filing",
    )


@bp.post(f"{ROUTE}/publication/documents")
@require(Permission.DECISION_EDIT)
def decision_publication_document(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.DocumentForm(prefix="doc")
    return _submit(
        decision,
        form,
        _publication_page,
        "document_form",
        lambda: publication.add_document_version(
            decision,
            DocumentKind(form.kind.data),
            form.title.data or "",
            form.body.data or "",
            form.change_note.data or "",
            **_who(),
        ),
        endpoint="admin.decision_publication",
        anchor="documents",
    )


@bp.post(f"{ROUTE}/publication/execution")
@require(Permission.DECISION_EDIT)
def decision_execution(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExecutionForm()
    return _submit(
        decision,
        form,
        _publication_page,
        "execution_form",
        lambda: publication.record_execution_completed(
            decision, form.execution_completed_on.data, **_who()
        ),
        endpoint="admin.decision_publication",
        anchor="execution",
    )


# -- 6. suspension, termination, adjustment (PROC-45, A24) --------------------------------------


def _change_form(decision: Decision, form: F.ChangeForm) -> F.ChangeForm:
    others = db.session.execute(
        sa.select(Decision.id, Decision.title)
        .where(Decision.government_id == decision.government_id, Decision.id != decision.id)
        .order_by(Decision.id.desc())
    ).all()
    form.new_decision_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(i), f"#{i} {title}") for i, title in others
    ]
    return form


def _changes_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    rows = changes.changes_of(decision)
    titles = dict(
        db.session.execute(
            sa.select(Decision.id, Decision.title).where(
                Decision.id.in_([c.new_decision_id for c in rows if c.new_decision_id])
            )
        ).all()
    )
    ctx = {
        "changes": rows,
        "new_titles": titles,
        "change_form": forms.get("change_form") or _change_form(decision, _blank(F.ChangeForm)),
        "can_record": can(current_user, Permission.PROCEDURE_EXIT, decision),
    }
    return _page("changes.html", decision, ctx, errors, status)


@bp.get(f"{ROUTE}/changes")
@require(Permission.DECISION_VIEW)
def decision_changes(decision_id: int):
    return _changes_page(decision_or_404(decision_id))


@bp.post(f"{ROUTE}/changes")
@require(Permission.PROCEDURE_EXIT)
def decision_change_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.PROCEDURE_EXIT)
    form = _change_form(decision, F.ChangeForm())
    return _submit(
        decision,
        form,
        _changes_page,
        "change_form",
        lambda: changes.record_change(decision, form.values(), **_who()),
        endpoint="admin.decision_changes",
    )
