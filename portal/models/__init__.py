"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from portal.models.audit import AuditEntry, AuditHead
from portal.models.catalog import Catalog, CatalogAdjustment, CatalogEntry, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.org import Department, DepartmentKind, Government, GovernmentLevel
from portal.models.outbox import OutboxMessage
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
    "DecisionSource",
    "Department",
    "DepartmentKind",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "Government",
    "GovernmentLevel",
    "OutboxMessage",
    "ProcedureStep",
    "User",
    "UserRole",
]
