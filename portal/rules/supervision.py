"""Supervision of a decision's execution (SUP, PROC-40..42, rules.md 1.4 "Supervision item").

Pure: no Flask, no SQLAlchemy. The services pass plain dates and facts and get the months a
tracking entry is due, the overdue marks and the ``RuleViolation`` s of every gate:

* SUP-2a  supervision starts once the decision is published and in execution;
* SUP-7a  a task names its milestones, responsible unit and completion deadline;
* SUP-7b  one tracking entry per open task per calendar month, due by the month's last working
          day (A29); a task whose deadline passed without completion is flagged;
* SUP-7c  the year-end assessment, due by 31 December (A29; window opens on 15 December);
* SUP-10b a written inspection sets the inspected unit's self-report deadline;
* SUP-11a the inspection report has its four parts;
* SUP-12a the report is approved by a government leader before its conclusions go out;
* SUP-12c rectification items are finished by their deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.rules import deadlines
from portal.rules.errors import N_, RuleViolation
from portal.rules.workdays import WorkCalendar

# A29: the year-end assessment window opens on 15 December and the assessment is due by
# 31 December of the year assessed.
YEAR_END_WINDOW_OPENS = (12, 15)

# SUP-11a: the four parts of the inspection report.
INSPECTION_REPORT_PARTS = (
    "execution_status",
    "problems",
    "matters_for_leadership_coordination",
    "work_recommendations",
)


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class InspectionType(StrEnum):
    """SUP-8a."""

    ROUTINE = "routine"
    SPECIAL = "special"


class InspectionMethod(StrEnum):
    """SUP-10a."""

    WRITTEN = "written_inspection"
    ON_SITE = "on_site_inspection"


class OnSiteTechnique(StrEnum):
    """SUP-10c."""

    SITE_CHECK = "site_check"
    INTERVIEW = "interview"
    UNANNOUNCED_VISIT = "unannounced_visit"


class Dissemination(StrEnum):
    """SUP-12b: feedback to the inspected unit, or a circular (internal by default, A30)."""

    FEEDBACK = "feedback"
    CIRCULAR = "circular"


class AssessmentResult(StrEnum):
    """SUP-7c: the result of the year-end assessment."""

    EXCELLENT = "excellent"
    GOOD = "good"
    PASSED = "passed"
    FAILED = "failed"


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


def present(value: str | None) -> bool:
    return bool(value and value.strip())


# -- SUP-2a: when supervision can start --------------------------------------------------------


def registration_violations(*, published: bool, execution_started: bool) -> list[RuleViolation]:
    """SUP-2a: a decision is registered for supervision once it is made and published."""
    if not published or not execution_started:
        # SUP-2a: supervision follows the decision's publication and execution
        return [
            _v(
                "SUP-2a",
                N_("Supervision starts once the decision is published and in execution."),
                "decision",
            )
        ]
    return []


# -- SUP-7a: a task -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskInput:
    title: str
    target_milestones: str
    responsible_unit: str
    deadline: date | None
    registered_on: date | None = None


def task_violations(t: TaskInput) -> list[RuleViolation]:
    """SUP-7a: 分解立项, with target milestones, responsible units and completion deadlines."""
    out = []
    if not present(t.title):
        # SUP-7a: the task itself (its description)
        out.append(_v("SUP-7a", N_("Describe the task."), "title"))
    if not present(t.target_milestones):
        # SUP-7a: 目标节点
        out.append(_v("SUP-7a", N_("Give the task's target milestones."), "target_milestones"))
    if not present(t.responsible_unit):
        # SUP-7a: 责任单位
        out.append(_v("SUP-7a", N_("Name the responsible unit."), "responsible_unit_id"))
    if t.deadline is None:
        # SUP-7a: 落实时限
        out.append(_v("SUP-7a", N_("Give the completion deadline."), "deadline"))
    elif t.registered_on is not None and t.deadline < t.registered_on:
        out.append(
            _v("SUP-7a", N_("The deadline cannot be before the task is registered."), "deadline")
        )
    return out


def task_overdue(deadline: date, completed_on: date | None, today: date) -> bool:
    """SUP-7b: a task whose completion deadline has passed without completion is flagged."""
    return deadlines.is_overdue(deadline, completed_on, today)


# -- SUP-7b: monthly tracking ------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), self.month % 12 + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)


@dataclass(frozen=True)
class TrackingSlot:
    """One month's tracking entry of one task: when it is due and whether it is missing."""

    month: Month
    due: date
    recorded_on: date | None
    overdue: bool  # missing after its due day (SUP-7b)
    late: bool  # recorded after its due day
    uncertain: bool = False  # the due day lies in a year without holiday data


def tracking_months(registered_on: date, completed_on: date | None, today: date) -> list[Month]:
    """SUP-7b / A29: the calendar months needing an entry: from the month the task was
    registered to the month it was completed (or the current month), inclusive."""
    end = completed_on if completed_on is not None and completed_on < today else today
    months = []
    m = Month.of(registered_on)
    last = Month.of(end)
    while (m.year, m.month) <= (last.year, last.month):
        months.append(m)
        m = m.next()
    return months


def tracking_slots(
    registered_on: date,
    completed_on: date | None,
    recorded: dict[Month, date],
    today: date,
    calendar: WorkCalendar | None = None,
) -> list[TrackingSlot]:
    """SUP-7b: every month's entry with its due day (the month's last working day, A29)."""
    out = []
    for m in tracking_months(registered_on, completed_on, today):
        dl = deadlines.monthly_tracking_due(m.year, m.month, calendar)
        rec = recorded.get(m)
        out.append(
            TrackingSlot(
                month=m,
                due=dl.due,
                recorded_on=rec,
                overdue=rec is None and today > dl.due,
                late=rec is not None and rec > dl.due,
                uncertain=dl.uncertain,
            )
        )
    return out


def tracking_violations(slots: Iterable[TrackingSlot]) -> list[RuleViolation]:
    """SUP-7b: one violation per month whose entry is missing after its due day."""
    return [
        # SUP-7b: 每月进行跟踪督办
        _v(
            "SUP-7b",
            N_("The tracking entry for %(month)s was due on %(due)s and is missing."),
            "tracking",
            month=str(s.month),
            due=s.due.isoformat(),
        )
        for s in slots
        if s.overdue
    ]


def tracking_entry_violations(
    month: Month, registered_on: date, recorded_on: date, progress: str
) -> list[RuleViolation]:
    """SUP-7b: an entry belongs to a month the task was open in, not a future month."""
    out = []
    if (month.year, month.month) < (registered_on.year, registered_on.month):
        # SUP-7b: an entry belongs to a month the task was open in
        out.append(_v("SUP-7b", N_("The task was registered after that month."), "month"))
    if (month.year, month.month) > (recorded_on.year, recorded_on.month):
        # SUP-7b: not a future month
        out.append(_v("SUP-7b", N_("A month cannot be tracked before it begins."), "month"))
    if not present(progress):
        # SUP-2a: know the execution progress, effects and problems at all times
        out.append(_v("SUP-2a", N_("Describe the execution progress."), "progress"))
    return out


# -- SUP-7c: the year-end assessment -------------------------------------------------------------


def year_end_window_opens(year: int) -> date:
    return date(year, *YEAR_END_WINDOW_OPENS)


def assessment_violations(year: int, assessed_on: date | None, result: str | None, assessor: str):
    """SUP-7c / A29: assessed at the year's end (from 15 December), with result and assessor."""
    out = []
    if assessed_on is None:
        # SUP-7c: the date of the year-end assessment
        out.append(_v("SUP-7c", N_("Give the date of the assessment."), "assessed_on"))
    elif assessed_on < year_end_window_opens(year):
        # SUP-7c / A29: 年底时 - the window opens on 15 December
        out.append(
            _v(
                "SUP-7c",
                N_("The year-end assessment of %(year)s can be recorded from %(opens)s."),
                "assessed_on",
                year=year,
                opens=year_end_window_opens(year).isoformat(),
            )
        )
    if not result:
        # SUP-7c: the assessment result
        out.append(_v("SUP-7c", N_("Choose the assessment result."), "result"))
    if not present(assessor):
        # SUP-7c: the assessor
        out.append(_v("SUP-7c", N_("Name the assessor."), "assessor"))
    return out


def assessment_overdue(year: int, assessed_on: date | None, today: date) -> bool:
    """SUP-7c / A29: due by 31 December of the year assessed."""
    return deadlines.is_overdue(deadlines.year_end_assessment_due(year), assessed_on, today)


# -- SUP-8..12: inspections ----------------------------------------------------------------------


def inspection_violations(
    method: InspectionMethod,
    self_report_due: date | None,
    started_on: date | None,
    techniques: Iterable[str] = (),
) -> list[RuleViolation]:
    """SUP-10a/b/c: a written inspection sets the self-report deadline; on-site techniques."""
    out = []
    if started_on is None:
        # SUP-10a: the inspection's start (the self-report deadline follows it, SUP-10b)
        out.append(_v("SUP-10a", N_("Give the date the inspection starts."), "started_on"))
    if method is InspectionMethod.WRITTEN:
        if self_report_due is None:
            # SUP-10b: 限期书面报告 - the agency sets the deadline
            out.append(
                _v(
                    "SUP-10b",
                    N_("A written inspection sets the deadline of the unit's self-report."),
                    "self_report_due",
                )
            )
        elif started_on is not None and self_report_due < started_on:
            # SUP-10b: the self-report is due after the inspection starts
            out.append(
                _v(
                    "SUP-10b",
                    N_("The self-report cannot be due before the inspection starts."),
                    "self_report_due",
                )
            )
    elif not list(techniques):
        # SUP-10c: 现场检查、访谈、暗访
        out.append(_v("SUP-10c", N_("Choose how the on-site inspection is done."), "techniques"))
    return out


def self_report_overdue(due: date | None, received_on: date | None, today: date) -> bool:
    """SUP-10b: the written self-report is overdue after its deadline (inclusive)."""
    return due is not None and deadlines.is_overdue(due, received_on, today)


def report_missing_parts(report: dict[str, str]) -> list[str]:
    return [p for p in INSPECTION_REPORT_PARTS if not present(report.get(p))]


def approval_violations(
    report: dict[str, str], approved_by: str, approved_on: date | None
) -> list[RuleViolation]:
    """SUP-11a / SUP-12a: a complete report, approved by a leader of the government."""
    out = []
    missing = report_missing_parts(report)
    if missing:
        # SUP-11a: the four required parts
        out.append(
            _v(
                "SUP-11a",
                N_("The inspection report lacks required parts."),
                missing[0],
            )
        )
    if not present(approved_by) or approved_on is None:
        # SUP-12a: 经本级政府领导审定
        out.append(
            _v(
                "SUP-12a",
                N_("Record the government leader who approved the report, and when."),
                "approved_by",
            )
        )
    return out


def dissemination_violations(approved_on: date | None, sent_on: date | None) -> list[RuleViolation]:
    """SUP-12a: conclusions go to the unit or are circulated only after approval."""
    if approved_on is None:
        # SUP-12a: 审定后，方可反馈或者通报
        return [
            _v(
                "SUP-12a",
                N_("The report must be approved before its conclusions are sent or circulated."),
                "dissemination",
            )
        ]
    if sent_on is not None and sent_on < approved_on:
        # SUP-12a: conclusions are sent only after the report's approval
        return [
            _v(
                "SUP-12a",
                N_("The conclusions cannot be sent before the report was approved."),
                "disseminated_on",
            )
        ]
    return []


def rectification_violations(
    approved_on: date | None, description: str, due_on: date | None
) -> list[RuleViolation]:
    """SUP-12a / SUP-12c: rectification follows the approved conclusions and has a deadline."""
    out = []
    if approved_on is None:
        # SUP-12a: the conclusions (and what they require) exist once the report is approved
        out.append(
            _v(
                "SUP-12a",
                N_("The report must be approved before rectification is required."),
                "rectification",
            )
        )
    if not present(description):
        # SUP-12c: what must be rectified
        out.append(_v("SUP-12c", N_("Describe what must be rectified."), "description"))
    if due_on is None:
        # SUP-12c: 在规定时间内完成整改
        out.append(_v("SUP-12c", N_("Give the rectification deadline."), "due_on"))
    return out


def rectification_overdue(due_on: date, completed_on: date | None, today: date) -> bool:
    """SUP-12c: finished within the time set (inclusive)."""
    return deadlines.is_overdue(due_on, completed_on, today)


def rectification_deadline_violations(
    due_on: date, completed_on: date | None, today: date
) -> list[RuleViolation]:
    if rectification_overdue(due_on, completed_on, today):
        # SUP-12c: 在规定时间内完成整改
        return [
            _v(
                "SUP-12c",
                N_("The rectification was due on %(due)s."),
                "completed_on",
                due=due_on.isoformat(),
            )
        ]
    return []
