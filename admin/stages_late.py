"""Back-office screens of the later stages: legality review, deliberation, publication and
filing, and changes to a published decision.

Views are thin: parse a form into the service's typed input, hand the named service call to the
shared ``submit`` helper (which commits once, flashes and redirects, or re-renders with 422, the
rule IDs in the summary and the errors next to the fields; nothing is saved). A record that is
issued is shown as issued and locked; the role that may correct it gets the same form with a
correction reason, passed to the service as ``correction``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from admin import bp
from admin import forms_late as F
from admin._helpers import decision_or_404, drafted_by, input_error, submit, who
from portal import clock
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import DocumentKind
from portal.models.review import LegalityOpinionPoint, LegalityPause
from portal.permissions import Permission, can, require
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    REQUIRED_MEETING_MATERIALS,
    MeetingOutcome,
)
from portal.rules.workdays import local_date
from portal.services import (
    changes,
    deliberation,
    legality,
    procedure,
    publication,
    workspace,
)

ROUTE = "/decisions/<int:decision_id>"


# -- shared plumbing ----------------------------------------------------------------------------


def _blank(form_cls: type[FlaskForm], **kwargs) -> Any:
    """A form filled from records (or defaults), never from the current request."""
    return form_cls(formdata=None, **kwargs)


def _reason(form) -> str | None:
    """The correction reason typed on a locked record's form (``None``: not a correction)."""
    text = (form.correction_reason.data or "").strip()
    return text or None


def _page(template: str, decision: Decision, ctx: dict, errors, status: int):
    return (
        render_template(
            f"admin/stages/{template}",
            decision=decision,
            errors=errors or [],
            corrector=workspace.corrector_of,
            **ctx,
        ),
        status,
    )


def _run(decision, form, page, key: str, call, *, endpoint: str, anchor: str | None = None):
    """``submit`` for one form of a stage screen: on refusal the page is shown again with this
    form as typed (``key`` names it among the page's forms)."""
    return submit(
        call,
        form=form,
        render=lambda errors, status: page(decision, errors=errors, status=status, **{key: form}),
        redirect_to=url_for(endpoint, decision_id=decision.id, _anchor=anchor),
    )


# -- 3. legality review (PROC-28..33) -------------------------------------------------------


def _legality_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    lr = procedure.legality_review(decision)
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
    screen = legality.checks(decision)
    ctx = {
        "lr": lr,
        "rounds": legality.rounds(decision),
        "open_round": open_round,
        "new_round": new_round,
        "clock": legality.legality_clock(lr, today),
        "today": today,
        "draft_version": procedure.draft_version(decision),
        "required_materials": {str(m) for m in REQUIRED_LEGALITY_MATERIALS},
        "submission_check": screen.submission,
        "opinion_check": screen.opinion,
        "point_check": screen.points,
        "corrections": legality.screen_corrections(decision),
        "submit_form": submit_form,
        "submission_correction_form": forms.get("submission_correction_form")
        or _blank(
            F.SubmissionCorrectionForm,
            prefix="sc",
            submitted_on=lr.submitted_on if lr else None,
        ),
        "pause_form": forms.get("pause_form") or _blank(F.PauseForm, prefix="pause"),
        "received_forms": {
            p.id: forms.get(f"received_{p.id}")
            or _blank(F.PauseReceivedForm, prefix=f"q{p.id}", received_on=p.received_on)
            for p in (lr.pauses if lr else [])
        },
        "adviser_form": forms.get("adviser_form") or _blank(F.AdviserForm, prefix="adv"),
        "opinion_form": forms.get("opinion_form") or _blank(F.LegalityOpinionForm, obj=lr),
        "return_form": forms.get("return_form") or _blank(F.ReturnForm, returned_on=today),
        "point_form": forms.get("point_form") or _blank(F.PointForm, prefix="pt"),
        "adoption_forms": {
            p.id: forms.get(f"adoption_{p.id}")
            or _blank(F.PointAdoptionForm, obj=p, prefix=f"p{p.id}")
            for p in points
        },
        "adoption_locked": legality.adoption_locked(decision),
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
    return _run(
        decision,
        form,
        _legality_page,
        "submit_form",
        lambda: legality.submit_legality(decision, form.input(), **who()),
        endpoint="admin.decision_legality",
    )


@bp.post(f"{ROUTE}/legality/submission/correct")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_submission_correct(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.SubmissionCorrectionForm(prefix="sc")
    return _run(
        decision,
        form,
        _legality_page,
        "submission_correction_form",
        lambda: legality.correct_submission_date(
            decision,
            form.submitted_on.data,
            correction=form.correction_reason.data or "",
            **who(),
        ),
        endpoint="admin.decision_legality",
        anchor="clock",
    )


@bp.post(f"{ROUTE}/legality/pauses")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_pause(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.PauseForm(prefix="pause")
    return _run(
        decision,
        form,
        _legality_page,
        "pause_form",
        lambda: legality.add_pause(decision, form.input(), **who()),
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
    return _run(
        decision,
        form,
        _legality_page,
        f"received_{pause.id}",
        lambda: legality.receive_supplement(
            decision, pause, form.received_on.data, correction=_reason(form), **who()
        ),
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
    return _run(
        decision,
        form,
        _legality_page,
        "adviser_form",
        lambda: legality.add_adviser_opinion(decision, form.input(), **who()),
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
    return _run(
        decision,
        form,
        _legality_page,
        "opinion_form",
        lambda: legality.issue_legality_opinion(
            decision, form.input(), correction=_reason(form), **who()
        ),
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
    return _run(
        decision,
        form,
        _legality_page,
        "return_form",
        lambda: legality.return_submission(decision, form.input(), **who()),
        endpoint="admin.decision_legality",
    )


@bp.post(f"{ROUTE}/legality/points")
@require(Permission.LEGALITY_REVIEW)
def decision_legality_point(decision_id: int):
    decision, refused = _reviewer_decision(decision_id)
    if refused:
        return refused
    form = F.PointForm(prefix="pt")
    return _run(
        decision,
        form,
        _legality_page,
        "point_form",
        lambda: legality.add_opinion_point(decision, form.text.data or "", **who()),
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
    return _run(
        decision,
        form,
        _legality_page,
        f"adoption_{point.id}",
        lambda: legality.record_point_adoption(
            decision, point, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_legality",
        anchor="points",
    )


# -- 4. deliberation (PROC-34..36, PROC-8a, PART-17, A11) ---------------------------------------


def _deliberation_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    m = procedure.meeting(decision)
    lr = procedure.legality_review(decision)
    cal = procedure.work_calendar()
    new_round = m is None or m.outcome is MeetingOutcome.REVISE_AND_RESUBMIT
    pr = procedure.party_report(decision)
    screen = deliberation.checks(decision)
    ctx = {
        "m": m,
        "lr": lr,
        "meetings": deliberation.meetings(decision),
        "new_round": new_round,
        "meeting_locked": m is not None and m.outcome is not None,
        "clock": legality.legality_clock(lr, clock.local_today(), cal),
        "required_materials": {str(x) for x in REQUIRED_MEETING_MATERIALS},
        "entry_check": screen.entry,
        "completion_check": screen.completion,
        "publication_check": screen.publication,
        "warnings": screen.warnings,
        "corrections": deliberation.screen_corrections(decision),
        "meeting_form": forms.get("meeting_form")
        or (_blank(F.MeetingForm) if new_round else _blank(F.MeetingForm, obj=m)),
        "party_form": forms.get("party_form") or _blank(F.PartyReportForm, obj=pr, prefix="party"),
        "npc_form": forms.get("npc_form") or _blank(F.NpcReportForm, obj=decision, prefix="npc"),
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
    return _run(
        decision,
        form,
        _deliberation_page,
        "meeting_form",
        lambda: deliberation.save_meeting(
            decision, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_deliberation",
    )


@bp.post(f"{ROUTE}/deliberation/party-report")
@require(Permission.DELIBERATION_RECORD)
def decision_party_report(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DELIBERATION_RECORD)
    form = F.PartyReportForm(prefix="party")
    return _run(
        decision,
        form,
        _deliberation_page,
        "party_form",
        lambda: deliberation.save_party_report(
            decision, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_deliberation",
        anchor="party",
    )


@bp.post(f"{ROUTE}/deliberation/npc-report")
@require(Permission.DELIBERATION_RECORD)
def decision_npc_report(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DELIBERATION_RECORD)
    form = F.NpcReportForm(prefix="npc")
    return _run(
        decision,
        form,
        _deliberation_page,
        "npc_form",
        lambda: deliberation.record_npc_report(
            decision, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_deliberation",
        anchor="npc",
    )


# -- 5. publication and filing (PROC-37, PROC-38, PROC-40b, A33, A41) ---------------------------


def _publication_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    today = clock.local_today()
    published_on = local_date(decision.published_at) if decision.published_at else None
    screen = publication.checks(decision)
    ctx = {
        "published_on": published_on,
        "filing_due": publication.filing_due(decision),
        "filing_overdue": publication.filing_overdue(decision, today),
        "documents": publication.publication_documents(decision),
        "document_labels": F.DOCUMENT_KIND_LABELS,
        "entry_check": screen.entry,
        "publication_check": screen.publication,
        "filing_check": screen.filing,
        "corrections": publication.screen_corrections(decision),
        "publish_form": forms.get("publish_form")
        or _blank(
            F.PublicationForm,
            published_on=published_on,
            channels=decision.publication_channels,
            document_number=decision.document_number,
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
    return _run(
        decision,
        form,
        _publication_page,
        "publish_form",
        lambda: publication.publish_decision(
            decision, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_publication",
    )


@bp.post(f"{ROUTE}/publication/filing")
@require(Permission.DECISION_PUBLISH)
def decision_filing(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_PUBLISH)
    form = F.FilingForm()
    return _run(
        decision,
        form,
        _publication_page,
        "filing_form",
        lambda: publication.record_filing(
            decision, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_publication",
        anchor="filing",
    )


@bp.post(f"{ROUTE}/publication/documents")
@require(Permission.DECISION_EDIT)
def decision_publication_document(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.DocumentForm(prefix="doc")
    return _run(
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
            **who(),
        ),
        endpoint="admin.decision_publication",
        anchor="documents",
    )


@bp.post(f"{ROUTE}/publication/execution")
@require(Permission.DECISION_EDIT)
def decision_execution(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = F.ExecutionForm()
    return _run(
        decision,
        form,
        _publication_page,
        "execution_form",
        lambda: publication.record_execution_completed(
            decision, form.input(), correction=_reason(form), **who()
        ),
        endpoint="admin.decision_publication",
        anchor="execution",
    )


# -- 6. suspension, termination, adjustment (PROC-45, A24) --------------------------------------


def _changes_page(decision: Decision, *, errors=None, status: int = 200, **forms):
    rows = changes.changes_of(decision)
    ctx = {
        "changes": rows,
        "new_titles": changes.titles_of([c.new_decision_id for c in rows if c.new_decision_id]),
        "links": changes.adjustment_links(decision),
        "change_form": forms.get("change_form") or _blank(F.ChangeForm),
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
    form = F.ChangeForm()
    return _run(
        decision,
        form,
        _changes_page,
        "change_form",
        lambda: changes.record_change(decision, form.input(), **who()),
        endpoint="admin.decision_changes",
    )
