"""Following a decision by e-mail without an account (issue 12).

A follow is requested with an e-mail address and becomes active only once confirmed from the
link in the confirmation e-mail (double opt-in). The address is kept in plain text because it is
needed to send the e-mails; ``email_hash`` (SHA-256 of the lower-cased address) keeps one row per
address and decision. An unsubscribed follow is deleted at once; an unconfirmed one is deleted
after ``FOLLOW_CONFIRM_DAYS`` by ``flask portal purge-contacts``. The address is private: it is
never shown on any page, feed or API.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.types import UTCDateTime, utcnow


class DecisionFollow(db.Model):
    __tablename__ = "decision_follows"
    __table_args__ = (sa.UniqueConstraint("decision_id", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))  # private
    email_hash: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(8), default="zh_CN")
    # Bound into every signed link of this follow: a link stops working once the row is gone.
    nonce: Mapped[str] = mapped_column(sa.String(32))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    consent_version: Mapped[str] = mapped_column(sa.String(20), default="")

    decision: Mapped[Decision] = relationship()

    def __repr__(self) -> str:
        return f"<DecisionFollow {self.id} of decision {self.decision_id}>"
