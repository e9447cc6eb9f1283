"""The back office of hearings and symposiums: plan and announce, registrations (contacts masked
for staff without HEARING_CONTACT_VIEW), the draw, invitations, materials and the PROC-19c /
PART-8b gate, check-in, the record (PART-13) and the report (PART-16).

Views are thin: parse the form into the service's input and hand the call of
``portal.services.hearing_steps`` to the shared ``submit`` helper, which commits once and
redirects, or re-renders with 422 and the rule. Every object is reached through its decision's
government scope (``decision_or_404``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import decision_or_404, submit, who
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
from portal.rules.privacy import mask_contact, mask_digits
from portal.services import hearing_steps as steps
from portal.services import hearings as svc
from portal.services.hearings import (
    DeliveryMethod,
    HearingKind,
    RecordConfirmation,
    SelectionMethod,
)
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
    created: dict = {}

    def call():
        activity = (
            db.session.get(ParticipationActivity, form.activity.data)
            if form.activity.data
            else None
        )
        created["hearing"] = steps.create_hearing(
            decision, _fields(form, form.parsed_sides()), activity=activity, **who()
        )

    response = submit(
        call,
        form=form,
        render=lambda errors, status: _list_page(decision, form, errors, status),
        redirect_to=url_for("admin.decision_hearings", decision_id=decision.id),
        message=_("The meeting is planned. Check the notice and announce it."),
    )
    if "hearing" in created and getattr(response, "status_code", None) == 302:
        response.headers["Location"] = url_for(
            "admin.hearing_show", hearing_id=created["hearing"].id
        )
    return response


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


def _submit(hearing: Hearing, call, message: str, anchor: str = "", validate=None, **forms):
    """Run the step through the shared write path: commit and back to the hearing's page, or
    the page again with 422 and the rule (nothing saved)."""
    return submit(
        call,
        form=validate,
        render=lambda errors, status: _show_page(
            db.session.get(Hearing, hearing.id), errors=errors, status=status, **forms
        ),
        redirect_to=url_for("admin.hearing_show", hearing_id=hearing.id, _anchor=anchor or None),
        message=message,
    )


@bp.post(ROUTE)
@require(Permission.HEARING_MANAGE)
def hearing_update(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = _hearing_form(hearing.decision, hearing, submitted=True)
    return _submit(
        hearing,
        lambda: steps.update_hearing(hearing, _fields(form, form.parsed_sides()), **who()),
        _("The notice is saved."),
        "notice",
        validate=form,
        form=form,
    )


@bp.post(ROUTE + "/announce")
@require(Permission.HEARING_MANAGE)
def hearing_announce(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    return _submit(
        hearing, lambda: steps.announce_hearing(hearing, **who()), _("The notice is published.")
    )


@bp.post(ROUTE + "/cancel")
@require(Permission.HEARING_MANAGE)
def hearing_cancel(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = CancelForm(prefix="x")
    return _submit(
        hearing,
        lambda: steps.cancel_hearing(hearing, form.reason.data or "", **who()),
        _("The meeting is cancelled and the registered people are told."),
        validate=form,
    )


@bp.post(ROUTE + "/draw")
@require(Permission.HEARING_MANAGE)
def hearing_draw(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)

    def call():
        steps.run_draw(hearing, **who())
        return steps.coverage_violations(hearing)  # PART-12b / A36: invite for a missing side

    return _submit(hearing, call, _("The draw is done and its data published."), "selection")


@bp.post(ROUTE + "/list")
@require(Permission.HEARING_MANAGE)
def hearing_list_publish(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)

    def call():
        steps.publish_list(hearing, **who())
        return steps.coverage_violations(hearing)

    return _submit(hearing, call, _("The participant list is published."), "participants")


@bp.post(ROUTE + "/invite")
@require(Permission.HEARING_MANAGE)
def hearing_invite(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = InviteForm(prefix="i")
    form.stakeholder_side.choices = [("", "—")] + [(s.name, s.name) for s in hearing.sides]
    return _submit(
        hearing,
        lambda: steps.invite_participant(
            hearing,
            name=form.name.data or "",
            side_name=form.stakeholder_side.data or "",
            reason=form.reason.data or "",
            contact_phone=form.contact_phone.data or "",
            contact_email=form.contact_email.data or "",
            publish_name_consent=bool(form.publish_name_consent.data),
            **who(),
        ),
        _("The participant is invited."),
        "participants",
        validate=form,
        invite_form=form,
    )


@bp.post(ROUTE + "/registrations/<int:registration_id>/cancel")
@require(Permission.HEARING_MANAGE)
def hearing_registration_cancel(hearing_id: int, registration_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    registration = _registration_or_404(hearing, registration_id)

    def call():
        promoted = steps.cancel_by_staff(registration, **who())
        if promoted is not None:
            return [steps.moved_up_notice(promoted)]
        return None

    return _submit(hearing, call, _("The registration is cancelled."), "participants")


def _ids() -> list[int]:
    values = request.form.getlist("ids")
    return [int(v) for v in values[:2000] if v.isascii() and v.isdigit() and len(v) < 10]


@bp.post(ROUTE + "/materials")
@require(Permission.HEARING_MANAGE)
def hearing_materials(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = DeliveryForm(prefix="d")
    form.set_choices(labels.DELIVERY_METHOD)

    def call():
        ids = _ids()
        if request.form.get("all") == "1":
            ids = [r.id for r in svc.participants(hearing)]
        delivered_at = _local_dt(form.delivered_on.data, time(9))  # a future day is refused
        if form.delivered_on.data == clock.local_today(current_app.config["TIMEZONE"]):
            delivered_at = min(delivered_at, clock.now())
        steps.record_delivery(hearing, ids, DeliveryMethod(form.method.data), delivered_at, **who())
        # saved, but late or incomplete: say so (PROC-19c, PART-8b)
        return [v for v in steps.hold_violations(hearing) if v.rule in ("PROC-19c", "PART-8b")]

    return _submit(hearing, call, _("The delivery is recorded."), "materials", validate=form)


@bp.post(ROUTE + "/held")
@require(Permission.HEARING_MANAGE)
def hearing_held(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    return _submit(
        hearing,
        lambda: steps.record_held(hearing, **who()),
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
        return render_template(
            "admin/hearings/check_in.html",
            hearing=hearing,
            decision=hearing.decision,
            code=code,
            registration=steps.find_for_check_in(hearing, code=code) if code else None,
            status_labels=labels.REGISTRATION_STATUS,
        )
    raw_id = request.form.get("registration_id", "")
    registration_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
    code = request.form.get("code", "") or request.form.get("k-code", "")
    found = steps.find_for_check_in(hearing, code=code, registration_id=registration_id)
    name = ""
    if found is not None:
        name = (
            found.name
            if can(current_user, Permission.HEARING_CONTACT_VIEW, hearing.decision)
            else found.public_code
        )
    return _submit(
        hearing,
        lambda: steps.check_in(hearing, code=code, registration_id=registration_id, **who()),
        _("%(name)s is checked in.", name=name),
        "day",
    )


@bp.post(ROUTE + "/record")
@require(Permission.HEARING_MANAGE)
def hearing_record(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = RecordForm(prefix="rec")
    return _submit(
        hearing,
        lambda: steps.publish_record(hearing, form.record_text.data or "", **who()),
        _("The record is ready for the participants to confirm."),
        "record",
        validate=form,
    )


@bp.post(ROUTE + "/registrations/<int:registration_id>/record")
@require(Permission.HEARING_MANAGE)
def hearing_record_confirmation(hearing_id: int, registration_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    registration = _registration_or_404(hearing, registration_id)
    form = ConfirmationForm(prefix="c")
    form.set_choices(labels.RECORD_CONFIRMATION)
    return _submit(
        hearing,
        lambda: steps.record_confirmation(
            registration, RecordConfirmation(form.confirmation.data), form.note.data or "", **who()
        ),
        _("The confirmation is recorded."),
        "record",
        validate=form,
    )


@bp.post(ROUTE + "/report")
@require(Permission.HEARING_MANAGE)
def hearing_report(hearing_id: int):
    hearing = hearing_or_404(hearing_id, Permission.HEARING_MANAGE)
    form = ReportForm(prefix="r")
    return _submit(
        hearing,
        lambda: steps.publish_report(
            hearing,
            basic_info=form.basic_info.data or "",
            main_opinions=form.main_opinions.data or "",
            other=form.other.data or "",
            **who(),
        ),
        _("The hearing report is published."),
        "report",
        validate=form,
        report_form=form,
    )


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
