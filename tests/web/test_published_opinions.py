"""The public opinion page and API: published opinions only, masked, names only with consent,
withheld opinions counted by reason (PART-15b, A39)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portal.demo_opinions import seed_demo_opinions
from portal.extensions import db
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus
from portal.services import decisions as decision_service
from tests.conftest import NOW, text_of

PRIVATE = ["13812345678", "13904761234", "li@example.cn", "李女士"]


def setup_opinions() -> int:
    seed_demo_opinions(NOW)
    return decision_service.open_consultations(NOW, limit=1)[0].decision_id


def test_the_public_page_shows_published_opinions_masked_and_answered(client, demo):
    decision_id = setup_opinions()
    response = client.get(f"/decisions/{decision_id}/opinions")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(response)
    for secret in PRIVATE:
        assert secret not in html
    assert "138****5678" in text  # the phone inside the text, masked
    assert "王建国" in text  # consented name
    assert "公众意见 #" in text  # pseudonym otherwise
    assert "民法典" in text  # a response
    for word in ("已采纳", "部分采纳", "未采纳"):
        assert word in text
    assert "✓" in html and "✗" in html  # icon plus word


def test_withheld_and_received_opinions_are_absent_but_withheld_are_counted(client, demo):
    decision_id = setup_opinions()
    text = text_of(client.get(f"/decisions/{decision_id}/opinions"))
    assert "专业代办" not in text and "饭桶" not in text  # withheld
    assert "信用评价" not in text and "垃圾中转站" not in text  # still awaiting moderation
    assert "广告信息" in text  # withheld, counted by its published reason
    withheld_rows = db.session.scalar(
        sa.select(sa.func.count(Opinion.id)).where(
            Opinion.decision_id == decision_id, Opinion.status == OpinionStatus.WITHHELD
        )
    )
    assert withheld_rows == 3


def test_the_api_lists_published_opinions_per_the_contract(client, demo):
    decision_id = setup_opinions()
    response = client.get(f"/api/v1/decisions/{decision_id}/opinions?per_page=2")
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    for secret in PRIVATE:
        assert secret not in raw
    data = json.loads(raw)
    assert data["total"] == 5 and data["per_page"] == 2 and len(data["items"]) == 2
    item = data["items"][0]
    assert set(item) == {"id", "submitted_at", "body", "display_name", "adoption", "response"}
    everything = json.loads(
        client.get(f"/api/v1/decisions/{decision_id}/opinions?per_page=100").get_data()
    )["items"]
    bodies = " ".join(i["body"] for i in everything)
    assert "138****5678" in bodies and "13812345678" not in bodies
    names = {i["display_name"] for i in everything}
    assert "王建国" in names and None in names
    assert {i["adoption"] for i in everything} >= {"adopted", "not_adopted", "pending"}


def test_pagination_and_unknown_decisions(client, demo):
    decision_id = setup_opinions()
    second = text_of(client.get(f"/decisions/{decision_id}/opinions?per_page=2&page=3"))
    assert "停车" in second or "无障碍" in second
    assert client.get("/decisions/999999/opinions").status_code == 404
    assert client.get("/api/v1/decisions/999999/opinions").status_code == 404


def test_the_dossier_links_to_the_opinions_and_the_openapi_document_lists_them(client, demo):
    decision_id = setup_opinions()
    page = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert f'/decisions/{decision_id}/opinions"' in page
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "get" in doc["paths"]["/decisions/{id}/opinions"]
