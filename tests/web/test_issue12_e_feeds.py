"""Issue 12 (E): feeds list each event once; entry ids are unique and stable."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.org import Government

A = "{http://www.w3.org/2005/Atom}"


def feed_entries(client, url: str) -> list[tuple[str, str, str, str]]:
    """(id, title, updated, alternate link) of every entry of a feed."""
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output
    out = []
    for e in root.findall(f"{A}entry"):
        link = next(x.get("href") for x in e.findall(f"{A}link") if x.get("rel") == "alternate")
        out.append(
            (e.find(f"{A}id").text, e.find(f"{A}title").text, e.find(f"{A}updated").text, link)
        )
    return out


def all_feed_urls() -> list[str]:
    urls = ["/feeds/all.atom"]
    urls += [f"/feeds/gov/{slug}.atom" for slug in db.session.scalars(sa.select(Government.slug))]
    urls += [
        f"/feeds/decisions/{i}.atom"
        for i in db.session.scalars(
            sa.select(Decision.id).where(Decision.non_disclosable.is_(False))
        )
    ]
    return urls


def assert_no_repeats(client, url: str) -> None:
    items = feed_entries(client, url)
    ids = Counter(i for i, *_ in items)
    assert [i for i, n in ids.items() if n > 1] == [], url
    same = Counter((link.split("#")[0], title, updated) for _, title, updated, link in items)
    assert [k for k, n in same.items() if n > 1] == [], url


def test_no_feed_repeats_an_entry_for_one_decision(client, demo):
    for url in all_feed_urls():
        assert_no_repeats(client, url)


def test_demo_has_one_comment_window_per_decision(client, demo):
    counts = db.session.execute(
        sa.select(Consultation.decision_id, sa.func.count()).group_by(Consultation.decision_id)
    ).all()
    assert counts and all(n == 1 for _, n in counts)
    titles = [
        t for _, t, _, _ in feed_entries(client, "/feeds/all.atom") if t.startswith("征求意见")
    ]
    assert titles and len(titles) == len(set(titles))


def test_a_repeated_window_row_is_listed_once_under_the_first_id(client, demo):
    first = db.session.scalar(
        sa.select(Consultation)
        .join(Decision)
        .where(Decision.non_disclosable.is_(False))
        .order_by(Consultation.id)
        .limit(1)
    )
    before = feed_entries(client, f"/feeds/decisions/{first.decision_id}.atom")
    twin = Consultation(
        **{c.key: getattr(first, c.key) for c in Consultation.__table__.columns if c.key != "id"}
    )
    db.session.add(twin)
    db.session.commit()
    for url in ("/feeds/all.atom", f"/feeds/decisions/{first.decision_id}.atom"):
        assert_no_repeats(client, url)
    after = feed_entries(client, f"/feeds/decisions/{first.decision_id}.atom")
    assert after == before
    assert any(i.endswith(f":consultation/{first.id}") for i, *_ in after)


def test_entry_ids_are_stable_across_requests_and_languages(client, demo):
    zh = [i for i, *_ in feed_entries(client, "/feeds/all.atom")]
    again = [i for i, *_ in feed_entries(client, "/feeds/all.atom")]
    en = [i for i, *_ in feed_entries(client, "/feeds/all.atom?lang=en")]
    assert zh == again
    assert sorted(zh) == sorted(en)
    assert all(i.startswith("tag:") for i in zh)
