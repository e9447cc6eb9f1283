"""Both sides of every statutory gate (rules.md [GATE] rules of PROC, PART, EXP, RISK, CAT)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from portal.rules import gates
from portal.rules import transitions as tr
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    AdoptionStatus,
    CatalogAdjustmentType,
    ChangeKind,
    ExpertReviewMethod,
    InitiateDecision,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingMaterial,
    MeetingOutcome,
    OpinionForm,
    ParticipationMethod,
    PartyReportKind,
    RiskLevel,
    RiskRecommendation,
    ScopeExclusion,
)
from portal.rules.errors import RuleViolation
from portal.rules.facts import (
    CatalogAdjustmentFacts,
    CatalogEntryFacts,
    CatalogFacts,
    ChangeFacts,
    CommentPeriodFacts,
    DecisionFacts,
    HearingFacts,
    OpinionPoint,
    PartyReportFacts,
    SymposiumFacts,
)
from portal.rules.ids import cite
from portal.rules.stages import Step, StepStatus

from .builders import compliant, expert, facts_before, patch

S = Step


def rules(violations: list[RuleViolation]) -> list[str]:
    return [v.rule for v in violations]


def blocked(facts: DecisionFacts, target) -> list[str]:
    return rules(tr.blocking_reasons(facts, target))


# -- messages ---------------------------------------------------------------------------------


def test_every_violation_carries_a_citable_rule_and_renders_its_params():
    facts = patch(
        facts_before("start", S.COLLECTIVE_DECISION),
        meeting__meeting_on=date(2026, 4, 20),
        legality__points=(OpinionPoint(AdoptionStatus.NOT_ADOPTED),),
    )
    found = tr.blocking_reasons(facts, S.COLLECTIVE_DECISION)
    assert rules(found) == ["PROC-33b", "PROC-31a"]
    for v in found:
        assert cite(v.rule, "en").endswith(f"({v.rule})")
        assert "%(" not in v.render()
    assert found[1].field == "meeting_on"


# -- PROC-3b, PROC-11c, PROC-12a --------------------------------------------------------------


def test_excluded_decision_type_cannot_be_listed_or_initiated():
    # PROC-3b
    ok = compliant()
    assert gates.scope_violations(ok) == []
    emergency = replace(ok, scope_exclusion=ScopeExclusion.EMERGENCY_RESPONSE)
    assert blocked(emergency, S.INITIATION) == ["PROC-3b"]
    assert blocked(emergency, S.CATALOG_LISTING) == ["PROC-3b"]
    unconfirmed = replace(ok, out_of_scope_check_confirmed=False)
    assert blocked(unconfirmed, S.INITIATION) == ["PROC-3b"]


def test_drafting_opens_only_after_a_decision_to_initiate():
    # PROC-11c
    facts = facts_before("start", S.DRAFTING_RESEARCH)
    assert blocked(facts, S.DRAFTING_RESEARCH) == []
    for decision in (None, InitiateDecision.DO_NOT_INITIATE):
        assert blocked(replace(facts, initiate_decision=decision), S.DRAFTING_RESEARCH) == [
            "PROC-11c"
        ]


def test_undertaking_unit_must_be_designated_with_a_lead_when_several():
    # PROC-12a
    facts = facts_before("start", S.DRAFTING_RESEARCH)
    assert blocked(replace(facts, undertaking_units=()), S.DRAFTING_RESEARCH) == ["PROC-12a"]
    two = replace(facts, undertaking_units=("市发改委", "市财政局"))
    assert blocked(two, S.DRAFTING_RESEARCH) == ["PROC-12a"]
    assert blocked(replace(two, lead_unit="市审计局"), S.DRAFTING_RESEARCH) == ["PROC-12a"]
    assert blocked(replace(two, lead_unit="市发改委"), S.DRAFTING_RESEARCH) == []


# -- public participation -----------------------------------------------------------------------


def participation_done() -> DecisionFacts:
    return facts_before("complete", S.PUBLIC_PARTICIPATION)


def pp_rules(facts: DecisionFacts) -> list[str]:
    return rules(tr.completion_blocking_reasons(facts, S.PUBLIC_PARTICIPATION))


def test_public_participation_needs_an_activity_unless_non_disclosable():
    # PROC-16a / PART-2a / A6
    facts = patch(
        participation_done(),
        participation__methods=(),
        participation__comment_periods=(),
        participation__symposiums=(),
        participation__hearings=(),
    )
    assert pp_rules(facts) == ["PROC-16a"]
    assert pp_rules(replace(facts, non_disclosable=True)) == []
    assert pp_rules(participation_done()) == []


def test_short_comment_period_blocks_participation_until_reason_is_published():
    # PROC-17b / PROC-17c / PART-7c / PART-7d
    short = CommentPeriodFacts(date(2026, 3, 2), date(2026, 3, 31))  # 29 days
    facts = patch(participation_done(), participation__comment_periods=(short,))
    assert pp_rules(facts) == ["PROC-17b"]
    with_reason = replace(short, shortened_reason="防汛需要")
    facts = patch(facts, participation__comment_periods=(with_reason,))
    assert pp_rules(facts) == ["PROC-17c"]
    published = replace(with_reason, reason_published=True)
    assert pp_rules(patch(facts, participation__comment_periods=(published,))) == []


def test_late_symposium_materials_block_participation():
    # PART-8b: Thu 12 March symposium, Tuesday delivery is late
    late = SymposiumFacts(date(2026, 3, 12), (date(2026, 3, 9), date(2026, 3, 10)))
    facts = patch(participation_done(), participation__symposiums=(late,))
    assert pp_rules(facts) == ["PART-8b"]


def hearing(**kw) -> HearingFacts:
    base = HearingFacts(
        date(2026, 3, 20), (date(2026, 3, 13),), record_signed=True, report_issued=True
    )
    return replace(base, **kw)


def test_hearing_materials_six_days_before_block_and_seven_pass():
    # PROC-19c / PART-12c
    assert gates.hearing_violations(hearing()) == []
    late = hearing(materials_delivered_on=(date(2026, 3, 13), date(2026, 3, 14)))
    assert rules(gates.hearing_violations(late)) == ["PROC-19c"]
    assert rules(gates.hearing_violations(hearing(materials_delivered_on=()))) == ["PROC-19c"]
    facts = patch(participation_done(), participation__hearings=(late,))
    assert pp_rules(facts) == ["PROC-19c"]


def test_closed_hearing_is_allowed_only_for_non_disclosable_items():
    # PROC-19d
    closed = hearing(held_publicly=False)
    assert rules(gates.hearing_violations(closed)) == ["PROC-19d"]
    assert gates.hearing_violations(closed, non_disclosable=True) == []


def test_hearing_report_needs_the_signed_record():
    # PART-13b / PART-16a / PROC-29b
    assert rules(gates.hearing_violations(hearing(record_signed=False))) == ["PART-13b"]
    unsigned = hearing(record_signed=False, report_issued=False)
    assert rules(gates.hearing_violations(unsigned)) == ["PART-13b", "PROC-29b"]
    assert rules(gates.hearing_violations(hearing(report_issued=False))) == ["PROC-29b"]
    planned = hearing(held=False, record_signed=False, report_issued=False)
    facts = patch(participation_done(), participation__hearings=(planned,))
    assert pp_rules(facts) == []  # a hearing not yet held is not checked


def test_enterprise_related_item_needs_an_enterprise_consultation():
    # PART-5b
    facts = patch(participation_done(), participation__affects_enterprise_operations=True)
    assert pp_rules(facts) == ["PART-5b"]
    methods = (*facts.participation.methods, ParticipationMethod.ENTERPRISE_CONSULTATION)
    assert pp_rules(patch(facts, participation__methods=methods)) == []


def test_specific_group_must_be_heard():
    # PART-14a
    facts = patch(participation_done(), participation__affects_specific_group=True)
    assert pp_rules(facts) == ["PART-14a"]
    assert pp_rules(patch(facts, participation__specific_group_heard=True)) == []


# -- expert review ----------------------------------------------------------------------------


def review_done() -> DecisionFacts:
    return facts_before("complete", S.EXPERT_REVIEW)


def er_rules(facts: DecisionFacts) -> list[str]:
    return rules(tr.completion_blocking_reasons(facts, S.EXPERT_REVIEW))


def with_experts(facts: DecisionFacts, *experts, **kw) -> DecisionFacts:
    return patch(facts, expert_review__experts=tuple(experts), **kw)


def panel(n: int):
    return [expert(f"专家{i}") for i in range(n)]


def test_expert_review_needs_experts():
    # PROC-21a
    assert er_rules(review_done()) == []
    assert er_rules(with_experts(review_done())) == ["PROC-21a"]


def test_expert_count_must_be_odd_even_with_a_reason():
    # EXP-13b: odd is strict (A4)
    assert er_rules(with_experts(review_done(), *panel(3))) == []
    assert er_rules(with_experts(review_done(), *panel(4))) == ["EXP-13b"]
    four = with_experts(review_done(), *panel(4), expert_review__count_override_reason="人手不足")
    assert er_rules(four) == ["EXP-13b"]


def test_fewer_than_three_experts_need_a_recorded_reason():
    # EXP-13b: generally >= 3 (A4 override)
    one = with_experts(review_done(), *panel(1))
    assert er_rules(one) == ["EXP-13b"]
    assert er_rules(patch(one, expert_review__count_override_reason="仅一名领域专家")) == []


def test_complex_item_needs_seven_experts_and_five_are_refused():
    # EXP-13c
    five = with_experts(
        review_done(),
        *panel(5),
        expert_review__complex=True,
        expert_review__complexity_reason="涉及面广",
    )
    assert er_rules(five) == ["EXP-13c"]
    assert er_rules(with_experts(five, *panel(7))) == []
    assert er_rules(with_experts(five, *panel(8))) == ["EXP-13b"]
    assert er_rules(patch(five, expert_review__count_override_reason="专家库该组仅5人")) == []
    no_reason = with_experts(five, *panel(7), expert_review__complexity_reason="")
    assert er_rules(no_reason) == ["EXP-13c"]


def test_entrusted_institution_review_has_no_panel_count():
    # EXP-13b does not apply to an entrusted review by an institution (from outside the pool,
    # with its reason, A22)
    inst = expert(
        "某研究院",
        is_institution=True,
        from_pool=False,
        certificate_on=None,
        external_reason="受托开展论证的专业机构",
    )
    facts = with_experts(
        review_done(), inst, expert_review__method=ExpertReviewMethod.ENTRUSTED_REVIEW
    )
    assert er_rules(facts) == []


def test_interested_expert_is_refused_and_a_missing_declaration_too():
    # PROC-22a / EXP-10b
    others = panel(2)
    assert er_rules(with_experts(review_done(), expert(conflict_declared=True), *others)) == [
        "PROC-22a"
    ]
    assert er_rules(with_experts(review_done(), expert(conflict_declared=None), *others)) == [
        "EXP-10b"
    ]
    assert rules(gates.expert_selection_violations(expert(conflict_declared=False))) == []


def test_expert_without_confidentiality_pledge_cannot_be_assigned():
    # EXP-10a
    assert rules(gates.expert_selection_violations(expert(pledge_signed=False))) == ["EXP-10a"]
    assert gates.expert_selection_violations(expert(pledge_signed=True)) == []


def test_expert_is_selectable_only_after_the_certificate():
    # EXP-8b
    assert rules(gates.expert_selection_violations(expert(certificate_on=None))) == ["EXP-8b"]
    assert gates.expert_selection_violations(expert(certificate_on=date(2025, 1, 1))) == []


def test_expert_appointment_steps_happen_in_order():
    # EXP-8b
    d1, d2, d3 = date(2025, 1, 5), date(2025, 2, 5), date(2025, 3, 5)
    assert gates.expert_appointment_violations(d1, d2, d3) == []
    assert gates.expert_appointment_violations(d1, None, None) == []
    assert rules(gates.expert_appointment_violations(d1, None, d3)) == ["EXP-8b"]
    assert rules(gates.expert_appointment_violations(d2, d1, d3)) == ["EXP-8b"]


def test_expired_term_blocks_selection_until_renewed():
    # EXP-11a: certificate 2023-03-16 -> term ends 2026-03-16
    old = expert(certificate_on=date(2023, 3, 16))
    assert gates.expert_selection_violations(old, date(2026, 3, 15)) == []
    assert rules(gates.expert_selection_violations(old, date(2026, 3, 16))) == ["EXP-11a"]
    renewed = replace(old, term_start=date(2026, 3, 10))
    assert gates.expert_selection_violations(renewed, date(2026, 3, 16)) == []


def test_renewal_needs_assessment_need_and_qualification():
    # EXP-11b
    ok = {"assessment_passed": True, "work_need": True, "still_qualified": True}
    assert gates.expert_renewal_violations(**ok) == []
    for key in ok:
        assert rules(gates.expert_renewal_violations(**{**ok, key: False})) == ["EXP-11b"]


def test_expert_outside_the_pool_needs_a_reason():
    # EXP-13a / A22
    outside = expert(from_pool=False, certificate_on=None)
    assert rules(gates.expert_selection_violations(outside)) == ["EXP-13a"]
    assert gates.expert_selection_violations(replace(outside, external_reason="外省专家")) == []


def test_disqualified_expert_cannot_be_selected():
    # PROC-49a
    assert rules(gates.expert_selection_violations(expert(disqualified=True))) == ["PROC-49a"]


def test_experts_must_receive_materials_before_the_review():
    # EXP-14c
    others = panel(2)
    missing = expert(materials_delivered_on=None)
    assert er_rules(with_experts(review_done(), missing, *others)) == ["EXP-14c"]
    after = expert(materials_delivered_on=date(2026, 3, 17))
    assert er_rules(with_experts(review_done(), after, *others)) == ["EXP-14c"]
    on_day = expert(materials_delivered_on=date(2026, 3, 16))
    assert er_rules(with_experts(review_done(), on_day, *others)) == []


def test_late_expert_materials_only_warn():
    # EXP-14c / A19: review Mon 16 March; delivery after Wed 11 March warns
    early = with_experts(review_done(), expert(materials_delivered_on=date(2026, 3, 11)))
    assert gates.expert_materials_lead_warnings(early) == []
    late = with_experts(review_done(), expert(materials_delivered_on=date(2026, 3, 12)))
    assert rules(gates.expert_materials_lead_warnings(late)) == ["EXP-14c"]
    assert rules(gates.decision_warnings(late)) == ["EXP-14c"]


def test_oral_opinion_needs_a_written_follow_up():
    # EXP-15a
    oral = expert(opinion_form=OpinionForm.ORAL)
    assert er_rules(with_experts(review_done(), oral, *panel(2))) == ["EXP-15a"]
    done = replace(oral, written_followup=True)
    assert er_rules(with_experts(review_done(), done, *panel(2))) == []


def test_unsigned_opinion_blocks_expert_review():
    # PROC-23a
    assert er_rules(with_experts(review_done(), expert(signed=False), *panel(2))) == ["PROC-23a"]


def test_expert_groups_under_five_members_warn():
    # EXP-5b
    assert gates.expert_pool_warnings({"economic_development": 5}) == []
    found = gates.expert_pool_warnings({"economic_development": 5, "law_based_administration": 4})
    assert rules(found) == ["EXP-5b"]
    assert found[0].params["group"] == "law_based_administration"


# -- waivers (A8) -------------------------------------------------------------------------------


def test_expert_review_of_a_professional_item_cannot_be_waived():
    # EXP-2a
    facts = compliant()
    assert gates.waiver_violations(facts, S.EXPERT_REVIEW, "理由") == []
    technical = patch(facts, expert_review__professional_technical=True)
    assert rules(gates.waiver_violations(technical, S.EXPERT_REVIEW, "理由")) == ["EXP-2a"]


def test_required_social_stability_assessment_cannot_be_waived():
    # RISK-5a / A8
    facts = compliant()
    assert rules(gates.waiver_violations(facts, S.RISK_ASSESSMENT, "理由")) == ["RISK-5a"]
    not_required = patch(
        facts,
        risk__social_stability_required=False,
        risk__social_stability_not_required_reason="不涉及群众切身利益",
    )
    assert gates.waiver_violations(not_required, S.RISK_ASSESSMENT, "已有评估") == []


@pytest.mark.parametrize(
    ("step", "rule"),
    [(S.LEGALITY_REVIEW, "PROC-28b"), (S.COLLECTIVE_DECISION, "A8"), (S.PUBLICATION, "A8")],
)
def test_legality_review_and_collective_decision_can_never_be_waived(step, rule):
    # A8
    with pytest.raises(RuleViolation) as exc:
        tr.check_waiver(compliant(), step, "理由充分")
    assert exc.value.rule == rule


def test_waiver_needs_a_written_explanation():
    # PROC-28a / PROC-29a(4): an expert review that EXP-2a does not require
    not_technical = patch(compliant(), expert_review__professional_technical=False)
    with pytest.raises(RuleViolation) as exc:
        tr.check_waiver(not_technical, S.EXPERT_REVIEW, "")
    assert exc.value.rule == "PROC-29a"  # issue 11: PROC-29a(4), the explanation
    tr.check_waiver(not_technical, S.EXPERT_REVIEW, "事项不涉及专业性、技术性问题")


def test_public_participation_is_never_waived_only_a_confirmed_non_disclosure_exempts_it():
    # PART-2a / A8 (corrected 2026-12-06): not even with an explanation
    with pytest.raises(RuleViolation) as exc:
        tr.check_waiver(compliant(), S.PUBLIC_PARTICIPATION, "已通过其他程序充分听取意见")
    assert exc.value.rule == "PART-2a"
    ready = facts_before("start", S.INTERNAL_LEGAL_REVIEW)
    waived = patch(
        ready,
        steps={**ready.steps, S.PUBLIC_PARTICIPATION: StepStatus.WAIVED_WITH_EXPLANATION},
        waivers={S.PUBLIC_PARTICIPATION: "已通过其他程序充分听取意见"},
    )
    # a waiver recorded before the correction does not open the gate either
    assert "PART-2a" in blocked(waived, S.INTERNAL_LEGAL_REVIEW)
    # the other side: a (confirmed) non-disclosable item is exempt (PROC-16a)
    exempt = patch(
        ready,
        steps={**ready.steps, S.PUBLIC_PARTICIPATION: StepStatus.NOT_APPLICABLE},
        non_disclosable=True,
    )
    assert "PART-2a" not in blocked(exempt, S.INTERNAL_LEGAL_REVIEW)
    assert blocked(exempt, S.INTERNAL_LEGAL_REVIEW) == []


# -- risk assessment ----------------------------------------------------------------------------


def risk_done() -> DecisionFacts:
    return facts_before("complete", S.RISK_ASSESSMENT)


def ra_rules(facts: DecisionFacts) -> list[str]:
    return rules(tr.completion_blocking_reasons(facts, S.RISK_ASSESSMENT))


def test_risk_assessment_needs_a_report():
    # PROC-25a
    assert ra_rules(risk_done()) == []
    assert ra_rules(patch(risk_done(), risk__report_done=False)) == ["PROC-25a"]


def test_risk_assessment_needs_stakeholders_and_departments():
    # RISK-7a
    assert ra_rules(patch(risk_done(), risk__stakeholder_participants=0)) == ["RISK-7a"]
    assert ra_rules(patch(risk_done(), risk__department_participants=0)) == ["RISK-7a"]
    one_each = patch(risk_done(), risk__stakeholder_participants=1, risk__department_participants=1)
    assert ra_rules(one_each) == []


def test_high_risk_cannot_be_recommended_for_direct_decision():
    # RISK-11a
    high = patch(risk_done(), risk__level=RiskLevel.HIGH)
    assert ra_rules(high) == ["RISK-11a"]
    for rec in (
        RiskRecommendation.ADJUST_DRAFT,
        RiskRecommendation.DECIDE_AFTER_LOWERING_RISK,
        RiskRecommendation.DO_NOT_SUBMIT,
    ):
        assert ra_rules(patch(high, risk__recommendation=rec)) == []


def test_medium_risk_needs_mitigation_and_controllability_before_recommending():
    # RISK-11b
    medium = patch(risk_done(), risk__level=RiskLevel.MEDIUM)
    assert ra_rules(medium) == ["RISK-11b"]
    assert ra_rules(patch(medium, risk__mitigation_measures="设立专班")) == ["RISK-11b"]
    ok = patch(medium, risk__mitigation_measures="设立专班", risk__unit_controllable=True)
    assert ra_rules(ok) == []


def test_low_risk_may_be_recommended_directly():
    # RISK-11c: no mitigation needed for low; the same facts at medium are refused
    low = patch(risk_done(), risk__level=RiskLevel.LOW, risk__mitigation_measures="")
    assert ra_rules(low) == []
    assert ra_rules(patch(low, risk__level=RiskLevel.MEDIUM)) == ["RISK-11b"]


def test_risk_report_needs_level_and_recommendation():
    # RISK-12a
    assert ra_rules(patch(risk_done(), risk__level=None)) == ["RISK-12a"]


def test_risk_report_goes_to_the_government_only_after_plac_filing():
    # RISK-12b
    unfiled = patch(risk_done(), risk__plac_filed_on=None)
    assert ra_rules(unfiled) == ["RISK-12b"]
    legality = patch(facts_before("start", S.LEGALITY_REVIEW), risk__plac_filed_on=None)
    assert "RISK-12b" in blocked(legality, S.LEGALITY_REVIEW)
    assert blocked(facts_before("start", S.LEGALITY_REVIEW), S.LEGALITY_REVIEW) == []


def test_required_social_stability_assessment_blocks_legality_review_and_meeting():
    # RISK-5a
    for target in (S.LEGALITY_REVIEW, S.COLLECTIVE_DECISION):
        facts = facts_before("start", target)
        assert blocked(facts, target) == []
        missing = patch(facts, risk__social_stability_done=False)
        assert "RISK-5a" in blocked(missing, target)
        not_required = patch(missing, risk__social_stability_required=False)
        assert "RISK-5a" in blocked(not_required, target)  # needs a reason (A17)
        reasoned = patch(not_required, risk__social_stability_not_required_reason="不涉及")
        assert blocked(reasoned, target) == []


# -- legality review -------------------------------------------------------------------------


def test_legality_review_needs_unit_review_and_discussion_passed():
    # PROC-28a
    facts = facts_before("start", S.LEGALITY_REVIEW)
    assert gates.legality_submission_violations(facts) == []
    failed = replace(facts, internal_legal_review_passed=False)
    assert rules(gates.legality_submission_violations(failed)) == ["PROC-28a"]
    failed = replace(facts, internal_collective_discussion_passed=False)
    assert blocked(failed, S.LEGALITY_REVIEW) == ["PROC-28a"]


def test_legality_review_needs_the_six_mandatory_materials():
    # PROC-29a
    facts = facts_before("start", S.LEGALITY_REVIEW)
    less = facts.legality.materials - {LegalityMaterial.UNIT_LEGAL_OFFICE_OPINION}
    assert blocked(patch(facts, legality__materials=less), S.LEGALITY_REVIEW) == ["PROC-29a"]


def test_hearing_report_and_fair_competition_statement_are_conditional_materials():
    # PROC-29b
    facts = facts_before("start", S.LEGALITY_REVIEW)
    no_report = patch(facts, legality__materials=frozenset(REQUIRED_LEGALITY_MATERIALS))
    assert blocked(no_report, S.LEGALITY_REVIEW) == ["PROC-29b"]
    no_hearing = patch(no_report, participation__hearings=())
    assert blocked(no_hearing, S.LEGALITY_REVIEW) == []
    fcr = replace(no_hearing, fair_competition_review_done=True)
    assert blocked(fcr, S.LEGALITY_REVIEW) == ["PROC-29b"]
    with_statement = patch(
        fcr,
        legality__materials=frozenset(REQUIRED_LEGALITY_MATERIALS)
        | {LegalityMaterial.FAIR_COMPETITION_STATEMENT},
    )
    assert blocked(with_statement, S.LEGALITY_REVIEW) == []


def meeting_ready() -> DecisionFacts:
    return facts_before("start", S.COLLECTIVE_DECISION)


def test_meeting_needs_an_issued_legality_opinion():
    # PROC-28b / PROC-28d
    assert blocked(meeting_ready(), S.COLLECTIVE_DECISION) == []
    none = patch(meeting_ready(), legality__opinion_issued_on=None)
    assert blocked(none, S.COLLECTIVE_DECISION) == ["PROC-28b"]


def test_countersignature_does_not_replace_the_legality_review():
    # PROC-28c
    for kind in (LegalityOpinionKind.COUNTERSIGNATURE, LegalityOpinionKind.COMMENT):
        facts = patch(meeting_ready(), legality__opinion_kind=kind)
        assert blocked(facts, S.COLLECTIVE_DECISION) == ["PROC-28c"]


def test_unlawful_draft_is_not_submitted():
    # PROC-28d
    unlawful = patch(meeting_ready(), legality__outcome=LegalityOutcome.UNLAWFUL)
    assert blocked(unlawful, S.COLLECTIVE_DECISION) == ["PROC-28d"]
    modified = patch(meeting_ready(), legality__outcome=LegalityOutcome.LAWFUL_WITH_MODIFICATIONS)
    assert blocked(modified, S.COLLECTIVE_DECISION) == []


def test_exploratory_reform_may_proceed_with_a_legal_risk_statement():
    # PROC-28e
    reform = replace(
        patch(meeting_ready(), legality__outcome=LegalityOutcome.UNLAWFUL),
        is_exploratory_reform=True,
    )
    assert blocked(reform, S.COLLECTIVE_DECISION) == ["PROC-28e"]
    stated = patch(reform, legality__legal_risk_statement="国家尚无明确规定，存在被撤销风险")
    assert blocked(stated, S.COLLECTIVE_DECISION) == ["PROC-28e"]  # not in the materials
    materials = stated.meeting.materials | {MeetingMaterial.LEGAL_RISK_STATEMENT}
    assert blocked(patch(stated, meeting__materials=materials), S.COLLECTIVE_DECISION) == []
    disclosed = patch(
        meeting_ready(), legality__outcome=LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED
    )
    assert blocked(disclosed, S.COLLECTIVE_DECISION) == ["PROC-28e"]


def test_legality_opinion_needs_a_legal_adviser_opinion():
    # PROC-30a / A15
    facts = patch(facts_before("start", S.COLLECTIVE_DECISION), legality__legal_adviser_opinions=())
    assert rules(tr.completion_blocking_reasons(facts, S.LEGALITY_REVIEW)) == ["PROC-30a"]


def test_open_supplement_blocks_issuing_the_opinion_and_the_meeting():
    # PROC-29c
    facts = meeting_ready()
    pauses = (gates.deadlines.Pause(date(2026, 4, 14)),)
    open_pause = patch(facts, legality__pauses=pauses)
    assert rules(tr.completion_blocking_reasons(open_pause, S.LEGALITY_REVIEW)) == ["PROC-29c"]
    assert blocked(open_pause, S.COLLECTIVE_DECISION) == ["PROC-29c"]


def test_meeting_six_working_days_after_submission_is_refused_and_seven_pass():
    # PROC-31a: submitted Mon 13 April 2026 -> earliest meeting Wed 22 April
    facts = meeting_ready()
    assert blocked(patch(facts, meeting__meeting_on=date(2026, 4, 22)), S.COLLECTIVE_DECISION) == []
    early = patch(facts, meeting__meeting_on=date(2026, 4, 21))
    assert blocked(early, S.COLLECTIVE_DECISION) == ["PROC-31a"]
    overridden = patch(early, legality__meeting_override_reason="上级限期")
    assert blocked(overridden, S.COLLECTIVE_DECISION) == []


def test_supplement_pause_pushes_the_meeting_back():
    # PROC-29c / PROC-31a: requested 15 Apr, received 17 Apr -> 16, 17 Apr not counted
    pause = gates.deadlines.Pause(date(2026, 4, 15), date(2026, 4, 17))
    facts = patch(meeting_ready(), legality__pauses=(pause,), meeting__meeting_on=date(2026, 4, 22))
    assert blocked(facts, S.COLLECTIVE_DECISION) == ["PROC-31a"]
    assert blocked(patch(facts, meeting__meeting_on=date(2026, 4, 24)), S.COLLECTIVE_DECISION) == []


def test_unadopted_legality_points_need_a_written_reason():
    # PROC-33b
    facts = meeting_ready()
    pending = patch(facts, legality__points=(OpinionPoint(),))
    assert blocked(pending, S.COLLECTIVE_DECISION) == ["PROC-33b"]
    refused = patch(facts, legality__points=(OpinionPoint(AdoptionStatus.NOT_ADOPTED),))
    assert blocked(refused, S.COLLECTIVE_DECISION) == ["PROC-33b"]
    explained = OpinionPoint(AdoptionStatus.NOT_ADOPTED, "上位法已修订")
    assert blocked(patch(facts, legality__points=(explained,)), S.COLLECTIVE_DECISION) == []


# -- collective decision -------------------------------------------------------------------------


def test_meeting_needs_the_article_34_materials():
    # PROC-34a
    facts = meeting_ready()
    less = facts.meeting.materials - {MeetingMaterial.LEGALITY_REVIEW_OPINION}
    assert blocked(patch(facts, meeting__materials=less), S.COLLECTIVE_DECISION) == ["PROC-34a"]


def test_market_entity_draft_needs_the_fair_competition_statement():
    # PROC-34b
    market = replace(meeting_ready(), affects_market_entities=True)
    assert blocked(market, S.COLLECTIVE_DECISION) == ["PROC-34b"]
    materials = market.meeting.materials | {MeetingMaterial.FAIR_COMPETITION_STATEMENT}
    assert blocked(patch(market, meeting__materials=materials), S.COLLECTIVE_DECISION) == []


def test_high_risk_blocks_the_meeting_and_medium_does_not():
    # RISK-11a / PROC-27b (guard 4)
    high = patch(meeting_ready(), risk__level=RiskLevel.HIGH)
    assert blocked(high, S.COLLECTIVE_DECISION) == ["RISK-11a"]
    medium = patch(meeting_ready(), risk__level=RiskLevel.MEDIUM)
    assert blocked(medium, S.COLLECTIVE_DECISION) == []


def test_high_risk_may_be_decided_after_a_recorded_adjustment():
    # RISK-11a / PROC-27b, guard 4 corrected 2026-12-06: re-assessed below high *or* adjusted
    high = patch(
        meeting_ready(),
        risk__level=RiskLevel.HIGH,
        risk__recommendation=RiskRecommendation.ADJUST_DRAFT,
        risk__mitigation_measures="",
    )
    assert blocked(high, S.COLLECTIVE_DECISION) == ["RISK-11a"]  # adjustment not recorded
    adjusted = patch(high, risk__mitigation_measures="调整实施范围，分两年逐步推开")
    assert blocked(adjusted, S.COLLECTIVE_DECISION) == []
    # merely lowering "later" is not an adjustment
    later = patch(adjusted, risk__recommendation=RiskRecommendation.DECIDE_AFTER_LOWERING_RISK)
    assert blocked(later, S.COLLECTIVE_DECISION) == ["RISK-11a"]
    # the decision organ still has to judge the risk controllable before approving (PROC-27b)
    decided_high = patch(decided(), risk__level=RiskLevel.HIGH, meeting__risk_controllable=None)
    assert "PROC-27b" in cd_rules(decided_high)


def decided() -> DecisionFacts:
    return facts_before("start", S.PARTY_COMMITTEE_REPORT)


def cd_rules(facts: DecisionFacts) -> list[str]:
    return rules(gates.collective_decision_completion_violations(facts))


def test_approval_needs_the_risk_judged_controllable():
    # PROC-27b
    assert cd_rules(decided()) == []
    unsure = patch(decided(), meeting__risk_controllable=None)
    assert cd_rules(unsure) == ["PROC-27b"]
    assert cd_rules(patch(unsure, meeting__risk_controllable=False)) == ["PROC-27b"]
    assert cd_rules(patch(unsure, meeting__outcome=MeetingOutcome.REJECTED)) == []
    assert blocked(unsure, S.PARTY_COMMITTEE_REPORT) == ["PROC-27b"]


def test_meeting_record_needs_type_outcome_and_minutes_with_dissent():
    # PROC-35a / PROC-35c / PROC-35d
    facts = patch(
        decided(),
        meeting__meeting_type=None,
        meeting__outcome=None,
        meeting__dissent_recorded=False,
    )
    assert cd_rules(facts) == ["PROC-35a", "PROC-35c", "PROC-35d"]


@pytest.mark.parametrize(
    "outcome", [MeetingOutcome.REVISE_AND_RESUBMIT, MeetingOutcome.REJECTED], ids=str
)
def test_only_an_approval_leads_to_the_party_report_and_publication(outcome):
    # PROC-35c
    facts = patch(decided(), meeting__outcome=outcome)
    assert blocked(facts, S.PARTY_COMMITTEE_REPORT) == ["PROC-35c"]
    pub = patch(facts_before("start", S.PUBLICATION), meeting__outcome=outcome)
    assert blocked(pub, S.PUBLICATION) == ["PROC-35c"]


def test_in_principle_approval_needs_the_revisions_recorded_before_publication():
    # PROC-35c / A11
    facts = patch(
        facts_before("start", S.PUBLICATION), meeting__outcome=MeetingOutcome.APPROVED_IN_PRINCIPLE
    )
    assert blocked(facts, S.PUBLICATION) == ["PROC-35c"]
    assert blocked(patch(facts, meeting__revisions_recorded=True), S.PUBLICATION) == []


def test_publication_waits_for_the_party_committee_report():
    # PROC-36a
    facts = facts_before("start", S.PUBLICATION)
    assert blocked(facts, S.PUBLICATION) == []
    for report in (
        PartyReportFacts(),
        PartyReportFacts(PartyReportKind.REQUEST, date(2026, 4, 30), ""),
        PartyReportFacts(None, date(2026, 4, 30), "ref"),
    ):
        assert blocked(replace(facts, party_report=report), S.PUBLICATION) == ["PROC-36a"]


def test_related_party_representatives_under_three_warn_unless_reasoned():
    # PART-17c / A35: a warning, not a block
    facts = patch(
        meeting_ready(), meeting__related_party_attendance=True, meeting__related_party_reps=2
    )
    assert rules(gates.decision_warnings(facts)) == ["PART-17c"]
    assert blocked(facts, S.COLLECTIVE_DECISION) == []
    assert gates.decision_warnings(patch(facts, meeting__related_party_reps=3)) == []
    reasoned = patch(facts, meeting__related_party_override_reason="仅两个相关方")
    assert gates.decision_warnings(reasoned) == []
    assert gates.decision_warnings(meeting_ready()) == []


def test_item_outside_the_catalog_warns():
    # A25 / CAT-16a
    assert rules(gates.decision_warnings(replace(compliant(), in_catalog=False))) == ["CAT-16a"]


# -- publication, filing, execution, afterwards --------------------------------------------


def published() -> DecisionFacts:
    return facts_before("start", S.FILING)


def test_publication_needs_a_public_channel_unless_non_disclosable():
    # PROC-37a / PROC-37c
    no_channel = patch(published(), publication__channels=())
    # issue 11: the channels are PROC-37a's; PROC-37c is the non-disclosure exemption
    assert rules(gates.publication_completion_violations(no_channel)) == ["PROC-37a"]
    assert blocked(no_channel, S.FILING) == ["PROC-37a"]
    secret = replace(no_channel, non_disclosable=True)
    assert gates.publication_completion_violations(secret) == []
    undated = patch(secret, publication__published_on=None)
    assert rules(gates.publication_completion_violations(undated)) == ["PROC-37a"]


def test_high_concern_decision_publishes_the_adoption_report():
    # PROC-37b / PART-19c
    facts = patch(published(), publication__high_public_concern_or_technical=True)
    assert rules(gates.publication_completion_violations(facts)) == ["PROC-37b"]
    assert (
        gates.publication_completion_violations(
            patch(facts, publication__adoption_report_published=True)
        )
        == []
    )


def test_filing_needs_the_date_and_platform_reference():
    # PROC-38a / A41
    facts = facts_before("complete", S.FILING)
    assert tr.completion_blocking_reasons(facts, S.FILING) == []
    unref = patch(facts, publication__filing_platform_ref="")
    assert rules(tr.completion_blocking_reasons(unref, S.FILING)) == ["PROC-38a"]


def test_execution_needs_designated_execution_units():
    # PROC-40a
    facts = facts_before("start", S.EXECUTION)
    assert blocked(facts, S.EXECUTION) == []
    assert blocked(patch(facts, execution__execution_units=()), S.EXECUTION) == ["PROC-40a"]


def executing() -> DecisionFacts:
    return facts_before("complete", S.FILING)


def test_post_evaluation_needs_a_trigger_and_an_evaluation_unit():
    # PROC-43a / PROC-43b
    assert blocked(executing(), S.POST_EVALUATION) == []
    assert blocked(patch(executing(), post_evaluation__triggers=()), S.POST_EVALUATION) == [
        "PROC-43a"
    ]
    assert blocked(patch(executing(), post_evaluation__evaluation_unit=""), S.POST_EVALUATION) == [
        "PROC-43b"
    ]


def test_pre_decision_assessor_cannot_evaluate_the_decision():
    # PROC-43c / EVAL-7b
    excluded = patch(executing(), post_evaluation__excluded_units=frozenset({"市社科院"}))
    assert blocked(excluded, S.POST_EVALUATION) == ["PROC-43c"]
    other = patch(excluded, post_evaluation__evaluation_unit="内蒙古大学")
    assert blocked(other, S.POST_EVALUATION) == []


def test_changes_to_a_decision_need_the_statutory_procedure():
    # PROC-45a / PROC-45c / EVAL-14b
    assert rules(gates.change_violations(None)) == ["PROC-45a"]
    adjust = ChangeFacts(ChangeKind.ADJUSTMENT)
    assert rules(gates.change_violations(adjust)) == ["PROC-45a"]
    assert gates.change_violations(replace(adjust, collective_decision_ref="第3次常务会议")) == []
    major = ChangeFacts(ChangeKind.MAJOR_ADJUSTMENT, collective_decision_ref="第3次常务会议")
    assert rules(gates.change_violations(major)) == ["PROC-45c"]
    assert gates.change_violations(replace(major, new_procedure_id=42)) == []


# -- catalog (PROC-4b, CAT) -----------------------------------------------------------------


def catalog(**kw) -> CatalogFacts:
    base = CatalogFacts(
        year=2026,
        entries=(
            CatalogEntryFacts(
                "城区停车收费调整", undertaking_unit="市发改委", dept_legality_review_passed=True
            ),
        ),
        solicited_on=date(2025, 12, 1),
        deputy_head_reviewed_on=date(2026, 2, 20),
        executive_meeting_on=date(2026, 3, 5),
        party_consent_on=date(2026, 3, 15),
        party_consent_ref="赤党办字〔2026〕3号",
    )
    return replace(base, **kw)


def cat_rules(c: CatalogFacts) -> list[str]:
    return rules(gates.catalog_publication_violations(c))


def test_catalog_publication_needs_party_committee_consent():
    # PROC-4b / CAT-13c
    assert cat_rules(catalog()) == []
    assert cat_rules(catalog(party_consent_on=None)) == ["PROC-4b"]
    assert cat_rules(catalog(party_consent_ref="")) == ["PROC-4b"]
    assert cat_rules(catalog(party_consent_on=date(2026, 3, 1))) == ["CAT-13c"]


def test_catalog_needs_solicitation_deputy_review_and_executive_meeting():
    # CAT-7a / CAT-12a / CAT-13a
    assert cat_rules(catalog(solicited_on=None)) == ["CAT-7a"]
    assert cat_rules(catalog(deputy_head_reviewed_on=None)) == ["CAT-12a"]
    assert cat_rules(catalog(executive_meeting_on=None)) == ["CAT-13a"]
    assert cat_rules(catalog(executive_meeting_on=date(2026, 2, 10))) == ["CAT-13a"]


def test_department_entries_need_their_own_legality_review():
    # CAT-8c / CAT-14a / PROC-3b
    entry = CatalogEntryFacts("新项目", undertaking_unit="市住建局")
    assert cat_rules(catalog(entries=(entry,))) == ["CAT-8c"]
    direct = replace(entry, from_department=False)
    assert cat_rules(catalog(entries=(direct,))) == []
    assert cat_rules(catalog(entries=(replace(direct, undertaking_unit=""),))) == ["CAT-14a"]
    excluded = replace(direct, scope_exclusion=ScopeExclusion.MACRO_CONTROL)
    assert cat_rules(catalog(entries=(excluded,))) == ["PROC-3b"]


def test_catalog_adjustment_needs_study_and_government_approval():
    # CAT-16a
    ok = CatalogAdjustmentFacts(
        CatalogAdjustmentType.ADD,
        reason="新增重大项目",
        study_done=True,
        approved_on=date(2026, 6, 1),
        approval_ref="第12次常务会议",
    )
    assert gates.catalog_adjustment_violations(ok) == []
    for change in ({"reason": ""}, {"study_done": False}, {"approved_on": None}):
        assert rules(gates.catalog_adjustment_violations(replace(ok, **change))) == ["CAT-16a"]


def test_catalog_entry_closes_only_through_its_procedure_or_removal():
    # CAT-2a
    entry = CatalogEntryFacts("事项", undertaking_unit="市发改委")
    assert rules(gates.catalog_entry_close_violations(entry)) == ["CAT-2a"]
    assert gates.catalog_entry_close_violations(replace(entry, procedure_id=7)) == []
    assert gates.catalog_entry_close_violations(replace(entry, removed_by_adjustment=True)) == []


def test_dedupe_drops_repeated_violations():
    v = RuleViolation("PROC-36a", "x", field="f")
    assert gates.dedupe([v, RuleViolation("PROC-36a", "x", field="f")]) == [v]
    assert isinstance(tr.blocking_reasons(compliant(), S.INITIATION), list)


def test_raise_first_raises_only_when_blocked():
    gates.raise_first([])
    with pytest.raises(RuleViolation):
        gates.raise_first([RuleViolation("PROC-36a", "x")])


def test_steps_without_completion_gates_complete_freely():
    assert gates.step_completion_violations(compliant(), S.SUPERVISION) == []
    assert gates.step_completion_violations(compliant(), S.CATALOG_LISTING) == []
    assert StepStatus.WAIVED_WITH_EXPLANATION.value == "waived_with_explanation"
