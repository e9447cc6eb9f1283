"""``flask portal purge-contacts``: delete contact details after the retention period
(security.md: Privacy; PIPL art. 19 - keep personal information no longer than needed).

Every purge function in ``PURGES`` has the signature
``fn(*, now, days, actor, dry_run) -> int`` (how many records it purged, or would purge), is
audited by itself, flushes and never commits; the command commits once at the end, or rolls
everything back on ``--dry-run`` or on an error. To purge another kind of record (opinions),
append ``("opinions", portal.services.<module>.purge_contacts)`` to ``PURGES``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import click
import sqlalchemy as sa

from portal import clock
from portal.cli import portal_cli
from portal.extensions import db
from portal.models.outbox import OutboxMessage
from portal.services import audit
from portal.services import follows as follow_service
from portal.services import hearings as hearing_service
from portal.services import opinions as opinion_service
from portal.services import proposals as proposal_service

DEFAULT_RETENTION_DAYS = 180

PurgeFunction = Callable[..., int]


def retention_days() -> int:
    """``PORTAL_CONTACT_RETENTION_DAYS`` (app config ``CONTACT_RETENTION_DAYS``), default 180."""
    return proposal_service.setting_days("CONTACT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def purge_sent_mail(*, now: datetime, days: int, actor="system", dry_run: bool = False) -> int:
    """Delete e-mails the outbox sent more than ``days`` ago: their payload holds the
    recipient's address and the text (receipts, replies). Pending and failing ones stay."""
    cutoff = now - timedelta(days=days)
    condition = sa.and_(
        OutboxMessage.topic == "mail.send",
        OutboxMessage.processed_at.is_not(None),
        OutboxMessage.processed_at < cutoff,
    )
    count = (
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(condition))
        or 0
    )
    if dry_run or not count:
        return count
    db.session.execute(sa.delete(OutboxMessage).where(condition))
    audit.record(
        "outbox.sent_mail_purge",
        actor=actor,
        now=now,
        object_type="outbox_messages",
        details={"deleted": count, "retention_days": days},
    )
    return count


# (what, function): run in this order by ``flask portal purge-contacts``.
PURGES: list[tuple[str, PurgeFunction]] = [
    ("proposals", proposal_service.purge_contacts),
    ("opinions", opinion_service.purge_contacts),
    ("hearing registrations", hearing_service.purge_contacts),
    ("decision follows", follow_service.purge_contacts),  # issue 12
    ("sent e-mails", purge_sent_mail),
]


def run_purges(
    *, now: datetime, days: int, actor="system", dry_run: bool = False
) -> list[tuple[str, int]]:
    """Run every purge function; returns (what, count) pairs. Flushes, does not commit."""
    return [(name, fn(now=now, days=days, actor=actor, dry_run=dry_run)) for name, fn in PURGES]


@portal_cli.command("purge-contacts")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Retention period in days (default: PORTAL_CONTACT_RETENTION_DAYS, or 180).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge_contacts(days: int | None, dry_run: bool) -> None:
    """Delete contact details kept longer than the retention period after the answer."""
    days = days or retention_days()
    try:
        results = run_purges(now=clock.now(), days=days, actor="cli", dry_run=dry_run)
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would purge" if dry_run else "Purged"
    for name, count in results:
        click.echo(f"{verb} {count} {name} (retention {days} days).")
