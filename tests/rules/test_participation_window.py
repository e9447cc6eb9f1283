"""PROC-17b: public participation is not completed while the comment window is still open."""

from __future__ import annotations

from datetime import date

from portal.rules import gates
from portal.rules.enums import ParticipationMethod
from portal.rules.facts import CommentPeriodFacts, DecisionFacts, ParticipationFacts

PERIOD = CommentPeriodFacts(opens_on=date(2026, 11, 17), closes_on=date(2026, 12, 17))


def facts(as_of: date) -> DecisionFacts:
    return DecisionFacts(
        participation=ParticipationFacts(
            methods=(ParticipationMethod.OPEN_COMMENT,), comment_periods=(PERIOD,)
        ),
        as_of=as_of,
    )


def test_proc_17b_completion_refused_on_the_last_day_of_the_window():
    refused = gates.participation_completion_violations(facts(date(2026, 12, 17)))
    assert [(v.rule, v.field) for v in refused] == [("PROC-17b", "comment_period")]
    assert refused[0].params == {"last_day": "2026-12-17"}


def test_proc_17b_completion_allowed_the_day_after_the_window_closes():
    assert gates.participation_completion_violations(facts(date(2026, 12, 18))) == []


def test_without_a_date_the_window_check_does_not_apply():
    assert (
        gates.participation_completion_violations(
            DecisionFacts(participation=facts(date(2026, 12, 1)).participation)
        )
        == []
    )
