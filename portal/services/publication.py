"""Publication, filing and execution of a decision (PROC-37, PROC-38, PROC-40)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.rules import deadlines
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.rules.workdays import Deadline, local_date
from portal.services import procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import index_later as _index_later
from portal.services.records import local_midnight, update_record

# The documents published with a decision (PROC-37a/b).
PUBLICATION_DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.DECISION_TEXT,
    DocumentKind.INTERPRETATION,
    DocumentKind.ADOPTION_REPORT,
)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- publication, filing, execution (PROC-37, PROC-38, PROC-40) -----------------------------------


def record_publication(
    decision: Decision, published_on: date, channels: str, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-37a / A33: the earliest official publication date and the channels."""
    lines = [c.strip() for c in channels.splitlines() if c.strip()]
    out = []
    if not decision.non_disclosable and not lines:
        # PROC-37a: at least one public channel (PROC-37c: unless not disclosable)
        out.append(
            _v(
                "PROC-37a",
                N_("The decision must be published through a public channel."),
                "channels",
            )
        )
    if decision.filed_on is not None and decision.filed_on < published_on:
        out.append(
            _v("", N_("The decision cannot be published after it was filed."), "published_on")
        )
    refuse(out)
    update_record(
        decision,
        {"published_at": local_midnight(published_on), "publication_channels": "\n".join(lines)},
        action="publication.publish",
        **_audit_kw(decision, actor, now, ip),
    )
    if not decision.non_disclosable:
        _publish_documents(decision, now)
        _index_later(decision, now)


def _publication_documents(decision: Decision) -> list[Document]:
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(
                Document.decision_id == decision.id,
                Document.kind.in_([str(k) for k in PUBLICATION_DOCUMENT_KINDS]),
            )
            .order_by(Document.id)
        ).all()
    )


def publication_documents(decision: Decision) -> list[Document]:
    return _publication_documents(decision)


def _publish_documents(decision: Decision, now: datetime) -> None:
    for doc in _publication_documents(decision):
        latest = doc.latest
        if doc.is_public and latest is not None and latest.published_at is None:
            latest.published_at = now
    db.session.flush()


def add_document_version(
    decision: Decision,
    kind: DocumentKind,
    title: str,
    body: str,
    change_note: str,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> DocumentVersion:
    """A new version of the decision text, its interpretation or the adoption report.

    Public unless the decision is not disclosable (A7); a version reaches the public site once
    the decision is published (``record_publication`` publishes the latest versions)."""
    if kind not in PUBLICATION_DOCUMENT_KINDS:
        refuse([_v("", N_("Choose a document type."), "kind")])
    doc = db.session.scalar(
        sa.select(Document)
        .where(Document.decision_id == decision.id, Document.kind == kind)
        .order_by(Document.id)
        .limit(1)
    )
    public = not decision.non_disclosable
    if doc is None:
        doc = Document(decision_id=decision.id, kind=kind, title=title.strip(), created_at=now)
        update_record(
            doc,
            {"title": title.strip(), "is_public": public},
            action="publication.document_create",
            **_audit_kw(decision, actor, now, ip),
        )
    else:
        update_record(
            doc,
            {"title": title.strip(), "is_public": public},
            action="publication.document_update",
            **_audit_kw(decision, actor, now, ip),
        )
    number = (max((v.number for v in doc.versions), default=0)) + 1
    version = DocumentVersion(document_id=doc.id)
    update_record(
        version,
        {
            "number": number,
            "body": body,
            "change_note": change_note.strip(),
            "sha256": hashlib.sha256(body.encode()).hexdigest(),
            "created_at": now,
            "created_by_id": getattr(actor, "id", None),
            "published_at": now if public and decision.published_at is not None else None,
        },
        action="publication.document_version",
        **_audit_kw(decision, actor, now, ip),
    )
    db.session.refresh(doc)
    if version.published_at is not None:
        _index_later(decision, now)
    return version


def record_filing(
    decision: Decision, filed_on: date, filing_ref: str, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-38a / A41: the filing date and the platform reference (lateness is an alert)."""
    out = []
    if decision.published_at is None:
        # PROC-38a: filing follows publication
        out.append(_v("PROC-38a", N_("Record the publication date before the filing."), "filed_on"))
    elif filed_on < local_date(decision.published_at):
        out.append(_v("", N_("The filing cannot precede the publication."), "filed_on"))
    if not present(filing_ref):
        # PROC-38a: record filed_at and filing_platform_ref
        out.append(
            _v("PROC-38a", N_("Record the filing date and the platform reference."), "filing_ref")
        )
    refuse(out)
    update_record(
        decision,
        {"filed_on": filed_on, "filing_ref": filing_ref.strip()},
        action="publication.filing",
        **_audit_kw(decision, actor, now, ip),
    )


def record_execution_completed(
    decision: Decision, completed_on: date | None, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-40b: the execution unit reports execution complete (None clears it)."""
    if (
        completed_on is not None
        and decision.published_at is not None
        and completed_on < (local_date(decision.published_at))
    ):
        refuse(
            [
                _v(
                    "",
                    N_("Execution cannot be complete before publication."),
                    "execution_completed_on",
                )
            ]
        )
    update_record(
        decision,
        {"execution_completed_on": completed_on},
        action="execution.completed",
        **_audit_kw(decision, actor, now, ip),
    )


def filing_due(decision: Decision) -> Deadline | None:
    if decision.published_at is None:
        return None
    return deadlines.decision_filing_due(decision.published_at, procedure.work_calendar())


def filing_overdue(decision: Decision, today: date) -> list[RuleViolation]:
    if decision.published_at is None:
        return []
    return deadlines.decision_filing_violations(
        decision.published_at, decision.filed_on, today, procedure.work_calendar()
    )
