"""The decision-item state machine of rules.md 1.1/1.2 (PROC-25c parallel tracks, exits, loops)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from portal.rules import transitions as tr
from portal.rules.enums import (
    ChangeKind,
    InitiateDecision,
    LegalityOutcome,
    MeetingOutcome,
    RiskRecommendation,
)
from portal.rules.errors import RuleViolation
from portal.rules.facts import ChangeFacts, DecisionFacts, SuspensionFacts
from portal.rules.stages import STEP_STAGE, Stage, Step, StepStatus

from .builders import HAPPY_PATH, compliant, facts_before, patch, walk

S = Step
IP, DONE, WAIVED, NA = (
    StepStatus.IN_PROGRESS,
    StepStatus.COMPLETED,
    StepStatus.WAIVED_WITH_EXPLANATION,
    StepStatus.NOT_APPLICABLE,
)

# (state before the move, public stage, every transition allowed in that state)
EXPECTED_ALONG_HAPPY_PATH = [
    (("start", S.CATALOG_LISTING), Stage.INITIATED, [S.CATALOG_LISTING, S.INITIATION]),
    (("complete", S.CATALOG_LISTING), Stage.INITIATED, [S.INITIATION]),
    (("start", S.INITIATION), Stage.INITIATED, [S.INITIATION]),
    (("start", S.ARCHIVING), Stage.INITIATED, [S.DRAFTING_RESEARCH, S.ARCHIVING]),
    (("start", S.DRAFTING_RESEARCH), Stage.INITIATED, [S.DRAFTING_RESEARCH]),
    (
        ("start", S.PUBLIC_PARTICIPATION),
        Stage.DRAFTING,
        [S.PUBLIC_PARTICIPATION, S.EXPERT_REVIEW, S.RISK_ASSESSMENT],
    ),
    (("start", S.EXPERT_REVIEW), Stage.CONSULTATION, [S.EXPERT_REVIEW, S.RISK_ASSESSMENT]),
    (("start", S.RISK_ASSESSMENT), Stage.CONSULTATION, [S.RISK_ASSESSMENT]),
    (("complete", S.PUBLIC_PARTICIPATION), Stage.CONSULTATION, []),
    (("complete", S.EXPERT_REVIEW), Stage.CONSULTATION, [S.PUBLIC_PARTICIPATION]),
    (
        ("complete", S.RISK_ASSESSMENT),
        Stage.CONSULTATION,
        [S.PUBLIC_PARTICIPATION, S.EXPERT_REVIEW],
    ),
    (
        ("start", S.INTERNAL_LEGAL_REVIEW),
        Stage.DRAFTING,
        [S.PUBLIC_PARTICIPATION, S.EXPERT_REVIEW, S.RISK_ASSESSMENT, S.INTERNAL_LEGAL_REVIEW],
    ),
    (
        ("start", S.INTERNAL_COLLECTIVE_DISCUSSION),
        Stage.LEGALITY_REVIEW,
        [S.INTERNAL_COLLECTIVE_DISCUSSION],
    ),
    (("start", S.LEGALITY_REVIEW), Stage.LEGALITY_REVIEW, [S.LEGALITY_REVIEW]),
    (("start", S.COLLECTIVE_DECISION), Stage.LEGALITY_REVIEW, [S.COLLECTIVE_DECISION]),
    (("start", S.PARTY_COMMITTEE_REPORT), Stage.DELIBERATION, [S.PARTY_COMMITTEE_REPORT]),
    (("start", S.PUBLICATION), Stage.DELIBERATION, [S.PUBLICATION]),
    (("start", S.FILING), Stage.PUBLISHED, [S.FILING, S.EXECUTION]),
    (("start", S.EXECUTION), Stage.PUBLISHED, [S.EXECUTION]),
    (("start", S.SUPERVISION), Stage.IMPLEMENTATION, [S.SUPERVISION, S.POST_EVALUATION]),
    (("complete", S.FILING), Stage.IMPLEMENTATION, [S.POST_EVALUATION]),
]


def end_of_happy_path() -> DecisionFacts:
    return walk(compliant(), HAPPY_PATH)


@pytest.mark.parametrize(
    ("move", "stage", "allowed"),
    EXPECTED_ALONG_HAPPY_PATH,
    ids=[f"{a}-{s.value}" for (a, s), _, _ in EXPECTED_ALONG_HAPPY_PATH],
)
def test_every_allowed_transition_along_the_procedure(move, stage, allowed):
    # PROC-25c, PROC-28a, PROC-28b, PROC-35c, PROC-36a, PROC-38a, PROC-40a
    facts = facts_before(*move)
    assert tr.current_stage(facts) is stage
    assert tr.allowed_transitions(facts) == allowed
    for target in allowed:
        tr.check_transition(facts, target)


def test_happy_path_reaches_implementation_with_filing_done():
    facts = end_of_happy_path()
    assert tr.current_stage(facts) is Stage.IMPLEMENTATION
    assert facts.status(S.FILING) is DONE
    assert facts.status(S.DRAFTING_RESEARCH) is DONE  # completed when unit review started
    assert facts.status(S.INITIATION) is DONE
    assert facts.status(S.PUBLICATION) is DONE


FORBIDDEN_FROM_START = [
    S.DRAFTING_RESEARCH,
    S.PUBLIC_PARTICIPATION,
    S.EXPERT_REVIEW,
    S.RISK_ASSESSMENT,
    S.INTERNAL_LEGAL_REVIEW,
    S.INTERNAL_COLLECTIVE_DISCUSSION,
    S.LEGALITY_REVIEW,
    S.COLLECTIVE_DECISION,
    S.PARTY_COMMITTEE_REPORT,
    S.PUBLICATION,
    S.FILING,
    S.EXECUTION,
    S.SUPERVISION,
    S.POST_EVALUATION,
    S.ARCHIVING,
    Stage.REJECTED,
    Stage.SUSPENDED,
    Stage.TERMINATED,
    Stage.CLOSED,
]


@pytest.mark.parametrize("target", FORBIDDEN_FROM_START, ids=str)
def test_nothing_but_catalog_listing_or_initiation_can_happen_first(target):
    facts = compliant()
    assert tr.blocking_reasons(facts, target)
    with pytest.raises(RuleViolation):
        tr.check_transition(facts, target)
    with pytest.raises(RuleViolation):
        tr.apply_transition(facts, target)


@pytest.mark.parametrize(
    ("move", "target", "rule"),
    [
        (("start", S.DRAFTING_RESEARCH), S.LEGALITY_REVIEW, "PROC-28a"),
        (("start", S.DRAFTING_RESEARCH), S.COLLECTIVE_DECISION, "PROC-28b"),
        (("start", S.PUBLIC_PARTICIPATION), S.INTERNAL_LEGAL_REVIEW, "PROC-16a"),
        (("start", S.INTERNAL_LEGAL_REVIEW), S.PUBLICATION, "PROC-36a"),
        (("start", S.LEGALITY_REVIEW), S.PARTY_COMMITTEE_REPORT, "PROC-35c"),
        (("start", S.COLLECTIVE_DECISION), S.PUBLICATION, "PROC-36a"),
        (("start", S.PUBLICATION), S.EXECUTION, "PROC-40a"),
        (("start", S.PUBLICATION), S.FILING, "PROC-38a"),
        (("start", S.FILING), S.POST_EVALUATION, "PROC-43a"),
        (("start", S.FILING), S.SUPERVISION, "SUP-2a"),
    ],
)
def test_skipping_ahead_is_refused_with_the_guarding_rule(move, target, rule):
    facts = facts_before(*move)
    assert rule in [v.rule for v in tr.blocking_reasons(facts, target)]


def test_a_running_step_cannot_be_started_again():
    facts = facts_before("start", S.LEGALITY_REVIEW)
    facts = walk(facts, [("start", S.LEGALITY_REVIEW)])
    # issue 11: the step order's rule (the review follows the unit's discussion), not PROC-39a
    assert [v.rule for v in tr.blocking_reasons(facts, S.LEGALITY_REVIEW)] == ["PROC-28a"]


# -- parallel tracks (PROC-25c) and PROC-28a --------------------------------------------------


def test_three_tracks_run_in_parallel_in_any_order():
    # PROC-25c
    facts = facts_before("start", S.PUBLIC_PARTICIPATION)
    for order in (
        [S.RISK_ASSESSMENT, S.PUBLIC_PARTICIPATION, S.EXPERT_REVIEW],
        [S.EXPERT_REVIEW, S.RISK_ASSESSMENT, S.PUBLIC_PARTICIPATION],
    ):
        f = walk(facts, [("start", s) for s in order])
        assert all(f.status(s) is IP for s in order)
        assert tr.current_stage(f) is Stage.CONSULTATION


def test_tracks_need_drafting_started():
    # PROC-25c
    facts = facts_before("start", S.DRAFTING_RESEARCH)
    assert [v.rule for v in tr.blocking_reasons(facts, S.EXPERT_REVIEW)] == ["PROC-25c"]


@pytest.mark.parametrize(
    ("track", "rule"),
    [
        (S.PUBLIC_PARTICIPATION, "PROC-16a"),
        (S.EXPERT_REVIEW, "PROC-21a"),
        (S.RISK_ASSESSMENT, "PROC-25a"),
    ],
)
def test_internal_legal_review_waits_for_each_track(track, rule):
    # PROC-28a: all three completed first
    ready = facts_before("start", S.INTERNAL_LEGAL_REVIEW)
    assert tr.blocking_reasons(ready, S.INTERNAL_LEGAL_REVIEW) == []
    running = replace(ready, steps={**ready.steps, track: IP})
    assert [v.rule for v in tr.blocking_reasons(running, S.INTERNAL_LEGAL_REVIEW)] == [rule]


def test_waived_track_with_explanation_lets_the_procedure_continue():
    # PROC-28a / PROC-29a(4) / A8
    ready = facts_before("start", S.INTERNAL_LEGAL_REVIEW)
    waived = replace(
        ready,
        steps={**ready.steps, S.EXPERT_REVIEW: WAIVED},
        waivers={S.EXPERT_REVIEW: "事项技术性弱，经研究未组织专家论证"},
    )
    assert tr.blocking_reasons(waived, S.INTERNAL_LEGAL_REVIEW) == []
    blank = replace(waived, waivers={S.EXPERT_REVIEW: "  "})
    # issue 11: the explanation of non-performance is item 4 of the Art. 29 materials
    assert [v.rule for v in tr.blocking_reasons(blank, S.INTERNAL_LEGAL_REVIEW)] == ["PROC-29a"]


def test_non_disclosable_item_skips_public_participation():
    # PROC-16a / PART-2a
    ready = facts_before("start", S.INTERNAL_LEGAL_REVIEW)
    skipped = {**ready.steps, S.PUBLIC_PARTICIPATION: NA}
    secret = replace(ready, steps=skipped, non_disclosable=True, non_disclosable_basis="保密法")
    assert tr.blocking_reasons(secret, S.INTERNAL_LEGAL_REVIEW) == []
    public = replace(ready, steps=skipped)
    assert [v.rule for v in tr.blocking_reasons(public, S.INTERNAL_LEGAL_REVIEW)] == ["PROC-16a"]
    pending = replace(secret, steps={**ready.steps, S.PUBLIC_PARTICIPATION: StepStatus.PENDING})
    assert tr.blocking_reasons(pending, S.INTERNAL_LEGAL_REVIEW) == []


@pytest.mark.parametrize(
    ("track", "rule"), [(S.EXPERT_REVIEW, "PROC-21a"), (S.RISK_ASSESSMENT, "PROC-25a")]
)
def test_only_public_participation_can_be_not_applicable(track, rule):
    # PROC-21a / PROC-25a: required for every item, even non_disclosable ones
    ready = replace(facts_before("start", S.INTERNAL_LEGAL_REVIEW), non_disclosable=True)
    na = replace(ready, steps={**ready.steps, track: NA})
    assert [v.rule for v in tr.blocking_reasons(na, S.INTERNAL_LEGAL_REVIEW)] == [rule]


def test_entering_internal_review_completes_drafting():
    facts = facts_before("start", S.INTERNAL_LEGAL_REVIEW)
    nxt = tr.apply_transition(facts, S.INTERNAL_LEGAL_REVIEW)
    assert nxt.steps[S.DRAFTING_RESEARCH] is DONE
    assert nxt.steps[S.INTERNAL_LEGAL_REVIEW] is IP


def test_a_sequential_step_completes_its_running_predecessor_only_if_it_may():
    facts = facts_before("start", S.INTERNAL_COLLECTIVE_DISCUSSION)
    nxt = tr.apply_transition(facts, S.INTERNAL_COLLECTIVE_DISCUSSION)
    assert nxt.steps[S.INTERNAL_LEGAL_REVIEW] is DONE
    failed = replace(facts, internal_legal_review_passed=False)
    assert [v.rule for v in tr.blocking_reasons(failed, S.INTERNAL_COLLECTIVE_DISCUSSION)] == [
        "PROC-28a"
    ]


# -- loops back to drafting (A11, A13, PROC-28d) ------------------------------------------


def after_meeting(outcome: MeetingOutcome) -> DecisionFacts:
    facts = facts_before("start", S.PARTY_COMMITTEE_REPORT)
    return patch(facts, meeting__outcome=outcome)


def test_revise_and_resubmit_goes_back_to_drafting_and_resets_the_reviews():
    # PROC-35c / A11
    facts = after_meeting(MeetingOutcome.REVISE_AND_RESUBMIT)
    assert tr.allowed_transitions(facts) == [S.DRAFTING_RESEARCH]
    nxt = tr.apply_transition(facts, S.DRAFTING_RESEARCH)
    assert nxt.steps[S.DRAFTING_RESEARCH] is IP
    for step in tr.REVISION_RESETS:
        assert nxt.steps[step] is StepStatus.PENDING
    assert nxt.steps[S.EXPERT_REVIEW] is DONE  # consultation is not repeated
    revised = replace(facts, steps=dict(nxt.steps), draft_version=2)
    assert tr.current_stage(revised) is Stage.DRAFTING
    # the revised draft needs a new legality review unless "no substantive change" (A11)
    revised = walk(
        revised,
        [
            ("start", S.INTERNAL_LEGAL_REVIEW),
            ("start", S.INTERNAL_COLLECTIVE_DISCUSSION),
            ("start", S.LEGALITY_REVIEW),
        ],
    )
    assert "PROC-28d" in [v.rule for v in tr.blocking_reasons(revised, S.COLLECTIVE_DECISION)]
    confirmed = patch(revised, legality__no_substantive_change_confirmed=True)
    assert tr.blocking_reasons(confirmed, S.COLLECTIVE_DECISION) == []
    rereviewed = patch(revised, legality__reviewed_draft_version=2)
    assert tr.blocking_reasons(rereviewed, S.COLLECTIVE_DECISION) == []


def test_approved_item_cannot_go_back_to_drafting():
    # PROC-35c
    facts = after_meeting(MeetingOutcome.APPROVED)
    assert [v.rule for v in tr.blocking_reasons(facts, S.DRAFTING_RESEARCH)] == ["PROC-35c"]


@pytest.mark.parametrize(
    "change",
    [{"legality__returned": True}, {"legality__outcome": LegalityOutcome.UNLAWFUL}],
    ids=["returned", "unlawful"],
)
def test_returned_or_unlawful_legality_review_goes_back_to_drafting(change):
    # PROC-29c 退回 (A13) / PROC-28d
    facts = patch(facts_before("start", S.COLLECTIVE_DECISION), **change)
    assert S.DRAFTING_RESEARCH in tr.allowed_transitions(facts)


def test_lawful_review_does_not_loop_back():
    facts = facts_before("start", S.COLLECTIVE_DECISION)
    assert S.DRAFTING_RESEARCH not in tr.allowed_transitions(facts)


# -- exits ----------------------------------------------------------------------------------


def test_rejected_outcome_ends_the_item_as_rejected():
    # PROC-35c: 不予通过
    facts = after_meeting(MeetingOutcome.REJECTED)
    assert tr.allowed_transitions(facts) == [Stage.REJECTED]
    nxt = tr.apply_transition(facts, Stage.REJECTED)
    assert nxt.exit is Stage.REJECTED
    done = replace(facts, steps=dict(nxt.steps), exit=nxt.exit)
    assert tr.current_stage(done) is Stage.REJECTED
    assert tr.allowed_transitions(done) == []
    assert [v.rule for v in tr.blocking_reasons(done, S.DRAFTING_RESEARCH)] == ["PROC-45a"]


def test_approved_item_cannot_be_rejected():
    # PROC-35c
    facts = after_meeting(MeetingOutcome.APPROVED)
    assert [v.rule for v in tr.blocking_reasons(facts, Stage.REJECTED)] == ["PROC-35c"]


def test_decision_not_to_initiate_terminates_the_item():
    # PROC-11c: 不启动
    facts = facts_before("start", S.ARCHIVING)
    no = replace(facts, initiate_decision=InitiateDecision.DO_NOT_INITIATE)
    assert Stage.TERMINATED in tr.allowed_transitions(no)
    assert S.DRAFTING_RESEARCH not in tr.allowed_transitions(no)
    assert Stage.TERMINATED not in tr.allowed_transitions(facts)


def test_risk_recommendation_not_to_submit_terminates_the_item():
    # PROC-27a / RISK-11a: 不提请决策
    facts = facts_before("complete", S.RISK_ASSESSMENT)
    stop = patch(facts, risk__recommendation=RiskRecommendation.DO_NOT_SUBMIT)
    assert Stage.TERMINATED in tr.allowed_transitions(stop)
    assert Stage.TERMINATED not in tr.allowed_transitions(facts)


def executing() -> DecisionFacts:
    return end_of_happy_path()


def test_executive_head_may_suspend_execution_with_a_reason():
    # PROC-45b
    facts = executing()
    assert [v.rule for v in tr.blocking_reasons(facts, Stage.SUSPENDED)] == ["PROC-45b"] * 2
    suspension = SuspensionFacts(
        decided_by_executive_head=True, reason="情况紧急", decided_on=date(2026, 7, 1)
    )
    facts = replace(facts, suspension=suspension)
    nxt = tr.apply_transition(facts, Stage.SUSPENDED)
    suspended = replace(facts, exit=nxt.exit)
    assert tr.current_stage(suspended) is Stage.SUSPENDED
    assert tr.allowed_transitions(suspended) == []
    assert [v.rule for v in tr.blocking_reasons(suspended, S.POST_EVALUATION)] == ["PROC-45b"]
    assert [v.rule for v in tr.blocking_reasons(suspended, Stage.CLOSED)] == ["PROC-45b"]
    resumed = replace(suspended, suspension=replace(suspension, follow_up_decision_ref="恢复执行"))
    assert tr.allowed_transitions(resumed) == [S.EXECUTION]
    assert tr.apply_transition(resumed, S.EXECUTION).exit is None


def test_suspension_only_during_execution():
    # PROC-45b
    facts = replace(
        facts_before("start", S.EXECUTION),
        suspension=SuspensionFacts(True, "情况紧急", date(2026, 7, 1)),
    )
    assert [v.rule for v in tr.blocking_reasons(facts, Stage.SUSPENDED)] == ["PROC-45b"]


def test_terminating_a_published_decision_needs_the_statutory_procedure():
    # PROC-45a / EVAL-14b
    facts = executing()
    assert [v.rule for v in tr.blocking_reasons(facts, Stage.TERMINATED)] == ["PROC-45a"]
    no_ref = replace(facts, termination=ChangeFacts(ChangeKind.TERMINATION))
    assert [v.rule for v in tr.blocking_reasons(no_ref, Stage.TERMINATED)] == ["PROC-45a"]
    with_ref = replace(
        facts,
        termination=ChangeFacts(ChangeKind.TERMINATION, collective_decision_ref="第9次常务会议"),
    )
    assert tr.blocking_reasons(with_ref, Stage.TERMINATED) == []
    assert tr.apply_transition(with_ref, Stage.TERMINATED).exit is Stage.TERMINATED


def test_suspended_decision_can_be_terminated_through_the_procedure():
    # PROC-45a
    facts = replace(
        executing(),
        exit=Stage.SUSPENDED,
        termination=ChangeFacts(ChangeKind.TERMINATION, collective_decision_ref="第9次常务会议"),
    )
    assert tr.allowed_transitions(facts) == [Stage.TERMINATED]


def test_closing_needs_execution_done_filing_and_a_complete_archive():
    # PROC-38a / PROC-39a
    facts = executing()
    assert {v.rule for v in tr.blocking_reasons(facts, Stage.CLOSED)} == {"PROC-40b"}
    done = patch(facts, execution__completed=True)
    assert Stage.CLOSED in tr.allowed_transitions(done)
    unfiled = replace(done, steps={**done.steps, S.FILING: IP})
    assert [v.rule for v in tr.blocking_reasons(unfiled, Stage.CLOSED)] == ["PROC-38a"]
    unarchived = replace(done, archive_complete=False)
    assert [v.rule for v in tr.blocking_reasons(unarchived, Stage.CLOSED)] == ["PROC-39a"]
    nxt = tr.apply_transition(done, Stage.CLOSED)
    assert nxt.exit is Stage.CLOSED
    assert nxt.steps[S.EXECUTION] is DONE
    closed = replace(done, exit=Stage.CLOSED)
    assert tr.allowed_transitions(closed) == []


def test_post_evaluation_in_progress_blocks_closing():
    # EVAL-14a
    facts = patch(walk(executing(), [("start", S.POST_EVALUATION)]), execution__completed=True)
    assert tr.current_stage(facts) is Stage.POST_EVALUATION
    assert [v.rule for v in tr.blocking_reasons(facts, Stage.CLOSED)] == ["EVAL-14a"]


def test_a_stage_that_is_not_an_exit_is_refused():
    # issue 11: no article names it (an input error), PROC-45a is about changing a decision
    assert [v.rule for v in tr.blocking_reasons(executing(), Stage.DRAFTING)] == [""]


# -- completion and stages ---------------------------------------------------------------------


def test_completing_a_step_that_is_not_running_is_refused():
    facts = compliant()
    with pytest.raises(RuleViolation) as exc:
        tr.check_completion(facts, S.EXPERT_REVIEW)
    assert exc.value.rule == "PROC-25c"  # issue 11: the step order's rule, not PROC-39a


def test_completable_steps_lists_running_steps_whose_gates_pass():
    facts = facts_before("complete", S.PUBLIC_PARTICIPATION)
    tracks = [S.PUBLIC_PARTICIPATION, S.EXPERT_REVIEW, S.RISK_ASSESSMENT]
    assert tr.completable_steps(facts) == [S.DRAFTING_RESEARCH, *tracks, S.ARCHIVING]
    bad = patch(facts, risk__plac_filed_on=None, archive_complete=False)
    assert tr.completable_steps(bad) == [S.DRAFTING_RESEARCH, *tracks[:2]]


def test_current_stage_follows_step_stage_mapping():
    for step, stage in STEP_STAGE.items():
        if step is S.ARCHIVING:
            continue
        assert tr.current_stage(DecisionFacts(steps={step: IP})) is stage
    assert tr.current_stage(DecisionFacts()) is Stage.INITIATED
    assert tr.current_stage(DecisionFacts(steps={S.ARCHIVING: IP})) is Stage.INITIATED


def test_blocking_reasons_lists_every_reason_at_once():
    facts = patch(
        facts_before("start", S.COLLECTIVE_DECISION),
        legality__legal_adviser_opinions=(),
        meeting__materials=frozenset(),
        affects_market_entities=True,
    )
    rules = [v.rule for v in tr.blocking_reasons(facts, S.COLLECTIVE_DECISION)]
    assert rules == ["PROC-30a", "PROC-34a", "PROC-34b"]
