"""EVAL-6a / A26 (issue 11): a triggered post-evaluation keeps the decision from being closed
until it is carried out (its unit designated, the government's decision on its report), or the
decision organ recorded "trigger not confirmed" with a reason."""

from __future__ import annotations

from dataclasses import replace

from portal.rules import gates
from portal.rules import transitions as tr
from portal.rules.enums import PostEvalTrigger
from portal.rules.facts import PostEvaluationFacts
from portal.rules.stages import Stage

from .builders import HAPPY_PATH, compliant, patch, walk

TRIGGER = (PostEvalTrigger.EXPECTED_EFFECT_NOT_ACHIEVED,)


def closable():
    facts = walk(compliant(), HAPPY_PATH)
    return patch(facts, execution__completed=True)


def with_evaluation(**kw):
    return replace(closable(), post_evaluation=PostEvaluationFacts(triggers=TRIGGER, **kw))


def rules(facts) -> list[str]:
    return [v.rule for v in tr.blocking_reasons(facts, Stage.CLOSED)]


def test_a_closable_item_without_any_trigger_closes():
    assert rules(closable()) == []
    assert Stage.CLOSED in tr.allowed_transitions(closable())


def test_a_triggered_evaluation_without_its_unit_blocks_closing():
    facts = with_evaluation(evaluation_pending=True)
    assert rules(facts) == ["EVAL-6a"]
    [v] = gates.closing_violations(facts)
    assert v.field == "post_evaluation" and "unit" in v.message


def test_a_triggered_evaluation_with_its_unit_but_no_decision_still_blocks_closing():
    facts = with_evaluation(evaluation_pending=True, evaluation_unit="内蒙古大学公共管理学院")
    assert rules(facts) == ["EVAL-6a"]
    assert "not carried out" in gates.closing_violations(facts)[0].message


def test_an_evaluation_carried_out_or_a_trigger_not_confirmed_lets_the_item_close():
    done = with_evaluation(evaluation_pending=False, evaluation_unit="内蒙古大学公共管理学院")
    assert rules(done) == []
    declined = with_evaluation(evaluation_pending=True, trigger_not_confirmed=True)
    assert rules(declined) == []
    assert tr.apply_transition(declined, Stage.CLOSED).exit is Stage.CLOSED
