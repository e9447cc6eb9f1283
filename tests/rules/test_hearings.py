"""portal.rules.hearings: the notice (PART-12a/b, PROC-19b), the registration window, the
reproducible draw, quotas per side (A36), materials (PROC-19c, PART-8b), the record and report
(PART-13b, PART-16a)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.rules import hearings as r
from portal.rules.errors import RuleViolation
from portal.rules.hearings import HearingKind, RecordConfirmation, RegistrationStatus
from portal.rules.hearings import SelectionMethod as M

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def notice(**changes) -> r.Announcement:
    data = {
        "kind": HearingKind.HEARING,
        "starts_at": NOW + timedelta(days=20),
        "place": "听证室",
        "subject": "票价调整",
        "seats": 10,
        "selection_method": M.FIRST_COME,
        "selection_rules": "按报名先后",
        "registration_method": "在线报名",
        "contact_info": "0476-8888101",
        "other_matters": "允许旁听",
        "sides": ("居民", "企业"),
        "side_seats": (0, 0),
        "registration_opens_at": NOW - timedelta(days=1),
        "registration_closes_at": NOW + timedelta(days=5),
        "draft_published": True,
    }
    data.update(changes)
    return r.Announcement(**data)


def rules_of(violations) -> set[str]:
    return {v.rule for v in violations}


# -- the notice ---------------------------------------------------------------------------------


def test_complete_notice_has_no_violations():
    assert r.announcement_violations(notice()) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("starts_at", None),
        ("place", " "),
        ("subject", ""),
        ("seats", 0),
        ("selection_method", None),
        ("registration_method", ""),
        ("contact_info", ""),
        ("other_matters", ""),
    ],
)
def test_part_12a_every_notice_item_is_required(field, value):
    violations = r.announcement_violations(notice(**{field: value}))
    assert "PART-12a" in rules_of(violations)


def test_part_12b_selection_rules_and_declared_sides_are_required():
    assert "PART-12b" in rules_of(r.announcement_violations(notice(selection_rules="")))
    assert "PART-12b" in rules_of(r.announcement_violations(notice(sides=())))


def test_proc_19b_draft_and_explanation_must_be_published_first():
    assert rules_of(r.announcement_violations(notice(draft_published=False))) == {"PROC-19b"}


def test_proc_19d_non_disclosable_item_is_never_announced():
    assert rules_of(r.announcement_violations(notice(non_disclosable=True))) == {"PROC-19d"}


def test_part_12a_registration_must_close_before_the_hearing():
    late = notice(registration_closes_at=NOW + timedelta(days=21))
    assert "PART-12a" in rules_of(r.announcement_violations(late))
    backwards = notice(registration_closes_at=NOW - timedelta(days=2))
    assert "PART-12a" in rules_of(r.announcement_violations(backwards))


def test_symposium_notice_needs_only_time_place_subject_and_participants():
    sym = notice(
        kind=HearingKind.SYMPOSIUM,
        selection_method=M.INVITATION,
        registration_method="",
        contact_info="",
        other_matters="",
        selection_rules="",
        sides=(),
        draft_published=False,
    )
    assert r.announcement_violations(sym) == []


def test_a36_quota_seats_per_side_at_least_one_and_adding_up():
    assert r.quota_violations(5, (3, 2)) == []
    assert rules_of(r.quota_violations(5, (5, 0))) == {"PART-12b"}
    assert rules_of(r.quota_violations(5, (2, 2))) == {"PART-12b"}
    quota = notice(selection_method=M.QUOTA, side_seats=(6, 4))
    assert r.announcement_violations(quota) == []


# -- registration -------------------------------------------------------------------------------


def check(**changes):
    data = {
        "non_disclosable": False,
        "announced": True,
        "cancelled": False,
        "selection_method": M.FIRST_COME,
        "opens_at": NOW - timedelta(days=1),
        "closes_at": NOW + timedelta(days=1),
        "now": NOW,
    }
    data.update(changes)
    r.check_registration(**data)


def test_part_12a_registration_window_boundaries():
    check(opens_at=NOW)  # opens inclusive
    with pytest.raises(RuleViolation) as exc:
        check(closes_at=NOW)  # closes exclusive
    assert exc.value.rule == "PART-12a"
    with pytest.raises(RuleViolation):
        check(opens_at=NOW + timedelta(seconds=1))
    check(closes_at=NOW + timedelta(microseconds=1))


def test_registration_refused_when_not_announced_cancelled_or_invitation_only():
    for changes, rule in (
        ({"announced": False}, "PART-12a"),
        ({"cancelled": True}, "PART-12a"),
        ({"selection_method": M.INVITATION}, "PART-12b"),
        ({"non_disclosable": True}, "PROC-16a"),
    ):
        with pytest.raises(RuleViolation) as exc:
            check(**changes)
        assert exc.value.rule == rule


def test_first_come_gives_seats_then_the_waiting_list():
    assert r.status_on_registration(M.FIRST_COME, 9, 10) is RegistrationStatus.CONFIRMED
    assert r.status_on_registration(M.FIRST_COME, 10, 10) is RegistrationStatus.WAITLISTED
    assert r.status_on_registration(M.LOTTERY, 0, 10) is RegistrationStatus.APPLIED
    assert r.status_on_registration(M.QUOTA, 0, 10) is RegistrationStatus.APPLIED


# -- the draw -----------------------------------------------------------------------------------


def test_draw_order_is_sha256_of_seed_followed_by_code_smallest_first():
    seed, codes = "3f2a9c", ["K7M2QX", "A2B3C4", "ZZZZZZ", "H8J9K2"]
    expected = sorted(codes, key=lambda c: hashlib.sha256((seed + c).encode()).hexdigest())
    assert r.draw_order(seed, codes) == expected
    assert r.seed_commitment(seed) == hashlib.sha256(seed.encode()).hexdigest()


@given(
    st.text(min_size=1, max_size=20),
    st.lists(st.text(alphabet="ABCDEFGH23456789", min_size=6, max_size=6), unique=True),
    st.integers(min_value=0, max_value=10),
)
def test_lottery_is_reproducible_and_never_exceeds_the_seats(seed, codes, seats):
    first = r.lottery_draw(seed, codes, seats)
    again = r.lottery_draw(seed, list(reversed(codes)), seats)  # input order does not matter
    assert first == again
    assert len(first.selected) == min(seats, len(codes))
    assert set(first.selected) | set(first.waitlist) == set(codes)
    assert not set(first.selected) & set(first.waitlist)


def test_quota_draw_gives_every_side_with_applicants_a_seat_and_refills_unused_seats():
    applicants = {f"R{i:05d}": "居民" for i in range(10)} | {"E00001": "企业", "X00001": "专家"}
    result = r.quota_draw("seed", applicants, {"居民": 2, "企业": 1, "专家": 1, "媒体": 1}, 5)
    chosen_sides = [applicants[c] for c in result.selected]
    assert len(result.selected) == 5
    assert chosen_sides.count("企业") == 1 and chosen_sides.count("专家") == 1
    assert chosen_sides.count("居民") == 3  # the media seat had no applicant: it went on
    assert (
        r.side_coverage_violations(
            ["居民", "企业", "专家", "媒体"], applicants.values(), chosen_sides
        )
        == []
    )


def test_part_12b_side_coverage_names_the_side_without_a_participant():
    violations = r.side_coverage_violations(["居民", "企业"], ["居民", "企业"], ["居民"])
    assert rules_of(violations) == {"PART-12b"}
    assert violations[0].params["sides"] == "企业"
    # a side nobody applied for is not a violation (A36: "where applicants exist")
    assert r.side_coverage_violations(["居民", "企业"], ["居民"], ["居民"]) == []


def test_part_12b_invitation_needs_a_reason():
    with pytest.raises(RuleViolation) as exc:
        r.check_invitation("  ")
    assert exc.value.rule == "PART-12b"
    r.check_invitation("人大代表，长期关注此事")


# -- materials and holding (PROC-19c, PART-8b, PROC-19d) ----------------------------------------


def test_proc_19c_hearing_materials_seven_calendar_days_before_boundary():
    hearing_day = date(2026, 12, 17)
    ok = r.hold_violations(
        kind=HearingKind.HEARING,
        starts_on=hearing_day,
        delivered=[date(2026, 12, 10), date(2026, 12, 1)],
        held_publicly=True,
        non_disclosable=False,
    )
    assert ok == []
    late = r.hold_violations(
        kind=HearingKind.HEARING,
        starts_on=hearing_day,
        delivered=[date(2026, 12, 11), date(2026, 12, 1)],
        held_publicly=True,
        non_disclosable=False,
    )
    assert rules_of(late) == {"PROC-19c"}
    assert late[0].params["count"] == 1
    missing = r.hold_violations(
        kind=HearingKind.HEARING,
        starts_on=hearing_day,
        delivered=[None],
        held_publicly=True,
        non_disclosable=False,
    )
    assert rules_of(missing) == {"PROC-19c"}


def test_part_8b_symposium_materials_three_working_days_before_boundary():
    # Thursday 17 Dec 2026: three working days before is Monday 14 Dec
    assert r.materials_due(HearingKind.SYMPOSIUM, date(2026, 12, 17)) == (
        date(2026, 12, 14),
        "PART-8b",
    )
    ok = r.materials_violations(HearingKind.SYMPOSIUM, date(2026, 12, 17), [date(2026, 12, 14)])
    late = r.materials_violations(HearingKind.SYMPOSIUM, date(2026, 12, 17), [date(2026, 12, 15)])
    assert ok == [] and rules_of(late) == {"PART-8b"}


def test_proc_19d_hearing_must_be_public_and_needs_participants():
    out = r.hold_violations(
        kind=HearingKind.HEARING,
        starts_on=date(2026, 12, 17),
        delivered=[],
        held_publicly=False,
        non_disclosable=False,
    )
    assert rules_of(out) == {"PROC-19c", "PROC-19d"}


# -- record and report (PART-13b, PART-16a) -----------------------------------------------------


def test_part_13b_report_waits_for_every_attendee_to_confirm_or_refuse():
    pending = r.report_violations(
        held=True,
        confirmations=[RecordConfirmation.SIGNED, None],
        basic_info="基本情况",
        main_opinions="主要意见",
    )
    assert rules_of(pending) == {"PART-13b"}
    done = r.report_violations(
        held=True,
        confirmations=[RecordConfirmation.SIGNED, RecordConfirmation.REFUSED],
        basic_info="基本情况",
        main_opinions="主要意见",
    )
    assert done == []


def test_part_16a_report_needs_basic_information_and_main_opinions_after_the_hearing():
    out = r.report_violations(held=False, confirmations=[], basic_info="", main_opinions=" ")
    assert rules_of(out) == {"PART-16a"}
    assert {v.field for v in out} == {"held", "basic_info", "main_opinions"}
