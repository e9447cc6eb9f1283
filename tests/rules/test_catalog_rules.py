"""The annual catalog workflow's pure rules (portal/rules/catalog.py): each GATE and DEADLINE of
CAT on both sides of its boundary, every refusal with its rule ID."""

from __future__ import annotations

from datetime import date

import pytest

from portal.rules import catalog as R
from portal.rules.catalog import AdjustmentState, CatalogAction, CatalogPhase, DeadlineState
from portal.rules.enums import CatalogAdjustmentType
from portal.rules.workdays import WorkCalendar


def rules(violations) -> list[str]:
    return [v.rule for v in violations]


def test_cat_7a_the_solicitation_needs_its_date_and_cat_8b_a_deadline_by_31_january():
    today = date(2026, 11, 26)
    assert R.solicitation_violations(2027, date(2026, 11, 20), date(2027, 1, 31), today) == []
    assert rules(R.solicitation_violations(2027, date(2026, 11, 20), date(2027, 2, 1), today)) == [
        "CAT-8b"
    ]
    assert (
        R.solicitation_violations(2027, None, date(2027, 1, 31), today)[0].field == "solicited_on"
    )


def test_cat_8b_submissions_close_at_the_end_of_31_january_inclusive():
    assert R.submission_window_violations(2027, None, date(2027, 1, 31)) == []
    assert rules(R.submission_window_violations(2027, None, date(2027, 2, 1))) == ["CAT-8b"]
    # an earlier deadline of the solicitation form applies too
    assert R.submission_window_violations(2027, date(2027, 1, 15), date(2027, 1, 15)) == []
    assert rules(R.submission_window_violations(2027, date(2027, 1, 15), date(2027, 1, 16))) == [
        "CAT-8b"
    ]


def test_cat_8b_a_submission_needs_an_open_solicitation():
    assert R.action_violations(CatalogPhase.SOLICITATION, CatalogAction.SUBMIT) == []
    assert rules(R.action_violations(CatalogPhase.OFFICE_REVIEW, CatalogAction.SUBMIT)) == [
        "CAT-8a"
    ]


def test_cat_8c_a_submission_passed_the_units_legality_review_first():
    ok = R.SubmissionFacts(
        "供热规划",
        "市住建局",
        legality_review_passed=True,
        legality_review_on=date(2026, 12, 1),
        scope_confirmed=True,
    )
    assert R.submission_violations(ok, date(2026, 12, 2)) == []
    from dataclasses import replace

    assert rules(
        R.submission_violations(replace(ok, legality_review_passed=False), date(2026, 12, 2))
    ) == ["CAT-8c"]
    assert rules(
        R.submission_violations(replace(ok, scope_confirmed=False), date(2026, 12, 2))
    ) == ["PROC-3b"]
    assert rules(R.submission_violations(replace(ok, npc_cppcc=True), date(2026, 12, 2))) == [
        "CAT-9a"
    ]


@pytest.mark.parametrize(
    ("action", "before", "after", "rule"),
    [
        (
            CatalogAction.DEPUTY_HEAD_REVIEW,
            CatalogPhase.SOLICITATION,
            CatalogPhase.OFFICE_REVIEW,
            "CAT-12a",
        ),
        (
            # issue 11: in OFFICE_REVIEW the meeting waits for each deputy head's review, which
            # executive_meeting_review_violations checks (below)
            CatalogAction.EXECUTIVE_MEETING,
            CatalogPhase.SOLICITATION,
            CatalogPhase.EXECUTIVE_MEETING,
            "CAT-13a",
        ),
        (
            CatalogAction.PARTY_CONSENT,
            CatalogPhase.EXECUTIVE_MEETING,
            CatalogPhase.PARTY_CONSENT,
            "CAT-13c",
        ),
        (CatalogAction.PUBLISH, CatalogPhase.PARTY_CONSENT, CatalogPhase.READY, "PROC-4b"),
        (CatalogAction.FILE, CatalogPhase.READY, CatalogPhase.PUBLISHED, "CAT-6d"),
        (CatalogAction.ADJUST, CatalogPhase.READY, CatalogPhase.PUBLISHED, "CAT-16a"),
    ],
)
def test_cat_12a_13a_13c_proc_4b_cat_6d_16a_each_step_follows_the_one_before(
    action, before, after, rule
):
    assert rules(R.action_violations(before, action)) == [rule]
    assert R.action_violations(after, action) == []


def test_cat_13a_entries_are_fixed_once_the_executive_meeting_determined_them():
    assert R.action_violations(CatalogPhase.EXECUTIVE_MEETING, CatalogAction.EDIT_ENTRIES) == []
    assert rules(R.action_violations(CatalogPhase.PARTY_CONSENT, CatalogAction.EDIT_ENTRIES)) == [
        "CAT-13a"
    ]
    assert rules(R.action_violations(CatalogPhase.PUBLISHED, CatalogAction.EDIT_ENTRIES)) == [
        "CAT-16a"
    ]


def test_cat_13a_the_meeting_is_not_dated_before_the_deputy_heads_review():
    today = date(2027, 3, 3)
    kw = {"field": "executive_meeting_on", "not_before": date(2027, 2, 10), "rule": "CAT-13a"}
    assert R.recorded_date_violations(date(2027, 2, 10), today, **kw) == []
    assert rules(R.recorded_date_violations(date(2027, 2, 9), today, **kw)) == ["CAT-13a"]
    assert rules(R.recorded_date_violations(date(2027, 3, 4), today, **kw)) == [""]  # future


def test_cat_6a_6c_6d_the_catalog_is_determined_published_and_filed_by_31_march():
    on_time = R.annual_deadlines(
        2027,
        date(2027, 4, 1),
        submissions_closed_on=date(2027, 1, 31),
        determined_on=date(2027, 3, 31),
        published_on=date(2027, 3, 31),
        filed_on=date(2027, 3, 31),
    )
    assert {r.rule: r.state for r in on_time} == {
        "CAT-8b": DeadlineState.MET,
        "CAT-6a": DeadlineState.MET,
        "CAT-6c": DeadlineState.MET,
        "CAT-6d": DeadlineState.MET,
    }
    late = R.annual_deadlines(
        2027,
        date(2027, 4, 2),
        submissions_closed_on=date(2027, 2, 1),
        determined_on=date(2027, 4, 1),
        published_on=date(2027, 4, 1),
        filed_on=None,
    )
    assert {r.rule: r.state for r in late} == {
        "CAT-8b": DeadlineState.LATE,
        "CAT-6a": DeadlineState.LATE,
        "CAT-6c": DeadlineState.LATE,
        "CAT-6d": DeadlineState.OVERDUE,
    }
    pending = R.annual_deadlines(2027, date(2027, 3, 31))
    assert {r.state for r in pending if r.rule != "CAT-8b"} == {DeadlineState.PENDING}
    assert rules(
        R.catalog_filing_check(date(2027, 3, 20), date(2027, 3, 19), "BA-1", date(2027, 3, 25))
    ) == ["CAT-6d"]
    assert (
        R.catalog_filing_check(date(2027, 3, 20), date(2027, 3, 20), "BA-1", date(2027, 3, 25))
        == []
    )
    assert rules(
        R.catalog_filing_check(date(2027, 3, 20), date(2027, 3, 21), "", date(2027, 3, 25))
    ) == ["CAT-6d"]


def test_cat_16a_an_adjustment_is_approved_before_it_is_published():
    assert rules(R.adjustment_publish_violations(AdjustmentState.PROPOSED)) == ["CAT-16a"]
    assert R.adjustment_publish_violations(AdjustmentState.APPROVED) == []
    assert rules(
        R.adjustment_proposal_violations(
            CatalogAdjustmentType.ADD,
            reason="",
            target_current=False,
            title="x",
            undertaking_unit="u",
        )
    ) == ["CAT-16a"]
    assert (
        R.adjustment_proposal_violations(
            CatalogAdjustmentType.ADD,
            reason="r",
            target_current=False,
            title="x",
            undertaking_unit="u",
        )
        == []
    )
    assert rules(
        R.adjustment_proposal_violations(
            CatalogAdjustmentType.REMOVE, reason="r", target_current=False
        )
    ) == ["CAT-16a"]
    assert (
        R.adjustment_proposal_violations(
            CatalogAdjustmentType.REMOVE, reason="r", target_current=True
        )
        == []
    )


def test_cat_16c_the_adjusted_catalog_is_filed_within_10_working_days():
    cal = WorkCalendar({})
    published = date(2027, 6, 1)  # a Tuesday
    due = R.adjustment_filing_due(published, cal)
    assert due == date(2027, 6, 15)  # 10 working days later (Dragon Boat Festival: 2027 data)
    assert R.adjustment_filing_state(published, due, due, cal) is DeadlineState.MET
    day_after = date(2027, 6, 16)
    assert R.adjustment_filing_state(published, day_after, day_after, cal) is DeadlineState.LATE
    assert R.adjustment_filing_state(published, None, day_after, cal) is DeadlineState.OVERDUE
    assert rules(
        R.adjustment_filing_violations(
            AdjustmentState.APPROVED, None, date(2027, 6, 2), "x", day_after
        )
    ) == ["CAT-16c"]
    assert (
        R.adjustment_filing_violations(
            AdjustmentState.PUBLISHED, published, date(2027, 6, 2), "x", day_after
        )
        == []
    )


def test_cat_2a_an_entry_closes_only_through_its_procedure_or_a_removal():
    from portal.rules import gates
    from portal.rules.facts import CatalogEntryFacts

    entry = CatalogEntryFacts("事项", undertaking_unit="市住建局")
    assert rules(gates.catalog_entry_close_violations(entry)) == ["CAT-2a"]
    from dataclasses import replace

    assert gates.catalog_entry_close_violations(replace(entry, removed_by_adjustment=True)) == []


# -- CAT-12a (issue 11): one review per deputy head in charge, all before CAT-13a ---------------

TODAY = date(2027, 2, 20)


def review(head="王副市长", on=date(2027, 2, 10), opinion="同意", **kw) -> R.DeputyReviewFacts:
    return R.DeputyReviewFacts(head, on, opinion, **kw)


def test_cat_12a_the_deputy_heads_in_charge_are_those_named_on_the_items_once_each():
    heads = R.heads_in_charge(["王副市长", "李副市长", " 王副市长 ", "", "王 副市长"])
    assert heads == ["王副市长", "李副市长"]
    assert R.missing_reviews(heads, ["李副市长"]) == ["王副市长"]
    assert R.missing_reviews(heads, ["王副市长", "李副市长"]) == []


def test_cat_12a_a_review_names_a_deputy_head_in_charge_with_date_and_opinion():
    heads = ["王副市长", "李副市长"]

    def check(r, phase=CatalogPhase.OFFICE_REVIEW, done=()):
        return rules(
            R.deputy_review_violations(
                phase, r, heads=heads, already_reviewed=done, today=TODAY, not_before=None
            )
        )

    assert check(review()) == []
    assert check(review(), phase=CatalogPhase.EXECUTIVE_MEETING) == []  # a later one
    assert check(review(head="")) == ["CAT-12a"]
    assert check(review(head="张副市长")) == ["CAT-12a"]  # not in charge of any item
    assert check(review(), done=["王副市长"]) == ["CAT-12a"]  # one review per deputy head
    assert check(review(opinion=" ")) == ["CAT-12a"]
    assert check(review(on=None)) == [""]  # the date is an input
    assert check(review(on=date(2027, 2, 21))) == [""]  # not in the future
    assert check(review(), phase=CatalogPhase.SOLICITATION) == ["CAT-12a"]
    assert check(review(), phase=CatalogPhase.PARTY_CONSENT) == ["CAT-13a"]  # after the meeting
    none_named = R.deputy_review_violations(
        CatalogPhase.OFFICE_REVIEW,
        review(),
        heads=[],
        already_reviewed=(),
        today=TODAY,
        not_before=None,
    )
    assert rules(none_named)[0] == "CAT-12a"


def test_cat_13a_the_meeting_needs_every_deputy_head_in_charge_to_have_reviewed():
    ok = R.executive_meeting_review_violations(entries_without_head=[], missing=[], unstudied=[])
    assert ok == []
    missing = R.executive_meeting_review_violations(
        entries_without_head=[], missing=["李副市长"], unstudied=[]
    )
    assert rules(missing) == ["CAT-13a"] and "李副市长" in missing[0].params["names"]
    assert rules(
        R.executive_meeting_review_violations(
            entries_without_head=["供热规划"], missing=[], unstudied=[]
        )
    ) == ["CAT-12a"]
    assert rules(
        R.executive_meeting_review_violations(
            entries_without_head=[], missing=[], unstudied=["王副市长"]
        )
    ) == ["CAT-12a"]


def test_cat_12a_the_office_studies_what_a_deputy_head_proposed_once():
    assert R.office_study_violations("增加供热规划", "已研究，列入目录", "") == []
    assert rules(R.office_study_violations("增加供热规划", "", "")) == ["CAT-12a"]
    assert rules(R.office_study_violations("增加供热规划", "再次研究", "已研究")) == ["CAT-12a"]
    assert rules(R.office_study_violations("", "研究", "")) == [""]
