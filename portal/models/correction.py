"""Corrections of locked records and requests to change a gate-switching flag.

A ``Correction`` is the new version of an issued record: which fields changed from what to
what, why, by whom and when (PROC-39a, A38). The record itself holds the corrected values; the
correction rows keep every earlier value, in order, next to it. ``public`` corrections (of a
record shown on the dossier, for a disclosable decision) are listed on the dossier.

A ``FlagRequest`` is the undertaking unit's request to set or clear a flag that switches rules
on or off (non-disclosure with its legal basis, market entities, public concern, exploratory
reform, ...); the government office confirms or rejects it (A7, A17, A42). Only a confirmed
request changes the decision.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import StrEnumType, UTCDateTime
from portal.rules.locks import RecordGroup


class Correction(db.Model):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    group: Mapped[RecordGroup] = mapped_column(StrEnumType(RecordGroup, 40))
    record_type: Mapped[str] = mapped_column(sa.String(60))  # table name
    record_id: Mapped[int] = mapped_column()
    changes: Mapped[dict] = mapped_column(sa.JSON)  # {field: [before, after]}, plain values
    reason: Mapped[str] = mapped_column(sa.Text)
    public: Mapped[bool] = mapped_column(default=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FlagRequestStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class FlagRequest(db.Model):
    __tablename__ = "flag_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    flag: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[bool] = mapped_column()
    basis: Mapped[str] = mapped_column(sa.Text, default="")  # legal basis (non-disclosure, A7)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[FlagRequestStatus] = mapped_column(
        StrEnumType(FlagRequestStatus, 20), default=FlagRequestStatus.PENDING
    )
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
