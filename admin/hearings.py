"""The back office of hearings and symposiums: plan and announce, registrations (contacts masked
for staff without HEARING_CONTACT_VIEW), the draw, invitations, materials and the PROC-19c /
PART-8b gate, check-in, the record (PART-13) and the report (PART-16).

Views are thin: parse, call ``portal.services.hearing_steps``, commit once, flash, redirect.
Every object is reached through its decision's government scope (``decision_or_404``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import actor, client_ip, decision_or_404
from admin.forms_hearings import (
    CancelForm,
    CheckInForm,
    ConfirmationForm,
    DeliveryForm,
    HearingForm,
    InviteForm,
    RecordForm,
    ReportForm,
)
from portal import clock, labels
from portal.extensions import db
from portal.models.hearing import Hearing, HearingRegistration
from portal.models.participation import ParticipationActivity
from portal.permissions import Permission, can, require
from portal.rules.enums import ParticipationMethod
from portal.rules.errors import RuleViolation
from portal.rules.hearings import (
    DeliveryMethod,
    HearingKind,
    RecordConfirmation,
    SelectionMethod,
)
from portal.rules.privacy import mask_contact, mask_digits
from portal.services import hearing_steps as steps
from portal.services import hearings as svc
from portal.services.procedure import work_calendar

ROUTE = "/hearings/<int:hearing_id>"
FORM_LABELS = {"kind": labels.HEARING_KIND, "method": labels.SELECTION_METHOD}


def _zone():
    return clock.local_zone(current_app.config["TIMEZONE"])


def _local_dt(day, at: time) -> datetime:
    return datetime.combine(day, at, _zone()).astimezone(UTC)


def hearing_or_404(hearing_id: int, perm: Permission = Permission.DECISION_VIEW) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None:
        abort(404)
    decision_or_404(hearing.decision_id, perm)
    return hearing


def _registration_or_404(hearing: Hearing, registration_id: int) -> HearingRegistration:
    registration = db.session.get(HearingRegistration, registration_id)
    if registration is None or registration.hearing_id != hearing.id:
        abort(404)
    return registration


def _free_activities(decision, keep: int | None = None) -> list[ParticipationActivity]:
    """Hearing and symposium records of the decision not yet linked to a hearing."""
    linked = set(
        db.session.scalars(sa.select(Hearing.activity_id).where(Hearing.activity_id.is_not(None)))
    )
    return [
        a
        for a in db.session.scalars(
            sa.select(ParticipationActivity)
            .where(
                ParticipationActivity.decision_id == decision.id,
                ParticipationActivity.method.in_(
                    [ParticipationMethod.HEARING.value, ParticipationMethod.SYMPOSIUM.value]
                ),
            )
            .order_by(ParticipationActivity.held_on)
        )
        if a.id not in linked or a.id == keep
    ]


def _hearing_form(decision, hearing: Hearing | None = None, *, submitted: bool) -> HearingForm:
    if submitted:
        form = HearingForm(prefix="h")
    elif hearing is not None:
        zone = _zone()
        start = hearing.starts_at.astimezone(zone)
        data = {
            name: getattr(hearing, name)
            for name in (
                "title",
                "subject",
                "place",
                "seats",
                "selection_rules",
                "registration_method",
                "contact_info",
                "other_matters",
                "requires_id_number",
                "held_publicly",
                "materials_note",
            )
        }
        data |= {
            "kind": hearing.kind.value,
            "activity": hearing.activity_id,
            "selection_method": hearing.selection_method.value,
            "starts_on": start.date(),
            "starts_time": start.time().replace(second=0, microsecond=0),
            "ends_time": hearing.ends_at.astimezone(zone).time() if hearing.ends_at else None,
            "registration_opens_on": hearing.registration_opens_at.astimezone(zone).date()
            if hearing.registration_opens_at
            else None,
            "registration_closes_on": (
                hearing.registration_closes_at.astimezone(zone) - timedelta(microseconds=1)
            ).date()
            if hearing.registration_closes_at
            else None,
            "sides": "\n".join(
                f"{s.name} = {s.seats}" if s.seats else s.name for s in hearing.sides
            ),
        }
        form = HearingForm(formdata=None, prefix="h", data=data)
    else:
        form = HearingForm(formdata=None, prefix="h", data={"held_publicly": True, "seats": 10})
    form.set_choices(
        FORM_LABELS, _free_activities(decision, hearing.activity_id if hearing else None)
    )
    return form


def _fields(form: HearingForm, sides: list[tuple[str, int]]) -> steps.HearingFields:
    starts = _local_dt(form.starts_on.data, form.starts_time.data)
    ends = _local_dt(form.starts_on.data, form.ends_time.data) if form.ends_time.data else None
    opens = (
        _local_dt(form.registration_opens_on.data, time(0))
        if form.registration_opens_on.data
        else None
    )
    closes = (  # the last day ends at 24:00 Beijing time
        _local_dt(form.registration_closes_on.data + timedelta(days=1), time(0))
        if form.registration_closes_on.data
        else None
    )
    return steps.HearingFields(
        kind=HearingKind(form.kind.data),
        title=(form.title.data or "").strip(),
        subject=(form.subject.data or "").strip(),
        starts_at=starts,
        ends_at=ends,
        place=(form.place.data or "").strip(),
        seats=form.seats.data or 0,
        selection_method=SelectionMethod(form.selection_method.data),
        selection_rules=(form.selection_rules.data or "").strip(),
        registration_method=(form.registration_method.data or "").strip(),
        contact_info=(form.contact_info.data or "").strip(),
        other_matters=(form.other_matters.data or "").strip(),
        registration_opens_at=opens,
        registration_closes_at=closes,
        requires_id_number=bool(form.requires_id_number.data),
        held_publicly=bool(form.held_publicly.data),
        materials_note=(form.materials_note.data or "").strip(),
        sides=sides,
    )


def _form_errors(form) -> list[RuleViolation]:
    return [
        RuleViolation("", f"{form[name].label.text}: {' '.join(str(e) for e in errs)}")
        for name, errs in form.errors.items()
        if name in form._fields
    ]


# -- the decision's hearings ---------------------------------------------------------------------


def _list_page(decision, form=None, errors=None, status=200):
    return (
        render_template(
            "admin/hearings/list.html",
            decision=decision,
            hearings=svc.hearings_of(decision, public=False),
            form=form or _hearing_form(decision, submitted=False),
            can_manage=can(current_user, Permission.HEARING_MANAGE, decision),
            phase_of=svc.phase,
            errors=errors or [],
            candidates=steps.related_party_candidates(decision),
        ),
        status,
    )


@bp.get("/decisions/<int:decision_id>/hearings")
@require(Permission.DECISION_VIEW)
def decision_hearings(decision_id: int):
    return _list_page(decision_or_404(decision_id))


@bp.post("/decisions/<int:decision_id>/hearings")
@require(Permission.HEARING_MANAGE)
def decision_hearing_create(decision_id: int):
    decision = decision_or_404(decision_id, Permission.HEARING_MANAGE)
    form = _hearing_form(decision, submitted=True)
    sides = form.parsed_sides() if form.validate() else None
    if sides is None:
        return _list_page(decision, form, _form_errors(form), 422)
    activity = (
        db.session.get(ParticipationActivity, form.activity.data) if form.activity.data else None
    )
    try:
        hearing = steps.create_hearing(
            decision,
            _fields(form, sides),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
            activity=activity,
        )
    except RuleViolation as refused:
        db.session.rollback()
        return _list_page(decision, form, refused.violations, 422)
    db.session.commit()
    flash(_("The meeting is planned. Check the notice and announce it."))
    return redirect(url_for("admin.hearing_show", hearing_id=hearing.id), code=303)


# -- one hearing ---------------------------------------------------------------------------------


def _show_page(hearing: Hearing, *, errors=None, status=200, **forms):
    decision = hearing.decision
    calendar = work_calendar()
    can_manage = can(current_user, Permission.HEARING_MANAGE, decision)
    rows = svc.registrations(hearing)
    delivery = DeliveryForm(formdata=None, prefix="d", data={"delivered_on": clock.local_today()})
    delivery.set_choices(labels.DELIVERY_METHOD)
    invite = forms.get("invite_form") or InviteForm(formdata=None, prefix="i")
    invite.stakeholder_side.choices = [("", "—")] + [(s.name, s.name) for s in hearing.sides]
    confirmation = ConfirmationForm(formdata=None, prefix="c")
    confirmation.set_choices(labels.RECORD_CONFIRMATION)
    report = forms.get("report_form") or ReportForm(
        formdata=None,
        prefix="r",
        data={
            "basic_info": hearing.report_basic_info,
            "main_opinions": hearing.report_main_opinions,
            "other": hearing.report_other,
        },
    )
    return (
        render_template(
            "admin/hearings/show.html",
            decision=decision,
            hearing=hearing,
            phase=svc.phase(hearing),
            rows=rows,
            counts=svc.status_counts(hearing),
            can_manage=can_manage,
            can_see_contacts=can(current_user, Permission.HEARING_CONTACT_VIEW, decision),
            form=forms.get("form") or _hearing_form(decision, hearing, submitted=False),
            announce_check=steps.announcement_violations(hearing)
            if hearing.announced_at is None
            else [],
            hold_check=steps.hold_violations(hearing, calendar) if not hearing.held_at else [],
            materials=steps.materials_status(hearing, calendar),
            coverage=steps.coverage_violations(hearing),
            report_check=steps.report_violations(
                hearing, hearing.report_basic_info or "x", hearing.report_main_opinions or "x"
            )
            if hearing.held_at and not hearing.report_published_at
            else [],
            delivery_form=delivery,
            invite_form=invite,
            confirmation_form=confirmation,
            record_form=RecordForm(
                formdata=None, prefix="rec", data={"record_text": hearing.record_text}
            ),
            report_form=report,
            cancel_form=CancelForm(formdata=None, prefix="x"),
            checkin_form=CheckInForm(formdata=None, prefix="k"),
            mask_contact=mask_contact,
            mask_id=lambda v: mask_digits(v, keep_head=3, keep_tail=2) if v else "",
            now=clock.now(),
            errors=errors or [],
        ),
        status,
    )


@bp.get(ROUTE)
@require(Permission.DECISION_VIEW)
def hearing_show(hearing_id: int):
    return _show_page(hearing_or_404(hearing_id))


def _done(hearing: Hearing, message: str, anchor: str = ""):
    db.session.commit()
    flash(message)
    return redirect(
        url_for("admin.hearing_show", hearing_id=hearing.id, _anchor=anchor or None), code=303
    )


def _refused(hearing_id: int, violations, **forms):
    db.session.rollback()
    return _show_page(db.session.get(Hearing, hearing_id), errors=violations, status=422, **forms)


@bp.post(ROUTE)
@require(Permission.HEARING_MANAGE)
def hearing_update(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = _hearing_form(hearing.decision, hearing, submitted=True)
    sides = form.parsed_sides() if form.validate() else None
    if sides is None:
        return _refused(hearing.id, _form_errors(form), form=form)
    try:
        steps.update_hearing(
            hearing, _fields(form, sides), actor=actor(), now=clock.now(), ip=client_ip()
        )
    except RuleViolation as refused:
        return _refused(hearing.id, refused.violations, form=form)
    return _done(hearing, _("The notice is saved."), "notice")


def _step(hearing_id: int, call, message: str, anchor: str = ""):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    try:
        call(hearing)
    except RuleViolation as refused:
        return _refused(hearing.id, refused.violations)
    return _done(hearing, message, anchor)


@bp.post(ROUTE + "/announce")
@require(Permission.HEARING_MANAGE)
def hearing_announce(hearing_id: int):
    return _step(
        hearing_id,
        lambda h: steps.announce_hearing(h, actor=actor(), now=clock.now(), ip=client_ip()),
        _("The notice is published."),
    )


@bp.post(ROUTE + "/cancel")
@require(Permission.HEARING_MANAGE)
def hearing_cancel(hearing_id: int):
    reason = request.form.get("x-reason", "")
    return _step(
        hearing_id,
        lambda h: steps.cancel_hearing(h, reason, actor=actor(), now=clock.now(), ip=client_ip()),
        _("The meeting is cancelled and the registered people are told."),
    )


@bp.post(ROUTE + "/draw")
@require(Permission.HEARING_MANAGE)
def hearing_draw(hearing_id: int):
    def run(h):
        steps.run_draw(h, actor=actor(), now=clock.now(), ip=client_ip())
        for v in steps.coverage_violations(h):  # PART-12b / A36: invite for a missing side
            flash(f"{labels.citation(v.rule)}：{labels.violation_text(v)}")

    return _step(hearing_id, run, _("The draw is done and its data published."), "selection")


@bp.post(ROUTE + "/list")
@require(Permission.HEARING_MANAGE)
def hearing_list_publish(hearing_id: int):
    def run(h):
        steps.publish_list(h, actor=actor(), now=clock.now(), ip=client_ip())
        for v in steps.coverage_violations(h):
            flash(f"{labels.citation(v.rule)}：{labels.violation_text(v)}")

    return _step(hearing_id, run, _("The participant list is published."), "participants")


@bp.post(ROUTE + "/invite")
@require(Permission.HEARING_MANAGE)
def hearing_invite(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = InviteForm(prefix="i")
    form.stakeholder_side.choices = [("", "—")] + [(s.name, s.name) for s in hearing.sides]
    if not form.validate():
        return _refused(hearing.id, _form_errors(form), invite_form=form)
    try:
        steps.invite_participant(
            hearing,
            name=form.name.data or "",
            side_name=form.stakeholder_side.data or "",
            reason=form.reason.data or "",
            contact_phone=form.contact_phone.data or "",
            contact_email=form.contact_email.data or "",
            publish_name_consent=bool(form.publish_name_consent.data),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        return _refused(hearing.id, [violation], invite_form=form)
    return _done(hearing, _("The participant is invited."), "participants")


@bp.post(ROUTE + "/registrations/<int:registration_id>/cancel")
@require(Permission.HEARING_MANAGE)
def hearing_registration_cancel(hearing_id: int, registration_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    registration = _registration_or_404(hearing, registration_id)
    try:
        promoted = steps.cancel_by_staff(
            registration, actor=actor(), now=clock.now(), ip=client_ip()
        )
    except RuleViolation as violation:
        return _refused(hearing.id, [violation])
    message = _("The registration is cancelled.")
    if promoted is not None:
        message += " " + _("%(code)s moved up from the waiting list.", code=promoted.public_code)
    return _done(hearing, message, "participants")


def _ids() -> list[int]:
    values = request.form.getlist("ids")
    return [int(v) for v in values[:2000] if v.isascii() and v.isdigit() and len(v) < 10]


@bp.post(ROUTE + "/materials")
@require(Permission.HEARING_MANAGE)
def hearing_materials(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = DeliveryForm(prefix="d")
    form.set_choices(labels.DELIVERY_METHOD)
    if not form.validate():
        return _refused(hearing.id, _form_errors(form))
    ids = _ids()
    if request.form.get("all") == "1":
        ids = [r.id for r in svc.participants(hearing)]
    delivered_at = _local_dt(form.delivered_on.data, time(9))  # a future day is refused
    if form.delivered_on.data == clock.local_today(current_app.config["TIMEZONE"]):
        delivered_at = min(delivered_at, clock.now())
    try:
        count = steps.record_delivery(
            hearing,
            ids,
            DeliveryMethod(form.method.data),
            delivered_at,
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        return _refused(hearing.id, [violation])
    for v in steps.hold_violations(hearing):
        if v.rule in ("PROC-19c", "PART-8b"):  # saved, but late or incomplete: say so
            flash(f"{labels.citation(v.rule)}：{labels.violation_text(v)}")
    return _done(hearing, _("Delivery recorded for %(n)d participant(s).", n=count), "materials")


@bp.post(ROUTE + "/held")
@require(Permission.HEARING_MANAGE)
def hearing_held(hearing_id: int):
    return _step(
        hearing_id,
        lambda h: steps.record_held(h, actor=actor(), now=clock.now(), ip=client_ip()),
        _("The meeting is recorded as held."),
        "day",
    )


@bp.route(ROUTE + "/check-in", methods=["GET", "POST"])
@require(Permission.HEARING_MANAGE)
def hearing_check_in(hearing_id: int):
    """The address in the QR code: staff at the door open it and confirm the check-in."""
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    if request.method == "GET":
        code = steps.normalise_checkin_code(request.args.get("code"))
        registration = (
            db.session.scalar(
                sa.select(HearingRegistration).where(
                    HearingRegistration.hearing_id == hearing.id,
                    HearingRegistration.checkin_code == code,
                )
            )
            if code
            else None
        )
        return render_template(
            "admin/hearings/check_in.html",
            hearing=hearing,
            decision=hearing.decision,
            code=code,
            registration=registration,
            status_labels=labels.REGISTRATION_STATUS,
        )
    raw_id = request.form.get("registration_id", "")
    registration_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
    try:
        registration = steps.check_in(
            hearing,
            code=request.form.get("code", "") or request.form.get("k-code", ""),
            registration_id=registration_id,
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        return _refused(hearing.id, [violation])
    name = (
        registration.name
        if can(current_user, Permission.HEARING_CONTACT_VIEW, hearing.decision)
        else registration.public_code
    )
    return _done(hearing, _("%(name)s is checked in.", name=name), "day")


@bp.post(ROUTE + "/record")
@require(Permission.HEARING_MANAGE)
def hearing_record(hearing_id: int):
    text = request.form.get("rec-record_text", "")
    return _step(
        hearing_id,
        lambda h: steps.publish_record(h, text, actor=actor(), now=clock.now(), ip=client_ip()),
        _("The record is ready for the participants to confirm."),
        "record",
    )


@bp.post(ROUTE + "/registrations/<int:registration_id>/record")
@require(Permission.HEARING_MANAGE)
def hearing_record_confirmation(hearing_id: int, registration_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    registration = _registration_or_404(hearing, registration_id)
    value = request.form.get("c-confirmation", "")
    if value not in {c.value for c in RecordConfirmation}:
        return _refused(hearing.id, [RuleViolation("", _("Choose signed or refused."))])
    try:
        steps.record_confirmation(
            registration,
            RecordConfirmation(value),
            request.form.get("c-note", ""),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        return _refused(hearing.id, [violation])
    return _done(hearing, _("The confirmation is recorded."), "record")


@bp.post(ROUTE + "/report")
@require(Permission.HEARING_MANAGE)
def hearing_report(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = ReportForm(prefix="r")
    if not form.validate():
        return _refused(hearing.id, _form_errors(form), report_form=form)
    try:
        steps.publish_report(
            hearing,
            basic_info=form.basic_info.data or "",
            main_opinions=form.main_opinions.data or "",
            other=form.other.data or "",
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as refused:
        return _refused(hearing.id, refused.violations, report_form=form)
    return _done(hearing, _("The hearing report is published."), "report")


# -- for the legality review screen (PROC-29b) ---------------------------------------------------


@bp.app_template_global()
def hearing_legality_materials(decision):
    """Hearings held for the decision, with their reports (a legality review material)."""
    return steps.legality_materials(decision)


@bp.app_template_global("hearing_of_activity")
def hearing_of_activity(activity_id: int) -> Hearing | None:
    """The hearing that keeps this participation activity up to date, if any: the
    participation screen then links to it instead of editing the activity by hand."""
    return db.session.scalar(sa.select(Hearing).where(Hearing.activity_id == activity_id))
