"""Every /admin route refuses anonymous visitors and non-staff users (generated from url_map,
so a new route cannot escape it)."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models.org import Department
from portal.models.user import User
from portal.services.users import hash_password
from tests.conftest import NOW, login

CITIZEN_PASSWORD = "citizen-password-2026"


def admin_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint == "admin.login":
            continue
        url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    return routes


def test_the_sweep_sees_the_admin_routes(app):
    routes = admin_routes(app)
    assert ("GET", "/admin/") in routes
    assert ("POST", "/admin/logout") in routes
    assert len(routes) >= 3


def _roleless_user() -> User:
    """A signed-in account without any staff role: a citizen or a deactivated official."""
    from portal.models.org import Government, GovernmentLevel

    gov = Government(slug="chifeng", name="赤峰市", name_en="Chifeng", level=GovernmentLevel.CITY)
    dept = Department(
        government=gov,
        slug="general-office",
        name="办公室",
        name_en="Office",
        kind="government_office",
    )
    user = User(
        username="citizen",
        display_name="Citizen",
        department=dept,
        created_at=NOW,
        password_hash=hash_password(CITIZEN_PASSWORD, "scrypt:1024:8:1"),
    )
    db.session.add(user)
    db.session.commit()
    return user


def test_anonymous_requests_to_every_admin_route_go_to_login(ctx):
    client = ctx.test_client()
    for method, url in admin_routes(ctx):
        response = client.open(url, method=method)
        assert response.status_code in (302, 401, 403), (method, url, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/admin/login"), (method, url)


@pytest.mark.parametrize("as_user", ["citizen"])
def test_non_staff_users_are_refused_on_every_admin_route(ctx, as_user):
    _roleless_user()
    client = ctx.test_client()
    assert login(client, "citizen", CITIZEN_PASSWORD).status_code == 302  # signed in, no role
    for method, url in admin_routes(ctx):
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url, response.status_code)
