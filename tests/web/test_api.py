"""JSON API v1: governments, decisions, envelopes, errors, conditional GET."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision


def test_governments_lists_the_city_and_its_twelve_counties(client, demo):
    response = client.get("/api/v1/governments")
    assert response.status_code == 200
    govs = response.get_json()
    assert len(govs) == 13
    city = govs[0]
    assert city == {
        "slug": "chifeng",
        "name": "赤峰市",
        "name_en": "Chifeng City",
        "level": "city",
        "parent": None,
    }
    counties = {g["name"]: g for g in govs[1:]}
    assert set(counties) == {
        "红山区",
        "元宝山区",
        "松山区",
        "阿鲁科尔沁旗",
        "巴林左旗",
        "巴林右旗",
        "林西县",
        "克什克腾旗",
        "翁牛特旗",
        "喀喇沁旗",
        "宁城县",
        "敖汉旗",
    }
    assert all(g["level"] == "county" and g["parent"] == "chifeng" for g in govs[1:])
    assert counties["红山区"]["slug"] == "hongshan"
    assert all(g["slug"].isascii() and g["slug"].isalpha() for g in govs)


def test_decision_list_envelope_paging_and_cap(client, demo):
    body = client.get("/api/v1/decisions?per_page=5").get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["per_page"] == 5 and len(body["items"]) == 5
    assert body["total"] == 15  # 16 demo decisions, one of them not disclosable
    assert client.get("/api/v1/decisions?per_page=1000").get_json()["per_page"] == 100
    page3 = client.get("/api/v1/decisions?per_page=5&page=3").get_json()
    assert len(page3["items"]) == 5
    ids = {i["id"] for i in body["items"]} | {i["id"] for i in page3["items"]}
    assert len(ids) == 10


def test_open_consultation_filter(client, demo):
    body = client.get("/api/v1/decisions?consultation=open").get_json()
    assert body["total"] == 3
    assert {i["stage"] for i in body["items"]} == {"consultation"}
    hongshan = client.get("/api/v1/decisions?consultation=open&gov=hongshan").get_json()
    assert [i["gov"] for i in hongshan["items"]] == ["hongshan"]


def test_unknown_stage_is_a_422_with_the_field(client, demo):
    response = client.get("/api/v1/decisions?stage=nonsense")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"stage": "unknown value"}


def test_decision_detail_carries_timeline_and_consultation(client, demo):
    d = db.session.scalar(sa.select(Decision).where(Decision.title.like("%垃圾分类%")))
    body = client.get(f"/api/v1/decisions/{d.id}").get_json()
    assert body["stage"] == "consultation"
    c = body["consultation"]
    assert c["is_open"] is True
    assert c["shortened_reason"].startswith("为在今冬明春前")
    assert c["closes_at"].endswith("+08:00")
    assert c["contact"]["department"] == "市城市管理综合执法局"
    steps = [t["stage"] for t in body["timeline"]]
    assert steps[:3] == ["initiation", "drafting_research", "public_participation"]
    assert body["timeline"][0]["completed_at"] is not None
    assert any(doc["kind"] == "draft" for doc in body["documents"])


def test_conditional_get_answers_304(client, demo):
    first = client.get("/api/v1/governments")
    etag = first.headers["ETag"]
    second = client.get("/api/v1/governments", headers={"If-None-Match": etag})
    assert second.status_code == 304


def test_openapi_document_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/governments", "/decisions", "/decisions/{id}"} <= set(doc["paths"])


def test_api_errors_speak_the_readers_language(client, demo):
    from portal.services import decisions as decision_service
    from tests.conftest import NOW

    open_id = decision_service.open_consultations(NOW, limit=1)[0].decision_id
    url = f"/api/v1/decisions/{open_id}/opinions"
    zh = client.post(url, json={"body": 5}).get_json()["error"]
    assert zh["code"] == "validation_failed"
    assert zh["message"] == "提交的内容不完整或有误。"
    assert zh["fields"]["body"] == "须为文本。"
    missing = client.get("/api/v1/decisions/999999/opinions").get_json()["error"]
    assert (missing["code"], missing["message"]) == ("not_found", "没有该编号的公开决策事项。")
    en = client.post(url + "?lang=en", json={"body": 5}).get_json()["error"]
    assert en["fields"]["body"] == "Must be text."
