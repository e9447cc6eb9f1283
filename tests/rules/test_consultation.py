"""PROC-17b / PROC-16a: when an opinion can be received."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.rules.consultation import check_opinion_window, window_is_open
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
    check_opinion_window(
        non_disclosable=False, opens_at=OPENS, closes_at=CLOSES, now=OPENS + timedelta(days=1)
    )
