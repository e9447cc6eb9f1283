"""No write on GET: every GET route of the public site, the API and the back office (as each demo
role), walked on the full demo data, writes nothing (architecture.md: one write path).

The URLs are generated from ``app.url_map`` with real ids of the demo (so no new route escapes
the walk), plus the query variants that select other code paths (filters, receipt codes, a
campaign group). Two witnesses say "nothing was written": the guard of ``portal.readonly``
(which refuses a flush, a DML statement or a commit during a GET/HEAD request) and a digest of
every table taken before and after the walk.
"""

from __future__ import annotations

import hashlib
import itertools
import re

import pytest
import sqlalchemy as sa

from portal import readonly
from portal.extensions import db
from tests.conftest import DEMO_PASSWORD, login

ROLES = (
    "office",
    "undertaker",
    "reviewer",
    "moderator",
    "supervisor",
    "evaluator",
    "admin",
    "hongshan.office",
)

# GET routes of other packages found writing, reported to the lead: endpoint -> owner and what it
# writes. The walk still visits them; a write there is tolerated only while it is listed (empty:
# the walk found none outside package e, whose own were fixed).
KNOWN_OFFENDERS: dict[str, str] = {}


_snapshot: dict | None = None


def _seed_everything() -> None:
    """What ``flask portal seed-demo`` loads, and its search index (the search pages read it)."""
    from portal import clock, demo, demo_catalog, demo_experts, demo_opinions
    from portal.demo_hearings import seed_demo_hearings
    from portal.demo_proposals import seed_demo_proposals
    from portal.demo_supervision import seed_demo_supervision
    from search import events as search_events

    now = clock.now()
    with search_events.paused():
        assert demo.seed(now=now, password=DEMO_PASSWORD) is not None
        demo_opinions.seed_demo_opinions(now)
        seed_demo_supervision(now)
        seed_demo_hearings(now)
        demo_experts.seed_demo_experts(now)
        demo_catalog.seed_demo_catalog(now)
        seed_demo_proposals(now)
    db.session.commit()
    from search.indexer import reindex

    reindex()


@pytest.fixture
def full_demo(ctx):
    """The whole demo (opinions, hearings, supervision, evaluation and feedback, experts,
    catalogs, proposals): loaded once per test process, then restored from a copy of its rows."""
    global _snapshot
    if _snapshot is None:
        _seed_everything()
        with db.engine.connect() as conn:
            _snapshot = {
                t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                for t in db.metadata.sorted_tables
            }
        return ctx
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        if dialect in ("mysql", "mariadb"):
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=0"))
        conn.execute(sa.text("DELETE FROM audit_heads"))
        for table in db.metadata.sorted_tables:
            if _snapshot[table.name]:
                conn.execute(table.insert(), _snapshot[table.name])
        if dialect in ("mysql", "mariadb"):
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=1"))
        if dialect == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement and _snapshot[table.name]:
                    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
                    top = sa.select(sa.func.max(table.c.id)).scalar_subquery()
                    conn.execute(sa.select(sa.func.setval(sequence, top)))
    db.session.expire_all()
    return ctx


def _ids(model_sql: str) -> list:
    return [row[0] for row in db.session.execute(sa.text(model_sql)).all()]


def _sample_decisions() -> list[int]:
    """A decision of each kind the pages treat differently: with opinions and campaign groups,
    with public feedback and responses, in post-evaluation, published with a report, not to
    be disclosed, and of another government."""
    queries = (
        "SELECT decision_id FROM opinions GROUP BY decision_id ORDER BY COUNT(*) DESC",
        "SELECT decision_id FROM public_feedback GROUP BY decision_id ORDER BY COUNT(*) DESC",
        "SELECT decision_id FROM opinion_reports WHERE published_at IS NOT NULL",
        "SELECT decision_id FROM evaluations",
        "SELECT id FROM decisions WHERE non_disclosable = :t",
        "SELECT d.id FROM decisions d JOIN governments g ON g.id = d.government_id "
        "WHERE g.slug != 'chifeng'",
    )
    out: list[int] = []
    for sql in queries:
        row = db.session.execute(sa.text(sql), {"t": True}).first()
        if row and row[0] not in out:
            out.append(row[0])
    return out


def _samples(all_decisions: bool = True) -> dict[str, list]:
    """Values for each URL argument, taken from the demo."""
    sample = _sample_decisions()
    decisions = _ids("SELECT id FROM decisions ORDER BY id") if all_decisions else sample
    return {
        "decision_id": decisions,
        "_sample_decision_id": sample,
        "hearing_id": _ids("SELECT id FROM hearings ORDER BY id"),
        "catalog_id": _ids("SELECT id FROM catalogs ORDER BY id"),
        "expert_id": _ids("SELECT id FROM experts ORDER BY id LIMIT 3"),
        "proposal_id": _ids("SELECT id FROM proposals ORDER BY id"),
        "gov": _ids("SELECT slug FROM governments ORDER BY id"),
        "kind": ["csv", "xlsx", "docx"],
        "fmt": ["csv", "json", "xlsx"],
        "token": _tokens(),  # issue 12: follow confirmation and unsubscribe links
    }


def _tokens() -> list[str]:
    """A bad token and a real unsubscribe token (the page shows a button; only POST acts)."""
    from portal.models.opinion import Opinion
    from portal.services import notifications

    opinion = db.session.scalar(sa.select(Opinion).order_by(Opinion.id).limit(1))
    return ["not-a-token"] + ([notifications.unsubscribe_token(opinion)] if opinion else [])


def _pairs() -> dict[frozenset, list[dict]]:
    """Arguments that belong together (a document of its decision, a catalog's government and
    year, ...)."""
    from portal.public.opendata import DATASETS

    rows = db.session.execute(
        sa.text(
            "SELECT d.decision_id, d.id, v.number FROM documents d "
            "JOIN document_versions v ON v.document_id = d.id ORDER BY d.id, v.number"
        )
    ).all()
    docs = [{"decision_id": a, "document_id": b, "number": c} for a, b, c in rows]
    catalogs = [
        {"gov": slug, "year": year}
        for slug, year in db.session.execute(
            sa.text(
                "SELECT g.slug, c.year FROM catalogs c JOIN governments g ON g.id = c.government_id"
            )
        ).all()
    ]
    activities = [
        {"decision_id": a, "activity_id": b}
        for a, b in db.session.execute(
            sa.text("SELECT decision_id, id FROM participation_activities ORDER BY id")
        ).all()
    ]
    data = [{"name": n, "fmt": f} for n in DATASETS for f in ("csv", "json")]
    return {
        frozenset({"decision_id", "document_id", "number"}): docs,
        frozenset({"decision_id", "document_id"}): [
            {"decision_id": d["decision_id"], "document_id": d["document_id"]} for d in docs
        ],
        frozenset({"gov", "year"}): catalogs,
        frozenset({"decision_id", "activity_id"}): activities,
        frozenset({"name", "fmt"}): data,
    }


def _urls(app, prefix_filter, *, all_decisions: bool = True) -> list[tuple[str, str]]:
    """(endpoint, url) for every GET route accepted by ``prefix_filter``, with real values:
    every decision (or a sample of each kind), exports only for the sample."""
    samples, pairs = _samples(all_decisions), _pairs()
    out: list[tuple[str, str]] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not prefix_filter(rule.rule):
            continue
        args = frozenset(rule.arguments)
        if not args:
            combos = [{}]
        elif args in pairs:
            combos = pairs[args]
        else:
            missing = [a for a in args if a not in samples]
            assert not missing, f"no demo values for {missing} of {rule.rule}: add them"
            names = sorted(args)
            values_of = dict(samples)
            if "kind" in args or "fmt" in args:  # downloads: the sample decisions are enough
                values_of["decision_id"] = samples["_sample_decision_id"]
            combos = [
                dict(zip(names, values, strict=True))
                for values in itertools.product(*(values_of[n] for n in names))
            ]
        for values in combos:
            url = rule.rule
            for name, value in values.items():
                url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
            out.append((rule.endpoint, url))
    return out


def _query_variants() -> list[str]:
    """Other code paths of the same pages: filters, lookups by receipt code, a campaign group."""
    first = db.session.execute(sa.text("SELECT receipt_code, decision_id FROM opinions")).first()
    feedback = db.session.execute(sa.text("SELECT receipt_code FROM public_feedback")).first()
    proposal = db.session.execute(sa.text("SELECT receipt_code FROM proposals")).first()
    registration = db.session.execute(
        sa.text("SELECT receipt_code FROM hearing_registrations")
    ).first()
    group = db.session.execute(
        sa.text(
            "SELECT decision_id, group_key FROM opinions WHERE group_key != '' "
            "GROUP BY decision_id, group_key HAVING COUNT(*) > 1"
        )
    ).first()
    urls = [
        "/?lang=en",
        "/decisions?gov=chifeng&stage=consultation",
        "/search?q=供热",
        "/search?q=垃圾&type=opinion",
        "/api/v1/search?q=供热",
        "/api/v1/decisions?consultation=open",
        "/api/v1/hearings?registration=open",
        "/statistics?gov=chifeng",
    ]
    if first:
        urls += [
            f"/opinions/status?receipt_code={first[0]}",
            f"/api/v1/opinions/status?receipt_code={first[0]}",
            f"/admin/decisions/{first[1]}/opinions?status=received",
            f"/admin/decisions/{first[1]}/opinions?status=published&page=2",
        ]
    if group:
        urls.append(f"/admin/decisions/{group[0]}/opinions?group={group[1]}")
    if feedback:
        urls.append(f"/feedback/status?receipt_code={feedback[0]}")
    if proposal:
        urls.append(f"/proposals/status?receipt_code={proposal[0]}")
    if registration:
        urls.append(f"/registrations/status?receipt_code={registration[0]}")
    return urls


def _digest() -> str:
    """Every row of every table (the audit chain's head included)."""
    h = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            h.update(table.name.encode())
            for row in conn.execute(table.select().order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _methods(url: str) -> tuple[str, ...]:
    """HEAD runs the GET view in Flask; it is sent where a view answers it itself (downloads
    and feeds stream or build their body differently)."""
    return ("GET", "HEAD") if url.startswith(("/data/", "/feeds/")) else ("GET",)


def _walk(app, client, urls, who: str, problems: list) -> int:
    """Visit ``urls``; collect the writes and server errors in ``problems``; return how many
    pages answered 200 (the walk must really see the pages, not only refusals)."""
    found = app.extensions.setdefault("write_on_get", [])
    shown = 0
    for endpoint, url in urls:
        before = len(found)
        for method in _methods(url):
            try:
                response = client.open(url, method=method)
                response.close()
            except readonly.WriteOnGet as exc:
                problems.append((who, endpoint, method, url, str(exc)))
                db.session.rollback()
                continue
            if response.status_code >= 500:
                problems.append((who, endpoint, method, url, f"status {response.status_code}"))
            shown += response.status_code == 200 and method == "GET"
        for entry in list(found)[before:]:
            problems.append((who, endpoint, entry["method"], url, entry["what"]))
    return shown


def _report(problems: list) -> list:
    """The problems not tolerated (writes and server errors of routes not listed)."""
    return [p for p in problems if p[1] not in KNOWN_OFFENDERS]


def test_every_get_route_of_the_public_site_and_api_writes_nothing(full_demo):
    app = full_demo
    client = app.test_client()
    before = _digest()
    problems: list = []
    urls = _urls(app, lambda r: not r.startswith("/admin"))
    urls += [("query", u) for u in _query_variants() if not u.startswith("/admin")]
    assert len(urls) > 100
    assert _walk(app, client, urls, "anonymous", problems) > 150
    assert _report(problems) == []
    assert _digest() == before


# The public walk visits every decision; the back office a decision of each kind for every role
# (its pages differ by permission and by the kind of decision, not by the decision itself).
FULL_WALK: tuple[str, ...] = ()


@pytest.mark.parametrize("username", ROLES)
def test_every_back_office_get_route_writes_nothing_for_each_role(full_demo, username):
    app = full_demo
    client = app.test_client()
    assert login(client, username).status_code == 302
    before = _digest()
    problems: list = []
    urls = _urls(app, lambda r: r.startswith("/admin"), all_decisions=username in FULL_WALK)
    urls += [("query", u) for u in _query_variants() if u.startswith("/admin")]
    urls = [u for u in urls if u[1] != "/admin/logout"]
    assert len(urls) > 40
    shown = _walk(app, client, urls, username, problems)
    assert shown >= (60 if username in ("office", "undertaker") else 15), shown
    assert _report(problems) == []
    assert _digest() == before


def _government(slug: str):
    from portal.models.org import Government, GovernmentLevel

    return Government(slug=slug, name="测试", name_en="Test", level=GovernmentLevel.CITY)


def _exists(slug: str) -> bool:
    from portal.models.org import Government

    return db.session.scalar(sa.select(Government.id).where(Government.slug == slug)) is not None


def test_the_guard_refuses_a_write_during_a_get_request_and_names_it(ctx):
    with ctx.test_request_context("/decisions", method="GET"):
        ctx.preprocess_request()
        db.session.add(_government("x-get"))
        with pytest.raises(readonly.WriteOnGet, match="new governments"):
            db.session.flush()
        db.session.rollback()
    assert not _exists("x-get")
    with ctx.test_request_context("/decisions", method="HEAD"):
        ctx.preprocess_request()
        with pytest.raises(readonly.WriteOnGet, match="UPDATE"):
            db.session.execute(sa.text("UPDATE governments SET name = 'x'"))
        db.session.rollback()


def test_the_same_write_in_a_post_request_goes_through(ctx):
    with ctx.test_request_context("/decisions", method="POST"):
        ctx.preprocess_request()
        db.session.add(_government("x-post"))
        db.session.commit()
    assert _exists("x-post")


def test_in_production_a_write_on_get_is_logged_and_never_committed(ctx, caplog):
    ctx.config["WRITE_ON_GET"] = "log"
    try:
        with ctx.test_request_context("/decisions", method="GET"):
            ctx.preprocess_request()
            db.session.add(_government("x-log"))
            db.session.flush()  # the page goes on rendering ...
            with pytest.raises(readonly.WriteOnGet, match="commit refused"):
                db.session.commit()  # ... but what it wrote is never committed
            db.session.rollback()
    finally:
        ctx.config.pop("WRITE_ON_GET")
    assert "write during GET /decisions" in caplog.text
    assert not _exists("x-log")


def test_in_production_a_commit_that_would_flush_a_write_on_get_is_refused(ctx, caplog):
    ctx.config["WRITE_ON_GET"] = "log"
    try:
        with ctx.test_request_context("/decisions", method="GET"):
            ctx.preprocess_request()
            db.session.add(_government("x-commit"))
            with pytest.raises(readonly.WriteOnGet, match="commit refused"):
                db.session.commit()  # the commit's own flush is caught before it writes
            db.session.rollback()
    finally:
        ctx.config.pop("WRITE_ON_GET")
    assert "new governments" in caplog.text
    assert not _exists("x-commit")
