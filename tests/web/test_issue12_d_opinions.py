"""Issue 12 (d) in the browser's terms: the moderation queue opens on what waits, its actions
are told apart, draft answers are previewed and released together from the back office, only
the decision's own unit answers (side doors included), and journalists go from each changed
article of the draft-to-final view to the opinions whose answers cite it and back."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from portal.services import decisions as decision_service
from portal.services import moderation
from tests.conftest import NOW, login, text_of

DRAFT = "经研究，拟在第三条中明确分类投放点的设置标准。"


def waste() -> Decision:
    seed_demo_opinions(NOW)
    return decision_service.open_consultations(NOW, limit=1)[0].decision


def heating() -> Decision:
    return db.session.scalar(
        sa.select(Decision).where(Decision.title.startswith("赤峰市中心城区供热"))
    )


def plan() -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))


def queue(d: Decision, **query) -> str:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/admin/decisions/{d.id}/opinions" + (f"?{args}" if args else "")


def unanswered(d: Decision) -> list[Opinion]:
    return list(moderation.queue(d, moderation.UNANSWERED))


def state(opinions) -> list[tuple]:
    db.session.expire_all()
    return [
        (o.adoption, o.response, o.theme, o.answered_at, o.drafted_at)
        for o in (db.session.get(Opinion, op.id) for op in opinions)
    ]


def current_filter(html: str) -> str:
    nav = re.search(r'<nav aria-label="按状态筛选" class="filters">(.*?)</nav>', html, re.S)[1]
    link = re.search(r'<a href="[^"]*"\s+aria-current="page">(.*?)</a>', nav, re.S)
    assert link, "no current filter"
    return re.sub(r"<[^>]+>", "", link.group(1)).strip()


# -- the queue -------------------------------------------------------------------------------------


def test_the_moderation_queue_opens_on_awaiting_moderation(client, demo):
    d = waste()
    login(client, "moderator")
    page = client.get(queue(d))
    html, text = page.get_data(as_text=True), text_of(page)
    assert current_filter(html).endswith("待审核 (4)")
    received = moderation.queue(d, OpinionStatus.RECEIVED)
    published = moderation.queue(d, OpinionStatus.PUBLISHED)
    assert all(f'id="op-{o.id}"' in html for o in received)
    assert not any(f'id="op-{o.id}"' in html for o in published)
    assert "全部 (" in text and "待答复 (" in text and "答复草稿 (" in text
    # "all" is still one click away
    everything = client.get(queue(d, status="all")).get_data(as_text=True)
    assert all(f'id="op-{o.id}"' in everything for o in published)


def test_the_undertaking_units_queue_opens_on_awaiting_an_answer(client, demo):
    d = waste()
    login(client, "urban.undertaker")
    html = client.get(queue(d)).get_data(as_text=True)
    assert current_filter(html).endswith("待答复 (5)")
    assert all(f'id="op-{o.id}"' in html for o in unanswered(d))


def test_publish_and_withhold_are_distinct_and_only_where_meaningful(client, demo):
    d = waste()
    login(client, "moderator")
    html = client.get(queue(d, status="all")).get_data(as_text=True)

    def article(op) -> str:
        return re.search(rf'<article class="opinion" id="op-{op.id}">(.*?)</article>', html, re.S)[
            1
        ]

    waiting = moderation.queue(d, OpinionStatus.RECEIVED)[0]
    published = moderation.queue(d, OpinionStatus.PUBLISHED)[0]
    withheld = moderation.queue(d, OpinionStatus.WITHHELD)[0]
    block = article(waiting)
    assert 'value="approve" class="primary"' in block and 'value="withhold" class="danger"' in block
    block = article(published)
    assert 'value="approve"' not in block and 'value="withhold" class="danger"' in block
    assert "撤回公布" in block
    block = article(withheld)
    assert 'value="approve" class="primary"' in block and 'value="withhold"' not in block
    # status by word plus shape, not colour alone
    assert re.search(
        r'class="badge status-published"><span aria-hidden="true">●</span>已公布', html
    )
    assert re.search(r'class="badge status-received"><span aria-hidden="true">○</span>待审核', html)
    assert re.search(r'class="badge status-withheld"><span aria-hidden="true">⊘</span>', html)
    # the bulk form works without JavaScript: checkboxes belong to it through form="bulk"
    assert f'name="ids" value="{waiting.id}" form="bulk"' in html
    assert 'value="approve" class="primary">公开所选意见' in html


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_bulk_publish_without_javascript_skips_the_already_published(client, demo):
    d = waste()
    login(client, "moderator")
    waiting = moderation.queue(d, OpinionStatus.RECEIVED)[0]
    published = moderation.queue(d, OpinionStatus.PUBLISHED)[0]
    moderated_at = published.moderated_at
    response = client.post(
        queue(d) + "/moderate", data={"ids": [waiting.id, published.id], "action": "approve"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert waiting.status is OpinionStatus.PUBLISHED
    assert published.moderated_at == moderated_at  # nothing to do: untouched


# -- drafts: preview and release through the admin forms ----------------------------------------


def test_an_answer_is_a_draft_until_released_from_the_preview(client, demo):
    d = waste()
    op = next(o for o in unanswered(d) if o.status is OpinionStatus.PUBLISHED)
    login(client, "urban.undertaker")
    saved = client.post(
        queue(d) + f"/{op.id}/answer",
        data={"adoption": "partially_adopted", "response": DRAFT, "theme": "投放点"},
    )
    assert saved.status_code == 302
    flashed = text_of(client.get(saved.headers["Location"]))
    assert "答复草稿已保存" in flashed and "1 条答复草稿尚未公开" in flashed
    # not public anywhere yet
    client.post("/admin/logout")
    assert DRAFT not in text_of(client.get(f"/decisions/{d.id}/opinions"))
    assert DRAFT not in client.get(f"/api/v1/decisions/{d.id}/opinions").get_data(as_text=True)
    status = client.get(f"/opinions/status?receipt_code={op.receipt_code}")
    assert DRAFT not in text_of(status)
    api_status = client.get(f"/api/v1/opinions/status?receipt_code={op.receipt_code}").get_json()
    assert api_status["adoption"] == "pending" and api_status["response"] is None
    assert DRAFT not in client.get("/data/opinions.json").get_data(as_text=True)
    assert DRAFT not in client.get(f"/feeds/decisions/{d.id}.atom").get_data(as_text=True)
    assert DRAFT not in text_of(client.get(f"/decisions/{d.id}"))

    # the preview shows it exactly as the public page will
    login(client, "urban.undertaker")
    preview = client.get(queue(d) + "/drafts")
    assert preview.status_code == 200
    text = text_of(preview)
    assert "预览并发布答复草稿" in text and DRAFT in text and op.published_body in text
    assert "部分采纳" in text and "主题：投放点" in text and "草稿，未公开" in text
    html = preview.get_data(as_text=True)
    assert f'<article class="opinion" id="opinion-{op.id}">' in html  # the public markup
    assert f'name="ids" value="{op.id}" form="release" id="rel-{op.id}" checked' in html

    released = client.post(queue(d) + "/drafts", data={"ids": [op.id], "action": "release"})
    assert released.status_code == 302
    assert "答复已发布" in text_of(client.get(released.headers["Location"]))
    db.session.expire_all()
    assert op.response == DRAFT and op.answered_at == NOW and not op.has_draft
    client.post("/admin/logout")
    public = text_of(client.get(f"/decisions/{d.id}/opinions"))
    assert DRAFT in public and "答复时间：2026年11月26日" in public
    api_status = client.get(f"/api/v1/opinions/status?receipt_code={op.receipt_code}").get_json()
    assert api_status["adoption"] == "partially_adopted" and api_status["response"] == DRAFT


def test_release_all_and_discard_from_the_preview(client, demo):
    d = waste()
    first, second = unanswered(d)[:2]
    login(client, "urban.undertaker")
    bulk = client.post(
        queue(d) + "/answer-bulk",
        data={"ids": [first.id, second.id], "adoption": "not_adopted", "response": "超出范围。"},
    )
    assert bulk.status_code == 302
    assert "答复草稿" in text_of(client.get(queue(d, status="drafts")))
    discarded = client.post(queue(d) + "/drafts", data={"ids": [second.id], "action": "discard"})
    assert discarded.status_code == 302
    nothing = client.post(queue(d) + "/drafts", data={"action": "release"})
    assert nothing.status_code == 422  # nothing selected: refused, nothing changes
    everything = client.post(queue(d) + "/drafts", data={"action": "all"})
    assert everything.status_code == 302
    db.session.expire_all()
    assert first.response == "超出范围。" and first.adoption is AdoptionStatus.NOT_ADOPTED
    assert second.response == "" and not second.has_draft


def test_the_report_page_says_drafts_wait_for_release(client, demo):
    d = waste()
    op = unanswered(d)[0]
    login(client, "urban.undertaker")
    client.post(queue(d) + f"/{op.id}/answer", data={"adoption": "adopted"})
    page = text_of(client.get(queue(d) + "/report"))
    assert "条答复草稿尚未公开" in page and "预览并发布答复草稿" in page


# -- side doors: only the decision's own unit answers ---------------------------------------------


def test_another_units_staff_are_refused_at_every_door_and_nothing_changes(client, demo):
    d = waste()  # 市城管局's decision
    targets = unanswered(d)
    before = state(targets)
    key = moderation.groups(d)[0].key
    login(client, "undertaker")  # 市住建局
    page = client.get(queue(d))
    assert page.status_code == 200  # may read
    text = text_of(page)
    assert "只有本决策的承办单位可以答复意见：您所在单位不承办本决策" in text
    assert f"/opinions/{targets[0].id}/answer" not in page.get_data(as_text=True)
    doors = [
        (queue(d) + f"/{targets[0].id}/answer", {"adoption": "adopted"}),  # one opinion
        (queue(d) + "/answer-bulk", {"ids": [o.id for o in targets], "adoption": "adopted"}),
        (queue(d) + "/answer-bulk", {"group": key, "adoption": "adopted"}),  # the group form
        (queue(d) + "/answer-bulk", {"ids": [targets[0].id], "adoption": "adopted", "theme": "x"}),
    ]
    for url, data in doors:
        refused = client.post(url, data=data)
        assert refused.status_code == 422, url
        assert "PART-15b" in text_of(refused)
    assert state(targets) == before
    # an opinion of another decision posted through one's own decision's URL: not found
    own = heating()
    assert (
        client.post(
            queue(own) + f"/{targets[0].id}/answer", data={"adoption": "adopted"}
        ).status_code
        == 404
    )
    # a group key of another decision matches nothing of one's own
    assert (
        client.post(
            queue(own) + "/answer-bulk", data={"group": key, "adoption": "adopted"}
        ).status_code
        == 422
    )
    assert state(targets) == before


def test_another_unit_cannot_release_or_discard_drafts(client, demo):
    d = waste()
    op = unanswered(d)[0]
    login(client, "urban.undertaker")
    client.post(queue(d) + f"/{op.id}/answer", data={"adoption": "adopted"})
    client.post("/admin/logout")
    login(client, "undertaker")
    preview = client.get(queue(d) + "/drafts")
    assert preview.status_code == 200 and 'form="release"' not in preview.get_data(as_text=True)
    for action in ("release", "all", "discard"):
        refused = client.post(queue(d) + "/drafts", data={"ids": [op.id], "action": action})
        assert refused.status_code == 422 and "PART-15b" in text_of(refused)
    db.session.expire_all()
    assert op.has_draft and op.adoption is AdoptionStatus.PENDING
    report = client.post(queue(d) + "/report", data={"summary": "总结。", "action": "save"})
    assert report.status_code == 422


# -- journalists: from each change to the opinions and back --------------------------------------


def test_each_changed_article_links_to_the_opinions_citing_it_and_back(client, demo):
    seed_demo_opinions(NOW)
    p = plan()
    changes = client.get(f"/decisions/{p.id}/changes")
    assert changes.status_code == 200
    html = changes.get_data(as_text=True)
    for anchor in ("article-2", "article-3", "article-5"):
        assert f'id="{anchor}"' in html
    assert 'id="article-1"' not in html and 'id="article-4"' not in html  # unchanged
    section = re.search(r'<section class="article-change" id="article-2".*?</section>', html, re.S)[
        0
    ]
    cited = db.session.scalars(
        sa.select(Opinion).where(Opinion.decision_id == p.id, Opinion.clause == "第二条")
    ).all()
    assert len(cited) == 2
    for op in cited:
        assert f'/decisions/{p.id}/opinions#opinion-{op.id}"' in section
    assert "引用本条的意见答复（2）" in text_of_html(section)
    fifth = re.search(r'<section class="article-change" id="article-5".*?</section>', html, re.S)[0]
    assert "新增第五条" in text_of_html(fifth)

    opinions = client.get(f"/decisions/{p.id}/opinions").get_data(as_text=True)
    for op in cited:
        item = re.search(
            rf'<article class="opinion" id="opinion-{op.id}">.*?</article>', opinions, re.S
        )[0]
        assert f'href="/decisions/{p.id}/changes#article-2"' in item
    fourth = db.session.scalar(
        sa.select(Opinion).where(Opinion.decision_id == p.id, Opinion.clause == "第四条")
    )
    item = re.search(
        rf'<article class="opinion" id="opinion-{fourth.id}">.*?</article>', opinions, re.S
    )[0]
    assert "/changes#" not in item  # article 4 did not change
    # the dossier's adoption report points journalists to the view by article
    dossier = client.get(f"/decisions/{p.id}").get_data(as_text=True)
    report = re.search(r'<section [^>]*id="adoption-report".*?</section>', dossier, re.S)[0]
    assert f'href="/decisions/{p.id}/changes"' in report and "每个修改的条款" in report
