"""The decision item (重大行政决策事项) and its procedure record."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.org import Department, Government
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.enums import InitiateDecision, ReviewResult, ScopeExclusion
from portal.rules.stages import Category, Stage, Step, StepStatus

# PROC-12a: further undertaking units besides the main one (a lead unit is then required).
decision_units = sa.Table(
    "decision_units",
    db.metadata,
    sa.Column("decision_id", sa.ForeignKey("decisions.id"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id"), primary_key=True),
)


class DecisionSource(StrEnum):
    """PROC-11b: where a decision item was proposed."""

    CATALOG = "catalog"  # listed in the annual catalog
    GOVERNMENT_HEAD = "government_head"  # proposed by the government's leadership
    DEPARTMENT = "department"  # proposed by a department or a lower government
    NPC_CPPCC = "npc_cppcc"  # NPC deputies' suggestions, CPPCC members' proposals
    PUBLIC = "public"  # written suggestions from citizens and organisations


class Decision(db.Model):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[Category] = mapped_column(StrEnumType(Category, 40))
    source: Mapped[DecisionSource] = mapped_column(
        StrEnumType(DecisionSource, 30), default=DecisionSource.CATALOG
    )
    undertaking_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    lead_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    executing_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    stage: Mapped[Stage] = mapped_column(StrEnumType(Stage, 30), index=True)
    # 依法不予公开 (rules.md section 0, A7): never shown publicly; all internal gates still apply.
    non_disclosable: Mapped[bool] = mapped_column(default=False)
    non_disclosable_basis: Mapped[str] = mapped_column(sa.Text, default="")
    is_complex: Mapped[bool] = mapped_column(default=False)  # EXP-13c, A20
    high_public_concern: Mapped[bool] = mapped_column(default=False)  # PROC-37b, A32
    public_feedback_contact: Mapped[str] = mapped_column(sa.String(200), default="")  # PROC-42b
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # PROC-38a, A33
    # Initiation (PROC-3b, PROC-11, A42).
    initiate_decision: Mapped[InitiateDecision | None] = mapped_column(
        StrEnumType(InitiateDecision, 20)
    )
    initiated_on: Mapped[date | None] = mapped_column(sa.Date)
    initiation_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    scope_exclusion: Mapped[ScopeExclusion | None] = mapped_column(StrEnumType(ScopeExclusion, 30))
    out_of_scope_confirmed: Mapped[bool] = mapped_column(default=False)
    # Flags that switch conditional rules on (PART-5b, PART-14a, PROC-29b/34b, PROC-28e).
    affects_enterprise_operations: Mapped[bool] = mapped_column(default=False)
    affects_specific_group: Mapped[bool] = mapped_column(default=False)
    specific_group_heard: Mapped[bool] = mapped_column(default=False)
    affects_market_entities: Mapped[bool] = mapped_column(default=False)
    fair_competition_review_done: Mapped[bool] = mapped_column(default=False)
    is_exploratory_reform: Mapped[bool] = mapped_column(default=False)
    # PROC-28a: the unit's preliminary legality review and its collective discussion.
    internal_legal_review_on: Mapped[date | None] = mapped_column(sa.Date)
    internal_legal_review_opinion: Mapped[str] = mapped_column(sa.Text, default="")
    internal_discussion_on: Mapped[date | None] = mapped_column(sa.Date)
    internal_discussion_minutes: Mapped[str] = mapped_column(sa.Text, default="")
    internal_legal_review_result: Mapped[ReviewResult | None] = mapped_column(
        StrEnumType(ReviewResult, 20)
    )
    internal_discussion_result: Mapped[ReviewResult | None] = mapped_column(
        StrEnumType(ReviewResult, 20)
    )
    # PROC-8a: a matter reported to the People's Congress standing committee before issuance
    npc_report_required: Mapped[bool] = mapped_column(default=False)
    npc_reported_on: Mapped[date | None] = mapped_column(sa.Date)
    npc_report_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    # PROC-45c / A24: the decision whose major adjustment this procedure instance is
    adjusts_decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    # Publication and filing (PROC-37, PROC-38, A41) and archive (PROC-39).
    publication_channels: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    # PROC-37a: the document number (文号) the decision was issued under, e.g. 赤政发〔2026〕12号
    document_number: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    filed_on: Mapped[date | None] = mapped_column(sa.Date)
    filing_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    execution_completed_on: Mapped[date | None] = mapped_column(sa.Date)  # PROC-40b

    government: Mapped[Government] = relationship()
    undertaking_unit: Mapped[Department | None] = relationship(foreign_keys=[undertaking_unit_id])
    lead_unit: Mapped[Department | None] = relationship(foreign_keys=[lead_unit_id])
    executing_unit: Mapped[Department | None] = relationship(foreign_keys=[executing_unit_id])
    co_units: Mapped[list[Department]] = relationship(secondary=decision_units)
    steps: Mapped[list[ProcedureStep]] = relationship(
        back_populates="decision",
        cascade="all, delete-orphan",
        order_by="(ProcedureStep.started_at, ProcedureStep.id)",
    )

    @property
    def is_public(self) -> bool:
        return not self.non_disclosable

    @property
    def undertaking_units(self) -> list[Department]:
        units = [self.undertaking_unit] if self.undertaking_unit else []
        return units + [u for u in self.co_units if u not in units]

    @property
    def social_stability_not_required(self) -> bool:
        """A17 / RISK-5a: the gate-switching flag kept on the risk assessment; set only by a
        request the government office confirms (``portal.services.corrections``)."""
        from sqlalchemy.orm import object_session

        from portal.models.risk import RiskAssessment

        session = object_session(self)
        if session is None or self.id is None:
            return False
        required = session.scalar(
            sa.select(RiskAssessment.social_stability_required).where(
                RiskAssessment.decision_id == self.id
            )
        )
        return required is False

    def step(self, step: Step) -> ProcedureStep | None:
        rows = [s for s in self.steps if s.step == step]
        return rows[-1] if rows else None

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.stage}>"


class ProcedureStep(db.Model):
    """One step of the procedure record: when it started, when it ended, how.

    A step can run more than once (``round``) when a meeting sends the draft back
    (修改后再次讨论, PROC-35c / A11).
    """

    __tablename__ = "procedure_steps"
    __table_args__ = (sa.UniqueConstraint("decision_id", "step", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    step: Mapped[Step] = mapped_column(StrEnumType(Step, 40))
    round: Mapped[int] = mapped_column(default=1)
    status: Mapped[StepStatus] = mapped_column(
        StrEnumType(StepStatus, 30), default=StepStatus.IN_PROGRESS
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    # Mandatory for waived_with_explanation (PROC-29a(4)) and for overrides (rules.md A4).
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decision: Mapped[Decision] = relationship(back_populates="steps")

    def __repr__(self) -> str:
        return f"<ProcedureStep {self.decision_id}/{self.step}#{self.round} {self.status}>"
