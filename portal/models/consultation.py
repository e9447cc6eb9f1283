"""The open public-comment window on a draft (公开征求意见, PROC-17, PART-7)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.types import UTCDateTime, utcnow


class Consultation(db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    notice: Mapped[str] = mapped_column(sa.Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # PROC-17c / PART-7d: the published reason when the period is shorter than 30 days.
    shortened_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # PART-7b: channels, methods, contact department and contact details.
    channels: Mapped[str] = mapped_column(sa.Text, default="")  # one channel per line
    contact_department: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_person: Mapped[str] = mapped_column(sa.String(60), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    postal_address: Mapped[str] = mapped_column(sa.String(200), default="")
    draft_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decision: Mapped[Decision] = relationship()
    extensions: Mapped[list[ConsultationExtension]] = relationship(
        back_populates="consultation",
        order_by="(ConsultationExtension.extended_at, ConsultationExtension.id)",
    )

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    @property
    def channel_list(self) -> list[str]:
        return [c.strip() for c in self.channels.splitlines() if c.strip()]

    def __repr__(self) -> str:
        return f"<Consultation {self.id} of decision {self.decision_id}>"


class ConsultationExtension(db.Model):
    """An extension of an open comment window (PROC-17b): the window can be made longer, never
    shorter, and each extension is published on the notice ("延长至…") with its reason."""

    __tablename__ = "consultation_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    previous_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    extended_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    consultation: Mapped[Consultation] = relationship(back_populates="extensions")
