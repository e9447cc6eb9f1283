"""Submitting an opinion to an open-comment consultation (PROC-16a, PROC-17b, A39).

Pure: no Flask, no SQLAlchemy. The service passes the consultation window and the decision's
``non_disclosable`` flag and gets a ``RuleViolation`` when an opinion cannot be received.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from portal.rules.errors import N_, RuleViolation


class OpinionStatus(StrEnum):
    """Where a submitted opinion stands in moderation (public contract values)."""

    RECEIVED = "received"
    PUBLISHED = "published"
    WITHHELD = "withheld"


class WithholdReason(StrEnum):
    """The published reason code of an opinion that is not published (moderation)."""

    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    PERSONAL_DATA = "personal_data"
    ADVERTISING = "advertising"
    OTHER = "other"


def window_is_open(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> bool:
    """PROC-17b: the comment period runs from ``opens_at`` (inclusive) to ``closes_at``
    (exclusive)."""
    if opens_at is None or closes_at is None:
        return False
    return opens_at <= now < closes_at


def check_opinion_window(
    *,
    non_disclosable: bool,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
) -> None:
    """Raise when an opinion cannot be received now."""
    if non_disclosable:
        # PROC-16a: an item not to be disclosed by law is the one exemption from public
        # participation, so it takes no public opinions at all.
        raise RuleViolation(
            "PROC-16a", N_("This decision item is not open to public participation.")
        )
    if not window_is_open(opens_at, closes_at, now):
        # PROC-17b: opinions are received only within the published comment period (期限).
        raise RuleViolation(
            "PROC-17b",
            N_(
                "The public consultation on this decision is not open, so opinions cannot be "
                "submitted."
            ),
        )


def report_publication_violations(
    *,
    consultation_closed: bool,
    awaiting_moderation: int,
    unanswered: int,
    summary: str,
) -> list[RuleViolation]:
    """What stops the adoption report of a decision from being published (PART-15b).

    The report tells the public the main opinions and how each was handled, so it comes after
    the comment period, once every opinion is moderated and every published one answered.
    """
    problems: list[RuleViolation] = []
    if not consultation_closed:
        problems.append(
            RuleViolation(
                "PART-15b",
                N_("The adoption report is published after the comment period has closed."),
            )
        )
    if awaiting_moderation:
        problems.append(
            RuleViolation(
                "PART-15b",
                N_("%(n)d opinion(s) still await moderation."),
                n=awaiting_moderation,
            )
        )
    if unanswered:
        problems.append(
            RuleViolation(
                "PART-15b",
                N_("%(n)d published opinion(s) have no answer yet."),
                n=unanswered,
            )
        )
    if not summary.strip():
        problems.append(
            RuleViolation(
                "PART-15b",
                N_("Write the summary of the main opinions and how they were adopted."),
                field="summary",
            )
        )
    return problems
