"""Submitting opinions (HTML form and JSON API), receipts and the status lookup."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from tests.conftest import text_of
from tests.services.test_opinions import BODY, OPEN_TITLE, closed_decision

EMAIL = "li.private@example.cn"
PHONE = "13912345678"


def open_id() -> int:
    return db.session.scalar(sa.select(Decision.id).where(Decision.title == OPEN_TITLE))


def rows() -> list[Opinion]:
    return list(db.session.scalars(sa.select(Opinion).order_by(Opinion.id)).all())


def form(**overrides) -> dict:
    data = {
        "body": BODY,
        "clause": "第三章",
        "display_name": "李女士",
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "website": "",
        "submission_token": "tok-" + "a" * 20,
    }
    data.update(overrides)
    return data


# -- HTML --------------------------------------------------------------------------------------


def test_dossier_links_to_the_opinion_form_while_open(client, demo):
    page = client.get(f"/decisions/{open_id()}")
    assert f'href="/decisions/{open_id()}/opinions/new"' in page.get_data(as_text=True)
    assert "提出意见" in text_of(page)


def test_form_shows_privacy_notice_consent_box_unticked_and_hidden_honeypot(client, demo):
    page = client.get(f"/decisions/{open_id()}/opinions/new?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/privacy"' in html
    assert html.index("Privacy notice") < html.index("<form")
    assert 'name="publish_name_consent" type="checkbox" value="y">' in html  # not checked
    honeypot = html[html.index('class="field visually-hidden"') :][:400]
    assert 'aria-hidden="true"' in honeypot and 'tabindex="-1"' in honeypot
    assert "Leave this field empty" in honeypot
    assert "<script" not in html.split("<main", 1)[-1]


def test_submit_form_redirects_to_receipt_and_stores_private_contacts(client, demo):
    response = client.post(f"/decisions/{open_id()}/opinions/new", data=form())
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    (op,) = rows()
    assert op.contact_email == EMAIL and op.contact_phone == PHONE
    assert op.display_name == "李女士" and op.publish_name_consent is False
    text = text_of(receipt)
    assert op.receipt_code in text
    assert "回执码" in text
    for page in (receipt, client.get(f"/decisions/{open_id()}")):
        html = page.get_data(as_text=True)
        assert EMAIL not in html and PHONE not in html
    status = client.get(f"/opinions/status?receipt_code={op.receipt_code}")
    html = status.get_data(as_text=True)
    assert EMAIL not in html and PHONE not in html and "李女士" not in html


def test_resubmitted_form_returns_the_first_receipt_and_one_row(client, demo):
    url = f"/decisions/{open_id()}/opinions/new"
    client.post(url, data=form())
    first = rows()[0].receipt_code
    again = client.post(url, data=form(), follow_redirects=True)
    assert first in text_of(again)
    assert len(rows()) == 1
    # A new form view (new token), same body and contact: the 24-hour duplicate rule.
    again = client.post(url, data=form(submission_token="tok-" + "b" * 20), follow_redirects=True)
    assert first in text_of(again)
    assert len(rows()) == 1


def test_honeypot_filled_gets_422_and_nothing_saved(client, demo):
    response = client.post(
        f"/decisions/{open_id()}/opinions/new", data=form(website="http://spam.example")
    )
    assert response.status_code == 422
    assert rows() == []


def test_bad_phone_gets_422_naming_the_field_and_nothing_saved(client, demo):
    response = client.post(
        f"/decisions/{open_id()}/opinions/new?lang=en", data=form(contact_phone="12345")
    )
    assert response.status_code == 422
    assert 'id="contact_phone-error"' in response.get_data(as_text=True)
    assert rows() == []


def test_full_width_phone_digits_refused(client, demo):
    response = client.post(
        f"/decisions/{open_id()}/opinions/new", data=form(contact_phone="１３９１２３４５６７８")
    )
    assert response.status_code == 422
    assert rows() == []


def test_whitespace_only_body_refused(client, demo):
    response = client.post(
        f"/decisions/{open_id()}/opinions/new", data=form(body=" \u200b \n \u3000 ")
    )
    assert response.status_code == 422
    assert rows() == []


def test_markup_is_stored_as_text_and_rendered_escaped(client, demo):
    client.post(
        f"/decisions/{open_id()}/opinions/new",
        data=form(body="<b>加粗</b>＜ｓｃｒｉｐｔ＞alert(1)", display_name="<i>x</i>"),
    )
    (op,) = rows()
    assert op.body == "<b>加粗</b><script>alert(1)"


def test_closed_consultation_gets_409_naming_the_rule(client, demo):
    d = closed_decision()
    page = client.get(f"/decisions/{d.id}/opinions/new")
    assert page.status_code == 409
    assert "PROC-17b" in text_of(page)
    posted = client.post(f"/decisions/{d.id}/opinions/new", data=form())
    assert posted.status_code == 409
    assert "PROC-17b" in text_of(posted)
    assert rows() == []


def test_status_lookup_shows_only_that_opinion(client, demo):
    url = f"/decisions/{open_id()}/opinions/new"
    client.post(url, data=form())
    client.post(
        url, data=form(body="另一条意见：增加公交线路。", submission_token="tok-" + "c" * 20)
    )
    a, b = rows()
    a.adoption = AdoptionStatus.ADOPTED
    a.response = "已采纳，将在规划中体现。"
    db.session.commit()
    page = client.get(f"/opinions/status?receipt_code={a.receipt_code}")
    assert page.status_code == 200
    text = text_of(page)
    assert "已采纳，将在规划中体现。" in text
    assert b.receipt_code not in text and "增加公交线路" not in text


def test_status_lookup_unknown_code_is_a_clear_404(client, demo):
    page = client.get("/opinions/status?receipt_code=ABCDEFGHJKMN&lang=en")
    assert page.status_code == 404
    assert "No opinion was found" in text_of(page)
    assert client.get("/opinions/status").status_code == 200


# -- JSON API ----------------------------------------------------------------------------------


def post_json(client, decision_id, payload, **headers):
    return client.post(
        f"/api/v1/decisions/{decision_id}/opinions",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def test_api_submit_returns_201_receipt_and_sets_no_cookie(client, demo):
    response = post_json(client, open_id(), {"body": BODY, "contact_email": EMAIL})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    payload = response.get_json()
    assert payload["status"] == "received"
    (op,) = rows()
    assert payload["receipt_code"] == op.receipt_code
    assert op.contact_email == EMAIL


def test_api_idempotency_key_returns_the_first_receipt(client, demo):
    first = post_json(client, open_id(), {"body": BODY}, **{"Idempotency-Key": "abc-123"})
    again = post_json(client, open_id(), {"body": BODY + "改"}, **{"Idempotency-Key": "abc-123"})
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert len(rows()) == 1


def test_api_identical_submission_without_key_returns_the_first_receipt(client, demo):
    payload = {"body": BODY, "contact_phone": PHONE}
    first = post_json(client, open_id(), payload).get_json()
    again = post_json(client, open_id(), payload).get_json()
    assert again["receipt_code"] == first["receipt_code"]
    assert len(rows()) == 1


def test_api_closed_consultation_409_with_rule(client, demo):
    response = post_json(client, closed_decision().id, {"body": BODY})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["rule"] == "PROC-17b"
    assert error["code"] == "consultation_closed"
    assert rows() == []


def test_api_validation_errors_422_with_fields(client, demo):
    for payload, field in [
        ({"body": "短"}, "body"),
        ({"body": BODY, "contact_phone": "１３９１２３４５６７８"}, "contact_phone"),
        ({"body": BODY, "contact_email": "nope"}, "contact_email"),
        ({"body": 5}, "body"),
        ({}, "body"),
        ({"body": BODY, "publish_name_consent": "yes"}, "publish_name_consent"),
    ]:
        response = post_json(client, open_id(), payload)
        assert response.status_code == 422, payload
        assert field in response.get_json()["error"]["fields"], payload
    assert rows() == []


def test_api_malformed_json_400_and_oversize_413(client, demo):
    url = f"/api/v1/decisions/{open_id()}/opinions"
    bad = client.post(url, data="{not json", content_type="application/json")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "bad_request"
    assert client.post(url, data="[1, 2]", content_type="application/json").status_code == 400
    big = client.post(url, data=json.dumps({"body": "很" * 40000}), content_type="application/json")
    assert big.status_code == 413
    assert rows() == []


def test_api_unknown_decision_404(client, demo):
    assert post_json(client, 999999, {"body": BODY}).status_code == 404


def test_api_status_lookup_shows_only_status_adoption_response(client, demo):
    code = post_json(client, open_id(), {"body": BODY, "contact_email": EMAIL}).get_json()[
        "receipt_code"
    ]
    response = client.get(f"/api/v1/opinions/status?receipt_code={code}")
    assert response.status_code == 200
    assert response.get_json() == {"status": "received", "adoption": "pending", "response": None}
    (op,) = rows()
    op.status = OpinionStatus.PUBLISHED
    db.session.commit()
    assert client.get(f"/api/v1/opinions/status?receipt_code={code}").get_json()["status"] == (
        "published"
    )
    missing = client.get("/api/v1/opinions/status?receipt_code=ABCDEFGHJKMN")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_openapi_describes_the_opinion_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/decisions/{id}/opinions"]["post"]["responses"]) >= {
        "201",
        "400",
        "409",
        "413",
        "422",
    }
    assert "/opinions/status" in paths


def test_api_submissions_are_rate_limited_with_retry_after(tmp_path):
    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import limiter

    config = TestConfig(tmp_path)
    config.RATELIMIT_ENABLED = True
    app = create_app(config)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    try:
        statuses = [
            client.post("/api/v1/decisions/1/opinions", json={"body": BODY}).status_code
            for _ in range(11)
        ]
        assert statuses[:10] == [404] * 10
        assert statuses[10] == 429
        limited = client.post("/api/v1/decisions/1/opinions", json={"body": BODY})
        assert "Retry-After" in limited.headers
        assert limited.get_json()["error"]["code"] == "rate_limited"
    finally:
        limiter.reset()
