"""Content rules of stage records, both sides of each (portal/rules/records.py)."""

from __future__ import annotations

from datetime import date

from portal.rules.enums import InitiateDecision, ParticipationMethod, ReviewResult, ScopeExclusion
from portal.rules.records import (
    HAND_RECORDED_METHODS,
    activity_violations,
    consultation_notice_violations,
    dispute_violations,
    drafting_record_violations,
    initiation_record_violations,
    internal_review_violations,
    resolution_violations,
    unit_consultation_violations,
)

TODAY = date(2026, 11, 26)

OK_INITIATION = {
    "unit_count": 1,
    "lead_given": False,
    "lead_in_units": True,
    "initiate_decision": InitiateDecision.INITIATE,
    "initiated_on": date(2026, 3, 2),
    "scope_exclusion": None,
    "out_of_scope_confirmed": True,
    "today": TODAY,
}


def rules(violations) -> list[str]:
    return [v.rule for v in violations]


def test_complete_initiation_record_passes():
    assert initiation_record_violations(**OK_INITIATION) == []


def test_proc_12a_two_units_need_a_lead_unit_among_them():
    two = OK_INITIATION | {"unit_count": 2}
    assert rules(initiation_record_violations(**two)) == ["PROC-12a"]
    assert initiation_record_violations(**two | {"lead_given": True}) == []
    outside = two | {"lead_given": True, "lead_in_units": False}
    assert rules(initiation_record_violations(**outside)) == ["PROC-12a"]


def test_proc_11c_the_initiation_decision_and_its_date_go_together():
    no_date = OK_INITIATION | {"initiated_on": None}
    assert [v.field for v in initiation_record_violations(**no_date)] == ["initiated_on"]
    no_decision = OK_INITIATION | {"initiate_decision": None}
    assert [v.field for v in initiation_record_violations(**no_decision)] == ["initiate_decision"]
    neither = OK_INITIATION | {"initiate_decision": None, "initiated_on": None}
    assert initiation_record_violations(**neither) == []


def test_proc_3b_an_exclusion_is_refused_while_the_item_is_confirmed_in_scope():
    excluded = OK_INITIATION | {"scope_exclusion": ScopeExclusion.EMERGENCY_RESPONSE}
    refused = initiation_record_violations(**excluded)
    assert [(v.rule, v.field) for v in refused] == [("PROC-3b", "scope_exclusion")]
    # A42: once the office has cleared the confirmation, the exclusion can be recorded
    assert initiation_record_violations(**excluded | {"out_of_scope_confirmed": False}) == []


def test_proc_11c_the_decision_to_initiate_is_not_dated_in_the_future():
    assert initiation_record_violations(**OK_INITIATION | {"initiated_on": TODAY}) == []
    future = initiation_record_violations(**OK_INITIATION | {"initiated_on": date(2026, 11, 27)})
    assert [(v.rule, v.field) for v in future] == [("PROC-11c", "initiated_on")]


def test_proc_15a_15b_consultation_referral_and_resolution_dates():
    assert unit_consultation_violations(consulted_on=TODAY, today=TODAY) == []
    late = unit_consultation_violations(consulted_on=date(2026, 11, 27), today=TODAY)
    assert rules(late) == ["PROC-15a"]
    assert dispute_violations(referred_on=TODAY, today=TODAY) == []
    assert rules(dispute_violations(referred_on=date(2026, 12, 1), today=TODAY)) == ["PROC-15b"]
    referred = date(2026, 11, 12)
    ok = resolution_violations(resolved_on=referred, referred_on=referred, today=TODAY)
    assert ok == []
    early = resolution_violations(resolved_on=date(2026, 11, 11), referred_on=referred, today=TODAY)
    assert [(v.rule, v.field) for v in early] == [("PROC-15b", "resolved_on")]


def test_part_12a_and_part_8a_hearings_and_symposiums_are_not_recorded_by_hand():
    hearing = activity_violations(
        method=ParticipationMethod.HEARING, held=True, held_on=TODAY, today=TODAY
    )
    assert [(v.rule, v.field) for v in hearing] == [("PART-12a", "method")]
    symposium = activity_violations(
        method=ParticipationMethod.SYMPOSIUM, held=False, held_on=TODAY, today=TODAY
    )
    assert rules(symposium) == ["PART-8a"]
    for method in HAND_RECORDED_METHODS:
        assert activity_violations(method=method, held=True, held_on=TODAY, today=TODAY) == []
    comment = activity_violations(
        method=ParticipationMethod.OPEN_COMMENT, held=False, held_on=TODAY, today=TODAY
    )
    assert rules(comment) == [""]  # the comment window has its own notice


def test_an_activity_held_is_not_dated_in_the_future_but_a_planned_one_may_be():
    later = date(2026, 12, 3)
    poll = ParticipationMethod.POLL
    assert activity_violations(method=poll, held=False, held_on=later, today=TODAY) == []
    held = activity_violations(method=poll, held=True, held_on=later, today=TODAY)
    assert [v.field for v in held] == ["held_on"]


REVIEW = {
    "on": date(2026, 11, 18),
    "text": "经审查，草案合法。",
    "result": ReviewResult.PASSED,
    "today": TODAY,
    "date_field": "on",
    "text_field": "text",
    "result_field": "result",
}


def test_proc_28a_a_unit_review_has_its_date_opinion_and_result():
    assert internal_review_violations(**REVIEW) == []
    assert internal_review_violations(**REVIEW | {"result": ReviewResult.NOT_PASSED}) == []
    no_result = internal_review_violations(**REVIEW | {"result": None})
    assert [(v.rule, v.field) for v in no_result] == [("PROC-28a", "result")]
    no_text = internal_review_violations(**REVIEW | {"text": " "})
    assert [(v.rule, v.field) for v in no_text] == [("PROC-28a", "text")]
    no_date = internal_review_violations(**REVIEW | {"on": None})
    assert [(v.rule, v.field) for v in no_date] == [("PROC-28a", "on")]
    empty = REVIEW | {"on": None, "text": "", "result": None}
    assert internal_review_violations(**empty) == []


def test_proc_28a_unit_review_dates_are_not_in_the_future_and_in_order():
    assert rules(internal_review_violations(**REVIEW | {"on": date(2026, 11, 27)})) == ["PROC-28a"]
    discussion = REVIEW | {"not_before": date(2026, 11, 18)}
    assert internal_review_violations(**discussion) == []
    early = internal_review_violations(**discussion | {"on": date(2026, 11, 17)})
    assert [(v.rule, v.field) for v in early] == [("PROC-28a", "on")]
    assert rules(internal_review_violations(**REVIEW | {"preceding_missing": True})) == ["PROC-28a"]
    legal = REVIEW | {"not_after": date(2026, 11, 18)}
    assert internal_review_violations(**legal) == []
    assert rules(internal_review_violations(**legal | {"on": date(2026, 11, 19)})) == ["PROC-28a"]


def test_proc_13a_an_entrusted_draft_names_who_drafted_it():
    assert rules(drafting_record_violations(entrusted=True, entrusted_party=" ")) == ["PROC-13a"]
    assert drafting_record_violations(entrusted=True, entrusted_party="内蒙古大学") == []
    assert drafting_record_violations(entrusted=False, entrusted_party="") == []


NOTICE = {
    "non_disclosable": False,
    "opens_on": date(2026, 11, 17),
    "closes_on": date(2026, 12, 17),
    "shortened_reason": "",
    "channels": "在线提交",
    "contact_department": "市住建局",
    "contact_details": ("0476-8331234", "", ""),
}


def test_complete_notice_of_thirty_days_passes():
    assert consultation_notice_violations(**NOTICE) == []


def test_proc_17b_a_notice_of_29_days_needs_a_reason():
    short = NOTICE | {"closes_on": date(2026, 12, 16)}
    assert rules(consultation_notice_violations(**short)) == ["PROC-17b"]
    assert consultation_notice_violations(**short | {"shortened_reason": "供暖季前须完成"}) == []


def test_part_7b_the_notice_states_channels_department_and_a_contact():
    bare = NOTICE | {"channels": "", "contact_department": "", "contact_details": ("", "", "")}
    assert [v.field for v in consultation_notice_violations(**bare)] == [
        "channels",
        "contact_department",
        "contact_phone",
    ]
    assert set(rules(consultation_notice_violations(**bare))) == {"PART-7b"}


def test_a7_a_non_disclosable_item_is_never_put_out_for_comment():
    assert rules(consultation_notice_violations(**NOTICE | {"non_disclosable": True})) == ["A7"]
