"""Hearing services: registration (window, idempotency, duplicates, bad input), the waiting
list, the reproducible draw, quotas, invitations, materials (PROC-19c, PART-8b), the record and
the report (PART-13b, PART-16a), and the link to the participation stage record."""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.hearing import Hearing, HearingRegistration
from portal.models.outbox import OutboxMessage
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.rules import hearings as rules
from portal.rules.errors import RuleViolation
from portal.rules.hearings import (
    DeliveryMethod,
    HearingKind,
    RecordConfirmation,
    RegistrationStatus,
    SelectionMethod,
)
from portal.services import hearing_steps as steps
from portal.services import hearings as svc
from portal.services import procedure
from tests.conftest import NOW

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"
DAY = timedelta(days=1)


def decision(title: str = HEATING) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def staff(username: str = "undertaker") -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def make_hearing(
    method: SelectionMethod = SelectionMethod.FIRST_COME,
    *,
    seats: int = 3,
    kind: HearingKind = HearingKind.HEARING,
    sides=(("居民", 0), ("企业", 0)),
    starts_in: timedelta = timedelta(days=20),
    opens: timedelta = -DAY,
    closes: timedelta = 5 * DAY,
    announce: bool = True,
) -> Hearing:
    fields = steps.HearingFields(
        kind=kind,
        title="测试听证会",
        subject="票价调整方案",
        starts_at=NOW + starts_in,
        ends_at=None,
        place="听证室",
        seats=seats,
        selection_method=method,
        selection_rules="按规则遴选",
        registration_method="在线报名",
        contact_info="0476-8888101",
        other_matters="允许旁听",
        registration_opens_at=NOW + opens,
        registration_closes_at=NOW + closes,
        sides=list(sides),
    )
    h = steps.create_hearing(decision(), fields, actor=staff(), now=NOW - 2 * DAY)
    if announce:
        steps.announce_hearing(h, actor=staff(), now=NOW - 2 * DAY)
    db.session.commit()
    return h


def person(i: int, **changes) -> svc.RegistrationInput:
    data = {
        "name": f"参加人{i}",
        "contact_phone": f"1380000{i:04d}",
        "contact_email": f"p{i}@example.cn",
        "stakeholder_side": "居民",
        "statement": "希望发言",
    }
    data.update(changes)
    return svc.RegistrationInput(**data)


def register(h: Hearing, i: int, *, now=NOW, **changes) -> HearingRegistration:
    r = svc.register_for_hearing(h, person(i, **changes), now=now)
    db.session.commit()
    return r


def count() -> int:
    """Registrations for the hearings these tests make (the demo has hearings of its own)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(HearingRegistration)
        .join(Hearing, Hearing.id == HearingRegistration.hearing_id)
        .where(Hearing.title == "测试听证会")
    )


def mails_to(address: str) -> list[dict]:
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send"))
    return [json.loads(m.payload) for m in rows if json.loads(m.payload)["to"] == address]


# -- registration -------------------------------------------------------------------------------


def test_first_come_confirms_until_the_seats_are_taken_then_waitlists(demo):
    h = make_hearing(seats=2)
    statuses = [register(h, i).status for i in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    db.session.refresh(h)
    assert h.confirmed_count == 2
    first = svc.registrations(h)[0]
    assert len(first.receipt_code) == 12 and len(first.public_code) == 6
    assert first.consent_version and first.consented_at == NOW
    assert mails_to("p0@example.cn")[0]["subject"].startswith("报名回执")


@pytest.mark.parametrize("when", [-2 * DAY, 6 * DAY])
def test_part_12a_registering_outside_the_window_is_refused_and_creates_nothing(demo, when):
    h = make_hearing()
    with pytest.raises(RuleViolation) as exc:
        svc.register_for_hearing(h, person(1), now=NOW + when)
    assert exc.value.rule == "PART-12a"
    db.session.rollback()
    assert count() == 0


def test_part_12a_registration_window_boundaries_are_inclusive_open_exclusive_close(demo):
    h = make_hearing(opens=timedelta(0), closes=DAY)
    assert register(h, 1, now=NOW).status == "confirmed"  # the opening instant
    with pytest.raises(RuleViolation):
        svc.register_for_hearing(h, person(2), now=NOW + DAY)  # the closing instant
    db.session.rollback()
    assert register(h, 3, now=NOW + DAY - timedelta(microseconds=1)).status == "confirmed"


def test_unannounced_or_invitation_only_meetings_take_no_registrations(demo):
    h = make_hearing(announce=False)
    with pytest.raises(RuleViolation) as exc:
        svc.register_for_hearing(h, person(1), now=NOW)
    assert exc.value.rule == "PART-12a"
    db.session.rollback()
    inv = make_hearing(SelectionMethod.INVITATION)
    with pytest.raises(RuleViolation) as exc:
        svc.register_for_hearing(inv, person(2), now=NOW)
    assert exc.value.rule == "PART-12b"


def test_identical_submission_within_24_hours_returns_the_first_receipt(demo):
    h = make_hearing()
    first = register(h, 1)
    again = register(h, 1, now=NOW + timedelta(hours=23))
    assert again.id == first.id and count() == 1


def test_same_contact_twice_is_refused_and_creates_nothing(demo):
    h = make_hearing()
    register(h, 1)
    with pytest.raises(svc.AlreadyRegistered):
        svc.register_for_hearing(h, person(1, statement="换一种说法"), now=NOW)
    db.session.rollback()
    with pytest.raises(svc.AlreadyRegistered):  # the same e-mail with another phone
        svc.register_for_hearing(h, person(2, contact_email="p1@example.cn"), now=NOW)
    db.session.rollback()
    assert count() == 1


def test_idempotency_key_returns_the_first_registration(demo):
    h = make_hearing()
    first = svc.register_for_hearing(h, person(1), now=NOW, idempotency_key="k-1")
    db.session.commit()
    again = svc.register_for_hearing(h, person(2), now=NOW, idempotency_key="k-1")
    assert again.id == first.id and count() == 1
    with pytest.raises(RuleViolation) as exc:
        svc.register_for_hearing(h, person(3), now=NOW, idempotency_key="键")
    assert exc.value.field == "idempotency_key"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": "  \u200b "}, "name"),
        ({"name": "名" * 61}, "name"),
        ({"contact_phone": ""}, "contact_phone"),
        ({"contact_phone": "１３８００００１２３４"}, "contact_phone"),  # full-width digits
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"stakeholder_side": "不存在的一方"}, "stakeholder_side"),
        ({"statement": "长" * 1001}, "statement"),
    ],
)
def test_malformed_input_names_the_field_and_creates_nothing(demo, changes, field):
    h = make_hearing()
    with pytest.raises(RuleViolation) as exc:
        svc.register_for_hearing(h, person(1, **changes), now=NOW)
    assert exc.value.field == field and exc.value.rule == ""
    db.session.rollback()
    assert count() == 0


def test_id_number_is_collected_only_when_the_notice_requires_it(demo):
    h = make_hearing()
    r = register(h, 1, id_number="11010519491231002X")
    assert r.id_number == ""  # not required: not stored (PIPL: collect only what is needed)
    h.requires_id_number = True
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        svc.register_for_hearing(h, person(2, id_number="110105194912310021"), now=NOW)
    assert exc.value.field == "id_number"
    db.session.rollback()
    assert register(h, 3, id_number="11010519491231002x").id_number == "11010519491231002X"


# -- cancellation and the waiting list ----------------------------------------------------------


def test_cancelling_a_seat_moves_the_first_waitlisted_up_and_tells_them(demo):
    h = make_hearing(seats=1)
    holder, second, third = (register(h, i) for i in range(3))
    promoted = svc.cancel_registration(holder, now=NOW + DAY)
    db.session.commit()
    assert promoted.id == second.id
    db.session.refresh(h)
    assert [r.status for r in svc.registrations(h)] == ["cancelled", "confirmed", "waitlisted"]
    assert h.confirmed_count == 1
    assert holder.active_contact_key is None  # the contact may register again
    assert any("您已获得参加名额" in m["subject"] for m in mails_to("p1@example.cn"))
    assert svc.cancel_registration(holder, now=NOW + DAY) is None  # twice: nothing happens
    assert third.status == "waitlisted"


def test_cancelling_a_waitlisted_registration_frees_no_seat(demo):
    h = make_hearing(seats=1)
    register(h, 0)
    waiting = register(h, 1)
    assert svc.cancel_registration(waiting, now=NOW) is None
    db.session.commit()
    assert svc.status_counts(h)[RegistrationStatus.CONFIRMED] == 1


def test_a_registration_cannot_be_cancelled_once_the_hearing_started(demo):
    h = make_hearing()
    r = register(h, 1)
    with pytest.raises(RuleViolation):
        svc.cancel_registration(r, now=h.starts_at)


# -- the draw -----------------------------------------------------------------------------------


def test_part_12b_lottery_draw_only_after_registration_closes(demo):
    h = make_hearing(SelectionMethod.LOTTERY, seats=2)
    for i in range(5):
        assert register(h, i).status == "applied"
    with pytest.raises(RuleViolation) as exc:
        steps.run_draw(h, actor=staff(), now=NOW + 5 * DAY - timedelta(seconds=1))
    assert exc.value.violations[0].rule == "PART-12b"
    db.session.rollback()
    steps.run_draw(h, actor=staff(), now=NOW + 5 * DAY)
    db.session.commit()
    assert svc.status_counts(h)[RegistrationStatus.CONFIRMED] == 2


def test_lottery_rerun_from_the_published_seed_and_applicants_gives_the_result(demo):
    h = make_hearing(SelectionMethod.LOTTERY, seats=3)
    assert h.draw_commitment == rules.seed_commitment(h.draw_seed)  # committed at announcement
    for i in range(8):
        register(h, i)
    steps.run_draw(h, actor=staff(), now=NOW + 6 * DAY)
    db.session.commit()
    published_codes = svc.applicant_codes(h)
    assert published_codes == sorted(published_codes) and len(published_codes) == 8
    rerun = rules.lottery_draw(h.draw_seed, published_codes, h.draw_seats)
    rows = svc.draw_participants(h)
    assert [r.public_code for r in rows] == list(rerun.selected + rerun.waitlist)
    assert {r.public_code for r in rows if r.status == "confirmed"} == set(rerun.selected)
    # a cancellation after the draw moves the next in draw order up; the published draw stays
    first = next(r for r in rows if r.status == "confirmed")
    promoted = svc.cancel_registration(first, now=NOW + 7 * DAY)
    db.session.commit()
    assert promoted.public_code == rerun.waitlist[0]
    assert svc.applicant_codes(h) == published_codes


def test_a36_quota_draw_gives_each_side_with_applicants_a_participant(demo):
    h = make_hearing(SelectionMethod.QUOTA, seats=3, sides=(("居民", 2), ("企业", 1)))
    for i in range(6):
        register(h, i, stakeholder_side="居民")
    register(h, 9, stakeholder_side="企业")
    steps.run_draw(h, actor=staff(), now=NOW + 6 * DAY)
    db.session.commit()
    sides = [r.side.name for r in svc.participants(h)]
    assert sorted(sides) == ["企业", "居民", "居民"]
    assert steps.coverage_violations(h) == []


def test_part_12b_lottery_side_without_a_participant_is_reported(demo):
    h = make_hearing(SelectionMethod.LOTTERY, seats=1)
    register(h, 1, stakeholder_side="居民")
    register(h, 2, stakeholder_side="企业")
    steps.run_draw(h, actor=staff(), now=NOW + 6 * DAY)
    db.session.commit()
    assert {v.rule for v in steps.coverage_violations(h)} == {"PART-12b"}


def test_part_12b_invitation_needs_a_reason_and_a_free_seat(demo):
    h = make_hearing(SelectionMethod.INVITATION, seats=1)
    with pytest.raises(RuleViolation) as exc:
        steps.invite_participant(
            h, name="王代表", side_name="居民", reason="", actor=staff(), now=NOW
        )
    assert exc.value.rule == "PART-12b"
    db.session.rollback()
    r = steps.invite_participant(
        h, name="王代表", side_name="居民", reason="市人大代表，长期关注", actor=staff(), now=NOW
    )
    db.session.commit()
    assert r.status == "confirmed" and r.invited and r.invitation_reason
    with pytest.raises(RuleViolation) as exc:
        steps.invite_participant(
            h, name="李代表", side_name="企业", reason="企业代表，熟悉情况", actor=staff(), now=NOW
        )
    assert exc.value.rule == "PART-12a"


def test_part_12a_incomplete_notice_cannot_be_announced(demo):
    h = make_hearing(announce=False)
    h.place = ""
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        steps.announce_hearing(h, actor=staff(), now=NOW)
    assert {v.rule for v in exc.value.violations} == {"PART-12a"}
    db.session.rollback()
    assert db.session.get(Hearing, h.id).announced_at is None


# -- materials and holding ----------------------------------------------------------------------


def _held_ready(kind=HearingKind.HEARING, delivered_before=timedelta(days=7)):
    h = make_hearing(kind=kind, starts_in=timedelta(days=3), opens=-5 * DAY, closes=DAY)
    people = [register(h, i, now=NOW - 4 * DAY) for i in range(2)]
    steps.record_delivery(
        h,
        [r.id for r in people],
        DeliveryMethod.EMAIL,
        h.starts_at - delivered_before,
        actor=staff(),
        now=NOW,
    )
    db.session.commit()
    return h, people


def test_proc_19c_hearing_held_when_materials_arrived_7_days_before(demo):
    h, _people = _held_ready(delivered_before=timedelta(days=7))
    assert steps.hold_violations(h) == []
    steps.record_held(h, actor=staff(), now=h.starts_at + timedelta(hours=2))
    db.session.commit()
    assert h.held_at is not None and h.activity.held


def test_proc_19c_hearing_cannot_be_held_when_materials_arrived_6_days_before(demo):
    h, _people = _held_ready(delivered_before=timedelta(days=6))
    with pytest.raises(RuleViolation) as exc:
        steps.record_held(h, actor=staff(), now=h.starts_at + timedelta(hours=2))
    assert [v.rule for v in exc.value.violations] == ["PROC-19c"]  # also PART-12c
    db.session.rollback()
    assert db.session.get(Hearing, h.id).held_at is None


def test_part_8b_symposium_materials_three_working_days_before(demo):
    cal = procedure.work_calendar()
    h, people = _held_ready(kind=HearingKind.SYMPOSIUM, delivered_before=timedelta(days=30))
    due, rule = rules.materials_due(HearingKind.SYMPOSIUM, h.starts_at, cal)
    assert rule == "PART-8b"
    from datetime import datetime, time

    from portal.rules.workdays import CHINA_TZ

    on_due = datetime.combine(due, time(18), CHINA_TZ)
    day_after = datetime.combine(cal.add_working_days(due, 1), time(9), CHINA_TZ)
    steps.record_delivery(
        h, [people[0].id], DeliveryMethod.IN_PERSON, on_due, actor=staff(), now=NOW
    )
    assert steps.hold_violations(h) == []
    steps.record_delivery(
        h, [people[1].id], DeliveryMethod.IN_PERSON, day_after, actor=staff(), now=NOW
    )
    assert [v.rule for v in steps.hold_violations(h)] == ["PART-8b"]


def test_a37_portal_download_counts_as_delivery_once(demo):
    h = make_hearing()
    r = register(h, 1)
    assert steps.receive_materials_online(r, now=NOW + DAY)
    assert steps.receive_materials_online(r, now=NOW + 2 * DAY)
    assert r.materials_delivered_at == NOW + DAY
    assert r.materials_method is DeliveryMethod.PORTAL_DOWNLOAD


# -- on the day, the record and the report ------------------------------------------------------


def test_part_13b_report_waits_for_the_record_confirmations_then_publishes(demo):
    h, people = _held_ready()
    checked = steps.check_in(h, code=people[0].checkin_code.lower(), actor=staff(), now=NOW)
    assert checked.id == people[0].id
    steps.check_in(h, registration_id=people[1].id, actor=staff(), now=NOW)
    steps.record_held(h, actor=staff(), now=h.starts_at + timedelta(hours=3))
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        steps.publish_report(
            h, basic_info="基本情况", main_opinions="主要意见", actor=staff(), now=h.starts_at + DAY
        )
    assert exc.value.violations[0].rule == "PART-13b"
    db.session.rollback()
    h = db.session.get(Hearing, h.id)
    assert h.held_at is not None and h.report_published_at is None
    steps.publish_record(h, "听证会记录：各方陈述了意见。", actor=staff(), now=h.starts_at + DAY)
    assert steps.confirm_record_online(people[0], now=h.starts_at + DAY)
    with pytest.raises(RuleViolation) as exc:
        steps.record_confirmation(
            people[1], RecordConfirmation.REFUSED, "", actor=staff(), now=h.starts_at + DAY
        )
    assert exc.value.rule == "PART-13b"  # a refusal is noted with its reason
    steps.record_confirmation(
        people[1], RecordConfirmation.REFUSED, "认为记录遗漏其发言", actor=staff(), now=NOW
    )
    with pytest.raises(RuleViolation) as exc:
        steps.publish_report(h, basic_info="", main_opinions="", actor=staff(), now=NOW)
    assert {v.rule for v in exc.value.violations} == {"PART-16a"}
    steps.publish_report(
        h, basic_info="基本情况", main_opinions="主要意见", actor=staff(), now=h.starts_at + DAY
    )
    db.session.commit()
    activity = db.session.get(ParticipationActivity, h.activity_id)
    assert activity.held and activity.record_signed and activity.report_issued
    assert activity.participants == 2
    assert steps.legality_materials(h.decision) == [h]


def test_check_in_refuses_unknown_codes_and_waitlisted_people(demo):
    h = make_hearing(seats=1)
    register(h, 1)
    waiting = register(h, 2)
    for code in ("NOTACODE", waiting.checkin_code):
        with pytest.raises(RuleViolation):
            steps.check_in(h, code=code, actor=staff(), now=NOW)


# -- the procedure record -----------------------------------------------------------------------


def test_the_hearing_keeps_its_participation_activity_in_step(demo):
    h = make_hearing(seats=5)
    activity = db.session.get(ParticipationActivity, h.activity_id)
    assert activity.method == "hearing" and activity.decision_id == h.decision_id
    for i in range(3):
        register(h, i)
    assert activity.participants == 3 and activity.materials_delivered_on is None
    facts = procedure.participation_facts(h.decision)
    assert any(f.held_on == activity.held_on for f in facts.hearings)


def test_demo_hearings_cover_every_selection_state(demo):
    from portal.demo_hearings import seed_demo_hearings

    # Issue 11: the demo's procedure records make the held hearing and the symposiums through
    # the hearing module (demo.seed); seed_demo_hearings adds the two open to the public.
    assert seed_demo_hearings(NOW) == 2
    assert seed_demo_hearings(NOW) == 0  # idempotent
    rows = list(db.session.scalars(sa.select(Hearing)))
    hearings = {h.selection_method: h for h in rows if h.kind is HearingKind.HEARING}
    first = hearings[SelectionMethod.FIRST_COME]
    assert svc.registration_is_open(first, NOW) and first.seats == 10
    assert first.confirmed_count == 3
    lottery = hearings[SelectionMethod.LOTTERY]
    assert len(svc.applicant_codes(lottery)) > lottery.seats and lottery.list_published_at
    past = hearings[SelectionMethod.QUOTA]
    assert past.report_published_at and past.list_published_at and past.held_at < NOW
    symposiums = [h for h in rows if h.kind is HearingKind.SYMPOSIUM]
    assert all(h.selection_method is SelectionMethod.INVITATION for h in symposiums)
    assert any(h.starts_at > NOW and h.held_at is None for h in symposiums)  # upcoming
    assert any(h.held_at is not None for h in symposiums)  # held in completed participation
    assert all(h.announced_at is not None for h in rows)  # PART-12a: each one announced


# -- concurrency (PostgreSQL and MariaDB; SQLite serialises writers) ----------------------------


@pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith(("postgresql", "mysql")),
    reason="row locks are tested on PostgreSQL and MariaDB",
)
@pytest.mark.parametrize("run", [1, 2])
def test_200_simultaneous_registrations_for_the_last_5_seats_never_overbook(demo, ctx, run):
    h = make_hearing(seats=10, closes=10 * DAY)
    for i in range(5):
        register(h, 9000 + i)
    hearing_id = h.id
    db.session.remove()
    n = 200
    barrier = threading.Barrier(n)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        client = ctx.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/hearings/{hearing_id}/registrations",
            json={"name": f"并发{i}", "contact_phone": f"1370000{i:04d}"},
        )
        body = response.get_json(silent=True) or {}
        with lock:
            results.append((response.status_code, body.get("status", "")))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(results) == n
    assert {code for code, _ in results} == {201}, results[:5]
    statuses = [status for _, status in results]
    assert statuses.count("confirmed") == 5
    assert statuses.count("waitlisted") == n - 5
    h = db.session.get(Hearing, hearing_id)
    assert h.confirmed_count == 10
    assert svc.status_counts(h)[RegistrationStatus.CONFIRMED] == 10


def test_registration_contacts_are_purged_after_the_retention_period(demo):
    from portal.demo_hearings import seed_demo_hearings
    from portal.services.hearings import purge_contacts

    seed_demo_hearings(NOW)
    held = db.session.scalar(
        sa.select(Hearing).where(Hearing.held_at.is_not(None), Hearing.kind == HearingKind.HEARING)
    )
    assert held is not None
    with_contacts = db.session.scalars(
        sa.select(HearingRegistration).where(
            HearingRegistration.hearing_id == held.id, HearingRegistration.contact_phone != ""
        )
    ).all()
    assert with_contacts
    ended = held.held_at
    assert purge_contacts(now=ended + timedelta(days=180, seconds=-1), days=180) == 0
    purged = purge_contacts(now=ended + timedelta(days=180), days=180)
    db.session.commit()
    assert purged >= len(with_contacts)
    rows = db.session.scalars(
        sa.select(HearingRegistration).where(HearingRegistration.hearing_id == held.id)
    ).all()
    assert all(r.contact_phone == "" and r.contact_email == "" and r.id_number == "" for r in rows)
    assert all(r.public_code for r in rows)  # the participant list keeps its public numbers
    assert all(r.name == "" for r in rows if not r.publish_name_consent)
    # Upcoming hearings keep theirs.
    assert db.session.scalar(
        sa.select(sa.func.count(HearingRegistration.id)).where(
            HearingRegistration.contact_phone != ""
        )
    )
