"""Open data downloads and the data dictionary: formats, anonymisation, formula neutralisation,
no leak of anything not public, conditional GET, CORS."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.public.opendata import DATASETS
from portal.rules.consultation import OpinionStatus
from tests.conftest import NOW, text_of

SECRET_TITLE = "赤峰市重要物资储备布局调整方案"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # BOM: Excel opens UTF-8 Chinese correctly
    text = raw.decode("utf-8")[1:]
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text)))


def read_json(response) -> dict:
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def opinion(decision: Decision, **fields) -> Opinion:
    base = {
        "decision_id": decision.id,
        "consultation_id": fields.pop("consultation_id"),
        "receipt_code": fields.pop("receipt_code"),
        "body": fields.get("published_body", "原文"),
        "content_hash": "0" * 64,
        "submitted_at": NOW - timedelta(days=1),
    }
    op = Opinion(**(base | fields))
    db.session.add(op)
    return op


@pytest.fixture
def opinions(demo):
    """Three opinions on the open waste-sorting consultation: published with consent,
    published without consent, and withheld."""
    from portal.models.consultation import Consultation

    d = db.session.scalar(sa.select(Decision).where(Decision.title.like("%垃圾分类%")))
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == d.id))
    common = {"consultation_id": c.id, "moderated_at": NOW - timedelta(hours=1)}
    named = opinion(
        d,
        receipt_code="OPENDATA0001",
        status=OpinionStatus.PUBLISHED,
        published_body='=HYPERLINK("http://evil.example","点此") 建议增加投放点',
        display_name="王先生",
        publish_name_consent=True,
        contact_email="wang@example.com",
        contact_phone="13800000000",
        **common,
    )
    anonymous = opinion(
        d,
        receipt_code="OPENDATA0002",
        status=OpinionStatus.PUBLISHED,
        published_body="电话138****0000，建议延长收运时间",
        display_name="李女士",
        publish_name_consent=False,
        contact_email="li@example.com",
        **common,
    )
    withheld = opinion(
        d,
        receipt_code="OPENDATA0003",
        status=OpinionStatus.WITHHELD,
        published_body="",
        body="不应公开的意见原文",
        **common,
    )
    db.session.commit()
    return d, named, anonymous, withheld


def test_every_dataset_downloads_as_csv_and_json_with_the_documented_columns(client, demo):
    for name, dataset in DATASETS.items():
        rows = read_csv(client.get(f"/data/{name}.csv"))
        doc = read_json(client.get(f"/data/{name}.json"))
        assert doc["dataset"] == name
        assert doc["fields"] == dataset.columns
        assert len(rows) == len(doc["items"])
        for item in doc["items"]:
            assert list(item) == dataset.columns
        header = client.get(f"/data/{name}.csv").get_data().decode("utf-8-sig").splitlines()[0]
        assert header.split(",") == dataset.columns
    decisions = read_json(client.get("/data/decisions.json"))["items"]
    assert len(decisions) == 15  # 16 demo decisions, one not disclosable
    assert decisions[0]["published_at"] is None or decisions[0]["published_at"].endswith("+08:00")


def test_csv_download_is_an_attachment_and_json_is_not(client, demo):
    csv_response = client.get("/data/decisions.csv")
    assert csv_response.headers["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    assert "Content-Disposition" not in client.get("/data/decisions.json").headers
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.get("/data/decisions.xlsx").status_code == 404


def test_published_opinions_are_anonymised_exactly_as_on_the_public_page(client, opinions):
    d, named, anonymous, _withheld = opinions
    rows = {r["id"]: r for r in read_csv(client.get("/data/opinions.csv"))}
    items = {i["id"]: i for i in read_json(client.get("/data/opinions.json"))["items"]}
    assert set(items) == {named.id, anonymous.id}  # never a withheld opinion
    assert items[named.id]["display_name"] == "王先生"  # consented
    assert items[anonymous.id]["display_name"] is None  # no consent: no name
    assert items[anonymous.id]["body"] == "电话138****0000，建议延长收运时间"  # the masked text
    raw = client.get("/data/opinions.json").get_data(as_text=True) + client.get(
        "/data/opinions.csv"
    ).get_data(as_text=True)
    for private in ("李女士", "wang@example.com", "li@example.com", "13800000000", "不应公开"):
        assert private not in raw
    page = text_of(client.get(f"/decisions/{d.id}/opinions"))
    assert "王先生" in page and "李女士" not in page
    assert rows[str(anonymous.id)]["display_name"] == ""


def test_formula_cells_are_neutralised_in_csv_but_not_in_json(client, opinions):
    _, named, _, _ = opinions
    rows = {r["id"]: r for r in read_csv(client.get("/data/opinions.csv"))}
    assert rows[str(named.id)]["body"].startswith("'=HYPERLINK(")
    items = {i["id"]: i for i in read_json(client.get("/data/opinions.json"))["items"]}
    assert items[named.id]["body"].startswith("=HYPERLINK(")  # JSON keeps the exact text
    d = db.session.scalar(sa.select(Decision).where(Decision.non_disclosable.is_(False)).limit(1))
    for prefix in ("+", "-", "@", "\t"):
        d.summary = prefix + "1+1"
        db.session.commit()
        rows = {r["id"]: r for r in read_csv(client.get("/data/decisions.csv"))}
        assert rows[str(d.id)]["summary"] == "'" + prefix + "1+1"


def test_nothing_non_disclosable_in_any_download(client, demo):
    for name in DATASETS:
        for fmt in ("csv", "json"):
            text = client.get(f"/data/{name}.{fmt}").get_data(as_text=True)
            if name == "catalog-entries":
                continue  # A7: the catalog lists its name and unit; checked below
            assert SECRET_TITLE not in text, f"{name}.{fmt}"
    entries = read_json(client.get("/data/catalog-entries.json"))["items"]
    secret = [e for e in entries if e["title"] == SECRET_TITLE]
    assert len(secret) == 1
    assert secret[0]["decision_id"] is None and secret[0]["category"] is None


def test_conditional_get_and_change_detection(client, opinions):
    _d, named, _, _ = opinions
    # Each streamed download is closed before the test writes: an unread stream keeps its
    # GET request open, and the no-write-on-GET guard would (rightly) see the test's commit.
    first = client.get("/data/opinions.json")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    first.close()
    assert etag.startswith('W/"')
    assert client.get("/data/opinions.json", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get("/data/opinions.json", headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    head = client.head("/data/opinions.csv")
    assert head.status_code == 200 and head.headers["ETag"]
    head.close()
    # Withholding a published opinion changes the dataset: no stale 304.
    named.status = OpinionStatus.WITHHELD
    named.moderated_at = NOW
    db.session.commit()
    again = client.get("/data/opinions.json", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert named.id not in {i["id"] for i in read_json(again)["items"]}


def test_downloads_are_readable_from_any_origin(client, demo):
    response = client.get("/data/decisions.json", headers={"Origin": "https://news.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/data/decisions.csv", headers={"Origin": "https://x.example"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_data_dictionary_page_documents_every_field_in_both_languages(client, demo):
    zh = client.get("/data")
    assert zh.status_code == 200
    zh_text = text_of(zh)
    en_text = text_of(client.get("/data?lang=en"))
    assert "开放数据" in zh_text and "Open data" in en_text
    for dataset in DATASETS.values():
        for fmt in ("csv", "json"):
            assert f'href="/data/{dataset.name}.{fmt}"' in zh.get_data(as_text=True)
        for field in dataset.fields:
            assert field.name in zh_text and field.name in en_text
            assert str(field.meaning) in en_text
    assert "决策事项类别（PROC-3a）。" in zh_text
    assert "Category of the decision item (PROC-3a)." in en_text
    assert "public_construction_project" in zh_text  # code values are listed with labels


def test_hearings_dataset_lists_only_announced_hearings(client, demo):
    hearing_module = pytest.importorskip("portal.models.hearing")
    d = db.session.scalar(sa.select(Decision).where(Decision.title.like("%垃圾分类%")))
    common = {
        "decision_id": d.id,
        "kind": "hearing",
        "selection_method": "lottery",
        "starts_at": NOW + timedelta(days=12),
        "place": "市政务服务中心",
        "seats": 20,
    }
    announced = hearing_module.Hearing(
        title="已公告的听证会", announced_at=NOW - timedelta(days=1), **common
    )
    draft = hearing_module.Hearing(title="未公告的听证会", **common)
    db.session.add_all([announced, draft])
    db.session.commit()
    # the demo's own hearings and symposiums are of other decisions (issue 11: they are
    # hearing-module records now); this decision has only the two added here
    items = [
        i for i in read_json(client.get("/data/hearings.json"))["items"] if i["decision_id"] == d.id
    ]
    assert [i["title"] for i in items] == ["已公告的听证会"]
    assert items[0]["selection_method"] == "lottery" and items[0]["seats"] == 20
    assert items[0]["report_published_at"] is None
    assert "未公告的听证会" not in client.get("/data/hearings.csv").get_data(as_text=True)
