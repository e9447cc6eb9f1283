"""Publication, filing and execution of a decision (PROC-37, PROC-38, PROC-40, PROC-8a).

Publishing is a transition of the procedure (architecture.md): ``publish_decision`` enters the
publication step through the state machine (or finds it in progress without a date), so a
decision is published only after its legality review (PROC-28b/d), its collective decision
(PROC-35c), the Party committee report (PROC-36a) and, where required, the report to the
People's Congress standing committee (PROC-8a); only then is ``published_at`` set, the decision
text, interpretation and adoption report become public and the search index is told. The
publication date and the filing are locked once recorded; the government office corrects them
with a reason, and the correction is shown on the public dossier.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.correction import Correction
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.rules import deadlines, gates, transitions
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import present
from portal.rules.locks import RecordGroup
from portal.rules.stages import Step, StepStatus
from portal.rules.workdays import Deadline, local_date
from portal.services import corrections, procedure
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import index_later as _index_later
from portal.services.records import local_midnight, update_record
from portal.services.stage_dates import not_before, not_future

# The documents published with a decision (PROC-37a/b).
PUBLICATION_DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.DECISION_TEXT,
    DocumentKind.INTERPRETATION,
    DocumentKind.ADOPTION_REPORT,
)


DOCUMENT_NUMBER_MAX = 100


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- typed inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationInput:
    """PROC-37a / A33: the earliest official publication date and the channels."""

    published_on: date
    channels: tuple[str, ...] = ()
    # PROC-37a: the document number (文号) the decision was issued under, e.g. 赤政发〔2026〕12号;
    # None leaves the recorded number as it is
    document_number: str | None = None


@dataclass(frozen=True)
class FilingInput:
    """PROC-38a / A41: the filing with the higher government."""

    filed_on: date
    filing_ref: str


@dataclass(frozen=True)
class ExecutionInput:
    """PROC-40b: execution reported complete (``None``: not complete)."""

    completed_on: date | None


# -- what the screen shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationChecks:
    entry: list[RuleViolation]  # what publishing needs now (empty once published)
    publication: list[RuleViolation]  # PROC-37a/b/c
    filing: list[RuleViolation]  # PROC-38a


def checks(decision: Decision) -> PublicationChecks:
    facts = procedure.build_facts(decision)
    return PublicationChecks(
        entry=[] if decision.published_at is not None else _gate_violations(decision),
        publication=gates.publication_completion_violations(facts),
        filing=gates.filing_completion_violations(facts),
    )


PUBLICATION_GROUPS = (RecordGroup.PUBLICATION, RecordGroup.FILING, RecordGroup.EXECUTION)


def screen_corrections(decision: Decision) -> list[Correction]:
    return [c for c in corrections.corrections_of(decision) if c.group in PUBLICATION_GROUPS]


# -- publication (PROC-37, a transition) ----------------------------------------------------------


def _gate_violations(decision: Decision) -> list[RuleViolation]:
    """What stands between the decision and its publication, from the state machine: entering
    the publication step (PROC-36a after PROC-35c, with PROC-28b/d and PROC-8a), or, when the
    step is already in progress without a date, the same entry gates again."""
    facts = procedure.build_facts(decision)
    if facts.status(Step.PUBLICATION) is StepStatus.IN_PROGRESS:
        return gates.publication_entry_violations(facts)
    return transitions.blocking_reasons(facts, Step.PUBLICATION, calendar=procedure.work_calendar())


def _date_violations(decision: Decision, day: date, now: datetime) -> list[RuleViolation]:
    # PROC-38a: the publication date starts the 30-day filing clock; it has happened
    out = not_future("published_on", day, now, "PROC-38a")
    m = procedure.meeting(decision)
    # PROC-37a: what is published is the decision the collective discussion made
    out += not_before("published_on", day, m.meeting_on if m else None, "PROC-37a")
    pr = procedure.party_report(decision)
    # PROC-36a: the Party committee report comes before issuance (出台前)
    out += not_before("published_on", day, pr.reported_on if pr else None, "PROC-36a")
    # PROC-8a: so does the report to the People's Congress standing committee
    out += not_before("published_on", day, decision.npc_reported_on, "PROC-8a")
    if decision.filed_on is not None and decision.filed_on < day:
        out.append(
            _v("", N_("The decision cannot be published after it was filed."), "published_on")
        )
    return out


def publish_decision(
    decision: Decision,
    data: PublicationInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """Publish the decision (PROC-37a, A33): a transition into the publication step.

    Refused with every reason when the state machine does not allow it, when the date is in the
    future or before the meeting or the reports it follows, or without a public channel (not
    needed for a non-disclosable item, PROC-37c, whose documents never become public). Once
    published, the date and channels are locked; ``correction`` (the reason) lets the
    government office correct them, and the correction is shown on the dossier."""
    channels = tuple(dict.fromkeys(c.strip() for c in data.channels if c.strip()))
    published = decision.published_at is not None
    out: list[RuleViolation] = [] if published else _gate_violations(decision)
    out += _date_violations(decision, data.published_on, now)
    if not decision.non_disclosable and not channels:
        # PROC-37a: at least one public channel (PROC-37c: unless not disclosable)
        out.append(
            _v(
                "PROC-37a",
                N_("The decision must be published through a public channel."),
                "channels",
            )
        )
    number = (
        decision.document_number
        if data.document_number is None
        else " ".join(data.document_number.split())
    )
    if len(number) > DOCUMENT_NUMBER_MAX:
        out.append(
            _v(
                "",
                N_("The document number is at most %(max)s characters."),
                "document_number",
                max=DOCUMENT_NUMBER_MAX,
            )
        )
    refuse(out)
    if not published and procedure.build_facts(decision).status(Step.PUBLICATION) is not (
        StepStatus.IN_PROGRESS
    ):
        procedure.transition(decision, Step.PUBLICATION, actor=actor, now=now, ip=ip)
    # Once published the record is locked: a change is refused (PROC-39a) unless it is the
    # government office's correction with its reason.
    update_record(
        decision,
        {
            "published_at": local_midnight(data.published_on),
            "publication_channels": "\n".join(channels),
            "document_number": number,
        },
        action="publication.publish",
        correction=correction if published else None,
        **_audit_kw(decision, actor, now, ip),
    )
    if decision.non_disclosable:
        return
    if not published:
        _publish_documents(decision, now)
        from portal.services import notifications

        notifications.decision_published(decision, now=now)  # issue 12: followers
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
    the decision is published (``publish_decision`` publishes the latest versions)."""
    if kind not in PUBLICATION_DOCUMENT_KINDS:
        refuse([_v("", N_("Choose a document type."), "kind")])
    if kind is DocumentKind.DECISION_TEXT and decision.published_at is not None:
        # PROC-45a: the published decision is not changed at will; an adjustment goes
        # through the statutory procedure (the interpretation may follow publication)
        refuse(
            [
                _v(
                    "PROC-45a",
                    N_(
                        "The decision text is published; it changes only through the "
                        "statutory procedure of an adjustment."
                    ),
                    "kind",
                )
            ]
        )
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
    decision: Decision,
    data: FilingInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """PROC-38a / A41: the filing date and the platform reference (lateness is an alert).
    Locked once recorded; the government office corrects it with a reason."""
    out: list[RuleViolation] = []
    if decision.published_at is None:
        # PROC-38a: filing follows publication
        out.append(_v("PROC-38a", N_("Record the publication date before the filing."), "filed_on"))
    else:
        # PROC-38a: the filing is recorded once made, after the publication it follows
        out += not_future("filed_on", data.filed_on, now, "PROC-38a")
        out += not_before("filed_on", data.filed_on, local_date(decision.published_at), "PROC-38a")
    if not present(data.filing_ref):
        # PROC-38a: record filed_at and filing_platform_ref
        out.append(
            _v("PROC-38a", N_("Record the filing date and the platform reference."), "filing_ref")
        )
    refuse(out)
    update_record(
        decision,
        {"filed_on": data.filed_on, "filing_ref": data.filing_ref.strip()},
        action="publication.filing",
        correction=correction,
        **_audit_kw(decision, actor, now, ip),
    )


def record_execution_completed(
    decision: Decision,
    data: ExecutionInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> None:
    """PROC-40b: the execution unit reports execution complete: a day that has happened, after
    the publication. Locked once recorded; the undertaking unit corrects it with a reason."""
    day = data.completed_on
    out: list[RuleViolation] = []
    if day is not None:
        if decision.published_at is None:
            # PROC-40b: a decision is executed once it is published (PROC-40a, PROC-37a)
            out.append(
                _v(
                    "PROC-40b",
                    N_("Execution cannot be complete before the decision is published."),
                    "execution_completed_on",
                )
            )
        else:
            # PROC-40b: execution reported complete on a day that has happened
            out += not_future("execution_completed_on", day, now, "PROC-40b")
            out += not_before(
                "execution_completed_on", day, local_date(decision.published_at), "PROC-40b"
            )
    refuse(out)
    update_record(
        decision,
        {"execution_completed_on": day},
        action="execution.completed",
        correction=correction,
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
