"""The migrations build exactly the schema the models describe (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_models_and_migrations_do_not_drift(ctx):
    # The session database was created by `flask db upgrade` (tests/conftest.py).
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], diff


def test_upgrading_a_database_with_data_keeps_every_row(tmp_path):
    """0001 -> head on a populated SQLite file: batch table rebuilds must not lose or break rows
    (they once failed on foreign keys)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import TestConfig

    app = create_app(TestConfig(tmp_path))
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO governments (id, slug, name, name_en, level, sort_order, address, "
                    "phone) VALUES (1, 'chifeng', '赤峰市', 'Chifeng', 'city', 0, '', '')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO departments (id, government_id, slug, name, name_en, kind, "
                    "sort_order) VALUES (1, 1, 'housing', '市住建局', 'Housing', 'ordinary', 0)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO decisions (id, government_id, year, title, summary, category, "
                    "source, undertaking_unit_id, stage, non_disclosable, non_disclosable_basis, "
                    "is_complex, high_public_concern, public_feedback_contact, created_at, "
                    "updated_at, stage_changed_at) VALUES (1, 1, 2026, '供热规划', '', "
                    "'development_plan', 'catalog', 1, 'drafting', 0, '', 0, 0, '', "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO procedure_steps (decision_id, step, round, status, started_at, "
                    "explanation) VALUES (1, 'drafting_research', 1, 'in_progress', "
                    "'2026-01-01 00:00:00', '')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT title, initiation_ref, out_of_scope_confirmed FROM decisions")
            ).one()
            assert tuple(row) == ("供热规划", "", 0)
            assert conn.execute(sa.text("SELECT count(*) FROM procedure_steps")).scalar() == 1
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
