"""PROC-39a: the archive is recorded complete only after filing or the end of the procedure."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Decision
from tests.conftest import login, text_of


def _decision(title_part: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.like(f"%{title_part}%")))


def test_a_running_procedure_cannot_close_its_archive_proc_39a(client, demo):
    login(client, "office")
    d = _decision("供热")
    response = client.post(f"/admin/decisions/{d.id}/archive/complete")
    assert response.status_code == 422
    assert "PROC-39a" in text_of(response)
    db.session.expire_all()
    assert _decision("供热").archived_at is None


def test_a_filed_decision_records_its_archive_complete(client, demo):
    login(client, "office")
    d = next(
        x
        for x in db.session.scalars(sa.select(Decision))
        if x.filed_on and not x.archived_at and x.government.slug == "chifeng"
    )
    response = client.post(f"/admin/decisions/{d.id}/archive/complete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Decision, d.id).archived_at is not None
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(
            AuditEntry.action == "archive.complete", AuditEntry.object_id == str(d.id)
        )
    )
