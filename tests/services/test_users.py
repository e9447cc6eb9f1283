"""Staff accounts: password policy, creation, the create-user command."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.org import Department
from portal.models.user import User
from portal.permissions import Permission, Role, can
from portal.services.users import AccountError, create_user, password_problem
from tests.conftest import NOW


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-pw-1", False),  # < 12
        ("password1234", False),  # on the common-password list
        ("correct horse battery", True),
        ("password123", False),  # blocklisted and short
        ("aaaaaaaaaaaaaaa", False),  # too few distinct characters
        ("Passw0rd-Office-2026", True),
        ("qwerty123456", False),
        ("１２３４５６７８９０ab", False),  # NFKC: the same as the listed 1234567890ab
        ("x" * 129, False),
    ],
)
def test_password_policy(password, ok):
    assert (password_problem(password) is None) is ok


def test_password_must_not_contain_the_user_name():
    assert password_problem("my-office-password", "office") is not None


def test_create_user_hashes_and_audits(ctx, demo):
    dept = db.session.scalar(sa.select(Department).where(Department.slug == "education"))
    user = create_user(
        username="Teacher.Li",
        display_name="李老师",
        password="long-enough-phrase-9",
        department=dept,
        roles=[Role.UNDERTAKING_STAFF],
        email=None,
        actor="test",
        now=NOW,
        hash_method="scrypt:1024:8:1",
    )
    db.session.commit()
    assert user.username == "teacher.li"
    assert "long-enough" not in user.password_hash
    assert can(user, Permission.DECISION_EDIT)
    assert not can(user, Permission.OPINION_MODERATE)
    with pytest.raises(AccountError):
        create_user(
            username="teacher.li",
            display_name="x",
            password="long-enough-phrase-9",
            department=dept,
            roles=[Role.MODERATOR],
            email=None,
            actor="test",
            now=NOW,
            hash_method="scrypt:1024:8:1",
        )


def test_system_admin_is_not_a_moderator():
    from portal.permissions import ROLE_PERMISSIONS

    assert Permission.OPINION_MODERATE not in ROLE_PERMISSIONS[Role.SYSTEM_ADMIN]
    assert Permission.USER_MANAGE not in ROLE_PERMISSIONS[Role.MODERATOR]


def test_create_user_command(ctx, demo, runner):
    result = runner.invoke(
        args=[
            "portal",
            "create-user",
            "--username",
            "newstaff",
            "--name",
            "新同事",
            "--gov",
            "hongshan",
            "--department",
            "housing",
            "--role",
            "undertaking_staff",
        ],
        input="correct-horse-battery\ncorrect-horse-battery\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "newstaff"))
    assert user.department.government.slug == "hongshan"
    assert user.roles == {Role.UNDERTAKING_STAFF}


def test_create_user_command_refuses_a_weak_password(ctx, demo, runner):
    result = runner.invoke(
        args=["portal", "create-user", "--username", "weak", "--name", "x", "--role", "moderator"],
        input="12345678\n12345678\n",
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "weak")) is None
