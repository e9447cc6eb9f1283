"""Stages of a decision item.

``Stage`` is the public stage (public contract: the ``stage`` filter and field). ``Step`` is the
internal procedure step from rules.md section 1.1; several steps map to one public stage, and
the public ``timeline`` lists steps.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    INITIATED = "initiated"
    DRAFTING = "drafting"
    CONSULTATION = "consultation"
    LEGALITY_REVIEW = "legality_review"
    DELIBERATION = "deliberation"
    PUBLISHED = "published"
    IMPLEMENTATION = "implementation"
    POST_EVALUATION = "post_evaluation"
    CLOSED = "closed"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STAGES


TERMINAL_STAGES = frozenset({Stage.CLOSED, Stage.REJECTED, Stage.TERMINATED})

# Public stages in procedural order (the terminal side exits are not in the sequence).
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.INITIATED,
    Stage.DRAFTING,
    Stage.CONSULTATION,
    Stage.LEGALITY_REVIEW,
    Stage.DELIBERATION,
    Stage.PUBLISHED,
    Stage.IMPLEMENTATION,
    Stage.POST_EVALUATION,
    Stage.CLOSED,
)


class Step(StrEnum):
    """Internal procedure steps (rules.md 1.1)."""

    CATALOG_LISTING = "catalog_listing"
    INITIATION = "initiation"
    DRAFTING_RESEARCH = "drafting_research"
    PUBLIC_PARTICIPATION = "public_participation"
    EXPERT_REVIEW = "expert_review"
    RISK_ASSESSMENT = "risk_assessment"
    INTERNAL_LEGAL_REVIEW = "internal_legal_review"
    INTERNAL_COLLECTIVE_DISCUSSION = "internal_collective_discussion"
    LEGALITY_REVIEW = "legality_review"
    COLLECTIVE_DECISION = "collective_decision"
    PARTY_COMMITTEE_REPORT = "party_committee_report"
    PUBLICATION = "publication"
    FILING = "filing"
    ARCHIVING = "archiving"
    EXECUTION = "execution"
    SUPERVISION = "supervision"
    POST_EVALUATION = "post_evaluation"


STEP_STAGE: dict[Step, Stage] = {
    Step.CATALOG_LISTING: Stage.INITIATED,
    Step.INITIATION: Stage.INITIATED,
    Step.DRAFTING_RESEARCH: Stage.DRAFTING,
    Step.PUBLIC_PARTICIPATION: Stage.CONSULTATION,
    Step.EXPERT_REVIEW: Stage.CONSULTATION,
    Step.RISK_ASSESSMENT: Stage.CONSULTATION,
    Step.INTERNAL_LEGAL_REVIEW: Stage.LEGALITY_REVIEW,
    Step.INTERNAL_COLLECTIVE_DISCUSSION: Stage.LEGALITY_REVIEW,
    Step.LEGALITY_REVIEW: Stage.LEGALITY_REVIEW,
    Step.COLLECTIVE_DECISION: Stage.DELIBERATION,
    Step.PARTY_COMMITTEE_REPORT: Stage.DELIBERATION,
    Step.PUBLICATION: Stage.PUBLISHED,
    Step.FILING: Stage.PUBLISHED,
    Step.ARCHIVING: Stage.PUBLISHED,
    Step.EXECUTION: Stage.IMPLEMENTATION,
    Step.SUPERVISION: Stage.IMPLEMENTATION,
    Step.POST_EVALUATION: Stage.POST_EVALUATION,
}

# Steps whose records are internal and never shown on the public timeline (rules.md 9:
# legality opinions, risk reports, expert reports and filing receipts are not public; the
# fact that the step happened and its dates are).
PUBLIC_TIMELINE_STEPS: tuple[Step, ...] = (
    Step.INITIATION,
    Step.DRAFTING_RESEARCH,
    Step.PUBLIC_PARTICIPATION,
    Step.EXPERT_REVIEW,
    Step.RISK_ASSESSMENT,
    Step.LEGALITY_REVIEW,
    Step.COLLECTIVE_DECISION,
    Step.PUBLICATION,
    Step.FILING,
    Step.EXECUTION,
    Step.POST_EVALUATION,
)


class StepStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    # PROC-28a / PROC-29a(4), rules.md A8: not performed, with a mandatory written explanation.
    WAIVED_WITH_EXPLANATION = "waived_with_explanation"
    NOT_APPLICABLE = "not_applicable"


class Category(StrEnum):
    """PROC-3a: the five categories of decision items."""

    PUBLIC_POLICY = "public_policy"
    DEVELOPMENT_PLAN = "development_plan"
    RESOURCE_POLICY = "resource_policy"
    PUBLIC_CONSTRUCTION_PROJECT = "public_construction_project"
    OTHER_MAJOR_MATTER = "other_major_matter"
