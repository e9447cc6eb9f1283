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

    # Numbers stay numbers, for %(n)d placeholders; everything else becomes its label.
    params = {
        k: val if isinstance(val, int | float) and not isinstance(val, bool) else label_of(val)
        for k, val in v.params.items()
    }
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


# -- public proposals (PROC-11b(4), CAT-7b) ------------------------------------------------------

from portal.models.proposal import (  # noqa: E402
    ProposalKind,
    ProposalOutcome,
    ProposalStatus,
    ProposerType,
)

PROPOSAL_KIND = {
    ProposalKind.NEW_ITEM: _l("New decision item"),
    ProposalKind.CATALOG_ITEM: _l("Catalog item"),
}
PROPOSER_TYPE = {
    ProposerType.CITIZEN: _l("Citizen"),
    ProposerType.LEGAL_PERSON: _l("Legal person (company or institution)"),
    ProposerType.OTHER_ORGANISATION: _l("Other organisation"),
}
PROPOSAL_STATUS = {
    ProposalStatus.RECEIVED: _l("Received, not yet routed"),
    ProposalStatus.ROUTED: _l("Routed to a unit for study"),
    ProposalStatus.UNDER_STUDY: _l("Under study"),
    ProposalStatus.ANSWERED: _l("Answered"),
}
PROPOSAL_OUTCOME = {
    ProposalOutcome.ADOPTED_AS_ITEM: _l("Adopted as a decision item"),
    ProposalOutcome.INCLUDED_IN_CATALOG: _l("Included in a decision catalog"),
    ProposalOutcome.NOT_ADOPTED: _l("Not adopted"),
}


# -- issue 7 part 2: supervision (SUP), post-evaluation (EVAL), statistics --------------------
from portal.rules import evaluation as _EV  # noqa: E402
from portal.rules import supervision as _SUP  # noqa: E402

TASK_STATUS = {_SUP.TaskStatus.OPEN: _l("Open"), _SUP.TaskStatus.COMPLETED: _l("Completed")}
INSPECTION_TYPE = {
    _SUP.InspectionType.ROUTINE: _l("Routine tracking"),
    _SUP.InspectionType.SPECIAL: _l("Special inspection"),
}
INSPECTION_METHOD = {
    _SUP.InspectionMethod.WRITTEN: _l("Written inspection"),
    _SUP.InspectionMethod.ON_SITE: _l("On-site inspection"),
}
ONSITE_TECHNIQUE = {
    _SUP.OnSiteTechnique.SITE_CHECK: _l("Site check"),
    _SUP.OnSiteTechnique.INTERVIEW: _l("Interviews"),
    _SUP.OnSiteTechnique.UNANNOUNCED_VISIT: _l("Unannounced visit"),
}
DISSEMINATION = {
    _SUP.Dissemination.FEEDBACK: _l("Fed back to the inspected unit"),
    _SUP.Dissemination.CIRCULAR: _l("Circulated"),
}
ASSESSMENT_RESULT = {
    _SUP.AssessmentResult.EXCELLENT: _l("Excellent"),
    _SUP.AssessmentResult.GOOD: _l("Good"),
    _SUP.AssessmentResult.PASSED: _l("Passed"),
    _SUP.AssessmentResult.FAILED: _l("Failed"),
}
POST_EVAL_TRIGGER = {
    E.PostEvalTrigger.BASIS_OR_CIRCUMSTANCES_CHANGED: _l(
        "The laws, policies or circumstances it rests on changed significantly"
    ),
    E.PostEvalTrigger.EXPECTED_EFFECT_NOT_ACHIEVED: _l(
        "It clearly did not achieve the expected effect"
    ),
    E.PostEvalTrigger.MANY_PUBLIC_OPINIONS: _l("The public raised many opinions"),
    E.PostEvalTrigger.ORGAN_DEEMS_NECESSARY: _l("The government considers it necessary"),
}
SELECTION_FACTOR = {
    _EV.SelectionFactor.SOCIAL_ATTENTION: _l("Social attention"),
    _EV.SelectionFactor.EXECUTION_PROGRESS: _l("Execution progress"),
    _EV.SelectionFactor.IMPLEMENTATION_PROBLEMS: _l("Problems in implementation"),
}
THIRD_PARTY_TYPE = {
    _EV.ThirdPartyType.PROFESSIONAL_INSTITUTION: _l("Professional institution"),
    _EV.ThirdPartyType.SOCIAL_ORGANISATION: _l("Social organisation"),
    _EV.ThirdPartyType.UNIVERSITY: _l("University"),
    _EV.ThirdPartyType.RESEARCH_INSTITUTE: _l("Research institute"),
    _EV.ThirdPartyType.THINK_TANK: _l("Think tank"),
}
EVALUATION_SCOPE = {
    _EV.EvaluationScope.OVERALL: _l("Overall evaluation"),
    _EV.EvaluationScope.PARTIAL: _l("Partial evaluation"),
}
EVALUATION_METHOD = {
    _EV.EvaluationMethod.QUESTIONNAIRE: _l("Questionnaire"),
    _EV.EvaluationMethod.OPINION_SOLICITATION: _l("Soliciting opinions"),
    _EV.EvaluationMethod.PUBLIC_OPINION_MONITORING: _l("Monitoring public opinion"),
    _EV.EvaluationMethod.FIELD_INSPECTION: _l("Field inspection"),
    _EV.EvaluationMethod.SYMPOSIUM_RESEARCH: _l("Symposium research"),
}
TEAM_ROLE = {
    _EV.TeamRole.EXPERT: _l("Expert of the field"),
    _EV.TeamRole.EXECUTION_UNIT_REP: _l("Execution unit representative"),
    _EV.TeamRole.PUBLIC: _l("Member of the public"),
}
CONCLUSION = {
    _EV.Conclusion.CONTINUE: _l("Recommend continuing"),
    _EV.Conclusion.SUSPEND: _l("Recommend suspending"),
    _EV.Conclusion.TERMINATE: _l("Recommend terminating"),
    _EV.Conclusion.ADJUST: _l("Recommend adjusting"),
}
GOV_DECISION = {
    _EV.GovDecision.CONTINUE: _l("Continue"),
    _EV.GovDecision.SUSPEND: _l("Suspend execution"),
    _EV.GovDecision.TERMINATE: _l("Terminate execution"),
    _EV.GovDecision.ADJUST: _l("Adjust the decision"),
}
EVALUATION_STATUS = {
    _EV.EvaluationStatus.TRIGGERED: _l("Triggered"),
    _EV.EvaluationStatus.TEAM_FORMED: _l("Team formed"),
    _EV.EvaluationStatus.PLAN_MADE: _l("Plan made"),
    _EV.EvaluationStatus.INVESTIGATION: _l("Investigation"),
    _EV.EvaluationStatus.REPORT_SUBMITTED: _l("Report submitted"),
    _EV.EvaluationStatus.GOV_DECISION: _l("Government decided"),
    _EV.EvaluationStatus.INVALID: _l("Invalid, redone"),
}
PARTICIPANT_TYPE = {
    _EV.ParticipantType.NPC_DEPUTIES: _l("NPC deputies"),
    _EV.ParticipantType.CPPCC_MEMBERS: _l("CPPCC members"),
    _EV.ParticipantType.PEOPLES_ORGANISATIONS: _l("People's organisations"),
    _EV.ParticipantType.GRASSROOTS_ORGANISATIONS: _l("Grassroots organisations"),
    _EV.ParticipantType.SOCIAL_ORGANISATIONS: _l("Social organisations"),
}
PRIOR_ROLE = {
    _EV.PriorRole.EXPERT_REVIEW_INSTITUTION: _l("expert review"),
    _EV.PriorRole.RISK_ASSESSMENT_BODY: _l("risk assessment"),
    _EV.PriorRole.DRAFTING_ENTRUSTEE: _l("entrusted drafting"),
    _EV.PriorRole.POLL_THIRD_PARTY: _l("opinion poll"),
    _EV.PriorRole.INDIVIDUAL_EXPERT: _l("expert review (as an individual expert)"),
}
_BY_VALUE.update({str(k): v for k, v in {**PRIOR_ROLE, **GOV_DECISION}.items()})


# -- hearings and symposiums (issue 5) ------------------------------------------------------------

from portal.rules import hearings as _H  # noqa: E402

HEARING_KIND = {_H.HearingKind.HEARING: _l("Hearing"), _H.HearingKind.SYMPOSIUM: _l("Symposium")}
SELECTION_METHOD = {
    _H.SelectionMethod.FIRST_COME: _l("First come, first served"),
    _H.SelectionMethod.LOTTERY: _l("Lottery among applicants"),
    _H.SelectionMethod.QUOTA: _l("Seats per stakeholder side"),
    _H.SelectionMethod.INVITATION: _l("Invitation by the organiser"),
}
REGISTRATION_STATUS = {
    _H.RegistrationStatus.APPLIED: _l("Applied"),
    _H.RegistrationStatus.CONFIRMED: _l("Confirmed"),
    _H.RegistrationStatus.WAITLISTED: _l("Waiting list"),
    _H.RegistrationStatus.CANCELLED: _l("Cancelled"),
}
DELIVERY_METHOD = {
    _H.DeliveryMethod.PORTAL_DOWNLOAD: _l("Portal download"),
    _H.DeliveryMethod.EMAIL: _l("E-mail"),
    _H.DeliveryMethod.IN_PERSON: _l("In person"),
    _H.DeliveryMethod.POST: _l("Post"),
}
RECORD_CONFIRMATION = {
    _H.RecordConfirmation.SIGNED: _l("Signed"),
    _H.RecordConfirmation.REFUSED: _l("Refused to sign (noted)"),
}
HEARING_PHASE = {
    _H.HearingPhase.PLANNED: _l("Planned"),
    _H.HearingPhase.ANNOUNCED: _l("Announced"),
    _H.HearingPhase.PARTICIPANTS_SELECTED: _l("Participants selected"),
    _H.HearingPhase.HELD: _l("Held"),
    _H.HearingPhase.REPORT_ISSUED: _l("Report issued"),
    _H.HearingPhase.CANCELLED: _l("Cancelled"),
}


# -- annual catalog and expert pool (issue 7, CAT and EXP) ---------------------------------------

from portal.rules import catalog as _CAT  # noqa: E402
from portal.rules import experts as _EXP  # noqa: E402

CATALOG_PHASE = {
    _CAT.CatalogPhase.SOLICITATION: _l("Solicitation of items"),
    _CAT.CatalogPhase.OFFICE_REVIEW: _l("Office review and drafting"),
    _CAT.CatalogPhase.EXECUTIVE_MEETING: _l(
        "Reviewed by the deputy heads; awaiting the executive meeting"
    ),
    _CAT.CatalogPhase.PARTY_CONSENT: _l("Deliberated; awaiting the party committee's consent"),
    _CAT.CatalogPhase.READY: _l("Consented; ready to publish"),
    _CAT.CatalogPhase.PUBLISHED: _l("Published"),
    _CAT.CatalogPhase.FILED: _l("Published and filed"),
}
CATALOG_ORIGIN = {
    _CAT.EntryOrigin.DEPT_SUBMISSION: _l("Department submission"),
    _CAT.EntryOrigin.OFFICE_DIRECT: _l("Listed directly by the office"),
    _CAT.EntryOrigin.EXECUTIVE_HEAD_PROPOSAL: _l("Proposed by the executive head"),
    _CAT.EntryOrigin.NPC_CPPCC: _l("NPC deputies or CPPCC members"),
    _CAT.EntryOrigin.PUBLIC_SUGGESTION: _l("Suggestion from the public"),
}
CATALOG_SUBMISSION_STATUS = {
    _CAT.SubmissionStatus.SUBMITTED: _l("Submitted, awaiting the office"),
    _CAT.SubmissionStatus.ACCEPTED: _l("Listed"),
    _CAT.SubmissionStatus.DECLINED: _l("Declined"),
}
CATALOG_ADJUSTMENT = {
    E.CatalogAdjustmentType.ADD: _l("Add an item"),
    E.CatalogAdjustmentType.MODIFY: _l("Change an item"),
    E.CatalogAdjustmentType.REMOVE: _l("Remove an item"),
}
CATALOG_ADJUSTMENT_STATE = {
    _CAT.AdjustmentState.PROPOSED: _l("Proposed"),
    _CAT.AdjustmentState.APPROVED: _l("Approved"),
    _CAT.AdjustmentState.PUBLISHED: _l("Published, not yet filed"),
    _CAT.AdjustmentState.FILED: _l("Filed"),
}
CATALOG_DEADLINE_STATE = {
    _CAT.DeadlineState.MET: _l("Met"),
    _CAT.DeadlineState.LATE: _l("Done late"),
    _CAT.DeadlineState.PENDING: _l("Pending"),
    _CAT.DeadlineState.OVERDUE: _l("Overdue"),
}
EXPERT_STATUS = {
    _EXP.MemberStatus.APPLICANT: _l("Applicant"),
    _EXP.MemberStatus.PRELIMINARY_REVIEWED: _l("Preliminary review passed"),
    _EXP.MemberStatus.APPROVED: _l("Approved, certificate pending"),
    _EXP.MemberStatus.APPOINTED: _l("Appointed"),
    _EXP.MemberStatus.EXPIRED: _l("Term ended"),
    _EXP.MemberStatus.DISMISSED: _l("Dismissed"),
}
EXPERT_SOURCE_ORG = {
    _EXP.SourceOrgType.INDUSTRY_AUTHORITY: _l("Industry authority"),
    _EXP.SourceOrgType.EDUCATION_RESEARCH: _l("Education or research institution"),
    _EXP.SourceOrgType.INDUSTRY_ASSOCIATION_CHAMBER: _l("Industry association or chamber"),
    _EXP.SourceOrgType.SOCIAL_ORGANIZATION: _l("Social organisation"),
    _EXP.SourceOrgType.ENTERPRISE: _l("Enterprise"),
    _EXP.SourceOrgType.OTHER: _l("Other"),
}
EXPERT_NOMINATION = {
    _EXP.NominationChannel.SELF_APPLICATION: _l("Personal application"),
    _EXP.NominationChannel.ORGANIZATION_RECOMMENDATION: _l("Recommended by an organisation"),
    _EXP.NominationChannel.TARGETED_INVITATION: _l("Invited"),
}
EXPERT_QUALIFICATION = {
    _EXP.Qualification.POLITICAL_QUALITY: _l("High political quality"),
    _EXP.Qualification.PROFESSIONAL_ETHICS: _l("Professional ethics and social responsibility"),
    _EXP.Qualification.POLICY_AND_SERVICE_CAPACITY: _l(
        "Policy knowledge and ability to serve decisions"
    ),
    _EXP.Qualification.DOMAIN_EXPERTISE_AND_TITLE: _l(
        "Expertise in the field, senior title or high reputation"
    ),
    _EXP.Qualification.CLEAN_RECORD: _l("No criminal, administrative or professional sanctions"),
    _EXP.Qualification.WILLING_AND_FIT: _l("Willing and fit to serve"),
}
EXPERT_TITLE_LEVEL = {
    _EXP.TitleLevel.SENIOR: _l("Senior title or equivalent"),
    _EXP.TitleLevel.OTHER: _l("Other"),
}
EXPERT_DISMISSAL_REASON = {
    _EXP.DismissalReason.POSITION_CHANGE: _l("Change of job, workplace or post"),
    _EXP.DismissalReason.HEALTH: _l("Health reasons"),
    _EXP.DismissalReason.REFUSED_WITHOUT_OBJECTIVE_REASON: _l(
        "Refused to take part without an objective reason"
    ),
    _EXP.DismissalReason.DISCIPLINED_OR_LEGALLY_LIABLE: _l(
        "Disciplinary sanction or legal liability"
    ),
    _EXP.DismissalReason.VOLUNTARY_WITHDRAWAL: _l("Voluntary withdrawal"),
}
EXPERT_ASSESSMENT = {
    _EXP.AssessmentResult.PASSED: _l("Passed"),
    _EXP.AssessmentResult.FAILED: _l("Failed"),
}
EXPERT_FEEDBACK = {
    _EXP.FeedbackRating.GOOD: _l("Good"),
    _EXP.FeedbackRating.ADEQUATE: _l("Adequate"),
    _EXP.FeedbackRating.POOR: _l("Poor"),
}
EXPERT_POOL_SOURCE = {
    _EXP.PoolSource.OWN: _l("Our own pool"),
    _EXP.PoolSource.CITY: _l("The city's pool"),
    _EXP.PoolSource.BOTH: _l("Our own pool and the city's"),
}
EXPERT_SELECTION_METHOD = {
    _EXP.SelectionMethod.RANDOM_DRAW: _l("Random draw"),
    _EXP.SelectionMethod.MANUAL: _l("Manual choice with a reason"),
}
_BY_VALUE.update({str(k): v for k, v in EXPERT_QUALIFICATION.items()})

# -- records that lock, corrections and gate-switching flags (issue 11) ---------------------------

from portal.models.correction import FlagRequestStatus  # noqa: E402
from portal.rules.enums import PlacReviewResult as _PlacReviewResult  # noqa: E402
from portal.rules.enums import ReviewResult  # noqa: E402
from portal.rules.locks import Corrector, RecordGroup  # noqa: E402

CORRECTOR = {
    Corrector.GOV_OFFICE: _l("the government office"),
    Corrector.UNDERTAKING_UNIT: _l("the undertaking unit"),
    Corrector.LEGALITY_REVIEW_DEPT: _l("the legality review department"),
}
RECORD_GROUP = {
    RecordGroup.INITIATION: _l("Initiation"),
    RecordGroup.GATE_FLAGS: _l("Flags that switch rules on or off"),
    RecordGroup.DRAFTING: _l("Drafting and research"),
    RecordGroup.CONSULTATION: _l("Consultation notice"),
    RecordGroup.PARTICIPATION_ACTIVITY: _l("Participation activity"),
    RecordGroup.EXPERT_REVIEW: _l("Expert review"),
    RecordGroup.RISK_ASSESSMENT: _l("Risk assessment"),
    RecordGroup.INTERNAL_LEGAL_REVIEW: _l("Unit legal review"),
    RecordGroup.INTERNAL_DISCUSSION: _l("Unit collective discussion"),
    RecordGroup.LEGALITY_SUBMISSION: _l("Submission for legality review"),
    RecordGroup.LEGALITY_SUPPLEMENT: _l("Supplement to the submission"),
    RecordGroup.LEGALITY_OPINION: _l("Legality review opinion"),
    RecordGroup.POINT_ADOPTION: _l("Adoption of the legality opinion's points"),
    RecordGroup.MEETING: _l("Collective deliberation"),
    RecordGroup.PARTY_REPORT: _l("Report to the Party committee"),
    RecordGroup.NPC_REPORT: _l("Report to the People's Congress standing committee"),
    RecordGroup.PUBLICATION: _l("Publication"),
    RecordGroup.FILING: _l("Filing"),
    RecordGroup.EXECUTION: _l("Execution"),
    RecordGroup.CHANGE: _l("Change of the decision"),
    RecordGroup.ARCHIVE: _l("Archive"),
    RecordGroup.OPINION_ANSWER: _l("Answer to a public opinion"),
    RecordGroup.FEEDBACK_RESPONSE: _l("Response to public concerns"),
}
FLAG = {
    "non_disclosable": _l("Not to be disclosed according to law (A7)"),
    "out_of_scope_confirmed": _l("Confirmed not to be an excluded type of decision (A42)"),
    "affects_enterprise_operations": _l("Affects the operations of enterprises (PART-5b)"),
    "affects_specific_group": _l("Affects a specific group (PART-14a)"),
    "affects_market_entities": _l("Affects the economic activity of market entities (PROC-34b)"),
    "high_public_concern": _l("High public concern or highly technical (PROC-37b)"),
    "is_exploratory_reform": _l("Exploratory reform item (PROC-28e)"),
    "npc_report_required": _l(
        "To be reported to the People's Congress standing committee (PROC-8a)"
    ),
    "social_stability_not_required": _l(
        "No social stability risk assessment required (A17, RISK-5a)"
    ),
}
FLAG_REQUEST_STATUS = {
    FlagRequestStatus.PENDING: _l("Waiting for the government office"),
    FlagRequestStatus.CONFIRMED: _l("Confirmed"),
    FlagRequestStatus.REJECTED: _l("Rejected"),
    FlagRequestStatus.WITHDRAWN: _l("Withdrawn"),
}
REVIEW_RESULT = {ReviewResult.PASSED: _l("Passed"), ReviewResult.NOT_PASSED: _l("Not passed")}
# Names of the fields a correction changes (others are shown by their column name).
FIELD = {
    **FLAG,
    "non_disclosable_basis": _l("Legal basis of the non-disclosure"),
    "published_at": _l("Publication date"),
    "publication_channels": _l("Publication channels"),
    "filed_on": _l("Filing date"),
    "filing_ref": _l("Filing reference"),
    "initiated_on": _l("Initiation date"),
    "initiation_ref": _l("Reference of the initiation decision"),
    "undertaking_unit_id": _l("Undertaking unit"),
    "lead_unit_id": _l("Lead unit"),
    "submitted_on": _l("Submission date"),
    "outcome": _l("Outcome"),
    "opinion_text": _l("Opinion"),
    "opinion_issued_on": _l("Date of the opinion"),
    "legal_risk_statement": _l("Legal risk statement"),
    "meeting_on": _l("Meeting date"),
    "meeting_type": _l("Meeting type"),
    "closes_at": _l("End of the comment period"),
    "title": _l("Title"),
    "notice": _l("Notice"),
    # expert review and risk assessment (PROC-21..27)
    "social_stability_required": _l("A social stability risk assessment is required"),
    "social_stability_not_required_reason": _l("Reason it is not required"),
    "plac_submitted_on": _l("Sent to the Political and Legal Affairs Commission on"),
    "plac_review_result": _l("Result of the PLAC's procedural review"),
    "plac_filed_on": _l("Date of the PLAC's review result"),
    "plac_ref": _l("PLAC filing reference"),
    "notice_title": _l("Title of the public notice"),
    "notice_text": _l("Text of the public notice"),
    "notice_opens_on": _l("Public notice from"),
    "notice_closes_on": _l("Public notice until"),
    "notice_contact": _l("Contact for the public notice"),
    "method": _l("Method"),
    "review_on": _l("Review date"),
    "is_complex": _l("Complex item (EXP-13c)"),
    "materials_delivered_on": _l("Materials delivered on"),
    "signed": _l("Signed or sealed"),
    "opinion": _l("Opinion"),
    "adoption": _l("Adoption"),
    "recused": _l("Recused"),
    "level": _l("Overall risk level"),
    "recommendation": _l("Recommendation"),
    "response": _l("Response"),
    "theme": _l("Theme"),
    "body": _l("Text"),
}
# RISK-12b
PLAC_REVIEW_RESULT = {
    _PlacReviewResult.PASSED: _l("Passed and filed"),
    _PlacReviewResult.RETURNED: _l("Returned for revision"),
}
_BY_VALUE.update({str(k): v for k, v in PLAC_REVIEW_RESULT.items()})
_BY_VALUE.update({str(k): v for k, v in CORRECTOR.items()})
_BY_VALUE.update({str(k): v for k, v in REVIEW_RESULT.items()})
# The fields of the legality review, deliberation, publication and execution records that a
# correction names (issue 11, package a).
FIELD.update(
    {
        "opinion_kind": _l("Kind of document"),
        "returned_on": _l("Returned on"),
        "received_on": _l("Supplement received on"),
        "adoption": _l("Adoption"),
        "explanation": _l("Written explanation"),
        "minutes": _l("Minutes"),
        "dissent": _l("Dissenting opinions"),
        "risk_controllable": _l("Risk controllable"),
        "revisions": _l("Revisions required"),
        "materials": _l("Materials"),
        "kind": _l("Kind"),
        "reported_on": _l("Date of the report"),
        "ref": _l("Reference number"),
        "npc_reported_on": _l("Reported to the standing committee on"),
        "npc_report_ref": _l("Reference of the report to the standing committee"),
        "execution_completed_on": _l("Execution completed on"),
        "no_substantive_change_confirmed": _l("No substantive change confirmed (A11)"),
        "meeting_override_reason": _l("Reason for an earlier meeting (PROC-31a)"),
    }
)


def value_text(value) -> str:
    """A stored value of a corrected field, for people: dates in the reader's format, enums by
    their label, yes/no, a dash for nothing."""
    from datetime import datetime

    from flask_babel import gettext

    from portal.jinja import format_date

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str) and len(value) > 10 and _ISO_DATE.match(value[:10]):
        try:
            return format_date(datetime.fromisoformat(value))
        except ValueError:
            return value
    return label_of(value)


# -- opinions received offline, participation channels (issue 11, PART-6b/6c) --------------------

from portal.models.channel import ChannelKind  # noqa: E402
from portal.rules.consultation import OpinionChannel  # noqa: E402

OPINION_CHANNEL = {
    OpinionChannel.ONLINE: _l("Online"),
    OpinionChannel.LETTER: _l("Letter"),
    OpinionChannel.EMAIL: _l("E-mail"),
    OpinionChannel.TELEPHONE: _l("Telephone"),
    OpinionChannel.HOTLINE_12345: _l("12345 citizen service hotline"),
    OpinionChannel.CONTACT_POINT: _l("Public participation contact point"),
    OpinionChannel.MEETING: _l("In person (meeting, visit or open day)"),
}
CHANNEL_KIND = {
    ChannelKind.HOTLINE_12345: _l("12345 citizen service hotline"),
    ChannelKind.OPEN_DAY: _l("Government open days"),
    ChannelKind.NEW_MEDIA: _l("Government new media"),
    ChannelKind.CONTACT_POINT: _l("Public participation contact points"),
    ChannelKind.OTHER: _l("Other ways to take part"),
}
_BY_VALUE.update({str(k): v for k, v in ADOPTION.items()})
