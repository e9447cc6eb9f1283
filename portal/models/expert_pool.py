"""The expert pool (专家库, EXP): groups, members, conflicts, feedback, assessments, and the
selection of experts for one decision, which feeds that decision's expert review
(``portal.models.expert.ExpertAssignment``).

A member's phone, ID number and e-mail are personal data: never public, and shown in full only
to staff who manage the pool (``Permission.EXPERT_PERSONAL_DATA_VIEW``).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.org import Department, Government
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.experts import (
    AssessmentResult,
    DismissalReason,
    FeedbackRating,
    NominationChannel,
    PoolSource,
    SelectionMethod,
    SourceOrgType,
    TitleLevel,
)

expert_group_members = sa.Table(
    "expert_group_members",
    db.metadata,
    sa.Column("expert_id", sa.ForeignKey("experts.id"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("expert_groups.id"), primary_key=True),
)


class ExpertGroup(db.Model):
    """EXP-5a: a group of the pool; the seven seeded ones are never deleted (A21)."""

    __tablename__ = "expert_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")
    seeded: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)

    def display_name(self, locale: str) -> str:
        return self.name if locale.startswith("zh") or not self.name_en else self.name_en


class ExpertPoolSetting(db.Model):
    """EXP-21a: which pool a government selects from (a county: its own, the city's, or both)."""

    __tablename__ = "expert_pool_settings"

    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), primary_key=True)
    source: Mapped[PoolSource] = mapped_column(StrEnumType(PoolSource, 10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Expert(db.Model):
    """One member of a government's pool, from application to dismissal (EXP-6..12)."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[str] = mapped_column(sa.String(100), default="")
    source_org_type: Mapped[SourceOrgType] = mapped_column(StrEnumType(SourceOrgType, 40))
    nomination_channel: Mapped[NominationChannel] = mapped_column(
        StrEnumType(NominationChannel, 40)
    )
    professional_title: Mapped[str] = mapped_column(sa.String(100), default="")  # EXP-7a(4)
    title_level: Mapped[TitleLevel | None] = mapped_column(StrEnumType(TitleLevel, 10))
    influence_justification: Mapped[str] = mapped_column(sa.Text, default="")
    specialty: Mapped[str] = mapped_column(sa.Text, default="")
    qualifications: Mapped[str] = mapped_column(sa.String(300), default="")  # EXP-7a, comma list
    # Personal data (security.md: never public, masked for staff without need)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    id_number: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # EXP-8b appointment, EXP-11a term (from the certificate or the last renewal, A23)
    preliminary_reviewed_on: Mapped[date | None] = mapped_column(sa.Date)
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    approval_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    certificate_no: Mapped[str] = mapped_column(sa.String(60), default="")
    certificate_on: Mapped[date | None] = mapped_column(sa.Date)
    term_start: Mapped[date | None] = mapped_column(sa.Date)
    renewals: Mapped[int] = mapped_column(default=0)
    pledge_signed_on: Mapped[date | None] = mapped_column(sa.Date)  # EXP-10a
    disqualified_on: Mapped[date | None] = mapped_column(sa.Date)  # PROC-49a 取消评估资格
    disqualification_note: Mapped[str] = mapped_column(sa.Text, default="")
    dismissed_on: Mapped[date | None] = mapped_column(sa.Date)  # EXP-12b
    dismissal_reason: Mapped[DismissalReason | None] = mapped_column(
        StrEnumType(DismissalReason, 40)
    )
    dismissal_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    government: Mapped[Government] = relationship()
    groups: Mapped[list[ExpertGroup]] = relationship(
        secondary=expert_group_members, order_by="ExpertGroup.sort_order"
    )
    conflicts: Mapped[list[ExpertConflict]] = relationship(
        back_populates="expert", order_by="ExpertConflict.id", cascade="all, delete-orphan"
    )
    assessments: Mapped[list[ExpertAssessment]] = relationship(
        back_populates="expert", order_by="ExpertAssessment.year", cascade="all, delete-orphan"
    )
    terms: Mapped[list[ExpertTerm]] = relationship(
        back_populates="expert", order_by="ExpertTerm.starts_on", cascade="all, delete-orphan"
    )

    @property
    def disqualified(self) -> bool:
        """PROC-49a: disqualified from demonstration and assessment work."""
        return self.disqualified_on is not None

    @property
    def term_starts(self) -> tuple[date, ...]:
        """EXP-11a / A23: the start of every term (the certificate, then each renewal)."""
        starts = tuple(t.starts_on for t in self.terms)
        if starts:
            return starts
        return tuple(s for s in (self.term_start or self.certificate_on,) if s)

    @property
    def qualification_set(self) -> set[str]:
        return {q for q in self.qualifications.split(",") if q}


class ExpertTerm(db.Model):
    """EXP-11a / A23: one 3-year term of a member, from the certificate or a renewal (EXP-11b).
    A decision's expert review reads the terms at its review date."""

    __tablename__ = "expert_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    certificate_no: Mapped[str] = mapped_column(sa.String(60), default="")
    renewal: Mapped[bool] = mapped_column(default=False)

    expert: Mapped[Expert] = relationship(back_populates="terms")


class ExpertConflict(db.Model):
    """A conflict-of-interest declaration (EXP-10b, PROC-22a): for one decision, or with a
    department (the expert is then excluded from that unit's decisions)."""

    __tablename__ = "expert_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    declared_on: Mapped[date] = mapped_column(sa.Date)

    expert: Mapped[Expert] = relationship(back_populates="conflicts")
    department: Mapped[Department | None] = relationship()


class ExpertFeedback(db.Model):
    """An undertaking unit's view of an expert's work on a decision (EXP-19a)."""

    __tablename__ = "expert_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    rating: Mapped[FeedbackRating] = mapped_column(StrEnumType(FeedbackRating, 20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    given_on: Mapped[date] = mapped_column(sa.Date)
    given_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    department: Mapped[Department] = relationship()


class ExpertAssessment(db.Model):
    """EXP-19a: the office's periodic (annual, A23) assessment; feeds renewal (EXP-11b)."""

    __tablename__ = "expert_assessments"
    __table_args__ = (sa.UniqueConstraint("expert_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    year: Mapped[int]
    result: Mapped[AssessmentResult] = mapped_column(StrEnumType(AssessmentResult, 20))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    expert: Mapped[Expert] = relationship(back_populates="assessments")


class ExpertSelection(db.Model):
    """Experts chosen for one decision: a random draw with its seed and candidate list (so it
    re-runs identically), or a manual choice with its reason (EXP-13)."""

    __tablename__ = "expert_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    method: Mapped[SelectionMethod] = mapped_column(StrEnumType(SelectionMethod, 20))
    group_codes: Mapped[str] = mapped_column(sa.String(400), default="")  # comma list
    count: Mapped[int]
    complex_item: Mapped[bool] = mapped_column(default=False)  # EXP-13c
    seed: Mapped[str] = mapped_column(sa.String(64), default="")
    candidate_ids: Mapped[str] = mapped_column(sa.Text, default="")  # comma list, in order
    excluded: Mapped[str] = mapped_column(sa.Text, default="")  # JSON [[id, rule], ...]
    chosen_ids: Mapped[str] = mapped_column(sa.Text, default="")  # comma list, draw order
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # manual choice (EXP-13a)
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")  # A4
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    picks: Mapped[list[ExpertSelectionPick]] = relationship(
        back_populates="selection", order_by="ExpertSelectionPick.id", cascade="all, delete-orphan"
    )

    @staticmethod
    def ids(text: str) -> list[int]:
        return [int(x) for x in text.split(",") if x.strip()]


class ExpertSelectionPick(db.Model):
    """One chosen member and the expert-review assignment created for them."""

    __tablename__ = "expert_selection_picks"

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(sa.ForeignKey("expert_selections.id"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("expert_assignments.id"))

    selection: Mapped[ExpertSelection] = relationship(back_populates="picks")
    expert: Mapped[Expert] = relationship()
