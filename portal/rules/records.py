"""What a stage record must contain before it can be saved (pure; no Flask, no SQLAlchemy).

These are the content rules the back-office forms enforce on save, as opposed to the gates of
``gates.py`` that guard transitions. Each returns every violation at once.
"""

from __future__ import annotations

from datetime import date

from portal.rules import deadlines
from portal.rules.enums import InitiateDecision, ParticipationMethod, ReviewResult, ScopeExclusion
from portal.rules.errors import N_, RuleViolation, input_error
from portal.rules.facts import present


def initiation_record_violations(
    *,
    unit_count: int,
    lead_given: bool,
    lead_in_units: bool,
    initiate_decision: InitiateDecision | None,
    initiated_on: date | None,
    scope_exclusion: ScopeExclusion | None,
    out_of_scope_confirmed: bool,
    today: date | None = None,
) -> list[RuleViolation]:
    """The initiation record (PROC-3b, PROC-11c, PROC-12a). ``out_of_scope_confirmed`` is the
    decision's confirmed flag (A42): it is changed only by a request the office confirms, never
    with this record."""
    out: list[RuleViolation] = []
    if unit_count >= 2 and not lead_given:
        # PROC-12a: two or more undertaking units need a lead unit
        out.append(
            RuleViolation(
                "PROC-12a",
                N_("%(count)s undertaking units are designated but no lead unit among them."),
                field="lead_unit",
                count=unit_count,
            )
        )
    if lead_given and not lead_in_units:
        # PROC-12a: the lead unit is one of the undertaking units
        out.append(
            RuleViolation(
                "PROC-12a",
                N_("The lead unit must be one of the undertaking units."),
                field="lead_unit",
            )
        )
    if initiate_decision is not None and initiated_on is None:
        # PROC-11c: the decision organ's decision is recorded with its date
        out.append(
            RuleViolation(
                "PROC-11c",
                N_("Enter the date of the decision organ's decision."),
                field="initiated_on",
            )
        )
    if initiate_decision is None and initiated_on is not None:
        # PROC-11c: a date without the decision it dates
        out.append(
            RuleViolation(
                "PROC-11c",
                N_("Choose whether the decision organ decided to initiate."),
                field="initiate_decision",
            )
        )
    if today is not None:
        # PROC-11c: the date of a decision that was taken, never one still to come
        out += done_date_violations("initiated_on", initiated_on, today=today, rule="PROC-11c")
    if scope_exclusion is not None and out_of_scope_confirmed:
        # PROC-3b / A42: the confirmation contradicts a recorded exclusion; the office clears
        # the confirmation first (a flag request), then the exclusion can be recorded
        out.append(
            RuleViolation(
                "PROC-3b",
                N_(
                    "The item is confirmed not to be an excluded type of decision; ask for the "
                    "confirmation to be cleared before recording an exclusion."
                ),
                field="scope_exclusion",
            )
        )
    return out


def done_date_violations(
    name: str,
    day: date | None,
    *,
    today: date,
    not_before: date | None = None,
    rule: str,
) -> list[RuleViolation]:
    """The date of something done (a decision taken, a consultation held, a review made):
    never after today, never before the fact it follows. ``rule`` is the rule that requires the
    record of that date."""
    if day is None:
        return []
    out: list[RuleViolation] = []
    if day > today:
        out.append(
            RuleViolation(rule, N_("A date of something done cannot be in the future."), field=name)
        )
    if not_before is not None and day < not_before:
        out.append(
            RuleViolation(
                rule, N_("This date cannot be before %(day)s."), field=name, day=not_before
            )
        )
    return out


def drafting_record_violations(*, entrusted: bool, entrusted_party: str) -> list[RuleViolation]:
    if entrusted and not present(entrusted_party):
        # PROC-13a (needed for the EVAL-7b exclusion): an entrusted draft names who drafted it
        return [
            RuleViolation(
                "PROC-13a",
                N_("Name the expert or institution the drafting was entrusted to."),
                field="entrusted_party",
            )
        ]
    return []


def consultation_notice_violations(
    *,
    non_disclosable: bool,
    opens_on: date | None,
    closes_on: date | None,
    shortened_reason: str,
    channels: str,
    contact_department: str,
    contact_details: tuple[str, ...],
) -> list[RuleViolation]:
    """The open-comment notice (PROC-17, PART-7); the reason for a short period is printed in
    the notice itself, so it counts as published once given (PROC-17c)."""
    out: list[RuleViolation] = []
    if non_disclosable:
        # A7 / PROC-16a: a non-disclosable item is exempt and never shown to the public
        out.append(
            RuleViolation(
                "A7",
                N_(
                    "This decision is not to be disclosed according to law; it cannot be put out "
                    "for public comment."
                ),
                field="title",
            )
        )
    if opens_on is not None and closes_on is not None:
        # PROC-17b / PROC-17c (= PART-7c/7d): >= 30 days, or a reason printed in the notice
        out += deadlines.comment_period_violations(
            opens_on, closes_on, shortened_reason=shortened_reason, reason_published=True
        )
    if not present(channels):
        # PART-7b: channels and methods for submitting opinions
        out.append(
            RuleViolation(
                "PART-7b",
                N_("State the channels and methods for submitting opinions."),
                field="channels",
            )
        )
    if not present(contact_department):
        # PART-7b: the contact department
        out.append(
            RuleViolation(
                "PART-7b", N_("State the contact department."), field="contact_department"
            )
        )
    if not any(present(c) for c in contact_details):
        # PART-7b: contact details
        out.append(
            RuleViolation(
                "PART-7b",
                N_("Give at least one contact detail: phone, email or postal address."),
                field="contact_phone",
            )
        )
    return out


def unit_consultation_violations(*, consulted_on: date | None, today: date) -> list:
    """PROC-15a: a consultation of a unit or lower government that took place."""
    return done_date_violations("consulted_on", consulted_on, today=today, rule="PROC-15a")


def dispute_violations(*, referred_on: date | None, today: date) -> list[RuleViolation]:
    """PROC-15b: a dispute referred to the decision organ."""
    return done_date_violations("referred_on", referred_on, today=today, rule="PROC-15b")


def resolution_violations(
    *, resolved_on: date | None, referred_on: date, today: date
) -> list[RuleViolation]:
    """PROC-15b: the decision organ's coordination comes after the referral."""
    return done_date_violations(
        "resolved_on", resolved_on, today=today, not_before=referred_on, rule="PROC-15b"
    )


# Activities recorded by hand on the participation screen: the kinds with no statutory
# announcement (PROC-16b, PART-5b/5c, PART-9a, PART-10). Hearings (PART-12a) and symposiums
# (PART-8a) are run in the hearing module; the open comment window has its own notice.
HAND_RECORDED_METHODS: tuple[ParticipationMethod, ...] = (
    ParticipationMethod.POLL,
    ParticipationMethod.QUESTIONNAIRE,
    ParticipationMethod.FIELD_VISIT,
    ParticipationMethod.CONSULTATION_MEETING,
    ParticipationMethod.WRITTEN_SOLICITATION,
    ParticipationMethod.ONLINE_INTERACTION,
    ParticipationMethod.ENTERPRISE_CONSULTATION,
    ParticipationMethod.EXPERT_INTERVIEW,
)
MODULE_METHODS = frozenset({ParticipationMethod.HEARING, ParticipationMethod.SYMPOSIUM})


def activity_violations(
    *, method: ParticipationMethod, held: bool, held_on: date | None, today: date
) -> list[RuleViolation]:
    """A participation activity recorded by hand (PROC-16b)."""
    out: list[RuleViolation] = []
    if method is ParticipationMethod.HEARING:
        # PART-12a / PROC-19b: a hearing is announced in advance with the draft; it exists only
        # in the hearing module, which publishes the announcement and keeps the steps
        out.append(
            RuleViolation(
                "PART-12a",
                N_(
                    "A hearing is planned and announced in the hearing module; it cannot be "
                    "recorded by hand."
                ),
                field="method",
            )
        )
    elif method is ParticipationMethod.SYMPOSIUM:
        # PART-8a / PART-8b: the representatives, their sides and the delivery of the materials
        # to each of them are recorded in the hearing module
        out.append(
            RuleViolation(
                "PART-8a",
                N_(
                    "A symposium is organised in the hearing module, with its representatives "
                    "and the delivery of the materials; it cannot be recorded by hand."
                ),
                field="method",
            )
        )
    elif method not in HAND_RECORDED_METHODS:
        out.append(
            input_error(N_("The open comment window is set up with its own notice."), "method")
        )
    if held and held_on is not None and held_on > today:
        out.append(
            input_error(
                N_("An activity recorded as held cannot be dated in the future."), "held_on"
            )
        )
    return out


def internal_review_violations(
    *,
    on: date | None,
    text: str,
    result: ReviewResult | None,
    today: date,
    not_before: date | None = None,
    not_after: date | None = None,
    preceding_missing: bool = False,
    date_field: str,
    text_field: str,
    result_field: str,
) -> list[RuleViolation]:
    """PROC-28a: the unit's preliminary legality review, or its collective discussion, is
    recorded with its date, its opinion (or minutes) and its result; the date is not in the
    future and the discussion is not before the legal review."""
    out: list[RuleViolation] = []
    if on is not None and not present(text):
        # PROC-28a: the legal office's opinion and the discussion minutes are the record
        out.append(
            RuleViolation(
                "PROC-28a",
                N_("Record the opinion or minutes together with the date."),
                field=text_field,
            )
        )
    if on is not None and result is None:
        # PROC-28a: passed, or not passed (only "passed" lets the draft go on)
        out.append(
            RuleViolation("PROC-28a", N_("Record whether the draft passed."), field=result_field)
        )
    if on is None and (result is not None or present(text)):
        # PROC-28a: a result or opinion without the date it was given
        out.append(RuleViolation("PROC-28a", N_("Enter the date of the review."), field=date_field))
    if on is not None and not_after is not None and on > not_after:
        # PROC-28a: the legal office's review comes before the collective discussion
        out.append(
            RuleViolation(
                "PROC-28a",
                N_("The legal office's review cannot be after the collective discussion."),
                field=date_field,
            )
        )
    if on is not None and preceding_missing:
        # PROC-28a: the legal office reviews the draft before the unit discusses it
        out.append(
            RuleViolation(
                "PROC-28a",
                N_("Record the legal office's review before the collective discussion."),
                field=date_field,
            )
        )
    out += done_date_violations(date_field, on, today=today, not_before=not_before, rule="PROC-28a")
    return out


def archive_completion_violations(*, filed: bool, ended: bool) -> list[RuleViolation]:
    """PROC-39a: the archive is complete once the procedure's records are all in: after the
    decision is filed (PROC-38a), or when the procedure has ended (rejected, terminated...)."""
    if filed or ended:
        return []
    # PROC-39a: records keep coming until filing or the end of the procedure
    return [
        RuleViolation(
            "PROC-39a",
            N_(
                "The procedure is still producing records; the archive can be completed after "
                "filing or when the procedure ends."
            ),
            field="archived_at",
        )
    ]
