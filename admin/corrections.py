"""Corrections of a decision's issued records, and requests to change gate-switching flags.

The page lists every correction (before and after, reason, who, when; which ones the dossier
shows) and every flag request. The undertaking unit (or the office) requests a flag change;
the government office confirms or rejects it (A7, A17, A42). Writes go through
``portal.services.corrections`` and the shared ``submit`` helper.
"""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from admin import bp
from admin._helpers import decision_or_404, submit, who
from admin.forms import FlagDecisionForm, FlagRequestForm
from portal import labels
from portal.extensions import db
from portal.models.correction import FlagRequest, FlagRequestStatus
from portal.models.user import User
from portal.permissions import Permission, can, require
from portal.services import corrections

URL = "/decisions/<int:decision_id>/corrections"


def _request_form(decision, *, submitted: bool) -> FlagRequestForm:
    form = FlagRequestForm() if submitted else FlagRequestForm(formdata=None)
    form.flag.choices = [SelectChoice(name, labels.FLAG[name]) for name in corrections.FLAGS]
    return form


def _page(decision, *, request_form=None, decide_forms=None, errors=None, status: int = 200):
    rows = corrections.corrections_of(decision)
    requests = corrections.requests_of(decision)
    people = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(
                User.id.in_(
                    {r.requested_by_id for r in requests}
                    | {r.decided_by_id for r in requests}
                    | {c.actor_id for c in rows}
                )
            )
        )
    }
    decide_forms = dict(decide_forms or {})
    for r in requests:
        if r.status is FlagRequestStatus.PENDING and r.id not in decide_forms:
            decide_forms[r.id] = FlagDecisionForm(formdata=None, prefix=f"r{r.id}")
    return render_template(
        "admin/corrections.html",
        decision=decision,
        corrections=rows,
        requests=requests,
        people=people,
        request_form=request_form or _request_form(decision, submitted=False),
        decide_forms=decide_forms,
        can_request=can(current_user, Permission.DECISION_EDIT, decision),
        can_confirm=can(current_user, Permission.FLAG_CONFIRM, decision),
        errors=errors or [],
    ), status


@bp.get(URL)
@require(Permission.DECISION_VIEW)
def decision_corrections(decision_id: int):
    return _page(decision_or_404(decision_id))


@bp.post("/decisions/<int:decision_id>/flag-requests")
@require(Permission.DECISION_EDIT)
def decision_flag_request(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _request_form(decision, submitted=True)
    change = corrections.FlagChange(
        flag=form.flag.data or "",
        value=form.value.data == "1",
        reason=form.reason.data or "",
        basis=form.basis.data or "",
    )
    return submit(
        lambda: corrections.request_flag_change(decision, change, **who()),
        form=form,
        render=lambda errors, status: _page(
            decision, request_form=form, errors=errors, status=status
        ),
        redirect_to=url_for("admin.decision_corrections", decision_id=decision.id),
    )


def _request_or_404(decision, request_id: int) -> FlagRequest:
    row = db.session.get(FlagRequest, request_id)
    if row is None or row.decision_id != decision.id:
        abort(404)
    return row


def _decide(decision_id: int, request_id: int, confirm: bool):
    decision = decision_or_404(decision_id, Permission.FLAG_CONFIRM)
    row = _request_or_404(decision, request_id)
    form = FlagDecisionForm(prefix=f"r{row.id}")
    note = form.note.data or ""
    if confirm:

        def call():
            return corrections.confirm_flag_request(row, note, **who())
    else:

        def call():
            return corrections.reject_flag_request(row, note, **who())

    return submit(
        call,
        form=form,
        render=lambda errors, status: _page(
            decision, decide_forms={row.id: form}, errors=errors, status=status
        ),
        redirect_to=url_for("admin.decision_corrections", decision_id=decision.id),
    )


@bp.post("/decisions/<int:decision_id>/flag-requests/<int:request_id>/confirm")
@require(Permission.FLAG_CONFIRM)
def decision_flag_confirm(decision_id: int, request_id: int):
    return _decide(decision_id, request_id, True)


@bp.post("/decisions/<int:decision_id>/flag-requests/<int:request_id>/reject")
@require(Permission.FLAG_CONFIRM)
def decision_flag_reject(decision_id: int, request_id: int):
    return _decide(decision_id, request_id, False)
