"""Staff sign-in: throttling, lockout, session revocation, timeouts, object scope."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.org import Government
from portal.models.user import User
from tests.conftest import DEMO_PASSWORD, NOW, login, text_of


def test_staff_login_reaches_the_dashboard_of_their_own_government(client, demo):
    response = login(client, "office")
    assert response.status_code == 302
    page = client.get("/admin/decisions")  # the flat list (the inbox is /admin/, issue 12)
    text = text_of(page)
    assert "赤峰市中心城区供热专项规划" in text
    assert "红山区老旧小区改造提升实施方案" not in text  # another government's item
    # Staff see their non-disclosable items, marked as such.
    assert "赤峰市重要物资储备布局调整方案" in text


def test_county_official_cannot_open_a_city_record(client, demo):
    login(client, "hongshan.office")
    text = text_of(client.get("/admin/decisions"))
    assert "红山区老旧小区改造提升实施方案" in text
    assert "赤峰市中心城区供热专项规划" not in text
    city_item = db.session.scalar(
        sa.select(Decision).join(Government).where(Government.slug == "chifeng")
    )
    assert client.get(f"/admin/decisions/{city_item.id}").status_code == 404


def test_wrong_password_gets_a_generic_message_and_is_audited(client, demo):
    response = client.post(
        "/admin/login?lang=en", data={"username": "office", "password": "wrong-password-123"}
    )
    assert response.status_code == 422
    assert "The user name or password is incorrect." in text_of(response)
    unknown = client.post(
        "/admin/login?lang=en", data={"username": "nobody", "password": "wrong-password-123"}
    )
    assert "The user name or password is incorrect." in text_of(unknown)
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("auth.login_failed") == 2


def test_five_failures_lock_the_account_for_fifteen_minutes(client, demo):
    for _ in range(5):
        client.post("/admin/login", data={"username": "office", "password": "bad-password-x1"})
    locked = client.post(
        "/admin/login?lang=en", data={"username": "office", "password": DEMO_PASSWORD}
    )
    assert "locked" in text_of(locked)
    assert client.get("/admin/").status_code == 302  # still not signed in
    clock.freeze(NOW + timedelta(minutes=16))
    assert login(client, "office").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_logout_revokes_a_copied_session_cookie(ctx, demo):
    browser = ctx.test_client()
    login(browser, "office")
    assert browser.get("/admin/").status_code == 200
    stolen = browser.get_cookie("portal_session").value
    browser.post("/admin/logout")
    thief = ctx.test_client()
    thief.set_cookie("portal_session", stolen)
    response = thief.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_idle_staff_session_expires_after_thirty_minutes(client, demo):
    login(client, "office")
    clock.freeze(NOW + timedelta(minutes=29))
    assert client.get("/admin/").status_code == 200
    clock.freeze(NOW + timedelta(minutes=29 + 31))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "expired=1" in response.headers["Location"]


def test_absolute_session_limit_is_twelve_hours(client, demo):
    login(client, "office")
    for minutes in range(20, 12 * 60, 20):  # active all day, never idle
        clock.freeze(NOW + timedelta(minutes=minutes))
        assert client.get("/admin/").status_code == 200
    clock.freeze(NOW + timedelta(hours=12, minutes=1))
    assert client.get("/admin/").status_code == 302


def test_login_redirect_stays_on_site(client, demo):
    response = client.post(
        "/admin/login",
        data={"username": "office", "password": DEMO_PASSWORD, "next": "//evil.example/admin"},
    )
    assert response.headers["Location"] == "/admin/"


def test_password_hash_uses_strong_scrypt_by_default():
    from portal.config import Config

    assert Config().PASSWORD_HASH_METHOD == "scrypt:131072:8:1"


def test_stored_password_hash_uses_the_configured_method(ctx, demo):
    user = db.session.scalar(sa.select(User).where(User.username == "office"))
    assert user.password_hash.startswith(ctx.config["PASSWORD_HASH_METHOD"] + "$")
