"""The archive package of a decision (PROC-39a: 全过程记录和材料归档).

``build_archive`` writes one zip with everything the procedure recorded: the decision, its steps,
every stage record, every document version, every opinion of the consultation with its
moderation state, answer and adoption (``opinions.csv``) and the public feedback of the
post-evaluation (``feedback.csv``), every hearing and symposium with its notice, record, report,
sides and registrations (``records/hearings.json``), every correction of an issued record and
every request to change a gate-switching flag (``records/corrections.json``), and the decision's
audit entries (with their sequence numbers and hashes, so they can be checked against the
chain). A ``manifest.json`` lists every file with its size and SHA-256 and how many rows of each
kind the package holds. The package is derived data: it can be rebuilt from the database at any
time. Building it is recorded in the audit log.

Privacy (security.md, A39): the package holds no contact data of the public: no e-mail address,
phone number, resident ID number, IP hash, receipt or check-in code of an opinion, a feedback
item or a registration; a name appears only where its owner consented to its publication; phone
and ID numbers typed into a text are masked.

``complete_archive`` records that the whole-process archive is complete (PROC-39a): from then on
the decision-making record is frozen (``portal.services.records``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.correction import Correction, FlagRequest
from portal.models.decision import Decision, ProcedureStep
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentVersion
from portal.models.drafting import Dispute, DraftingRecord, UnitConsultation
from portal.models.evaluation import PublicFeedback
from portal.models.expert import ExpertReview
from portal.models.hearing import Hearing, HearingRegistration
from portal.models.implementation import DecisionChange
from portal.models.opinion import Opinion
from portal.models.participation import ParticipationActivity
from portal.models.review import LegalityReview
from portal.models.risk import RiskAssessment
from portal.rules import privacy, records
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.transitions import FINAL_EXITS
from portal.rules.workdays import CHINA_TZ
from portal.services import audit, exports
from portal.services.records import update_record

GENERATOR = "Decision Portal archive package v2"
# opinions.csv: the opinion as received (personal data masked), its moderation and its answer
# (PROC-20a, PART-15b); ``author`` only with the submitter's consent (A39).
OPINION_COLUMNS = (
    "id",
    "consultation_id",
    "submitted_at",
    "clause",
    "theme",
    "author",
    "text",
    "status",
    "withheld_reason",
    "moderated_at",
    "published_text",
    "adoption",
    "response",
    "answered_at",
    "group_key",
    "channel",  # online, or how it was received offline (PART-6c)
    "entered_at",  # when staff entered an opinion received offline
    "entered_by_id",
)
# feedback.csv: the public's feedback on the decision (EVAL-9b call for input, PROC-42b).
FEEDBACK_COLUMNS = (
    "id",
    "evaluation_id",
    "submitted_at",
    "author",
    "text",
    "status",
    "withheld_reason",
    "moderated_at",
    "published_text",
)
# Registration fields that never go into the package (contacts, ID number, codes that allow
# a look-up or a check-in, the duplicate keys); the name only with consent.
REGISTRATION_PRIVATE = frozenset(
    {
        "contact_phone",
        "contact_email",
        "id_number",
        "receipt_code",
        "checkin_code",
        "idempotency_key",
        "content_hash",
        "active_contact_key",
        "ip_hash",
    }
)
NOTES = (
    N_(
        "No contact data of the public is in the package: e-mail addresses, phone numbers, ID "
        "numbers, IP hashes and receipt codes of opinions, feedback and registrations are left "
        "out, names appear only with their owner's consent, and phone and ID numbers written "
        "in a text are masked."
    ),
)
# The record files, in the order they are written, with what they hold.
RECORD_FILES: tuple[tuple[str, str], ...] = (
    ("records/drafting.json", N_("Drafting record, research, unit consultations and disputes")),
    ("records/consultations.json", N_("Public comment periods")),
    ("records/participation.json", N_("Symposiums, hearings and other participation activities")),
    ("records/experts.json", N_("Expert review, experts and the expert report")),
    ("records/risk.json", N_("Risk assessment, risk categories and the PLAC filing")),
    (
        "records/legality.json",
        N_("Legality reviews with pauses, adviser opinions and opinion points"),
    ),
    ("records/meetings.json", N_("Collective decision meetings")),
    ("records/party_reports.json", N_("Requests and reports to the Party committee")),
    ("records/changes.json", N_("Suspensions, adjustments and terminations")),
    (
        "records/hearings.json",
        N_("Hearings and symposiums: notice, sides, registrations, record and report"),
    ),
    (
        "records/corrections.json",
        N_("Corrections of issued records and requests to change gate-switching flags"),
    ),
)


# -- plain values -------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A JSON-ready value: enums as their values, dates and times in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def columns(row: Any) -> dict[str, Any]:
    """Every column of a model row, as plain values."""
    if row is None:
        return {}
    return {c.key: plain(getattr(row, c.key)) for c in row.__table__.columns}


def to_json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def neutralise(value: Any) -> str:
    """security.md (Exports): a cell starting with = + - @ TAB or CR gets a leading quote, so a
    spreadsheet never runs it as a formula."""
    return exports.neutralise("" if value is None else str(plain(value)))


def to_csv(header: tuple[str, ...] | list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read Chinese), cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the records --------------------------------------------------------------------------------


def _rows(model, decision: Decision, order=None) -> list:
    query = sa.select(model).where(model.decision_id == decision.id)
    return list(db.session.scalars(query.order_by(order if order is not None else model.id)))


def decision_record(decision: Decision) -> dict[str, Any]:
    data = columns(decision)
    data["government"] = {"slug": decision.government.slug, "name": decision.government.name}
    data["undertaking_units"] = [u.name for u in decision.undertaking_units]
    data["lead_unit"] = decision.lead_unit.name if decision.lead_unit else None
    data["executing_unit"] = decision.executing_unit.name if decision.executing_unit else None
    return data


STEP_COLUMNS = (
    "step",
    "round",
    "status",
    "started_at",
    "completed_at",
    "due_on",
    "explanation",
    "actor_id",
)


def steps_csv(decision: Decision) -> bytes:
    steps = db.session.scalars(
        sa.select(ProcedureStep)
        .where(ProcedureStep.decision_id == decision.id)
        .order_by(ProcedureStep.started_at, ProcedureStep.id)
    ).all()
    return to_csv(STEP_COLUMNS, [[getattr(s, c) for c in STEP_COLUMNS] for s in steps])


def record_files(decision: Decision) -> dict[str, Any]:
    """The content of each ``records/*.json`` file."""
    drafting = _rows(DraftingRecord, decision)
    reviews = _rows(ExpertReview, decision)
    risks = _rows(RiskAssessment, decision)
    legality = _rows(LegalityReview, decision, LegalityReview.round)
    return {
        "records/drafting.json": {
            "drafting_record": columns(drafting[0]) if drafting else None,
            "unit_consultations": [
                columns(r) for r in _rows(UnitConsultation, decision, UnitConsultation.consulted_on)
            ],
            "disputes": [columns(r) for r in _rows(Dispute, decision)],
        },
        "records/consultations.json": [
            columns(c) for c in _rows(Consultation, decision, Consultation.opens_at)
        ],
        "records/participation.json": [
            columns(a)
            for a in _rows(ParticipationActivity, decision, ParticipationActivity.held_on)
        ],
        "records/experts.json": [
            columns(r) | {"experts": [columns(e) for e in r.experts]} for r in reviews
        ],
        "records/risk.json": [
            columns(r) | {"categories": [columns(c) for c in r.categories]} for r in risks
        ],
        "records/legality.json": [
            columns(r)
            | {
                "pauses": [columns(p) for p in r.pauses],
                "adviser_opinions": [columns(o) for o in r.adviser_opinions],
                "points": [columns(p) for p in r.points],
            }
            for r in legality
        ],
        "records/meetings.json": [columns(m) for m in _rows(Meeting, decision, Meeting.round)],
        "records/party_reports.json": [
            columns(p) for p in _rows(PartyReport, decision, PartyReport.reported_on)
        ],
        "records/changes.json": [
            columns(c) for c in _rows(DecisionChange, decision, DecisionChange.decided_on)
        ],
        "records/hearings.json": [hearing_record(h) for h in hearings_of(decision)],
        "records/corrections.json": {
            "corrections": [columns(c) for c in _rows(Correction, decision, Correction.id)],
            "flag_requests": [columns(r) for r in _rows(FlagRequest, decision, FlagRequest.id)],
        },
    }


# -- the public's contributions, without their contact data (security.md, A39) ------------------


def _masked(text: str, *private: str) -> str:
    """``text`` with phone and ID numbers masked, and the record's own contacts removed."""
    out = privacy.mask_personal_data(text or "")
    for value in private:
        value = (value or "").strip()
        if len(value) >= 5:
            out = out.replace(value, privacy.mask_contact(value))
    return out


def _author(name: str, consent: bool) -> str:
    return (name or "") if consent else ""


def opinions_of(decision: Decision) -> list[Opinion]:
    return _rows(Opinion, decision, Opinion.id)


def opinion_rows(decision: Decision) -> list[list[Any]]:
    return [
        [
            o.id,
            o.consultation_id,
            o.submitted_at,
            o.clause,
            o.theme,
            _author(o.display_name, o.publish_name_consent),
            _masked(o.body, o.contact_email, o.contact_phone),
            o.status,
            o.withheld_reason or "",
            o.moderated_at or "",
            _masked(o.published_body, o.contact_email, o.contact_phone),
            o.adoption,
            _masked(o.response),
            o.answered_at or "",
            o.group_key,
            o.channel,
            o.entered_at or "",
            o.entered_by_id or "",
        ]
        for o in opinions_of(decision)
    ]


def feedback_of(decision: Decision) -> list[PublicFeedback]:
    return _rows(PublicFeedback, decision, PublicFeedback.id)


def feedback_rows(decision: Decision) -> list[list[Any]]:
    return [
        [
            f.id,
            f.evaluation_id or "",
            f.submitted_at,
            _author(f.display_name, f.publish_name_consent),
            _masked(f.body, f.contact_email, f.contact_phone),
            f.status,
            f.withheld_reason or "",
            f.moderated_at or "",
            _masked(f.published_body, f.contact_email, f.contact_phone),
        ]
        for f in feedback_of(decision)
    ]


def hearings_of(decision: Decision) -> list[Hearing]:
    return _rows(Hearing, decision, Hearing.id)


def registrations_of(hearing: Hearing) -> list[HearingRegistration]:
    return list(
        db.session.scalars(
            sa.select(HearingRegistration)
            .where(HearingRegistration.hearing_id == hearing.id)
            .order_by(HearingRegistration.id)
        )
    )


def registration_record(r: HearingRegistration) -> dict[str, Any]:
    data = {k: v for k, v in columns(r).items() if k not in REGISTRATION_PRIVATE}
    data["name"] = _author(r.name, r.publish_name_consent)
    data["statement"] = _masked(r.statement, r.contact_email, r.contact_phone, r.id_number)
    data["record_note"] = _masked(r.record_note, r.contact_email, r.contact_phone, r.id_number)
    data["side"] = r.side.name if r.side is not None else None
    return data


def hearing_record(h: Hearing) -> dict[str, Any]:
    """The notice, the sides, every registration (no contacts), the record and the report."""
    return columns(h) | {
        "sides": [columns(s) for s in h.sides],
        "registrations": [registration_record(r) for r in registrations_of(h)],
    }


@dataclass(frozen=True)
class DocumentFile:
    path: str
    document: Document
    version: DocumentVersion


def document_files(decision: Decision) -> list[DocumentFile]:
    """``documents/<kind>/v<N>.txt`` for every version; a second document of the same kind
    goes under ``documents/<kind>-<document id>/``."""
    docs = db.session.scalars(
        sa.select(Document).where(Document.decision_id == decision.id).order_by(Document.id)
    ).all()
    seen: set[str] = set()
    out: list[DocumentFile] = []
    for doc in docs:
        folder = str(doc.kind)
        if folder in seen:
            folder = f"{doc.kind}-{doc.id}"
        seen.add(folder)
        for version in doc.versions:
            out.append(DocumentFile(f"documents/{folder}/v{version.number}.txt", doc, version))
    return out


def audit_entries(decision: Decision) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(decision.id))
            .order_by(AuditEntry.seq)
        )
    )


def audit_jsonl(decision: Decision) -> bytes:
    """One entry per line with every hashed field, ``prev_hash`` and ``hash``: with
    ``portal.services.audit.entry_digest`` each line can be checked against the chain."""
    lines = []
    for e in audit_entries(decision):
        lines.append(
            json.dumps(
                {
                    "seq": e.seq,
                    "occurred_at": e.occurred_at.isoformat(timespec="microseconds"),
                    "actor_id": e.actor_id,
                    "actor_label": e.actor_label,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "government_id": e.government_id,
                    "data": e.data,
                    "ip": e.ip,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                },
                ensure_ascii=False,
                sort_keys=True,
            )
        )
    return ("\n".join(lines) + ("\n" if lines else "")).encode()


def package_files(decision: Decision) -> list[tuple[str, bytes]]:
    """Every file of the package except the manifest, in order."""
    files: list[tuple[str, bytes]] = [
        ("decision.json", to_json(decision_record(decision))),
        ("steps.csv", steps_csv(decision)),
    ]
    for path, content in record_files(decision).items():
        files.append((path, to_json(content)))
    for f in document_files(decision):
        files.append((f.path, f.version.body.encode()))
    files.append(("opinions.csv", to_csv(OPINION_COLUMNS, opinion_rows(decision))))
    files.append(("feedback.csv", to_csv(FEEDBACK_COLUMNS, feedback_rows(decision))))
    files.append(("audit.jsonl", audit_jsonl(decision)))
    return files


def counts(decision: Decision) -> dict[str, int]:
    """How many rows of each kind the package holds (listed in the manifest)."""
    hearings = hearings_of(decision)
    return {
        "opinions": len(opinions_of(decision)),
        "feedback": len(feedback_of(decision)),
        "hearings": len(hearings),
        "registrations": sum(len(registrations_of(h)) for h in hearings),
        "corrections": len(_rows(Correction, decision, Correction.id)),
        "flag_requests": len(_rows(FlagRequest, decision, FlagRequest.id)),
        "audit_entries": len(audit_entries(decision)),
    }


def manifest(
    decision: Decision, files: list[tuple[str, bytes]], *, actor, now: datetime
) -> dict[str, Any]:
    docs = {f.path: f for f in document_files(decision)}
    entries = audit_entries(decision)
    return {
        "decision": {
            "id": decision.id,
            "title": decision.title,
            "government": decision.government.slug,
            "stage": str(decision.stage),
        },
        "generated_at": now.isoformat(),
        "generator": GENERATOR,
        "generated_by": getattr(actor, "username", None) or str(actor or "system"),
        "files": [
            {"path": path, "size": len(data), "sha256": sha256(data)}
            | (
                {
                    "document_id": docs[path].document.id,
                    "title": docs[path].document.title,
                    "version": docs[path].version.number,
                    "is_public": docs[path].document.is_public,
                    "recorded_sha256": docs[path].version.sha256,
                    "original_name": docs[path].version.original_name,
                }
                if path in docs
                else {}
            )
            for path, data in files
        ],
        "audit": {
            "entries": len(entries),
            "first_seq": entries[0].seq if entries else None,
            "last_seq": entries[-1].seq if entries else None,
        },
        "counts": counts(decision),
        "notes": list(NOTES),
    }


def _zip(files: list[tuple[str, bytes]], now: datetime) -> bytes:
    stamp = now.astimezone(CHINA_TZ).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def build_archive(decision: Decision, *, actor, now: datetime, ip: str = "") -> bytes:
    """The zip of the whole record (PROC-39a); records ``decision.archive_export``. Flushes."""
    files = package_files(decision)
    files.insert(0, ("manifest.json", to_json(manifest(decision, files, actor=actor, now=now))))
    data = _zip(files, now)
    audit.record(
        "decision.archive_export",
        actor=actor,
        now=now,
        obj=decision,
        details={"files": len(files), "size": len(data), "sha256": sha256(data)},
        ip=ip,
    )
    return data


# -- PROC-39a: the archive is complete ----------------------------------------------------------


def completion_violations(decision: Decision) -> list[RuleViolation]:
    """Why the archive cannot be recorded complete now (empty: it can)."""
    if decision.archived_at is not None:
        # PROC-39a: the archive is recorded complete once; the record is frozen since
        return [
            RuleViolation(
                "PROC-39a", N_("The archive is already recorded as complete."), field="archive"
            )
        ]
    # PROC-39a: after the filing, or when the procedure has ended
    return records.archive_completion_violations(
        filed=decision.filed_on is not None, ended=decision.stage in FINAL_EXITS
    )


def complete_archive(decision: Decision, *, actor, now: datetime, ip: str = "") -> Decision:
    """PROC-39a: record that the whole-process archive of ``decision`` is complete. From then
    on its decision-making record is frozen (``portal.services.records``). Flushes, audits."""
    refuse(completion_violations(decision))
    update_record(
        decision,
        {"archived_at": now},
        decision=decision,
        actor=actor,
        now=now,
        action="archive.complete",
        ip=ip,
    )
    return decision
