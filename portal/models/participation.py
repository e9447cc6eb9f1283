"""Public participation activities other than the open comment window (PROC-16..20, PART)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import StrEnumType
from portal.rules.enums import ParticipationMethod


class ParticipationActivity(db.Model):
    __tablename__ = "participation_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    method: Mapped[ParticipationMethod] = mapped_column(StrEnumType(ParticipationMethod, 30))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    participants: Mapped[int] = mapped_column(default=0)
    # PART-8b / PROC-19c: when the last participant received the materials (None: not yet).
    materials_delivered_on: Mapped[date | None] = mapped_column(sa.Date)
    held: Mapped[bool] = mapped_column(default=False)
    held_publicly: Mapped[bool] = mapped_column(default=True)  # PROC-19d
    record_signed: Mapped[bool] = mapped_column(default=False)  # PART-13b
    report_issued: Mapped[bool] = mapped_column(default=False)  # PART-16a
    third_party: Mapped[str] = mapped_column(sa.String(200), default="")  # PART-10 poll body
    summary: Mapped[str] = mapped_column(sa.Text, default="")
