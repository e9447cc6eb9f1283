"""Opening the comment window and changing it once open (PROC-16a, PROC-17a/b/c, PART-7):
both sides of each boundary (portal/rules/consultation.py, the comment-window part)."""

from __future__ import annotations

from datetime import date

from portal.rules.consultation import opening_violations, window_change_violations

TODAY = date(2026, 11, 26)
OPEN = {
    "participation_in_progress": True,
    "draft_published": True,
    "explanation_published": True,
    "opens_on": TODAY,
    "today": TODAY,
    "window_running": False,
}


def pairs(violations) -> list[tuple[str, str | None]]:
    return [(v.rule, v.field) for v in violations]


def test_a_complete_opening_passes_today_or_later():
    assert opening_violations(**OPEN) == []
    assert opening_violations(**OPEN | {"opens_on": date(2026, 12, 1)}) == []


def test_proc_16a_open_comment_opens_only_while_participation_is_in_progress():
    refused = opening_violations(**OPEN | {"participation_in_progress": False})
    assert pairs(refused) == [("PROC-16a", "opens_on")]


def test_proc_17a_the_notice_publishes_the_draft_and_its_explanation():
    assert pairs(opening_violations(**OPEN | {"draft_published": False})) == [
        ("PROC-17a", "draft_version")
    ]
    assert pairs(opening_violations(**OPEN | {"explanation_published": False})) == [
        ("PROC-17a", "draft_version")
    ]


def test_proc_17b_the_period_is_not_backdated():
    assert pairs(opening_violations(**OPEN | {"opens_on": date(2026, 11, 25)})) == [
        ("PROC-17b", "opens_on")
    ]


def test_a_second_window_while_one_runs_is_refused_without_a_rule():
    assert pairs(opening_violations(**OPEN | {"window_running": True})) == [("", "opens_on")]


WINDOW = {
    "opened": True,
    "closed": False,
    "opens_on": date(2026, 11, 1),
    "new_opens_on": date(2026, 11, 1),
    "closes_on": date(2026, 12, 1),
    "new_closes_on": date(2026, 12, 1),
    "shortened_reason": "",
    "new_shortened_reason": "",
}


def test_nothing_is_fixed_before_the_window_opens():
    early = WINDOW | {
        "opened": False,
        "new_opens_on": date(2026, 11, 3),
        "new_closes_on": date(2026, 11, 12),
        "new_shortened_reason": "情况紧急",
    }
    assert window_change_violations(**early) == []


def test_proc_17b_an_open_window_is_extended_but_never_shortened():
    assert window_change_violations(**WINDOW | {"new_closes_on": date(2026, 12, 8)}) == []
    cut = window_change_violations(**WINDOW | {"new_closes_on": date(2026, 11, 11)})
    assert pairs(cut) == [("PROC-17b", "closes_on")]
    assert cut[0].params == {"last_day": "2026-12-01"}
    one_day = window_change_violations(**WINDOW | {"new_closes_on": date(2026, 11, 30)})
    assert pairs(one_day) == [("PROC-17b", "closes_on")]


def test_proc_17b_the_start_of_an_open_window_cannot_move():
    moved = window_change_violations(**WINDOW | {"new_opens_on": date(2026, 10, 20)})
    assert pairs(moved) == [("PROC-17b", "opens_on")]


def test_proc_17c_the_reason_is_given_with_the_announcement_and_not_added_later():
    added = window_change_violations(**WINDOW | {"new_shortened_reason": "情况紧急"})
    assert pairs(added) == [("PROC-17c", "shortened_reason")]
    given = WINDOW | {"shortened_reason": "情况紧急", "new_shortened_reason": "情况紧急 "}
    assert window_change_violations(**given) == []  # unchanged apart from spaces


def test_proc_17b_a_closed_window_no_longer_changes():
    closed = WINDOW | {"closed": True}
    assert window_change_violations(**closed) == []
    later = window_change_violations(**closed | {"new_closes_on": date(2026, 12, 20)})
    assert pairs(later) == [("PROC-17b", "closes_on")]
