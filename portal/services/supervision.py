"""Supervision of a published decision (SUP) and public implementation updates (PART-20a).

Every function checks meaning through ``portal.rules.supervision`` first and raises
:class:`RuleViolation` (every violation at once, with its rule ID) before writing anything;
writes go through ``records.update_record`` so each change is audited with the decision.
Reminders go to the outbox (``mail.send``) in the same transaction. Functions flush and never
commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department
from portal.models.supervision import (
    ImplementationUpdate,
    Inspection,
    Rectification,
    SupervisionTask,
    TrackingEntry,
    TrackingReminder,
    YearEndAssessment,
)
from portal.models.user import User, UserRole
from portal.permissions import Role
from portal.rules import supervision as rules
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.stages import Step, StepStatus
from portal.rules.supervision import (
    AssessmentResult,
    Dissemination,
    InspectionMethod,
    InspectionType,
    Month,
    TaskStatus,
    TrackingSlot,
)
from portal.rules.transitions import FINAL_EXITS
from portal.rules.workdays import local_date
from portal.services import audit, outbox, procedure
from portal.services.records import update_record

# Reminders go out this many working days before a month's tracking entry is due (SUP-7d).
REMINDER_LEAD_WORKING_DAYS = 3
TEXT_MAX = 5000


def _input(message: str, field: str, **params) -> RuleViolation:
    return RuleViolation("", message, field=field, **params)


def _text(values: dict[str, Any], name: str) -> str:
    return (values.get(name) or "").strip()


def _long(values: dict[str, Any], names) -> list[RuleViolation]:
    return [
        _input(N_("Write at most %(n)d characters."), n, n=TEXT_MAX)
        for n in names
        if len(_text(values, n)) > TEXT_MAX
    ]


def _kw(decision: Decision, actor, now: datetime, ip: str) -> dict[str, Any]:
    return {"decision": decision, "actor": actor, "now": now, "ip": ip}


def _unit(decision: Decision, unit_id: Any, field: str) -> Department | None:
    """A department of the decision's own government (others are not offered)."""
    try:
        unit = db.session.get(Department, int(unit_id)) if unit_id not in (None, "") else None
    except (TypeError, ValueError):
        unit = None
    if unit is None or unit.government_id != decision.government_id:
        return None
    return unit


def execution_started(decision: Decision) -> bool:
    step = procedure.latest_steps(decision).get(Step.EXECUTION)
    return step is not None and step.status in (StepStatus.IN_PROGRESS, StepStatus.COMPLETED)


def registration_violations(decision: Decision) -> list[RuleViolation]:
    return rules.registration_violations(
        published=decision.published_at is not None, execution_started=execution_started(decision)
    )


def _start_supervision_step(decision: Decision, *, actor, now: datetime, ip: str) -> None:
    """SUP-2a: registering the first task starts the procedure's supervision step."""
    row = procedure.latest_steps(decision).get(Step.SUPERVISION)
    if row is not None and row.status is not StepStatus.PENDING:
        return
    try:
        procedure.transition(decision, Step.SUPERVISION, actor=actor, now=now, ip=ip)
    except RuleViolation as v:
        raise RuleViolation.of([v]) from None


# -- tasks (SUP-7a) ----------------------------------------------------------------------------


def tasks_of(decision: Decision) -> list[SupervisionTask]:
    return list(
        db.session.scalars(
            sa.select(SupervisionTask)
            .where(SupervisionTask.decision_id == decision.id)
            .order_by(SupervisionTask.deadline, SupervisionTask.id)
        ).all()
    )


def register_task(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> SupervisionTask:
    """SUP-7a: 分解立项 - a task with milestones, responsible unit and completion deadline."""
    today = local_date(now)
    unit = _unit(decision, values.get("responsible_unit_id"), "responsible_unit_id")
    out = registration_violations(decision)
    out += rules.task_violations(
        rules.TaskInput(
            title=_text(values, "title"),
            target_milestones=_text(values, "target_milestones"),
            responsible_unit=unit.name if unit else "",
            deadline=values.get("deadline"),
            registered_on=today,
        )
    )
    out += _long(values, ("target_milestones",))
    if len(_text(values, "title")) > 200:
        out.append(_input(N_("Write at most %(n)d characters."), "title", n=200))
    refuse(out)
    _start_supervision_step(decision, actor=actor, now=now, ip=ip)
    task = SupervisionTask(decision_id=decision.id, registered_on=today, status=TaskStatus.OPEN)
    update_record(
        task,
        {
            "title": _text(values, "title"),
            "target_milestones": _text(values, "target_milestones"),
            "responsible_unit_id": unit.id,
            "supporting_units": _text(values, "supporting_units")[:200],
            "deadline": values["deadline"],
        },
        action="supervision.task_register",
        **_kw(decision, actor, now, ip),
    )
    return task


def complete_task(
    task: SupervisionTask, completed_on: date | None, *, actor, now: datetime, ip: str = ""
) -> SupervisionTask:
    if completed_on is None:
        raise RuleViolation.of(
            [_input(N_("Give the date the task was completed."), "completed_on")]
        )
    if completed_on < task.registered_on or completed_on > local_date(now):
        raise RuleViolation.of(
            [
                _input(
                    N_("The completion date must lie between registration and today."),
                    "completed_on",
                )
            ]
        )
    update_record(
        task,
        {"status": TaskStatus.COMPLETED, "completed_on": completed_on},
        action="supervision.task_complete",
        **_kw(task.decision, actor, now, ip),
    )
    return task


# -- monthly tracking (SUP-7b) --------------------------------------------------------------------


def task_slots(task: SupervisionTask, today: date, calendar=None) -> list[TrackingSlot]:
    recorded = {Month(e.year, e.month): e.recorded_on for e in task.entries}
    return rules.tracking_slots(
        task.registered_on,
        task.completed_on,
        recorded,
        today,
        calendar if calendar is not None else procedure.work_calendar(),
    )


def record_tracking(
    task: SupervisionTask,
    month: Month,
    values: dict[str, Any],
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> TrackingEntry:
    """SUP-7b: the month's tracking entry of an open task (one per month; a second saves over
    the first)."""
    today = local_date(now)
    out = []
    if (
        task.status is TaskStatus.COMPLETED
        and task.completed_on
        and ((month.year, month.month) > (task.completed_on.year, task.completed_on.month))
    ):
        # SUP-7b: an entry belongs to a month the task was open in
        out.append(
            RuleViolation("SUP-7b", N_("The task was completed before that month."), field="month")
        )
    out += rules.tracking_entry_violations(
        month, task.registered_on, today, _text(values, "progress")
    )
    out += _long(values, ("progress", "effects", "problems"))
    refuse(out)
    entry = db.session.scalar(
        sa.select(TrackingEntry).where(
            TrackingEntry.task_id == task.id,
            TrackingEntry.year == month.year,
            TrackingEntry.month == month.month,
        )
    )
    changes: dict[str, Any] = {
        "progress": _text(values, "progress"),
        "effects": _text(values, "effects"),
        "problems": _text(values, "problems"),
    }
    if entry is None:
        entry = TrackingEntry(task_id=task.id, year=month.year, month=month.month)
        changes |= {"recorded_on": today, "recorded_by_id": getattr(actor, "id", None)}
    update_record(
        entry, changes, action="supervision.tracking", **_kw(task.decision, actor, now, ip)
    )
    db.session.expire(task, ["entries"])
    return entry


@dataclass(frozen=True)
class OverdueEntry:
    task: SupervisionTask
    slot: TrackingSlot


def _open_tasks(government_id: int | None = None) -> list[SupervisionTask]:
    query = (
        sa.select(SupervisionTask)
        .join(Decision, SupervisionTask.decision_id == Decision.id)
        .where(Decision.stage.not_in([s.value for s in FINAL_EXITS]))
        .order_by(SupervisionTask.decision_id, SupervisionTask.id)
    )
    if government_id is not None:
        query = query.where(Decision.government_id == government_id)
    return list(db.session.scalars(query).all())


def overdue_tracking(government_id: int | None, today: date) -> list[OverdueEntry]:
    """SUP-7b: every missing monthly entry past its due day, oldest first."""
    cal = procedure.work_calendar()
    out = []
    for task in _open_tasks(government_id):
        for slot in task_slots(task, today, cal):
            if slot.overdue:
                out.append(OverdueEntry(task, slot))
    return sorted(out, key=lambda o: (o.slot.due, o.task.id))


def overdue_tasks(government_id: int | None, today: date) -> list[SupervisionTask]:
    """SUP-7b: tasks whose completion deadline passed without completion."""
    return [
        t
        for t in _open_tasks(government_id)
        if t.status is TaskStatus.OPEN and rules.task_overdue(t.deadline, None, today)
    ]


def _recipients(task: SupervisionTask) -> list[str]:
    """The responsible unit's staff and the government's supervision officers (with e-mail)."""
    gov_id = task.decision.government_id
    rows = db.session.scalars(
        sa.select(User)
        .join(Department, User.department_id == Department.id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(
            User.active.is_(True),
            User.email.is_not(None),
            sa.or_(
                User.department_id == task.responsible_unit_id,
                sa.and_(
                    Department.government_id == gov_id,
                    UserRole.role == Role.SUPERVISION_OFFICER,
                ),
            ),
        )
    ).all()
    return sorted({u.email for u in rows if u.email})


def send_reminders(now: datetime, *, government_id: int | None = None, actor="system") -> int:
    """SUP-7d: urge the monthly tracking entries due soon and remind of overdue ones, once
    each per task and month; every reminder is logged (督办记录) and audited."""
    today = local_date(now)
    cal = procedure.work_calendar()
    sent = 0
    for task in _open_tasks(government_id):
        if task.status is TaskStatus.COMPLETED:
            continue
        for slot in task_slots(task, today, cal):
            if slot.recorded_on is not None:
                continue
            if slot.overdue:
                kind = "overdue"
            elif cal.add_working_days(today, REMINDER_LEAD_WORKING_DAYS) >= slot.due:
                kind = "due_soon"
            else:
                continue
            exists = db.session.scalar(
                sa.select(TrackingReminder.id).where(
                    TrackingReminder.task_id == task.id,
                    TrackingReminder.year == slot.month.year,
                    TrackingReminder.month == slot.month.month,
                    TrackingReminder.kind == kind,
                )
            )
            if exists:
                continue
            to = _recipients(task)
            for address in to:
                outbox.enqueue(
                    "mail.send",
                    {
                        "to": address,
                        "subject": f"督办提醒 Supervision reminder: {task.title}",
                        "body": (
                            f"《{task.decision.title}》督查任务“{task.title}”{slot.month}的跟踪"
                            f"督办记录{'已逾期' if kind == 'overdue' else '即将到期'}，"
                            f"应于{slot.due.isoformat()}前报送（SUP-7b）。\n"
                            f"The tracking entry of {slot.month} for the task "
                            f"\u201c{task.title}\u201d"
                            f" is {'overdue' if kind == 'overdue' else 'due'} "
                            f"({slot.due.isoformat()}).\n"
                        ),
                    },
                    now=now,
                )
            reminder = TrackingReminder(
                task_id=task.id,
                year=slot.month.year,
                month=slot.month.month,
                kind=kind,
                sent_at=now,
                recipients=len(to),
            )
            db.session.add(reminder)
            db.session.flush()
            audit.record(
                "supervision.reminder",
                actor=actor,
                now=now,
                obj=task.decision,
                details={
                    "task": task.id,
                    "month": str(slot.month),
                    "kind": kind,
                    "recipients": len(to),
                },
            )
            sent += 1
    return sent


def reminders_of(decision: Decision) -> list[TrackingReminder]:
    return list(
        db.session.scalars(
            sa.select(TrackingReminder)
            .join(SupervisionTask, TrackingReminder.task_id == SupervisionTask.id)
            .where(SupervisionTask.decision_id == decision.id)
            .order_by(TrackingReminder.sent_at.desc(), TrackingReminder.id.desc())
        ).all()
    )


# -- inspections (SUP-8..12) ---------------------------------------------------------------------


def inspections_of(decision: Decision) -> list[Inspection]:
    return list(
        db.session.scalars(
            sa.select(Inspection)
            .where(Inspection.decision_id == decision.id)
            .order_by(Inspection.started_on.desc(), Inspection.id.desc())
        ).all()
    )


def add_inspection(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> Inspection:
    """SUP-8a / SUP-10a/b/c: a routine or special inspection, written or on site."""
    try:
        kind = InspectionType(values.get("inspection_type") or "")
        method = InspectionMethod(values.get("method") or "")
    except ValueError:
        raise RuleViolation.of(
            [_input(N_("Choose the type and method of the inspection."), "method")]
        ) from None
    techniques = [t for t in values.get("techniques") or [] if t in set(rules.OnSiteTechnique)]
    unit = _unit(decision, values.get("inspected_unit_id"), "inspected_unit_id")
    out = registration_violations(decision)
    out += rules.inspection_violations(
        method, values.get("self_report_due"), values.get("started_on"), techniques
    )
    out += _long(values, ("topic", "participating_departments"))
    refuse(out)
    inspection = Inspection(decision_id=decision.id)
    update_record(
        inspection,
        {
            "inspection_type": kind,
            "method": method,
            "techniques": ",".join(techniques) if method is InspectionMethod.ON_SITE else "",
            "participating_departments": _text(values, "participating_departments"),
            "topic": _text(values, "topic"),
            "inspected_unit_id": unit.id if unit else None,
            "started_on": values["started_on"],
            "self_report_due": values.get("self_report_due")
            if method is InspectionMethod.WRITTEN
            else None,
        },
        action="supervision.inspection_add",
        **_kw(decision, actor, now, ip),
    )
    return inspection


def receive_self_report(
    inspection: Inspection, received_on: date | None, *, actor, now: datetime, ip: str = ""
) -> None:
    """SUP-10b: the inspected unit's written self-report arrived."""
    if received_on is None or received_on > local_date(now):
        raise RuleViolation.of(
            [_input(N_("Give the date the self-report arrived."), "self_report_received_on")]
        )
    update_record(
        inspection,
        {"self_report_received_on": received_on},
        action="supervision.self_report",
        **_kw(db.session.get(Decision, inspection.decision_id), actor, now, ip),
    )


def save_report(
    inspection: Inspection, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> None:
    """SUP-11a: the report's four parts (editable until approved)."""
    if inspection.approved_on is not None:
        # SUP-12a: the approved report is what the leader approved; it no longer changes
        raise RuleViolation.of(
            [
                RuleViolation(
                    "SUP-12a", N_("An approved report can no longer be changed."), field="report"
                )
            ]
        )
    refuse(_long(values, rules.INSPECTION_REPORT_PARTS))
    update_record(
        inspection,
        {p: _text(values, p) for p in rules.INSPECTION_REPORT_PARTS},
        action="supervision.report",
        **_kw(db.session.get(Decision, inspection.decision_id), actor, now, ip),
    )


def approve_report(
    inspection: Inspection,
    approved_by: str,
    approved_on: date | None,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """SUP-12a: approved by a leader of the government."""
    report = {p: getattr(inspection, p) for p in rules.INSPECTION_REPORT_PARTS}
    out = rules.approval_violations(report, approved_by, approved_on)
    if approved_on is not None and approved_on > local_date(now):
        out.append(_input(N_("The date cannot be in the future."), "approved_on"))
    refuse(out)
    update_record(
        inspection,
        {"approved_by": approved_by.strip()[:100], "approved_on": approved_on},
        action="supervision.report_approve",
        **_kw(db.session.get(Decision, inspection.decision_id), actor, now, ip),
    )


def disseminate(
    inspection: Inspection,
    kind: str,
    sent_on: date | None,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """SUP-12a / SUP-12b: conclusions fed back to the unit or circulated, after approval."""
    out = rules.dissemination_violations(inspection.approved_on, sent_on)
    try:
        dissemination = Dissemination(kind)
    except ValueError:
        dissemination = None
        out.append(_input(N_("Choose feedback or circular."), "dissemination"))
    if sent_on is None:
        out.append(_input(N_("Give the date."), "disseminated_on"))
    refuse(out)
    update_record(
        inspection,
        {"dissemination": dissemination, "disseminated_on": sent_on},
        action="supervision.disseminate",
        **_kw(db.session.get(Decision, inspection.decision_id), actor, now, ip),
    )


def add_rectification(
    inspection: Inspection, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> Rectification:
    """SUP-12c: an item the approved conclusions require, with its deadline."""
    decision = db.session.get(Decision, inspection.decision_id)
    unit = _unit(decision, values.get("responsible_unit_id"), "responsible_unit_id")
    out = rules.rectification_violations(
        inspection.approved_on, _text(values, "description"), values.get("due_on")
    )
    due = values.get("due_on")
    if due is not None and inspection.approved_on is not None and due < inspection.approved_on:
        # SUP-12c: the rectification deadline follows the approved conclusions
        out.append(
            RuleViolation(
                "SUP-12c",
                N_("The deadline cannot be before the report was approved."),
                field="due_on",
            )
        )
    out += _long(values, ("description",))
    refuse(out)
    item = Rectification(inspection_id=inspection.id, decision_id=decision.id)
    update_record(
        item,
        {
            "description": _text(values, "description"),
            "responsible_unit_id": unit.id if unit else None,
            "due_on": due,
        },
        action="supervision.rectification_add",
        **_kw(decision, actor, now, ip),
    )
    return item


def complete_rectification(
    item: Rectification,
    completed_on: date | None,
    check_result: str,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """SUP-12c: finished (late completion is recorded and stays marked as late)."""
    out = []
    if completed_on is None or completed_on > local_date(now):
        out.append(_input(N_("Give the date the rectification was completed."), "completed_on"))
    if len(check_result or "") > TEXT_MAX:
        out.append(_input(N_("Write at most %(n)d characters."), "check_result", n=TEXT_MAX))
    refuse(out)
    update_record(
        item,
        {"completed_on": completed_on, "check_result": (check_result or "").strip()},
        action="supervision.rectification_complete",
        **_kw(db.session.get(Decision, item.decision_id), actor, now, ip),
    )


def rectifications_overdue(government_id: int | None, today: date) -> list[Rectification]:
    query = (
        sa.select(Rectification)
        .join(Decision, Rectification.decision_id == Decision.id)
        .where(Rectification.completed_on.is_(None), Rectification.due_on < today)
        .order_by(Rectification.due_on)
    )
    if government_id is not None:
        query = query.where(Decision.government_id == government_id)
    return list(db.session.scalars(query).all())


# -- year-end assessment (SUP-7c) ----------------------------------------------------------------


def assessments_of(decision: Decision) -> list[YearEndAssessment]:
    return list(
        db.session.scalars(
            sa.select(YearEndAssessment)
            .where(YearEndAssessment.decision_id == decision.id)
            .order_by(YearEndAssessment.year.desc())
        ).all()
    )


def record_assessment(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> YearEndAssessment:
    """SUP-7c / A29: one assessment per decision and year, from 15 December."""
    year = values.get("year")
    out = registration_violations(decision)
    if not isinstance(year, int) or not 2021 <= year <= local_date(now).year:
        out.append(_input(N_("Choose the year assessed."), "year"))
        year = local_date(now).year
    result = values.get("result") or ""
    if result and result not in set(AssessmentResult):
        result = ""
    assessed_on = values.get("assessed_on")
    out += rules.assessment_violations(year, assessed_on, result, _text(values, "assessor"))
    if assessed_on is not None and assessed_on > local_date(now):
        out.append(_input(N_("The date cannot be in the future."), "assessed_on"))
    refuse(out)
    row = db.session.scalar(
        sa.select(YearEndAssessment).where(
            YearEndAssessment.decision_id == decision.id, YearEndAssessment.year == year
        )
    ) or YearEndAssessment(decision_id=decision.id, year=year)
    update_record(
        row,
        {
            "result": AssessmentResult(result),
            "assessor": _text(values, "assessor")[:100],
            "assessed_on": assessed_on,
            "remarks": _text(values, "remarks")[:TEXT_MAX],
        },
        action="supervision.assessment",
        **_kw(decision, actor, now, ip),
    )
    return row


def assessment_due(decision: Decision, today: date) -> list[RuleViolation]:
    """SUP-7c: a year of supervision without its assessment after 31 December."""
    years = {t.registered_on.year for t in tasks_of(decision)}
    done = {a.year for a in assessments_of(decision)}
    out = []
    for year in sorted(years - done):
        if rules.assessment_overdue(year, None, today):
            # SUP-7c: the year-end assessment of each year
            out.append(
                RuleViolation(
                    "SUP-7c",
                    N_("The year-end assessment of %(year)s is missing."),
                    field="assessment",
                    year=year,
                )
            )
    return out


# -- public implementation updates (PART-20a) -----------------------------------------------------

UPDATE_PLAN_FIELDS = (
    "specific_measures",
    "implementation_steps",
    "responsibility_division",
    "supervision_methods",
)
UPDATE_PROGRESS_FIELDS = ("achievements", "follow_up_measures")
UPDATE_FIELDS = UPDATE_PLAN_FIELDS + UPDATE_PROGRESS_FIELDS


def updates_of(decision: Decision, *, public_only: bool = False) -> list[ImplementationUpdate]:
    query = sa.select(ImplementationUpdate).where(ImplementationUpdate.decision_id == decision.id)
    if public_only:
        query = query.where(ImplementationUpdate.published_at.is_not(None))
    return list(
        db.session.scalars(
            query.order_by(ImplementationUpdate.published_at.desc(), ImplementationUpdate.id.desc())
        ).all()
    )


def publish_update(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> ImplementationUpdate:
    """PART-20a: the executing unit publishes its measures, steps, responsibilities and
    supervision methods, and later the results achieved and the next steps."""
    out = []
    if decision.non_disclosable:
        # PROC-37c: an item not to be disclosed by law is not published
        out.append(
            RuleViolation(
                "PROC-37c",
                N_("This decision item is not disclosed to the public."),
                field="decision",
            )
        )
    if decision.published_at is None or not execution_started(decision):
        # PART-20a: the execution status of a published decision
        out.append(
            RuleViolation(
                "PART-20a",
                N_("Only a published decision in execution has updates."),
                field="decision",
            )
        )
    first = not updates_of(decision, public_only=True)
    if first:
        for name in UPDATE_PLAN_FIELDS:
            if not _text(values, name):
                # PART-20a: 具体措施、实施步骤、责任分工、监督方式
                out.append(
                    RuleViolation(
                        "PART-20a",
                        N_(
                            "The first update states the measures, steps, responsibilities "
                            "and supervision."
                        ),
                        field=name,
                    )
                )
                break
    elif not any(_text(values, n) for n in UPDATE_PROGRESS_FIELDS):
        # PART-20a: 取得的成效、后续举措
        out.append(
            RuleViolation(
                "PART-20a",
                N_("A later update states the results achieved or the next steps."),
                field="achievements",
            )
        )
    out += _long(values, UPDATE_FIELDS)
    refuse(out)
    update = ImplementationUpdate(decision_id=decision.id, created_by_id=getattr(actor, "id", None))
    update_record(
        update,
        {n: _text(values, n) for n in UPDATE_FIELDS} | {"published_at": now},
        action="implementation.update_publish",
        **_kw(decision, actor, now, ip),
    )
    if not decision.non_disclosable:
        outbox.enqueue("search.decision", {"id": decision.id}, now=now)
    return update


def withdraw_update(update: ImplementationUpdate, *, actor, now: datetime, ip: str = "") -> None:
    """Take an update off the public dossier (it stays on record)."""
    update_record(
        update,
        {"published_at": None},
        action="implementation.update_withdraw",
        **_kw(db.session.get(Decision, update.decision_id), actor, now, ip),
    )


# -- the decision's supervision at a glance -------------------------------------------------------


def warnings(decision: Decision, today: date) -> list[RuleViolation]:
    """What the supervision screen flags: SUP-2a, SUP-7b, SUP-7c, SUP-10b, SUP-12c."""
    out: list[RuleViolation] = []
    tasks = tasks_of(decision)
    if execution_started(decision) and not tasks and decision.stage not in FINAL_EXITS:
        # SUP-2a: every decision in execution is tracked routinely
        out.append(
            RuleViolation(
                "SUP-2a",
                N_("The decision is in execution but has no supervision tasks."),
                field="tasks",
            )
        )
    cal = procedure.work_calendar()
    for task in tasks:
        for v in rules.tracking_violations(task_slots(task, today, cal)):
            out.append(v)
        if task.status is TaskStatus.OPEN and rules.task_overdue(task.deadline, None, today):
            # SUP-7b: a task past its deadline without completion is flagged
            out.append(
                RuleViolation(
                    "SUP-7b",
                    N_("The task %(task)s passed its deadline %(due)s without completion."),
                    field="deadline",
                    task=task.title,
                    due=task.deadline.isoformat(),
                )
            )
    for insp in inspections_of(decision):
        if rules.self_report_overdue(
            insp.self_report_due, insp.self_report_received_on, today
        ) and (insp.self_report_received_on is None):
            # SUP-10b: the self-report is due by the deadline the agency set
            out.append(
                RuleViolation(
                    "SUP-10b",
                    N_("The inspected unit's self-report was due on %(due)s."),
                    field="self_report_due",
                    due=insp.self_report_due.isoformat(),
                )
            )
        for item in insp.rectifications:
            if item.completed_on is None:
                out += rules.rectification_deadline_violations(item.due_on, None, today)
    out += assessment_due(decision, today)
    return out


# -- what the back-office screens show (display only; they import no rule module) ---------------


def decisions_under_supervision(government_id: int) -> list[Decision]:
    """SUP-2a: the government's published decisions that have not ended."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(
                Decision.government_id == government_id,
                Decision.published_at.is_not(None),
                Decision.stage.not_in([s.value for s in FINAL_EXITS]),
            )
            .order_by(Decision.published_at.desc())
        ).all()
    )


def task_counts(decisions: list[Decision]) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(SupervisionTask.decision_id, sa.func.count(SupervisionTask.id))
            .where(SupervisionTask.decision_id.in_([d.id for d in decisions]))
            .group_by(SupervisionTask.decision_id)
        ).all()
    )


def rectification_overdue(item: Rectification, today: date) -> bool:
    """SUP-12c: the rectification is past its deadline without completion (or done late)."""
    return rules.rectification_overdue(item.due_on, item.completed_on, today)


def self_report_overdue(inspection: Inspection, today: date) -> bool:
    """SUP-10b: the inspected unit's self-report is past the deadline set."""
    return rules.self_report_overdue(
        inspection.self_report_due, inspection.self_report_received_on, today
    )


def month_of(text: str | None) -> Month | None:
    """A tracking month chosen on the form (``2026-11``), or None when malformed."""
    try:
        year, month = (int(x) for x in (text or "").split("-"))
        return Month(year, month)
    except (TypeError, ValueError):
        return None
