"""What a stage record must contain before it can be saved (pure; no Flask, no SQLAlchemy).

These are the content rules the back-office forms enforce on save, as opposed to the gates of
``gates.py`` that guard transitions. Each returns every violation at once.
"""

from __future__ import annotations

from datetime import date

from portal.rules import deadlines
from portal.rules.enums import InitiateDecision, ScopeExclusion
from portal.rules.errors import N_, RuleViolation
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
    non_disclosable: bool,
    non_disclosable_basis: str,
) -> list[RuleViolation]:
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
    if scope_exclusion is not None and out_of_scope_confirmed:
        # PROC-3b / A42: the confirmation contradicts a recorded exclusion
        out.append(
            RuleViolation(
                "PROC-3b",
                N_(
                    "An excluded type of decision is recorded; the item cannot also be confirmed "
                    "to be within the scope of the rules."
                ),
                field="out_of_scope_confirmed",
            )
        )
    if non_disclosable and not present(non_disclosable_basis):
        # A7: non-disclosure needs its legal basis
        out.append(
            RuleViolation(
                "A7",
                N_("Give the legal basis for not disclosing the item."),
                field="non_disclosable_basis",
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
