"""Expert review of a decision (PROC-21..24, EXP-13..16); its pool members come from the expert
pool's selection (``portal.models.expert_pool``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import StrEnumType
from portal.rules.enums import AdoptionStatus, ExpertReviewMethod, OpinionForm

if TYPE_CHECKING:
    from portal.models.expert_pool import Expert

# EXP-16a: the seven parts of the expert consultation report.
EXPERT_REPORT_PARTS = (
    "necessity_feasibility_soundness",
    "socioeconomic_benefits",
    "execution_conditions",
    "potential_risks",
    "countermeasures",
    "implementability_and_revision_advice",
    "other_factors",
)


class ExpertReview(db.Model):
    __tablename__ = "expert_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), unique=True)
    method: Mapped[ExpertReviewMethod | None] = mapped_column(StrEnumType(ExpertReviewMethod, 30))
    review_on: Mapped[date | None] = mapped_column(sa.Date)
    professional_technical: Mapped[bool] = mapped_column(default=False)  # EXP-2a
    complexity_reason: Mapped[str] = mapped_column(sa.Text, default="")  # A20
    count_override_reason: Mapped[str] = mapped_column(sa.Text, default="")  # A4
    necessity_feasibility_soundness: Mapped[str] = mapped_column(sa.Text, default="")
    socioeconomic_benefits: Mapped[str] = mapped_column(sa.Text, default="")
    execution_conditions: Mapped[str] = mapped_column(sa.Text, default="")
    potential_risks: Mapped[str] = mapped_column(sa.Text, default="")
    countermeasures: Mapped[str] = mapped_column(sa.Text, default="")
    implementability_and_revision_advice: Mapped[str] = mapped_column(sa.Text, default="")
    other_factors: Mapped[str] = mapped_column(sa.Text, default="")

    experts: Mapped[list[ExpertAssignment]] = relationship(
        back_populates="review", order_by="ExpertAssignment.id", cascade="all, delete-orphan"
    )

    @property
    def report_done(self) -> bool:
        return all(getattr(self, part).strip() for part in EXPERT_REPORT_PARTS)

    @property
    def active_experts(self) -> list[ExpertAssignment]:
        return [e for e in self.experts if not e.recused]


class ExpertAssignment(db.Model):
    """One expert or institution consulted; recused ones stay on record (PROC-22a)."""

    __tablename__ = "expert_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("expert_reviews.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    is_institution: Mapped[bool] = mapped_column(default=False)
    # EXP-13a: a pool member comes only through the pool's selection (``expert_id``); its
    # appointment, term, pledge, dismissal and disqualification are read from the pool record.
    # Otherwise an expert or institution from outside the pool, with the reason (A22).
    expert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    from_pool: Mapped[bool] = mapped_column(default=True)
    external_reason: Mapped[str] = mapped_column(sa.Text, default="")  # A22
    pledge_signed: Mapped[bool] = mapped_column(default=False)  # EXP-10a (outside the pool)
    conflict_declared: Mapped[bool | None] = mapped_column()  # None: no declaration yet
    recused: Mapped[bool] = mapped_column(default=False)  # PROC-22a
    recusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    materials_delivered_on: Mapped[date | None] = mapped_column(sa.Date)  # EXP-14c
    opinion_form: Mapped[OpinionForm | None] = mapped_column(StrEnumType(OpinionForm, 20))
    written_followup: Mapped[bool] = mapped_column(default=False)  # EXP-15a
    signed: Mapped[bool] = mapped_column(default=False)  # PROC-23a
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    adoption: Mapped[AdoptionStatus] = mapped_column(
        StrEnumType(AdoptionStatus, 30), default=AdoptionStatus.PENDING
    )

    review: Mapped[ExpertReview] = relationship(back_populates="experts")
    member: Mapped[Expert | None] = relationship()

    @property
    def outside_pool(self) -> bool:
        """A22: an expert or institution from outside the pool (with the recorded reason)."""
        return self.expert_id is None
