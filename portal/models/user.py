"""Staff accounts and their roles. The public never logs in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.org import Department
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.permissions import Role


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout and password change: every cookie carrying an older value is void.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    department: Mapped[Department] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    @property
    def government_id(self) -> int:
        return self.department.government_id

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_staff(self) -> bool:
        return bool(self.role_rows) and self.active

    def get_id(self) -> str:
        # The session carries the version, so a revoked session no longer loads a user.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 30), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
