"""Supervision as officials use it: demo tasks with an overdue monthly entry, registering a
task (SUP-2a / SUP-7a), tracking, inspections (SUP-10b, SUP-12a, SUP-12c), reminders through
the outbox, and the public implementation updates on the dossier (PART-20a)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.org import Department
from portal.models.outbox import OutboxMessage
from portal.models.supervision import (
    ImplementationUpdate,
    Inspection,
    Rectification,
    SupervisionTask,
    TrackingEntry,
    TrackingReminder,
)
from portal.models.user import User
from portal.services import supervision as service
from tests.conftest import NOW, login, text_of

PARKING = "赤峰市城区停车设施建设和管理办法"


@pytest.fixture
def seeded(demo):
    from portal.demo_supervision import seed_demo_supervision

    assert seed_demo_supervision(NOW) > 0
    assert seed_demo_supervision(NOW) == 0  # idempotent
    return db.session.scalar(sa.select(Decision).where(Decision.title == PARKING))


def _unit(decision, slug="urban-management") -> Department:
    return db.session.scalar(
        sa.select(Department).where(
            Department.government_id == decision.government_id, Department.slug == slug
        )
    )


def test_demo_decision_shows_tasks_and_the_overdue_monthly_entry(client, seeded):
    login(client, "supervisor")
    page = client.get(f"/admin/decisions/{seeded.id}/supervision")
    assert page.status_code == 200
    text = text_of(page)
    assert "机关企事业单位停车场错时开放" in text
    assert "SUP-7b" in text  # the missing October entry is flagged with its rule
    overview = text_of(client.get("/admin/supervision"))
    assert "2026-10" in overview and PARKING in overview


def test_sup_2a_a_decision_not_yet_published_cannot_be_supervised(client, demo):
    login(client, "supervisor")
    drafting = db.session.scalar(
        sa.select(Decision).where(Decision.published_at.is_(None), Decision.government_id == 1)
    )
    unit = _unit(drafting)
    response = client.post(
        f"/admin/decisions/{drafting.id}/supervision/tasks",
        data={
            "title": "任务",
            "target_milestones": "节点",
            "responsible_unit_id": unit.id,
            "deadline": "2027-06-30",
        },
    )
    assert response.status_code == 422
    assert "SUP-2a" in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(SupervisionTask.id))) == 0


def test_sup_7a_register_task_then_track_the_month(client, seeded):
    login(client, "supervisor")
    unit = _unit(seeded)
    missing = client.post(
        f"/admin/decisions/{seeded.id}/supervision/tasks",
        data={
            "title": "智慧停车平台建设",
            "target_milestones": "",
            "responsible_unit_id": unit.id,
            "deadline": "2027-06-30",
        },
    )
    assert missing.status_code == 422 and "SUP-7a" in text_of(missing)
    ok = client.post(
        f"/admin/decisions/{seeded.id}/supervision/tasks",
        data={
            "title": "智慧停车平台建设",
            "target_milestones": "2027年6月上线",
            "responsible_unit_id": unit.id,
            "deadline": "2027-06-30",
        },
    )
    assert ok.status_code == 302
    task = db.session.scalar(
        sa.select(SupervisionTask).where(SupervisionTask.title == "智慧停车平台建设")
    )
    assert task.registered_on == date(2026, 11, 26)
    future = client.post(
        f"/admin/decisions/{seeded.id}/supervision/tasks/{task.id}/tracking",
        data={f"t{task.id}-month": "2026-12", f"t{task.id}-progress": "完成招标"},
    )
    assert future.status_code == 422  # not a month offered for this task
    tracked = client.post(
        f"/admin/decisions/{seeded.id}/supervision/tasks/{task.id}/tracking",
        data={f"t{task.id}-month": "2026-11", f"t{task.id}-progress": "完成平台招标"},
    )
    assert tracked.status_code == 302
    entry = db.session.scalar(sa.select(TrackingEntry).where(TrackingEntry.task_id == task.id))
    assert entry.progress == "完成平台招标" and entry.recorded_on == date(2026, 11, 26)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "supervision.tracking"
            )
        )
        >= 1
    )


def test_sup_7b_overdue_entry_sends_one_reminder_through_the_outbox(client, seeded):
    officer = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
    officer.email = "supervisor@example.cn"
    db.session.commit()
    first = service.send_reminders(NOW)
    db.session.commit()
    assert first >= 1
    assert service.send_reminders(NOW) == 0  # once per task, month and kind
    reminder = db.session.scalar(
        sa.select(TrackingReminder).where(TrackingReminder.kind == "overdue")
    )
    assert (reminder.year, reminder.month) == (2026, 10)
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send")
    ).all()
    assert any("supervisor@example.cn" in m.payload and "SUP-7b" in m.payload for m in mails)


def test_sup_10b_written_inspection_needs_the_self_report_deadline(client, seeded):
    login(client, "supervisor")
    base = {
        "inspection_type": "special",
        "method": "written_inspection",
        "started_on": "2026-11-20",
    }
    refused = client.post(f"/admin/decisions/{seeded.id}/supervision/inspections", data=base)
    assert refused.status_code == 422 and "SUP-10b" in text_of(refused)
    ok = client.post(
        f"/admin/decisions/{seeded.id}/supervision/inspections",
        data=base | {"self_report_due": "2026-11-30"},
    )
    assert ok.status_code == 302


def test_sup_12a_conclusions_and_rectification_only_after_approval(client, seeded):
    login(client, "supervisor")
    client.post(
        f"/admin/decisions/{seeded.id}/supervision/inspections",
        data={
            "inspection_type": "routine",
            "method": "on_site_inspection",
            "techniques": ["site_check"],
            "started_on": "2026-11-20",
        },
    )
    insp = db.session.scalar(
        sa.select(Inspection).where(Inspection.started_on == date(2026, 11, 20))
    )
    url = f"/admin/decisions/{seeded.id}/supervision/inspections/{insp.id}"
    sent = client.post(
        url + "/disseminate", data={"dissemination": "circular", "disseminated_on": "2026-11-25"}
    )
    assert sent.status_code == 422 and "SUP-12a" in text_of(sent)
    rect = client.post(
        url + "/rectifications",
        data={f"r{insp.id}-description": "整改", f"r{insp.id}-due_on": "2026-12-20"},
    )
    assert rect.status_code == 422 and "SUP-12a" in text_of(rect)
    incomplete = client.post(
        url + "/approve", data={"approved_by": "副市长 张明", "approved_on": "2026-11-25"}
    )
    assert incomplete.status_code == 422 and "SUP-11a" in text_of(incomplete)
    parts = {f"i{insp.id}-{p}": "内容" for p in service.rules.INSPECTION_REPORT_PARTS}
    assert client.post(url + "/report", data=parts).status_code == 302
    assert (
        client.post(
            url + "/approve", data={"approved_by": "副市长 张明", "approved_on": "2026-11-25"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url + "/disseminate",
            data={"dissemination": "circular", "disseminated_on": "2026-11-25"},
        ).status_code
        == 302
    )
    no_deadline = client.post(url + "/rectifications", data={f"r{insp.id}-description": "整改"})
    assert no_deadline.status_code == 422 and "SUP-12c" in text_of(no_deadline)
    assert (
        client.post(
            url + "/rectifications",
            data={f"r{insp.id}-description": "公示开放名单", f"r{insp.id}-due_on": "2026-12-20"},
        ).status_code
        == 302
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Rectification.id)).where(Rectification.inspection_id == insp.id)
        )
        == 1
    )


def test_sup_12c_overdue_rectification_is_flagged(client, seeded):
    item = db.session.scalar(sa.select(Rectification))
    item.due_on = date(2026, 11, 25)
    db.session.commit()
    assert service.rectifications_overdue(seeded.government_id, date(2026, 11, 25)) == []
    assert service.rectifications_overdue(seeded.government_id, date(2026, 11, 26)) == [item]
    login(client, "supervisor")
    assert "SUP-12c" in text_of(client.get(f"/admin/decisions/{seeded.id}/supervision"))


def test_sup_7c_year_end_assessment_refused_before_15_december(client, seeded):
    login(client, "supervisor")
    response = client.post(
        f"/admin/decisions/{seeded.id}/supervision/assessments",
        data={
            "year": "2026",
            "result": "good",
            "assessor": "市政府督查室",
            "assessed_on": "2026-11-26",
        },
    )
    assert response.status_code == 422 and "SUP-7c" in text_of(response)


def test_part_20a_updates_appear_on_the_public_dossier(client, seeded):
    page = text_of(client.get(f"/decisions/{seeded.id}"))
    assert "新增公共停车泊位2300个" in page
    login(client, "undertaker")
    first_only = client.post(
        f"/admin/decisions/{seeded.id}/supervision/updates", data={"achievements": ""}
    )
    assert first_only.status_code == 422 and "PART-20a" in text_of(first_only)
    assert (
        client.post(
            f"/admin/decisions/{seeded.id}/supervision/updates",
            data={"achievements": "首批30家单位已全部开放"},
        ).status_code
        == 302
    )
    client.post("/admin/logout")
    assert "首批30家单位已全部开放" in text_of(client.get(f"/decisions/{seeded.id}"))
    assert db.session.scalar(sa.select(sa.func.count(ImplementationUpdate.id))) == 2


def test_other_roles_and_governments_cannot_change_supervision(client, seeded):
    login(client, "moderator")
    tasks = db.session.scalar(sa.select(sa.func.count(SupervisionTask.id)))
    response = client.post(
        f"/admin/decisions/{seeded.id}/supervision/tasks", data={"title": "越权新增任务"}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(SupervisionTask.id))) == tasks
    client.post("/admin/logout")
    login(client, "hongshan.office")
    assert client.get(f"/admin/decisions/{seeded.id}/supervision").status_code == 404
