"""Drafting and research (PROC-13..15): drafting mode, research, consultations, disputes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import StrEnumType


class DraftingMode(StrEnum):
    """PROC-13a."""

    SELF = "self"
    ENTRUSTED_EXPERT = "entrusted_expert"
    ENTRUSTED_INSTITUTION = "entrusted_institution"


class DraftingRecord(db.Model):
    __tablename__ = "drafting_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), unique=True)
    mode: Mapped[DraftingMode] = mapped_column(
        StrEnumType(DraftingMode, 30), default=DraftingMode.SELF
    )
    entrusted_party: Mapped[str] = mapped_column(sa.String(200), default="")  # EVAL-7b
    # PROC-14a: the four parts of the research record.
    research_situation: Mapped[str] = mapped_column(sa.Text, default="")
    research_necessity: Mapped[str] = mapped_column(sa.Text, default="")
    research_basis: Mapped[str] = mapped_column(sa.Text, default="")
    research_other: Mapped[str] = mapped_column(sa.Text, default="")
    cost_benefit: Mapped[str] = mapped_column(sa.Text, default="")  # PROC-14b (optional)


class UnitConsultation(db.Model):
    """PROC-15a: a unit or lower government consulted on the draft."""

    __tablename__ = "unit_consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    party: Mapped[str] = mapped_column(sa.String(200))
    consulted_on: Mapped[date] = mapped_column(sa.Date)
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    agreed: Mapped[bool] = mapped_column(default=True)


class Dispute(db.Model):
    """PROC-15b: a disagreement referred to the decision organ for coordination."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    issues: Mapped[str] = mapped_column(sa.Text)
    differing_opinions: Mapped[str] = mapped_column(sa.Text, default="")
    reasons_and_basis: Mapped[str] = mapped_column(sa.Text, default="")
    referred_on: Mapped[date] = mapped_column(sa.Date)
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_on: Mapped[date | None] = mapped_column(sa.Date)
