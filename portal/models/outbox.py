"""The transactional outbox: side effects (index updates, e-mails) written with the change."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_pending", "processed_at", "available_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(40))  # "search.index", "mail.send", ...
    payload: Mapped[str] = mapped_column(sa.Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
