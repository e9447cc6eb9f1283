"""Demo supervision: the parking decision in execution, split into tasks with monthly tracking
entries (one overdue), an approved written inspection with a rectification item, and a public
implementation update (PART-20a). Idempotent; every row is audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

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
)
from portal.rules.stages import Step
from portal.rules.supervision import Dissemination, InspectionMethod, InspectionType, TaskStatus
from portal.rules.workdays import local_date
from portal.services import procedure, records
from portal.services import supervision as service
from portal.services.records import update_record

ACTOR = "seed-demo"
TITLE = "赤峰市城区停车设施建设和管理办法"


def _unit(decision: Decision, slug: str) -> Department:
    return db.session.scalar(
        sa.select(Department).where(
            Department.government_id == decision.government_id, Department.slug == slug
        )
    )


@records.seeding()
def seed_demo_supervision(now: datetime) -> int:
    """Supervision demo, then the post-evaluation demo (``portal.demo_evaluation``)."""
    from portal.demo_evaluation import seed_demo_evaluation

    return _seed(now) + seed_demo_evaluation(now)


def _seed(now: datetime) -> int:
    decision = db.session.scalar(sa.select(Decision).where(Decision.title == TITLE))
    if decision is None:
        return 0
    if db.session.scalar(
        sa.select(SupervisionTask.id).where(SupervisionTask.decision_id == decision.id)
    ):
        return 0
    today = local_date(now)
    step = procedure.latest_steps(decision).get(Step.EXECUTION)
    start = local_date(step.started_at) if step else today - timedelta(days=150)
    kw = {"decision": decision, "actor": ACTOR, "now": now}
    if decision.executing_unit_id is None:
        update_record(
            decision,
            {"executing_unit_id": _unit(decision, "urban-management").id},
            action="decision.executing_unit",
            **kw,
        )
    cal = procedure.work_calendar()
    specs = [
        (
            "新建建筑停车配建标准落实",
            "2026年底前完成新建项目配建审查100%覆盖",
            "natural-resources",
            220,
            True,
        ),
        (
            "机关企事业单位停车场错时开放",
            "首批30家单位停车场错时向社会开放",
            "urban-management",
            120,
            False,
        ),
    ]
    rows = 0
    for title, milestones, slug, days, complete_all in specs:
        task = SupervisionTask(decision_id=decision.id, registered_on=start, status=TaskStatus.OPEN)
        update_record(
            task,
            {
                "title": title,
                "target_milestones": milestones,
                "responsible_unit_id": _unit(decision, slug).id,
                "deadline": start + timedelta(days=days),
            },
            action="supervision.task_register",
            **kw,
        )
        rows += 1
        for slot in service.task_slots(task, today, cal):
            last_month = (slot.month.year, slot.month.month) == _previous_month(today)
            if slot.due >= today or (last_month and not complete_all):
                continue  # not yet due, or the deliberately overdue entry
            entry = TrackingEntry(task_id=task.id, year=slot.month.year, month=slot.month.month)
            update_record(
                entry,
                {
                    "progress": f"{slot.month}：按计划推进，{title}工作完成阶段目标。",
                    "effects": "新增公共停车泊位，群众反映停车难问题有所缓解。",
                    "problems": "" if complete_all else "部分单位开放意愿不强，需加强协调。",
                    "recorded_on": slot.due - timedelta(days=2),
                },
                action="supervision.tracking",
                **kw,
            )
            rows += 1
    started = today - timedelta(days=40)
    insp = Inspection(decision_id=decision.id)
    update_record(
        insp,
        {
            "inspection_type": InspectionType.SPECIAL,
            "method": InspectionMethod.WRITTEN,
            "topic": "停车设施错时开放推进缓慢问题专项督查",
            "inspected_unit_id": _unit(decision, "urban-management").id,
            "started_on": started,
            "self_report_due": started + timedelta(days=10),
            "self_report_received_on": started + timedelta(days=8),
            "execution_status": "新建项目配建审查已全面落实；错时开放单位仅完成18家。",
            "problems": "错时开放激励措施不足，部分单位担心安全管理责任。",
            "matters_for_leadership_coordination": "协调机关事务管理部门带头开放机关停车场。",
            "work_recommendations": "出台错时开放安全管理指引，建立开放单位名单公示制度。",
            "approved_by": "市政府副市长 张明",
            "approved_on": started + timedelta(days=15),
            "dissemination": Dissemination.FEEDBACK,
            "disseminated_on": started + timedelta(days=16),
        },
        action="supervision.inspection_add",
        **kw,
    )
    update_record(
        Rectification(inspection_id=insp.id, decision_id=decision.id),
        {
            "description": "制定停车场错时开放安全管理指引并公示开放单位名单",
            "responsible_unit_id": _unit(decision, "urban-management").id,
            "due_on": today + timedelta(days=20),
        },
        action="supervision.rectification_add",
        **kw,
    )
    update_record(
        ImplementationUpdate(decision_id=decision.id),
        {
            "specific_measures": "严格新建建筑停车配建审查；推动机关企事业单位停车场错时开放；"
            "建设智慧停车平台。",
            "implementation_steps": "第一阶段完成配建标准落实；第二阶段推进错时开放；"
            "第三阶段建成智慧停车平台。",
            "responsibility_division": "市城市管理综合执法局牵头，市自然资源局负责配建审查。",
            "supervision_methods": "市政府督查室每月跟踪督办，年底考核。",
            "achievements": "新增公共停车泊位2300个，18家单位停车场错时开放。",
            "follow_up_measures": "年底前实现首批30家单位错时开放。",
            "published_at": now - timedelta(days=10),
        },
        action="implementation.update_publish",
        **kw,
    )
    db.session.commit()
    return rows


def _previous_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
