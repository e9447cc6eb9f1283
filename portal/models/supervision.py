"""Supervision of a published decision (SUP) and the executing unit's public implementation
updates (PART-20a).

A decision is split into tasks (SUP-7a) tracked every month (SUP-7b); inspections (SUP-8..11)
end in an approved report (SUP-12a) whose conclusions may require rectification (SUP-12c); the
execution of each decision is assessed at the year's end (SUP-7c). Supervision records are
internal (A30); only the implementation updates marked public appear on the dossier.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department
from portal.models.types import StrEnumType, UTCDateTime, utcnow
from portal.rules.supervision import (
    AssessmentResult,
    Dissemination,
    InspectionMethod,
    InspectionType,
    TaskStatus,
)


class SupervisionTask(db.Model):
    """SUP-7a: one task of the decision, with its milestones, responsible unit and deadline."""

    __tablename__ = "supervision_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    target_milestones: Mapped[str] = mapped_column(sa.Text, default="")
    responsible_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    supporting_units: Mapped[str] = mapped_column(sa.String(200), default="")
    deadline: Mapped[date] = mapped_column(sa.Date)
    registered_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[TaskStatus] = mapped_column(StrEnumType(TaskStatus, 20), default=TaskStatus.OPEN)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decision: Mapped[Decision] = relationship()
    responsible_unit: Mapped[Department] = relationship()
    entries: Mapped[list[TrackingEntry]] = relationship(
        back_populates="task", order_by="(TrackingEntry.year, TrackingEntry.month)"
    )

    def __repr__(self) -> str:
        return f"<SupervisionTask {self.id} of decision {self.decision_id}>"


class TrackingEntry(db.Model):
    """SUP-7b: the month's tracking of one task: progress, effects, problems (SUP-2a)."""

    __tablename__ = "supervision_tracking_entries"
    __table_args__ = (sa.UniqueConstraint("task_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_tasks.id"), index=True)
    year: Mapped[int] = mapped_column()
    month: Mapped[int] = mapped_column()
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    effects: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    task: Mapped[SupervisionTask] = relationship(back_populates="entries")


class TrackingReminder(db.Model):
    """SUP-7d: the urging record (督办记录): one reminder per task, month and kind."""

    __tablename__ = "supervision_reminders"
    __table_args__ = (sa.UniqueConstraint("task_id", "year", "month", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_tasks.id"), index=True)
    year: Mapped[int] = mapped_column()
    month: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(20))  # "due_soon" or "overdue"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)


class Inspection(db.Model):
    """SUP-8..12: a routine or special inspection, written or on site, and its report."""

    __tablename__ = "supervision_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    inspection_type: Mapped[InspectionType] = mapped_column(StrEnumType(InspectionType, 20))
    method: Mapped[InspectionMethod] = mapped_column(StrEnumType(InspectionMethod, 30))
    techniques: Mapped[str] = mapped_column(sa.String(100), default="")  # SUP-10c, comma list
    participating_departments: Mapped[str] = mapped_column(sa.Text, default="")  # SUP-8a
    topic: Mapped[str] = mapped_column(sa.Text, default="")  # SUP-9a
    inspected_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    started_on: Mapped[date] = mapped_column(sa.Date)
    self_report_due: Mapped[date | None] = mapped_column(sa.Date)  # SUP-10b
    self_report_received_on: Mapped[date | None] = mapped_column(sa.Date)
    # SUP-11a: the report.
    execution_status: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    matters_for_leadership_coordination: Mapped[str] = mapped_column(sa.Text, default="")
    work_recommendations: Mapped[str] = mapped_column(sa.Text, default="")
    # SUP-12a / SUP-12b.
    approved_by: Mapped[str] = mapped_column(sa.String(100), default="")
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    dissemination: Mapped[Dissemination | None] = mapped_column(StrEnumType(Dissemination, 20))
    disseminated_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    inspected_unit: Mapped[Department | None] = relationship()
    rectifications: Mapped[list[Rectification]] = relationship(
        back_populates="inspection", order_by="Rectification.id"
    )


class Rectification(db.Model):
    """SUP-12c: an item the approved conclusions require, with its deadline and check."""

    __tablename__ = "supervision_rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supervision_inspections.id"), index=True
    )
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    responsible_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    due_on: Mapped[date] = mapped_column(sa.Date)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    check_result: Mapped[str] = mapped_column(sa.Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="rectifications")
    responsible_unit: Mapped[Department | None] = relationship()


class YearEndAssessment(db.Model):
    """SUP-7c: the year-end assessment of the decision's execution."""

    __tablename__ = "supervision_assessments"
    __table_args__ = (sa.UniqueConstraint("decision_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    year: Mapped[int] = mapped_column()
    result: Mapped[AssessmentResult] = mapped_column(StrEnumType(AssessmentResult, 20))
    assessor: Mapped[str] = mapped_column(sa.String(100))
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    remarks: Mapped[str] = mapped_column(sa.Text, default="")


class ImplementationUpdate(db.Model):
    """PART-20a: the executing unit's published account of the execution."""

    __tablename__ = "implementation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    specific_measures: Mapped[str] = mapped_column(sa.Text, default="")
    implementation_steps: Mapped[str] = mapped_column(sa.Text, default="")
    responsibility_division: Mapped[str] = mapped_column(sa.Text, default="")
    supervision_methods: Mapped[str] = mapped_column(sa.Text, default="")
    achievements: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up_measures: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
