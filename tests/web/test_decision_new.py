"""Registering a new decision item in the back office."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Decision
from portal.rules.stages import Stage, Step, StepStatus
from tests.conftest import login, text_of


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


def _unit(slug: str = "education") -> int:
    return db.session.scalar(
        sa.text(
            "SELECT id FROM departments WHERE slug=:slug "
            "AND government_id=(SELECT id FROM governments WHERE slug='chifeng')"
        ),
        {"slug": slug},
    )


def _new(**extra) -> dict:
    return {
        "title": "赤峰市涉密储备调整事项",
        "category": "other_major_matter",
        "year": "2026",
        "undertaking_unit": str(_unit()),
        "source": "catalog",
        "summary": "",
    } | extra


def test_the_office_sets_the_gate_switching_flags_when_it_registers_the_item(client, demo):
    """A7, A42: the government office registering the item confirms its flags by doing so."""
    login(client, "office")
    page = client.get("/admin/decisions/new?lang=en")
    for name in ("non_disclosable", "out_of_scope_confirmed", "affects_market_entities"):
        assert f'name="{name}"' in page.get_data(as_text=True)
    response = client.post(
        "/admin/decisions/new",
        data=_new(
            non_disclosable="y",
            non_disclosable_basis="《中华人民共和国保守国家秘密法》第九条",
            out_of_scope_confirmed="y",
            affects_market_entities="y",
            npc_report_required="y",
        ),
    )
    assert response.status_code == 302
    d = db.session.scalar(sa.select(Decision).where(Decision.title == "赤峰市涉密储备调整事项"))
    # issue 12: to the workspace, whose "continue the work" box links the initiation screen
    assert response.headers["Location"].endswith(f"/admin/decisions/{d.id}")
    assert d.non_disclosable and d.non_disclosable_basis.startswith("《中华人民共和国保守")
    assert d.out_of_scope_confirmed and d.affects_market_entities and d.npc_report_required
    assert not d.high_public_concern and not d.is_exploratory_reform
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "decision.create", AuditEntry.object_id == str(d.id)
        )
    )
    after = json.loads(entry.data)["after"]
    assert after["non_disclosable"] is True and after["affects_market_entities"] is True
    assert client.get(f"/decisions/{d.id}").status_code == 404  # never public (A7)


def test_a_non_disclosure_without_its_legal_basis_is_refused_citing_a7(client, demo):
    login(client, "office")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Decision))
    response = client.post("/admin/decisions/new?lang=en", data=_new(non_disclosable="y"))
    assert response.status_code == 422
    assert "A7" in text_of(response) and "legal basis" in text_of(response)
    assert 'id="non_disclosable_basis-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == count


def test_a_unit_of_another_government_cannot_undertake_the_new_item(client, demo):
    login(client, "office")
    other = db.session.scalar(
        sa.text(
            "SELECT id FROM departments WHERE government_id="
            "(SELECT id FROM governments WHERE slug='hongshan') LIMIT 1"
        )
    )
    response = client.post("/admin/decisions/new", data=_new(undertaking_unit=str(other)))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(Decision).where(Decision.title == _new()["title"])) is None
