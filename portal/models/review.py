"""Legality review by the government's legality review office (PROC-28..33)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import StrEnumType
from portal.rules.enums import (
    AdoptionStatus,
    LegalAdviserRole,
    LegalityOpinionKind,
    LegalityOutcome,
)


class LegalityReview(db.Model):
    """One submission for review; a return (退回) ends it and a resubmission is a new round."""

    __tablename__ = "legality_reviews"
    __table_args__ = (sa.UniqueConstraint("decision_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    materials: Mapped[list] = mapped_column(sa.JSON, default=list)  # LegalityMaterial values
    returned: Mapped[bool] = mapped_column(default=False)  # PROC-29c 退回
    returned_reason: Mapped[str] = mapped_column(sa.Text, default="")
    returned_on: Mapped[date | None] = mapped_column(sa.Date)  # A13: ends the round
    opinion_kind: Mapped[LegalityOpinionKind | None] = mapped_column(
        StrEnumType(LegalityOpinionKind, 30)
    )
    opinion_issued_on: Mapped[date | None] = mapped_column(sa.Date)
    outcome: Mapped[LegalityOutcome | None] = mapped_column(StrEnumType(LegalityOutcome, 40))
    opinion_text: Mapped[str] = mapped_column(sa.Text, default="")
    legal_risk_statement: Mapped[str] = mapped_column(sa.Text, default="")  # PROC-28e
    reviewed_draft_version: Mapped[int | None] = mapped_column()  # A11
    no_substantive_change_confirmed: Mapped[bool] = mapped_column(default=False)  # A11
    meeting_override_reason: Mapped[str] = mapped_column(sa.Text, default="")  # PROC-31a, A12
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    pauses: Mapped[list[LegalityPause]] = relationship(
        back_populates="review", order_by="LegalityPause.id", cascade="all, delete-orphan"
    )
    adviser_opinions: Mapped[list[LegalAdviserOpinion]] = relationship(
        back_populates="review", order_by="LegalAdviserOpinion.id", cascade="all, delete-orphan"
    )
    points: Mapped[list[LegalityOpinionPoint]] = relationship(
        back_populates="review", order_by="LegalityOpinionPoint.id", cascade="all, delete-orphan"
    )


class LegalityPause(db.Model):
    """PROC-29c 限期补送: the review clock stops from the request until the supplement arrives."""

    __tablename__ = "legality_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("legality_reviews.id"), index=True)
    requested_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    what: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[LegalityReview] = relationship(back_populates="pauses")


class LegalAdviserOpinion(db.Model):
    """PROC-30a / A15: a legal adviser's or public lawyer's opinion."""

    __tablename__ = "legal_adviser_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("legality_reviews.id"), index=True)
    role: Mapped[LegalAdviserRole] = mapped_column(StrEnumType(LegalAdviserRole, 20))
    name: Mapped[str] = mapped_column(sa.String(100))
    given_on: Mapped[date] = mapped_column(sa.Date)
    opinion: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[LegalityReview] = relationship(back_populates="adviser_opinions")


class LegalityOpinionPoint(db.Model):
    """PROC-33b: one point of the opinion, how the unit handled it, and why if not adopted."""

    __tablename__ = "legality_opinion_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("legality_reviews.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    adoption: Mapped[AdoptionStatus] = mapped_column(
        StrEnumType(AdoptionStatus, 30), default=AdoptionStatus.PENDING
    )
    explanation: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[LegalityReview] = relationship(back_populates="points")
