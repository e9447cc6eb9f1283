"""Registering a new decision item in the back office."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Decision
from portal.rules.stages import Stage, Step, StepStatus
from tests.conftest import login


def test_government_office_registers_an_item_that_starts_in_initiation(client, demo):
    login(client, "office")
    assert 'href="/admin/decisions/new"' in client.get("/admin/").get_data(as_text=True)
    unit = db.session.scalar(
        sa.text(
            "SELECT id FROM departments WHERE slug='education' "
            "AND government_id=(SELECT id FROM governments "
            "WHERE slug='chifeng')"
        )
    )
    response = client.post(
        "/admin/decisions/new",
        data={
            "title": "赤峰市中小学课后服务实施办法",
            "category": "public_policy",
            "year": "2026",
            "undertaking_unit": str(unit),
            "source": "catalog",
            "summary": "规范课后服务。",
        },
    )
    assert response.status_code == 302
    d = db.session.scalar(
        sa.select(Decision).where(Decision.title == "赤峰市中小学课后服务实施办法")
    )
    assert d.stage == Stage.INITIATED
    # PROC-39a: archiving runs alongside the whole procedure from the start.
    assert {(s.step, s.status) for s in d.steps} == {
        (Step.INITIATION, StepStatus.IN_PROGRESS),
        (Step.ARCHIVING, StepStatus.IN_PROGRESS),
    }
    assert db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "decision.create", AuditEntry.object_id == str(d.id)
        )
    )


def test_missing_title_is_a_422_and_nothing_is_saved(client, demo):
    login(client, "office")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Decision))
    response = client.post(
        "/admin/decisions/new?lang=en",
        data={
            "title": "",
            "category": "public_policy",
            "year": "２０２６",
            "undertaking_unit": "1",
            "source": "catalog",
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == count


def test_undertaking_staff_cannot_register_items(client, demo):
    login(client, "undertaker")
    assert client.get("/admin/decisions/new").status_code == 403
