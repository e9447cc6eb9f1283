"""Translatable labels for the enums shown to people."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from portal.models.org import GovernmentLevel
from portal.rules.stages import Category, Stage, Step, StepStatus

STAGE = {
    Stage.INITIATED: _l("Initiated"),
    Stage.DRAFTING: _l("Drafting"),
    Stage.CONSULTATION: _l("Consultation"),
    Stage.LEGALITY_REVIEW: _l("Legality review"),
    Stage.DELIBERATION: _l("Deliberation"),
    Stage.PUBLISHED: _l("Published"),
    Stage.IMPLEMENTATION: _l("Implementation"),
    Stage.POST_EVALUATION: _l("Post-evaluation"),
    Stage.CLOSED: _l("Closed"),
    Stage.REJECTED: _l("Not approved"),
    Stage.SUSPENDED: _l("Suspended"),
    Stage.TERMINATED: _l("Terminated"),
}

STEP = {
    Step.CATALOG_LISTING: _l("Catalog listing"),
    Step.INITIATION: _l("Initiation"),
    Step.DRAFTING_RESEARCH: _l("Drafting and research"),
    Step.PUBLIC_PARTICIPATION: _l("Public participation"),
    Step.EXPERT_REVIEW: _l("Expert review"),
    Step.RISK_ASSESSMENT: _l("Risk assessment"),
    Step.INTERNAL_LEGAL_REVIEW: _l("Unit legal review"),
    Step.INTERNAL_COLLECTIVE_DISCUSSION: _l("Unit collective discussion"),
    Step.LEGALITY_REVIEW: _l("Legality review"),
    Step.COLLECTIVE_DECISION: _l("Collective deliberation"),
    Step.PARTY_COMMITTEE_REPORT: _l("Report to the Party committee"),
    Step.PUBLICATION: _l("Publication"),
    Step.FILING: _l("Filing"),
    Step.ARCHIVING: _l("Archiving"),
    Step.EXECUTION: _l("Implementation"),
    Step.SUPERVISION: _l("Supervision"),
    Step.POST_EVALUATION: _l("Post-evaluation"),
}

STEP_STATUS = {
    StepStatus.PENDING: _l("Not started"),
    StepStatus.IN_PROGRESS: _l("In progress"),
    StepStatus.COMPLETED: _l("Completed"),
    StepStatus.WAIVED_WITH_EXPLANATION: _l("Not performed, with explanation"),
    StepStatus.NOT_APPLICABLE: _l("Not applicable"),
}

CATEGORY = {
    Category.PUBLIC_POLICY: _l("Major public policy"),
    Category.DEVELOPMENT_PLAN: _l("Important plan"),
    Category.RESOURCE_POLICY: _l("Natural and cultural resources"),
    Category.PUBLIC_CONSTRUCTION_PROJECT: _l("Major public construction project"),
    Category.OTHER_MAJOR_MATTER: _l("Other major matter"),
}

LEVEL = {GovernmentLevel.CITY: _l("City"), GovernmentLevel.COUNTY: _l("County level")}


# -- procedure records ---------------------------------------------------------------------------

from portal.models.decision import DecisionSource  # noqa: E402
from portal.models.document import DocumentKind  # noqa: E402
from portal.models.drafting import DraftingMode  # noqa: E402
from portal.models.implementation import DecisionChangeKind  # noqa: E402
from portal.rules import enums as E  # noqa: E402
from portal.rules.consultation import WithholdReason as _WR  # noqa: E402

SOURCE = {
    DecisionSource.CATALOG: _l("Annual catalog"),
    DecisionSource.GOVERNMENT_HEAD: _l("Higher government or government leader"),
    DecisionSource.DEPARTMENT: _l("Department or lower government"),
    DecisionSource.NPC_CPPCC: _l("NPC deputies or CPPCC members"),
    DecisionSource.PUBLIC: _l("Written suggestion from the public"),
}
INITIATE = {
    E.InitiateDecision.INITIATE: _l("Initiate"),
    E.InitiateDecision.DO_NOT_INITIATE: _l("Do not initiate"),
}
SCOPE_EXCLUSION = {
    E.ScopeExclusion.MACRO_CONTROL: _l("Macro-control (fiscal, monetary) decision"),
    E.ScopeExclusion.GOVERNMENT_LEGISLATION: _l("Government legislation"),
    E.ScopeExclusion.EMERGENCY_RESPONSE: _l("Emergency response"),
}
DRAFTING_MODE = {
    DraftingMode.SELF: _l("Drafted by the unit itself"),
    DraftingMode.ENTRUSTED_EXPERT: _l("Entrusted to experts"),
    DraftingMode.ENTRUSTED_INSTITUTION: _l("Entrusted to a professional institution"),
}
PARTICIPATION_METHOD = {
    E.ParticipationMethod.SYMPOSIUM: _l("Symposium"),
    E.ParticipationMethod.HEARING: _l("Hearing"),
    E.ParticipationMethod.CONSULTATION_MEETING: _l("Consultation meeting"),
    E.ParticipationMethod.FIELD_VISIT: _l("Field visit"),
    E.ParticipationMethod.WRITTEN_SOLICITATION: _l("Written solicitation of opinions"),
    E.ParticipationMethod.OPEN_COMMENT: _l("Open public comment"),
    E.ParticipationMethod.QUESTIONNAIRE: _l("Questionnaire"),
    E.ParticipationMethod.POLL: _l("Opinion poll"),
    E.ParticipationMethod.ONLINE_INTERACTION: _l("Online interaction"),
    E.ParticipationMethod.ENTERPRISE_CONSULTATION: _l("Consultation with enterprises"),
    E.ParticipationMethod.EXPERT_INTERVIEW: _l("Expert interview"),
}
EXPERT_METHOD = {
    E.ExpertReviewMethod.REVIEW_MEETING: _l("Review meeting"),
    E.ExpertReviewMethod.WRITTEN_CONSULTATION: _l("Written consultation"),
    E.ExpertReviewMethod.ENTRUSTED_REVIEW: _l("Entrusted review by an institution"),
}
OPINION_FORM = {E.OpinionForm.WRITTEN: _l("Written"), E.OpinionForm.ORAL: _l("Oral")}
ADOPTION = {
    E.AdoptionStatus.PENDING: _l("Pending"),
    E.AdoptionStatus.ADOPTED: _l("Adopted"),
    E.AdoptionStatus.PARTIALLY_ADOPTED: _l("Partially adopted"),
    E.AdoptionStatus.NOT_ADOPTED: _l("Not adopted"),
}
RISK_LEVEL = {
    E.RiskLevel.HIGH: _l("High"),
    E.RiskLevel.MEDIUM: _l("Medium"),
    E.RiskLevel.LOW: _l("Low"),
}
RISK_RECOMMENDATION = {
    E.RiskRecommendation.SUBMIT_FOR_DECISION: _l("Submit for decision"),
    E.RiskRecommendation.ADJUST_DRAFT: _l("Adjust the draft"),
    E.RiskRecommendation.DECIDE_AFTER_LOWERING_RISK: _l("Decide after lowering the risk"),
    E.RiskRecommendation.DO_NOT_SUBMIT: _l("Do not submit for decision"),
}
RISK_CATEGORY = {
    E.RiskCategory.SOCIAL_STABILITY: _l("Social stability"),
    E.RiskCategory.PUBLIC_SAFETY: _l("Public safety"),
    E.RiskCategory.ECOLOGICAL_ENVIRONMENTAL: _l("Ecology and environment"),
    E.RiskCategory.FISCAL_FINANCIAL: _l("Fiscal and financial"),
    E.RiskCategory.OTHER: _l("Other"),
}
LEGALITY_MATERIAL = {
    E.LegalityMaterial.DRAFT_AND_EXPLANATION_AND_BASIS: _l(
        "Draft, drafting explanation and legal basis"
    ),
    E.LegalityMaterial.INITIATION_MATERIALS: _l("Initiation materials"),
    E.LegalityMaterial.OPINION_ADOPTION_COORDINATION: _l(
        "Opinions collected, their adoption and coordination"
    ),
    E.LegalityMaterial.PROCEDURE_MATERIALS_OR_NON_PERFORMANCE_EXPLANATION: _l(
        "Participation, expert and risk records, or why a step was not performed"
    ),
    E.LegalityMaterial.UNIT_LEGAL_OFFICE_OPINION: _l("Opinion of the unit's legal office"),
    E.LegalityMaterial.UNIT_COLLECTIVE_DISCUSSION_MINUTES: _l(
        "Minutes of the unit's collective discussion"
    ),
    E.LegalityMaterial.OTHER_MATERIALS: _l("Other materials"),
    E.LegalityMaterial.HEARING_REPORT: _l("Hearing report"),
    E.LegalityMaterial.FAIR_COMPETITION_STATEMENT: _l("Fair competition review statement"),
}
MEETING_MATERIAL = {
    E.MeetingMaterial.DRAFT_AND_EXPLANATION: _l("Draft and drafting explanation"),
    E.MeetingMaterial.PROCEDURE_MATERIALS: _l(
        "Participation, expert review and risk assessment materials"
    ),
    E.MeetingMaterial.LEGALITY_REVIEW_OPINION: _l("Legality review opinion"),
    E.MeetingMaterial.OPINION_COLLECTION_ADOPTION_AND_OTHER: _l(
        "Opinions collected and their adoption, and other materials"
    ),
    E.MeetingMaterial.FAIR_COMPETITION_STATEMENT: _l("Fair competition review statement"),
    E.MeetingMaterial.LEGAL_RISK_STATEMENT: _l("Statement of legal risk"),
}
LEGALITY_OUTCOME = {
    E.LegalityOutcome.LAWFUL: _l("Lawful"),
    E.LegalityOutcome.LAWFUL_WITH_MODIFICATIONS: _l("Lawful after modifications"),
    E.LegalityOutcome.UNLAWFUL: _l("Unlawful"),
    E.LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED: _l(
        "Exploratory reform, legal risk disclosed"
    ),
}
OPINION_KIND = {
    E.LegalityOpinionKind.LEGALITY_OPINION: _l("Legality review opinion"),
    E.LegalityOpinionKind.COUNTERSIGNATURE: _l("Countersignature"),
    E.LegalityOpinionKind.COMMENT: _l("Comment"),
}
ADVISER_ROLE = {
    E.LegalAdviserRole.LEGAL_ADVISER: _l("Legal adviser"),
    E.LegalAdviserRole.PUBLIC_LAWYER: _l("Public lawyer"),
}
MEETING_TYPE = {
    E.MeetingType.EXECUTIVE_MEETING: _l("Executive meeting"),
    E.MeetingType.PLENARY_MEETING: _l("Plenary meeting"),
}
MEETING_OUTCOME = {
    E.MeetingOutcome.APPROVED: _l("Approved"),
    E.MeetingOutcome.APPROVED_IN_PRINCIPLE: _l("Approved in principle"),
    E.MeetingOutcome.REVISE_AND_RESUBMIT: _l("Revise and discuss again"),
    E.MeetingOutcome.REJECTED: _l("Not approved"),
}
PARTY_REPORT_KIND = {
    E.PartyReportKind.REQUEST: _l("Request for instructions"),
    E.PartyReportKind.REPORT: _l("Report"),
}
CHANGE_KIND = {
    DecisionChangeKind.SUSPENSION: _l("Suspension by the executive head"),
    DecisionChangeKind.RESUMPTION: _l("Resumption"),
    DecisionChangeKind.ADJUSTMENT: _l("Adjustment"),
    DecisionChangeKind.MAJOR_ADJUSTMENT: _l("Major adjustment (new procedure)"),
    DecisionChangeKind.TERMINATION: _l("Termination"),
}

DOCUMENT_KIND = {
    DocumentKind.DRAFT: _l("Decision draft"),
    DocumentKind.DRAFTING_EXPLANATION: _l("Drafting explanation"),
    DocumentKind.DECISION_TEXT: _l("Decision text"),
    DocumentKind.INTERPRETATION: _l("Interpretation"),
    DocumentKind.ADOPTION_REPORT: _l("How public and expert opinions were adopted"),
    DocumentKind.OTHER: _l("Other document"),
}

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# The published reason codes of withheld opinions, as shown to people.
WITHHOLD_REASON = {
    _WR.ABUSIVE: _l("Abusive or insulting"),
    _WR.OFF_TOPIC: _l("Not about this draft"),
    _WR.DUPLICATE: _l("Duplicate"),
    _WR.PERSONAL_DATA: _l("Contains personal data"),
    _WR.ADVERTISING: _l("Advertising"),
    _WR.OTHER: _l("Other reason"),
}

# Every label by its stored value, for translating the parameters of rule messages.
_BY_VALUE = {
    str(k): v
    for table in (
        STEP,
        STAGE,
        LEGALITY_MATERIAL,
        MEETING_MATERIAL,
        LEGALITY_OUTCOME,
        MEETING_OUTCOME,
        RISK_LEVEL,
        SCOPE_EXCLUSION,
        PARTICIPATION_METHOD,
        RISK_RECOMMENDATION,
        OPINION_KIND,
    )
    for k, v in table.items()
}


def label_of(value) -> str:
    """The translated label of a stored enum value, a date in the reader's format, or the
    value itself."""
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(label_of(v) for v in value)
    text = str(value)
    if _ISO_DATE.match(text):
        from datetime import date

        from portal.jinja import format_date

        return format_date(date.fromisoformat(text))
    if "," in text and all(part.strip() in _BY_VALUE for part in text.split(",")):
        return "、".join(str(_BY_VALUE[p.strip()]) for p in text.split(","))
    return str(_BY_VALUE.get(text, text))


def violation_text(v) -> str:
    """A RuleViolation's message in the user's language, its parameters translated too."""
    from flask_babel import gettext

    params = {k: label_of(val) for k, val in v.params.items()}
    try:
        return gettext(v.message, **params)
    except (KeyError, ValueError, TypeError):
        return gettext(v.message)


def citation(rule: str) -> str:
    """《赤峰市重大行政决策程序规定》第十七条 (PROC-17b), or the English form."""
    from portal.i18n import is_zh
    from portal.rules.ids import cite

    try:
        return cite(rule, "zh" if is_zh() else "en")
    except ValueError:
        return rule
