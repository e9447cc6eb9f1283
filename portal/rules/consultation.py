"""Submitting an opinion to an open-comment consultation (PROC-16a, PROC-17b, A39).

Pure: no Flask, no SQLAlchemy. The service passes the consultation window and the decision's
``non_disclosable`` flag and gets a ``RuleViolation`` when an opinion cannot be received.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from portal.rules.errors import N_, RuleViolation, input_error


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


class OpinionChannel(StrEnum):
    """How an opinion reached the undertaking unit (PART-6b/6c, PART-7b, PROC-42b).

    ``online`` is the portal's form or API; the others are entered by staff from a letter, a
    12345 hotline call, a participation contact point, a meeting and so on, and count, are
    moderated, published and answered exactly like online ones (PART-15a).
    """

    ONLINE = "online"
    LETTER = "letter"  # 信件
    EMAIL = "email"  # 电子邮件
    TELEPHONE = "telephone"  # 电话 (the contact telephone of the notice)
    HOTLINE_12345 = "hotline_12345"  # 12345 市民服务热线 (PART-6b)
    CONTACT_POINT = "contact_point"  # 公众参与联系点 (PART-6c)
    MEETING = "meeting"  # 座谈、走访、开放日等当面提出


OFFLINE_CHANNELS = tuple(c for c in OpinionChannel if c is not OpinionChannel.ONLINE)


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


def offline_receipt_violations(
    *,
    non_disclosable: bool,
    first_day: date | None,
    last_day: date | None,
    received_on: date | None,
    today: date,
    report_published: bool,
) -> list[RuleViolation]:
    """Whether an opinion received offline (letter, 12345 hotline, contact point, meeting) can
    be entered for the consultation that runs from ``first_day`` to ``last_day`` (local days,
    both included).

    It counts like an online opinion only if it was received within the published comment
    period (PROC-17b, PART-7b 期限): the day it was received drives that clock, so it is never
    in the future and never outside the period. It may be entered after the period has closed
    when it was received in time. Once the adoption report is published (PART-15b) the register
    it reports on is closed.
    """
    if non_disclosable:
        # PROC-16a: an item not to be disclosed takes no public opinions at all.
        return [
            RuleViolation("PROC-16a", N_("This decision item is not open to public participation."))
        ]
    if first_day is None or last_day is None:
        return [
            RuleViolation(
                "PROC-17b",
                N_("This decision has no published comment period to count the opinion in."),
            )
        ]
    out: list[RuleViolation] = []
    if received_on is None:
        return [input_error(N_("Give the date the opinion was received."), "received_on")]
    if received_on > today:
        out.append(
            RuleViolation(
                "PROC-17b",
                N_("The date an opinion was received cannot be in the future."),
                field="received_on",
            )
        )
    elif received_on < first_day:
        out.append(
            RuleViolation(
                "PROC-17b",
                N_(
                    "The opinion was received before the comment period opened on %(day)s; "
                    "it cannot be counted in this consultation."
                ),
                field="received_on",
                day=first_day,
            )
        )
    elif received_on > last_day:
        out.append(
            RuleViolation(
                "PROC-17b",
                N_(
                    "The opinion was received after the comment period closed on %(day)s; "
                    "it cannot be counted in this consultation."
                ),
                field="received_on",
                day=last_day,
            )
        )
    if report_published:
        out.append(
            RuleViolation(
                "PART-15b",
                N_(
                    "The adoption report of this consultation is already published; no "
                    "opinion can be added to the register it reports on."
                ),
            )
        )
    return out


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


RESPONSE_MAX = 5000


def feedback_response_violations(
    *,
    non_disclosable: bool,
    body: str,
    statuses: list[OpinionStatus],
    personal_data_kinds: list[str],
) -> list[RuleViolation]:
    """Whether the undertaking unit's response to public concerns about a decision in execution
    can be published (PART-19b): it answers moderated feedback items of a decision that may be
    disclosed, says something, and shows nobody's phone or ID number (A39)."""
    if non_disclosable:
        # PROC-37c: the publication duties do not apply to an item not to be disclosed; its
        # record stays off the public portal.
        return [
            RuleViolation(
                "PROC-37c",
                N_("This decision item is not to be disclosed; nothing about it is published."),
            )
        ]
    out: list[RuleViolation] = []
    if not statuses:
        out.append(input_error(N_("Select at least one concern to respond to."), "ids"))
    elif OpinionStatus.RECEIVED in statuses:
        out.append(
            input_error(
                N_("Moderate the feedback before responding to it: %(n)d item(s) await it."),
                "ids",
                n=statuses.count(OpinionStatus.RECEIVED),
            )
        )
    if not body.strip():
        # PART-19b: respond promptly to public concerns (回应社会关切): a response says something.
        out.append(
            RuleViolation(
                "PART-19b", N_("Write the response to the public's concerns."), field="body"
            )
        )
    elif len(body) > RESPONSE_MAX:
        out.append(input_error(N_("Write at most %(n)d characters."), "body", n=RESPONSE_MAX))
    if {"mobile", "resident_id"} & set(personal_data_kinds):
        # A39: the response is public; it never shows a phone or ID number of the people who
        # wrote in (a landline of a government office is fine).
        out.append(
            RuleViolation(
                "A39",
                N_(
                    "The response contains a mobile phone or ID number. Responses are public: "
                    "remove personal data before publishing."
                ),
                field="body",
            )
        )
    return out


# -- the comment window: opening it, and what can change once it is open (PROC-17, PART-7) ------
# (issue 11: opening open comment is a public act; the window is extended, never shortened)


def opening_violations(
    *,
    participation_in_progress: bool,
    draft_published: bool,
    explanation_published: bool,
    opens_on: date,
    today: date,
    window_running: bool,
) -> list[RuleViolation]:
    """May the comment window be announced now (PROC-16a, PROC-17a, PROC-17b, PART-7a/7b)?

    ``draft_published``: the draft version chosen for the notice is published;
    ``explanation_published``: the drafting explanation has a published version;
    ``window_running``: another window of the decision is announced and not yet closed.
    """
    out: list[RuleViolation] = []
    if not participation_in_progress:
        # PROC-16a: open comment is a way of hearing the public within the public
        # participation step; it opens while that step is in progress
        out.append(
            RuleViolation(
                "PROC-16a",
                N_("Open comment is opened while the public participation step is in progress."),
                field="opens_on",
            )
        )
    if not draft_published:
        # PROC-17a / PART-7b: the notice publishes the draft
        out.append(
            RuleViolation(
                "PROC-17a",
                N_("Choose a published version of the draft for the notice."),
                field="draft_version",
            )
        )
    if not explanation_published:
        # PROC-17a / PART-7b: and the draft's explanation (起草说明)
        out.append(
            RuleViolation(
                "PROC-17a",
                N_("Publish the drafting explanation before opening the comment window."),
                field="draft_version",
            )
        )
    if opens_on < today:
        # PROC-17b: the period runs from the publication of the notice; it is never backdated
        out.append(
            RuleViolation(
                "PROC-17b",
                N_("The comment period starts when the notice is published: today or later."),
                field="opens_on",
            )
        )
    if window_running:
        out.append(
            RuleViolation(
                "",
                N_("A comment window is already announced; change or extend that one."),
                field="opens_on",
            )
        )
    return out


def window_change_violations(
    *,
    opened: bool,
    closed: bool,
    opens_on: date,
    new_opens_on: date,
    closes_on: date,
    new_closes_on: date,
    shortened_reason: str,
    new_shortened_reason: str,
) -> list[RuleViolation]:
    """What may change in a window that has opened (by anyone, correction or not): the start
    and the reason for a short period are fixed with the announcement (PROC-17b/17c), the end
    only moves later (an extension), and nothing moves once the window has closed."""
    if not opened:
        return []
    out: list[RuleViolation] = []
    if closed and new_closes_on != closes_on:
        # PROC-17b: a closed period is over; a new round is a new notice
        out.append(
            RuleViolation(
                "PROC-17b",
                N_("The comment window has closed; its period can no longer change."),
                field="closes_on",
            )
        )
    elif new_closes_on < closes_on:
        # PROC-17b / PROC-17c: shortening a running period would cut it below what was
        # announced, with a reason given afterwards
        out.append(
            RuleViolation(
                "PROC-17b",
                N_(
                    "An open comment window can be extended but not shortened: it closes on "
                    "%(last_day)s at the earliest."
                ),
                field="closes_on",
                last_day=closes_on.isoformat(),
            )
        )
    if new_opens_on != opens_on:
        # PROC-17b: the period is counted from the publication of the notice
        out.append(
            RuleViolation(
                "PROC-17b",
                N_("The comment window has opened; its start cannot move."),
                field="opens_on",
            )
        )
    if new_shortened_reason.strip() != shortened_reason.strip():
        # PROC-17c: the reason for a shorter period is explained in the notice itself
        out.append(
            RuleViolation(
                "PROC-17c",
                N_(
                    "The reason for a shorter period is given when the consultation is "
                    "announced; it cannot be added or changed once the window has opened."
                ),
                field="shortened_reason",
            )
        )
    return out
