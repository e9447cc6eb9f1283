"""A written suggestion from the public for a new decision item (PROC-11b(4), PROC-11d), or for
an entry of the annual catalog during its solicitation (CAT-7b).

The proposal register (PROC-11d) keeps: the source (always the public, PROC-11b(4)), the
proposer's name or organisation, the date received, the content, the studying unit, the study
conclusion, and the decision organ's answer with the decision item it led to (PROC-11c).

Contact details and the IP hash are private: staff see them masked unless they reveal them
(audited); they are never in exports, and ``purge_contacts`` deletes them after the retention
period, keeping the text under a pseudonym.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department, Government
from portal.models.types import StrEnumType, UTCDateTime, utcnow


class ProposalKind(StrEnum):
    NEW_ITEM = "new_item"  # PROC-11b(4): a new decision item, any time
    CATALOG_ITEM = "catalog_item"  # CAT-7b: an entry for the annual catalog (with its year)


class ProposerType(StrEnum):
    """PROC-11b(4): 公民、法人或者其他组织."""

    CITIZEN = "citizen"
    LEGAL_PERSON = "legal_person"
    OTHER_ORGANISATION = "other_organisation"


class ProposalStatus(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"  # handed to a studying unit (PROC-11b(4): 研究论证)
    UNDER_STUDY = "under_study"
    ANSWERED = "answered"  # the decision organ's answer is given (PROC-11c)


class ProposalOutcome(StrEnum):
    ADOPTED_AS_ITEM = "adopted_as_item"  # PROC-11c 启动: a decision item is initiated
    INCLUDED_IN_CATALOG = "included_in_catalog"  # listed in an annual catalog (CAT-7b, CAT-16a)
    NOT_ADOPTED = "not_adopted"  # PROC-11c 不启动


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (sa.Index("ix_proposals_duplicate", "content_hash", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"), index=True)
    kind: Mapped[ProposalKind] = mapped_column(
        StrEnumType(ProposalKind, 20), default=ProposalKind.NEW_ITEM
    )
    catalog_year: Mapped[int | None] = mapped_column()  # CAT-7b; or the catalog it went into
    receipt_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    proposer_type: Mapped[ProposerType] = mapped_column(StrEnumType(ProposerType, 30))
    proposer_name: Mapped[str] = mapped_column(sa.String(100), default="")  # '' once purged
    publish_name_consent: Mapped[bool] = mapped_column(default=False)
    consent_version: Mapped[str] = mapped_column(sa.String(20), default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")  # private
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # private
    title: Mapped[str] = mapped_column(sa.String(200))  # plain text; render escaped
    content: Mapped[str] = mapped_column(sa.Text)  # plain text, NFKC-normalised
    reasons: Mapped[str] = mapped_column(sa.Text, default="")  # supporting reasons (optional)
    status: Mapped[ProposalStatus] = mapped_column(
        StrEnumType(ProposalStatus, 20), default=ProposalStatus.RECEIVED, index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # the 24-hour duplicate rule
    ip_hash: Mapped[str] = mapped_column(sa.String(64), default="")  # never the raw address
    # Routing to the studying unit (PROC-11b(4)) and its study (PROC-11d).
    studying_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id"), index=True
    )
    routing_note: Mapped[str] = mapped_column(sa.Text, default="")
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    routed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    study_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    study_conclusion: Mapped[str] = mapped_column(sa.Text, default="")
    studied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    studied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The answer (PROC-11c): outcome, the reply sent to the proposer, the item it led to.
    outcome: Mapped[ProposalOutcome | None] = mapped_column(StrEnumType(ProposalOutcome, 30))
    reply: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    # Contact details deleted after the retention period (security.md, PIPL art. 19).
    contacts_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    government: Mapped[Government] = relationship()
    studying_unit: Mapped[Department | None] = relationship()
    decision: Mapped[Decision | None] = relationship()

    @property
    def pseudonym(self) -> str:
        """The name the register uses once the proposer's name is deleted."""
        return f"P{self.id:06d}"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone)

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.kind} {self.status}>"
