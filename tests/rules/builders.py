"""Compliant facts for a decision item that walks the whole procedure in 2026.

Tests take the facts just before a transition and break one thing at a time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from portal.rules import transitions as tr
from portal.rules.deadlines import Pause
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    REQUIRED_MEETING_MATERIALS,
    AdoptionStatus,
    ExpertReviewMethod,
    InitiateDecision,
    LegalAdviserRole,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingOutcome,
    MeetingType,
    OpinionForm,
    ParticipationMethod,
    PartyReportKind,
    PlacReviewResult,
    PostEvalTrigger,
    RiskLevel,
    RiskRecommendation,
)
from portal.rules.facts import (
    CommentPeriodFacts,
    DecisionFacts,
    ExecutionFacts,
    ExpertFacts,
    ExpertReviewFacts,
    HearingFacts,
    LegalityReviewFacts,
    MeetingFacts,
    OpinionPoint,
    ParticipationFacts,
    PartyReportFacts,
    PostEvaluationFacts,
    PublicationFacts,
    RiskFacts,
    SymposiumFacts,
)
from portal.rules.stages import Step, StepStatus

__all__ = ["HAPPY_PATH", "Pause", "compliant", "expert", "facts_before", "patch", "walk"]


def expert(name: str = "张三", **kw: Any) -> ExpertFacts:
    base = ExpertFacts(
        name=name,
        certificate_on=date(2024, 1, 10),
        pledge_signed=True,
        conflict_declared=False,
        materials_delivered_on=date(2026, 3, 5),
        opinion_form=OpinionForm.WRITTEN,
        signed=True,
    )
    return replace(base, **kw)


def compliant() -> DecisionFacts:
    """Every fact in order; statuses empty."""
    return DecisionFacts(
        out_of_scope_check_confirmed=True,
        initiate_decision=InitiateDecision.INITIATE,
        undertaking_units=("市交通运输局",),
        participation=ParticipationFacts(
            methods=(
                ParticipationMethod.OPEN_COMMENT,
                ParticipationMethod.SYMPOSIUM,
                ParticipationMethod.HEARING,
            ),
            comment_periods=(CommentPeriodFacts(date(2026, 3, 2), date(2026, 4, 1)),),
            symposiums=(SymposiumFacts(date(2026, 3, 12), (date(2026, 3, 9),) * 5),),
            hearings=(
                HearingFacts(
                    date(2026, 3, 20),
                    (date(2026, 3, 13),) * 7,
                    record_signed=True,
                    report_issued=True,
                ),
            ),
        ),
        expert_review=ExpertReviewFacts(
            method=ExpertReviewMethod.REVIEW_MEETING,
            review_on=date(2026, 3, 16),
            experts=(expert("张三"), expert("李四"), expert("王五")),
            report_done=True,
        ),
        risk=RiskFacts(
            level=RiskLevel.LOW,
            recommendation=RiskRecommendation.SUBMIT_FOR_DECISION,
            stakeholder_participants=2,
            department_participants=1,
            report_done=True,
            plac_filed_on=date(2026, 4, 3),
            plac_review_result=PlacReviewResult.PASSED,
            social_stability_done=True,
        ),
        internal_legal_review_passed=True,
        internal_collective_discussion_passed=True,
        legality=LegalityReviewFacts(
            submitted_on=date(2026, 4, 13),
            materials=frozenset(REQUIRED_LEGALITY_MATERIALS) | {LegalityMaterial.HEARING_REPORT},
            legal_adviser_opinions=(LegalAdviserRole.LEGAL_ADVISER,),
            opinion_kind=LegalityOpinionKind.LEGALITY_OPINION,
            opinion_issued_on=date(2026, 4, 20),
            outcome=LegalityOutcome.LAWFUL,
            points=(OpinionPoint(AdoptionStatus.ADOPTED),),
            reviewed_draft_version=1,
        ),
        meeting=MeetingFacts(
            meeting_type=MeetingType.EXECUTIVE_MEETING,
            meeting_on=date(2026, 4, 28),
            materials=frozenset(REQUIRED_MEETING_MATERIALS),
            outcome=MeetingOutcome.APPROVED,
            minutes_recorded=True,
            dissent_recorded=True,
            risk_controllable=True,
        ),
        party_report=PartyReportFacts(
            kind=PartyReportKind.REPORT, reported_on=date(2026, 4, 30), ref="赤党办〔2026〕12号"
        ),
        publication=PublicationFacts(
            published_on=date(2026, 5, 8),
            channels=("gov_website",),
            filed_on=date(2026, 5, 20),
            filing_platform_ref="NMG-2026-0001",
        ),
        execution=ExecutionFacts(execution_units=("市交通运输局",)),
        post_evaluation=PostEvaluationFacts(
            triggers=(PostEvalTrigger.MANY_PUBLIC_OPINIONS,), evaluation_unit="市社科院"
        ),
        archive_complete=True,
    )


# ("start", step) enters a step; ("complete", step) marks a running step completed.
HAPPY_PATH: tuple[tuple[str, Step], ...] = (
    ("start", Step.CATALOG_LISTING),
    ("complete", Step.CATALOG_LISTING),
    ("start", Step.INITIATION),
    ("start", Step.ARCHIVING),
    ("start", Step.DRAFTING_RESEARCH),
    ("start", Step.PUBLIC_PARTICIPATION),
    ("start", Step.EXPERT_REVIEW),
    ("start", Step.RISK_ASSESSMENT),
    ("complete", Step.PUBLIC_PARTICIPATION),
    ("complete", Step.EXPERT_REVIEW),
    ("complete", Step.RISK_ASSESSMENT),
    ("start", Step.INTERNAL_LEGAL_REVIEW),
    ("start", Step.INTERNAL_COLLECTIVE_DISCUSSION),
    ("start", Step.LEGALITY_REVIEW),
    ("start", Step.COLLECTIVE_DECISION),
    ("start", Step.PARTY_COMMITTEE_REPORT),
    ("start", Step.PUBLICATION),
    ("start", Step.FILING),
    ("start", Step.EXECUTION),
    ("start", Step.SUPERVISION),
    ("complete", Step.FILING),
)


def walk(facts: DecisionFacts, moves) -> DecisionFacts:
    """Apply ``moves`` with the real state machine (each must be allowed)."""
    for action, step in moves:
        if action == "start":
            nxt = tr.apply_transition(facts, step)
            facts = replace(facts, steps=dict(nxt.steps), exit=nxt.exit)
        else:
            tr.check_completion(facts, step)
            facts = replace(facts, steps={**facts.steps, step: StepStatus.COMPLETED})
    return facts


def facts_before(action: str, step: Step, base: DecisionFacts | None = None) -> DecisionFacts:
    """Walk the happy path up to (not including) ``(action, step)``."""
    facts = base if base is not None else compliant()
    index = HAPPY_PATH.index((action, step))
    return walk(facts, HAPPY_PATH[:index])


def patch(facts: DecisionFacts, **changes: Any) -> DecisionFacts:
    """``replace`` with ``part__field=value`` for the nested fact groups."""
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in changes.items():
        if "__" in key:
            group, name = key.split("__", 1)
            nested.setdefault(group, {})[name] = value
        else:
            top[key] = value
    for group, values in nested.items():
        top[group] = replace(getattr(facts, group), **values)
    return replace(facts, **top)
