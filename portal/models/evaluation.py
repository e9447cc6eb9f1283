"""Post-evaluation of a decision (EVAL, PROC-43..45) and the public's feedback on a decision.

``Evaluation`` holds the trigger and deadline (EVAL-5a/6a), the evaluation unit and third-party
agreement (EVAL-7/8), the team and plan (EVAL-12), the public call for input (EVAL-9b), the
report (EVAL-13) and the government's decision (EVAL-14). ``PublicFeedback`` is what the public
sends through the portal (the call for input, or PROC-42b feedback on a decision in
execution): moderated like opinions; contacts and the IP hash are private (A39).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.evaluation import (
    Conclusion,
    EvaluationScope,
    GovDecision,
    TeamRole,
    ThirdPartyType,
)


class Evaluation(db.Model):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    # EVAL-5a / EVAL-6a / A26: trigger(s) (comma list of PostEvalTrigger) and deadline.
    triggers: Mapped[str] = mapped_column(sa.String(200), default="")
    trigger_note: Mapped[str] = mapped_column(sa.Text, default="")
    triggered_on: Mapped[date] = mapped_column(sa.Date)
    evaluation_project: Mapped[str] = mapped_column(sa.String(200), default="")
    selection_factors: Mapped[str] = mapped_column(sa.String(200), default="")
    deadline: Mapped[date] = mapped_column(sa.Date)
    # EVAL-4a / EVAL-7: the evaluation unit, and a third party's qualification.
    evaluation_unit: Mapped[str] = mapped_column(sa.String(200), default="")
    is_third_party: Mapped[bool] = mapped_column(default=False)
    third_party_type: Mapped[ThirdPartyType | None] = mapped_column(StrEnumType(ThirdPartyType, 30))
    qualification: Mapped[str] = mapped_column(sa.Text, default="")
    independence_declared: Mapped[bool] = mapped_column(default=False)
    # EVAL-8a: the entrustment agreement; EVAL-8b: sub-delegation.
    agreement_signed_on: Mapped[date | None] = mapped_column(sa.Date)
    evaluation_content: Mapped[str] = mapped_column(sa.Text, default="")
    quality_requirements: Mapped[str] = mapped_column(sa.Text, default="")
    completion_deadline: Mapped[date | None] = mapped_column(sa.Date)
    evaluation_funding: Mapped[str] = mapped_column(sa.String(100), default="")
    ownership_of_results: Mapped[str] = mapped_column(sa.Text, default="")
    confidentiality_clause: Mapped[str] = mapped_column(sa.Text, default="")
    breach_liability: Mapped[str] = mapped_column(sa.Text, default="")
    subdelegate: Mapped[str] = mapped_column(sa.String(200), default="")
    subcontracting_consent: Mapped[bool] = mapped_column(default=False)
    # EVAL-10a / EVAL-11a.
    scope: Mapped[EvaluationScope | None] = mapped_column(StrEnumType(EvaluationScope, 20))
    scope_parts: Mapped[str] = mapped_column(sa.Text, default="")
    methods: Mapped[str] = mapped_column(sa.String(200), default="")
    # EVAL-12c: the plan.
    plan_purpose: Mapped[str] = mapped_column(sa.Text, default="")
    plan_personnel: Mapped[str] = mapped_column(sa.Text, default="")
    plan_scope: Mapped[str] = mapped_column(sa.Text, default="")
    plan_indicators: Mapped[str] = mapped_column(sa.Text, default="")
    plan_methods: Mapped[str] = mapped_column(sa.Text, default="")
    plan_procedure: Mapped[str] = mapped_column(sa.Text, default="")
    plan_budget: Mapped[str] = mapped_column(sa.Text, default="")
    plan_made_on: Mapped[date | None] = mapped_column(sa.Date)
    investigation_started_on: Mapped[date | None] = mapped_column(sa.Date)
    # PROC-43d / EVAL-9a: participants by type (JSON-free: one count per type).
    npc_deputies: Mapped[int] = mapped_column(default=0)
    cppcc_members: Mapped[int] = mapped_column(default=0)
    peoples_organisations: Mapped[int] = mapped_column(default=0)
    grassroots_organisations: Mapped[int] = mapped_column(default=0)
    social_organisations: Mapped[int] = mapped_column(default=0)
    # EVAL-9b: the public call for input on the dossier.
    call_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    call_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    call_notice: Mapped[str] = mapped_column(sa.Text, default="")
    # EVAL-13b / EVAL-12e: the report.
    process_and_methods: Mapped[str] = mapped_column(sa.Text, default="")
    execution_overview: Mapped[str] = mapped_column(sa.Text, default="")
    stakeholder_public_evaluation: Mapped[str] = mapped_column(sa.Text, default="")
    main_problems_and_causes: Mapped[str] = mapped_column(sa.Text, default="")
    evaluation_result: Mapped[str] = mapped_column(sa.Text, default="")
    conclusion: Mapped[Conclusion | None] = mapped_column(StrEnumType(Conclusion, 30))
    report_submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    # EVAL-14a/b/c: the government's decision and its statutory procedure.
    gov_decision: Mapped[GovDecision | None] = mapped_column(StrEnumType(GovDecision, 20))
    gov_decided_on: Mapped[date | None] = mapped_column(sa.Date)
    collective_decision_ref: Mapped[str] = mapped_column(sa.String(200), default="")
    decided_by_executive_head: Mapped[bool] = mapped_column(default=False)
    follow_up_measures: Mapped[str] = mapped_column(sa.Text, default="")  # EVAL-14c
    change_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision_changes.id"))
    publish_conclusion: Mapped[bool] = mapped_column(default=False)  # A31 (default off)
    # EVAL-12f: declared invalid and redone.
    invalid_reason: Mapped[str] = mapped_column(sa.Text, default="")
    invalidated_on: Mapped[date | None] = mapped_column(sa.Date)
    redo_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decision: Mapped[Decision] = relationship()
    team: Mapped[list[EvaluationTeamMember]] = relationship(
        back_populates="evaluation", order_by="EvaluationTeamMember.id"
    )

    @property
    def trigger_list(self) -> list[str]:
        return [t for t in self.triggers.split(",") if t]

    @property
    def method_list(self) -> list[str]:
        return [t for t in self.methods.split(",") if t]

    def call_is_open(self, now: datetime) -> bool:
        return bool(
            self.call_opens_at
            and self.call_closes_at
            and self.call_opens_at <= now < self.call_closes_at
        )

    def __repr__(self) -> str:
        return f"<Evaluation {self.id} of decision {self.decision_id}>"


class EvaluationTeamMember(db.Model):
    """EVAL-12b: a member of the evaluation team."""

    __tablename__ = "evaluation_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[TeamRole] = mapped_column(StrEnumType(TeamRole, 30))

    evaluation: Mapped[Evaluation] = relationship(back_populates="team")


class TriggerReview(db.Model):
    """A26 / A27: the office's answer to a prompt: the trigger not confirmed, with a reason."""

    __tablename__ = "evaluation_trigger_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    trigger: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text)
    feedback_count: Mapped[int] = mapped_column(default=0)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class PublicFeedback(db.Model):
    """One item of public feedback on a decision (EVAL-9b call for input, PROC-42b)."""

    __tablename__ = "public_feedback"
    __table_args__ = (sa.Index("ix_public_feedback_duplicate", "content_hash", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    evaluation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    receipt_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    body: Mapped[str] = mapped_column(sa.Text)  # plain text, NFKC-normalised; render escaped
    display_name: Mapped[str] = mapped_column(sa.String(60), default="")
    publish_name_consent: Mapped[bool] = mapped_column(default=False)
    consent_version: Mapped[str] = mapped_column(sa.String(20), default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")  # private
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # private
    status: Mapped[OpinionStatus] = mapped_column(
        StrEnumType(OpinionStatus, 20), default=OpinionStatus.RECEIVED, index=True
    )
    withheld_reason: Mapped[WithholdReason | None] = mapped_column(StrEnumType(WithholdReason, 20))
    published_body: Mapped[str] = mapped_column(sa.Text, default="")
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    ip_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    # Similar concerns together: the normalised text's hash, set on submission.
    text_hash: Mapped[str] = mapped_column(sa.String(64), default="", server_default="", index=True)
    # PART-19b: the government's published response to this concern (one response may answer
    # several similar items).
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feedback_responses.id"), index=True
    )

    decision: Mapped[Decision] = relationship()
    evaluation: Mapped[Evaluation | None] = relationship()
    response: Mapped[FeedbackResponse | None] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<PublicFeedback {self.id} {self.receipt_code} on decision {self.decision_id}>"


class FeedbackResponse(db.Model):
    """PART-19b: the undertaking unit's published response to public concerns about a decision
    in execution. It answers one feedback item or several similar ones; it is public from the
    moment it is recorded, so a change is a correction (with its reason, shown on the dossier).
    Never holds a contact or a name of the people who wrote in."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decision: Mapped[Decision] = relationship()
    items: Mapped[list[PublicFeedback]] = relationship(
        back_populates="response", order_by="PublicFeedback.id"
    )

    def __repr__(self) -> str:
        return f"<FeedbackResponse {self.id} on decision {self.decision_id}>"
