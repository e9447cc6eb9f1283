"""Documents of a decision and their versions (drafts are versioned)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import StrEnumType, UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.decision import Decision


class DocumentKind(StrEnum):
    DRAFT = "draft"  # 决策草案
    DRAFTING_EXPLANATION = "drafting_explanation"  # 起草说明
    DECISION_TEXT = "decision_text"  # the published decision
    INTERPRETATION = "interpretation"  # 解读
    ADOPTION_REPORT = "adoption_report"  # 意见采纳情况
    OTHER = "other"


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(StrEnumType(DocumentKind, 30))
    title: Mapped[str] = mapped_column(sa.String(200))
    # Document-level confidentiality (A7): only public documents ever reach the public site.
    is_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decision: Mapped[Decision] = relationship()
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def public_versions(self) -> list[DocumentVersion]:
        return [v for v in self.versions if v.published_at is not None]


class DocumentVersion(db.Model):
    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text, default="")
    change_note: Mapped[str] = mapped_column(sa.String(500), default="")
    sha256: Mapped[str] = mapped_column(sa.String(64))  # of body (and file, when attached)
    # An attached file is stored under a generated name; the original name is for display.
    storage_name: Mapped[str | None] = mapped_column(sa.String(80))
    original_name: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document: Mapped[Document] = relationship(back_populates="versions")
