"""SUP rules as pure functions: both sides of every gate and deadline boundary."""

from __future__ import annotations

from datetime import date

from portal.rules import supervision as sup
from portal.rules.supervision import InspectionMethod, Month
from portal.rules.workdays import WorkCalendar

CAL = WorkCalendar()


def rules_of(violations) -> list[str]:
    return [v.rule for v in violations]


def test_sup_2a_supervision_starts_only_after_publication_and_execution():
    assert rules_of(sup.registration_violations(published=False, execution_started=False)) == [
        "SUP-2a"
    ]
    assert rules_of(sup.registration_violations(published=True, execution_started=False)) == [
        "SUP-2a"
    ]
    assert sup.registration_violations(published=True, execution_started=True) == []


def test_sup_7a_a_task_needs_milestones_unit_and_deadline():
    bad = sup.task_violations(sup.TaskInput("修建停车场", "", "", None))
    assert {v.field for v in bad} == {"target_milestones", "responsible_unit_id", "deadline"}
    assert set(rules_of(bad)) == {"SUP-7a"}
    ok = sup.TaskInput("修建停车场", "年底前完成", "市城管局", date(2026, 12, 31), date(2026, 6, 1))
    assert sup.task_violations(ok) == []


def test_sup_7b_tracking_entry_due_on_the_last_working_day_boundary():
    # SUP-7b / A29: October 2026 ends on Saturday the 31st -> due Friday 30 October
    slots = sup.tracking_slots(date(2026, 10, 5), None, {}, date(2026, 10, 30), CAL)
    assert slots[-1].due == date(2026, 10, 30)
    assert not slots[-1].overdue  # on the due day itself: not yet overdue
    slots = sup.tracking_slots(date(2026, 10, 5), None, {}, date(2026, 10, 31), CAL)
    assert slots[-1].overdue  # the day after: overdue
    assert rules_of(sup.tracking_violations(slots)) == ["SUP-7b"]


def test_sup_7b_an_entry_on_the_due_day_is_on_time_and_the_day_after_is_late():
    on_time = sup.tracking_slots(
        date(2026, 10, 5), None, {Month(2026, 10): date(2026, 10, 30)}, date(2026, 11, 26), CAL
    )
    assert not on_time[0].late and not on_time[0].overdue
    late = sup.tracking_slots(
        date(2026, 10, 5), None, {Month(2026, 10): date(2026, 11, 2)}, date(2026, 11, 26), CAL
    )
    assert late[0].late and not late[0].overdue


def test_sup_7b_months_run_from_registration_to_completion():
    months = sup.tracking_months(date(2026, 7, 20), date(2026, 9, 3), date(2026, 11, 26))
    assert [str(m) for m in months] == ["2026-07", "2026-08", "2026-09"]
    assert len(sup.tracking_months(date(2026, 11, 2), None, date(2027, 1, 5))) == 3


def test_sup_7b_task_deadline_flag_boundary():
    assert not sup.task_overdue(date(2026, 11, 26), None, date(2026, 11, 26))
    assert sup.task_overdue(date(2026, 11, 26), None, date(2026, 11, 27))


def test_sup_7b_no_entry_for_a_future_month():
    v = sup.tracking_entry_violations(Month(2026, 12), date(2026, 6, 1), date(2026, 11, 26), "进展")
    assert rules_of(v) == ["SUP-7b"]
    assert (
        sup.tracking_entry_violations(Month(2026, 11), date(2026, 6, 1), date(2026, 11, 26), "进展")
        == []
    )


def test_sup_7c_year_end_assessment_window_and_deadline():
    # window opens 15 December (A29), due 31 December
    assert rules_of(sup.assessment_violations(2026, date(2026, 12, 14), "good", "督查室")) == [
        "SUP-7c"
    ]
    assert sup.assessment_violations(2026, date(2026, 12, 15), "good", "督查室") == []
    assert not sup.assessment_overdue(2026, None, date(2026, 12, 31))
    assert sup.assessment_overdue(2026, None, date(2027, 1, 1))


def test_sup_10b_written_inspection_sets_the_self_report_deadline():
    v = sup.inspection_violations(InspectionMethod.WRITTEN, None, date(2026, 11, 1))
    assert rules_of(v) == ["SUP-10b"]
    assert (
        sup.inspection_violations(InspectionMethod.WRITTEN, date(2026, 11, 10), date(2026, 11, 1))
        == []
    )
    assert rules_of(
        sup.inspection_violations(InspectionMethod.ON_SITE, None, date(2026, 11, 1))
    ) == ["SUP-10c"]
    # the self-report is overdue the day after its deadline, not on it
    assert not sup.self_report_overdue(date(2026, 11, 10), None, date(2026, 11, 10))
    assert sup.self_report_overdue(date(2026, 11, 10), None, date(2026, 11, 11))


def test_sup_11a_and_sup_12a_report_complete_and_approved_before_dissemination():
    report = dict.fromkeys(sup.INSPECTION_REPORT_PARTS, "内容")
    assert rules_of(
        sup.approval_violations({**report, "problems": ""}, "副市长", date(2026, 11, 1))
    ) == ["SUP-11a"]
    assert rules_of(sup.approval_violations(report, "", None)) == ["SUP-12a"]
    assert sup.approval_violations(report, "副市长", date(2026, 11, 1)) == []
    assert rules_of(sup.dissemination_violations(None, date(2026, 11, 2))) == ["SUP-12a"]
    assert rules_of(sup.dissemination_violations(date(2026, 11, 2), date(2026, 11, 1))) == [
        "SUP-12a"
    ]
    assert sup.dissemination_violations(date(2026, 11, 2), date(2026, 11, 2)) == []


def test_sup_12c_rectification_after_approval_and_by_its_deadline():
    assert "SUP-12a" in rules_of(sup.rectification_violations(None, "整改", date(2026, 12, 1)))
    assert rules_of(sup.rectification_violations(date(2026, 11, 1), "整改", None)) == ["SUP-12c"]
    assert sup.rectification_violations(date(2026, 11, 1), "整改", date(2026, 12, 1)) == []
    assert sup.rectification_deadline_violations(date(2026, 12, 1), None, date(2026, 12, 1)) == []
    assert rules_of(
        sup.rectification_deadline_violations(date(2026, 12, 1), None, date(2026, 12, 2))
    ) == ["SUP-12c"]
    assert rules_of(
        sup.rectification_deadline_violations(
            date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 5)
        )
    ) == ["SUP-12c"]
