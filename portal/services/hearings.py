"""Hearings and symposiums, the public side: queries, registration, look-up, cancellation and
the waiting list (PART-12a, PART-12b, PROC-19, A36, A37).

Services flush and never commit; the view commits once. Every change of seats takes the
hearing row's lock first (an UPDATE of the row, then ``SELECT ... FOR UPDATE``), so the seat
count can never be exceeded by simultaneous registrations on PostgreSQL or MariaDB; SQLite
serialises writers at that UPDATE. Counts are read from the locked row (``confirmed_count``),
never from a snapshot taken before the lock. Staff steps live in ``hearing_steps``.

Receipt codes, contacts, ID numbers and statements are private (A39, PIPL); the public list
shows a name only with consent, otherwise the registration's public number.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.hearing import Hearing, HearingRegistration, HearingSide
from portal.rules import hearings as rules
from portal.rules.errors import N_, RuleViolation
from portal.rules.hearings import (  # re-exported for the views (no portal.rules.hearings there)
    DeliveryMethod,  # noqa: F401
    HearingKind,  # noqa: F401
    HearingPhase,  # noqa: F401
    RecordConfirmation,  # noqa: F401
    RegistrationStatus,
    SelectionMethod,
)
from portal.rules.privacy import resident_id_is_valid
from portal.services.opinions import (
    DUPLICATE_WINDOW,
    IDEMPOTENCY_KEY_MAX,
    PRIVACY_NOTICE_VERSION,
    RECEIPT_ALPHABET,  # noqa: F401 - used as svc.RECEIPT_ALPHABET by hearing_steps
    clean_email,
    clean_phone,
    clean_text,
    normalise_receipt_code,
    unique_code,
)

# The sets the hearing views need (views do not import portal.rules.hearings).
ACTIVE = rules.ACTIVE
OPEN_REGISTRATION = rules.OPEN_REGISTRATION
SELECTED_BY_DRAW = rules.SELECTED_BY_DRAW

NAME_MAX = 60
STATEMENT_MAX = 1000
SIDE_MAX = 60
PUBLIC_CODE_LENGTH = 6
CHECKIN_CODE_LENGTH = 10


class AlreadyRegistered(RuleViolation):
    """The same contact already holds an active registration for this hearing (409)."""

    def __init__(self, first: HearingRegistration | None = None) -> None:
        super().__init__(
            "",
            N_(
                "This phone number or e-mail address is already registered for this hearing. "
                "Look up your registration with its receipt code."
            ),
            field="contact_phone",
        )
        self.first = first


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    contact_phone: str
    contact_email: str = ""
    stakeholder_side: str = ""
    statement: str = ""
    publish_name_consent: bool = False
    id_number: str = ""


@dataclass(frozen=True)
class CleanRegistration:
    name: str
    contact_phone: str
    contact_email: str
    side: HearingSide | None
    statement: str
    publish_name_consent: bool
    id_number: str


# -- queries ------------------------------------------------------------------------------------


def public_hearings_query():
    """Announced hearings of decisions the public may see (never a non-disclosable item)."""
    return (
        sa.select(Hearing)
        .join(Decision, Hearing.decision_id == Decision.id)
        .where(Hearing.announced_at.is_not(None), Decision.non_disclosable.is_(False))
    )


def list_public_hearings(
    now: datetime, *, open_only: bool = False, page: int = 1, per_page: int = 20
) -> tuple[list[Hearing], int]:
    query = public_hearings_query()
    if open_only:
        query = query.where(
            Hearing.cancelled_at.is_(None),
            Hearing.selection_method.in_([m.value for m in rules.OPEN_REGISTRATION]),
            Hearing.registration_opens_at <= now,
            Hearing.registration_closes_at > now,
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.options(selectinload(Hearing.decision), selectinload(Hearing.sides))
        .order_by(Hearing.starts_at.desc(), Hearing.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), total


def open_for_registration(now: datetime, *, limit: int = 5) -> list[Hearing]:
    """Hearings open for registration, the one closing soonest first (home page)."""
    items, _total = list_public_hearings(now, open_only=True, per_page=100)
    return sorted(items, key=lambda h: (h.registration_closes_at, h.id))[:limit]


def get_public_hearing(hearing_id: int) -> Hearing | None:
    return db.session.scalar(public_hearings_query().where(Hearing.id == hearing_id))


def hearings_of(decision: Decision, *, public: bool = True) -> list[Hearing]:
    query = (
        public_hearings_query()
        if public
        else sa.select(Hearing).join(Decision, Hearing.decision_id == Decision.id)
    )
    return list(
        db.session.scalars(
            query.where(Hearing.decision_id == decision.id).order_by(Hearing.starts_at, Hearing.id)
        ).all()
    )


def registrations(
    hearing: Hearing, statuses: set[RegistrationStatus] | None = None
) -> list[HearingRegistration]:
    query = sa.select(HearingRegistration).where(HearingRegistration.hearing_id == hearing.id)
    if statuses:
        query = query.where(HearingRegistration.status.in_([s.value for s in statuses]))
    return list(
        db.session.scalars(
            query.options(selectinload(HearingRegistration.side)).order_by(
                HearingRegistration.rank, HearingRegistration.id
            )
        ).all()
    )


def participants(hearing: Hearing) -> list[HearingRegistration]:
    """Confirmed participants, by declared side and then in queue order."""
    position = {s.id: s.position for s in hearing.sides}
    rows = registrations(hearing, {RegistrationStatus.CONFIRMED})
    return sorted(rows, key=lambda r: (position.get(r.side_id, 10**6), r.rank, r.id))


def status_counts(hearing: Hearing) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        sa.select(HearingRegistration.status, sa.func.count())
        .where(HearingRegistration.hearing_id == hearing.id)
        .group_by(HearingRegistration.status)
    ).all()
    counts = dict.fromkeys(RegistrationStatus, 0)
    for status, n in rows:
        counts[RegistrationStatus(status)] = n
    return counts


def applicant_codes(hearing: Hearing) -> list[str]:
    """The published input of the draw: the public number of every applicant in it, sorted."""
    return sorted(r.public_code for r in draw_participants(hearing))


def draw_participants(hearing: Hearing) -> list[HearingRegistration]:
    """Everyone who took part in the draw (also those who cancelled later), in draw order."""
    if hearing.selected_at is None:
        return []
    return [r for r in registrations(hearing) if r.draw_selected is not None]


def lookup_registration(receipt_code: str | None) -> HearingRegistration | None:
    code = normalise_receipt_code(receipt_code)
    if not code:
        return None
    return db.session.scalar(
        sa.select(HearingRegistration).where(HearingRegistration.receipt_code == code)
    )


def registration_by_idempotency_key(key: str) -> HearingRegistration | None:
    return db.session.scalar(
        sa.select(HearingRegistration).where(HearingRegistration.idempotency_key == key)
    )


def registration_is_open(hearing: Hearing, now: datetime) -> bool:
    return (
        hearing.is_public
        and hearing.cancelled_at is None
        and hearing.selection_method in rules.OPEN_REGISTRATION
        and rules.registration_is_open(
            hearing.registration_opens_at, hearing.registration_closes_at, now
        )
    )


def phase(hearing: Hearing) -> rules.HearingPhase:
    return rules.phase(
        cancelled=hearing.cancelled_at is not None,
        announced=hearing.announced_at is not None,
        selected=hearing.selected_at is not None or hearing.list_published_at is not None,
        held=hearing.held_at is not None,
        report_issued=hearing.report_published_at is not None,
    )


# -- locking ------------------------------------------------------------------------------------


def lock_hearing(hearing_id: int, *, bump: bool = False) -> Hearing:
    """Take the hearing row's write lock and return the row as now committed.

    The UPDATE comes first: a row lock on PostgreSQL/MariaDB and the database write lock on
    SQLite, before anything is read for the decision. ``SELECT ... FOR UPDATE`` then reads the
    latest committed row even under MariaDB's REPEATABLE READ snapshot.
    """
    increment = Hearing.registration_seq + (1 if bump else 0)
    db.session.execute(
        sa.update(Hearing)
        .where(Hearing.id == hearing_id)
        .values(registration_seq=increment)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(
        sa.select(Hearing)
        .where(Hearing.id == hearing_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def locked_registration(registration_id: int) -> HearingRegistration:
    return db.session.execute(
        sa.select(HearingRegistration)
        .where(HearingRegistration.id == registration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


# -- registration -------------------------------------------------------------------------------


def _side_by_name(hearing: Hearing, name: str) -> HearingSide | None:
    for side in hearing.sides:
        if side.name == name:
            return side
    return None


def validate_registration(hearing: Hearing, data: RegistrationInput) -> CleanRegistration:
    """Normalise and check the fields; raise a ``RuleViolation`` naming the field."""
    name = clean_text(data.name)
    if not name:
        raise RuleViolation("", N_("Enter your name."), field="name")
    if len(name) > NAME_MAX:
        raise RuleViolation("", N_("Write at most %(n)d characters."), field="name", n=NAME_MAX)
    phone = clean_phone(data.contact_phone)
    if not phone:
        raise RuleViolation(
            "",
            N_("Enter a phone number so that the organiser can reach you."),
            field="contact_phone",
        )
    email = clean_email(data.contact_email)
    side_name = clean_text(data.stakeholder_side)[:SIDE_MAX]
    side = _side_by_name(hearing, side_name) if side_name else None
    if side_name and side is None:
        raise RuleViolation(
            "", N_("Choose one of the stakeholder sides listed."), field="stakeholder_side"
        )
    if side is None and hearing.sides and hearing.selection_method is SelectionMethod.QUOTA:
        raise RuleViolation(
            "", N_("Choose the stakeholder side you represent."), field="stakeholder_side"
        )
    statement = clean_text(data.statement, multiline=True)
    if len(statement) > STATEMENT_MAX:
        raise RuleViolation(
            "", N_("Write at most %(n)d characters."), field="statement", n=STATEMENT_MAX
        )
    id_number = ""
    if hearing.requires_id_number:  # collected only when the notice requires it (PIPL)
        id_number = clean_text(data.id_number).upper()
        if not resident_id_is_valid(id_number):
            raise RuleViolation(
                "", N_("Enter a valid resident ID number (18 characters)."), field="id_number"
            )
    return CleanRegistration(
        name=name,
        contact_phone=phone,
        contact_email=email,
        side=side,
        statement=statement,
        publish_name_consent=bool(data.publish_name_consent),
        id_number=id_number,
    )


def _secret_hash(*parts: str) -> str:
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def _content_hash(hearing: Hearing, c: CleanRegistration) -> str:
    key = "\x1f".join(
        [
            str(hearing.id),
            c.name,
            c.contact_phone,
            c.contact_email.lower(),
            c.side.name if c.side else "",
            c.statement,
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()


def contact_key(hearing_id: int, phone: str) -> str:
    return _secret_hash("contact", str(hearing_id), phone)


def _unique_code(column, length: int) -> str:
    return unique_code(column, length)


def _new_receipt_code() -> str:
    return unique_code(HearingRegistration.receipt_code)


def _check_key(key: str | None) -> str | None:
    key = (key or "").strip() or None
    if key is not None and (
        len(key) > IDEMPOTENCY_KEY_MAX or not key.isascii() or not key.isprintable()
    ):
        raise RuleViolation("", N_("The idempotency key is not valid."), field="idempotency_key")
    return key


def first_identical(hearing: Hearing, content_hash: str, now: datetime):
    return db.session.scalar(
        sa.select(HearingRegistration)
        .where(
            HearingRegistration.hearing_id == hearing.id,
            HearingRegistration.content_hash == content_hash,
            HearingRegistration.registered_at > now - DUPLICATE_WINDOW,
            HearingRegistration.status != RegistrationStatus.CANCELLED,
        )
        .order_by(HearingRegistration.id)
        .limit(1)
    )


def active_with_contact(hearing: Hearing, phone: str, email: str, *, lock: bool = False):
    """The active registration with this phone (or e-mail), read after the lock if ``lock``."""
    conditions = [HearingRegistration.active_contact_key == contact_key(hearing.id, phone)]
    if email:
        conditions.append(
            sa.and_(
                HearingRegistration.contact_email == email,
                HearingRegistration.status != RegistrationStatus.CANCELLED,
            )
        )
    query = (
        sa.select(HearingRegistration)
        .where(HearingRegistration.hearing_id == hearing.id, sa.or_(*conditions))
        .order_by(HearingRegistration.id)
        .limit(1)
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def check_can_register(hearing: Hearing, now: datetime) -> None:
    rules.check_registration(
        non_disclosable=hearing.decision.non_disclosable,
        announced=hearing.announced_at is not None,
        cancelled=hearing.cancelled_at is not None,
        selection_method=hearing.selection_method,
        opens_at=hearing.registration_opens_at,
        closes_at=hearing.registration_closes_at,
        now=now,
    )


def register_for_hearing(
    hearing: Hearing,
    data: RegistrationInput,
    *,
    now: datetime,
    idempotency_key: str | None = None,
    ip: str = "",
) -> HearingRegistration:
    """Register while registration is open; return the (first) registration.

    A repeated ``idempotency_key``, or an identical submission (same hearing, fields and
    contact) within 24 hours, returns the registration first received. Another active
    registration with the same phone or e-mail raises ``AlreadyRegistered``.
    """
    key = _check_key(idempotency_key)
    if key is not None:
        first = registration_by_idempotency_key(key)
        if first is not None:
            return first
    check_can_register(hearing, now)
    clean = validate_registration(hearing, data)
    content_hash = _content_hash(hearing, clean)
    first = first_identical(hearing, content_hash, now)
    if first is not None:
        return first
    side_id = clean.side.id if clean.side else None
    hearing = lock_hearing(hearing.id, bump=True)  # serialises every seat change
    check_can_register(hearing, now)
    existing = active_with_contact(hearing, clean.contact_phone, clean.contact_email, lock=True)
    if existing is not None:
        raise AlreadyRegistered(existing)
    status = rules.status_on_registration(
        hearing.selection_method, hearing.confirmed_count, hearing.seats
    )
    if status is RegistrationStatus.CONFIRMED:
        hearing.confirmed_count += 1
    registration = HearingRegistration(
        hearing_id=hearing.id,
        side_id=side_id,
        receipt_code=_new_receipt_code(),
        checkin_code=_unique_code(HearingRegistration.checkin_code, CHECKIN_CODE_LENGTH),
        public_code=_unique_code(HearingRegistration.public_code, PUBLIC_CODE_LENGTH),
        name=clean.name,
        publish_name_consent=clean.publish_name_consent,
        contact_phone=clean.contact_phone,
        contact_email=clean.contact_email,
        id_number=clean.id_number,
        statement=clean.statement,
        status=status,
        rank=hearing.registration_seq,
        registered_at=now,
        status_changed_at=now,
        consent_version=PRIVACY_NOTICE_VERSION,
        consented_at=now,
        idempotency_key=key,
        content_hash=content_hash,
        active_contact_key=contact_key(hearing.id, clean.contact_phone),
        ip_hash=_secret_hash("ip", ip) if ip else "",
        language=_registrant_language(),
    )
    db.session.add(registration)
    db.session.flush()
    notify(registration, "received", now=now)
    from portal.services import hearing_steps  # a cycle: steps use the queries here

    hearing_steps.sync_activity(hearing)
    return registration


def _registrant_language() -> str:
    from portal.services import notifications

    return notifications.current_language()


# -- cancellation and the waiting list ----------------------------------------------------------


def cancel_registration(
    registration: HearingRegistration, *, now: datetime
) -> HearingRegistration | None:
    """Cancel; a freed seat goes to the first on the waiting list (of the same side with
    quotas). Returns the registration that moved up, if any. Cancelling twice does nothing."""
    hearing = lock_hearing(registration.hearing_id)
    registration = locked_registration(registration.id)
    if registration.status is RegistrationStatus.CANCELLED:
        return None
    if hearing.held_at is not None or hearing.starts_at <= now:
        raise RuleViolation(
            "", N_("The hearing has taken place; the registration can no longer be cancelled.")
        )
    was_confirmed = registration.status is RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.status_changed_at = now
    registration.active_contact_key = None
    promoted = None
    if was_confirmed:
        hearing.confirmed_count -= 1
        promoted = promote_next(hearing, now=now, side_id=registration.side_id)
    db.session.flush()
    notify(registration, "cancelled", now=now)
    from portal.services import hearing_steps

    hearing_steps.sync_activity(hearing)
    return promoted


def promote_next(
    hearing: Hearing, *, now: datetime, side_id: int | None = None
) -> HearingRegistration | None:
    """Give a free seat to the first on the waiting list (the caller holds the hearing lock)."""
    if hearing.confirmed_count >= hearing.seats or hearing.held_at is not None:
        return None
    if hearing.selection_method in rules.SELECTED_BY_DRAW and hearing.selected_at is None:
        return None  # before the draw everyone is an applicant: nothing to move up
    base = (
        sa.select(HearingRegistration)
        .where(
            HearingRegistration.hearing_id == hearing.id,
            HearingRegistration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(HearingRegistration.rank, HearingRegistration.id)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    nxt = None
    if hearing.selection_method is SelectionMethod.QUOTA and side_id is not None:
        nxt = db.session.scalar(base.where(HearingRegistration.side_id == side_id))
    if nxt is None:
        nxt = db.session.scalar(base)
    if nxt is None:
        return None
    nxt.status = RegistrationStatus.CONFIRMED
    nxt.status_changed_at = now
    hearing.confirmed_count += 1
    db.session.flush()
    notify(nxt, "moved_up", now=now)
    return nxt


# -- notifications through the outbox -----------------------------------------------------------


def notify(registration: HearingRegistration, event: str, *, now: datetime) -> None:
    """An e-mail through the outbox (``mail.send``) when the person gave an address, in their
    language with absolute links (``portal.services.notifications``)."""
    from portal.services import notifications

    notifications.registration_changed(registration, event, now=now)


# -- retention of contact details (security.md; PIPL art. 19) ------------------------------------


def purge_contacts(*, now: datetime, days: int, actor="system", dry_run: bool = False) -> int:
    """Delete the contact details and ID numbers of registrations for hearings that were held
    (or cancelled, or simply took place) more than ``days`` days ago. The participant list and
    the record keep the public number, the side and a name only where its owner consented to
    its publication. One audit row per hearing. Returns how many registrations were (with
    ``dry_run``: would be) purged. Flushes; ``flask portal purge-contacts`` commits."""
    from datetime import timedelta

    from portal.services import audit

    cutoff = now - timedelta(days=days)
    ended = sa.func.coalesce(Hearing.held_at, Hearing.cancelled_at, Hearing.starts_at)
    rows = db.session.scalars(
        sa.select(HearingRegistration)
        .join(Hearing, Hearing.id == HearingRegistration.hearing_id)
        .where(
            ended <= cutoff,
            sa.or_(
                HearingRegistration.contact_phone != "",
                HearingRegistration.contact_email != "",
                HearingRegistration.id_number != "",
            ),
        )
        .order_by(HearingRegistration.hearing_id, HearingRegistration.id)
    ).all()
    if dry_run:
        return len(rows)
    per_hearing: dict[int, int] = {}
    for registration in rows:
        registration.contact_phone = ""
        registration.contact_email = ""
        registration.id_number = ""
        registration.ip_hash = ""
        registration.active_contact_key = None
        if not registration.publish_name_consent:
            registration.name = ""
        per_hearing[registration.hearing_id] = per_hearing.get(registration.hearing_id, 0) + 1
    db.session.flush()
    for hearing_id, count in per_hearing.items():
        audit.record(
            "hearing.purge_contacts",
            actor=actor,
            now=now,
            obj=db.session.get(Hearing, hearing_id),
            details={"registrations": count, "retention_days": days},
        )
    return len(rows)


# -- what the registrant sees: every step of their registration (issue 12) ----------------------


def registration_history(registration: HearingRegistration) -> list:
    """Registered, invited, the draw's outcome, moved up, materials received, checked in,
    cancelled (by them or with the meeting): each with its date, oldest first."""
    from portal.services.opinions import HistoryItem

    hearing = registration.hearing
    first = "invited" if registration.invited else "registered"
    items = [HistoryItem(first, registration.registered_at)]
    if registration.draw_selected is True and hearing.selected_at:
        items.append(HistoryItem("selected", hearing.selected_at))
    elif registration.draw_selected is False and hearing.selected_at:
        items.append(HistoryItem("not_selected", hearing.selected_at))
    moved_up = (
        registration.status is RegistrationStatus.CONFIRMED
        and registration.draw_selected is not True
        and not registration.invited
        and registration.status_changed_at
        and registration.status_changed_at > registration.registered_at
    )
    if moved_up:
        items.append(HistoryItem("moved_up", registration.status_changed_at))
    if hearing.list_published_at and registration.status is RegistrationStatus.CONFIRMED:
        items.append(HistoryItem("list_published", hearing.list_published_at))
    if registration.materials_delivered_at:
        items.append(HistoryItem("materials", registration.materials_delivered_at))
    if registration.checked_in_at:
        items.append(HistoryItem("checked_in", registration.checked_in_at))
    if registration.cancelled_at:
        items.append(HistoryItem("cancelled", registration.cancelled_at))
    if hearing.cancelled_at:
        items.append(HistoryItem("hearing_cancelled", hearing.cancelled_at, hearing.cancel_reason))
    return sorted(items, key=lambda i: i.at)
