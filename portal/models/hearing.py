"""Hearings (听证会) and symposiums (座谈会) with their stakeholder sides and registrations
(PROC-19, PART-8, PART-11..13, PART-16, A36, A37).

A ``Hearing`` belongs to a decision and is linked to the decision's ``ParticipationActivity``
(the procedure-stage record the compliance panel reads); the hearing services keep that
activity in step (date, place, participant count, materials, held, record, report).

Publication flags for the public site, search and feeds: ``announced_at`` (the notice is
public), ``list_published_at`` (the participant list is public), ``report_published_at`` (the
hearing report is public), ``cancelled_at``. Nothing of a hearing is public before
``announced_at``, and nothing at all when the decision is ``non_disclosable``.

Private: a registration's name (unless ``publish_name_consent``), contacts, ID number, IP hash
and statement are never shown on public pages or in the public API.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.participation import ParticipationActivity
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.hearings import (
    DeliveryMethod,
    HearingKind,
    RecordConfirmation,
    RegistrationStatus,
    SelectionMethod,
)


class Hearing(db.Model):
    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participation_activities.id"), unique=True
    )
    kind: Mapped[HearingKind] = mapped_column(StrEnumType(HearingKind, 20))
    title: Mapped[str] = mapped_column(sa.String(200))
    # PART-12a: the notice
    subject: Mapped[str] = mapped_column(sa.Text, default="")  # 听证内容
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    seats: Mapped[int] = mapped_column(default=0)  # 参加人名额
    selection_method: Mapped[SelectionMethod] = mapped_column(StrEnumType(SelectionMethod, 20))
    selection_rules: Mapped[str] = mapped_column(sa.Text, default="")  # 遴选办法 (PART-12b)
    registration_method: Mapped[str] = mapped_column(sa.Text, default="")
    contact_info: Mapped[str] = mapped_column(sa.Text, default="")
    other_matters: Mapped[str] = mapped_column(sa.Text, default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requires_id_number: Mapped[bool] = mapped_column(default=False)
    held_publicly: Mapped[bool] = mapped_column(default=True)  # PROC-19d, PART-11b
    materials_note: Mapped[str] = mapped_column(sa.Text, default="")  # beyond draft + explanation
    # The draw (lottery, quota): the seed's SHA-256 is public from the announcement, the seed
    # itself from the draw; see portal.rules.hearings.draw_order.
    draw_seed: Mapped[str] = mapped_column(sa.String(64), default="")
    draw_commitment: Mapped[str] = mapped_column(sa.String(64), default="")
    draw_seats: Mapped[int] = mapped_column(default=0)  # seats given out by the draw
    # Concurrency: registrations take this row's lock and the next number (first come order).
    registration_seq: Mapped[int] = mapped_column(default=0)
    confirmed_count: Mapped[int] = mapped_column(default=0)
    # Dates of the steps (rules.md 1.4); the public flags are the *_at of publication.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    selected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    list_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    record_text: Mapped[str] = mapped_column(sa.Text, default="")  # PART-13: the hearing record
    record_ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # PART-16a: the hearing report
    report_basic_info: Mapped[str] = mapped_column(sa.Text, default="")
    report_main_opinions: Mapped[str] = mapped_column(sa.Text, default="")
    report_other: Mapped[str] = mapped_column(sa.Text, default="")
    report_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decision: Mapped[Decision] = relationship()
    activity: Mapped[ParticipationActivity | None] = relationship()
    sides: Mapped[list[HearingSide]] = relationship(
        back_populates="hearing", order_by="HearingSide.position", cascade="all, delete-orphan"
    )

    @property
    def government_id(self) -> int:  # object-level permission scope
        return self.decision.government_id

    @property
    def is_public(self) -> bool:
        return self.announced_at is not None and not self.decision.non_disclosable

    def __repr__(self) -> str:
        return f"<Hearing {self.id} {self.kind} of decision {self.decision_id}>"


class HearingSide(db.Model):
    """A stakeholder side the organiser declared (A36); ``seats`` is its quota (quota method)."""

    __tablename__ = "hearing_sides"
    __table_args__ = (sa.UniqueConstraint("hearing_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(60))
    seats: Mapped[int] = mapped_column(default=0)

    hearing: Mapped[Hearing] = relationship(back_populates="sides")


class HearingRegistration(db.Model):
    """One person's registration, invitation or application for a hearing or symposium."""

    __tablename__ = "hearing_registrations"
    __table_args__ = (
        # One active registration per contact and hearing (cancelling clears the key).
        sa.UniqueConstraint("hearing_id", "active_contact_key"),
        sa.Index("ix_hearing_registrations_duplicate", "content_hash", "registered_at"),
        sa.Index("ix_hearing_registrations_queue", "hearing_id", "status", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id"), index=True)
    side_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_sides.id"))
    receipt_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    checkin_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))  # private unless publish_name_consent
    # Public number: shown instead of the name in the participant list and used as the draw's
    # input (the receipt code stays secret: it allows look-up and cancellation).
    public_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    publish_name_consent: Mapped[bool] = mapped_column(default=False)
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # private
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")  # private
    id_number: Mapped[str] = mapped_column(sa.String(18), default="")  # private
    statement: Mapped[str] = mapped_column(sa.Text, default="")  # private
    status: Mapped[RegistrationStatus] = mapped_column(
        StrEnumType(RegistrationStatus, 20), index=True
    )
    rank: Mapped[int] = mapped_column(default=0)  # queue order: arrival or draw position
    draw_selected: Mapped[bool | None] = mapped_column()  # the draw's outcome (None: not drawn)
    invited: Mapped[bool] = mapped_column(default=False)
    invitation_reason: Mapped[str] = mapped_column(sa.Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str] = mapped_column(sa.String(20), default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")  # 24-hour rule
    active_contact_key: Mapped[str | None] = mapped_column(sa.String(64))  # one per contact
    ip_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    # A37 / PROC-19c / PART-8b: the materials reached this participant
    materials_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    materials_method: Mapped[DeliveryMethod | None] = mapped_column(StrEnumType(DeliveryMethod, 20))
    # On the day: check-in by code, then the record (PART-13b)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    record_confirmation: Mapped[RecordConfirmation | None] = mapped_column(
        StrEnumType(RecordConfirmation, 20)
    )
    record_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    record_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Notifications (issue 12): the language at registration (zh_CN or en) and the opt-out.
    language: Mapped[str] = mapped_column(sa.String(8), default="zh_CN", server_default="zh_CN")
    mail_opt_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hearing: Mapped[Hearing] = relationship()
    side: Mapped[HearingSide | None] = relationship()

    def __repr__(self) -> str:
        return f"<HearingRegistration {self.id} {self.status} of hearing {self.hearing_id}>"
