"""Issue 12 (E): each search hit says what it is (an opinion on a decision is not the decision),
with its decision's current stage and whether its consultation is open now."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.rules.stages import Stage
from tests.conftest import NOW

WASTE = "赤峰市中心城区居民生活垃圾分类管理实施方案"  # under consultation in the demo


@pytest.fixture
def indexed(demo, runner):
    from portal.demo_hearings import seed_demo_hearings
    from portal.demo_opinions import seed_demo_opinions

    seed_demo_opinions(NOW)
    seed_demo_hearings(NOW)
    db.session.commit()
    result = runner.invoke(args=["portal", "reindex"])
    assert result.exit_code == 0, result.output


def api_hits(client, **params) -> list[dict]:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def hit_blocks(client, **params) -> list[str]:
    """The text of each result of the search page, tags stripped."""
    html = client.get("/search", query_string=params).get_data(as_text=True)
    blocks = re.findall(
        r'<li class="search-hit[^"]*">(.*?)</li>\s*(?=<li class="search-hit|</ol>)', html, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in blocks]


def test_an_opinion_hit_reads_as_an_opinion_on_its_decision(client, indexed):
    hits = api_hits(client, q="分类投放点 设置标准", type="opinion")
    assert hits
    hit = hits[0]
    assert hit["what"] == "公众意见及答复"
    assert hit["heading"] == f"对《{WASTE}》的意见"
    assert hit["heading"] != hit["decision_title"] == WASTE
    assert hit["stage"] == "consultation" and hit["stage_label"] == "公开征求意见"
    assert hit["consultation_open"] is True and hit["consultation_closes_at"]

    block = hit_blocks(client, q="分类投放点 设置标准", type="opinion")[0]
    assert block.startswith("公众意见及答复")
    assert f"对《{WASTE}》的意见" in block
    assert "当前阶段：" in block and "公开征求意见" in block
    assert "征求意见中" in block


def test_in_english_the_hit_says_opinion_on_and_open_for_comments(client, indexed):
    hit = api_hits(client, q="分类投放点 设置标准", type="opinion", lang="en")[0]
    assert hit["what"] == "Public opinion and answer"
    assert hit["heading"] == f"Opinion on “{WASTE}”"
    block = hit_blocks(client, q="分类投放点 设置标准", type="opinion", lang="en")[0]
    assert f"Opinion on “{WASTE}”" in block
    assert "Current stage: ✎ Consultation" in block
    assert "Open for comments" in block
    assert "：" not in block.split("Comments until")[0]  # no full-width colon in English


def test_a_decision_hit_is_the_decision_with_its_stage(client, indexed):
    hit = next(h for h in api_hits(client, q="供热", type="decision"))
    decision = db.session.get(Decision, hit["id"])
    assert hit["what"] == "决策事项"
    assert hit["heading"] == decision.title == hit["title"]
    assert hit["stage"] == str(decision.stage)


def test_a_closed_decision_has_no_open_for_comments_badge(client, indexed):
    published = db.session.scalar(
        sa.select(Decision)
        .where(Decision.stage == Stage.PUBLISHED, Decision.non_disclosable.is_(False))
        .order_by(Decision.id)
        .limit(1)
    )
    hits = [h for h in api_hits(client, q=published.title[:6]) if h["decision_id"] == published.id]
    assert hits
    for hit in hits:
        assert hit["stage_label"] == "已公布"
        assert hit["consultation_open"] is False
    blocks = [b for b in hit_blocks(client, q=published.title[:6]) if published.title in b]
    assert blocks and all("征求意见中" not in b for b in blocks)
    assert any("已公布" in b for b in blocks)


def test_a_hearing_hit_names_its_decision(client, indexed):
    hits = api_hits(client, q="听证会", type="hearing")
    assert hits
    hit = hits[0]
    assert hit["what"] == "听证会或座谈会"
    assert hit["decision_title"]
    block = hit_blocks(client, q="听证会", type="hearing")[0]
    assert block.startswith("听证会或座谈会")
    assert f"决策事项：{hit['decision_title']}" in block.replace(" ", "")
