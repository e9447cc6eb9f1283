"""The demo data set: complete, live relative to the load time, idempotent."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal import demo as demo_module
from portal.extensions import db
from portal.models import Catalog, Consultation, Decision, Document, Government, User
from portal.permissions import Role
from portal.rules.stages import Stage
from tests.conftest import NOW


def test_thirteen_governments_with_pinyin_slugs(ctx, demo):
    govs = db.session.scalars(sa.select(Government)).all()
    assert len(govs) == 13
    assert {g.slug for g in govs} >= {
        "chifeng",
        "hongshan",
        "yuanbaoshan",
        "songshan",
        "aohan",
        "ningcheng",
        "linxi",
    }
    city = next(g for g in govs if g.slug == "chifeng")
    kinds = {d.kind for d in city.departments}
    assert {"government_office", "legality_review_office", "supervision_office", "ordinary"} <= {
        str(k) for k in kinds
    }


def test_a_decision_in_every_public_stage(ctx, demo):
    stages = set(
        db.session.scalars(
            sa.select(Decision.stage).where(Decision.non_disclosable.is_(False))
        ).all()
    )
    assert stages == set(Stage)


def test_at_least_two_consultations_are_open_now(ctx, demo):
    open_now = db.session.scalars(
        sa.select(Consultation).where(Consultation.opens_at <= NOW, Consultation.closes_at > NOW)
    ).all()
    assert len(open_now) >= 2
    # Full-length consultations give at least 30 days (PROC-17b); a shorter one says why.
    for c in open_now:
        if c.closes_at - c.opens_at < timedelta(days=31):
            assert c.shortened_reason


def test_published_decision_has_its_interpretation(ctx, demo):
    published = db.session.scalars(
        sa.select(Decision).where(Decision.stage == Stage.PUBLISHED)
    ).all()
    assert published
    kinds = {
        str(d.kind)
        for d in db.session.scalars(
            sa.select(Document).where(Document.decision_id == published[0].id)
        )
    }
    assert {"decision_text", "interpretation"} <= kinds


def test_catalogs_of_the_city_and_two_counties(ctx, demo):
    catalogs = db.session.scalars(sa.select(Catalog).where(Catalog.year == 2026)).all()
    assert {c.government.slug for c in catalogs} >= {"chifeng", "hongshan", "songshan"}
    for c in catalogs:
        assert c.published_at <= NOW and c.entries


def test_a_staff_account_for_every_role(ctx, demo):
    roles = set()
    for user in db.session.scalars(sa.select(User)):
        roles |= user.roles
    assert roles == set(Role)
    assert {c[0] for c in demo.credentials} >= {"admin", "office", "moderator", "reviewer"}


def test_seed_is_idempotent(ctx, demo):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Decision))
    assert demo_module.seed(now=NOW, password=None) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == count


def test_seed_command_prints_passwords_once(runner):
    first = runner.invoke(args=["portal", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "office" in first.output and "Demo-" in first.output
    second = runner.invoke(args=["portal", "seed-demo"])
    assert "already loaded" in second.output


def test_the_demo_2026_catalogs_are_in_the_filed_phase(demo):
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models.catalog import Catalog

    catalogs = db.session.scalars(sa.select(Catalog).where(Catalog.year == 2026)).all()
    assert catalogs and {str(c.phase) for c in catalogs} == {"filed"}
