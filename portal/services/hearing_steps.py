"""Hearings and symposiums, the organiser's steps: plan, announce, draw, invite, deliver the
materials, hold, check in, the record and the report (PROC-19, PART-8, PART-12, PART-13,
PART-16, PART-17c, A36, A37).

Every step checks the rules in ``portal.rules.hearings``, writes an audit row and keeps the
decision's ``ParticipationActivity`` (the stage record the compliance panel reads) in step, in
the same transaction; the view commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import DocumentKind
from portal.models.hearing import Hearing, HearingRegistration, HearingSide
from portal.models.participation import ParticipationActivity
from portal.rules import hearings as rules
from portal.rules.enums import ParticipationMethod
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.hearings import (
    DeliveryMethod,
    HearingKind,
    RecordConfirmation,
    RegistrationStatus,
    SelectionMethod,
)
from portal.rules.workdays import local_date
from portal.services import audit
from portal.services import decisions as decision_service
from portal.services import hearings as svc
from portal.services.procedure import work_calendar


@dataclass
class HearingFields:
    kind: HearingKind
    title: str
    subject: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    seats: int
    selection_method: SelectionMethod
    selection_rules: str = ""
    registration_method: str = ""
    contact_info: str = ""
    other_matters: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    requires_id_number: bool = False
    held_publicly: bool = True
    materials_note: str = ""
    sides: list[tuple[str, int]] = field(default_factory=list)  # (name, quota seats)


_COPIED = (
    "kind",
    "title",
    "subject",
    "starts_at",
    "ends_at",
    "place",
    "seats",
    "selection_method",
    "selection_rules",
    "registration_method",
    "contact_info",
    "other_matters",
    "registration_opens_at",
    "registration_closes_at",
    "requires_id_number",
    "held_publicly",
    "materials_note",
)


def _snapshot(h: Hearing) -> dict:
    data = {name: getattr(h, name) for name in _COPIED}
    data["sides"] = [(s.name, s.seats) for s in h.sides]
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}


def _audit(action: str, hearing: Hearing, *, actor, now, ip="", before=None, after=None, **details):
    audit.record(
        action,
        actor=actor,
        now=now,
        obj=hearing,
        government_id=hearing.decision.government_id,
        before=before,
        after=after,
        details=details or None,
        ip=ip,
    )


def _shape_violations(fields: HearingFields) -> list[RuleViolation]:
    out = []
    if not fields.title.strip():
        out.append(RuleViolation("", N_("Enter a title."), field="title"))
    if fields.ends_at is not None and fields.ends_at <= fields.starts_at:
        out.append(RuleViolation("", N_("The end must be after the start."), field="ends_at"))
    names = [n for n, _ in fields.sides]
    if len(set(names)) != len(names):
        out.append(RuleViolation("", N_("Each side may be listed once."), field="sides"))
    return out


def _apply(hearing: Hearing, fields: HearingFields) -> None:
    for name in _COPIED:
        setattr(hearing, name, getattr(fields, name))
    existing = {s.name: s for s in hearing.sides}
    kept = []
    for position, (name, seats) in enumerate(fields.sides):
        side = existing.pop(name, None) or HearingSide(name=name)
        side.position, side.seats = position, seats
        kept.append(side)
    for side in existing.values():  # a side that registrations refer to cannot be dropped
        if db.session.scalar(
            sa.select(HearingRegistration.id).where(HearingRegistration.side_id == side.id)
        ):
            raise RuleViolation.of(
                [
                    RuleViolation(
                        "",
                        N_("Participants registered for the side %(side)s; keep it."),
                        field="sides",
                        side=side.name,
                    )
                ]
            )
    hearing.sides = kept


def create_hearing(
    decision: Decision,
    fields: HearingFields,
    *,
    actor,
    now: datetime,
    ip: str = "",
    activity: ParticipationActivity | None = None,
) -> Hearing:
    """Plan a hearing or symposium, linked to its participation activity (created if none)."""
    refuse(_shape_violations(fields))
    hearing = Hearing(decision_id=decision.id, created_at=now, updated_at=now)
    hearing.decision = decision
    _apply(hearing, fields)
    created = activity is None
    if activity is None:
        activity = ParticipationActivity(decision_id=decision.id)
        db.session.add(activity)
    hearing.activity = activity
    db.session.add(hearing)
    sync_activity(hearing)
    db.session.flush()
    _audit("hearing.create", hearing, actor=actor, now=now, ip=ip, after=_snapshot(hearing))
    if created:
        # PROC-39a: the procedure-stage record the hearing keeps has its own entry on the decision
        audit.record(
            "participation.activity_add",
            actor=actor,
            now=now,
            obj=decision,
            after={
                "record": f"{ParticipationActivity.__tablename__}:{activity.id}",
                "method": str(activity.method),
                "hearing": hearing.id,
            },
            ip=ip,
        )
    return hearing


def update_hearing(
    hearing: Hearing, fields: HearingFields, *, actor, now: datetime, ip: str = ""
) -> Hearing:
    hearing = svc.lock_hearing(hearing.id)
    refuse(_shape_violations(fields))
    taken = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(HearingRegistration)
        .where(HearingRegistration.hearing_id == hearing.id)
    )
    out = []
    if taken and fields.selection_method != hearing.selection_method:
        out.append(
            RuleViolation(
                "PART-12b",
                N_("People have registered: the selection method can no longer change."),
                field="selection_method",
            )
        )
    if fields.seats < hearing.confirmed_count:
        out.append(
            RuleViolation(
                "PART-12a",
                N_("%(count)s participants already have a seat; keep at least that many seats."),
                field="seats",
                count=hearing.confirmed_count,
            )
        )
    if hearing.held_at is not None:
        out.append(RuleViolation("", N_("The hearing has been held; the notice is final.")))
    refuse(out)
    before = _snapshot(hearing)
    _apply(hearing, fields)
    hearing.updated_at = now
    if hearing.announced_at is not None:
        refuse(announcement_violations(hearing))
    promoted = []
    while (p := svc.promote_next(hearing, now=now)) is not None:  # more seats: move people up
        promoted.append(p.id)
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.update",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        before=before,
        after=_snapshot(hearing),
        promoted=promoted,
    )
    return hearing


# -- the announcement ---------------------------------------------------------------------------


def draft_published(decision: Decision) -> bool:
    """PROC-19b: the draft and its explanation are public documents with a published version."""
    kinds = {
        doc.kind
        for doc in decision_service.public_documents(decision)
        if any(v.published_at is not None for v in doc.versions)
    }
    return {DocumentKind.DRAFT, DocumentKind.DRAFTING_EXPLANATION} <= kinds


def announcement_violations(hearing: Hearing) -> list[RuleViolation]:
    return rules.announcement_violations(
        rules.Announcement(
            kind=hearing.kind,
            starts_at=hearing.starts_at,
            place=hearing.place,
            subject=hearing.subject,
            seats=hearing.seats,
            selection_method=hearing.selection_method,
            selection_rules=hearing.selection_rules,
            registration_method=hearing.registration_method,
            contact_info=hearing.contact_info,
            other_matters=hearing.other_matters,
            sides=tuple(s.name for s in hearing.sides),
            side_seats=tuple(s.seats for s in hearing.sides),
            registration_opens_at=hearing.registration_opens_at,
            registration_closes_at=hearing.registration_closes_at,
            draft_published=draft_published(hearing.decision),
            non_disclosable=hearing.decision.non_disclosable,
        )
    )


def announce_hearing(hearing: Hearing, *, actor, now: datetime, ip: str = "") -> Hearing:
    """Publish the notice (PART-12a, PART-12b, PROC-19b); a draw's seed is fixed and its
    SHA-256 published now, the seed itself after the draw."""
    hearing = svc.lock_hearing(hearing.id)
    if hearing.announced_at is not None:
        return hearing
    refuse(announcement_violations(hearing))
    hearing.announced_at = now
    if hearing.selection_method in rules.SELECTED_BY_DRAW and not hearing.draw_seed:
        hearing.draw_seed = secrets.token_hex(16)
        hearing.draw_commitment = rules.seed_commitment(hearing.draw_seed)
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.announce",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={"announced_at": now.isoformat(), "draw_commitment": hearing.draw_commitment},
    )
    return hearing


def cancel_hearing(hearing: Hearing, reason: str, *, actor, now: datetime, ip: str = "") -> Hearing:
    hearing = svc.lock_hearing(hearing.id)
    reason = reason.strip()
    if len(reason) < 4:
        refuse([RuleViolation("", N_("Give the reason for the cancellation."), field="reason")])
    if hearing.held_at is not None:
        refuse([RuleViolation("", N_("The hearing has been held; the notice is final."))])
    hearing.cancelled_at, hearing.cancel_reason = now, reason
    for r in svc.registrations(hearing, set(rules.ACTIVE)):
        svc.notify(r, "hearing_cancelled", now=now)
    sync_activity(hearing)
    db.session.flush()
    _audit("hearing.cancel", hearing, actor=actor, now=now, ip=ip, after={"reason": reason})
    return hearing


# -- selection ----------------------------------------------------------------------------------


def run_draw(hearing: Hearing, *, actor, now: datetime, ip: str = "") -> rules.DrawResult:
    """The lottery or quota draw after registration closes (PART-12b, A36)."""
    hearing = svc.lock_hearing(hearing.id)
    out = []
    if hearing.selection_method not in rules.SELECTED_BY_DRAW:
        out.append(RuleViolation("PART-12b", N_("This meeting's participants are not drawn.")))
    elif hearing.selected_at is not None:
        out.append(RuleViolation("PART-12b", N_("The draw has already taken place.")))
    elif hearing.registration_closes_at is None or now < hearing.registration_closes_at:
        # PART-12b: everyone who registers within the announced period takes part in the draw
        out.append(RuleViolation("PART-12b", N_("The draw takes place after registration closes.")))
    refuse(out)
    applicants = list(
        db.session.scalars(
            sa.select(HearingRegistration)
            .where(
                HearingRegistration.hearing_id == hearing.id,
                HearingRegistration.status == RegistrationStatus.APPLIED,
                HearingRegistration.invited.is_(False),
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    )
    by_code = {r.public_code: r for r in applicants}
    seats = max(hearing.seats - hearing.confirmed_count, 0)  # invited participants hold seats
    if hearing.selection_method is SelectionMethod.QUOTA:
        invited_per_side: dict[int | None, int] = {}
        for r in svc.registrations(hearing, {RegistrationStatus.CONFIRMED}):
            invited_per_side[r.side_id] = invited_per_side.get(r.side_id, 0) + 1
        quotas = {s.name: max(s.seats - invited_per_side.get(s.id, 0), 0) for s in hearing.sides}
        result = rules.quota_draw(
            hearing.draw_seed,
            {code: (r.side.name if r.side else "") for code, r in by_code.items()},
            quotas,
            seats,
        )
    else:
        result = rules.lottery_draw(hearing.draw_seed, by_code, seats)
    order = rules.draw_order(hearing.draw_seed, by_code)
    position = {code: i for i, code in enumerate(order, start=1)}
    for code in result.selected:
        r = by_code[code]
        r.status, r.rank, r.status_changed_at = RegistrationStatus.CONFIRMED, position[code], now
        r.draw_selected = True
        hearing.confirmed_count += 1
        svc.notify(r, "selected", now=now)
    for code in result.waitlist:
        r = by_code[code]
        r.status, r.rank, r.status_changed_at = RegistrationStatus.WAITLISTED, position[code], now
        r.draw_selected = False
        svc.notify(r, "waitlisted", now=now)
    hearing.selected_at = now
    hearing.draw_seats = seats
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.draw",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "seed": hearing.draw_seed,
            "seats": seats,
            "applicants": sorted(by_code),
            "selected": list(result.selected),
            "waitlist": list(result.waitlist),
        },
    )
    return result


def coverage_violations(hearing: Hearing) -> list[RuleViolation]:
    """PART-12b / A36: each declared side with applicants has a participant."""
    rows = svc.registrations(hearing)
    return rules.side_coverage_violations(
        [s.name for s in hearing.sides],
        [r.side.name for r in rows if r.side and r.status is not RegistrationStatus.CANCELLED],
        [r.side.name for r in rows if r.side and r.status is RegistrationStatus.CONFIRMED],
    )


def publish_list(hearing: Hearing, *, actor, now: datetime, ip: str = "") -> Hearing:
    """Publish the participant list (names only with consent, plus the side)."""
    hearing = svc.lock_hearing(hearing.id)
    out = []
    if hearing.announced_at is None:
        out.append(RuleViolation("PART-12a", N_("Announce the hearing first.")))
    if hearing.selection_method in rules.SELECTED_BY_DRAW and hearing.selected_at is None:
        out.append(RuleViolation("PART-12b", N_("Hold the draw before publishing the list.")))
    if hearing.confirmed_count == 0:
        out.append(RuleViolation("", N_("No participant has been confirmed yet.")))
    refuse(out)
    if hearing.selected_at is None:
        hearing.selected_at = now  # first come and invitation: the list is the selection
    hearing.list_published_at = now
    db.session.flush()
    for r in svc.registrations(hearing, {RegistrationStatus.CONFIRMED}):
        if r.materials_delivered_at is None:
            svc.notify(r, "materials", now=now)  # issue 12: the materials can be received
    _audit(
        "hearing.list_publish",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={"participants": hearing.confirmed_count},
    )
    return hearing


def invite_participant(
    hearing: Hearing,
    *,
    name: str,
    side_name: str,
    reason: str,
    contact_phone: str = "",
    contact_email: str = "",
    publish_name_consent: bool = False,
    actor,
    now: datetime,
    ip: str = "",
) -> HearingRegistration:
    """The organiser invites a participant directly and records why (PART-12b, PART-8a)."""
    hearing = svc.lock_hearing(hearing.id, bump=True)
    rules.check_invitation(reason)
    clean_name = svc.clean_text(name)
    if not clean_name or len(clean_name) > svc.NAME_MAX:
        raise RuleViolation("", N_("Enter the participant's name."), field="name")
    phone = svc.clean_phone(contact_phone)
    email = svc.clean_email(contact_email)
    side = svc._side_by_name(hearing, svc.clean_text(side_name)) if side_name else None
    if side_name and side is None:
        raise RuleViolation(
            "", N_("Choose one of the stakeholder sides listed."), field="stakeholder_side"
        )
    if hearing.held_at is not None or hearing.cancelled_at is not None:
        raise RuleViolation("", N_("The hearing has been held; the notice is final."))
    if hearing.confirmed_count >= hearing.seats:
        # PART-12a: the announced number of participants
        raise RuleViolation(
            "PART-12a", N_("Every announced seat is taken."), field="name", seats=hearing.seats
        )
    if phone and svc.active_with_contact(hearing, phone, email, lock=True):
        raise svc.AlreadyRegistered()
    registration = HearingRegistration(
        hearing_id=hearing.id,
        side_id=side.id if side else None,
        receipt_code=svc._new_receipt_code(),
        checkin_code=svc._unique_code(HearingRegistration.checkin_code, svc.CHECKIN_CODE_LENGTH),
        public_code=svc._unique_code(HearingRegistration.public_code, svc.PUBLIC_CODE_LENGTH),
        name=clean_name,
        publish_name_consent=publish_name_consent,
        contact_phone=phone,
        contact_email=email,
        status=RegistrationStatus.CONFIRMED,
        rank=hearing.registration_seq,
        invited=True,
        invitation_reason=reason.strip(),
        invited_by_id=getattr(actor, "id", None),
        registered_at=now,
        status_changed_at=now,
        active_contact_key=svc.contact_key(hearing.id, phone) if phone else None,
    )
    hearing.confirmed_count += 1
    db.session.add(registration)
    db.session.flush()
    svc.notify(registration, "invited", now=now)
    sync_activity(hearing)
    _audit(
        "hearing.invite",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={"registration": registration.id, "side": side.name if side else None},
        reason=reason.strip(),
    )
    return registration


def cancel_by_staff(
    registration: HearingRegistration, *, actor, now: datetime, ip: str = ""
) -> HearingRegistration | None:
    promoted = svc.cancel_registration(registration, now=now)
    _audit(
        "hearing.registration_cancel",
        registration.hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={"registration": registration.id, "promoted": promoted.id if promoted else None},
    )
    return promoted


# -- materials (PROC-19c, PART-12c, PART-8b, A37) -----------------------------------------------


def record_delivery(
    hearing: Hearing,
    registration_ids: list[int],
    method: DeliveryMethod,
    delivered_at: datetime,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> int:
    """Record that the materials reached these confirmed participants."""
    if delivered_at > now:
        raise RuleViolation("", N_("A delivery cannot be in the future."), field="delivered_on")
    hearing = svc.lock_hearing(hearing.id)
    rows = [
        r
        for r in svc.registrations(hearing, {RegistrationStatus.CONFIRMED})
        if r.id in set(registration_ids)
    ]
    if not rows:
        raise RuleViolation("", N_("Select at least one confirmed participant."), field="ids")
    for r in rows:
        r.materials_delivered_at, r.materials_method = delivered_at, method
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.materials_delivered",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "registrations": [r.id for r in rows],
            "method": str(method),
            "delivered_at": delivered_at.isoformat(),
        },
    )
    return len(rows)


def receive_materials_online(registration: HearingRegistration, *, now: datetime) -> bool:
    """A37: a confirmed participant's download from the portal counts as delivery (once)."""
    if registration.status is not RegistrationStatus.CONFIRMED:
        return False
    if registration.materials_delivered_at is None:
        registration.materials_delivered_at = now
        registration.materials_method = DeliveryMethod.PORTAL_DOWNLOAD
        hearing = registration.hearing
        sync_activity(hearing)
        db.session.flush()
        _audit(
            "hearing.materials_downloaded",
            hearing,
            actor="public",
            now=now,
            after={"registration": registration.id},
        )
    return True


def materials_status(hearing: Hearing, calendar=None) -> dict:
    """The due date, the rule and the participants the materials have not reached in time;
    ``calendar_warning``: A1, the PART-8b day was counted across a year whose holiday schedule
    is not complete (``portal.services.calendar.materials_warning``)."""
    from portal.services import calendar as calendar_service

    cal = calendar or work_calendar()
    due, rule = rules.materials_due(hearing.kind, hearing.starts_at, cal)
    late = [
        r
        for r in svc.participants(hearing)
        if r.materials_delivered_at is None or local_date(r.materials_delivered_at) > due
    ]
    warning = calendar_service.materials_warning(hearing.kind, hearing.starts_at, cal)
    return {"due": due, "rule": rule, "late": late, "calendar_warning": warning}


def hold_violations(hearing: Hearing, calendar=None) -> list[RuleViolation]:
    """Whether the hearing can be held as things stand (PROC-19c / PART-8b, PROC-19d)."""
    deliveries = [r.materials_delivered_at for r in svc.participants(hearing)]
    out = rules.hold_violations(
        kind=hearing.kind,
        starts_on=hearing.starts_at,
        delivered=deliveries,
        held_publicly=hearing.held_publicly,
        non_disclosable=hearing.decision.non_disclosable,
        calendar=calendar or work_calendar(),
    )
    if hearing.kind is HearingKind.HEARING and hearing.announced_at is None:
        out.insert(0, RuleViolation("PART-12a", N_("The hearing was never announced.")))
    return out


def record_held(hearing: Hearing, *, actor, now: datetime, ip: str = "") -> Hearing:
    hearing = svc.lock_hearing(hearing.id)
    if hearing.held_at is not None:
        return hearing
    out = []
    if now < hearing.starts_at:
        out.append(RuleViolation("", N_("The hearing has not started yet.")))
    if hearing.cancelled_at is not None:
        out.append(RuleViolation("", N_("The hearing was cancelled.")))
    refuse(out + hold_violations(hearing))
    hearing.held_at = now
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.held",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "held_at": now.isoformat(),
            "attended": sum(1 for r in svc.participants(hearing) if r.checked_in_at),
        },
    )
    return hearing


# -- on the day: check-in and attendance --------------------------------------------------------


def normalise_checkin_code(value: str | None) -> str:
    code = svc.clean_text(value).upper().replace("-", "").replace(" ", "")
    if len(code) != svc.CHECKIN_CODE_LENGTH or any(c not in svc.RECEIPT_ALPHABET for c in code):
        return ""
    return code


def find_for_check_in(
    hearing: Hearing, *, code: str = "", registration_id: int | None = None
) -> HearingRegistration | None:
    """The registration of this hearing with this check-in code (or id), if any."""
    query = sa.select(HearingRegistration).where(HearingRegistration.hearing_id == hearing.id)
    if registration_id is not None:
        query = query.where(HearingRegistration.id == registration_id)
    else:
        normalised = normalise_checkin_code(code)
        if not normalised:
            return None
        query = query.where(HearingRegistration.checkin_code == normalised)
    return db.session.scalar(query)


def moved_up_notice(registration: HearingRegistration) -> RuleViolation:
    """Told to staff after a cancellation: who took the free seat (no rule; a notice)."""
    return RuleViolation(
        "", N_("%(code)s moved up from the waiting list."), code=registration.public_code
    )


def check_in(
    hearing: Hearing,
    *,
    code: str = "",
    registration_id: int | None = None,
    actor,
    now: datetime,
    ip: str = "",
) -> HearingRegistration:
    """Admit a confirmed participant by the code on their confirmation (or from the list)."""
    if registration_id is None and not normalise_checkin_code(code):
        raise RuleViolation("", N_("This is not a check-in code."), field="code")
    registration = find_for_check_in(hearing, code=code, registration_id=registration_id)
    if registration is None or registration.status is not RegistrationStatus.CONFIRMED:
        raise RuleViolation(
            "", N_("No confirmed participant of this meeting has this code."), field="code"
        )
    if hearing.cancelled_at is not None:
        raise RuleViolation("", N_("The hearing was cancelled."))
    if registration.checked_in_at is None:
        registration.checked_in_at = now
        registration.checked_in_by_id = getattr(actor, "id", None)
        db.session.flush()
        _audit(
            "hearing.check_in",
            hearing,
            actor=actor,
            now=now,
            ip=ip,
            after={"registration": registration.id},
        )
    return registration


# -- the record (PART-13) and the report (PART-16) ----------------------------------------------


def attendees(hearing: Hearing) -> list[HearingRegistration]:
    return [r for r in svc.participants(hearing) if r.checked_in_at is not None]


def publish_record(hearing: Hearing, text: str, *, actor, now: datetime, ip: str = "") -> Hearing:
    """PART-13a step 3: the record is put to the participants for confirmation."""
    text = svc.clean_text(text, multiline=True)
    out = []
    if hearing.held_at is None:
        out.append(RuleViolation("PART-13b", N_("The hearing has not been held yet.")))
    if len(text) < 10:
        out.append(RuleViolation("", N_("Write the hearing record."), field="record_text"))
    if hearing.report_published_at is not None:
        out.append(RuleViolation("", N_("The report has been issued; the record is final.")))
    refuse(out)
    hearing.record_text, hearing.record_ready_at = text, now
    sync_activity(hearing)
    db.session.flush()
    _audit("hearing.record", hearing, actor=actor, now=now, ip=ip, after={"chars": len(text)})
    return hearing


def confirm_record_online(registration: HearingRegistration, *, now: datetime) -> bool:
    """A participant who attended confirms the record with the receipt code (PART-13b)."""
    hearing = registration.hearing
    if (
        hearing.record_ready_at is None
        or registration.checked_in_at is None
        or registration.status is not RegistrationStatus.CONFIRMED
        or hearing.report_published_at is not None
    ):
        return False
    if registration.record_confirmation is None:
        registration.record_confirmation = RecordConfirmation.SIGNED
        registration.record_confirmed_at = now
        sync_activity(hearing)
        db.session.flush()
        _audit(
            "hearing.record_confirm",
            hearing,
            actor="public",
            now=now,
            after={"registration": registration.id, "confirmation": "signed"},
        )
    return True


def record_confirmation(
    registration: HearingRegistration,
    confirmation: RecordConfirmation,
    note: str,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """Staff record a signature on paper, or note a refusal to sign (PART-13b)."""
    hearing = registration.hearing
    note = svc.clean_text(note, multiline=True)
    if hearing.record_ready_at is None:
        raise RuleViolation("PART-13b", N_("Write the hearing record first."))
    if registration.checked_in_at is None:
        raise RuleViolation("", N_("Only participants who attended confirm the record."))
    if confirmation is RecordConfirmation.REFUSED and len(note) < 4:
        raise RuleViolation("PART-13b", N_("Note why the participant did not sign."), field="note")
    before = str(registration.record_confirmation) if registration.record_confirmation else None
    registration.record_confirmation = confirmation
    registration.record_confirmed_at = now
    registration.record_note = note
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.record_confirmation",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        before={"confirmation": before},
        after={"registration": registration.id, "confirmation": str(confirmation), "note": note},
    )


def report_violations(hearing: Hearing, basic_info: str, main_opinions: str) -> list:
    people = attendees(hearing)
    out = rules.report_violations(
        held=hearing.held_at is not None,
        confirmations=[r.record_confirmation for r in people],
        basic_info=basic_info,
        main_opinions=main_opinions,
    )
    if hearing.held_at is not None and hearing.record_ready_at is None:
        out.insert(0, RuleViolation("PART-13b", N_("Write the hearing record first.")))
    return out


def publish_report(
    hearing: Hearing,
    *,
    basic_info: str,
    main_opinions: str,
    other: str = "",
    actor,
    now: datetime,
    ip: str = "",
) -> Hearing:
    """Issue and publish the hearing report (PART-16a) once the record is confirmed."""
    hearing = svc.lock_hearing(hearing.id)
    basic_info = svc.clean_text(basic_info, multiline=True)
    main_opinions = svc.clean_text(main_opinions, multiline=True)
    other = svc.clean_text(other, multiline=True)
    refuse(report_violations(hearing, basic_info, main_opinions))
    before = (
        {"published_at": hearing.report_published_at.isoformat()}
        if (hearing.report_published_at)
        else None
    )
    hearing.report_basic_info = basic_info
    hearing.report_main_opinions = main_opinions
    hearing.report_other = other
    hearing.report_published_at = hearing.report_published_at or now
    sync_activity(hearing)
    db.session.flush()
    _audit(
        "hearing.report_publish",
        hearing,
        actor=actor,
        now=now,
        ip=ip,
        before=before,
        after={"published_at": hearing.report_published_at.isoformat()},
    )
    return hearing


# -- the procedure record and other screens ------------------------------------------------------


def sync_activity(hearing: Hearing) -> None:
    """Keep the decision's participation activity in step with the hearing (the compliance
    panel and the gates read PROC-19c, PART-8b, PART-13b and PART-16a from it)."""
    activity = hearing.activity
    if activity is None:
        return
    confirmed = (
        list(svc.registrations(hearing, {RegistrationStatus.CONFIRMED})) if hearing.id else []
    )
    deliveries = [r.materials_delivered_at for r in confirmed]
    present = [r for r in confirmed if r.checked_in_at is not None]
    activity.method = (
        ParticipationMethod.SYMPOSIUM
        if hearing.kind is HearingKind.SYMPOSIUM
        else ParticipationMethod.HEARING
    )
    activity.title = hearing.title[:200]
    activity.held_on = local_date(hearing.starts_at)
    activity.place = hearing.place[:200]
    activity.participants = len(present) if hearing.held_at else len(confirmed)
    activity.materials_delivered_on = (
        max(local_date(d) for d in deliveries) if deliveries and all(deliveries) else None
    )
    activity.held = hearing.held_at is not None
    activity.held_publicly = hearing.held_publicly
    activity.record_signed = bool(
        hearing.record_ready_at
        and present
        and all(r.record_confirmation is not None for r in present)
    )
    activity.report_issued = hearing.report_published_at is not None
    if hearing.report_published_at and hearing.report_main_opinions:
        activity.summary = hearing.report_main_opinions[:2000]


def legality_materials(decision: Decision) -> list[Hearing]:
    """Hearings of the decision that were held, for the legality review screen (PROC-29b)."""
    return [h for h in svc.hearings_of(decision, public=False) if h.held_at is not None]


def related_party_candidates(decision: Decision) -> list[HearingRegistration]:
    """PART-17c: representatives are in principle drawn from people who took part: the
    attendees of the decision's hearings and symposiums."""
    out: list[HearingRegistration] = []
    for hearing in svc.hearings_of(decision, public=False):
        out += attendees(hearing)
    return out


def due_day(hearing: Hearing) -> date:
    return rules.materials_due(hearing.kind, hearing.starts_at, work_calendar())[0]
