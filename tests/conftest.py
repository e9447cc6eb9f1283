"""Shared fixtures: an app on a database built by the migrations, cleaned after each test.

The database is SQLite in a temporary folder unless PORTAL_TEST_DATABASE_URL names another
(`.ci/run` sets PostgreSQL and MariaDB URLs). The schema is always created by running the
Alembic migrations, so every test also exercises them.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal import clock, create_app
from portal.config import TestConfig
from portal.extensions import db

# A fixed "now" for deterministic tests: Thursday 26 November 2026, 10:00 Beijing time.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
DEMO_PASSWORD = "Demo-Password-For-Tests-2026"


def _reset_schema(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        engine = db.engine
        meta = sa.MetaData()
        meta.reflect(bind=engine)
        if meta.tables:
            with engine.begin() as conn:
                if engine.dialect.name in ("mysql", "mariadb"):
                    conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=0"))
                    for table in meta.tables.values():
                        conn.execute(sa.text(f"DROP TABLE IF EXISTS `{table.name}`"))
                    conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=1"))
                else:
                    meta.drop_all(bind=conn)
        upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    config = TestConfig(instance, os.environ.get("PORTAL_TEST_DATABASE_URL"))
    application = create_app(config)
    _reset_schema(application)
    return application


def _clean(app) -> None:
    with app.app_context():
        db.session.remove()
        mysql = db.engine.dialect.name in ("mysql", "mariadb")
        with db.engine.begin() as conn:
            if mysql:  # MariaDB checks a self-referencing key row by row
                conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=0"))
            elif db.engine.dialect.name == "postgresql":
                # Every table is emptied: skip the foreign-key triggers, which look up each
                # deleted row in every referencing table (most of the per-test time).
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            if mysql:
                conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=1"))
            conn.execute(
                sa.text("INSERT INTO audit_heads (id, last_seq, last_hash) VALUES (1, 0, :h)"),
                {"h": "0" * 64},
            )


@pytest.fixture
def ctx(app):
    """An app context on an empty database (clean again afterwards), the clock at NOW."""
    clock.freeze(NOW)
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
    clock.freeze(None)
    _clean(app)


@pytest.fixture
def client(ctx):
    return ctx.test_client()


@pytest.fixture
def runner(ctx):
    return ctx.test_cli_runner()


_demo_snapshot: tuple | None = None


@pytest.fixture
def demo(ctx):
    """The demo data set, loaded at NOW with a known staff password.

    The first use in a session runs the real loader and keeps a copy of every row; later uses
    restore those rows with one bulk insert per table, which is much faster on PostgreSQL and
    MariaDB (the loader makes thousands of round trips).
    """
    global _demo_snapshot
    from portal import demo as demo_module

    if _demo_snapshot is None:
        result = demo_module.seed(now=NOW, password=DEMO_PASSWORD)
        assert result is not None
        with db.engine.connect() as conn:
            rows = {
                table.name: [
                    dict(r._mapping)
                    for r in conn.execute(table.select().order_by(*table.primary_key.columns))
                ]
                for table in db.metadata.sorted_tables
            }
        _demo_snapshot = (result, rows)
        return result
    result, rows = _demo_snapshot
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        if dialect in ("mysql", "mariadb"):
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=0"))
        conn.execute(sa.text("DELETE FROM audit_heads"))
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        if dialect in ("mysql", "mariadb"):
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=1"))
        if dialect == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement and rows[table.name]:
                    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
                    top = sa.select(sa.func.max(table.c.id)).scalar_subquery()
                    conn.execute(sa.select(sa.func.setval(sequence, top)))
    db.session.expire_all()
    return result


def login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post(
        "/admin/login", data={"username": username, "password": password}, follow_redirects=False
    )


def text_of(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(autouse=True)
def _limiter_off_again():
    """Flask-Limiter keeps ``enabled`` on the shared limiter object: a test that builds its own
    app with limits on must not leave them on for the tests after it."""
    from portal.extensions import limiter

    yield
    limiter.enabled = False


def new_city_decision(title: str, unit: str = "housing", **kwargs):
    """A decision of the city made for a test (at initiation, committed), so that the demo's
    own records do not matter."""
    from portal.models.decision import DecisionSource
    from portal.models.org import Department, Government
    from portal.rules.stages import Category
    from portal.services.decisions import create_decision

    gov = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    department = db.session.scalar(
        sa.select(Department).where(Department.government_id == gov.id, Department.slug == unit)
    )
    decision = create_decision(
        government=gov,
        title=title,
        category=kwargs.pop("category", Category.PUBLIC_POLICY),
        year=2026,
        summary="",
        undertaking_unit=department,
        source=DecisionSource.CATALOG,
        actor="test",
        now=NOW,
        **kwargs,
    )
    db.session.commit()
    return decision


def answerer_of(decision):
    """A member of the undertaking staff of ``decision``'s own undertaking unit (PART-15b: only
    they, or the government office, answer its opinions)."""
    from portal.models.user import User, UserRole
    from portal.permissions import Role

    return db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.department_id == decision.undertaking_unit_id,
            UserRole.role == Role.UNDERTAKING_STAFF,
        )
        .order_by(User.id)
    ).first()


def answer_and_release(opinions, adoption, response, *, now, actor=None):
    """Answer ``opinions`` (all of one decision) and release the answers at once, as the unit
    does on its preview page: the answer is public from ``now``."""
    from portal.services import moderation

    opinions = list(opinions)
    if not opinions:
        return 0
    decision = opinions[0].decision
    actor = actor or answerer_of(decision)
    moderation.answer_opinions(opinions, adoption, response, actor=actor, now=now)
    return moderation.release_answers(decision, [o.id for o in opinions], actor=actor, now=now)
