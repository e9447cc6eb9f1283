"""The append-only, hash-chained audit log.

Each row's ``hash`` is SHA-256 over the previous row's hash and this row's canonical content,
so editing, deleting or reordering any row breaks the chain (``flask portal verify-audit``).
Rows are appended under a lock on the single ``audit_heads`` row so that concurrent writers on
PostgreSQL and MariaDB cannot fork the chain.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime

GENESIS = "0" * 64


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[str] = mapped_column(sa.String(40))
    government_id: Mapped[int | None] = mapped_column(sa.ForeignKey("governments.id"))
    data: Mapped[str] = mapped_column(sa.Text)  # canonical JSON: before / after / details
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class AuditHead(db.Model):
    """One row: the last sequence number and hash. Locked while a row is appended."""

    __tablename__ = "audit_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("audit entries are append-only")
