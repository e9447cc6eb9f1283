"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from portal.models.audit import AuditEntry, AuditHead
from portal.models.calendar import WorkdayOverride, WorkdayYear
from portal.models.catalog import (
    Catalog,
    CatalogAdjustment,
    CatalogDeputyReview,
    CatalogEntry,
    CatalogStatus,
    CatalogSubmission,
)
from portal.models.channel import ChannelKind, ParticipationChannel  # issue 11: PART-6b/6c
from portal.models.consultation import Consultation
from portal.models.correction import Correction, FlagRequest, FlagRequestStatus
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.models.evaluation import (
    Evaluation,
    EvaluationTeamMember,
    FeedbackResponse,
    PublicFeedback,
    TriggerReview,
)
from portal.models.expert import ExpertAssignment, ExpertReview
from portal.models.expert_pool import (
    Expert,
    ExpertAssessment,
    ExpertConflict,
    ExpertFeedback,
    ExpertGroup,
    ExpertPoolSetting,
    ExpertSelection,
    ExpertSelectionPick,
)
from portal.models.follow import DecisionFollow  # issue 12: follow a decision by e-mail
from portal.models.hearing import Hearing, HearingRegistration, HearingSide
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.models.opinion import AnswerTemplate, Opinion, OpinionReport
from portal.models.org import Department, DepartmentKind, Government, GovernmentLevel
from portal.models.outbox import OutboxMessage
from portal.models.participation import ParticipationActivity
from portal.models.proposal import Proposal
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.models.supervision import (
    ImplementationUpdate,
    Inspection,
    Rectification,
    SupervisionTask,
    TrackingEntry,
    TrackingReminder,
    YearEndAssessment,
)
from portal.models.user import User, UserRole
from search.models import SearchDocument  # issue 6: the PostgreSQL search backend's table

__all__ = [
    "AnswerTemplate",
    "AuditEntry",
    "AuditHead",
    "Catalog",
    "CatalogAdjustment",
    "CatalogDeputyReview",
    "CatalogEntry",
    "CatalogStatus",
    "CatalogSubmission",
    "ChannelKind",  # issue 11
    "Consultation",
    "Correction",
    "Decision",
    "DecisionChange",
    "DecisionChangeKind",
    "DecisionFollow",  # issue 12
    "DecisionSource",
    "Department",
    "DepartmentKind",
    "Dispute",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "DraftingMode",
    "DraftingRecord",
    # issue 7 part 2: supervision and post-evaluation
    "Evaluation",
    "EvaluationTeamMember",
    "Expert",
    "ExpertAssessment",
    "ExpertAssignment",
    "ExpertConflict",
    "ExpertFeedback",
    "ExpertGroup",
    "ExpertPoolSetting",
    "ExpertReview",
    "ExpertSelection",
    "ExpertSelectionPick",
    "FeedbackResponse",  # issue 11
    "FlagRequest",
    "FlagRequestStatus",
    "Government",
    "GovernmentLevel",
    "Hearing",
    "HearingRegistration",
    "HearingSide",
    "ImplementationUpdate",
    "Inspection",
    "LegalAdviserOpinion",
    "LegalityOpinionPoint",
    "LegalityPause",
    "LegalityReview",
    "Meeting",
    "Opinion",
    "OpinionReport",
    "OutboxMessage",
    "ParticipationActivity",
    "ParticipationChannel",  # issue 11
    "PartyReport",
    "ProcedureStep",
    "Proposal",
    "PublicFeedback",
    "Rectification",
    "RiskAssessment",
    "RiskCategoryLevel",
    "SearchDocument",  # issue 6
    "SupervisionTask",
    "TrackingEntry",
    "TrackingReminder",
    "TriggerReview",
    "UnitConsultation",
    "User",
    "UserRole",
    "WorkdayOverride",
    "WorkdayYear",
    "YearEndAssessment",
]
