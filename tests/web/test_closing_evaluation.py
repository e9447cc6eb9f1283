"""EVAL-6a / A26 (issue 11): the office closes a decision from the workspace; a triggered
post-evaluation with no unit, or not carried out, refuses it until the evaluation is done or the
trigger is recorded as not confirmed, with its reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Decision, User
from portal.models.evaluation import Evaluation, TriggerReview
from portal.rules import transitions
from portal.rules.enums import PostEvalTrigger
from portal.rules.stages import Stage
from portal.services import evaluation, procedure
from tests.conftest import NOW, login, text_of

PARKING = "赤峰市城区停车设施建设和管理办法"


def _decision() -> Decision:
    db.session.expire_all()
    return db.session.scalar(sa.select(Decision).where(Decision.title == PARKING))


@pytest.fixture
def closable(demo) -> Decision:
    """A decision in execution whose filing, execution and archive are all done."""
    d = _decision()
    d.execution_completed_on = date(2026, 11, 20)
    d.archived_at = NOW - timedelta(days=1)
    db.session.commit()
    facts = procedure.build_facts(_decision())
    assert transitions.blocking_reasons(facts, Stage.CLOSED) == []
    return _decision()


def _trigger(decision: Decision) -> Evaluation:
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    ev = evaluation.open_evaluation(
        decision,
        {
            "triggers": [PostEvalTrigger.EXPECTED_EFFECT_NOT_ACHIEVED.value],
            "trigger_note": "停车泊位供给仍然紧张。",
            "evaluation_project": "停车设施管理办法实施效果评估",
            "deadline": date(2027, 3, 31),
        },
        actor=office,
        now=NOW,
    )
    db.session.commit()
    return ev


def close(client, decision: Decision):
    return client.post(
        f"/admin/decisions/{decision.id}/transition", data={"action": "exit", "target": "closed"}
    )


def test_without_a_trigger_the_office_closes_the_decision(client, closable):
    login(client, "office")
    response = close(client, closable)
    assert response.status_code == 302, text_of(response)
    assert _decision().stage == Stage.CLOSED


def test_a_triggered_evaluation_without_its_unit_refuses_closing_until_not_confirmed(
    client, closable
):
    _trigger(closable)
    login(client, "office")
    refused = close(client, closable)
    assert refused.status_code == 422
    text = text_of(refused)
    assert "EVAL-6a" in text
    assert _decision().stage != Stage.CLOSED  # nothing changed

    # the decision organ records "trigger not confirmed" with its reason (A26), from the
    # decision's own evaluation page
    page = text_of(client.get(f"/admin/decisions/{closable.id}/evaluation"))
    assert "记录不确认评估情形" in page and "不确认启动情形的理由" in page
    blank = client.post(f"/admin/decisions/{closable.id}/evaluation/decline", data={"reason": " "})
    assert blank.status_code == 422
    assert close(client, closable).status_code == 422
    declined = client.post(
        f"/admin/decisions/{closable.id}/evaluation/decline",
        data={"reason": "经研究，停车泊位紧张系季节性因素，不构成评估情形。"},
    )
    assert declined.status_code == 302
    assert db.session.scalar(sa.select(TriggerReview.reason)).startswith("经研究")
    response = close(client, closable)
    assert response.status_code == 302, text_of(response)
    assert _decision().stage == Stage.CLOSED


def test_an_evaluation_with_its_unit_but_no_government_decision_still_refuses(client, closable):
    ev = _trigger(closable)
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    evaluation.designate_unit(
        ev, {"evaluation_unit": "赤峰学院经济与管理学院"}, actor=office, now=NOW
    )
    db.session.commit()
    login(client, "office")
    refused = close(client, closable)
    assert refused.status_code == 422 and "EVAL-6a" in text_of(refused)
    assert _decision().stage != Stage.CLOSED
