"""The public participation channels of a government (PART-6b, PART-6c).

PART-6b asks the government to strengthen the 12345 citizen service hotline and government open
days and to explore government new media as participation platforms; PART-6c encourages public
participation contact points at the information-disclosure reception points or the disclosure
inquiry zones of administrative service centres. Each government office keeps its own list
(edited in the back office, audited) and the portal shows it on a public page; opinions received
through these channels are entered by staff (``Opinion.channel``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.org import Government
from portal.models.types import StrEnumType, UTCDateTime, utcnow


class ChannelKind(StrEnum):
    HOTLINE_12345 = "hotline_12345"  # 12345 市民服务热线 (PART-6b)
    OPEN_DAY = "open_day"  # 政府开放日 (PART-6b)
    NEW_MEDIA = "new_media"  # 政务新媒体 (PART-6b)
    CONTACT_POINT = "contact_point"  # 公众参与联系点 (PART-6c)
    OTHER = "other"


class ParticipationChannel(db.Model):
    __tablename__ = "participation_channels"
    __table_args__ = (sa.Index("ix_participation_channels_public", "government_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(sa.ForeignKey("governments.id"))
    kind: Mapped[ChannelKind] = mapped_column(StrEnumType(ChannelKind, 20))
    name: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    hours: Mapped[str] = mapped_column(sa.String(200), default="")  # opening hours, dates
    phone: Mapped[str] = mapped_column(sa.String(40), default="")  # the channel's own number
    url: Mapped[str] = mapped_column(sa.String(300), default="")  # http(s) only
    description: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)  # retired, never deleted (audited)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    government: Mapped[Government] = relationship()

    def __repr__(self) -> str:
        return f"<ParticipationChannel {self.id} {self.kind} of government {self.government_id}>"
