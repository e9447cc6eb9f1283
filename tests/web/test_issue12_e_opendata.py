"""Issue 12 (E): open data gives absolute URLs and states its licence (CC BY 4.0 unless
configured) on the data page, in the JSON head and in a Link header."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import text_of

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def current_app_base(client) -> str:
    return client.application.config["PUBLIC_URL"].rstrip("/")


def json_body(response) -> dict:
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def public_url(app):
    old = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = "https://juece.chifeng.gov.cn/"
    yield "https://juece.chifeng.gov.cn"
    app.config["PUBLIC_URL"] = old


@pytest.fixture
def own_licence(app):
    app.config["DATA_LICENCE"] = "赤峰市政府数据开放许可协议"
    app.config["DATA_LICENCE_URL"] = "https://data.chifeng.gov.cn/licence"
    yield
    app.config.pop("DATA_LICENCE", None)
    app.config.pop("DATA_LICENCE_URL", None)


def test_urls_are_absolute_on_the_public_address_whatever_the_host_header(client, demo, app):
    base = app.config["PUBLIC_URL"].rstrip("/")
    assert base.startswith("http")
    rows = csv_rows(client.get("/data/decisions.csv", headers={"Host": "evil.example"}))
    assert rows and all(r["url"].startswith(base + "/decisions/") for r in rows)
    assert {r["url"] for r in rows} == {f"{base}/decisions/{r['id']}" for r in rows}
    items = json_body(client.get("/data/hearings.json"))["items"]
    assert items and all(i["url"] == f"{base}/hearings/{i['id']}" for i in items)
    assert not any("evil.example" in r["url"] for r in rows)
    # The page the URL names is there.
    assert client.get(rows[0]["url"].removeprefix(base)).status_code == 200


def test_urls_use_the_configured_public_address(client, demo, public_url):
    for name in ("decisions", "hearings"):
        items = json_body(client.get(f"/data/{name}.json"))["items"]
        assert items
        assert all(i["url"].startswith(public_url + "/") for i in items)
        assert not any("//" in i["url"].removeprefix("https://") for i in items)
    rows = csv_rows(client.get("/data/decisions.csv"))
    assert all(r["url"].startswith(public_url + "/decisions/") for r in rows)


def test_etag_changes_with_the_host(client, demo, app):
    first = client.get("/data/decisions.json")
    first.get_data()
    old = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = "https://elsewhere.example"
    try:
        second = client.get("/data/decisions.json")
        second.get_data()
    finally:
        app.config["PUBLIC_URL"] = old
    assert first.headers["ETag"] != second.headers["ETag"]


def test_files_and_page_state_cc_by_by_default(client, demo):
    body = json_body(client.get("/data/decisions.json"))
    assert body["license"] == {"name": "CC BY 4.0", "url": CC_BY}
    assert body["source"] == current_app_base(client) + "/data"
    assert list(body)[:2] == ["dataset", "license"]
    for fmt in ("csv", "json"):
        response = client.get(f"/data/opinions.{fmt}")
        response.get_data()  # a streamed file: read it whole
        assert response.headers["Link"] == f'<{CC_BY}>; rel="license"'
    page = client.get("/data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="{CC_BY}" rel="license"' in html
    assert "CC BY 4.0" in text_of(page)


def test_a_configured_licence_replaces_cc_by(client, demo, own_licence):
    body = json_body(client.get("/data/hearings.json"))
    assert body["license"] == {
        "name": "赤峰市政府数据开放许可协议",
        "url": "https://data.chifeng.gov.cn/licence",
    }
    response = client.get("/data/hearings.csv")
    response.get_data()
    assert response.headers["Link"] == '<https://data.chifeng.gov.cn/licence>; rel="license"'
    page = text_of(client.get("/data"))
    assert "赤峰市政府数据开放许可协议" in page
    assert "CC BY" not in page


def test_csv_columns_unchanged_and_no_relative_url_left(client, demo):
    for name in ("decisions", "opinions", "hearings"):
        text = client.get(f"/data/{name}.csv").get_data(as_text=True)
        assert ",/decisions/" not in text and ",/hearings/" not in text
        assert '"license"' not in text.splitlines()[0]
