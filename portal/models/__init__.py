"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from portal.models.audit import AuditEntry, AuditHead
from portal.models.calendar import WorkdayOverride
from portal.models.catalog import Catalog, CatalogAdjustment, CatalogEntry, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.models.expert import ExpertAssignment, ExpertReview
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.models.opinion import Opinion
from portal.models.org import Department, DepartmentKind, Government, GovernmentLevel
from portal.models.outbox import OutboxMessage
from portal.models.participation import ParticipationActivity
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.models.user import User, UserRole

__all__ = [
    "AuditEntry",
    "AuditHead",
    "Catalog",
    "CatalogAdjustment",
    "CatalogEntry",
    "CatalogStatus",
    "Consultation",
    "Decision",
    "DecisionChange",
    "DecisionChangeKind",
    "DecisionSource",
    "Department",
    "DepartmentKind",
    "Dispute",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "DraftingMode",
    "DraftingRecord",
    "ExpertAssignment",
    "ExpertReview",
    "Government",
    "GovernmentLevel",
    "LegalAdviserOpinion",
    "LegalityOpinionPoint",
    "LegalityPause",
    "LegalityReview",
    "Meeting",
    "Opinion",
    "OutboxMessage",
    "ParticipationActivity",
    "PartyReport",
    "ProcedureStep",
    "RiskAssessment",
    "RiskCategoryLevel",
    "UnitConsultation",
    "User",
    "UserRole",
    "WorkdayOverride",
]
