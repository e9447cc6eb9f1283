"""The demo's stage records agree with its procedure steps: the compliance panel of every demo
decision shows what its records say, and only the designated demo problems are violations."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal import demo as demo_module
from portal.extensions import db
from portal.models import (
    AuditEntry,
    Consultation,
    Decision,
    DecisionChange,
    DecisionChangeKind,
    DocumentVersion,
    DraftingRecord,
    ExpertAssignment,
    ExpertReview,
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
    Meeting,
    ParticipationActivity,
    PartyReport,
    RiskAssessment,
    RiskCategoryLevel,
    UnitConsultation,
)
from portal.rules import deadlines
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    InitiateDecision,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingOutcome,
    ParticipationMethod,
    RiskCategory,
    RiskLevel,
    RiskRecommendation,
)
from portal.rules.stages import Stage, Step, StepStatus
from portal.rules.workdays import local_date
from portal.services import audit, compliance, procedure
from portal.services.compliance import Status
from tests.conftest import NOW

TODAY = local_date(NOW)
FARES = "赤峰市城市公共交通票价调整方案"
PRESCHOOL = "赤峰市学前教育普惠发展三年行动计划（2026—2028年）"
OUTPATIENT = "赤峰市基本医疗保险门诊共济保障实施办法"
SECRET = "赤峰市重要物资储备布局调整方案"
# The demo's deliberate problems: the bus fare risk report is not filed with the PLAC
# (RISK-12b), and the preschool plan was published 40 days ago and is not filed (PROC-38a).
DESIGNATED_VIOLATIONS = {
    (FARES, Step.RISK_ASSESSMENT, "RISK-12b"),
    (PRESCHOOL, Step.FILING, "PROC-38a"),
}


def decisions() -> list[Decision]:
    return list(db.session.scalars(sa.select(Decision).order_by(Decision.id)))


def by_title(title: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def violations(today=TODAY) -> set[tuple[str, Step, str]]:
    return {
        (d.title, item.step, item.rule)
        for d in decisions()
        for item in compliance.panel(d, today)
        if item.status is Status.VIOLATED
    }


def span(decision: Decision, step: Step):
    row = decision.step(step)
    assert row is not None, (decision.title, step)
    end = local_date(row.completed_at) if row.completed_at else TODAY
    return local_date(row.started_at), end


def test_no_violation_except_the_designated_ones(ctx, demo):
    assert violations() == DESIGNATED_VIOLATIONS


def test_every_status_appears_in_the_demo(ctx, demo):
    seen = Counter(item.status for d in decisions() for item in compliance.panel(d, TODAY))
    assert set(seen) == set(Status)


def test_the_bus_fare_decision_is_blocked_by_the_unfiled_risk_report(ctx, demo):
    fares = by_title(FARES)
    assert fares.stage == Stage.LEGALITY_REVIEW
    items = compliance.panel(fares, TODAY)
    legality = {i.rule: i for i in items if i.step is Step.LEGALITY_REVIEW}
    assert legality["RISK-12b"].status is Status.PENDING
    risk = procedure.risk_assessment(fares)
    assert risk.plac_submitted_on is not None and risk.plac_filed_on is None
    # Everything else the legality review needs is on file.
    assert legality["PROC-29a"].status is Status.MET
    menu = procedure.menu(fares)
    reasons = {v.rule for v in menu.completion_blocked[Step.LEGALITY_REVIEW]}
    assert "PROC-28b" in reasons  # the opinion is not issued yet


def test_the_decision_in_deliberation_has_complete_records(ctx, demo):
    decision = by_title(OUTPATIENT)
    assert decision.stage == Stage.DELIBERATION
    facts = procedure.build_facts(decision)
    assert facts.initiate_decision is InitiateDecision.INITIATE
    assert facts.out_of_scope_check_confirmed
    lg = facts.legality
    assert lg.outcome is LegalityOutcome.LAWFUL
    assert lg.opinion_kind is LegalityOpinionKind.LEGALITY_OPINION
    assert lg.legal_adviser_opinions
    assert set(REQUIRED_LEGALITY_MATERIALS) <= lg.materials
    assert lg.reviewed_draft_version == facts.draft_version
    # PROC-31a: the meeting leaves at least 7 review working days after complete submission.
    earliest = deadlines.legality_review_earliest_meeting(
        lg.submitted_on, lg.pauses, procedure.work_calendar()
    )
    assert facts.meeting.meeting_on >= earliest.due
    assert facts.meeting.outcome is MeetingOutcome.APPROVED
    assert facts.meeting.minutes_recorded and facts.meeting.dissent_recorded
    assert facts.meeting.risk_controllable is True
    assert facts.risk.level is RiskLevel.MEDIUM
    assert facts.risk.recommendation is RiskRecommendation.SUBMIT_FOR_DECISION
    assert facts.risk.mitigation_measures and facts.risk.plac_filed_on
    assert facts.risk.social_stability_done and facts.risk.report_done
    assert len(facts.expert_review.experts) == 5
    assert all(e.signed for e in facts.expert_review.experts)
    assert facts.expert_review.report_done
    methods = set(facts.participation.methods)
    assert {ParticipationMethod.OPEN_COMMENT, ParticipationMethod.SYMPOSIUM} <= methods
    assert facts.party_report.ref
    assert facts.internal_legal_review_passed and facts.internal_collective_discussion_passed
    # Nothing blocks completing the collective decision or the step in progress but the
    # Party committee's answer.
    panel = compliance.panel(decision, TODAY)
    assert {i.status for i in panel if i.step is Step.COLLECTIVE_DECISION} == {Status.MET}


def test_the_hearing_and_the_complex_expert_panel_of_the_bus_fare_decision(ctx, demo):
    fares = by_title(FARES)
    hearing = db.session.scalar(
        sa.select(ParticipationActivity).where(
            ParticipationActivity.decision_id == fares.id,
            ParticipationActivity.method == ParticipationMethod.HEARING,
        )
    )
    assert (hearing.held_on - hearing.materials_delivered_on).days >= 7  # PROC-19c
    assert hearing.held and hearing.held_publicly and hearing.record_signed
    assert hearing.report_issued  # PART-16a
    review = procedure.expert_review(fares)
    assert fares.is_complex and review.complexity_reason
    assert len(review.active_experts) == 7  # EXP-13c
    assert len(fares.undertaking_units) == 2 and fares.lead_unit == fares.undertaking_unit


def test_waived_expert_review_and_non_disclosable_participation(ctx, demo):
    waived = [
        (d, i) for d in decisions() for i in compliance.panel(d, TODAY) if i.status is Status.WAIVED
    ]
    assert len(waived) == 1
    decision, item = waived[0]
    assert item.step is Step.EXPERT_REVIEW and "未组织专家论证" in item.note
    assert procedure.expert_review(decision) is None
    secret = by_title(SECRET)
    na = [i for i in compliance.panel(secret, TODAY) if i.status is Status.NOT_APPLICABLE]
    assert [(i.step, i.rule) for i in na] == [(Step.PUBLIC_PARTICIPATION, "PROC-16a")]


def test_initiation_records_of_every_decision(ctx, demo):
    for d in decisions():
        assert d.out_of_scope_confirmed, d.title
        if d.step(Step.INITIATION).status is StepStatus.COMPLETED:
            assert d.initiate_decision is InitiateDecision.INITIATE, d.title
            assert re.fullmatch(r"[赤红松]政发〔20[0-9]{2}〕[0-9]+号", d.initiation_ref)
            start, end = span(d, Step.INITIATION)
            assert start <= d.initiated_on <= end
        else:
            assert d.initiate_decision is None  # still before the decision organ
        if len(d.undertaking_units) >= 2:
            assert d.lead_unit in d.undertaking_units, d.title


def test_records_are_dated_inside_their_steps(ctx, demo):
    for d in decisions():
        drafting = db.session.scalar(
            sa.select(DraftingRecord).where(DraftingRecord.decision_id == d.id)
        )
        if d.step(Step.DRAFTING_RESEARCH):
            assert drafting is not None, d.title
            for c in db.session.scalars(
                sa.select(UnitConsultation).where(UnitConsultation.decision_id == d.id)
            ):
                start, end = span(d, Step.DRAFTING_RESEARCH)
                assert start <= c.consulted_on <= end
        if d.step(Step.DRAFTING_RESEARCH) and d.step(Step.DRAFTING_RESEARCH).completed_at:
            assert all(
                (
                    drafting.research_situation,
                    drafting.research_necessity,
                    drafting.research_basis,
                    drafting.research_other,
                )
            ), d.title
        for a in db.session.scalars(
            sa.select(ParticipationActivity).where(ParticipationActivity.decision_id == d.id)
        ):
            start, end = span(d, Step.PUBLIC_PARTICIPATION)
            if a.held:
                assert start <= a.held_on <= end, (d.title, a.title)
            if a.materials_delivered_on:
                assert start <= a.materials_delivered_on <= a.held_on
        review = procedure.expert_review(d)
        if review and d.step(Step.EXPERT_REVIEW).status is StepStatus.COMPLETED:
            start, end = span(d, Step.EXPERT_REVIEW)
            assert start <= review.review_on <= end
            assert review.report_done and len(review.active_experts) in (5, 7)
            for e in review.active_experts:
                assert e.signed and start <= e.materials_delivered_on <= review.review_on
        risk = procedure.risk_assessment(d)
        if risk and risk.plac_filed_on:
            start, end = span(d, Step.RISK_ASSESSMENT)
            assert start <= risk.plac_submitted_on <= risk.plac_filed_on <= end
            assert {c.category for c in risk.categories} >= {RiskCategory.SOCIAL_STABILITY}
        lr = procedure.legality_review(d)
        if lr:
            start, end = span(d, Step.LEGALITY_REVIEW)
            assert lr.submitted_on == start
            if lr.opinion_issued_on:
                assert start <= lr.opinion_issued_on <= end
            for p in lr.pauses:
                assert start < p.requested_on < p.received_on <= end
        meeting = procedure.meeting(d)
        if meeting:
            start, end = span(d, Step.COLLECTIVE_DECISION)
            assert start <= meeting.meeting_on <= end
        report = procedure.party_report(d)
        if report:
            start, end = span(d, Step.PARTY_COMMITTEE_REPORT)
            assert start <= report.reported_on <= end
        if d.filed_on:
            start, end = span(d, Step.FILING)
            assert start <= d.filed_on <= end
            # PROC-38a: filed within 30 days of publication, with the platform reference
            assert d.filed_on <= deadlines.decision_filing_due(d.published_at).due
            assert d.filing_ref
        if d.execution_completed_on:
            start, end = span(d, Step.EXECUTION)
            assert start <= d.execution_completed_on <= end


def test_published_decisions_have_channels_and_are_filed_but_one(ctx, demo):
    published = [d for d in decisions() if d.published_at]
    assert len(published) >= 5
    for d in published:
        assert d.publication_channels.strip(), d.title
    assert [d.title for d in published if d.filed_on is None] == [PRESCHOOL]
    preschool = by_title(PRESCHOOL)
    due = deadlines.decision_filing_due(preschool.published_at).due
    assert due < TODAY  # overdue: the deadline board shows it too
    rows = compliance.board(preschool.government_id, TODAY)
    assert any(r.rule == "PROC-38a" and r.decision.id == preschool.id and r.overdue for r in rows)


def test_rejected_suspended_and_terminated_decisions(ctx, demo):
    by_stage = {d.stage: d for d in decisions()}
    rejected = by_stage[Stage.REJECTED]
    assert procedure.meeting(rejected).outcome is MeetingOutcome.REJECTED
    assert procedure.meeting(rejected).dissent
    suspended = by_stage[Stage.SUSPENDED]
    facts = procedure.build_facts(suspended)
    assert facts.suspension.decided_by_executive_head and facts.suspension.reason
    terminated = by_stage[Stage.TERMINATED]
    change = db.session.scalar(
        sa.select(DecisionChange).where(DecisionChange.decision_id == terminated.id)
    )
    assert change.kind is DecisionChangeKind.TERMINATION and change.collective_decision_ref
    assert procedure.build_facts(terminated).termination.collective_decision_ref
    closed = by_stage[Stage.CLOSED]
    assert closed.archived_at and closed.execution_completed_on and closed.filed_on
    # No record of any step lies in the future.
    for d in decisions():
        for row in d.steps:
            assert row.started_at <= NOW
            assert row.completed_at is None or row.completed_at <= NOW


def test_past_consultations_are_closed_full_length_periods(ctx, demo):
    for c in db.session.scalars(sa.select(Consultation)):
        if c.closes_at <= NOW:
            assert c.closes_at - c.opens_at >= timedelta(days=31)  # PROC-17b
            assert not c.decision.non_disclosable


def test_every_record_has_its_audit_entry_and_the_chain_verifies(ctx, demo):
    assert audit.verify_chain() == []
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    recorded = Counter()
    for e in entries:
        after = json.loads(e.data).get("after") or {}
        if isinstance(after.get("record"), str):
            recorded[after["record"].split(":")[0]] += 1
    for model in (
        DraftingRecord,
        UnitConsultation,
        ParticipationActivity,
        ExpertReview,
        ExpertAssignment,
        RiskAssessment,
        RiskCategoryLevel,
        LegalityReview,
        LegalityPause,
        LegalAdviserOpinion,
        LegalityOpinionPoint,
        Meeting,
        PartyReport,
        DecisionChange,
        DocumentVersion,
    ):
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        assert count > 0, model.__tablename__
        assert recorded[model.__tablename__] == count, model.__tablename__


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 2, 20, 2, 0, tzinfo=UTC),  # Spring Festival week
        datetime(2026, 10, 6, 2, 0, tzinfo=UTC),  # National Day week
        datetime(2027, 3, 1, 2, 0, tzinfo=UTC),  # a year without official holiday data
    ],
)
def test_the_demo_is_consistent_whenever_it_is_loaded(ctx, moment):
    clock.freeze(moment)  # the loader and the panel both see the same today (ctx resets it)
    assert demo_module.seed(now=moment, password="Demo-Password-For-Tests-2026") is not None
    assert violations(local_date(moment)) == DESIGNATED_VIOLATIONS
    assert audit.verify_chain() == []
