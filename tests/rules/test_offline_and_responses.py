"""Pure rules of issue 11 (e): an opinion received offline counts only if received within the
comment period (PROC-17b), never for an item not to be disclosed (PROC-16a), never after the
adoption report (PART-15b); a response to public concerns (PART-19b) says something, answers
moderated concerns, shows no personal data (A39) and is never published for a
non-disclosable item (PROC-37c)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.rules.consultation import (
    OpinionStatus,
    feedback_response_violations,
    offline_receipt_violations,
)

FIRST, LAST, TODAY = date(2026, 11, 16), date(2026, 12, 16), date(2026, 12, 20)


def offline(received_on, **kw):
    args = {
        "non_disclosable": False,
        "first_day": FIRST,
        "last_day": LAST,
        "received_on": received_on,
        "today": TODAY,
        "report_published": False,
    }
    return [v.rule for v in offline_receipt_violations(**{**args, **kw})]


@pytest.mark.parametrize(
    ("day", "rules"),
    [
        (FIRST, []),
        (LAST, []),  # the last day of the period counts, entered after it closed
        (FIRST - timedelta(days=1), ["PROC-17b"]),
        (LAST + timedelta(days=1), ["PROC-17b"]),
        (TODAY + timedelta(days=1), ["PROC-17b"]),  # the future
    ],
)
def test_the_day_received_decides_whether_an_offline_opinion_counts(day, rules):
    assert offline(day) == rules


def test_a_future_day_inside_the_period_is_still_the_future():
    assert offline(date(2026, 12, 1), today=date(2026, 11, 26)) == ["PROC-17b"]
    assert offline(date(2026, 11, 26), today=date(2026, 11, 26)) == []


def test_no_period_no_disclosure_no_date_and_a_published_report_are_refused():
    assert offline(LAST, first_day=None, last_day=None) == ["PROC-17b"]
    assert offline(LAST, non_disclosable=True) == ["PROC-16a"]
    assert offline(None) == [""]  # an input error: no rule names a missing date
    assert offline(LAST, report_published=True) == ["PART-15b"]


def response(body="已研究，将于明年实施。", statuses=(OpinionStatus.PUBLISHED,), **kw):
    args = {
        "non_disclosable": False,
        "body": body,
        "statuses": list(statuses),
        "personal_data_kinds": [],
    }
    return [v.rule for v in feedback_response_violations(**{**args, **kw})]


def test_a_response_to_moderated_concerns_is_published():
    assert response() == []
    assert response(statuses=(OpinionStatus.PUBLISHED, OpinionStatus.WITHHELD)) == []


def test_what_stops_a_response():
    assert response(non_disclosable=True) == ["PROC-37c"]
    assert response(body="  ") == ["PART-19b"]
    assert response(personal_data_kinds=["mobile"]) == ["A39"]
    assert response(personal_data_kinds=["resident_id"]) == ["A39"]
    assert response(personal_data_kinds=["landline"]) == []  # an office's number is fine
    assert response(statuses=()) == [""]
    assert response(statuses=(OpinionStatus.RECEIVED,)) == [""]
    assert response(body="x" * 5001) == [""]
