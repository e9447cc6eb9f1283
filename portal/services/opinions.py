"""Citizens' opinions on a draft in open comment: submit one, look it up by receipt code.

``submit_opinion`` flushes and never commits (``portal.transaction.run`` commits once). Input is
normalised (NFKC, then bidi and zero-width characters removed) before any check; the body is
plain text and is always rendered escaped. Contacts are private (A39).

An opinion received offline (a letter, a 12345 hotline call, a participation contact point, a
meeting: PART-6b/6c) is entered by staff through the same service (``offline=``): it gets a
receipt code for the citizen, is counted, moderated, published and answered like an online one,
and shows its channel. It may be entered after the comment period closed only if it was received
within it (PROC-17b); the day it was received is never in the future.

The enums of the opinion register are re-exported here for the view modules (which do not import
the rules modules): ``OpinionStatus``, ``WithholdReason``, ``OpinionChannel``, ``AdoptionStatus``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.rules.consultation import (
    OFFLINE_CHANNELS,
    OpinionChannel,
    OpinionStatus,
    WithholdReason,
    check_opinion_window,
    offline_receipt_violations,
)
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.privacy import normalise
from portal.rules.workdays import local_date
from portal.services import audit
from portal.services import decisions as decision_service

__all__ = [
    "OFFLINE_CHANNELS",
    "AdoptionStatus",
    "OfflineReceipt",
    "OpinionChannel",
    "OpinionInput",
    "OpinionStatus",
    "WithholdReason",
    "consultation_refusal",
    "lookup_opinion",
    "submit_opinion",
]

# Receipt codes: no 0/O, 1/I/L, so they can be read out over the telephone.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12
PRIVACY_NOTICE_VERSION = "2026-11"
BODY_MIN, BODY_MAX = 5, 5000
NAME_MAX, CLAUSE_MAX = 60, 100
IDEMPOTENCY_KEY_MAX = 100
DUPLICATE_WINDOW = timedelta(hours=24)

# Bidi controls (U+202A-202E, U+2066-2069, U+200E/200F, U+061C), zero-width characters
# (U+200B-200D, U+2060, U+FEFF) and the soft hyphen; C0/C1 controls except tab and newline.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
# Mainland mobile (1[3-9] + 9 digits) or landline (area code 0xx/0xxx, 7-8 digits, optional
# extension). ASCII digits only: full-width digits are refused, not converted.
_PHONE = re.compile(
    r"^(?:1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(?:-[0-9]{1,6})?)$", re.ASCII
)


@dataclass(frozen=True)
class OpinionInput:
    body: str
    clause: str = ""
    display_name: str = ""
    publish_name_consent: bool = False
    contact_email: str = ""
    contact_phone: str = ""


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """NFKC first (so full-width markup becomes what it really is; Chinese punctuation is kept,
    see ``portal.rules.privacy.normalise``), then strip invisibles."""
    text = normalise(value or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def clean_phone(value: str | None) -> str:
    """An ASCII phone number or ''; raises a field error when it is not a valid number."""
    raw = _INVISIBLE.sub("", value or "").strip()
    if not raw:
        return ""
    compact = raw.replace(" ", "")
    if compact.startswith("+86"):
        compact = compact[3:]
    if not _PHONE.match(compact):
        raise RuleViolation(
            "",
            N_("Enter a mainland mobile number (11 digits) or a landline with its area code."),
            field="contact_phone",
        )
    return compact


def clean_email(value: str | None) -> str:
    raw = _INVISIBLE.sub("", value or "").strip()
    if not raw:
        return ""
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise RuleViolation(
            "", N_("Enter a valid e-mail address."), field="contact_email"
        ) from None
    if len(result.normalized) > 254:
        raise RuleViolation("", N_("Enter a valid e-mail address."), field="contact_email")
    return result.normalized


def validate_input(data: OpinionInput) -> OpinionInput:
    """Normalise and check lengths and contacts; raise a ``RuleViolation`` naming the field."""
    body = clean_text(data.body, multiline=True)
    if len(body) < BODY_MIN:
        raise RuleViolation("", N_("Write at least %(n)d characters."), field="body", n=BODY_MIN)
    if len(body) > BODY_MAX:
        raise RuleViolation("", N_("Write at most %(n)d characters."), field="body", n=BODY_MAX)
    name = clean_text(data.display_name)
    if len(name) > NAME_MAX:
        raise RuleViolation(
            "", N_("Write at most %(n)d characters."), field="display_name", n=NAME_MAX
        )
    clause = clean_text(data.clause)
    if len(clause) > CLAUSE_MAX:
        raise RuleViolation("", N_("Write at most %(n)d characters."), field="clause", n=CLAUSE_MAX)
    return OpinionInput(
        body=body,
        clause=clause,
        display_name=name,
        publish_name_consent=bool(data.publish_name_consent and name),
        contact_email=clean_email(data.contact_email),
        contact_phone=clean_phone(data.contact_phone),
    )


def new_receipt_code(length: int = RECEIPT_LENGTH) -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(length))


def unique_code(column, length: int = RECEIPT_LENGTH) -> str:
    """A fresh code not yet in ``column`` (31^12 receipt codes: a retry practically never
    happens; shorter public codes may need one)."""
    while True:
        code = new_receipt_code(length)
        if not db.session.scalar(sa.select(column).where(column == code).limit(1)):
            return code


def normalise_receipt_code(value: str | None) -> str:
    """Upper case, spaces and dashes removed; '' when it cannot be a receipt code."""
    code = unicodedata.normalize("NFKC", value or "").upper().replace("-", "").replace(" ", "")
    if len(code) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        return ""
    return code


def _content_hash(decision_id: int, data: OpinionInput, channel: OpinionChannel) -> str:
    parts = [str(decision_id), data.body, data.contact_email.lower(), data.contact_phone]
    if channel is not OpinionChannel.ONLINE:
        parts.insert(0, channel.value)  # an offline opinion never replays an online one
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _ip_hash(ip: str) -> str:
    if not ip:
        return ""
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, ip.encode(), hashlib.sha256).hexdigest()


def opinion_by_idempotency_key(key: str) -> Opinion | None:
    return db.session.scalar(sa.select(Opinion).where(Opinion.idempotency_key == key))


@dataclass(frozen=True)
class OfflineReceipt:
    """An opinion received outside the portal: how, and on which (local) day."""

    channel: OpinionChannel | str
    received_on: date | None


def consultation_refusal(decision: Decision, now: datetime) -> RuleViolation | None:
    """Why the portal's opinion form is closed now (PROC-16a, PROC-17b), or None when open."""
    consultation = decision_service.current_consultation(decision)
    try:
        check_opinion_window(
            non_disclosable=decision.non_disclosable,
            opens_at=consultation.opens_at if consultation else None,
            closes_at=consultation.closes_at if consultation else None,
            now=now,
        )
    except RuleViolation as refused:
        return refused
    return None


def consultation_days(consultation) -> tuple[date | None, date | None]:
    """The first and last local day of the comment period (both included)."""
    if consultation is None:
        return None, None
    return (
        local_date(consultation.opens_at),
        local_date(consultation.closes_at - timedelta(microseconds=1)),
    )


def _offline_received_at(decision: Decision, consultation, offline: OfflineReceipt, now):
    """(channel, the moment the opinion counts as received) or a refusal (PROC-17b)."""
    from portal.services import adoption

    try:
        channel = OpinionChannel(offline.channel)
    except ValueError:
        channel = None
    problems = []
    if channel is None or channel is OpinionChannel.ONLINE:
        problems.append(
            RuleViolation("", N_("Choose how the opinion was received."), field="channel")
        )
    first_day, last_day = consultation_days(consultation)
    report = adoption.report_of(decision)
    problems += offline_receipt_violations(
        non_disclosable=decision.non_disclosable,
        first_day=first_day,
        last_day=last_day,
        received_on=offline.received_on,
        today=local_date(now),
        report_published=report is not None and report.published_at is not None,
    )
    refuse(problems)
    # It counts as received within the period: at the end of its day (or now, today), never
    # outside the window the statistics and the report count in.
    from portal.services.records import local_midnight

    end_of_day = local_midnight(offline.received_on + timedelta(days=1)) - timedelta(seconds=1)
    received_at = min(end_of_day, now, consultation.closes_at - timedelta(seconds=1))
    return channel, max(received_at, consultation.opens_at)


def submit_opinion(
    decision: Decision,
    data: OpinionInput,
    *,
    now: datetime,
    idempotency_key: str | None = None,
    ip: str = "",
    offline: OfflineReceipt | None = None,
    actor=None,
) -> Opinion:
    """Receive an opinion while the consultation is open; return the (first) opinion.

    A repeated ``idempotency_key``, or an identical online submission (same decision, normalised
    body and contact) within 24 hours, returns the opinion first received.

    ``offline`` (with the staff ``actor`` who enters it): an opinion received by letter, the
    12345 hotline, a contact point or at a meeting, entered by staff. It is counted in the
    consultation only if it was received within the comment period (PROC-17b): entered late
    is fine, received late is not. Each one entered is a distinct opinion (identical letters
    from different people are not merged; a resubmitted form is, by its idempotency key).
    """
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if len(key) > IDEMPOTENCY_KEY_MAX or not key.isascii() or not key.isprintable():
            raise RuleViolation(
                "", N_("The idempotency key is not valid."), field="idempotency_key"
            )
        first = opinion_by_idempotency_key(key)
        if first is not None:
            return first
    consultation = decision_service.current_consultation(decision)
    if offline is None:
        check_opinion_window(
            non_disclosable=decision.non_disclosable,
            opens_at=consultation.opens_at if consultation else None,
            closes_at=consultation.closes_at if consultation else None,
            now=now,
        )
        channel, received_at = OpinionChannel.ONLINE, now
    else:
        channel, received_at = _offline_received_at(decision, consultation, offline, now)
    clean = validate_input(data)
    content_hash = _content_hash(decision.id, clean, channel)
    if offline is None:
        # The 24-hour duplicate rule applies with or without a key: a new form view (new
        # token) or a client that makes a new key for the same text still gets the first
        # receipt.
        first = db.session.scalar(
            sa.select(Opinion)
            .where(
                Opinion.content_hash == content_hash,
                Opinion.submitted_at > now - DUPLICATE_WINDOW,
            )
            .order_by(Opinion.id)
            .limit(1)
        )
        if first is not None:
            return first
    from portal.services import moderation

    code = unique_code(Opinion.receipt_code)
    opinion = Opinion(
        decision_id=decision.id,
        consultation_id=consultation.id,
        receipt_code=code,
        body=clean.body,
        clause=clean.clause,
        display_name=clean.display_name,
        publish_name_consent=clean.publish_name_consent,
        consent_version=PRIVACY_NOTICE_VERSION,
        consented_at=now,
        contact_email=clean.contact_email,
        contact_phone=clean.contact_phone,
        submitted_at=received_at,
        idempotency_key=key,
        content_hash=content_hash,
        ip_hash=_ip_hash(ip) if offline is None else "",
        channel=channel,
        entered_at=now if offline is not None else None,
        entered_by_id=getattr(actor, "id", None) if offline is not None else None,
        language=_submitter_language() if offline is None else "zh_CN",
    )
    moderation.assign_group(opinion)  # campaign grouping, once, on submission
    db.session.add(opinion)
    db.session.flush()
    if offline is not None:
        audit.record(
            "opinion.enter_offline",
            actor=actor,
            now=now,
            obj=decision,
            after={
                "record": f"opinions:{opinion.id}",
                "channel": channel.value,
                "received_on": offline.received_on.isoformat(),
                "status": OpinionStatus.RECEIVED.value,
            },
            ip=ip,
        )
    if clean.contact_email:
        from portal.services import notifications

        notifications.opinion_received(opinion, now=now)  # the receipt, with an absolute link
    return opinion


def _submitter_language() -> str:
    """The language the submitter used (zh_CN or en): their e-mails are written in it."""
    from portal.services import notifications

    return notifications.current_language()


def lookup_opinion(receipt_code: str | None) -> Opinion | None:
    """The one opinion with this receipt code, or None."""
    code = normalise_receipt_code(receipt_code)
    if not code:
        return None
    return db.session.scalar(sa.select(Opinion).where(Opinion.receipt_code == code))


# -- retention of contact details (security.md; PIPL art. 19) ------------------------------------

# The procedure of an opinion has ended once its decision is published or ended without one.
PROCEDURE_ENDED = (
    "published",
    "implementation",
    "post_evaluation",
    "closed",
    "rejected",
    "terminated",
)


def purge_opinion_contacts(
    *, now: datetime, retention_days: int, actor="system", dry_run: bool = False
) -> int:
    """Delete the contact details of opinions whose procedure has ended and whose consultation
    closed more than ``retention_days`` ago; the text stays, under its pseudonym (the opinion
    number), and a name stays only where its author consented to its publication. One audit
    row per decision. Returns how many opinions were (with ``dry_run``: would be) purged.
    Flushes; the caller commits. Run by ``flask portal purge-contacts``."""
    from portal.models.consultation import Consultation
    from portal.services import audit

    cutoff = now - timedelta(days=retention_days)
    closed_long_ago = (
        sa.select(Consultation.decision_id)
        .group_by(Consultation.decision_id)
        .having(sa.func.max(Consultation.closes_at) <= cutoff)
    )
    rows = db.session.scalars(
        sa.select(Opinion)
        .join(Decision, Decision.id == Opinion.decision_id)
        .where(
            Opinion.contacts_purged_at.is_(None),
            Decision.stage.in_(PROCEDURE_ENDED),
            Opinion.decision_id.in_(closed_long_ago),
        )
        .order_by(Opinion.decision_id, Opinion.id)
    ).all()
    if dry_run:
        return len(rows)
    per_decision: dict[int, list[int]] = {}
    for opinion in rows:
        opinion.contact_email = ""
        opinion.contact_phone = ""
        opinion.ip_hash = ""
        if not opinion.publish_name_consent:
            opinion.display_name = ""
        opinion.contacts_purged_at = now
        per_decision.setdefault(opinion.decision_id, []).append(opinion.id)
    db.session.flush()
    for decision_id, ids in per_decision.items():
        audit.record(
            "opinion.purge_contacts",
            actor=actor,
            now=now,
            obj=db.session.get(Decision, decision_id),
            details={"opinions": len(ids), "retention_days": retention_days},
        )
    return len(rows)


def purge_contacts(*, now: datetime, days: int, actor="system", dry_run: bool = False) -> int:
    """The ``flask portal purge-contacts`` entry point (``portal.cli_privacy.PURGES``)."""
    return purge_opinion_contacts(now=now, retention_days=days, actor=actor, dry_run=dry_run)


# -- what the submitter sees: every step of their opinion (issue 12) -----------------------------


@dataclass(frozen=True)
class HistoryItem:
    """One dated step of an opinion or a registration, as its owner's status page lists it."""

    kind: str  # received, published, withheld, answered, report, ...
    at: datetime
    detail: str = ""


def opinion_history(opinion: Opinion) -> list[HistoryItem]:
    """Received, published or withheld (with the reason code), answered, the adoption report
    published: each with its date, oldest first."""
    from portal.services import adoption

    items = [HistoryItem("received", opinion.submitted_at, opinion.channel.value)]
    if opinion.status is OpinionStatus.PUBLISHED and opinion.moderated_at:
        items.append(HistoryItem("published", opinion.moderated_at))
    elif opinion.status is OpinionStatus.WITHHELD and opinion.moderated_at:
        reason = opinion.withheld_reason.value if opinion.withheld_reason else ""
        items.append(HistoryItem("withheld", opinion.moderated_at, reason))
    if opinion.answered_at and opinion.adoption is not AdoptionStatus.PENDING:
        items.append(HistoryItem("answered", opinion.answered_at, opinion.adoption.value))
    report = adoption.published_report(opinion.decision)
    if report is not None and report.published_at:
        items.append(HistoryItem("report", report.published_at))
    return sorted(items, key=lambda i: i.at)
