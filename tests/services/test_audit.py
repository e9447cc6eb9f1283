"""The append-only, hash-chained audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.services import audit
from tests.conftest import NOW


def test_demo_audit_chain_verifies(ctx, demo):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert count > 100
    assert audit.verify_chain() == []


def test_every_entry_links_to_the_previous_one(ctx):
    first = audit.record("test.one", actor="system", now=NOW, object_type="x", object_id=1)
    second = audit.record(
        "test.two",
        actor="system",
        now=NOW,
        object_type="x",
        object_id=2,
        before={"a": 1},
        after={"a": 2},
    )
    db.session.commit()
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert (first.seq, second.seq) == (1, 2)


def test_edited_row_is_detected(ctx, demo, runner):
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.seq == 20).values(actor_label="somebody-else")
    )
    db.session.commit()
    problems = audit.verify_chain()
    assert [p.seq for p in problems] == [20]
    assert "does not match" in problems[0].problem
    result = runner.invoke(args=["portal", "verify-audit"])
    assert result.exit_code == 1
    assert "BROKEN" in result.output


def test_deleted_row_is_detected(ctx, demo):
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == 7))
    db.session.commit()
    problems = audit.verify_chain()
    assert problems and problems[0].seq == 7


def test_deleted_tail_is_detected(ctx, demo):
    last = db.session.scalar(sa.select(sa.func.max(AuditEntry.seq)))
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == last))
    db.session.commit()
    assert [p.seq for p in audit.verify_chain()] == [last]


def test_recomputed_hash_after_edit_still_breaks_the_next_link(ctx, demo):
    row = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 30))
    forged = AuditEntry(**{c.key: getattr(row, c.key) for c in AuditEntry.__table__.columns})
    forged.data = '{"after":null,"before":null,"details":{"forged":true}}'
    new_hash = audit.entry_digest(forged)
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.seq == 30).values(data=forged.data, hash=new_hash)
    )
    db.session.commit()
    assert [p.seq for p in audit.verify_chain()] == [31]


def test_orm_refuses_to_update_or_delete_entries(ctx):
    entry = audit.record("test", actor="system", now=NOW, object_type="x", object_id=1)
    db.session.commit()
    entry.action = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_verify_audit_command_reports_an_intact_chain(ctx, demo, runner):
    result = runner.invoke(args=["portal", "verify-audit"])
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output
