"""Issue 12 (E): English pages carry no full-width punctuation next to English words, and the
headings citizens read carry no HTTP status codes (the code stays in the HTTP status)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.hearing import Hearing
from portal.rules.stages import Stage
from tests.conftest import text_of

# A full-width colon, comma, bracket or full stop between English words (or an English word and
# a number), as in "Comments close：26 Dec": not Chinese text quoting a rule ID (PART-12a）。).
MIXED = re.compile(r"[A-Za-z][：，（）。](?=[\sA-Za-z0-9])|(?<=[\sA-Za-z])[：，（）。][A-Za-z0-9]")


def h1(response) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, html[:500]
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def mixed(response) -> list[str]:
    html = response.get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return [text[max(m.start() - 25, 0) : m.end() + 10] for m in MIXED.finditer(text)]


def test_english_pages_use_english_punctuation(client, demo):
    from portal.demo_hearings import seed_demo_hearings

    seed_demo_hearings(db.session.scalar(sa.select(sa.func.max(Decision.created_at))))
    db.session.commit()
    open_id = db.session.scalar(
        sa.select(Decision.id).where(Decision.stage == Stage.CONSULTATION).order_by(Decision.id)
    )
    hearing_id = db.session.scalar(sa.select(Hearing.id).order_by(Hearing.id))
    pages = [
        "/",
        "/consultations",
        "/publications",
        f"/decisions/{open_id}",
        "/decisions/8",
        "/decisions/9",
        "/opinions/status",
        "/hearings",
        f"/hearings/{hearing_id}",
        f"/decisions/{open_id}/opinions",
        "/catalogs/chifeng/2026",
        "/data",
        "/participate",
    ]
    for path in pages:
        response = client.get(path, query_string={"lang": "en"})
        assert response.status_code == 200, path
        assert mixed(response) == [], path


def test_comments_close_reads_naturally_in_both_languages(client, demo):
    en = text_of(client.get("/?lang=en"))
    assert "Comments close: " in en and "Comments close：" not in en
    assert re.search(r"24:00 \(\d+ days? left\)", en)
    zh = text_of(client.get("/?lang=zh"))
    assert "征求意见截止：" in zh
    assert re.search(r"24:00 ?（还剩 \d+ 天）", zh)


def test_error_headings_carry_no_status_code(client, demo):
    missing = client.get("/decisions/999999")
    assert missing.status_code == 404
    assert not re.search(r"\(\d{3}\)|\d{3}", h1(missing))

    closed = db.session.scalar(
        sa.select(Decision.id).where(Decision.stage == Stage.PUBLISHED).order_by(Decision.id)
    )
    refused = client.get(f"/decisions/{closed}/opinions/new?lang=zh")
    assert refused.status_code == 409
    assert h1(refused) == "无法提交意见"
    assert "(409)" not in text_of(refused)
    english = client.get(f"/decisions/{closed}/opinions/new?lang=en")
    assert english.status_code == 409
    assert h1(english) == "Opinions cannot be submitted"
    assert mixed(english) == []
