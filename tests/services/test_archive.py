"""The archive package (PROC-39a): contents, checksums, CSV neutralisation, audit, CLI, download."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from portal.demo_hearings import seed_demo_hearings
from portal.demo_opinions import seed_demo_opinions
from portal.extensions import db
from portal.models import AuditEntry, Decision, User
from portal.models.audit import AuditEntry as Entry
from portal.models.correction import Correction, FlagRequest
from portal.models.evaluation import PublicFeedback
from portal.models.hearing import Hearing, HearingRegistration
from portal.models.opinion import Opinion
from portal.rules.locks import RecordGroup
from portal.rules.stages import Step
from portal.services import archive, audit, corrections
from portal.services.corrections import FlagChange
from tests.conftest import NOW, login

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"
OUTPATIENT = "赤峰市基本医疗保险门诊共济保障实施办法"
RECORDS = {
    "hearings",
    "corrections",
    "drafting",
    "consultations",
    "participation",
    "experts",
    "risk",
    "legality",
    "meetings",
    "party_reports",
    "changes",
}


def by_title(title: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def exports(decision: Decision) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "decision.archive_export",
                AuditEntry.object_id == str(decision.id),
            )
        )
    )


def test_the_package_holds_every_record_type_document_and_the_audit_trail(ctx, demo):
    decision = by_title(OUTPATIENT)
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))
    names = set(files)
    assert {"manifest.json", "decision.json", "steps.csv", "opinions.csv", "audit.jsonl"} <= names
    assert {f"records/{r}.json" for r in RECORDS} <= names
    assert {"documents/draft/v1.txt", "documents/drafting_explanation/v1.txt"} <= names

    record = json.loads(files["decision.json"])
    assert record["id"] == decision.id and record["title"] == OUTPATIENT
    assert record["stage"] == "deliberation" and record["initiation_ref"]
    assert {c.key for c in Decision.__table__.columns} <= set(record)

    legality = json.loads(files["records/legality.json"])
    assert legality[0]["outcome"] == "lawful"
    assert legality[0]["adviser_opinions"] and legality[0]["points"]
    assert "pauses" in legality[0]
    experts = json.loads(files["records/experts.json"])
    assert len(experts[0]["experts"]) == 5
    assert json.loads(files["records/meetings.json"])[0]["outcome"] == "approved"
    assert json.loads(files["records/risk.json"])[0]["categories"]

    steps = read_csv(files["steps.csv"])
    assert steps[0][:3] == ["step", "round", "status"]
    assert {row[0] for row in steps[1:]} >= {"initiation", "legality_review"}
    # issue 11: the opinion model exists: no more "does not exist yet" note (this decision was
    # never put out for comment, so its opinions.csv has the header only)
    assert read_csv(files["opinions.csv"]) == [list(archive.OPINION_COLUMNS)]
    manifest = json.loads(files["manifest.json"])
    assert not any("does not exist" in note for note in manifest["notes"])
    assert manifest["counts"]["opinions"] == 0
    assert manifest["decision"] == {
        "id": decision.id,
        "title": OUTPATIENT,
        "government": "chifeng",
        "stage": "deliberation",
    }
    assert manifest["generator"] and manifest["generated_at"] == NOW.isoformat()


def test_manifest_sizes_and_checksums_match_the_file_bytes(ctx, demo):
    decision = by_title(HEATING)  # its draft has two versions
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, data in files.items():
        if path == "manifest.json":
            continue
        assert listed[path]["size"] == len(data), path
        assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest(), path
    # Every document version is there, and its recorded checksum matches its text.
    assert {"documents/draft/v1.txt", "documents/draft/v2.txt"} <= set(files)
    assert "不低于65%" in files["documents/draft/v2.txt"].decode()
    for path, entry in listed.items():
        if path.startswith("documents/"):
            assert entry["recorded_sha256"] == entry["sha256"], path


def test_audit_lines_verify_against_the_chain(ctx, demo):
    decision = by_title(OUTPATIENT)
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))
    lines = [json.loads(line) for line in files["audit.jsonl"].decode().splitlines()]
    assert len(lines) > 20
    stored = {
        e.seq: e.hash
        for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.seq.in_([x["seq"] for x in lines]))
        )
    }
    for line in lines:
        assert line["object_type"] == "decisions" and line["object_id"] == str(decision.id)
        assert stored[line["seq"]] == line["hash"]
        entry = Entry(
            **{k: v for k, v in line.items() if k != "occurred_at"},
            occurred_at=datetime.fromisoformat(line["occurred_at"]),
        )
        assert audit.entry_digest(entry) == line["hash"]  # recomputable from the line alone
    assert [x["seq"] for x in lines] == sorted(x["seq"] for x in lines)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised(prefix):
    assert archive.neutralise(f"{prefix}cmd|' /C calc'!A0") == f"'{prefix}cmd|' /C calc'!A0"
    assert archive.neutralise("普通文本") == "普通文本"


def test_steps_csv_neutralises_a_malicious_explanation(ctx, demo):
    decision = by_title(OUTPATIENT)
    row = decision.step(Step.INITIATION)
    row.explanation = '=HYPERLINK("http://evil.example","点击")'
    db.session.flush()
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))
    steps = read_csv(files["steps.csv"])
    column = steps[0].index("explanation")
    cells = [r[column] for r in steps[1:] if r[0] == "initiation"]
    assert cells == ['\'=HYPERLINK("http://evil.example","点击")']
    assert not any(cell.startswith(("=", "+", "@")) for r in steps for cell in r)


def test_building_the_package_is_audited(ctx, demo):
    decision = by_title(OUTPATIENT)
    data = archive.build_archive(decision, actor="tester", now=NOW)
    [entry] = exports(decision)
    assert entry.actor_label == "tester"
    details = json.loads(entry.data)["details"]
    assert details["sha256"] == hashlib.sha256(data).hexdigest()
    assert details["size"] == len(data)
    assert audit.verify_chain() == []


def test_cli_writes_the_package_and_commits_the_audit_entry(runner, demo, tmp_path):
    decision = by_title(OUTPATIENT)
    out = tmp_path / "package.zip"
    result = runner.invoke(args=["portal", "archive-decision", str(decision.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    files = unzip(out.read_bytes())
    assert "manifest.json" in files and "audit.jsonl" in files
    db.session.rollback()  # the entry was committed by the command
    assert len(exports(decision)) == 1
    missing = runner.invoke(args=["portal", "archive-decision", "999999", "--out", str(out)])
    assert missing.exit_code != 0 and "no decision" in missing.output


def test_office_downloads_the_package_from_the_back_office(client, demo):
    decision = by_title(OUTPATIENT)
    login(client, "office")
    page = client.get(f"/admin/decisions/{decision.id}/archive")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "manifest.json" in html and "records/legality.json" in html
    assert f"/admin/decisions/{decision.id}/archive.zip" in html
    response = client.post(f"/admin/decisions/{decision.id}/archive.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote(OUTPATIENT, safe="") in disposition
    assert "manifest.json" in unzip(response.data)
    db.session.rollback()
    assert len(exports(decision)) == 1  # committed by the request


def test_another_governments_office_gets_404(client, demo):
    decision = by_title(OUTPATIENT)
    login(client, "hongshan.office")
    assert client.get(f"/admin/decisions/{decision.id}/archive").status_code == 404
    assert client.post(f"/admin/decisions/{decision.id}/archive.zip").status_code == 404
    assert exports(decision) == []


def test_a_role_without_archive_export_sees_the_contents_but_cannot_download(client, demo):
    decision = by_title(OUTPATIENT)
    login(client, "reviewer")
    page = client.get(f"/admin/decisions/{decision.id}/archive")
    assert page.status_code == 200
    assert "archive.zip" not in page.get_data(as_text=True)
    assert client.post(f"/admin/decisions/{decision.id}/archive.zip").status_code == 403


# -- issue 11: every opinion, hearing, registration and correction, and no contact data ---------


def _contacts(decision: Decision) -> list[str]:
    """Every contact value the public left on this decision (opinions, feedback, registrations)."""
    values = []
    for o in db.session.scalars(sa.select(Opinion).where(Opinion.decision_id == decision.id)):
        values += [o.contact_email, o.contact_phone, o.receipt_code, o.ip_hash]
    for f in db.session.scalars(
        sa.select(PublicFeedback).where(PublicFeedback.decision_id == decision.id)
    ):
        values += [f.contact_email, f.contact_phone, f.receipt_code, f.ip_hash]
    for r in db.session.scalars(
        sa.select(HearingRegistration)
        .join(Hearing, HearingRegistration.hearing_id == Hearing.id)
        .where(Hearing.decision_id == decision.id)
    ):
        values += [
            r.contact_email,
            r.contact_phone,
            r.id_number,
            r.receipt_code,
            r.checkin_code,
            r.ip_hash,
        ]
    return [v for v in values if v and len(v) >= 5]


def _with_corrections(decision: Decision) -> None:
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    corrections.request_flag_change(
        decision,
        FlagChange("is_exploratory_reform", not decision.is_exploratory_reform, "申请调整"),
        actor=office,
        now=NOW,
    )
    db.session.add(
        Correction(
            decision_id=decision.id,
            group=RecordGroup.CONSULTATION,
            record_type="consultations",
            record_id=1,
            changes={"contact_department": ["市住建局", "市城市管理综合执法局"]},
            reason="联系部门录入有误",
            public=True,
            actor_label="office",
            created_at=NOW,
        )
    )
    db.session.flush()


def test_the_archive_of_a_demo_decision_matches_the_database(ctx, demo):
    seed_demo_opinions(NOW)
    seed_demo_hearings(NOW)
    decision = by_title(HEATING)
    _with_corrections(decision)
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))

    # opinions: every one, with its moderation state, answer and adoption
    opinions = db.session.scalars(
        sa.select(Opinion).where(Opinion.decision_id == decision.id).order_by(Opinion.id)
    ).all()
    assert opinions, "the demo decision has opinions"
    rows = read_csv(files["opinions.csv"])
    header, body = rows[0], rows[1:]
    assert header == list(archive.OPINION_COLUMNS)
    col = {name: i for i, name in enumerate(header)}
    assert [int(r[col["id"]]) for r in body] == [o.id for o in opinions]
    for o, r in zip(opinions, body, strict=True):
        assert r[col["status"]] == o.status.value
        assert r[col["adoption"]] == o.adoption.value
        assert r[col["response"]] == archive.neutralise(o.response)
        assert r[col["author"]] == (o.display_name if o.publish_name_consent else "")
    # hearings and symposiums: notice, record, report, every registration
    hearings = db.session.scalars(
        sa.select(Hearing).where(Hearing.decision_id == decision.id).order_by(Hearing.id)
    ).all()
    archived = json.loads(files["records/hearings.json"])
    assert [h["id"] for h in archived] == [h.id for h in hearings] and len(hearings) == 2
    assert {h["kind"] for h in archived} == {h.kind.value for h in hearings}
    for h, a in zip(hearings, archived, strict=True):
        assert a["record_text"] == h.record_text
        assert a["report_main_opinions"] == h.report_main_opinions
        regs = db.session.scalars(
            sa.select(HearingRegistration)
            .where(HearingRegistration.hearing_id == h.id)
            .order_by(HearingRegistration.id)
        ).all()
        assert [r["id"] for r in a["registrations"]] == [r.id for r in regs]
        for reg, r in zip(regs, a["registrations"], strict=True):
            assert r["status"] == reg.status.value
            assert r["name"] == (reg.name if reg.publish_name_consent else "")
            assert not {"contact_phone", "contact_email", "id_number", "receipt_code"} & set(r)
    # corrections and flag requests
    kept = json.loads(files["records/corrections.json"])
    assert [c["id"] for c in kept["corrections"]] == [
        c.id
        for c in db.session.scalars(
            sa.select(Correction).where(Correction.decision_id == decision.id)
        )
    ]
    assert [r["id"] for r in kept["flag_requests"]] == [
        r.id
        for r in db.session.scalars(
            sa.select(FlagRequest).where(FlagRequest.decision_id == decision.id)
        )
    ]
    assert kept["flag_requests"][0]["flag"] == "is_exploratory_reform"
    # the manifest counts what the database holds
    manifest = json.loads(files["manifest.json"])
    registrations = sum(len(h["registrations"]) for h in archived)
    assert manifest["counts"] == {
        "opinions": len(opinions),
        "feedback": 0,
        "hearings": 2,
        "registrations": registrations,
        "corrections": 1,
        "flag_requests": 1,
        # the export's own audit entry is written after the package
        "audit_entries": len(archive.audit_entries(decision)) - 1,
    }
    assert registrations > 0
    # no contact data of the public anywhere in the zip (security.md, A39)
    contacts = _contacts(decision)
    assert any(c.isdigit() and len(c) == 11 for c in contacts) and len(contacts) > 10
    blob = b"".join(files.values())
    leaked = [c for c in contacts if c.encode() in blob]
    assert leaked == []


def test_contacts_typed_into_an_opinion_are_masked_in_the_archive(ctx, demo):
    seed_demo_opinions(NOW)
    decision = by_title(HEATING)
    opinion = db.session.scalar(sa.select(Opinion).where(Opinion.decision_id == decision.id))
    opinion.body = f"请联系我：13912345678，邮箱 {opinion.contact_email or 'a@b.cn'}。"
    opinion.contact_phone = "13912345678"
    db.session.flush()
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))
    assert b"13912345678" not in b"".join(files.values())
    text = files["opinions.csv"].decode("utf-8-sig")
    assert "139****5678" in text


def test_the_archive_of_a_post_evaluation_holds_its_public_feedback(ctx, demo):
    from portal.demo_supervision import seed_demo_supervision

    seed_demo_supervision(NOW)
    decision = db.session.scalar(
        sa.select(Decision).where(Decision.id.in_(sa.select(PublicFeedback.decision_id)))
    )
    items = db.session.scalars(
        sa.select(PublicFeedback).where(PublicFeedback.decision_id == decision.id)
    ).all()
    files = unzip(archive.build_archive(decision, actor="tester", now=NOW))
    rows = read_csv(files["feedback.csv"])
    assert rows[0] == list(archive.FEEDBACK_COLUMNS)
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(f.id for f in items) and items
    blob = b"".join(files.values())
    assert not [c for c in _contacts(decision) if c.encode() in blob]
