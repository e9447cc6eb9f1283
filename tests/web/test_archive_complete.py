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


def test_the_page_says_why_the_archive_cannot_be_completed_yet(client, demo):
    login(client, "office")
    d = _decision("供热")
    text = text_of(client.get(f"/admin/decisions/{d.id}/archive"))
    assert "PROC-39a" in text and "归档" in text


def test_a_completed_archive_is_not_completed_twice_and_stays_unchanged(client, demo):
    login(client, "office")
    d = next(
        x
        for x in db.session.scalars(sa.select(Decision))
        if x.filed_on and not x.archived_at and x.government.slug == "chifeng"
    )
    assert client.post(f"/admin/decisions/{d.id}/archive/complete").status_code == 302
    db.session.expire_all()
    first = db.session.get(Decision, d.id).archived_at
    again = client.post(f"/admin/decisions/{d.id}/archive/complete")
    assert again.status_code == 422 and "PROC-39a" in text_of(again)
    db.session.expire_all()
    assert db.session.get(Decision, d.id).archived_at == first
    completions = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.action == "archive.complete", AuditEntry.object_id == str(d.id)
        )
    ).all()
    assert len(completions) == 1


def test_the_archive_page_counts_what_the_package_holds(client, demo):
    from portal.demo_opinions import seed_demo_opinions
    from tests.conftest import NOW

    seed_demo_opinions(NOW)
    db.session.commit()
    login(client, "office")
    d = _decision("供热")
    page = client.get(f"/admin/decisions/{d.id}/archive").get_data(as_text=True)
    counts = page.split('id="archive-counts"', 1)[1].split("</ul>", 1)[0]
    assert "3" in counts  # the heating plan's three opinions
    assert "feedback.csv" in page and "records/hearings.json" in page
    assert "records/corrections.json" in page
