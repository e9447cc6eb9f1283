"""Follow a decision by e-mail without an account (issue 12): double opt-in, one-click
unsubscribe, no enumeration.

- ``request_follow`` answers the same way whether or not the address already follows: a new
  address gets a confirmation e-mail; an unconfirmed one gets it again (at most every
  ``RESEND_AFTER``); a confirmed one gets nothing (the page says "if this address is not yet
  following, we sent a link").
- ``confirm_follow`` (from the link in that e-mail, a page with a POST button) makes it active.
- ``unsubscribe`` (``portal.services.notifications`` tokens) deletes the follow at once, so
  the address is gone; the same token also stops e-mails about an opinion or a registration.
- ``purge_contacts`` deletes unconfirmed follows after ``FOLLOW_CONFIRM_DAYS`` (default 7) and
  every follow of a decision that ended (closed, not approved, terminated) more than the
  retention period ago (``flask portal purge-contacts``).

Every change is audited without the address (the audit log keeps no e-mail addresses).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.follow import DecisionFollow
from portal.models.hearing import HearingRegistration
from portal.models.opinion import Opinion
from portal.rules.errors import N_, RuleViolation
from portal.services import audit, notifications
from portal.services.opinions import PRIVACY_NOTICE_VERSION, clean_email

RESEND_AFTER = timedelta(minutes=10)
CONFIRM_MAX_AGE = timedelta(days=7)
_CONFIRM_SALT = "portal-follow-confirm"
ENDED_STAGES = ("closed", "rejected", "terminated")


def email_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT)


def confirm_token(follow: DecisionFollow) -> str:
    return _serializer().dumps([follow.id, follow.nonce])


def follow_of_confirm_token(token: str | None) -> DecisionFollow | None:
    """The follow a confirmation link names (valid for ``CONFIRM_MAX_AGE``), or None."""
    try:
        data = _serializer().loads(token or "", max_age=int(CONFIRM_MAX_AGE.total_seconds()))
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], int):
        return None
    follow = db.session.get(DecisionFollow, data[0])
    return follow if follow is not None and follow.nonce == data[1] else None


def request_follow(
    decision: Decision, email: str, *, now: datetime, language: str | None = None
) -> None:
    """Ask to follow ``decision`` at ``email``. Returns nothing: the caller's answer must not
    tell whether the address already follows. Raises ``RuleViolation`` for a bad address."""
    address = clean_email(email)
    if not address:
        raise RuleViolation("", N_("Enter your e-mail address."), field="email")
    if decision.non_disclosable:
        raise RuleViolation("", N_("This decision cannot be followed."), field="email")
    key = email_hash(address)
    follow = db.session.scalar(
        sa.select(DecisionFollow).where(
            DecisionFollow.decision_id == decision.id, DecisionFollow.email_hash == key
        )
    )
    if follow is not None and follow.confirmed_at is not None:
        return  # already following: nothing is sent, the page says the same
    if follow is not None:
        sent = follow.confirmation_sent_at
        if sent is not None and now - sent < RESEND_AFTER:
            return
    else:
        follow = DecisionFollow(
            decision_id=decision.id,
            email=address,
            email_hash=key,
            language=notifications.language_of(language or notifications.current_language()),
            nonce=secrets.token_hex(8),
            requested_at=now,
            consent_version=PRIVACY_NOTICE_VERSION,
        )
        db.session.add(follow)
        db.session.flush()
        audit.record(
            "follow.request",
            actor="public",
            now=now,
            obj=decision,
            after={"record": f"decision_follows:{follow.id}"},
        )
    follow.confirmation_sent_at = now
    db.session.flush()
    notifications.follow_confirmation(follow, now=now, token=confirm_token(follow))


def confirm_follow(follow: DecisionFollow, *, now: datetime) -> DecisionFollow:
    """Make the follow active (the POST of the confirmation page). Confirming twice is fine."""
    if follow.confirmed_at is None:
        follow.confirmed_at = now
        db.session.flush()
        audit.record(
            "follow.confirm",
            actor="public",
            now=now,
            obj=follow.decision,
            after={"record": f"decision_follows:{follow.id}"},
        )
    return follow


def unsubscribe(record, *, now: datetime) -> str:
    """Stop the e-mails a token's record receives; returns what it was ('follow', 'opinion' or
    'registration'). A follow is deleted; an opinion or a registration keeps its record and
    stops e-mails (``mail_opt_out_at``). Doing it twice changes nothing."""
    if isinstance(record, DecisionFollow):
        decision = record.decision
        ident = record.id
        db.session.delete(record)
        db.session.flush()
        audit.record(
            "follow.unsubscribe",
            actor="public",
            now=now,
            obj=decision,
            before={"record": f"decision_follows:{ident}"},
        )
        return "follow"
    if isinstance(record, Opinion | HearingRegistration):
        kind = "opinion" if isinstance(record, Opinion) else "registration"
        if record.mail_opt_out_at is None:
            record.mail_opt_out_at = now
            db.session.flush()
            decision = record.decision if isinstance(record, Opinion) else record.hearing.decision
            audit.record(
                f"{kind}.mail_opt_out",
                actor="public",
                now=now,
                obj=decision,
                after={"record": f"{record.__tablename__}:{record.id}"},
            )
        return kind
    raise TypeError(f"cannot unsubscribe {record!r}")


def follower_count(decision: Decision) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DecisionFollow)
            .where(
                DecisionFollow.decision_id == decision.id,
                DecisionFollow.confirmed_at.is_not(None),
            )
        )
        or 0
    )


def purge_contacts(*, now: datetime, days: int, actor="system", dry_run: bool = False) -> int:
    """Delete unconfirmed follows older than ``FOLLOW_CONFIRM_DAYS`` and the follows of
    decisions that ended more than ``days`` ago. Returns how many (would be) deleted."""
    confirm_days = int(current_app.config.get("FOLLOW_CONFIRM_DAYS") or 7)
    ended = sa.select(Decision.id).where(
        Decision.stage.in_(ENDED_STAGES), Decision.stage_changed_at <= now - timedelta(days=days)
    )
    condition = sa.or_(
        sa.and_(
            DecisionFollow.confirmed_at.is_(None),
            DecisionFollow.requested_at <= now - timedelta(days=confirm_days),
        ),
        DecisionFollow.decision_id.in_(ended),
    )
    count = (
        db.session.scalar(sa.select(sa.func.count()).select_from(DecisionFollow).where(condition))
        or 0
    )
    if dry_run or not count:
        return count
    db.session.execute(sa.delete(DecisionFollow).where(condition))
    audit.record(
        "follow.purge",
        actor=actor,
        now=now,
        object_type="decision_follows",
        details={"deleted": count, "confirm_days": confirm_days, "retention_days": days},
    )
    return count
