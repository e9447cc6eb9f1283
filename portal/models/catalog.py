"""The annual catalog of decision items (决策事项目录, PROC-4, CAT).

``status`` says what the public sees (drafting = nothing); ``phase`` is the workflow step
(``portal.rules.catalog.CatalogPhase``). Department submissions are kept apart from the entries
until the office lists them; the public's suggestions during the solicitation (CAT-7b) are
proposals of kind ``catalog_item`` (``portal.models.proposal``). Each published version of the entry
list is kept as a snapshot (version 1 on the catalog, later ones on their adjustments).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.org import Department, Government
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.catalog import CatalogPhase, EntryOrigin, SubmissionStatus
from portal.rules.enums import CatalogAdjustmentType
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
    # The workflow (rules.md 1.3, C0..C7)
    phase: Mapped[CatalogPhase] = mapped_column(
        StrEnumType(CatalogPhase, 30),
        default=CatalogPhase.SOLICITATION,
        server_default="solicitation",
    )
    solicited_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-7a
    solicitation_ref: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    solicitation_recipients: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    submissions_due_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-8b
    submissions_closed_on: Mapped[date | None] = mapped_column(sa.Date)
    public_suggestions_until: Mapped[date | None] = mapped_column(sa.Date)  # CAT-7b (optional)
    office_review_notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    deputy_head_reviewed_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-12a
    deputy_head_opinion: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    executive_meeting_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-13a
    executive_meeting_ref: Mapped[str] = mapped_column(
        sa.String(100), default="", server_default=""
    )
    party_consent_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-13c / PROC-4b
    party_consent_ref: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    issue_ref: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")  # CAT-6b
    published_snapshot: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    government: Mapped[Government] = relationship()
    entries: Mapped[list[CatalogEntry]] = relationship(
        back_populates="catalog", order_by="CatalogEntry.seq", cascade="all, delete-orphan"
    )
    adjustments: Mapped[list[CatalogAdjustment]] = relationship(
        back_populates="catalog", order_by="CatalogAdjustment.version", cascade="all, delete-orphan"
    )
    deputy_reviews: Mapped[list[CatalogDeputyReview]] = relationship(
        back_populates="catalog", order_by="CatalogDeputyReview.id", cascade="all, delete-orphan"
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
    kind: Mapped[CatalogAdjustmentType] = mapped_column(
        StrEnumType(CatalogAdjustmentType, 20),
        default=CatalogAdjustmentType.ADD,
        server_default="add",
    )
    # The entry added, modified or removed. No foreign key: entries already reference their
    # adjustments (added_by_id / removed_by_id), and a cycle would complicate deletes.
    entry_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # CAT-16a
    study_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # CAT-16a
    approval_ref: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    party_consent_ref: Mapped[str] = mapped_column(  # A34: optional
        sa.String(100), default="", server_default=""
    )
    filing_reference: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    proposal: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # JSON
    previous: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # JSON
    snapshot: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # JSON
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

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
    origin: Mapped[EntryOrigin] = mapped_column(  # CAT-10b
        StrEnumType(EntryOrigin, 30),
        default=EntryOrigin.DEPT_SUBMISSION,
        server_default="dept_submission",
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # CAT-14a(4)
    planned_start_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-14a(3)
    planned_decision_on: Mapped[date | None] = mapped_column(sa.Date)  # CAT-14a(3)
    dept_legality_review_passed: Mapped[bool] = mapped_column(  # CAT-8c
        default=False, server_default=sa.false()
    )
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("catalog_submissions.id"))
    # CAT-12a: the government deputy head in charge of the item (分管负责人), who reviews it
    deputy_head: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")

    catalog: Mapped[Catalog] = relationship(back_populates="entries")
    undertaking_unit: Mapped[Department | None] = relationship()


class CatalogSubmission(db.Model):
    """A department's proposed item (CAT-8), with its own legality review (CAT-8c)."""

    __tablename__ = "catalog_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_id: Mapped[int] = mapped_column(sa.ForeignKey("catalogs.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[Category] = mapped_column(StrEnumType(Category, 40))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    basis: Mapped[str] = mapped_column(sa.Text, default="")
    schedule: Mapped[str] = mapped_column(sa.String(100), default="")
    planned_start_on: Mapped[date | None] = mapped_column(sa.Date)
    planned_decision_on: Mapped[date | None] = mapped_column(sa.Date)
    legality_review_passed: Mapped[bool] = mapped_column(default=False)  # CAT-8c
    legality_review_on: Mapped[date | None] = mapped_column(sa.Date)
    legality_review_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    scope_confirmed: Mapped[bool] = mapped_column(default=False)  # PROC-3b / A42
    npc_cppcc_ref: Mapped[str] = mapped_column(sa.String(100), default="")  # CAT-9a
    status: Mapped[SubmissionStatus] = mapped_column(
        StrEnumType(SubmissionStatus, 20), default=SubmissionStatus.SUBMITTED
    )
    office_note: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    catalog: Mapped[Catalog] = relationship()
    department: Mapped[Department] = relationship()


class CatalogDeputyReview(db.Model):
    """CAT-12a: one deputy head's review of the draft catalog: who, when, the opinion, the items
    the deputy head added or changed, and the office's study of those proposals. One per deputy
    head in charge of the items concerned; all are needed before the executive meeting
    (CAT-13a). Recorded by the office; once recorded it does not change (the office's study is
    added once). ``deputy_head`` is empty only for a review recorded before per-deputy reviews
    existed (migration 0008d)."""

    __tablename__ = "catalog_deputy_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_id: Mapped[int] = mapped_column(sa.ForeignKey("catalogs.id"), index=True)
    deputy_head: Mapped[str] = mapped_column(sa.String(60))
    reviewed_on: Mapped[date] = mapped_column(sa.Date)
    opinion: Mapped[str] = mapped_column(sa.Text)
    items_changed: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    office_study: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    studied_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    catalog: Mapped[Catalog] = relationship(back_populates="deputy_reviews")
