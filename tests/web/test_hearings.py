"""Hearings on the public site, in the API and in the back office: register, look up, cancel,
the published draw, iCalendar, privacy of contacts, and the PROC-19c gate on screen."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.demo_hearings import seed_demo_hearings
from portal.extensions import db
from portal.models.hearing import Hearing, HearingRegistration
from portal.rules import hearings as rules
from portal.rules.hearings import SelectionMethod
from tests.conftest import NOW, login, text_of

PHONE = "13912345678"
EMAIL = "zhao.private@example.cn"


@pytest.fixture
def hearings(demo):
    seed_demo_hearings(NOW)
    return {h.selection_method: h for h in db.session.scalars(sa.select(Hearing))}


def form(**overrides) -> dict:
    data = {
        "name": "赵私密",
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "stakeholder_side": "居民用户",
        "statement": "希望在听证会上发言。",
        "website": "",
        "submission_token": "tok-" + "b" * 20,
    }
    data.update(overrides)
    return data


def reg_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HearingRegistration))


# -- public pages -------------------------------------------------------------------------------


def test_home_nav_and_dossier_show_the_open_hearing(client, hearings):
    first = hearings[SelectionMethod.FIRST_COME]
    home = client.get("/")
    assert "可报名的听证会" in text_of(home)
    assert f'href="/hearings/{first.id}/register"' in home.get_data(as_text=True)
    assert 'href="/hearings"' in home.get_data(as_text=True)  # main navigation
    dossier = client.get(f"/decisions/{first.decision_id}")
    assert first.title in text_of(dossier) and f"/hearings/{first.id}" in dossier.get_data(
        as_text=True
    )


def test_list_filters_open_hearings_and_the_notice_has_every_part_12a_item(client, hearings):
    first = hearings[SelectionMethod.FIRST_COME]
    lottery = hearings[SelectionMethod.LOTTERY]
    open_page = text_of(client.get("/hearings?registration=open&lang=en"))
    assert first.title in open_page and lottery.title not in open_page
    page = client.get(f"/hearings/{first.id}?lang=en")
    text = text_of(page)
    for item in (
        "Date and time",
        "Place",
        "Subject",
        "Number of participants",
        "How participants are chosen",
        "How to register",
        "Contact",
        "Other matters",
        "Selection rules",
        "Stakeholder sides to be represented",
    ):
        assert item in text, item
    assert first.place in text and "First come, first served" in text
    assert f'href="/hearings/{first.id}.ics"' in page.get_data(as_text=True)


def test_register_in_the_browser_see_receipt_look_up_and_cancel(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    response = client.post(f"/hearings/{h.id}/register", data=form())
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    html = receipt.get_data(as_text=True)
    assert receipt.headers["Cache-Control"] == "no-store"
    reg = db.session.scalar(
        sa.select(HearingRegistration).where(HearingRegistration.name == "赵私密")
    )
    assert reg.status == "confirmed" and reg.receipt_code in html
    assert "<svg" in html and reg.checkin_code in html  # the check-in QR, made on the server
    assert "<script" not in html
    status = client.get(f"/registrations/status?receipt_code={reg.receipt_code.lower()}")
    assert status.status_code == 200 and "已确认" in text_of(status)
    ask = client.post("/registrations/cancel", data={"receipt_code": reg.receipt_code})
    assert ask.status_code == 200 and "确认" in text_of(ask)  # a confirmation step first
    db.session.refresh(reg)
    assert reg.status == "confirmed"
    cancel = client.post(
        "/registrations/cancel", data={"receipt_code": reg.receipt_code, "confirm": "yes"}
    )
    assert cancel.status_code == 303
    db.session.refresh(reg)
    assert reg.status == "cancelled"
    assert "已取消" in text_of(client.get(cancel.headers["Location"]))


def test_a_resubmitted_form_returns_the_first_receipt(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    before = reg_count()
    client.post(f"/hearings/{h.id}/register", data=form())
    again = client.post(f"/hearings/{h.id}/register", data=form())
    assert again.status_code == 303 and reg_count() == before + 1


def test_same_contact_again_gets_a_clear_answer_and_nothing_is_created(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    client.post(f"/hearings/{h.id}/register", data=form())
    before = reg_count()
    page = client.post(
        f"/hearings/{h.id}/register",
        data=form(statement="另一段话", submission_token="tok-" + "c" * 20),
    )
    assert page.status_code == 409 and "已经报名" in text_of(page)
    assert reg_count() == before


def test_bad_input_and_honeypot_are_422_with_the_field(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    before = reg_count()
    page = client.post(f"/hearings/{h.id}/register?lang=en", data=form(contact_phone="12345"))
    assert page.status_code == 422 and 'id="contact_phone-error"' in page.get_data(as_text=True)
    bot = client.post(f"/hearings/{h.id}/register", data=form(website="http://spam"))
    assert bot.status_code == 422
    assert reg_count() == before


def test_registration_outside_the_window_is_409_with_the_rule(client, hearings):
    lottery = hearings[SelectionMethod.LOTTERY]  # registration closed yesterday
    page = client.get(f"/hearings/{lottery.id}/register")
    assert page.status_code == 409 and "PART-12a" in text_of(page)
    post = client.post(f"/hearings/{lottery.id}/register", data=form(stakeholder_side=""))
    assert post.status_code == 409


def test_participant_list_shows_names_only_with_consent_and_never_contacts(client, hearings):
    h = hearings[SelectionMethod.QUOTA]
    page = client.get(f"/hearings/{h.id}")
    text = text_of(page)
    rows = db.session.scalars(
        sa.select(HearingRegistration).where(HearingRegistration.hearing_id == h.id)
    ).all()
    confirmed = [r for r in rows if r.status == "confirmed"]
    for r in confirmed:
        if r.publish_name_consent:
            assert r.name in text
        else:
            assert r.name not in text and r.public_code in text
    for r in rows:
        assert r.contact_phone not in text and r.receipt_code not in text
        assert r.checkin_code not in page.get_data(as_text=True)
    assert "听证会报告" in text and h.report_main_opinions[:10] in text


def test_cancellation_frees_the_seat_for_the_waiting_list(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    for i in range(7):  # fill the remaining 7 seats
        client.post(
            f"/api/v1/hearings/{h.id}/registrations",
            json={"name": f"市民{i}", "contact_phone": f"1371111{i:04d}"},
        )
    waiting = client.post(
        f"/api/v1/hearings/{h.id}/registrations",
        json={"name": "候补者", "contact_phone": "13722220000", "contact_email": "w@example.cn"},
    ).get_json()
    assert waiting["status"] == "waitlisted"
    holder = db.session.scalar(
        sa.select(HearingRegistration).where(HearingRegistration.name == "市民0")
    )
    client.post(
        "/registrations/cancel", data={"receipt_code": holder.receipt_code, "confirm": "yes"}
    )
    status = client.get(f"/registrations/status?receipt_code={waiting['receipt_code']}&lang=en")
    assert "Confirmed: you have a seat" in text_of(status)


# -- API ----------------------------------------------------------------------------------------


def test_api_registration_receipt_idempotency_and_24_hour_rule(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    url = f"/api/v1/hearings/{h.id}/registrations"
    body = {"name": "钱某", "contact_phone": "13733334444", "stakeholder_side": "供热企业"}
    first = client.post(url, json=body, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == 201
    data = first.get_json()
    assert data["status"] == "confirmed" and set(data) == {"receipt_code", "status"}
    retry = client.post(url, json={**body, "name": "别的"}, headers={"Idempotency-Key": "abc-1"})
    assert retry.get_json()["receipt_code"] == data["receipt_code"]
    same = client.post(url, json=body)  # no key, identical body within 24 hours
    assert same.status_code == 201 and same.get_json()["receipt_code"] == data["receipt_code"]
    other = client.post(url, json={**body, "statement": "不同的内容"})
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "already_registered"


@pytest.mark.parametrize(
    "payload, status, field",
    [
        ("not json", 400, None),
        ([1, 2], 400, None),
        ({"name": 5, "contact_phone": PHONE}, 422, "name"),
        ({"contact_phone": PHONE}, 422, "name"),
        ({"name": "孙某"}, 422, "contact_phone"),
        ({"name": "孙某", "contact_phone": "0"}, 422, "contact_phone"),
        (
            {"name": "孙某", "contact_phone": PHONE, "publish_name_consent": "yes"},
            422,
            "publish_name_consent",
        ),
    ],
)
def test_api_malformed_registrations_create_nothing(client, hearings, payload, status, field):
    h = hearings[SelectionMethod.FIRST_COME]
    before = reg_count()
    if isinstance(payload, str):
        response = client.post(
            f"/api/v1/hearings/{h.id}/registrations",
            data=payload,
            content_type="application/json",
        )
    else:
        response = client.post(f"/api/v1/hearings/{h.id}/registrations", json=payload)
    assert response.status_code == status
    error = response.get_json()["error"]
    if field:
        assert field in error["fields"]
    assert reg_count() == before


def test_api_closed_registration_is_409_with_the_rule_and_unknown_is_404(client, hearings):
    lottery = hearings[SelectionMethod.LOTTERY]
    closed = client.post(
        f"/api/v1/hearings/{lottery.id}/registrations",
        json={"name": "周某", "contact_phone": PHONE},
    )
    assert closed.status_code == 409 and closed.get_json()["error"]["rule"] == "PART-12a"
    assert client.post("/api/v1/hearings/9999/registrations", json={}).status_code == 404
    assert client.get("/api/v1/hearings/9999").status_code == 404


def test_api_list_open_hearings_has_the_contract_fields(client, hearings):
    data = client.get("/api/v1/hearings?registration=open").get_json()
    assert data["total"] == 1 and data["per_page"] == 20
    item = data["items"][0]
    for key in (
        "seats",
        "registered",
        "selection_method",
        "registration_opens_at",
        "registration_closes_at",
        "starts_at",
        "place",
    ):
        assert key in item
    assert item["selection_method"] == "first_come" and item["registered"] == 3
    assert client.get("/api/v1/hearings?registration=x").status_code == 422
    assert "/hearings/{id}/registrations" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_lottery_rerun_from_the_published_api_data_gives_the_published_result(client, hearings):
    h = hearings[SelectionMethod.LOTTERY]
    draw = client.get(f"/api/v1/hearings/{h.id}").get_json()["draw"]
    assert hashlib.sha256(draw["seed"].encode()).hexdigest() == draw["seed_sha256"]
    assert draw["applicants"] == sorted(draw["applicants"])
    assert len(draw["applicants"]) > draw["seats"]
    # re-run it as a citizen would, from the published data only
    order = sorted(
        draw["applicants"],
        key=lambda c: (hashlib.sha256((draw["seed"] + c).encode()).hexdigest(), c),
    )
    assert order == draw["order"]
    assert draw["selected"] == order[: draw["seats"]]
    assert rules.lottery_draw(draw["seed"], draw["applicants"], draw["seats"]).selected == tuple(
        draw["selected"]
    )


def test_the_quota_draw_rerun_from_the_published_data(client, hearings):
    h = hearings[SelectionMethod.QUOTA]
    data = client.get(f"/api/v1/hearings/{h.id}").get_json()
    draw = data["draw"]
    rerun = rules.quota_draw(draw["seed"], draw["sides"], draw["quotas"], draw["seats"])
    assert set(rerun.selected) == set(draw["selected"])
    sides = {p["stakeholder_side"] for p in data["participants"]}
    assert sides == set(draw["quotas"])  # A36: every side is represented
    assert data["report"]["main_opinions"]
    assert "contact_phone" not in str(data) and PHONE not in str(data)


def test_ics_is_rfc_5545_with_crlf_folding_and_escaping(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    response = client.get(f"/hearings/{h.id}.ics")
    assert response.mimetype == "text/calendar"
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8")  # folding never splits a character
    unfolded = text.replace("\r\n ", "")
    assert f"SUMMARY:{h.title}" in unfolded
    assert re.search(r"DTSTART:\d{8}T\d{6}Z", unfolded)
    assert "BEGIN:VEVENT" in unfolded and f"UID:hearing-{h.id}@" in unfolded
    from portal.services.hearing_calendar import escape_text, fold

    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert fold("x" * 80) == "x" * 75 + "\r\n " + "x" * 5


def test_unannounced_and_non_disclosable_hearings_are_not_public(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    h.announced_at = None
    db.session.commit()
    assert client.get(f"/hearings/{h.id}").status_code == 404
    assert client.get(f"/api/v1/hearings/{h.id}").status_code == 404
    assert client.get(f"/hearings/{h.id}.ics").status_code == 404


# -- back office --------------------------------------------------------------------------------


def test_contacts_are_full_for_organisers_and_masked_for_other_staff(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    client.post(
        f"/api/v1/hearings/{h.id}/registrations",
        json={"name": "冯某", "contact_phone": PHONE, "contact_email": EMAIL},
    )
    login(client, "reviewer")
    masked = client.get(f"/admin/hearings/{h.id}").get_data(as_text=True)
    assert PHONE not in masked and EMAIL not in masked and "139****5678" in masked
    client.post("/admin/logout")
    login(client, "undertaker")
    full = client.get(f"/admin/hearings/{h.id}").get_data(as_text=True)
    assert PHONE in full and EMAIL in full


def test_reviewer_cannot_manage_and_other_governments_cannot_see(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    login(client, "reviewer")
    before = h.announced_at
    assert client.post(f"/admin/hearings/{h.id}/announce").status_code == 403
    db.session.expire_all()
    assert db.session.get(Hearing, h.id).announced_at == before  # nothing changed
    client.post("/admin/logout")
    login(client, "hongshan.office")
    assert client.get(f"/admin/hearings/{h.id}").status_code == 404


def test_proc_19c_back_office_says_the_hearing_cannot_be_held_with_the_rule(client, hearings):
    from portal import clock

    h = hearings[SelectionMethod.LOTTERY]  # participants chosen, materials not delivered
    hearing_id, starts_at = h.id, h.starts_at
    login(client, "hongshan.office")
    assert "PROC-19c" in text_of(client.get(f"/admin/hearings/{hearing_id}"))
    # a delivery 3 days before the hearing is saved, and the rule is named
    clock.freeze(starts_at - timedelta(days=3))
    login(client, "hongshan.office")
    late_day = (starts_at - timedelta(days=3)).astimezone(clock.local_zone()).date()
    response = client.post(
        f"/admin/hearings/{hearing_id}/materials",
        data={"d-method": "email", "d-delivered_on": late_day.isoformat(), "all": "1"},
        follow_redirects=True,
    )
    assert "PROC-19c" in text_of(response)
    clock.freeze(starts_at + timedelta(hours=1))
    login(client, "hongshan.office")
    refused = client.post(f"/admin/hearings/{hearing_id}/held")
    assert refused.status_code == 422 and "PROC-19c" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Hearing, hearing_id).held_at is None


def test_legality_review_screen_links_the_hearing_report(client, hearings):
    h = hearings[SelectionMethod.QUOTA]
    login(client, "reviewer")
    page = client.get(f"/admin/decisions/{h.decision_id}/legality")
    assert f"/admin/hearings/{h.id}#report" in page.get_data(as_text=True)


def test_organiser_plans_announces_and_checks_in_by_qr_code(client, hearings):
    h = hearings[SelectionMethod.FIRST_COME]
    login(client, "undertaker")
    listing = client.get(f"/admin/decisions/{h.decision_id}/hearings")
    assert listing.status_code == 200 and h.title in text_of(listing)
    reg = db.session.scalar(
        sa.select(HearingRegistration).where(HearingRegistration.hearing_id == h.id).limit(1)
    )
    scan = client.get(f"/admin/hearings/{h.id}/check-in?code={reg.checkin_code}")
    assert reg.name in text_of(scan)
    done = client.post(f"/admin/hearings/{h.id}/check-in", data={"code": reg.checkin_code})
    assert done.status_code == 302  # the back office's one write path (admin._helpers.submit)
    db.session.refresh(reg)
    assert reg.checked_in_at is not None
    bad = client.post(
        f"/admin/decisions/{h.decision_id}/hearings",
        data={"h-kind": "hearing", "h-title": "", "h-seats": "x"},
    )
    assert bad.status_code == 422


def test_a_stage_activity_kept_by_its_hearing_is_changed_only_there(client, hearings):
    from portal.models.participation import ParticipationActivity

    hearing = db.session.scalar(
        sa.select(Hearing).where(Hearing.activity_id.is_not(None)).order_by(Hearing.id)
    )
    activity_id, decision_id = hearing.activity_id, hearing.decision_id
    login(client, "office")
    page = client.get(f"/admin/decisions/{decision_id}/participation")
    assert f"/admin/hearings/{hearing.id}" in page.get_data(as_text=True)
    base = f"/admin/decisions/{decision_id}/participation/activities/{activity_id}"
    for response in (client.get(base + "/edit"), client.post(base + "/delete")):
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/admin/hearings/{hearing.id}")
    assert db.session.get(ParticipationActivity, activity_id) is not None  # not deleted
