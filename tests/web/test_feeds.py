"""Atom feeds (RFC 4287): required elements, escaping, stable ids, scope, privacy, conditional
GET and autodiscovery."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogStatus
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.hearing import Hearing
from portal.models.org import Government
from tests.conftest import NOW

A = "{http://www.w3.org/2005/Atom}"
SECRET_TITLE = "赤峰市重要物资储备布局调整方案"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(body)  # noqa: S314 - our own output; raises on malformed XML
    assert root.tag == f"{A}feed"
    return root


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def one(element: ET.Element, name: str) -> ET.Element:
    found = element.findall(f"{A}{name}")
    assert len(found) == 1, f"exactly one atom:{name} expected, found {len(found)}"
    return found[0]


def timestamp(element: ET.Element, name: str) -> datetime:
    value = datetime.fromisoformat(one(element, name).text)
    assert value.tzinfo is not None  # RFC 3339: a date-time with an offset
    return value


def kinds(root: ET.Element) -> set[str]:
    return {e.find(f"{A}category").get("term") for e in entries(root)}


def published_decision() -> Decision:
    return db.session.scalar(
        sa.select(Decision)
        .where(Decision.published_at.is_not(None), Decision.non_disclosable.is_(False))
        .order_by(Decision.id)
        .limit(1)
    )


def test_site_feed_has_every_element_rfc_4287_requires(client, demo):
    root = parse(client.get("/feeds/all.atom"))
    # atom:feed: exactly one id, title and updated; an author (entries carry none of their own);
    # a self link (SHOULD); at most one alternate link per type.
    assert one(root, "id").text.startswith("tag:")
    assert one(root, "title").text == "重大行政决策 - 赤峰市人民政府"
    feed_updated = timestamp(root, "updated")
    assert one(one(root, "author"), "name").text
    links = root.findall(f"{A}link")
    assert [x.get("href") for x in links if x.get("rel") == "self"] == [
        "http://localhost/feeds/all.atom"
    ]
    assert len([x for x in links if x.get("rel") == "alternate"]) == 1
    items = entries(root)
    assert 5 <= len(items) <= 50
    ids = []
    for entry in items:
        ids.append(one(entry, "id").text)
        assert one(entry, "title").text
        assert one(entry, "summary").text
        updated = timestamp(entry, "updated")
        assert timestamp(entry, "published") <= updated <= feed_updated
        alternate = [x for x in entry.findall(f"{A}link") if x.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("http://localhost/")
    assert len(set(ids)) == len(ids)  # unique entry ids
    assert all(i.startswith("tag:chifeng.gov.cn,2026:") for i in ids)
    stamps = [timestamp(e, "updated") for e in items]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    assert feed_updated == stamps[0]
    assert {"consultation_opened", "decision_published", "adoption_report_published"} <= kinds(root)


def test_catalog_publication_is_an_entry_of_the_government_feed(client, demo):
    root = parse(client.get("/feeds/gov/hongshan.atom"))
    catalog_entries = [
        e for e in entries(root) if e.find(f"{A}category").get("term") == "catalog_published"
    ]
    assert len(catalog_entries) == 1
    assert one(catalog_entries[0], "title").text == "红山区：2026年度决策事项目录公布"
    link = catalog_entries[0].find(f"{A}link").get("href")
    assert link == "http://localhost/catalogs/hongshan/2026"


def test_markup_and_control_characters_in_titles_are_escaped(client, demo):
    d = published_decision()
    hostile = '<b>粗体</b> & "引号" <script>alert(1)</script>'
    d.title = hostile
    d.summary = "摘要\x07含控制字符 <i>斜体</i>"
    db.session.commit()
    response = client.get(f"/feeds/decisions/{d.id}.atom")
    raw = response.get_data(as_text=True)
    assert "<b>" not in raw and "<script>" not in raw
    assert "&lt;b&gt;粗体&lt;/b&gt; &amp;" in raw
    root = parse(response)
    assert one(root, "title").text == hostile  # the text round-trips exactly
    assert root.find(f".//{A}b") is None and root.find(f".//{A}script") is None
    published = [
        e for e in entries(root) if e.find(f"{A}category").get("term") == "decision_published"
    ]
    assert one(published[0], "title").text == f"决策公布：{hostile}"
    assert one(published[0], "summary").text == "摘要含控制字符 <i>斜体</i>"


def test_entry_ids_never_change_with_edits_language_or_time(client, demo):
    before = [one(e, "id").text for e in entries(parse(client.get("/feeds/all.atom")))]
    d = published_decision()
    d.title = d.title + "（修订）"
    db.session.commit()
    after = [one(e, "id").text for e in entries(parse(client.get("/feeds/all.atom")))]
    english = [one(e, "id").text for e in entries(parse(client.get("/feeds/all.atom?lang=en")))]
    assert before == after == english
    assert f"tag:chifeng.gov.cn,2026:decision/{d.id}/published" in after


def test_english_feed_is_labelled_english(client, demo):
    root = parse(client.get("/feeds/all.atom?lang=en"))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    titles = [one(e, "title").text for e in entries(root)]
    assert any(t.startswith("Consultation opened: ") for t in titles)


def test_non_disclosable_decision_never_appears_in_any_feed(client, demo):
    secret = db.session.scalar(sa.select(Decision).where(Decision.title == SECRET_TITLE))
    assert secret.non_disclosable
    # Even with a publication date and an open consultation it stays out.
    secret.published_at = NOW - timedelta(days=1)
    db.session.add(
        Consultation(
            decision_id=secret.id,
            title=SECRET_TITLE + "征求意见",
            opens_at=NOW - timedelta(days=2),
            closes_at=NOW + timedelta(days=30),
        )
    )
    db.session.commit()
    slug = db.session.get(Government, secret.government_id).slug
    for url in ("/feeds/all.atom", f"/feeds/gov/{slug}.atom"):
        assert SECRET_TITLE not in client.get(url).get_data(as_text=True)
    assert client.get(f"/feeds/decisions/{secret.id}.atom").status_code == 404


def test_nothing_before_it_is_public(client, demo):
    d = db.session.scalar(
        sa.select(Decision).where(Decision.published_at.is_(None)).order_by(Decision.id).limit(1)
    )
    db.session.add(
        Consultation(
            decision_id=d.id,
            title="明天开始的征求意见",
            opens_at=NOW + timedelta(days=1),
            closes_at=NOW + timedelta(days=31),
        )
    )
    catalog = db.session.scalar(sa.select(Catalog).order_by(Catalog.id).limit(1))
    catalog.status = CatalogStatus.DRAFTING
    db.session.commit()
    root = parse(client.get("/feeds/all.atom"))
    ids = {one(e, "id").text for e in entries(root)}
    future = db.session.scalar(
        sa.select(Consultation.id).where(Consultation.title == "明天开始的征求意见")
    )
    assert f"tag:chifeng.gov.cn,2026:consultation/{future}" not in ids
    assert f"tag:chifeng.gov.cn,2026:catalog/{catalog.id}" not in ids


def test_government_and_decision_feeds_cover_only_their_scope(client, demo):
    hongshan = db.session.scalar(sa.select(Government).where(Government.slug == "hongshan"))
    own = set(
        db.session.scalars(sa.select(Decision.id).where(Decision.government_id == hongshan.id))
    )
    root = parse(client.get("/feeds/gov/hongshan.atom"))
    assert one(root, "title").text == "重大行政决策 - 红山区人民政府"
    for e in entries(root):
        href = e.find(f"{A}link").get("href")
        path = href.removeprefix("http://localhost")
        assert path.startswith("/catalogs/hongshan/") or int(path.split("/")[2]) in own
    d = published_decision()
    root = parse(client.get(f"/feeds/decisions/{d.id}.atom"))
    assert one(root, "title").text == d.title
    assert entries(root)
    # issue 11: the decision's symposiums and hearings are hearing-module records, in its feed
    own_hearings = {
        f"http://localhost/hearings/{h}"
        for h in db.session.scalars(sa.select(Hearing.id).where(Hearing.decision_id == d.id))
    }
    for e in entries(root):
        href = e.find(f"{A}link").get("href")
        assert href.startswith(f"http://localhost/decisions/{d.id}") or href in own_hearings
    assert client.get("/feeds/gov/atlantis.atom").status_code == 404
    assert client.get("/feeds/decisions/999999.atom").status_code == 404


def test_conditional_get_answers_304_until_something_changes(client, demo):
    first = client.get("/feeds/all.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/feeds/all.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": modified}).status_code == 304
    d = db.session.scalar(
        sa.select(Decision)
        .where(Decision.published_at.is_(None), Decision.non_disclosable.is_(False))
        .limit(1)
    )
    d.published_at = NOW - timedelta(minutes=5)
    db.session.commit()
    changed = client.get("/feeds/all.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": modified}).status_code == 200


def test_feeds_are_readable_from_other_origins(client, demo):
    response = client.get("/feeds/all.atom")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_announce_their_feeds_in_the_head(client, demo):
    def alternates(url: str) -> list[str]:
        html = client.get(url).get_data(as_text=True)
        head = html.split("</head>")[0]
        return [
            line.split('href="')[1].split('"')[0]
            for line in head.splitlines()
            if 'rel="alternate" type="application/atom+xml"' in line
        ]

    assert alternates("/") == ["/feeds/all.atom"]
    d = published_decision()
    slug = db.session.get(Government, d.government_id).slug
    assert alternates(f"/decisions/{d.id}") == [
        "/feeds/all.atom",
        f"/feeds/gov/{slug}.atom",
        f"/feeds/decisions/{d.id}.atom",
    ]
    assert alternates("/decisions?gov=hongshan") == ["/feeds/all.atom", "/feeds/gov/hongshan.atom"]
    assert alternates("/catalogs/songshan/2026") == [
        "/feeds/all.atom",
        "/feeds/gov/songshan.atom",
    ]


def test_hearing_announcement_list_and_report_are_entries(client, demo):
    hearing_module = pytest.importorskip("portal.models.hearing")
    d = db.session.scalar(
        sa.select(Decision)
        .where(Decision.stage == "consultation", Decision.non_disclosable.is_(False))
        .limit(1)
    )
    common = {
        "decision_id": d.id,
        "kind": "hearing",
        "selection_method": "first_come",
        "starts_at": NOW + timedelta(days=10),
        "place": "市政府第一会议室",
    }
    announced = hearing_module.Hearing(
        title="供热价格听证会",
        announced_at=NOW - timedelta(days=3),
        list_published_at=NOW - timedelta(days=1),
        report_published_at=None,
        **common,
    )
    hidden = hearing_module.Hearing(title="尚未公告的听证会", **common)
    db.session.add_all([announced, hidden])
    db.session.commit()
    root = parse(client.get(f"/feeds/decisions/{d.id}.atom"))
    by_id = {one(e, "id").text: e for e in entries(root)}
    tag = "tag:chifeng.gov.cn,2026:hearing/"
    assert one(by_id[f"{tag}{announced.id}"], "title").text == "听证会公告：供热价格听证会"
    assert f"{tag}{announced.id}/participants" in by_id
    assert f"{tag}{announced.id}/report" not in by_id
    assert (
        by_id[f"{tag}{announced.id}"]
        .find(f"{A}link")
        .get("href")
        .endswith(f"/hearings/{announced.id}")
    )
    assert "尚未公告的听证会" not in client.get("/feeds/all.atom").get_data(as_text=True)


def test_published_implementation_update_is_an_entry(client, demo):
    supervision = pytest.importorskip("portal.models.supervision")
    d = published_decision()
    update = supervision.ImplementationUpdate(
        decision_id=d.id, achievements="已完成第一阶段任务", published_at=NOW - timedelta(hours=2)
    )
    draft = supervision.ImplementationUpdate(decision_id=d.id, achievements="内部草稿")
    db.session.add_all([update, draft])
    db.session.commit()
    raw = client.get(f"/feeds/decisions/{d.id}.atom").get_data(as_text=True)
    assert f"tag:chifeng.gov.cn,2026:implementation-update/{update.id}" in raw
    assert "已完成第一阶段任务" in raw
    assert "内部草稿" not in raw
