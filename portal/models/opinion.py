"""A citizen's opinion on a draft in open comment (PROC-17, PROC-20a, PART-15, A39).

Contact details and the IP hash are private: they are never shown on public pages or in the
public API. The display name is published only with ``publish_name_consent`` (A39).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.consultation import OpinionChannel, OpinionStatus, WithholdReason
from portal.rules.enums import AdoptionStatus


class Opinion(db.Model):
    __tablename__ = "opinions"
    __table_args__ = (
        sa.Index("ix_opinions_duplicate", "content_hash", "submitted_at"),
        # The public list of a decision: published opinions in submission order.
        sa.Index("ix_opinions_public", "decision_id", "status", "submitted_at", "id"),
        # Covers the adoption report's counts by adoption and theme (no table rows are read).
        sa.Index("ix_opinions_report", "decision_id", "status", "adoption", "theme", "clause"),
        # Campaign grouping at submission: the opinions of a decision with the same text.
        sa.Index("ix_opinions_text_hash", "decision_id", "text_hash"),
        # The draft answers of a decision, awaiting release (issue 12).
        sa.Index("ix_opinions_drafts", "decision_id", "drafted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    receipt_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    body: Mapped[str] = mapped_column(sa.Text)  # plain text, NFKC-normalised; render escaped
    clause: Mapped[str] = mapped_column(sa.String(100), default="")
    display_name: Mapped[str] = mapped_column(sa.String(60), default="")
    publish_name_consent: Mapped[bool] = mapped_column(default=False)
    consent_version: Mapped[str] = mapped_column(sa.String(20), default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")  # private
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # private
    status: Mapped[OpinionStatus] = mapped_column(
        StrEnumType(OpinionStatus, 20), default=OpinionStatus.RECEIVED, index=True
    )
    adoption: Mapped[AdoptionStatus] = mapped_column(
        StrEnumType(AdoptionStatus, 30), default=AdoptionStatus.PENDING
    )
    response: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # the 24-hour duplicate rule
    ip_hash: Mapped[str] = mapped_column(sa.String(64), default="")  # never the raw address

    # Moderation: the text as published (personal data masked), who moderated it and when.
    withheld_reason: Mapped[WithholdReason | None] = mapped_column(StrEnumType(WithholdReason, 20))
    published_body: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Answering (PROC-20a, PART-15b): who recorded the adoption and the response, and when.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The answer as drafted, never public (issue 12): not on the public page, in the API, the
    # citizen's status page, the adoption report, feeds or search. Releasing it copies it into
    # ``adoption``/``response``/``theme`` above, stamps ``answered_at`` (the moment it became
    # public) and records who released it. ``draft_theme`` None = keep the theme;
    # ``draft_correction`` is the reason when the public answer is locked (report published).
    draft_adoption: Mapped[AdoptionStatus | None] = mapped_column(StrEnumType(AdoptionStatus, 30))
    draft_response: Mapped[str | None] = mapped_column(sa.Text)
    draft_theme: Mapped[str | None] = mapped_column(sa.String(60))
    draft_correction: Mapped[str | None] = mapped_column(sa.Text)
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Campaign grouping: identical and near-identical opinions share a key within a decision.
    group_key: Mapped[str] = mapped_column(sa.String(64), default="", server_default="", index=True)
    # The normalised text's hash (``portal.services.moderation.text_hash``), set on submission:
    # the queue groups campaigns by it without computing anything when it is viewed.
    text_hash: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # How it reached the unit (PART-6b/6c): the portal, or a letter, call, contact point or
    # meeting entered by staff (who and when; the citizen gets the same receipt code).
    channel: Mapped[OpinionChannel] = mapped_column(
        StrEnumType(OpinionChannel, 20), default=OpinionChannel.ONLINE, server_default="online"
    )
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The theme staff file the opinion under in the adoption report (PART-15b); '' = its clause.
    theme: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # Contact details were deleted after the retention period (security.md, PIPL art. 19).
    contacts_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Notifications (issue 12): the submitter's language at submission (zh_CN or en), and when
    # they unsubscribed from e-mails about this opinion (nothing is sent after that).
    language: Mapped[str] = mapped_column(sa.String(8), default="zh_CN", server_default="zh_CN")
    mail_opt_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    decision: Mapped[Decision] = relationship()
    consultation: Mapped[Consultation] = relationship()

    @property
    def has_draft(self) -> bool:
        """An answer is drafted and not released yet."""
        return self.drafted_at is not None

    def __repr__(self) -> str:
        return f"<Opinion {self.id} {self.receipt_code} on decision {self.decision_id}>"


class AnswerTemplate(db.Model):
    """A reusable answer for frequent opinions (issue 4): adoption status plus the reply text."""

    __tablename__ = "answer_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    adoption: Mapped[AdoptionStatus] = mapped_column(StrEnumType(AdoptionStatus, 30))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class OpinionReport(db.Model):
    """The adoption report of a decision's consultation (PART-15b, PROC-37b): a summary written by
    the undertaking unit; the counts, themes and answers come from the opinions themselves."""

    __tablename__ = "opinion_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), unique=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decision: Mapped[Decision] = relationship()
