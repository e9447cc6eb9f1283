"""Experts only from the pool (EXP-13a, A22): a pool member's appointment, pledge, terms,
dismissal, disqualification and interests are read from the pool record at the review date; an
expert or institution from outside the pool carries its reason and its own pledge. RISK-12b: only
a passed, filed PLAC review lets the report go on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from portal.rules import gates
from portal.rules import transitions as tr
from portal.rules.enums import PlacReviewResult
from portal.rules.stages import Step
from tests.rules.builders import expert, facts_before, patch

REVIEW_ON = date(2026, 3, 16)


def rules(violations) -> list[str]:
    return [v.rule for v in violations]


def member(**kw):
    """A pool member as ``procedure.expert_facts`` builds it from the pool record."""
    base = expert(
        certificate_on=date(2024, 1, 10),
        term_starts=(date(2024, 1, 10),),
        pledge_signed=True,
        pledge_signed_on=date(2024, 1, 10),
    )
    return replace(base, **kw)


def test_exp_11a_a_member_whose_term_ended_before_the_review_date_fails():
    old = member(certificate_on=date(2023, 3, 16), term_starts=(date(2023, 3, 16),))
    assert gates.expert_selection_violations(old, date(2026, 3, 15)) == []
    out = gates.expert_selection_violations(old, REVIEW_ON)
    assert rules(out) == ["EXP-11a"]
    # renewed on the day the term ended: the terms are contiguous
    renewed = replace(old, term_starts=(date(2023, 3, 16), date(2026, 3, 16)))
    assert gates.expert_selection_violations(renewed, REVIEW_ON) == []
    # renewed later: between the two terms the member was not in term
    gap = replace(old, term_starts=(date(2023, 3, 16), date(2026, 4, 1)))
    assert rules(gates.expert_selection_violations(gap, REVIEW_ON)) == ["EXP-11a"]
    assert gates.expert_selection_violations(gap, date(2026, 4, 1)) == []


def test_exp_12b_a_member_dismissed_on_or_before_the_review_date_fails():
    assert rules(gates.expert_selection_violations(member(dismissed_on=REVIEW_ON), REVIEW_ON)) == [
        "EXP-12b"
    ]
    later = member(dismissed_on=date(2026, 3, 17))
    assert gates.expert_selection_violations(later, REVIEW_ON) == []


def test_proc_49a_a_member_disqualified_by_the_review_date_fails():
    out = gates.expert_selection_violations(
        member(disqualified=True, disqualified_on=date(2026, 1, 5)), REVIEW_ON
    )
    assert rules(out) == ["PROC-49a"]
    later = member(disqualified=True, disqualified_on=date(2026, 3, 17))
    assert gates.expert_selection_violations(later, REVIEW_ON) == []


def test_exp_8b_a_certificate_issued_after_the_review_date_does_not_count():
    late = member(certificate_on=date(2026, 3, 20), term_starts=(date(2026, 3, 20),))
    assert rules(gates.expert_selection_violations(late, REVIEW_ON)) == ["EXP-8b"]


def test_exp_10a_a_pledge_signed_after_the_review_date_does_not_count():
    late = member(pledge_signed_on=date(2026, 3, 17))
    assert rules(gates.expert_selection_violations(late, REVIEW_ON)) == ["EXP-10a"]
    assert gates.expert_selection_violations(member(pledge_signed_on=REVIEW_ON), REVIEW_ON) == []


def test_proc_22a_an_interest_recorded_in_the_pool_fails_even_with_no_declaration():
    assert rules(gates.expert_selection_violations(member(pool_conflict=True), REVIEW_ON)) == [
        "PROC-22a"
    ]
    undeclared = member(pool_conflict=True, conflict_declared=None)
    assert rules(gates.expert_selection_violations(undeclared, REVIEW_ON)) == ["PROC-22a"]


def test_a22_outside_experts_and_institutions_need_a_reason_and_a_pledge():
    outside = expert(from_pool=False, certificate_on=None, external_reason="库内无该专业专家")
    assert gates.expert_selection_violations(outside, REVIEW_ON) == []
    assert rules(
        gates.expert_selection_violations(replace(outside, external_reason=""), REVIEW_ON)
    ) == ["EXP-13a"]
    assert rules(
        gates.expert_selection_violations(replace(outside, pledge_signed=False), REVIEW_ON)
    ) == ["EXP-10a"]
    # an institution: the same reason and pledge (A22); no certificate or term applies
    inst = replace(outside, name="某研究院", is_institution=True)
    assert gates.expert_selection_violations(inst, REVIEW_ON) == []
    assert rules(
        gates.expert_selection_violations(replace(inst, external_reason=" "), REVIEW_ON)
    ) == ["EXP-13a"]
    assert rules(
        gates.expert_selection_violations(replace(inst, pledge_signed=False), REVIEW_ON)
    ) == ["EXP-10a"]


def test_completion_judges_the_pool_record_at_the_review_date():
    facts = facts_before("complete", Step.EXPERT_REVIEW)
    ok = [member(name=n) for n in ("甲", "乙", "丙")]
    good = patch(facts, expert_review__experts=tuple(ok))
    assert rules(tr.completion_blocking_reasons(good, Step.EXPERT_REVIEW)) == []
    expired_on_review = replace(
        ok[0], certificate_on=date(2023, 3, 1), term_starts=(date(2023, 3, 1),)
    )
    bad = patch(facts, expert_review__experts=(expired_on_review, *ok[1:]))
    assert rules(tr.completion_blocking_reasons(bad, Step.EXPERT_REVIEW)) == ["EXP-11a"]


def test_risk_12b_only_a_passed_and_filed_review_lets_the_report_go_on():
    done = facts_before("complete", Step.RISK_ASSESSMENT)
    assert "RISK-12b" not in rules(tr.completion_blocking_reasons(done, Step.RISK_ASSESSMENT))
    returned = patch(done, risk__plac_review_result=PlacReviewResult.RETURNED)
    assert "RISK-12b" in rules(tr.completion_blocking_reasons(returned, Step.RISK_ASSESSMENT))
    no_result = patch(done, risk__plac_review_result=None)
    assert "RISK-12b" in rules(tr.completion_blocking_reasons(no_result, Step.RISK_ASSESSMENT))
    legality = facts_before("start", Step.LEGALITY_REVIEW)
    assert tr.blocking_reasons(legality, Step.LEGALITY_REVIEW) == []
    returned = patch(legality, risk__plac_review_result=PlacReviewResult.RETURNED)
    assert "RISK-12b" in rules(tr.blocking_reasons(returned, Step.LEGALITY_REVIEW))
