"""Search as citizens and journalists use it, on both backends (Whoosh and PostgreSQL).

The PostgreSQL backend's runs skip unless PORTAL_TEST_DATABASE_URL is a PostgreSQL database.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.models.outbox import OutboxMessage
from portal.models.user import User
from portal.services import moderation, outbox
from search import service
from tests.conftest import NOW, text_of

UNMODERATED = "建议对生活垃圾收运企业实行信用评价，混装混运的列入黑名单。"
PUBLISHED = "建议在征求意见稿第四条中明确分类投放点的设置标准"


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, ctx):
    if request.param == "postgres" and db.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL search backend needs PORTAL_TEST_DATABASE_URL on PostgreSQL")
    ctx.config["SEARCH_BACKEND"] = request.param
    service.reset()
    yield request.param
    ctx.config["SEARCH_BACKEND"] = "whoosh"
    ctx.config.pop("SEARCH_SYNC", None)
    service.reset()


@pytest.fixture
def opinions(demo):
    from portal.demo_opinions import seed_demo_opinions

    seed_demo_opinions(NOW)
    db.session.commit()


def reindex(runner) -> str:
    result = runner.invoke(args=["portal", "reindex"])
    assert result.exit_code == 0, result.output
    return result.output


def api(client, **params) -> dict:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def titles(client, q: str, **params) -> list[str]:
    return [hit["title"] for hit in api(client, q=q, **params)["items"]]


def moderator() -> User:
    return db.session.scalar(sa.select(User).order_by(User.id))


# -- finding things ----------------------------------------------------------------------------


def test_chinese_words_find_decisions_drafts_and_counties(backend, demo, runner, client):
    output = reindex(runner)
    assert "Indexed" in output and "decision" in output
    # The decision itself comes first for its own name.
    assert titles(client, "供热")[0] == "赤峰市中心城区供热专项规划（2026—2035年）"
    # Search mode: the short word finds the long one (垃圾 in 垃圾分类).
    assert any("生活垃圾分类" in t for t in titles(client, "垃圾"))
    # A county's name finds that county's decision first.
    assert titles(client, "红山区")[0].startswith("红山区")
    # A short name of a decision.
    assert titles(client, "老旧小区改造")[0] == "红山区老旧小区改造提升实施方案"
    # The page says how many and shows the hit.
    page = text_of(client.get("/search?q=供热"))
    assert "赤峰市中心城区供热专项规划" in page


def test_hits_are_highlighted_and_link_to_public_pages(backend, demo, runner, client):
    reindex(runner)
    body = api(client, q="供热")
    hit = body["items"][0]
    assert hit["url"] == f"/decisions/{hit['id']}"
    assert "<mark>供热</mark>" in hit["snippet"]
    assert client.get(hit["url"]).status_code == 200
    assert body["total"] >= len(body["items"])


def test_published_opinions_and_answers_are_found_but_never_contacts(
    backend, opinions, runner, client
):
    reindex(runner)
    hits = api(client, q="分类投放点 设置标准", type="opinion")["items"]
    assert hits and hits[0]["type"] == "opinion"
    # Answers are searchable too.
    assert api(client, q="配置时限", type="opinion")["items"]
    # Phone numbers are masked in the published text; contacts and names are never indexed.
    for private in ("13904761234", "li@example.cn", "王建国", "赵工"):
        assert api(client, q=private)["items"] == [], private


def test_unmoderated_and_withheld_opinions_are_never_found(backend, opinions, runner, client):
    reindex(runner)
    assert api(client, q="信用评价 黑名单")["items"] == []  # received, not moderated
    assert api(client, q="代办 证件")["items"] == []  # withheld as advertising
    page = text_of(client.get("/search?q=信用评价&lang=en"))
    assert "Nothing matched" in page


def test_non_disclosable_decisions_are_never_indexed(backend, demo, runner, client):
    reindex(runner)
    assert all("物资储备" not in t for t in titles(client, "物资储备"))
    assert "赤峰市重要物资储备布局调整方案" not in client.get("/search?q=物资储备").get_data(
        as_text=True
    )


# -- filters, sorting, paging ------------------------------------------------------------------


def test_filters_by_type_government_year_and_stage(backend, demo, runner, client):
    reindex(runner)
    everything = api(client, q="赤峰市")
    assert len({h["type"] for h in everything["items"]}) > 1
    only = api(client, q="赤峰市", type="decision")
    assert only["items"] and {h["type"] for h in only["items"]} == {"decision"}
    red = api(client, q="改造", gov="hongshan")
    assert red["items"] and {h["gov"] for h in red["items"]} == {"hongshan"}
    assert api(client, q="供热", year="1999")["items"] == []
    heating = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    staged = api(client, q="供热", type="decision", stage=str(heating.stage))["items"]
    assert [h["id"] for h in staged] == [heating.id]
    other = "closed" if str(heating.stage) != "closed" else "drafting"
    assert api(client, q="供热", type="decision", stage=other)["items"] == []


def test_sort_by_date_and_pagination(backend, demo, runner, client):
    reindex(runner)
    dated = api(client, q="赤峰市", sort="date", per_page=50)["items"]
    dates = [h["date"] for h in dated if h["date"]]
    assert dates == sorted(dates, reverse=True)
    first = api(client, q="赤峰市", per_page=5, page=1)
    second = api(client, q="赤峰市", per_page=5, page=2)
    assert first["total"] > 5
    ids1 = {(h["type"], h["id"]) for h in first["items"]}
    ids2 = {(h["type"], h["id"]) for h in second["items"]}
    assert ids2 and not ids1 & ids2
    page = text_of(client.get("/search?q=赤峰市&per_page=5&lang=en"))
    assert "Page 1 of" in page


def test_several_words_fall_back_to_any_word_with_a_notice(backend, demo, runner, client):
    reindex(runner)
    both = api(client, q="供热 量子")
    assert both["relaxed"] is True and both["items"]
    page = text_of(client.get("/search?q=供热 量子&lang=en"))
    assert "No item contains all of your words" in page


# -- keeping up with the database --------------------------------------------------------------


def test_approved_opinion_is_searchable_and_leaves_when_withheld(backend, opinions, runner, client):
    reindex(runner)
    client.application.config["SEARCH_SYNC"] = "inline"
    op = db.session.scalar(sa.select(Opinion).where(Opinion.body == UNMODERATED))
    assert api(client, q="信用评价")["items"] == []
    moderation.approve_opinion(op, actor=moderator(), now=NOW)
    db.session.commit()
    hits = api(client, q="信用评价")["items"]
    assert [(h["type"], h["id"]) for h in hits] == [("opinion", op.id)]
    moderation.withhold_opinion(op, "off_topic", actor=moderator(), now=NOW)
    db.session.commit()
    assert api(client, q="信用评价")["items"] == []
    # Every search row of the outbox was processed, none failed.
    pending = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.topic.like("search.%"), OutboxMessage.processed_at.is_(None)
        )
    ).all()
    assert pending == []


def test_decision_made_not_disclosable_leaves_the_index(backend, opinions, runner, client):
    reindex(runner)
    heating = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    assert api(client, q="供热", type="decision")["items"]
    heating.non_disclosable = True
    db.session.commit()
    # Even before the index hears of it, a hit that stopped being public is never shown.
    assert all(h["id"] != heating.id for h in api(client, q="供热", type="decision")["items"])
    outbox.enqueue("search.decision", {"id": heating.id}, now=NOW)
    db.session.commit()
    result = runner.invoke(args=["portal", "drain-outbox"])
    assert "0 failed" in result.output
    service.reset()  # no cached answers, no safety net needed: the index itself forgot it
    hits = api(client, q="供热专项规划")["items"]
    assert all(h["decision_id"] != heating.id for h in hits), hits  # nor its documents


def test_opinions_leave_with_their_decision(backend, opinions, runner, client):
    reindex(runner)
    op = db.session.scalar(sa.select(Opinion).where(Opinion.body.like(PUBLISHED + "%")))
    assert any(h["id"] == op.id for h in api(client, q="投放点", type="opinion")["items"])
    op.decision.non_disclosable = True
    outbox.enqueue("search.decision", {"id": op.decision_id}, now=NOW)
    db.session.commit()
    runner.invoke(args=["portal", "drain-outbox"])
    service.reset()
    assert api(client, q="投放点", type="opinion")["items"] == []


def test_background_sync_makes_an_approved_opinion_searchable_within_a_second(
    backend, opinions, runner, client
):
    """The default setup has no worker process: the committing process indexes in the
    background right after the commit."""
    reindex(runner)
    app = client.application
    app.config["SEARCH_SYNC"] = "thread"
    op = db.session.scalar(sa.select(Opinion).where(Opinion.body == UNMODERATED))
    try:
        moderation.approve_opinion(op, actor=moderator(), now=NOW)
        db.session.commit()
        started = time.monotonic()
        found = False
        while time.monotonic() - started < 1.0 and not found:
            found = any(h["id"] == op.id for h in api(client, q="信用评价")["items"])
            if not found:
                time.sleep(0.02)
        assert found, "not searchable within 1 s"
    finally:
        app.config["SEARCH_SYNC"] = "off"
        syncer = app.extensions.get("portal_search_syncer")
        if syncer is not None:
            assert syncer.wait_idle(10)
            syncer.stop()
            assert syncer.wait_idle(10)  # nothing left running against the next test's data


# -- hostile input and failures ----------------------------------------------------------------

HOSTILE = [
    "*",
    "title:*",
    "AND OR NOT",
    "供热" * 5000,
    "\x00\x1f<script>alert(1)</script>",
    "((((",
    "~~~",
    "'; DROP TABLE search_documents; --",
    "\\' & | ! :*",
    '供热~2 听证^9 "赤峰',
    "‮‭\u200b",
    "a" * 10000,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_answered_safely_and_quickly(backend, demo, runner, client, q):
    reindex(runner)
    started = time.monotonic()
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200
    assert "<script>alert" not in page.get_data(as_text=True).split("<main", 1)[1]
    assert time.monotonic() - started < 2.0


def test_bad_filters_get_the_error_object_with_the_field(backend, demo, client):
    for params, field in (
        ({"type": "secret"}, "type"),
        ({"year": "20x6"}, "year"),
        ({"stage": "nope"}, "stage"),
        ({"sort": "random"}, "sort"),
        ({"gov": "atlantis"}, "gov"),
    ):
        response = client.get("/api/v1/search", query_string={"q": "供热", **params})
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "validation_failed" and field in error["fields"]
    # The HTML page ignores what it does not know.
    assert client.get("/search?q=供热&type=secret&sort=random").status_code in (200, 503)


def test_missing_index_degrades_with_a_message_and_reindex_restores_it(
    demo, runner, client, caplog
):
    import shutil
    from pathlib import Path

    service.reset()
    reindex(runner)
    before = api(client, q="供热")["total"]
    shutil.rmtree(Path(client.application.config["SEARCH_DIR"]))
    caplog.set_level("ERROR")
    page = client.get("/search?q=供热&lang=en")
    assert page.status_code == 503
    assert "temporarily unavailable" in text_of(page)
    assert client.get("/").status_code == 200  # other pages still load
    response = client.get("/api/v1/search?q=供热")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "search_unavailable"
    assert "flask portal reindex" in caplog.text
    reindex(runner)
    assert api(client, q="供热")["total"] == before


def test_corrupt_index_degrades_with_a_message(demo, runner, client, caplog):
    from pathlib import Path

    service.reset()
    reindex(runner)
    folder = Path(client.application.config["SEARCH_DIR"]) / "decision"
    for toc in folder.glob("*.toc"):
        toc.write_bytes(b"garbage")
    caplog.set_level("ERROR")
    response = client.get("/search?q=供热&lang=en")
    assert response.status_code == 503
    assert "flask portal reindex" in caplog.text
    reindex(runner)
    assert api(client, q="供热")["items"]


def test_openapi_describes_the_search_endpoint(ctx, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    get = paths["/search"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"q", "type", "gov", "year"} <= names
    assert "snippet" in str(get["responses"]["200"])


def test_no_results_page_helps(backend, demo, runner, client):
    reindex(runner)
    page = text_of(client.get("/search?q=量子通信&gov=chifeng&lang=en"))
    assert "Nothing matched" in page
    assert "Search again without the filters" in page
    assert "Browse all decisions" in page


def test_sources_cover_every_public_kind(ctx):
    kinds = service.kinds()
    for kind in ("decision", "document", "publication", "opinion", "catalog"):
        assert kind in kinds
    assert pending_topics() <= {f"search.{k}" for k in kinds}


def pending_topics() -> set[str]:
    from search import sources

    return {s.topic for s in sources.all_sources()}


def test_announced_hearings_and_published_updates_are_found(backend, demo, runner, client):
    hearings = pytest.importorskip("portal.demo_hearings")
    supervision = pytest.importorskip("portal.demo_supervision")
    hearings.seed_demo_hearings(NOW)
    supervision.seed_demo_supervision(NOW)
    db.session.commit()
    reindex(runner)
    hits = api(client, q="听证", type="hearing")["items"]
    assert hits and all(h["url"] == f"/hearings/{h['id']}" for h in hits)
    from portal.models.hearing import Hearing

    unannounced = db.session.scalars(sa.select(Hearing).where(Hearing.announced_at.is_(None)))
    assert not {h.id for h in unannounced} & {h["id"] for h in hits}
    from portal.models.supervision import ImplementationUpdate

    update = db.session.scalar(
        sa.select(ImplementationUpdate).where(ImplementationUpdate.published_at.is_not(None))
    )
    if update is not None:
        word = update.specific_measures[:4] or update.achievements[:4]
        assert any(h["type"] == "update" for h in api(client, q=word, type="update")["items"])


def test_decision_events_may_name_the_decision_id(backend, demo, runner, client):
    reindex(runner)
    heating = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    heating.title = "赤峰市中心城区清洁取暖专项规划"
    outbox.enqueue("search.decision", {"decision_id": heating.id}, now=NOW)
    db.session.commit()
    runner.invoke(args=["portal", "drain-outbox"])
    assert any(h["id"] == heating.id for h in api(client, q="清洁取暖", type="decision")["items"])


def test_any_change_of_what_is_public_queues_its_own_index_event(backend, opinions, runner, client):
    """No screen has to remember the index: flipping a decision to not disclosable (here
    straight on the model, as any back-office form would) queues the event in the same
    transaction, and draining the outbox takes it out of the index."""
    reindex(runner)
    heating = db.session.scalar(sa.select(Decision).where(Decision.title.like("%供热%")))
    last = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    heating.summary = heating.summary  # an unchanged value queues nothing
    db.session.commit()
    assert (db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0) == last
    heating.non_disclosable = True
    db.session.commit()
    queued = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > last)).all()
    assert [(m.topic, m.payload) for m in queued] == [
        ("search.decision", f'{{"id": {heating.id}}}')
    ]
    assert "0 failed" in runner.invoke(args=["portal", "drain-outbox"]).output
    service.reset()
    assert all(h["decision_id"] != heating.id for h in api(client, q="供热专项规划")["items"])
