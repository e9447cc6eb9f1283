"""The archive package of a decision (PROC-39a: 全过程记录和材料归档).

``build_archive`` writes one zip with everything the procedure recorded: the decision, its steps,
every stage record, every document version, the consultation opinions and the decision's audit
entries (with their sequence numbers and hashes, so they can be checked against the chain). A
``manifest.json`` lists every file with its size and SHA-256. The package is derived data: it can
be rebuilt from the database at any time. Building it is recorded in the audit log.
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
from portal.models.decision import Decision, ProcedureStep
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentVersion
from portal.models.drafting import Dispute, DraftingRecord, UnitConsultation
from portal.models.expert import ExpertReview
from portal.models.implementation import DecisionChange
from portal.models.participation import ParticipationActivity
from portal.models.review import LegalityReview
from portal.models.risk import RiskAssessment
from portal.rules.errors import N_
from portal.rules.workdays import CHINA_TZ
from portal.services import audit, exports

GENERATOR = "Decision Portal archive package v1"
OPINION_COLUMNS = (
    "id",
    "consultation_id",
    "submitted_at",
    "author",
    "text",
    "status",
    "adoption",
    "adoption_explanation",
)
OPINIONS_NOTE = N_(
    "opinions.csv has its header row only: consultation opinions arrive with the consultation "
    "issue (the Opinion model does not exist yet)."
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
    files.append(("opinions.csv", to_csv(OPINION_COLUMNS, [])))
    files.append(("audit.jsonl", audit_jsonl(decision)))
    return files


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
        "notes": [OPINIONS_NOTE],
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
