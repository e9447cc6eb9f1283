"""Hearings (听证会) and symposiums (座谈会): announcement, registration, fair and verifiable
selection, materials, the record and the report (PROC-19, PART-8, PART-11..13, PART-16, A36, A37).

Pure: no Flask, no SQLAlchemy. Services pass plain values and get ``RuleViolation`` lists (or a
raised violation) naming the rule. The selection functions are deterministic so that anyone can
re-run a published draw (see :func:`draw_order`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from portal.rules import deadlines
from portal.rules.errors import N_, RuleViolation
from portal.rules.workdays import WorkCalendar, local_date


class HearingKind(StrEnum):
    HEARING = "hearing"  # 听证会 (PROC-19, PART-11..16)
    SYMPOSIUM = "symposium"  # 座谈会 (PART-8)


class SelectionMethod(StrEnum):
    """Public contract values of ``selection_method`` (PART-12a item 3, PART-12b)."""

    FIRST_COME = "first_come"  # seats in order of registration, then a waiting list
    LOTTERY = "lottery"  # a reproducible draw among applicants
    QUOTA = "quota"  # seats per stakeholder side (A36), drawn within each side
    INVITATION = "invitation"  # chosen by the organiser with recorded reasons


class RegistrationStatus(StrEnum):
    """Public contract values (``confirmed``, ``waitlisted``, ``applied``) plus ``cancelled``."""

    APPLIED = "applied"  # awaiting the draw (lottery, quota) or the organiser (invitation)
    CONFIRMED = "confirmed"  # has a seat
    WAITLISTED = "waitlisted"  # moves up when a confirmed participant cancels
    CANCELLED = "cancelled"


class DeliveryMethod(StrEnum):
    """A37: how the materials reached a participant (portal download and e-mail count)."""

    PORTAL_DOWNLOAD = "portal_download"
    EMAIL = "email"
    IN_PERSON = "in_person"
    POST = "post"


class RecordConfirmation(StrEnum):
    """PART-13b: a participant signed the hearing record, or the refusal was noted."""

    SIGNED = "signed"
    REFUSED = "refused"


class HearingPhase(StrEnum):
    """The hearing sub-state machine (rules.md 1.4), derived from the recorded dates."""

    PLANNED = "planned"
    ANNOUNCED = "announced"
    PARTICIPANTS_SELECTED = "participants_selected"
    HELD = "held"
    REPORT_ISSUED = "report_issued"
    CANCELLED = "cancelled"


SELECTED_BY_DRAW = frozenset({SelectionMethod.LOTTERY, SelectionMethod.QUOTA})
OPEN_REGISTRATION = frozenset(
    {SelectionMethod.FIRST_COME, SelectionMethod.LOTTERY, SelectionMethod.QUOTA}
)
ACTIVE = frozenset(
    {RegistrationStatus.APPLIED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED}
)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- the announcement (PROC-19b, PART-12a, PART-12b, A36) ---------------------------------------


@dataclass(frozen=True)
class Announcement:
    kind: HearingKind
    starts_at: datetime | None
    place: str
    subject: str
    seats: int
    selection_method: SelectionMethod | None
    selection_rules: str
    registration_method: str
    contact_info: str
    other_matters: str
    sides: tuple[str, ...]
    side_seats: tuple[int, ...]  # one per side; used by the quota method
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    draft_published: bool  # PROC-19b: the draft and its explanation are public
    non_disclosable: bool = False


def announcement_violations(a: Announcement) -> list[RuleViolation]:
    """What is missing before a hearing (or symposium) notice may be published."""
    out: list[RuleViolation] = []
    if a.non_disclosable:
        # PROC-19d / PART-11b: only an item not to be disclosed by law is exempt from holding
        # hearings in public; such an item is never announced on the portal.
        out.append(
            _v(
                "PROC-19d",
                N_("This decision item is not to be disclosed, so nothing is announced."),
            )
        )
        return out
    # PART-12a item 1: time and place
    if a.starts_at is None:
        out.append(_v("PART-12a", N_("The notice must state the date and time."), "starts_at"))
    if not a.place.strip():
        out.append(_v("PART-12a", N_("The notice must state the place."), "place"))
    # PART-12a item 2: what the hearing is about
    if not a.subject.strip():
        out.append(_v("PART-12a", N_("The notice must state the subject."), "subject"))
    # PART-12a item 3: how many participants and how they are chosen
    if a.seats < 1:
        out.append(_v("PART-12a", N_("The number of participants must be at least 1."), "seats"))
    if a.selection_method is None:
        out.append(
            _v("PART-12a", N_("The notice must state how participants are chosen."), "selection")
        )
    if a.kind is HearingKind.SYMPOSIUM:
        return out
    # PART-12a item 4: how to register and whom to contact
    if not a.registration_method.strip():
        out.append(
            _v("PART-12a", N_("The notice must state how to register."), "registration_method")
        )
    if not a.contact_info.strip():
        out.append(_v("PART-12a", N_("The notice must give contact details."), "contact_info"))
    # PART-12a item 5: other matters (write "none" when there are none)
    if not a.other_matters.strip():
        out.append(
            _v("PART-12a", N_("The notice must state other relevant matters."), "other_matters")
        )
    if a.selection_method in OPEN_REGISTRATION:
        if a.registration_opens_at is None or a.registration_closes_at is None:
            out.append(
                _v(
                    "PART-12a",
                    N_("The notice must state when registration opens and closes."),
                    "registration_closes_at",
                )
            )
        elif a.registration_closes_at <= a.registration_opens_at:
            out.append(
                _v(
                    "PART-12a",
                    N_("Registration must close after it opens."),
                    "registration_closes_at",
                )
            )
        elif a.starts_at is not None and a.registration_closes_at > a.starts_at:
            out.append(
                _v(
                    "PART-12a",
                    N_("Registration must close before the hearing starts."),
                    "registration_closes_at",
                )
            )
    # PART-12b: the selection rules (遴选办法) are published in advance
    if not a.selection_rules.strip():
        out.append(_v("PART-12b", N_("The selection rules must be published."), "selection_rules"))
    # PART-12b / A36: the organiser declares the sides to be represented
    if not [s for s in a.sides if s.strip()]:
        out.append(
            _v("PART-12b", N_("Declare at least one stakeholder side to be represented."), "sides")
        )
    if a.selection_method is SelectionMethod.QUOTA:
        out += quota_violations(a.seats, a.side_seats)
    # PROC-19b: publish the draft and its explanation before the hearing
    if not a.draft_published:
        out.append(
            _v(
                "PROC-19b",
                N_("Publish the draft and its explanation before announcing the hearing."),
                "draft",
            )
        )
    return out


def quota_violations(seats: int, side_seats: Sequence[int]) -> list[RuleViolation]:
    """PART-12b / A36: with quotas, every side gets at least one seat and the quotas add up."""
    if not side_seats or any(n < 1 for n in side_seats):
        return [_v("PART-12b", N_("Every stakeholder side needs at least one seat."), "sides")]
    if sum(side_seats) != seats:
        return [
            _v(
                "PART-12b",
                N_("The seats of the sides (%(total)s) must add up to %(seats)s."),
                "sides",
                total=sum(side_seats),
                seats=seats,
            )
        ]
    return []


# -- registration (PART-12a item 4) -------------------------------------------------------------


def registration_is_open(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> bool:
    """From ``opens_at`` (inclusive) to ``closes_at`` (exclusive)."""
    return opens_at is not None and closes_at is not None and opens_at <= now < closes_at


def check_registration(
    *,
    non_disclosable: bool,
    announced: bool,
    cancelled: bool,
    selection_method: SelectionMethod,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
) -> None:
    """Raise when the public cannot register now."""
    if non_disclosable:
        # PROC-16a: an item not to be disclosed by law takes no public participation
        raise _v("PROC-16a", N_("This decision item is not open to public participation."))
    if not announced or cancelled:
        # PART-12a: registration follows the published notice
        raise _v("PART-12a", N_("This hearing is not open for registration."))
    if selection_method not in OPEN_REGISTRATION:
        # PART-12b: participants are invited by the organiser (with recorded reasons)
        raise _v("PART-12b", N_("Participants of this meeting are invited by the organiser."))
    if not registration_is_open(opens_at, closes_at, now):
        # PART-12a item 4: registration only within the announced period
        raise _v(
            "PART-12a",
            N_("Registration is only possible within the announced registration period."),
        )


def first_come_status(confirmed: int, seats: int) -> RegistrationStatus:
    """First come, first served: a seat while seats are left, then the waiting list."""
    return RegistrationStatus.CONFIRMED if confirmed < seats else RegistrationStatus.WAITLISTED


def status_on_registration(
    method: SelectionMethod, confirmed: int, seats: int
) -> RegistrationStatus:
    if method is SelectionMethod.FIRST_COME:
        return first_come_status(confirmed, seats)
    return RegistrationStatus.APPLIED


# -- the reproducible draw (lottery and quota; PART-12b "fairly and openly") --------------------


def seed_commitment(seed: str) -> str:
    """SHA-256 of the seed, published when registration opens; the seed after the draw."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def draw_key(seed: str, receipt_code: str) -> str:
    """SHA-256 (hex) of the seed immediately followed by the receipt code, as UTF-8 text."""
    return hashlib.sha256((seed + receipt_code).encode("utf-8")).hexdigest()


def draw_order(seed: str, receipt_codes: Iterable[str]) -> list[str]:
    """Every applicant's receipt code ranked by its :func:`draw_key`, smallest first.

    Plain language (as published on the hearing page): for each receipt code, compute the
    SHA-256 hash of the seed followed by the code; sort the codes by the hash in hexadecimal,
    smallest first. The first codes get the seats; the others form the waiting list in order.
    """
    return sorted(set(receipt_codes), key=lambda code: (draw_key(seed, code), code))


@dataclass(frozen=True)
class DrawResult:
    selected: tuple[str, ...]  # receipt codes given a seat
    waitlist: tuple[str, ...]  # the others, in the order they move up


def lottery_draw(seed: str, receipt_codes: Iterable[str], seats: int) -> DrawResult:
    order = draw_order(seed, receipt_codes)
    return DrawResult(tuple(order[:seats]), tuple(order[seats:]))


def quota_draw(
    seed: str, applicants: Mapping[str, str], quotas: Mapping[str, int], seats: int
) -> DrawResult:
    """Seats per stakeholder side (A36, PART-12b), drawn within each side in draw order.

    ``applicants`` maps receipt code to side; ``quotas`` side to seats (in declared order).
    Each side first fills its own seats from its applicants in draw order; seats a side cannot
    fill go to the remaining applicants of any side, again in draw order. So every side with
    applicants has at least one participant whenever its quota is at least one.
    """
    order = draw_order(seed, applicants)
    selected: list[str] = []
    for side, quota in quotas.items():
        selected += [c for c in order if applicants[c] == side][: max(quota, 0)]
    chosen = set(selected)
    rest = [c for c in order if c not in chosen]
    free = max(seats - len(selected), 0)
    selected += rest[:free]
    chosen = set(selected)
    return DrawResult(
        tuple(c for c in order if c in chosen), tuple(c for c in order if c not in chosen)
    )


def side_coverage_violations(
    sides: Sequence[str], applicant_sides: Iterable[str], selected_sides: Iterable[str]
) -> list[RuleViolation]:
    """PART-12b / A36: every declared side that has applicants has at least one participant."""
    applied, selected = set(applicant_sides), set(selected_sides)
    missing = [s for s in sides if s in applied and s not in selected]
    if not missing:
        return []
    return [
        _v(
            "PART-12b",
            N_("No participant represents: %(sides)s."),
            "sides",
            sides="、".join(missing),
        )
    ]


def check_invitation(reason: str) -> None:
    """PART-12b / PART-8a: an organiser's direct invitation is recorded with its reason."""
    if len(reason.strip()) < 4:
        raise _v("PART-12b", N_("Record why this participant is invited."), "reason")


# -- materials and holding the hearing (PROC-19c, PART-12c, PART-8b, PROC-19d) ------------------


def materials_due(
    kind: HearingKind, starts_on: date | datetime, calendar: WorkCalendar | None = None
) -> tuple[date, str]:
    """The last day materials may reach participants, and the rule that sets it."""
    if kind is HearingKind.SYMPOSIUM:
        return deadlines.symposium_materials_due(starts_on, calendar).due, "PART-8b"
    return deadlines.hearing_materials_due(starts_on), "PROC-19c"


def materials_violations(
    kind: HearingKind,
    starts_on: date | datetime,
    delivered: Sequence[date | datetime | None],
    calendar: WorkCalendar | None = None,
) -> list[RuleViolation]:
    """PROC-19c / PART-12c (7 calendar days) or PART-8b (3 working days), per participant."""
    if kind is HearingKind.SYMPOSIUM:
        return deadlines.symposium_materials_violations(delivered, starts_on, calendar)
    return deadlines.hearing_materials_violations(delivered, starts_on)


def hold_violations(
    *,
    kind: HearingKind,
    starts_on: date | datetime,
    delivered: Sequence[date | datetime | None],
    held_publicly: bool,
    non_disclosable: bool,
    calendar: WorkCalendar | None = None,
) -> list[RuleViolation]:
    """May the hearing be held (recorded as held) with these participants' deliveries?"""
    out: list[RuleViolation] = []
    rule = "PART-8b" if kind is HearingKind.SYMPOSIUM else "PROC-19c"
    if not delivered:
        # PROC-19c / PART-8b: there must be participants who received the materials
        out.append(_v(rule, N_("No participant has been confirmed yet."), "participants"))
    out += materials_violations(kind, starts_on, delivered, calendar)
    if kind is HearingKind.HEARING and not held_publicly and not non_disclosable:
        # PROC-19d / PART-11b: hearings are held in public
        out.append(_v("PROC-19d", N_("The hearing must be held in public."), "held_publicly"))
    return out


# -- the record and the report (PART-13b, PART-16a) ---------------------------------------------


def report_violations(
    *,
    held: bool,
    confirmations: Sequence[RecordConfirmation | None],
    basic_info: str,
    main_opinions: str,
) -> list[RuleViolation]:
    """Before the hearing report is issued: held, record confirmed by every attendee (or the
    refusal noted), and the report's required content."""
    out: list[RuleViolation] = []
    if not held:
        # PART-16a: the report is prepared from the record of a hearing that was held
        out.append(_v("PART-16a", N_("The hearing has not been held yet."), "held"))
    missing = sum(1 for c in confirmations if c is None)
    if missing:
        # PART-13b: participants confirm and sign the record (or the refusal is noted)
        out.append(
            _v(
                "PART-13b",
                N_("%(count)s participant(s) have not confirmed the hearing record."),
                "record",
                count=missing,
            )
        )
    if not basic_info.strip():
        # PART-16a: basic information on the hearing
        out.append(
            _v("PART-16a", N_("The report must describe how the hearing went."), "basic_info")
        )
    if not main_opinions.strip():
        # PART-16a: the participants' main opinions
        out.append(
            _v(
                "PART-16a",
                N_("The report must state the participants' main opinions."),
                "main_opinions",
            )
        )
    return out


def phase(
    *,
    cancelled: bool,
    announced: bool,
    selected: bool,
    held: bool,
    report_issued: bool,
) -> HearingPhase:
    if cancelled:
        return HearingPhase.CANCELLED
    if report_issued:
        return HearingPhase.REPORT_ISSUED
    if held:
        return HearingPhase.HELD
    if selected:
        return HearingPhase.PARTICIPANTS_SELECTED
    if announced:
        return HearingPhase.ANNOUNCED
    return HearingPhase.PLANNED


def starts_on(starts_at: datetime) -> date:
    """The hearing's calendar day in Beijing time (deadlines count calendar days)."""
    return local_date(starts_at)
