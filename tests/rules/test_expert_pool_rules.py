"""The expert pool's pure rules (portal/rules/experts.py): each GATE and DEADLINE of EXP on both
sides of its boundary, every refusal with its rule ID."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from portal.rules import experts as R
from portal.rules.experts import (
    AssessmentFacts,
    AssessmentResult,
    MemberFacts,
    MemberStatus,
    Qualification,
    TitleLevel,
)


def rules(violations) -> list[str]:
    return [v.rule for v in violations]


MEMBER = MemberFacts(
    1, "王建国", MemberStatus.APPOINTED, frozenset({"ecology_environment"}), pledge_signed=True
)


def test_exp_5b_a_group_with_4_active_members_is_warned_5_is_not():
    assert rules(R.group_warnings({"生态环境": 4, "金融证券": 5})) == ["EXP-5b"]
    assert R.group_warnings({"生态环境": 5}) == []


def test_exp_7a_every_condition_confirmed_and_influence_without_a_senior_title():
    every = list(Qualification)
    assert (
        R.qualification_violations(every, title_level=TitleLevel.SENIOR, influence_justification="")
        == []
    )
    assert rules(
        R.qualification_violations(
            every[:-1], title_level=TitleLevel.SENIOR, influence_justification=""
        )
    ) == ["EXP-7a"]
    assert rules(
        R.qualification_violations(every, title_level=TitleLevel.OTHER, influence_justification="")
    ) == ["EXP-7a"]
    assert (
        R.qualification_violations(
            every, title_level=TitleLevel.OTHER, influence_justification="行业知名"
        )
        == []
    )


def test_exp_8b_preliminary_review_then_approval_then_certificate():
    today = date(2026, 11, 26)
    none = {
        "preliminary_reviewed_on": None,
        "approved_on": None,
        "certificate_on": None,
        "dismissed": False,
    }
    assert set(rules(R.appointment_step_violations("certificate", today, today, **none))) == {
        "EXP-8b"
    }
    assert R.appointment_step_violations("preliminary_reviewed", today, today, **none) == []
    reviewed = none | {"preliminary_reviewed_on": date(2026, 11, 1)}
    assert R.appointment_step_violations("approved", date(2026, 11, 1), today, **reviewed) == []
    assert rules(
        R.appointment_step_violations("approved", date(2026, 10, 31), today, **reviewed)
    ) == ["EXP-8b"]
    # selectable only once appointed
    assert R.exclusion(MEMBER) is None
    assert R.exclusion(replace(MEMBER, status=MemberStatus.APPROVED)).rule == "EXP-8b"


def test_exp_10a_an_expert_without_the_pledge_is_not_selectable():
    assert R.exclusion(replace(MEMBER, pledge_signed=False)).rule == "EXP-10a"
    assert R.exclusion(MEMBER) is None


def test_exp_10b_proc_22a_conflicted_or_recused_experts_are_excluded():
    assert R.exclusion(replace(MEMBER, conflict=True)).rule == "PROC-22a"
    assert R.exclusion(replace(MEMBER, recused=True)).rule == "EXP-10b"
    eligible, excluded = R.split_candidates(
        [
            MEMBER,
            replace(MEMBER, id=2, conflict=True),
            replace(MEMBER, id=3, groups=frozenset({"x"})),
        ],
        ["ecology_environment"],
    )
    assert [m.id for m in eligible] == [1] and [m.id for m, _ in excluded] == [2]


def test_exp_11a_the_term_lasts_3_years_from_the_certificate():
    start = date(2024, 3, 1)
    assert R.term_end(start) == date(2027, 3, 1)
    kw = {
        "preliminary_reviewed_on": date(2024, 1, 1),
        "approved_on": date(2024, 2, 1),
        "certificate_on": start,
        "term_start": start,
        "dismissed_on": None,
    }
    assert R.status_on(today=date(2027, 2, 28), **kw) is MemberStatus.APPOINTED
    assert R.status_on(today=date(2027, 3, 1), **kw) is MemberStatus.EXPIRED
    assert R.exclusion(replace(MEMBER, status=MemberStatus.EXPIRED)).rule == "EXP-11a"


def _assessment(year: int, on: date, result=AssessmentResult.PASSED) -> AssessmentFacts:
    return AssessmentFacts(year=year, assessed_on=on, result=result)


def test_exp_11b_renewal_starts_on_or_after_the_term_end_never_before():
    # A23: no window before the end; the renewed term starts when the old one has ended
    start = date(2024, 3, 1)  # the term ends on 2027-03-01
    ok = _assessment(2027, date(2027, 2, 20))
    base = {
        "status": MemberStatus.EXPIRED,
        "term_start": start,
        "today": date(2027, 3, 5),
        "assessment": ok,
        "work_need": True,
        "still_qualified": True,
    }
    assert R.renewal_violations(renewed_on=date(2027, 3, 1), **base) == []
    assert R.renewal_violations(renewed_on=date(2027, 3, 5), **base) == []
    before = R.renewal_violations(renewed_on=date(2027, 2, 28), **base)
    assert rules(before) == ["EXP-11b"] and before[0].field == "renewed_on"
    # never in the future (the renewal date starts a 3-year clock)
    future = R.renewal_violations(renewed_on=date(2027, 3, 6), **base)
    assert rules(future) == ["EXP-11b"]
    # still in term: the term's end has not come, so no renewal date can be valid yet
    running = base | {"status": MemberStatus.APPOINTED, "today": date(2027, 2, 27)}
    assert rules(R.renewal_violations(renewed_on=date(2027, 2, 27), **running)) == ["EXP-11b"]


def test_exp_11b_renewal_needs_a_passed_assessment_of_the_current_term():
    start = date(2024, 3, 1)
    base = {
        "status": MemberStatus.EXPIRED,
        "term_start": start,
        "today": date(2027, 3, 5),
        "renewed_on": date(2027, 3, 1),
        "work_need": True,
        "still_qualified": True,
    }
    passed = _assessment(2026, date(2026, 12, 20))
    assert R.renewal_violations(assessment=passed, **base) == []
    failed = _assessment(2026, date(2026, 12, 20), AssessmentResult.FAILED)
    assert rules(R.renewal_violations(assessment=failed, **base)) == ["EXP-11b"]
    assert rules(R.renewal_violations(assessment=None, **base)) == ["EXP-11b"]
    assert rules(R.renewal_violations(assessment=passed, **base | {"work_need": False})) == [
        "EXP-11b"
    ]
    # the assessment of an earlier term does not count for this one
    earlier = _assessment(2023, date(2023, 12, 15))
    assert R.current_term_assessment([earlier], start) is None
    assert R.current_term_assessment([earlier, passed], start) == passed
    # the latest assessment of the term decides: a later failure blocks the renewal (A23)
    later_fail = _assessment(2027, date(2027, 2, 25), AssessmentResult.FAILED)
    assert R.current_term_assessment([passed, later_fail], start) == later_fail
    # an assessment of a year before the term, entered during the term, is not the term's
    late_entry = _assessment(2023, date(2024, 6, 1))
    assert R.current_term_assessment([late_entry], start) is None


def test_exp_11a_status_on_a_day_reads_every_term_and_the_dismissal_date():
    kw = {
        "preliminary_reviewed_on": date(2020, 1, 1),
        "approved_on": date(2020, 2, 1),
        "certificate_on": date(2020, 3, 1),
        "term_start": date(2023, 6, 1),
        "dismissed_on": None,
        "term_starts": (date(2020, 3, 1), date(2023, 6, 1)),
    }
    assert R.status_on(today=date(2020, 2, 15), **kw) is MemberStatus.APPROVED
    assert R.status_on(today=date(2022, 1, 1), **kw) is MemberStatus.APPOINTED
    # between the end of the first term and the renewal the member was expired
    assert R.status_on(today=date(2023, 4, 1), **kw) is MemberStatus.EXPIRED
    assert R.status_on(today=date(2024, 1, 1), **kw) is MemberStatus.APPOINTED
    dismissed = kw | {"dismissed_on": date(2025, 5, 1)}
    assert R.status_on(today=date(2025, 4, 30), **dismissed) is MemberStatus.APPOINTED
    assert R.status_on(today=date(2025, 5, 1), **dismissed) is MemberStatus.DISMISSED


def test_exp_12b_dismissal_only_for_a_listed_reason():
    assert R.dismissal_violations("health", MemberStatus.APPOINTED) == []
    assert rules(R.dismissal_violations("disliked", MemberStatus.APPOINTED)) == ["EXP-12b"]
    assert rules(R.dismissal_violations("", MemberStatus.APPOINTED)) == ["EXP-12b"]
    assert R.exclusion(replace(MEMBER, status=MemberStatus.DISMISSED)).rule == "EXP-12b"


def test_exp_13b_an_odd_number_of_at_least_3():
    assert R.panel_size_violations(3, complex_item=False) == []
    assert rules(R.panel_size_violations(2, complex_item=False)) == ["EXP-13b", "EXP-13b"]
    assert rules(R.panel_size_violations(4, complex_item=False)) == ["EXP-13b"]
    # "generally" >= 3: fewer with a recorded reason, but never an even number (A4)
    assert R.panel_size_violations(1, complex_item=False, override_reason="领域专家不足") == []


def test_exp_13c_a_complex_item_needs_at_least_7():
    assert R.panel_size_violations(7, complex_item=True) == []
    assert rules(R.panel_size_violations(5, complex_item=True)) == ["EXP-13c"]
    assert rules(R.panel_size_violations(6, complex_item=True)) == ["EXP-13b", "EXP-13c"]


def test_the_draw_is_reproducible_from_its_seed_and_differs_with_another():
    candidates = list(range(1, 21))
    first = R.draw(candidates, 7, "5f2a9c")
    assert first == R.draw(candidates, 7, "5f2a9c")
    assert len(set(first)) == 7 and set(first) <= set(candidates)
    assert first != R.draw(candidates, 7, "5f2a9d")
    assert rules(R.availability_violations(8, 7, complex_item=True)) == ["EXP-13c"]
    assert R.availability_violations(7, 7, complex_item=True) == []


def test_exp_13a_a_manual_choice_needs_a_reason_and_eligible_experts():
    assert R.manual_choice_violations([1, 2, 3], [1, 2, 3, 4], "熟悉管网") == []
    assert rules(R.manual_choice_violations([1, 2, 3], [1, 2, 3], "")) == ["EXP-13a"]
    assert rules(R.manual_choice_violations([1, 2, 9], [1, 2, 3], "理由")) == ["EXP-13a"]


def test_a_manual_choice_of_an_excluded_member_cites_the_rule_that_excludes_them():
    # the side door of a selection including an expired (EXP-11a) or dismissed (EXP-12b) member
    expired = replace(MEMBER, id=9, status=MemberStatus.EXPIRED)
    dismissed = replace(MEMBER, id=8, status=MemberStatus.DISMISSED)
    excluded = [(m, R.exclusion(m)) for m in (expired, dismissed)]
    out = R.manual_choice_violations([1, 2, 9], [1, 2, 3], "理由", excluded)
    assert rules(out) == ["EXP-11a"] and out[0].field == "chosen"
    assert rules(R.manual_choice_violations([1, 8, 9], [1, 2, 3], "理由", excluded)) == [
        "EXP-12b",
        "EXP-11a",
    ]


def test_exp_14c_exp_15a_stay_with_the_expert_review_gates():
    """Cited here for the pool: the stage gates of portal/rules/gates.py enforce them."""
    from portal.rules import gates
    from portal.rules.enums import OpinionForm
    from portal.rules.facts import DecisionFacts, ExpertFacts, ExpertReviewFacts

    expert = ExpertFacts(
        "王建国",
        certificate_on=date(2026, 1, 1),
        pledge_signed=True,
        conflict_declared=False,
        materials_delivered_on=date(2026, 5, 1),
        opinion_form=OpinionForm.ORAL,
        signed=True,
    )
    review = ExpertReviewFacts(review_on=date(2026, 5, 10), experts=(expert,) * 3, report_done=True)
    out = rules(gates.expert_completion_violations(DecisionFacts(expert_review=review)))
    assert "EXP-15a" in out and "EXP-14c" not in out
    late = replace(expert, materials_delivered_on=date(2026, 5, 11), written_followup=True)
    out = rules(
        gates.expert_completion_violations(
            DecisionFacts(expert_review=replace(review, experts=(late,) * 3))
        )
    )
    assert "EXP-14c" in out and "EXP-15a" not in out
