"""Governments (the deciding bodies) and their departments."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import StrEnumType


class GovernmentLevel(StrEnum):
    CITY = "city"
    COUNTY = "county"


class DepartmentKind(StrEnum):
    GOVERNMENT_OFFICE = "government_office"  # 政府办公室
    LEGALITY_REVIEW_OFFICE = "legality_review_office"  # 司法局 (合法性审查部门)
    SUPERVISION_OFFICE = "supervision_office"  # 政府督查机构
    ORDINARY = "ordinary"  # undertakes or executes decisions


class Government(db.Model):
    __tablename__ = "governments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[GovernmentLevel] = mapped_column(StrEnumType(GovernmentLevel, 10))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("governments.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")

    parent: Mapped[Government | None] = relationship(remote_side=[id])
    departments: Mapped[list[Department]] = relationship(
        back_populates="government", order_by="Department.sort_order"
    )

    def display_name(self, locale: str) -> str:
        return self.name if locale.startswith("zh") else self.name_en

    def full_name(self, locale: str) -> str:
        """The body's formal name, as the site header shows it: 赤峰市人民政府."""
        if locale.startswith("zh"):
            return f"{self.name}人民政府"
        return f"{self.name_en} People's Government"

    def __repr__(self) -> str:
        return f"<Government {self.slug}>"


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("government_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(60))
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[DepartmentKind] = mapped_column(StrEnumType(DepartmentKind, 30))
    sort_order: Mapped[int] = mapped_column(default=0)

    government: Mapped[Government] = relationship(back_populates="departments")

    def display_name(self, locale: str) -> str:
        return self.name if locale.startswith("zh") else self.name_en

    def __repr__(self) -> str:
        return f"<Department {self.government_id}/{self.slug}>"
