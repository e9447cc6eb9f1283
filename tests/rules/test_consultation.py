"""PROC-17b / PROC-16a: when an opinion can be received."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.rules.consultation import (
    check_opinion_window,
    report_publication_violations,
    window_is_open,
)
from portal.rules.errors import RuleViolation

OPENS = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


def test_proc_17b_window_includes_its_first_instant_and_excludes_its_closing_instant():
    assert window_is_open(OPENS, CLOSES, OPENS)
    assert window_is_open(OPENS, CLOSES, CLOSES - timedelta(seconds=1))
    assert not window_is_open(OPENS, CLOSES, CLOSES)
    assert not window_is_open(OPENS, CLOSES, OPENS - timedelta(seconds=1))
    assert not window_is_open(None, None, OPENS)


def test_proc_17b_opinion_refused_after_the_period_closes():
    with pytest.raises(RuleViolation) as exc:
        check_opinion_window(non_disclosable=False, opens_at=OPENS, closes_at=CLOSES, now=CLOSES)
    assert exc.value.rule == "PROC-17b"


def test_proc_17b_opinion_refused_without_any_consultation():
    with pytest.raises(RuleViolation) as exc:
        check_opinion_window(non_disclosable=False, opens_at=None, closes_at=None, now=OPENS)
    assert exc.value.rule == "PROC-17b"


def test_proc_16a_non_disclosable_item_takes_no_public_opinions_even_in_its_window():
    with pytest.raises(RuleViolation) as exc:
        check_opinion_window(
            non_disclosable=True, opens_at=OPENS, closes_at=CLOSES, now=OPENS + timedelta(days=1)
        )
    assert exc.value.rule == "PROC-16a"


def test_opinion_accepted_inside_the_window():
    assert (
        check_opinion_window(
            non_disclosable=False, opens_at=OPENS, closes_at=CLOSES, now=OPENS + timedelta(days=1)
        )
        is None
    )


# -- PART-15b: publishing the adoption report ------------------------------------------------------


def _report(**overrides):
    facts = {
        "consultation_closed": True,
        "awaiting_moderation": 0,
        "unanswered": 0,
        "summary": "共收到意见6条，采纳3条。",
    }
    facts.update(overrides)
    return report_publication_violations(**facts)


def test_part_15b_report_may_be_published_once_everything_is_handled():
    assert _report() == []


@pytest.mark.parametrize(
    ("overrides", "message_part"),
    [
        ({"consultation_closed": False}, "comment period"),
        ({"awaiting_moderation": 1}, "await moderation"),
        ({"unanswered": 1}, "no answer"),
        ({"summary": "  \n "}, "summary"),
    ],
)
def test_part_15b_report_is_refused_while_anything_is_open(overrides, message_part):
    problems = _report(**overrides)
    assert [p.rule for p in problems] == ["PART-15b"]
    assert message_part in problems[0].render()


def test_part_15b_every_problem_is_listed_at_once():
    problems = _report(consultation_closed=False, awaiting_moderation=2, unanswered=3, summary="")
    assert len(problems) == 4
    assert "2" in problems[1].render() and "3" in problems[2].render()
    assert problems[3].field == "summary"
