"""Collective deliberation (PROC-34..35, PART-17) and the Party committee report (PROC-36)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import StrEnumType
from portal.rules.enums import MeetingOutcome, MeetingType, PartyReportKind


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (sa.UniqueConstraint("decision_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    meeting_type: Mapped[MeetingType | None] = mapped_column(StrEnumType(MeetingType, 30))
    meeting_on: Mapped[date | None] = mapped_column(sa.Date)
    materials: Mapped[list] = mapped_column(sa.JSON, default=list)  # MeetingMaterial values
    outcome: Mapped[MeetingOutcome | None] = mapped_column(StrEnumType(MeetingOutcome, 30))
    minutes: Mapped[str] = mapped_column(sa.Text, default="")  # PROC-35d
    dissent: Mapped[str] = mapped_column(sa.Text, default="")  # PROC-35d: differing opinions
    risk_controllable: Mapped[bool | None] = mapped_column()  # PROC-27b
    revisions: Mapped[str] = mapped_column(sa.Text, default="")  # A11 (approved in principle)
    related_party_attendance: Mapped[bool] = mapped_column(default=False)  # PART-17a
    related_party_reps: Mapped[int] = mapped_column(default=0)  # PART-17c
    related_party_override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class PartyReport(db.Model):
    """PROC-36a: the request (请示) or report (报告) to the Party committee before issuance."""

    __tablename__ = "party_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    kind: Mapped[PartyReportKind] = mapped_column(StrEnumType(PartyReportKind, 20))
    reported_on: Mapped[date] = mapped_column(sa.Date)
    ref: Mapped[str] = mapped_column(sa.String(100), default="")
