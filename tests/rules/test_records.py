"""Content rules of stage records, both sides of each (portal/rules/records.py)."""

from __future__ import annotations

from datetime import date

from portal.rules.enums import InitiateDecision, ScopeExclusion
from portal.rules.records import (
    consultation_notice_violations,
    drafting_record_violations,
    initiation_record_violations,
)

OK_INITIATION = {
    "unit_count": 1,
    "lead_given": False,
    "lead_in_units": True,
    "initiate_decision": InitiateDecision.INITIATE,
    "initiated_on": date(2026, 3, 2),
    "scope_exclusion": None,
    "out_of_scope_confirmed": True,
    "non_disclosable": False,
    "non_disclosable_basis": "",
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


def test_proc_3b_an_excluded_type_cannot_be_confirmed_in_scope():
    excluded = OK_INITIATION | {"scope_exclusion": ScopeExclusion.EMERGENCY_RESPONSE}
    assert rules(initiation_record_violations(**excluded)) == ["PROC-3b"]
    assert initiation_record_violations(**excluded | {"out_of_scope_confirmed": False}) == []


def test_a7_non_disclosure_needs_a_legal_basis():
    secret = OK_INITIATION | {"non_disclosable": True, "non_disclosable_basis": "  "}
    assert rules(initiation_record_violations(**secret)) == ["A7"]
    based = secret | {"non_disclosable_basis": "《保守国家秘密法》第九条"}
    assert initiation_record_violations(**based) == []


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
