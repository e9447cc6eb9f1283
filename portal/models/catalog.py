"""The annual catalog of decision items (决策事项目录, PROC-4, CAT)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.org import Department, Government
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.stages import Category


class CatalogStatus(StrEnum):
    DRAFTING = "drafting"
    PUBLISHED = "published"
    FILED = "filed"


class Catalog(db.Model):
    __tablename__ = "catalogs"
    __table_args__ = (sa.UniqueConstraint("government_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), index=True)
    year: Mapped[int]
    status: Mapped[CatalogStatus] = mapped_column(
        StrEnumType(CatalogStatus, 20), default=CatalogStatus.DRAFTING
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # CAT-6c
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # CAT-6d
    filing_reference: Mapped[str] = mapped_column(sa.String(100), default="")  # A41
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    government: Mapped[Government] = relationship()
    entries: Mapped[list[CatalogEntry]] = relationship(
        back_populates="catalog", order_by="CatalogEntry.seq", cascade="all, delete-orphan"
    )
    adjustments: Mapped[list[CatalogAdjustment]] = relationship(
        back_populates="catalog", order_by="CatalogAdjustment.version", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.status != CatalogStatus.DRAFTING


class CatalogAdjustment(db.Model):
    """A versioned change to a published catalog (CAT-16: approve, publish, file in 10 WD)."""

    __tablename__ = "catalog_adjustments"
    __table_args__ = (sa.UniqueConstraint("catalog_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_id: Mapped[int] = mapped_column(sa.ForeignKey("catalogs.id"), index=True)
    version: Mapped[int]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    catalog: Mapped[Catalog] = relationship(back_populates="adjustments")


class CatalogEntry(db.Model):
    """One row of the catalog (CAT-14a fields)."""

    __tablename__ = "catalog_entries"
    __table_args__ = (sa.UniqueConstraint("catalog_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_id: Mapped[int] = mapped_column(sa.ForeignKey("catalogs.id"), index=True)
    seq: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[Category] = mapped_column(StrEnumType(Category, 40))
    undertaking_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    schedule: Mapped[str] = mapped_column(sa.String(100), default="")  # planned time frame
    basis: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    non_disclosable: Mapped[bool] = mapped_column(default=False)  # A7: name + unit only
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("catalog_adjustments.id"))
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("catalog_adjustments.id"))

    catalog: Mapped[Catalog] = relationship(back_populates="entries")
    undertaking_unit: Mapped[Department | None] = relationship()
