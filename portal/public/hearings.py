"""Hearing announcements, registration, the receipt, look-up and cancellation by receipt code,
the iCalendar file, and the partials of the home page and the decision dossier."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import segno
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal import clock, labels, transaction
from portal.extensions import client_address, limiter
from portal.public import bp
from portal.public._util import page_args, pages, public_root
from portal.public.cache import cached_page
from portal.rules.errors import RuleViolation
from portal.services import decisions as decision_service
from portal.services import hearing_calendar, hearing_steps
from portal.services import hearings as svc
from portal.services.hearings import RegistrationStatus

RECEIPT_SESSION_KEY = "hearing_receipt"


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    contact_phone = StringField(_l("Phone (not published)"), validators=[Optional()])
    contact_email = StringField(_l("E-mail (optional, not published)"), validators=[Optional()])
    stakeholder_side = StringField(_l("Stakeholder side you represent"), validators=[Optional()])
    statement = TextAreaField(_l("Short statement (optional, not published)"))
    id_number = StringField(_l("Resident ID number (not published)"), validators=[Optional()])
    publish_name_consent = BooleanField(
        _l("I agree that my name is published in the participant list (optional)."),
        default=False,
    )
    website = StringField(_l("Leave this field empty"))  # honeypot, hidden from people
    submission_token = HiddenField()  # one token per form view: a resubmission is idempotent


# -- template globals for the partials on the home page and the dossier -------------------------


@bp.app_template_global()
def hearings_open_for_registration(limit: int = 5):
    """Hearings open for registration (home page partial)."""
    return svc.open_for_registration(clock.now(), limit=limit)


@bp.app_template_global()
def decision_hearings(decision):
    """The decision's announced hearings and symposiums (dossier partial)."""
    return svc.hearings_of(decision)


@bp.app_template_global()
def hearing_public_name(registration) -> str:
    """The name only with consent; otherwise the public number (PIPL, A39)."""
    if registration.publish_name_consent and registration.name:
        return registration.name
    return _("Participant %(code)s", code=registration.public_code)


@bp.app_template_global()
def hearing_registration_open(hearing) -> bool:
    return svc.registration_is_open(hearing, clock.now())


STATUS_LABELS = {
    RegistrationStatus.APPLIED: _l("Applied, awaiting selection"),
    RegistrationStatus.CONFIRMED: _l("Confirmed: you have a seat"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


def _public_hearing_or_404(hearing_id: int):
    hearing = svc.get_public_hearing(hearing_id)
    if hearing is None:
        abort(404)
    return hearing


# -- the list and one hearing -------------------------------------------------------------------


@bp.get("/hearings")
@cached_page
def hearing_list():
    open_only = request.args.get("registration") == "open"
    page, per_page = page_args(20, 100)
    items, total = svc.list_public_hearings(
        clock.now(), open_only=open_only, page=page, per_page=per_page
    )
    return render_template(
        "public/hearing_list.html",
        hearings=items,
        total=total,
        page=page,
        page_count=pages(total, per_page),
        open_only=open_only,
    )


@bp.get("/hearings/<int:hearing_id>")
@cached_page
def hearing_show(hearing_id: int):
    hearing = _public_hearing_or_404(hearing_id)
    documents = [
        doc
        for doc in decision_service.public_documents(hearing.decision)
        if doc.public_versions and str(doc.kind) in ("draft", "drafting_explanation")
    ]
    draw = svc.draw_participants(hearing)
    return render_template(
        "public/hearing_show.html",
        hearing=hearing,
        documents=documents,
        counts=svc.status_counts(hearing),
        is_open=svc.registration_is_open(hearing, clock.now()),
        participants=svc.participants(hearing) if hearing.list_published_at else [],
        draw=draw,
        applicant_codes=svc.applicant_codes(hearing),
        phase=svc.phase(hearing),
        materials_due=hearing_steps.due_day(hearing),
    )


@bp.get("/hearings/<int:hearing_id>.ics")
def hearing_ics(hearing_id: int):
    hearing = _public_hearing_or_404(hearing_id)
    body = hearing_calendar.icalendar(
        hearing,
        url=public_root() + url_for("public.hearing_show", hearing_id=hearing.id),
        host=urlsplit(public_root()).hostname or "decision-portal",
        now=clock.now(),
    )
    return Response(
        body.encode("utf-8"),
        mimetype="text/calendar",
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="hearing-{hearing.id}.ics"',
        },
    )


# -- registration -------------------------------------------------------------------------------


def _closed_page(hearing, violation: RuleViolation, status: int = 409):
    return (
        render_template(
            "public/registration_closed.html",
            hearing=hearing,
            rule=violation.rule,
            citation=labels.citation(violation.rule) if violation.rule else "",
            text=labels.violation_text(violation),
        ),
        status,
    )


def _form_page(hearing, form, errors=None, status=200):
    return (
        render_template(
            "public/hearing_register.html",
            hearing=hearing,
            form=form,
            errors=errors or {},
            statement_max=svc.STATEMENT_MAX,
        ),
        status,
    )


@bp.route("/hearings/<int:hearing_id>/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def hearing_register(hearing_id: int):
    hearing = _public_hearing_or_404(hearing_id)
    form = RegistrationForm()
    if request.method == "GET":
        try:
            svc.check_can_register(hearing, clock.now())
        except RuleViolation as v:
            return _closed_page(hearing, v)
        form.submission_token.data = secrets.token_urlsafe(18)
        return _form_page(hearing, form)

    if not form.validate_on_submit():
        errors = {name: " ".join(str(e) for e in errs) for name, errs in form.errors.items()}
        return _form_page(hearing, form, errors, 422)
    if form.website.data:  # the honeypot: people never see it, bots fill it in
        return _form_page(hearing, form, {"website": _("This field must be left empty.")}, 422)
    token = (form.submission_token.data or "").strip()
    key = f"form:{token}" if token.isascii() and 16 <= len(token) <= 64 else None
    data = svc.RegistrationInput(
        name=form.name.data or "",
        contact_phone=form.contact_phone.data or "",
        contact_email=form.contact_email.data or "",
        stakeholder_side=form.stakeholder_side.data or "",
        statement=form.statement.data or "",
        publish_name_consent=bool(form.publish_name_consent.data),
        id_number=form.id_number.data or "",
    )
    try:
        code = transaction.run(
            lambda: (
                svc.register_for_hearing(
                    hearing, data, now=clock.now(), idempotency_key=key, ip=client_address()
                ).receipt_code
            )
        )
    except svc.AlreadyRegistered as v:
        return _form_page(hearing, form, {"contact_phone": labels.violation_text(v)}, 409)
    except RuleViolation as v:
        if v.rule:
            return _closed_page(hearing, v)
        return _form_page(hearing, form, {v.field or "name": labels.violation_text(v)}, 422)
    except IntegrityError:  # the same form sent twice at once: answer with the first receipt
        first = svc.registration_by_idempotency_key(key) if key else None
        if first is None:
            return _form_page(
                hearing,
                form,
                {"contact_phone": labels.violation_text(svc.AlreadyRegistered())},
                409,
            )
        code = first.receipt_code
    session[RECEIPT_SESSION_KEY] = code
    return redirect(url_for("public.hearing_registered", hearing_id=hearing.id), code=303)


def qr_svg(registration) -> Markup:
    """The check-in QR code as inline SVG, made on the server (no script, no foreign service).

    It holds the back office's check-in address with the check-in code, so staff at the door
    scan it and confirm; the receipt code (which allows cancellation) is not in it.
    """
    target = public_root() + url_for(
        "admin.hearing_check_in",
        hearing_id=registration.hearing_id,
        code=registration.checkin_code,
    )
    qr = segno.make(target, error="m")
    svg = qr.svg_inline(scale=4, border=4, title=_("Check-in code"), dark="#000", light="#fff")
    return Markup(svg)  # noqa: S704 - segno's own markup: path data and escaped title


HISTORY_LABELS = {
    "registered": _l("Registration received"),
    "invited": _l("Invited by the organiser"),
    "selected": _l("Selected in the draw"),
    "not_selected": _l("Not selected in the draw: on the waiting list"),
    "moved_up": _l("Moved up from the waiting list: seat confirmed"),
    "list_published": _l("Participant list published; the materials are available"),
    "materials": _l("Materials received"),
    "checked_in": _l("Checked in"),
    "cancelled": _l("Registration cancelled"),
    "hearing_cancelled": _l("The meeting was cancelled"),
}


def _registration_page(template: str, registration, **extra):
    return (
        render_template(
            template,
            registration=registration,
            hearing=registration.hearing if registration else None,
            status_labels=STATUS_LABELS,
            history=svc.registration_history(registration) if registration else [],
            history_labels=HISTORY_LABELS,
            qr=qr_svg(registration)
            if registration and registration.status is RegistrationStatus.CONFIRMED
            else None,
            **extra,
        ),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.get("/hearings/<int:hearing_id>/registered")
def hearing_registered(hearing_id: int):
    code = session.get(RECEIPT_SESSION_KEY)
    registration = svc.lookup_registration(code) if code else None
    if registration is None or registration.hearing_id != hearing_id:
        return redirect(url_for("public.registration_status"))
    return _registration_page("public/registration_receipt.html", registration)


@bp.get("/registrations/status")
def registration_status():
    raw = request.args.get("receipt_code", "")
    if not raw.strip():
        return _registration_page("public/registration_status.html", None, code="", missing=False)
    registration = svc.lookup_registration(raw)
    page, _status, headers = _registration_page(
        "public/registration_status.html",
        registration,
        code=raw.strip()[:40],
        missing=registration is None,
    )
    return page, (200 if registration else 404), headers


def _posted_registration():
    registration = svc.lookup_registration(request.form.get("receipt_code"))
    if registration is None or not registration.hearing.is_public:
        abort(404)
    return registration


def _back_to_status(registration):
    return redirect(
        url_for("public.registration_status", receipt_code=registration.receipt_code), code=303
    )


@bp.post("/registrations/cancel")
@limiter.limit("20 per hour")
def registration_cancel():
    """Two steps without JavaScript: the status page's button shows a confirmation page (no
    write); its button posts again with ``confirm=yes``, and only that cancels."""
    registration = _posted_registration()
    if request.form.get("confirm") != "yes":
        return _registration_page("public/registration_cancel_confirm.html", registration)
    try:
        transaction.run(lambda: svc.cancel_registration(registration, now=clock.now()))
    except RuleViolation as v:
        flash(labels.violation_text(v))
        return _back_to_status(registration)
    flash(_("Your registration is cancelled. Thank you for letting us know."))
    return _back_to_status(registration)


@bp.post("/registrations/materials")
@limiter.limit("30 per hour")
def registration_materials():
    """A37: a confirmed participant receives the materials on the portal (counts as delivery)."""
    registration = _posted_registration()
    if not transaction.run(
        lambda: hearing_steps.receive_materials_online(registration, now=clock.now())
    ):
        flash(_("The materials are for confirmed participants."))
        return _back_to_status(registration)
    hearing = registration.hearing
    documents = [
        doc
        for doc in decision_service.public_documents(hearing.decision)
        if doc.public_versions and str(doc.kind) in ("draft", "drafting_explanation")
    ]
    return (
        render_template(
            "public/registration_materials.html",
            registration=registration,
            hearing=hearing,
            documents=documents,
        ),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.post("/registrations/record")
@limiter.limit("30 per hour")
def registration_record_confirm():
    """PART-13b: a participant who attended confirms the hearing record."""
    registration = _posted_registration()
    if transaction.run(lambda: hearing_steps.confirm_record_online(registration, now=clock.now())):
        flash(_("Thank you: your confirmation of the record is saved."))
    else:
        flash(_("The record cannot be confirmed with this registration."))
    return _back_to_status(registration)
