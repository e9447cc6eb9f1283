"""The services of the early stage records: initiation (PROC-3b, PROC-11c, PROC-12a), drafting
(PROC-13..15), the unit's own review (PROC-28a) and registering a decision with its flags (A7,
A42). Each write refuses what the rules forbid, leaves nothing behind, and a locked record changes
only as a correction by the role the rules name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.correction import Correction
from portal.models.decision import Decision, DecisionSource
from portal.models.drafting import DraftingMode, UnitConsultation
from portal.models.org import Department, Government
from portal.models.user import User
from portal.rules.enums import InitiateDecision, ReviewResult, ScopeExclusion
from portal.rules.errors import RuleViolation
from portal.rules.stages import Category, Step, StepStatus
from portal.services import decisions as decision_service
from portal.services import drafting, initiation, internal_review, procedure
from tests.conftest import NOW

TODAY = date(2026, 11, 26)


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def dept(slug: str, gov: str = "chifeng") -> Department:
    return db.session.scalar(
        sa.select(Department)
        .join(Government)
        .where(Government.slug == gov, Department.slug == slug)
    )


def register(**flags) -> Decision:
    gov = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    d = decision_service.register_decision(
        gov,
        decision_service.NewDecisionInput(
            title="早期记录测试事项",
            category=Category.PUBLIC_POLICY,
            year=2026,
            undertaking_unit_id=dept("housing").id,
            source=DecisionSource.CATALOG,
            **flags,
        ),
        actor=user("office"),
        now=NOW,
    )
    db.session.commit()
    return d


def complete(d: Decision, step: Step) -> None:
    row = d.step(step)
    if row is None:
        from portal.models.decision import ProcedureStep

        row = ProcedureStep(step=step, started_at=NOW - timedelta(days=9))
        d.steps.append(row)
    row.status, row.completed_at = StepStatus.COMPLETED, NOW
    db.session.commit()


def rules_of(call) -> list[str]:
    with pytest.raises(RuleViolation) as exc:
        call()
    db.session.rollback()
    return [v.rule for v in exc.value.violations]


INITIATED = initiation.InitiationInput(
    source=DecisionSource.CATALOG,
    undertaking_unit_id=None,
    initiate_decision=InitiateDecision.INITIATE,
    initiated_on=date(2026, 11, 2),
    initiation_ref="赤政字〔2026〕88号",
)


# -- registering with flags (A7, A42) --------------------------------------------------------


def test_the_office_registers_an_item_with_its_flags_and_a7_needs_the_basis(demo):
    assert rules_of(lambda: register(non_disclosable=True)) == ["A7"]
    d = register(
        non_disclosable=True, non_disclosable_basis="保密法第九条", is_exploratory_reform=True
    )
    assert d.non_disclosable and d.is_exploratory_reform and not d.high_public_concern
    assert procedure.build_facts(d).is_exploratory_reform  # PROC-28e is switched on


# -- initiation ------------------------------------------------------------------------------


def test_the_initiation_record_takes_units_of_its_own_government_only(demo):
    d = register()
    foreign = initiation.InitiationInput(
        source=DecisionSource.CATALOG, co_unit_ids=(dept("housing", "hongshan").id,)
    )
    with pytest.raises(RuleViolation) as exc:
        initiation.record_initiation(d, foreign, actor=user("office"), now=NOW)
    db.session.rollback()
    assert [v.field for v in exc.value.violations] == ["co_units"]
    assert db.session.get(Decision, d.id).co_units == []


def test_a_future_initiation_date_is_refused_citing_proc_11c(demo):
    d = register()
    future = initiation.InitiationInput(
        source=DecisionSource.CATALOG,
        initiate_decision=InitiateDecision.INITIATE,
        initiated_on=TODAY + timedelta(days=1),
    )
    assert rules_of(
        lambda: initiation.record_initiation(d, future, actor=user("office"), now=NOW)
    ) == ["PROC-11c"]


def test_proc_3b_an_exclusion_waits_for_the_confirmation_to_be_cleared(demo):
    d = register(out_of_scope_confirmed=True)
    excluded = initiation.InitiationInput(
        source=DecisionSource.CATALOG, scope_exclusion=ScopeExclusion.MACRO_CONTROL
    )
    assert rules_of(
        lambda: initiation.record_initiation(d, excluded, actor=user("office"), now=NOW)
    ) == ["PROC-3b"]


def test_a_completed_initiation_is_corrected_only_by_the_office_with_a_reason(demo):
    d = register()
    initiation.record_initiation(d, INITIATED, actor=user("office"), now=NOW)
    db.session.commit()
    complete(d, Step.INITIATION)
    changed = initiation.InitiationInput(**{**INITIATED.__dict__, "initiation_ref": "改"})
    assert rules_of(
        lambda: initiation.record_initiation(d, changed, actor=user("office"), now=NOW)
    ) == ["PROC-39a"]
    assert rules_of(
        lambda: initiation.record_initiation(
            d, changed, actor=user("undertaker"), now=NOW, correction="笔误"
        )
    ) == ["PROC-11c"]
    initiation.record_initiation(d, changed, actor=user("office"), now=NOW, correction="笔误")
    db.session.commit()
    fix = db.session.scalar(sa.select(Correction).where(Correction.decision_id == d.id))
    assert fix.changes == {"initiation_ref": ["赤政字〔2026〕88号", "改"]} and fix.public


# -- drafting --------------------------------------------------------------------------------


def test_drafting_records_lock_with_the_completed_step(demo):
    d = register()
    drafting.save_drafting_record(
        d,
        drafting.DraftingInput(mode=DraftingMode.SELF, research_basis="依据"),
        actor=user("undertaker"),
        now=NOW,
    )
    row = drafting.add_unit_consultation(
        d,
        drafting.UnitConsultationInput("市财政局", TODAY, agreed=True),
        actor=user("undertaker"),
        now=NOW,
    )
    db.session.commit()
    complete(d, Step.DRAFTING_RESEARCH)
    assert rules_of(
        lambda: drafting.add_unit_consultation(
            d, drafting.UnitConsultationInput("市发改委", TODAY), actor=user("undertaker"), now=NOW
        )
    ) == ["PROC-39a"]
    assert rules_of(
        lambda: drafting.delete_unit_consultation(
            row, decision=d, actor=user("undertaker"), now=NOW
        )
    ) == ["PROC-39a"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UnitConsultation)
            .where(UnitConsultation.decision_id == d.id)
        )
        == 1
    )


def test_proc_15a_and_15b_dates_of_consultations_and_disputes(demo):
    d = register()
    assert rules_of(
        lambda: drafting.add_unit_consultation(
            d,
            drafting.UnitConsultationInput("市财政局", TODAY + timedelta(days=1)),
            actor=user("undertaker"),
            now=NOW,
        )
    ) == ["PROC-15a"]
    dispute = drafting.refer_dispute(
        d,
        drafting.DisputeInput("资金", "4:6", "财力", TODAY - timedelta(days=5)),
        actor=user("undertaker"),
        now=NOW,
    )
    db.session.commit()
    assert rules_of(
        lambda: drafting.resolve_dispute(
            dispute,
            drafting.ResolutionInput("5:5", TODAY - timedelta(days=6)),
            decision=d,
            actor=user("undertaker"),
            now=NOW,
        )
    ) == ["PROC-15b"]


# -- the unit's review (PROC-28a) -------------------------------------------------------------


def test_only_a_passed_review_and_discussion_satisfy_proc_28a(demo):
    d = register()
    review = internal_review.InternalLegalReviewInput(TODAY, "合法", ReviewResult.NOT_PASSED)
    internal_review.record_internal_legal_review(d, review, actor=user("undertaker"), now=NOW)
    db.session.commit()
    assert internal_review.passed(d) == (False, False)
    passed = internal_review.InternalLegalReviewInput(TODAY, "合法", ReviewResult.PASSED)
    internal_review.record_internal_legal_review(d, passed, actor=user("undertaker"), now=NOW)
    discussion = internal_review.InternalDiscussionInput(TODAY, "通过", ReviewResult.PASSED)
    internal_review.record_internal_discussion(d, discussion, actor=user("undertaker"), now=NOW)
    db.session.commit()
    facts = procedure.build_facts(d)
    assert facts.internal_legal_review_passed and facts.internal_collective_discussion_passed


def test_a_completed_unit_review_is_corrected_by_the_undertaking_unit_only(demo):
    d = register()
    passed = internal_review.InternalLegalReviewInput(TODAY, "合法", ReviewResult.PASSED)
    internal_review.record_internal_legal_review(d, passed, actor=user("undertaker"), now=NOW)
    db.session.commit()
    complete(d, Step.INTERNAL_LEGAL_REVIEW)
    changed = internal_review.InternalLegalReviewInput(TODAY, "合法，程序完备", ReviewResult.PASSED)
    assert rules_of(
        lambda: internal_review.record_internal_legal_review(
            d, changed, actor=user("undertaker"), now=NOW
        )
    ) == ["PROC-39a"]
    assert rules_of(
        lambda: internal_review.record_internal_legal_review(
            d, changed, actor=user("office"), now=NOW, correction="补充"
        )
    ) == ["PROC-28a"]
    internal_review.record_internal_legal_review(
        d, changed, actor=user("undertaker"), now=NOW, correction="补充"
    )
    db.session.commit()
    assert db.session.get(Decision, d.id).internal_legal_review_opinion == "合法，程序完备"
