"""Public participation (PROC-16..20, PART): the open comment window (PROC-17, PART-7) and the
activities recorded on the participation screen (PROC-16b, PART-5, PART-9, PART-10).

Opening open comment is a public act (``open_consultation``): refused unless the public
participation step is in progress, a published draft version and a published drafting
explanation exist, and the notice has every PART-7b field; the reason for a period shorter than
30 days is given with the announcement (PROC-17c). Once the window has opened, its start and
that reason are fixed and it can be extended (``extend_consultation``, audited and shown on the
notice) but never shortened. Hearings and symposiums exist only in the hearing module
(``portal.services.hearing_steps``, with the PART-12a announcement); the participation screen
records the kinds that have no statutory announcement, and those are public on the dossier.

Services flush and never commit; writes go through ``records.update_record``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation, ConsultationExtension
from portal.models.decision import Decision
from portal.models.hearing import Hearing
from portal.models.participation import ParticipationActivity
from portal.rules import consultation as window_rules
from portal.rules import records as rules
from portal.rules.enums import ParticipationMethod
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.facts import present
from portal.rules.stages import Step, StepStatus
from portal.rules.workdays import local_date
from portal.services import drafts
from portal.services.records import delete_record, local_midnight, update_record

# The kinds recorded on the participation screen (no statutory announcement); re-exported for
# the views, which do not import the rules.
HAND_RECORDED_METHODS = rules.HAND_RECORDED_METHODS
MODULE_METHODS = rules.MODULE_METHODS


# -- the comment window (PROC-17, PART-7) ----------------------------------------------------


@dataclass(frozen=True)
class ConsultationNotice:
    """The open-comment notice (PART-7b): the days are Beijing calendar days; comments open at
    00:00 of ``opens_on`` and close at 24:00 of ``closes_on``."""

    title: str
    opens_on: date
    closes_on: date
    notice: str = ""
    shortened_reason: str = ""  # PROC-17c: published with the notice
    channels: str = ""  # one per line (PART-7b: channels and methods)
    contact_department: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    postal_address: str = ""
    draft_version_id: int | None = None  # PROC-17a: the published draft put out for comment


@dataclass(frozen=True)
class ExtensionInput:
    """A longer period for an open window: the new last day and the published reason."""

    closes_on: date
    reason: str


def consultations(decision: Decision) -> list[Consultation]:
    """Every comment window of the decision, oldest first (one per round)."""
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(Consultation.decision_id == decision.id)
            .order_by(Consultation.opens_at, Consultation.id)
        ).all()
    )


def current_consultation(decision: Decision) -> Consultation | None:
    rows = consultations(decision)
    return rows[-1] if rows else None


def last_day(closes_at: datetime) -> date:
    """A window closing at local midnight ends on the day before."""
    return local_date(closes_at - timedelta(microseconds=1))


@dataclass(frozen=True)
class Period:
    opens_on: date
    last_day: date
    days: int
    opened: bool
    closed: bool


def period(consultation: Consultation, now: datetime) -> Period:
    from portal.rules.deadlines import comment_period_days

    opens_on, end = local_date(consultation.opens_at), last_day(consultation.closes_at)
    return Period(
        opens_on,
        end,
        comment_period_days(opens_on, end),
        consultation.opens_at <= now,
        consultation.closes_at <= now,
    )


def counts_as_open_comment(consultation: Consultation, *, explanation: bool) -> bool:
    """PROC-16a / PROC-17a: a window counts as open comment only when it published a draft
    version together with the drafting explanation (``explanation``: one is published)."""
    return (
        explanation
        and drafts.published_draft_version(consultation.decision, consultation.draft_version_id)
        is not None
    )


def _changes(data: ConsultationNotice) -> dict:
    return {
        "title": data.title.strip(),
        "notice": data.notice.strip(),
        "opens_at": local_midnight(data.opens_on),
        # the last day ends at 24:00 Beijing time
        "closes_at": local_midnight(data.closes_on + timedelta(days=1)),
        "shortened_reason": data.shortened_reason.strip(),
        "channels": "\n".join(line.strip() for line in data.channels.splitlines() if line.strip()),
        "contact_department": data.contact_department.strip(),
        "contact_person": data.contact_person.strip(),
        "contact_phone": data.contact_phone.strip(),
        "contact_email": data.contact_email.strip(),
        "postal_address": data.postal_address.strip(),
        "draft_version_id": data.draft_version_id,
    }


def _notice_violations(decision: Decision, data: ConsultationNotice) -> list[RuleViolation]:
    out = []
    if not present(data.title):
        out.append(input_error(N_("Enter the title of the notice."), "title"))
    # A7 / PROC-16a, PROC-17b/17c (= PART-7c/7d), PART-7b
    return out + rules.consultation_notice_violations(
        non_disclosable=decision.non_disclosable,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        shortened_reason=data.shortened_reason,
        channels=data.channels,
        contact_department=data.contact_department,
        contact_details=(data.contact_phone, data.contact_email, data.postal_address),
    )


def _opening_violations(
    decision: Decision, data: ConsultationNotice, now: datetime, *, running: bool
) -> list[RuleViolation]:
    step = decision.step(Step.PUBLIC_PARTICIPATION)
    return window_rules.opening_violations(
        participation_in_progress=step is not None and step.status is StepStatus.IN_PROGRESS,
        draft_published=drafts.published_draft_version(decision, data.draft_version_id) is not None,
        explanation_published=drafts.explanation_published(decision),
        opens_on=data.opens_on,
        today=local_date(now),
        window_running=running,
    )


def open_consultation(
    decision: Decision, data: ConsultationNotice, *, actor, now: datetime, ip: str = ""
) -> Consultation:
    """Announce the comment window (a public act): PROC-16a, PROC-17a/b/c, PART-7a/7b, A7.

    A new round (after a revision loop reopens participation) is a new window; while one is
    announced and not closed, that one is changed or extended instead."""
    running = any(c.closes_at > now for c in consultations(decision))
    refuse(
        _notice_violations(decision, data)
        + _opening_violations(decision, data, now, running=running)
    )
    consultation = Consultation(decision_id=decision.id)
    update_record(
        consultation,
        _changes(data) | {"created_at": now},
        decision=decision,
        actor=actor,
        now=now,
        action="participation.consultation_open",
        ip=ip,
    )
    from portal.services import notifications

    notifications.consultation_opened(decision, consultation, now=now)  # issue 12: followers
    return consultation


def save_consultation_notice(
    consultation: Consultation,
    data: ConsultationNotice,
    *,
    decision: Decision,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> Consultation:
    """Change the notice. Before the window opens, everything (checked as at opening); once it
    has opened, the start and the reason for a short period are fixed (PROC-17b/17c), the end
    only moves through ``extend_consultation``, and the rest is a correction with a reason by
    the undertaking unit (PROC-39a; the window is then locked)."""
    p = period(consultation, now)
    out = _notice_violations(decision, data)
    if not p.opened:
        running = any(c.closes_at > now for c in consultations(decision) if c.id != consultation.id)
        out += _opening_violations(decision, data, now, running=running)
    else:
        # PROC-17b/17c: refused for anyone, correction or not
        out = [v for v in out if v.rule not in ("PROC-17b", "PROC-17c")]
        out += window_rules.window_change_violations(
            opened=True,
            closed=p.closed,
            opens_on=p.opens_on,
            new_opens_on=data.opens_on,
            closes_on=p.last_day,
            new_closes_on=data.closes_on,
            shortened_reason=consultation.shortened_reason,
            new_shortened_reason=data.shortened_reason,
        )
        if data.closes_on > p.last_day and not p.closed:
            out.append(
                input_error(
                    N_("An open window is extended with the extension form and its reason."),
                    "closes_on",
                )
            )
        if data.draft_version_id != consultation.draft_version_id:
            # PROC-17a: the draft published with the notice is the one the public commented on
            out.append(
                RuleViolation(
                    "PROC-17a",
                    N_("The draft published with an open notice cannot be replaced."),
                    field="draft_version",
                )
            )
    refuse(out)
    update_record(
        consultation,
        _changes(data),
        decision=decision,
        actor=actor,
        now=now,
        action="participation.consultation_save",
        ip=ip,
        correction=correction,
    )
    return consultation


def extend_consultation(
    consultation: Consultation,
    data: ExtensionInput,
    *,
    decision: Decision,
    actor,
    now: datetime,
    ip: str = "",
) -> ConsultationExtension:
    """Extend an open window (PROC-17b: never shortened); the extension and its reason are
    audited and shown on the public notice."""
    p = period(consultation, now)
    out: list[RuleViolation] = []
    if not p.opened:
        out.append(
            input_error(
                N_("The window has not opened yet; change its notice instead."), "closes_on"
            )
        )
    else:
        out += window_rules.window_change_violations(
            opened=True,
            closed=p.closed,
            opens_on=p.opens_on,
            new_opens_on=p.opens_on,
            closes_on=p.last_day,
            new_closes_on=data.closes_on,
            shortened_reason=consultation.shortened_reason,
            new_shortened_reason=consultation.shortened_reason,
        )
        if not p.closed and data.closes_on == p.last_day:
            out.append(
                input_error(
                    N_("The new last day must be after %(day)s."), "closes_on", day=p.last_day
                )
            )
    if not present(data.reason):
        # the public is told why the period is longer (shown with the notice)
        out.append(input_error(N_("Give the reason for the extension."), "reason"))
    refuse(out)
    before = consultation.closes_at
    update_record(
        consultation,
        {"closes_at": local_midnight(data.closes_on + timedelta(days=1))},
        decision=decision,
        actor=actor,
        now=now,
        action="participation.consultation_extend",
        ip=ip,
    )
    extension = ConsultationExtension(consultation_id=consultation.id)
    update_record(
        extension,
        {
            "previous_closes_at": before,
            "closes_at": consultation.closes_at,
            "reason": data.reason.strip(),
            "extended_at": now,
            "actor_id": getattr(actor, "id", None),
        },
        decision=decision,
        actor=actor,
        now=now,
        action="participation.consultation_extension",
        ip=ip,
    )
    db.session.refresh(consultation)
    return extension


# -- activities recorded by hand (PROC-16b) ----------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    """A participation activity with no statutory announcement (poll, questionnaire, field
    visit, interviews, consultation meeting, written solicitation, online interaction,
    enterprise consultation, expert interview)."""

    method: ParticipationMethod
    title: str
    held_on: date | None
    place: str = ""
    participants: int = 0
    held: bool = False
    third_party: str = ""  # PART-10a: the body that ran a poll
    summary: str = ""


def activities(decision: Decision) -> list[ParticipationActivity]:
    return list(
        db.session.scalars(
            sa.select(ParticipationActivity)
            .where(ParticipationActivity.decision_id == decision.id)
            .order_by(ParticipationActivity.held_on, ParticipationActivity.id)
        ).all()
    )


def hearing_of_activity(activity_id: int) -> Hearing | None:
    """The hearing (or symposium) that keeps this activity up to date, if any."""
    return db.session.scalar(sa.select(Hearing).where(Hearing.activity_id == activity_id))


def announced_activity_ids(decision: Decision) -> set[int]:
    """Activities kept by hearings and symposiums announced in the hearing module and not
    cancelled: the only hearings and symposiums that count (PART-12a, PROC-29b)."""
    return set(
        db.session.scalars(
            sa.select(Hearing.activity_id).where(
                Hearing.decision_id == decision.id,
                Hearing.activity_id.is_not(None),
                Hearing.announced_at.is_not(None),
                Hearing.cancelled_at.is_(None),
            )
        ).all()
    )


def _by_hand(activity: ParticipationActivity | None) -> list[RuleViolation]:
    if activity is not None and hearing_of_activity(activity.id) is not None:
        return [
            input_error(
                N_("This activity is kept up to date from its hearing; change it there."),
                "method",
            )
        ]
    return []


def record_activity(
    decision: Decision,
    data: ActivityInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    activity: ParticipationActivity | None = None,
    correction: str | None = None,
) -> ParticipationActivity:
    """Add (``activity`` None) or change an activity recorded by hand. A hearing or symposium
    is refused (PART-12a, PART-8a: the hearing module); the records lock when the participation
    step is completed (the undertaking unit corrects them with a reason)."""
    out = _by_hand(activity)
    if not present(data.title):
        out.append(input_error(N_("Enter a title."), "title"))
    if data.held_on is None:
        out.append(input_error(N_("Enter the date."), "held_on"))
    out += rules.activity_violations(
        method=data.method, held=data.held, held_on=data.held_on, today=local_date(now)
    )
    refuse(out)
    row = activity or ParticipationActivity(decision_id=decision.id)
    update_record(
        row,
        {
            "method": data.method,
            "title": data.title.strip(),
            "held_on": data.held_on,
            "place": data.place.strip(),
            "participants": max(data.participants, 0),
            "held": data.held,
            "third_party": data.third_party.strip(),
            "summary": data.summary.strip(),
        },
        decision=decision,
        actor=actor,
        now=now,
        action="participation.activity_update" if activity else "participation.activity_add",
        ip=ip,
        correction=correction,
    )
    return row


def delete_activity(
    activity: ParticipationActivity, *, decision: Decision, actor, now: datetime, ip: str = ""
) -> None:
    refuse(_by_hand(activity))
    delete_record(
        activity,
        decision=decision,
        actor=actor,
        now=now,
        action="participation.activity_delete",
        ip=ip,
    )


def record_specific_group_heard(
    decision: Decision,
    heard: bool,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> dict:
    """PART-14a: the organisations and representatives of the affected group were heard."""
    return update_record(
        decision,
        {"specific_group_heard": heard},
        decision=decision,
        actor=actor,
        now=now,
        action="participation.specific_group_heard",
        ip=ip,
        correction=correction,
    )


@dataclass(frozen=True)
class ActivityRow:
    activity: ParticipationActivity
    hearing: Hearing | None  # the hearing-module record that keeps it, if any
    counted: bool  # counts for PROC-16a and the participation gates


def activity_rows(decision: Decision) -> list[ActivityRow]:
    """The activities for the participation screen: a hearing or symposium recorded by hand
    (before issue 11) is shown but does not count."""
    announced = announced_activity_ids(decision)
    rows = []
    for a in activities(decision):
        hearing = hearing_of_activity(a.id)
        counted = a.id in announced if a.method in MODULE_METHODS else True
        rows.append(ActivityRow(a, hearing, counted))
    return rows


# -- the public dossier (PROC-16b, PART-5a; rules.md section 9 row 22) ------------------------


@dataclass(frozen=True)
class PublicActivity:
    """What the dossier shows of an activity: no names, contacts or other personal data."""

    method: ParticipationMethod
    title: str
    held_on: date
    place: str
    participants: int
    summary: str


def public_activities(decision: Decision) -> list[PublicActivity]:
    """Activities recorded on the participation screen, once held (hearings and symposiums are
    shown from the hearing module); nothing for a non-disclosable decision (A7)."""
    if decision.non_disclosable:
        return []
    from portal.clock import local_today

    today = local_today()
    return [
        PublicActivity(a.method, a.title, a.held_on, a.place, a.participants, a.summary)
        for a in activities(decision)
        if a.method in HAND_RECORDED_METHODS and (a.held or a.held_on <= today)
    ]
