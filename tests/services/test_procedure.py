"""Running the procedure through the services: facts from records, gates, records written."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Decision, Department, Government, ProcedureStep
from portal.models.calendar import WorkdayOverride
from portal.models.decision import DecisionSource
from portal.rules.enums import InitiateDecision
from portal.rules.errors import RuleViolation
from portal.rules.stages import Category, Stage, Step, StepStatus
from portal.services import compliance, procedure
from portal.services.decisions import create_decision
from tests.conftest import NOW


@pytest.fixture
def fresh(ctx, demo) -> Decision:
    gov = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    unit = db.session.scalar(
        sa.select(Department).where(
            Department.government_id == gov.id, Department.slug == "education"
        )
    )
    decision = create_decision(
        government=gov,
        title="赤峰市中小学课后服务实施办法",
        category=Category.PUBLIC_POLICY,
        year=2026,
        summary="",
        undertaking_unit=unit,
        source=DecisionSource.CATALOG,
        actor="test",
        now=NOW,
    )
    db.session.commit()
    return decision


def _steps(decision) -> dict[Step, StepStatus]:
    return {s: r.status for s, r in procedure.latest_steps(decision).items()}


def test_drafting_cannot_start_before_the_organ_decides_to_initiate_proc_11c(fresh):
    with pytest.raises(RuleViolation) as refused:
        procedure.transition(fresh, Step.DRAFTING_RESEARCH, actor="test", now=NOW)
    db.session.rollback()
    reasons = {v.rule for v in procedure.menu(fresh).blocked[Step.DRAFTING_RESEARCH]}
    assert {"PROC-3b", "PROC-11c"} <= reasons
    assert refused.value.rule in reasons
    assert _steps(fresh) == {
        Step.INITIATION: StepStatus.IN_PROGRESS,
        Step.ARCHIVING: StepStatus.IN_PROGRESS,
    }
    # Both sides: once recorded, the same transition goes through and completes initiation.
    fresh.out_of_scope_confirmed = True
    fresh.initiate_decision = InitiateDecision.INITIATE
    fresh.initiated_on = date(2026, 11, 20)
    procedure.transition(fresh, Step.DRAFTING_RESEARCH, actor="test", now=NOW)
    db.session.commit()
    assert _steps(fresh) == {
        Step.INITIATION: StepStatus.COMPLETED,
        Step.DRAFTING_RESEARCH: StepStatus.IN_PROGRESS,
        Step.ARCHIVING: StepStatus.IN_PROGRESS,
    }
    assert fresh.stage == Stage.DRAFTING
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "procedure.transition")
        .order_by(AuditEntry.seq.desc())
    )
    assert '"stage":"drafting"' in entry.data and '"stage":"initiated"' in entry.data


def _initiated(decision) -> None:
    decision.out_of_scope_confirmed = True
    decision.initiate_decision = InitiateDecision.INITIATE
    procedure.transition(decision, Step.DRAFTING_RESEARCH, actor="test", now=NOW)
    db.session.commit()


def test_skipping_to_legality_review_is_refused_and_changes_nothing_proc_28a(fresh):
    _initiated(fresh)
    rows_before = db.session.scalar(sa.select(sa.func.count()).select_from(ProcedureStep))
    with pytest.raises(RuleViolation) as refused:
        procedure.transition(fresh, Step.LEGALITY_REVIEW, actor="test", now=NOW)
    db.session.rollback()
    assert refused.value.rule == "PROC-28a"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProcedureStep)) == rows_before
    assert db.session.get(Decision, fresh.id).stage == Stage.DRAFTING


def test_the_three_consultation_tracks_run_in_parallel_proc_25c(fresh):
    _initiated(fresh)
    for step in (Step.PUBLIC_PARTICIPATION, Step.EXPERT_REVIEW, Step.RISK_ASSESSMENT):
        procedure.transition(fresh, step, actor="test", now=NOW)
    db.session.commit()
    steps = _steps(fresh)
    assert all(
        steps[s] is StepStatus.IN_PROGRESS
        for s in (Step.PUBLIC_PARTICIPATION, Step.EXPERT_REVIEW, Step.RISK_ASSESSMENT)
    )
    assert fresh.stage == Stage.CONSULTATION


def test_waiving_a_track_needs_a_written_explanation_proc_29a(fresh):
    _initiated(fresh)
    procedure.transition(fresh, Step.EXPERT_REVIEW, actor="test", now=NOW)
    db.session.commit()
    with pytest.raises(RuleViolation):
        procedure.waive_step(fresh, Step.EXPERT_REVIEW, "   ", actor="test", now=NOW)
    db.session.rollback()
    procedure.waive_step(
        fresh, Step.EXPERT_REVIEW, "事项专业性不强，经研究不组织专家论证。", actor="test", now=NOW
    )
    db.session.commit()
    row = procedure.latest_steps(fresh)[Step.EXPERT_REVIEW]
    assert row.status is StepStatus.WAIVED_WITH_EXPLANATION
    assert row.explanation.startswith("事项专业性不强")
    item = next(
        i for i in compliance.panel(fresh, date(2026, 11, 26)) if i.step is Step.EXPERT_REVIEW
    )
    assert item.status is compliance.Status.WAIVED
    assert item.note.startswith("事项专业性不强")


def test_legality_review_can_never_be_waived_a8(fresh):
    _initiated(fresh)
    facts = procedure.build_facts(fresh)
    from portal.rules import transitions

    with pytest.raises(RuleViolation):
        transitions.check_waiver(facts, Step.LEGALITY_REVIEW, "无需审查")


def test_non_disclosable_item_is_exempt_from_public_participation_proc_16a(fresh):
    fresh.non_disclosable = True
    fresh.non_disclosable_basis = "涉及国家秘密"
    db.session.commit()
    item = next(
        i
        for i in compliance.panel(fresh, date(2026, 11, 26))
        if i.step is Step.PUBLIC_PARTICIPATION
    )
    assert item.status is compliance.Status.NOT_APPLICABLE
    assert item.rule == "PROC-16a"


def _published(fresh, published: date) -> None:
    from portal.demo import at_local

    fresh.published_at = at_local(published, 0)
    db.session.commit()


def test_filing_within_thirty_days_is_pending_then_violated_proc_38a(fresh):
    _published(fresh, date(2026, 11, 1))  # due 1 Dec 2026 (a Tuesday)
    item = next(i for i in compliance.panel(fresh, date(2026, 12, 1)) if i.rule == "PROC-38a")
    assert item.due == date(2026, 12, 1)
    assert item.status is compliance.Status.PENDING
    item = next(i for i in compliance.panel(fresh, date(2026, 12, 2)) if i.rule == "PROC-38a")
    assert item.status is compliance.Status.VIOLATED
    fresh.filed_on = date(2026, 11, 30)
    fresh.filing_ref = "内政备〔2026〕88号"
    db.session.commit()
    item = next(i for i in compliance.panel(fresh, date(2026, 12, 2)) if i.rule == "PROC-38a")
    assert item.status is not compliance.Status.VIOLATED


def test_deadline_board_lists_overdue_and_soon_due_items_of_one_government(fresh):
    _published(fresh, date(2026, 11, 1))
    rows = compliance.board(fresh.government_id, date(2026, 11, 26))
    mine = [r for r in rows if r.decision.id == fresh.id]
    assert [(r.rule, r.due, r.overdue) for r in mine] == [("PROC-38a", date(2026, 12, 1), False)]
    later = compliance.board(fresh.government_id, date(2026, 12, 3))
    assert any(r.decision.id == fresh.id and r.overdue for r in later)
    hongshan = db.session.scalar(sa.select(Government.id).where(Government.slug == "hongshan"))
    assert all(
        r.decision.government_id == hongshan for r in compliance.board(hongshan, date(2026, 11, 26))
    )
    assert not any(r.decision.id == fresh.id for r in compliance.board(hongshan, date(2026, 12, 3)))


def test_far_future_deadline_is_not_on_the_board(fresh):
    _published(fresh, date(2026, 11, 25))  # due 25 Dec: beyond 10 working days from 26 Nov
    rows = compliance.board(fresh.government_id, date(2026, 11, 26))
    assert not any(r.decision.id == fresh.id for r in rows)


def test_workday_overrides_feed_the_calendar(ctx):
    day = date(2031, 10, 1)  # a year the holiday library may not know
    db.session.add(WorkdayOverride(day=day, is_working_day=False, note="国庆节", created_at=NOW))
    db.session.commit()
    cal = procedure.work_calendar()
    assert cal.is_working_day(day) is False
