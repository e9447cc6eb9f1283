"""Staff accounts: creation, password policy, login with lockout, session revocation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models.org import Department
from portal.models.user import User, UserRole
from portal.permissions import Role
from portal.rules.errors import N_, RuleViolation
from portal.services import audit

MIN_PASSWORD_LENGTH = 12
# Verified against when the username is unknown, so a failed login costs the same time.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password", "scrypt:1024:8:1")


class AccountError(RuleViolation):
    """A refused account operation (a RuleViolation without a rule ID); ``message`` is a
    translatable msgid."""

    def __init__(self, message: str, field: str | None = None, **params) -> None:
        super().__init__("", message, field=field, **params)


@cache
def _blocklist() -> frozenset[str]:
    text = resources.files("portal").joinpath("data/password-blocklist.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def password_problem(password: str, username: str = "") -> str | None:
    """None when acceptable, else a msgid saying why (ASVS 5.0 V6.2)."""
    pw = unicodedata.normalize("NFKC", password)
    if len(pw) < MIN_PASSWORD_LENGTH:
        return N_("The password must be at least 12 characters long.")
    if len(pw) > 128:
        return N_("The password must be at most 128 characters long.")
    lowered = pw.lower()
    if lowered in _blocklist() or len(set(lowered)) <= 3:
        return N_("This password is too common. Choose a longer phrase only you would use.")
    if username and username.lower() in lowered:
        return N_("The password must not contain the user name.")
    return None


def hash_password(password: str, method: str) -> str:
    return generate_password_hash(unicodedata.normalize("NFKC", password), method=method)


def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    department: Department,
    roles: list[Role],
    email: str | None,
    actor,
    now: datetime,
    hash_method: str,
) -> User:
    username = username.strip().lower()
    if (
        not username
        or not username.isascii()
        or not username.replace("_", "").replace("-", "").replace(".", "").isalnum()
    ):
        raise AccountError(
            N_("User names use letters, digits, dot, dash and underscore only."), "username"
        )
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountError(N_("The user name %(name)s is taken."), "username", name=username)
    if not roles:
        raise AccountError(N_("Choose at least one role."), "roles")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem, "password")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        email=email,
        password_hash=hash_password(password, hash_method),
        department=department,
        created_at=now,
    )
    user.role_rows = [UserRole(role=Role(r)) for r in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        actor=actor,
        now=now,
        obj=user,
        government_id=department.government_id,
        after={"username": username, "roles": sorted(str(r) for r in user.roles)},
    )
    return user


def set_password(user: User, password: str, *, actor, now: datetime, hash_method: str) -> None:
    problem = password_problem(password, user.username)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password, hash_method)
    user.session_version += 1  # every existing session of this user ends
    user.failed_logins = 0
    user.locked_until = None
    audit.record(
        "user.password_set", actor=actor, now=now, obj=user, government_id=user.government_id
    )


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None  # msgid when refused


def authenticate(
    username: str,
    password: str,
    *,
    now: datetime,
    ip: str,
    max_failures: int,
    lockout,
) -> LoginResult:
    """Check credentials; lock the account for ``lockout`` after ``max_failures`` failures.

    The refusal message never says whether the user name exists.
    """
    generic = N_("The user name or password is incorrect.")
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        audit.record(
            "auth.login_failed",
            actor=None,
            now=now,
            object_type="users",
            object_id="",
            details={"username": username[:60]},
            ip=ip,
        )
        return LoginResult(None, generic)
    if user.locked_until and user.locked_until > now:
        audit.record(
            "auth.login_locked",
            actor=None,
            now=now,
            obj=user,
            government_id=user.government_id,
            ip=ip,
        )
        return LoginResult(
            None, N_("Too many failed attempts. The account is locked for 15 minutes.")
        )
    ok = user.active and check_password_hash(
        user.password_hash, unicodedata.normalize("NFKC", password)
    )
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
        audit.record(
            "auth.login_failed",
            actor=None,
            now=now,
            obj=user,
            government_id=user.government_id,
            ip=ip,
        )
        return LoginResult(None, generic)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(
        "auth.login", actor=user, now=now, obj=user, government_id=user.government_id, ip=ip
    )
    return LoginResult(user)


def revoke_sessions(user: User, *, now: datetime, ip: str = "") -> None:
    """Logout: bump the session version so every copy of the session cookie is void."""
    user.session_version += 1
    audit.record(
        "auth.logout", actor=user, now=now, obj=user, government_id=user.government_id, ip=ip
    )


def load_user(token: str) -> User | None:
    """Flask-Login loader: ``"<id>:<session_version>"``; a stale version loads nobody."""
    try:
        uid, version = (int(part) for part in token.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    return user
