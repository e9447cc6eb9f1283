"""Admin-editable working-day overrides for years chinesecalendar does not know yet, and the
official's mark that a year's schedule is complete (rules.md A1)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class WorkdayOverride(db.Model):
    __tablename__ = "workday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    is_working_day: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkdayYear(db.Model):
    """A1: a year the library does not cover counts as known only while ``completed_at`` is
    set: an official (calendar permission) declared every holiday and make-up working day of
    the State Council's notice entered. Reopening clears it (with a reason, audited); while a
    year is complete its overrides are locked."""

    __tablename__ = "workday_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    notice_ref: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reopen_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    @property
    def complete(self) -> bool:
        return self.completed_at is not None
