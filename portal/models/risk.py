"""Risk assessment (PROC-25..27, RISK-5..12)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import StrEnumType
from portal.rules.enums import PlacReviewResult, RiskCategory, RiskLevel, RiskRecommendation

# RISK-12a: the five parts of the risk assessment report.
RISK_REPORT_PARTS = (
    "subject_and_process",
    "opinions_and_adoption",
    "risk_points",
    "conclusion",
    "prevention_and_contingency",
)


class RiskAssessment(db.Model):
    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), unique=True)
    assessing_body: Mapped[str] = mapped_column(sa.String(200), default="")  # unit or third party
    plan: Mapped[str] = mapped_column(sa.Text, default="")  # RISK-9a 评估工作方案
    level: Mapped[RiskLevel | None] = mapped_column(StrEnumType(RiskLevel, 10))  # overall, A16
    level_override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    recommendation: Mapped[RiskRecommendation | None] = mapped_column(
        StrEnumType(RiskRecommendation, 40)
    )
    unit_controllable: Mapped[bool | None] = mapped_column()  # RISK-11b
    mitigation_measures: Mapped[str] = mapped_column(sa.Text, default="")
    stakeholder_participants: Mapped[int] = mapped_column(default=0)  # RISK-7a
    department_participants: Mapped[int] = mapped_column(default=0)
    subject_and_process: Mapped[str] = mapped_column(sa.Text, default="")
    opinions_and_adoption: Mapped[str] = mapped_column(sa.Text, default="")
    risk_points: Mapped[str] = mapped_column(sa.Text, default="")
    conclusion: Mapped[str] = mapped_column(sa.Text, default="")
    prevention_and_contingency: Mapped[str] = mapped_column(sa.Text, default="")
    plac_submitted_on: Mapped[date | None] = mapped_column(sa.Date)  # RISK-12b
    plac_filed_on: Mapped[date | None] = mapped_column(sa.Date)
    plac_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    plac_review_result: Mapped[PlacReviewResult | None] = mapped_column(
        StrEnumType(PlacReviewResult, 20)
    )  # RISK-12b: passed (and filed) or returned
    social_stability_required: Mapped[bool] = mapped_column(default=True)  # RISK-5a, A17
    social_stability_not_required_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # RISK-9c: the optional public notice (公示) of the risk investigation, shown on the dossier
    notice_title: Mapped[str] = mapped_column(sa.String(200), default="")
    notice_text: Mapped[str] = mapped_column(sa.Text, default="")
    notice_opens_on: Mapped[date | None] = mapped_column(sa.Date)
    notice_closes_on: Mapped[date | None] = mapped_column(sa.Date)
    notice_contact: Mapped[str] = mapped_column(sa.String(200), default="")

    categories: Mapped[list[RiskCategoryLevel]] = relationship(
        back_populates="assessment", order_by="RiskCategoryLevel.id", cascade="all, delete-orphan"
    )

    @property
    def report_done(self) -> bool:
        return all(getattr(self, part).strip() for part in RISK_REPORT_PARTS)

    @property
    def computed_level(self) -> RiskLevel | None:
        """A16: the highest category level."""
        levels = [c.level for c in self.categories if c.level is not None]
        return max(levels, key=lambda lv: lv.rank) if levels else None

    @property
    def social_stability_done(self) -> bool:
        return any(c.category == RiskCategory.SOCIAL_STABILITY for c in self.categories)


class RiskCategoryLevel(db.Model):
    """RISK-8a / A16: risk points and level per category; A9: covered by an existing one."""

    __tablename__ = "risk_category_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("risk_assessments.id"), index=True)
    category: Mapped[RiskCategory] = mapped_column(StrEnumType(RiskCategory, 30))
    level: Mapped[RiskLevel] = mapped_column(StrEnumType(RiskLevel, 10))
    risk_points: Mapped[str] = mapped_column(sa.Text, default="")
    covered_by_ref: Mapped[str] = mapped_column(sa.String(200), default="")

    assessment: Mapped[RiskAssessment] = relationship(back_populates="categories")
