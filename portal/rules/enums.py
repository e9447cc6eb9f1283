"""Closed value lists (rules.md [ENUM] rules and the section 10 defaults), stored as strings."""

from __future__ import annotations

from enum import StrEnum


class InitiateDecision(StrEnum):
    """PROC-11c: the decision organ's decision after studying a proposal."""

    INITIATE = "initiate"
    DO_NOT_INITIATE = "do_not_initiate"


class ReviewResult(StrEnum):
    """PROC-28a: the result of the unit's preliminary legality review (合法性初审) and of its
    collective discussion (集体讨论通过)."""

    PASSED = "passed"
    NOT_PASSED = "not_passed"


class ScopeExclusion(StrEnum):
    """PROC-3b: decisions outside the scope of the rules."""

    MACRO_CONTROL = "macro_control"  # 财政政策、货币政策等宏观调控决策
    GOVERNMENT_LEGISLATION = "government_legislation"  # 政府立法决策
    EMERGENCY_RESPONSE = "emergency_response"  # 突发事件应急处置决策


class ParticipationMethod(StrEnum):
    """PROC-16b / PART-5a (not exhaustive, A21), plus PART-5b and PART-5c activity types."""

    SYMPOSIUM = "symposium"
    HEARING = "hearing"
    CONSULTATION_MEETING = "consultation_meeting"
    FIELD_VISIT = "field_visit"
    WRITTEN_SOLICITATION = "written_solicitation"
    OPEN_COMMENT = "open_comment"
    QUESTIONNAIRE = "questionnaire"
    POLL = "poll"
    ONLINE_INTERACTION = "online_interaction"
    ENTERPRISE_CONSULTATION = "enterprise_consultation"  # PART-5b
    EXPERT_INTERVIEW = "expert_interview"  # PART-5c


class AdoptionStatus(StrEnum):
    """PROC-20a and the public contract's adoption values."""

    PENDING = "pending"
    ADOPTED = "adopted"
    PARTIALLY_ADOPTED = "partially_adopted"
    NOT_ADOPTED = "not_adopted"


class ExpertReviewMethod(StrEnum):
    """PROC-21b / EXP-14a."""

    REVIEW_MEETING = "review_meeting"
    WRITTEN_CONSULTATION = "written_consultation"
    ENTRUSTED_REVIEW = "entrusted_review"


class OpinionForm(StrEnum):
    """EXP-15a: how an expert gave an opinion."""

    WRITTEN = "written"
    ORAL = "oral"


class RiskLevel(StrEnum):
    """RISK-10a."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"low": 0, "medium": 1, "high": 2}[self.value]


class RiskRecommendation(StrEnum):
    """PROC-27a / RISK-11a: the undertaking unit's recommendation after the assessment."""

    SUBMIT_FOR_DECISION = "submit_for_decision"
    ADJUST_DRAFT = "adjust_draft"
    DECIDE_AFTER_LOWERING_RISK = "decide_after_lowering_risk"
    DO_NOT_SUBMIT = "do_not_submit"  # RISK-11a calls it 终止决策 (terminate_decision)


class RiskCategory(StrEnum):
    """RISK-8a."""

    SOCIAL_STABILITY = "social_stability"
    PUBLIC_SAFETY = "public_safety"
    ECOLOGICAL_ENVIRONMENTAL = "ecological_environmental"
    FISCAL_FINANCIAL = "fiscal_financial"
    OTHER = "other"


class LegalityMaterial(StrEnum):
    """PROC-29a (items 1-7) and the conditional materials of PROC-29b."""

    DRAFT_AND_EXPLANATION_AND_BASIS = "draft_and_explanation_and_basis"
    INITIATION_MATERIALS = "initiation_materials"
    OPINION_ADOPTION_COORDINATION = "opinion_adoption_coordination"
    PROCEDURE_MATERIALS_OR_NON_PERFORMANCE_EXPLANATION = (
        "procedure_materials_or_non_performance_explanation"
    )
    UNIT_LEGAL_OFFICE_OPINION = "unit_legal_office_opinion"
    UNIT_COLLECTIVE_DISCUSSION_MINUTES = "unit_collective_discussion_minutes"
    OTHER_MATERIALS = "other_materials"
    HEARING_REPORT = "hearing_report"
    FAIR_COMPETITION_STATEMENT = "fair_competition_statement"


# PROC-29a: items 1-6 are mandatory, item 7 is optional.
REQUIRED_LEGALITY_MATERIALS: tuple[LegalityMaterial, ...] = (
    LegalityMaterial.DRAFT_AND_EXPLANATION_AND_BASIS,
    LegalityMaterial.INITIATION_MATERIALS,
    LegalityMaterial.OPINION_ADOPTION_COORDINATION,
    LegalityMaterial.PROCEDURE_MATERIALS_OR_NON_PERFORMANCE_EXPLANATION,
    LegalityMaterial.UNIT_LEGAL_OFFICE_OPINION,
    LegalityMaterial.UNIT_COLLECTIVE_DISCUSSION_MINUTES,
)


class LegalityOpinionKind(StrEnum):
    """PROC-28c: only a legality review opinion of the department counts."""

    LEGALITY_OPINION = "legality_opinion"
    COUNTERSIGNATURE = "countersignature"  # 会签
    COMMENT = "comment"  # 征求意见


class LegalityOutcome(StrEnum):
    """A14 (inferred enum of legality review outcomes)."""

    LAWFUL = "lawful"
    LAWFUL_WITH_MODIFICATIONS = "lawful_with_modifications"
    UNLAWFUL = "unlawful"
    EXPLORATORY_LEGAL_RISK_DISCLOSED = "exploratory_legal_risk_disclosed"


class LegalAdviserRole(StrEnum):
    """PROC-30a / A15."""

    LEGAL_ADVISER = "legal_adviser"  # 法律顾问
    PUBLIC_LAWYER = "public_lawyer"  # 公职律师


class MeetingType(StrEnum):
    """PROC-35a."""

    EXECUTIVE_MEETING = "executive_meeting"
    PLENARY_MEETING = "plenary_meeting"


class MeetingMaterial(StrEnum):
    """PROC-34a (items 1-4), PROC-34b and PROC-28e."""

    DRAFT_AND_EXPLANATION = "draft_and_explanation"
    PROCEDURE_MATERIALS = "procedure_materials"
    LEGALITY_REVIEW_OPINION = "legality_review_opinion"
    OPINION_COLLECTION_ADOPTION_AND_OTHER = "opinion_collection_adoption_and_other"
    FAIR_COMPETITION_STATEMENT = "fair_competition_statement"
    LEGAL_RISK_STATEMENT = "legal_risk_statement"


REQUIRED_MEETING_MATERIALS: tuple[MeetingMaterial, ...] = (
    MeetingMaterial.DRAFT_AND_EXPLANATION,
    MeetingMaterial.PROCEDURE_MATERIALS,
    MeetingMaterial.LEGALITY_REVIEW_OPINION,
    MeetingMaterial.OPINION_COLLECTION_ADOPTION_AND_OTHER,
)


class MeetingOutcome(StrEnum):
    """PROC-35c (glossary names)."""

    APPROVED = "approved"  # 通过
    APPROVED_IN_PRINCIPLE = "approved_in_principle"  # 原则通过
    REVISE_AND_RESUBMIT = "revise_and_resubmit"  # 修改后再次讨论
    REJECTED = "rejected"  # 不予通过

    @property
    def is_approval(self) -> bool:
        return self in (MeetingOutcome.APPROVED, MeetingOutcome.APPROVED_IN_PRINCIPLE)


class PartyReportKind(StrEnum):
    """PROC-36a: 请示 or 报告."""

    REQUEST = "request"
    REPORT = "report"


class PostEvalTrigger(StrEnum):
    """PROC-43a / EVAL-6a."""

    BASIS_OR_CIRCUMSTANCES_CHANGED = "basis_or_circumstances_changed"
    EXPECTED_EFFECT_NOT_ACHIEVED = "expected_effect_not_achieved"
    MANY_PUBLIC_OPINIONS = "many_public_opinions"
    ORGAN_DEEMS_NECESSARY = "organ_deems_necessary"


class ChangeKind(StrEnum):
    """PROC-45: changing or stopping a published decision."""

    ADJUSTMENT = "adjustment"
    MAJOR_ADJUSTMENT = "major_adjustment"
    TERMINATION = "termination"


class CatalogAdjustmentType(StrEnum):
    """CAT-16a."""

    ADD = "add"
    MODIFY = "modify"
    REMOVE = "remove"


class PlacReviewResult(StrEnum):
    """RISK-12b: the result of the procedural review (程序性审查) of the risk report by the
    same-level Party Political and Legal Affairs Commission (PLAC): passed and filed (备案), or
    returned for revision."""

    PASSED = "passed"
    RETURNED = "returned"
