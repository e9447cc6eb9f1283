"""JSON API v1 against the public contract and its OpenAPI document: every route described,
real responses valid against their schemas, filters and errors, conditional GET, CORS."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogAdjustment, CatalogEntry
from portal.models.decision import Decision
from tests.conftest import NOW

SECRET_TITLE = "赤峰市重要物资储备布局调整方案"


# -- a small JSON Schema (2020-12 subset) validator: the keywords the document uses ----------


def validate(instance, schema: dict, root: dict, path: str = "$") -> list[str]:
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return validate(instance, target, root, path)
    errors: list[str] = []
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if not validate(instance, s, root, path)]
        if len(matches) != 1:
            errors.append(f"{path}: matches {len(matches)} of oneOf")
        return errors
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        checks = {
            "object": lambda v: isinstance(v, dict),
            "array": lambda v: isinstance(v, list),
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }
        if not any(checks[k](instance) for k in kinds):
            return [f"{path}: {instance!r} is not of type {kinds}"]
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} not in {schema['enum']}")
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{path}: {instance!r} != {schema['const']!r}")
    if isinstance(instance, str):
        if schema.get("format") == "date-time":
            moment = datetime.fromisoformat(instance)
            if moment.tzinfo is None:
                errors.append(f"{path}: date-time without offset")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{path}: {instance!r} does not match {schema['pattern']}")
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append(f"{path}: {instance} < {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append(f"{path}: {instance} > {schema['maximum']}")
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                errors.append(f"{path}: missing {name}")
        for name, value in instance.items():
            if name in schema.get("properties", {}):
                errors += validate(value, schema["properties"][name], root, f"{path}.{name}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += validate(value, schema["additionalProperties"], root, f"{path}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            errors += validate(item, schema["items"], root, f"{path}[{i}]")
    return errors


def test_the_validator_catches_what_it_should():
    root = {"components": {"schemas": {"N": {"type": ["string", "null"]}}}}
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/components/schemas/N"}},
    }
    assert validate({"a": 1, "b": None}, schema, root) == []
    assert validate({"a": "1"}, schema, root)
    assert validate({"b": 3}, schema, root)
    assert validate("2026-11-26T10:00:00", {"type": "string", "format": "date-time"}, root)


# -- the document against the code -----------------------------------------------------------


def openapi_key(rule: str) -> str:
    """/api/v1/decisions/<int:decision_id> -> /decisions/{}"""
    return re.sub(r"<[^>]+>", "{}", rule.removeprefix("/api/v1"))


def test_every_api_route_and_method_is_in_the_openapi_document(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    described = {
        (re.sub(r"\{[^}]+\}", "{}", path), method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    routes = {
        (openapi_key(rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes, "no API routes found"
    missing = routes - described
    assert not missing, f"API routes missing from the OpenAPI document: {sorted(missing)}"
    stale = described - routes
    assert not stale, f"OpenAPI paths without a route: {sorted(stale)}"


def test_openapi_document_is_well_formed(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["info"]["title"] and doc["info"]["version"] == "1"
    schemas = doc["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(doc):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    for path, item in doc["paths"].items():
        templated = set(re.findall(r"\{([^}]+)\}", path))
        for method, op in item.items():
            assert op["responses"], f"{method} {path}"
            assert all("description" in r for r in op["responses"].values())
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == templated, f"{method} {path}: path parameters"


def response_schema(doc: dict, path: str, status: str = "200") -> dict:
    return doc["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    ("doc_path", "url"),
    [
        ("/governments", "/api/v1/governments"),
        ("/decisions", "/api/v1/decisions?per_page=100"),
        ("/decisions", "/api/v1/decisions?consultation=open"),
        ("/catalogs", "/api/v1/catalogs"),
        ("/decisions/{id}", "/api/v1/decisions/{published}"),
        ("/decisions/{id}", "/api/v1/decisions/{consulting}"),
        ("/decisions/{id}/opinions", "/api/v1/decisions/{consulting}/opinions"),
    ],
)
def test_real_responses_validate_against_their_schemas(client, demo, doc_path, url):
    published = db.session.scalar(
        sa.select(Decision.id).where(Decision.published_at.is_not(None)).limit(1)
    )
    consulting = db.session.scalar(sa.select(Decision.id).where(Decision.title.like("%垃圾分类%")))
    doc = client.get("/api/v1/openapi.json").get_json()
    response = client.get(url.format(published=published, consulting=consulting))
    assert response.status_code == 200
    errors = validate(response.get_json(), response_schema(doc, doc_path), doc)
    assert errors == []


def test_error_responses_validate_against_the_error_schema(client, demo):
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Error"}
    for url, status in (
        ("/api/v1/decisions/999999", 404),
        ("/api/v1/decisions?stage=nonsense", 422),
        ("/api/v1/catalogs?year=abc", 422),
        ("/api/v1/no-such-endpoint", 404),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert validate(response.get_json(), schema, doc) == [], url


# -- the endpoints ---------------------------------------------------------------------------


def test_decision_detail_has_every_field_of_the_contract(client, demo):
    d = db.session.scalar(
        sa.select(Decision).where(Decision.published_at.is_not(None)).order_by(Decision.id)
    )
    body = client.get(f"/api/v1/decisions/{d.id}").get_json()
    contract = {
        "id",
        "title",
        "gov",
        "category",
        "undertaking_unit",
        "stage",
        "timeline",
        "consultation",
        "documents",
        "hearings",
        "published_at",
    }
    assert contract <= set(body)
    assert body["published_at"].endswith("+08:00")
    assert {"stage", "started_at", "completed_at"} <= set(body["timeline"][0])
    assert {"publication", "filing"} <= {t["stage"] for t in body["timeline"]}
    assert {"decision_text", "interpretation", "adoption_report"} <= {
        doc["kind"] for doc in body["documents"]
    }
    assert isinstance(body["hearings"], list)
    c = body["consultation"]
    assert set(c) >= {"opens_at", "closes_at", "is_open", "shortened_reason", "channels", "contact"}
    assert c["is_open"] is False


def test_decision_filters_combine_and_page(client, demo):
    both = client.get("/api/v1/decisions?consultation=open&gov=chifeng").get_json()
    assert both["total"] == 2
    assert {i["gov"] for i in both["items"]} == {"chifeng"}
    assert {i["stage"] for i in both["items"]} == {"consultation"}
    page1 = client.get("/api/v1/decisions?consultation=open&per_page=2").get_json()
    page2 = client.get("/api/v1/decisions?consultation=open&per_page=2&page=2").get_json()
    assert page1["total"] == page2["total"] == 3
    assert len(page1["items"]) == 2 and len(page2["items"]) == 1
    published = client.get("/api/v1/decisions?stage=published&per_page=100").get_json()
    assert published["total"] >= 1
    assert {i["stage"] for i in published["items"]} == {"published"}
    year = client.get("/api/v1/decisions?year=2026&per_page=100").get_json()
    assert {i["year"] for i in year["items"]} == {2026}
    assert client.get("/api/v1/decisions?year=1990").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("gov=atlantis", "gov"),
        ("year=abc", "year"),
        ("year=２０２６", "year"),  # full-width digits are not a year
        ("stage=nonsense", "stage"),
        ("category=x", "category"),
        ("consultation=closed", "consultation"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("per_page=abc", "per_page"),
    ],
)
def test_malformed_filters_are_422_with_the_field(client, demo, query, field):
    response = client.get(f"/api/v1/decisions?{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {field}


def test_catalogs_endpoint_lists_published_catalogs_with_entries_and_adjustments(client, demo):
    body = client.get("/api/v1/catalogs").get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["total"] == 3
    assert {c["gov"] for c in body["items"]} == {"chifeng", "hongshan", "songshan"}
    songshan = client.get("/api/v1/catalogs?gov=songshan&year=2026").get_json()["items"]
    assert len(songshan) == 1
    assert set(songshan[0]) >= {"gov", "year", "published_at", "filed_at", "entries", "adjustments"}
    assert client.get("/api/v1/catalogs?year=2020").get_json()["total"] == 0
    assert client.get("/api/v1/catalogs?gov=atlantis").status_code == 422


def test_catalog_entries_never_expose_a_non_disclosable_item(client, demo):
    entries = [e for c in client.get("/api/v1/catalogs").get_json()["items"] for e in c["entries"]]
    secret = [e for e in entries if e["title"] == SECRET_TITLE]
    assert len(secret) == 1  # rules.md A7: the name and the undertaking unit only
    assert secret[0]["non_disclosable"] is True
    assert secret[0]["decision_id"] is None
    assert secret[0]["category"] is None and secret[0]["basis"] is None
    assert secret[0]["undertaking_unit"]


def test_catalog_adjustments_appear_once_published(client, demo):
    catalog = db.session.scalar(sa.select(Catalog).order_by(Catalog.id).limit(1))
    first = catalog.entries[0]
    published = CatalogAdjustment(
        catalog=catalog,
        version=1,
        description="增列一项，移出一项",
        approved_at=NOW - timedelta(days=3),
        published_at=NOW - timedelta(days=2),
    )
    pending = CatalogAdjustment(catalog=catalog, version=2, description="尚未公布的调整")
    db.session.add_all([published, pending])
    db.session.flush()
    first.removed_by_id = published.id
    db.session.add_all(
        [
            CatalogEntry(
                catalog=catalog,
                seq=90,
                title="经调整增列的事项",
                category=first.category,
                added_by_id=published.id,
            ),
            CatalogEntry(
                catalog=catalog,
                seq=91,
                title="尚未公布的增列事项",
                category=first.category,
                added_by_id=pending.id,
            ),
        ]
    )
    db.session.commit()
    slug, year = catalog.government.slug, catalog.year
    item = client.get(f"/api/v1/catalogs?gov={slug}&year={year}").get_json()["items"][0]
    assert [a["version"] for a in item["adjustments"]] == [1]
    by_title = {e["title"]: e for e in item["entries"]}
    assert by_title[first.title]["status"] == "removed"
    assert by_title[first.title]["removed_in_adjustment"] == 1
    assert by_title["经调整增列的事项"]["added_in_adjustment"] == 1
    assert "尚未公布的增列事项" not in by_title


def test_non_disclosable_decision_is_absent_everywhere_in_the_api(client, demo):
    secret = db.session.scalar(sa.select(Decision).where(Decision.title == SECRET_TITLE))
    assert client.get(f"/api/v1/decisions/{secret.id}").status_code == 404
    assert client.get(f"/api/v1/decisions/{secret.id}/opinions").status_code == 404
    for url in ("/api/v1/decisions?per_page=100", "/api/v1/decisions?consultation=open"):
        assert SECRET_TITLE not in client.get(url).get_data(as_text=True)


# -- caching and CORS ------------------------------------------------------------------------


READS = [
    "/api/v1/governments",
    "/api/v1/decisions",
    "/api/v1/catalogs",
    "/api/v1/decisions/{id}",
    "/api/v1/decisions/{id}/opinions",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("template", READS)
def test_every_read_has_an_etag_and_answers_304(client, demo, template):
    url = template.format(id=db.session.scalar(sa.select(Decision.id).limit(1)))
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    "template", ["/api/v1/decisions", "/api/v1/catalogs", "/api/v1/decisions/{id}"]
)
def test_reads_with_timestamps_answer_if_modified_since(client, demo, template):
    url = template.format(id=db.session.scalar(sa.select(Decision.id).limit(1)))
    first = client.get(url)
    modified = first.headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    older = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200


def test_an_edit_changes_the_etag(client, demo):
    d = db.session.scalar(sa.select(Decision).where(Decision.non_disclosable.is_(False)).limit(1))
    url = f"/api/v1/decisions/{d.id}"
    first = client.get(url)
    d.summary = "更新后的摘要"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.get_json()["summary"] == "更新后的摘要"


def test_cors_on_reads_and_preflight_but_never_on_post(client, demo):
    d_id = db.session.scalar(sa.select(Decision.id).where(Decision.title.like("%垃圾分类%")))
    get = client.get("/api/v1/decisions", headers={"Origin": "https://news.example"})
    assert get.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in get.headers["Access-Control-Expose-Headers"]
    missing = client.get("/api/v1/decisions/999999", headers={"Origin": "https://x.example"})
    assert missing.headers["Access-Control-Allow-Origin"] == "*"  # errors are readable too
    preflight = client.options(
        f"/api/v1/decisions/{d_id}/opinions",
        headers={"Origin": "https://x.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]
    post = client.post(
        f"/api/v1/decisions/{d_id}/opinions",
        json={"body": "跨站提交的意见应当没有 CORS 许可头。"},
        headers={"Origin": "https://x.example"},
    )
    assert post.status_code == 201
    assert "Access-Control-Allow-Origin" not in post.headers
