"""Search benchmark (benchmarks.md, issue 6): latency of the search API against a plain Whoosh
baseline measured in the same run, full reindex time, and how soon an approved opinion is
searchable.

Usage:
  .venv/bin/python bench/search.py [--opinions 100000] [--decisions 1000] [--queries 300]
                                   [--runs 3] [--trials 100] [--workdir /tmp/bench-search]
                                   [--reuse] [--skip-baseline-build]

1. Builds a SQLite database in ``--workdir`` with the fixed-seed corpus of bench/search_corpus.py
   (published opinions, decisions with public 2,000-10,000-character drafts). ``--reuse`` keeps
   a database built before with the same sizes.
2. Full reindex: ``flask portal reindex`` (ours: one index per kind, multi-segment writer) and
   the baseline: one Whoosh index of everything, jieba analyzer, default settings, one writer.
3. Latency over the query set (common, rare, multi-word and no-hit queries): the baseline is the
   raw Whoosh query on its index with a reused searcher (``search_page`` with the total, as a
   plain implementation would page); ours is ``GET /api/v1/search`` over HTTP to gunicorn with 2
   workers as ``make run`` starts it, each run on a freshly started server (cold result cache).
   Prints p50/p95/p99/max per run, the medians over runs and the ratio.
4. Approved opinion -> searchable: this process approves an opinion with the real moderation
   service and commits, as a gunicorn worker would (its after-commit hook indexes it in the
   background); it then polls the API of the running server until the opinion is found.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.search_baseline import baseline_schema  # noqa: E402
from bench.search_corpus import PLACES, UNITS, Corpus  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def summary(ms: list[float]) -> dict:
    return {
        "p50": pct(ms, 50),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "max": max(ms),
        "n": len(ms),
    }


def env_for(workdir: Path) -> dict:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_INSTANCE_PATH": str(workdir / "instance"),
        "PORTAL_RATELIMIT_ENABLED": "false",
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "PORTAL_PAGE_CACHE_SECONDS": "0",
        "PORTAL_WORKERS": "2",
    }
    for name in ("PORTAL_DATABASE_URL", "PORTAL_SEARCH_DIR", "PORTAL_SEARCH_BACKEND"):
        env.pop(name, None)
    return env


# -- 1. the corpus in a database ------------------------------------------------------------


def build_database(workdir: Path, n_opinions: int, n_decisions: int) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import Config
    from portal.extensions import db
    from portal.models import (
        Consultation,
        Decision,
        Department,
        Document,
        DocumentVersion,
        Government,
        Opinion,
        User,
    )
    from portal.models.document import DocumentKind
    from portal.models.org import DepartmentKind, GovernmentLevel
    from portal.rules.consultation import OpinionStatus
    from portal.rules.stages import Category, Stage

    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "instance").mkdir(parents=True)
    os.environ["PORTAL_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(Config(workdir / "instance"))
    corpus = Corpus()
    now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    t0 = time.perf_counter()
    with app.app_context():
        upgrade()
        govs = {}
        for i, place in enumerate(PLACES):
            g = Government(
                slug=f"g{i}",
                name=place,
                name_en=f"Place {i}",
                level=GovernmentLevel.CITY if i == 0 else GovernmentLevel.COUNTY,
                sort_order=i,
                address=place,
                phone="0476-12345",
            )
            db.session.add(g)
            govs[place] = g
        db.session.flush()
        units = {}
        for place, g in govs.items():
            for j, unit in enumerate(UNITS):
                d = Department(
                    government_id=g.id,
                    slug=f"u{j}",
                    name=f"{place}{unit}",
                    name_en=f"Unit {j}",
                    kind=next(iter(DepartmentKind)),
                    sort_order=j,
                )
                db.session.add(d)
                units[(place, unit)] = d
        db.session.flush()
        db.session.add(
            User(
                username="bench-moderator",
                display_name="bench",
                password_hash="x",  # noqa: S106 - never signs in
                department_id=next(iter(units.values())).id,
            )
        )
        decisions = corpus.decisions(n_decisions)
        categories = list(Category)
        decision_ids, consultation_ids = [], []
        for k, dec in enumerate(decisions):
            row = Decision(
                government_id=govs[dec.place].id,
                year=2026,
                title=dec.title,
                summary=dec.summary,
                category=categories[k % len(categories)],
                stage=Stage.CONSULTATION,
                undertaking_unit_id=units[(dec.place, dec.unit)].id,
                created_at=now,
                updated_at=now,
                stage_changed_at=now - timedelta(days=k % 60),
            )
            db.session.add(row)
            db.session.flush()
            doc = Document(
                decision_id=row.id,
                kind=DocumentKind.DRAFT,
                title=f"{dec.title}（征求意见稿）",
                is_public=True,
                created_at=now,
            )
            db.session.add(doc)
            db.session.flush()
            db.session.add(
                DocumentVersion(
                    document_id=doc.id,
                    number=1,
                    body=dec.draft,
                    sha256="0" * 64,
                    created_at=now,
                    published_at=now - timedelta(days=k % 60),
                )
            )
            c = Consultation(
                decision_id=row.id,
                title=dec.title,
                opens_at=now - timedelta(days=10),
                closes_at=now + timedelta(days=20),
            )
            db.session.add(c)
            db.session.flush()
            decision_ids.append(row.id)
            consultation_ids.append(c.id)
        db.session.commit()
        print(f"  {n_decisions} decisions with drafts in {time.perf_counter() - t0:.1f}s")
        rows = []
        for n, (idx, body) in enumerate(corpus.opinions(n_opinions, decisions)):
            at = now - timedelta(minutes=n_opinions - n)
            rows.append(
                {
                    "decision_id": decision_ids[idx],
                    "consultation_id": consultation_ids[idx],
                    "receipt_code": f"B{n:011d}",
                    "body": body,
                    "published_body": body,
                    "content_hash": f"{n:064d}",
                    "status": OpinionStatus.PUBLISHED,
                    "submitted_at": at,
                    "moderated_at": at,
                }
            )
            if len(rows) >= 5000:
                db.session.execute(sa.insert(Opinion), rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(Opinion), rows)
        db.session.commit()
    (workdir / "corpus.json").write_text(
        json.dumps({"opinions": n_opinions, "decisions": n_decisions})
    )
    print(f"  database built in {time.perf_counter() - t0:.1f}s")


# -- 2. indexing ------------------------------------------------------------------------------


def reindex_ours(workdir: Path) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(
        [BIN / "flask", "portal", "reindex"],
        cwd=ROOT,
        env=env_for(workdir),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"reindex failed:\n{out.stderr[-3000:]}")
    print("  " + out.stdout.strip().splitlines()[-1])
    return time.perf_counter() - t0


def baseline_docs(workdir: Path):
    from portal import create_app
    from portal.config import Config
    from search import sources

    app = create_app(Config(workdir / "instance"))
    with app.app_context():
        for source in sources.all_sources():
            for doc in source.iter_docs():
                yield {
                    "key": doc["key"],
                    "type": doc["type"],
                    "obj_id": doc["obj_id"],
                    "title": doc["title"] or doc["heading"],
                    "body": doc["body"],
                    "url": doc["url"],
                }


def build_baseline(workdir: Path) -> float:
    from whoosh import index

    from search.analyzers import init_jieba

    init_jieba(str(workdir / "instance" / "jieba-cache"))
    folder = workdir / "baseline-index"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    t0 = time.perf_counter()
    ix = index.create_in(str(folder), baseline_schema())
    writer = ix.writer()
    n = 0
    for doc in baseline_docs(workdir):
        writer.add_document(**doc)
        n += 1
    writer.commit()
    took = time.perf_counter() - t0
    print(f"  baseline: {n} documents in one index in {took:.1f}s")
    return took


# -- 3. latency -------------------------------------------------------------------------------


WARM = ("测试", "赤峰", "方案", "意见", "规定", "工作", "部门", "管理")  # never timed


def published_opinions(workdir: Path) -> list[tuple[int, str]]:
    """(id, published body) of every published opinion, as the index has them."""
    import sqlite3

    con = sqlite3.connect(workdir / "instance" / "portal.db")
    try:
        return con.execute(
            "SELECT id, published_body FROM opinions WHERE published_body IS NOT NULL ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def query_sets(
    workdir: Path, n: int, tune_seed: int, query_seed: int, opinions: list[tuple[int, str]]
) -> dict[str, tuple[int, list[tuple[str, str, int]]]]:
    """The tuning set and the unseen set (issue 13), disjoint, without the warm-up words."""
    from bench.search_corpus import query_set as draw

    corpus = Corpus()
    info = json.loads((workdir / "corpus.json").read_text())
    decisions = corpus.decisions(info["decisions"])  # the same titles as in the database
    tuning = draw(tune_seed, decisions, opinions, n, exclude=frozenset(WARM))
    taken = frozenset(WARM) | {" ".join(q.split()) for _, q, _ in tuning}
    unseen = draw(query_seed, decisions, opinions, n, exclude=taken)
    return {"tuning": (tune_seed, tuning), "unseen": (query_seed, unseen)}


def run_baseline(workdir: Path, queries: list, group: str = "and") -> list[float]:
    """Raw Whoosh on the baseline index, a reused searcher: the default (AND) query parser, or
    ``--baseline-group or`` for the OR parser with a coordination factor of issue 6."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser, OrGroup

    from search.query import clean_query

    ix = index.open_dir(str(workdir / "baseline-index"))
    searcher = ix.searcher()
    if group == "or":
        parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup.factory(0.9))
    else:
        parser = MultifieldParser(["title", "body"], ix.schema)
    for q in WARM[:5]:  # warm the searcher (words not in the query sets)
        searcher.search_page(parser.parse(q), 1, pagelen=20)
    out = []
    for item in queries:
        q = item[1]
        t0 = time.perf_counter()
        page = searcher.search_page(parser.parse(clean_query(q)), 1, pagelen=20)
        _total = page.total
        _hits = [(h["type"], h["obj_id"], h["title"], h["url"]) for h in page]
        out.append((time.perf_counter() - t0) * 1000)
    searcher.close()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(workdir: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            BIN / "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env_for(workdir),
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "a"),  # noqa: SIM115
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/governments", timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start; see gunicorn.log in the work folder")


def api(port: int, q: str, **params) -> dict:
    query = urllib.parse.urlencode({"q": q, **params})
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/search?{query}", timeout=30) as r:
        return json.loads(r.read())


def run_ours(
    workdir: Path, queries: list, bodies: dict[int, str] | None = None
) -> tuple[list[float], dict]:
    """Each query once on a freshly started server (its result cache has never seen it), then
    once more to show the cached figure. For a pasted sentence, ``found`` records whether its
    opinion (or one with the same text) is the first hit and whether it is in the top 3."""
    bodies = bodies or {}
    port = free_port()
    proc = serve(workdir, port)
    try:
        for warm in WARM:
            api(port, warm)  # open both workers' searchers (not in the query sets)
        out, partial, relaxed = [], [], []
        found: list[tuple[bool, bool]] = []
        for item in queries:
            q = item[1]
            t0 = time.perf_counter()
            body = api(port, q)
            out.append((time.perf_counter() - t0) * 1000)
            partial.append(bool(body.get("partial")))
            relaxed.append(bool(body.get("relaxed")))
            source = item[2] if len(item) > 2 else 0
            if source:
                ok = [
                    h["type"] == "opinion" and (h["id"] == source or q in bodies.get(h["id"], ""))
                    for h in body["items"][:3]
                ]
                found.append((bool(ok) and ok[0], any(ok)))
        warm = []
        for item in queries:  # the same queries again: answered from the result cache
            t0 = time.perf_counter()
            api(port, item[1])
            warm.append((time.perf_counter() - t0) * 1000)
        return out, {
            "partial": sum(partial),
            "relaxed": sum(relaxed),
            "partial_each": partial,
            "found": found,
            "warm": summary(warm),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def class_table(name: str, seed: int, queries: list, runs: list[dict]) -> dict:
    """Print one set's table: per class and overall, medians over runs of p50/p95/p99/max for
    raw Whoosh and ours, the ratio at p95, partial answers and the pasted sentences' found
    rate. Returns the overall medians."""
    classes = []
    for cls, _q, *_ in queries:
        if cls not in classes:
            classes.append(cls)
    stats = ("p50", "p95", "p99", "max")
    print()
    print(
        f"{name} set (seed {seed}, {len(queries)} queries), medians of {len(runs)} run(s); "
        "raw Whoosh | ours (GET /api/v1/search), ms"
    )
    print(
        "| class | n | raw p50 | raw p95 | raw p99 | raw max | ours p50 | ours p95 | ours p99 "
        "| ours max | ratio at p95 | partial |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    overall = {}
    for cls in [*classes, "all"]:
        idx = [i for i, item in enumerate(queries) if cls in ("all", item[0])]
        med = {}
        for side in ("baseline", "ours"):
            per_run = [summary([r[side][i] for i in idx]) for r in runs]
            med[side] = {k: statistics.median(p[k] for p in per_run) for k in stats}
        partial = statistics.median(sum(r["partial_each"][i] for i in idx) for r in runs)
        b, o = med["baseline"], med["ours"]
        label = "**all**" if cls == "all" else cls
        print(
            f"| {label} | {len(idx)} | "
            + " | ".join(f"{b[k]:.0f}" for k in stats)
            + " | "
            + " | ".join(f"{o[k]:.0f}" for k in stats)
            + f" | {b['p95'] / max(o['p95'], 1e-9):.1f}x | {partial:g} |"
        )
        if cls == "all":
            overall = med
    found = [r["found"] for r in runs if r["found"]]
    if found:
        first = statistics.median(sum(f[0] for f in fr) for fr in found)
        top3 = statistics.median(sum(f[1] for f in fr) for fr in found)
        n = len(found[0])
        print(
            f"pasted sentences found: first hit {first:g}/{n} ({100 * first / n:.0f}%), "
            f"top 3 {top3:g}/{n} ({100 * top3 / n:.0f}%) (their opinion or one with the same "
            "text)"
        )
    return overall


# -- 4. approved opinion -> searchable ----------------------------------------------------------


def searchable_latency(workdir: Path, trials: int) -> list[float]:
    import random
    import string

    import sqlalchemy as sa

    from portal import create_app
    from portal.config import Config
    from portal.extensions import db
    from portal.models import Opinion, User
    from portal.rules.consultation import OpinionStatus
    from portal.services import moderation

    os.environ["PORTAL_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(Config(workdir / "instance"))
    app.config["SEARCH_SYNC"] = "thread"  # the default of a served app
    rng = random.Random()  # fresh tokens on every run (the database may be reused)
    port = free_port()
    proc = serve(workdir, port)
    out = []
    try:
        with app.app_context():
            api(port, "测试", type="opinion")
            user = db.session.scalar(sa.select(User).where(User.username == "bench-moderator"))
            template = db.session.scalar(sa.select(Opinion).order_by(Opinion.id).limit(1))
            for _trial in range(trials):
                token = "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(12))
                now = datetime.now(UTC)
                op = Opinion(
                    decision_id=template.decision_id,
                    consultation_id=template.consultation_id,
                    receipt_code=token.upper()[:16],
                    body=f"建议增加停车位 {token}，方便居民。",
                    content_hash=token.ljust(64, "0"),
                    status=OpinionStatus.RECEIVED,
                    submitted_at=now,
                )
                db.session.add(op)
                db.session.commit()
                moderation.approve_opinion(op, actor=user, now=datetime.now(UTC))
                db.session.commit()
                t0 = time.perf_counter()
                while True:
                    body = api(port, token, type="opinion")
                    if any(item["id"] == op.id for item in body["items"]):
                        break
                    if time.perf_counter() - t0 > 30:
                        raise SystemExit(f"opinion {op.id} not searchable after 30 s")
                    time.sleep(0.01)
                out.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


def main() -> None:
    from bench.search_corpus import TUNE_SEED

    ap = argparse.ArgumentParser()
    ap.add_argument("--opinions", type=int, default=100_000)
    ap.add_argument("--decisions", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=220, help="queries per set")
    ap.add_argument(
        "--query-seed",
        type=int,
        default=TUNE_SEED + 79,
        help="seed of the unseen query set (the one reported on)",
    )
    ap.add_argument(
        "--tune-seed",
        type=int,
        default=TUNE_SEED,
        help=f"seed of the tuning set (default {TUNE_SEED}, the set the engine was tuned on)",
    )
    ap.add_argument(
        "--baseline-group",
        choices=("and", "or"),
        default="and",
        help="raw Whoosh's query parser: default AND (issue 13) or OR with coordination",
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--trials", type=int, default=100, help="0 skips the searchable delay")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-search")
    ap.add_argument("--reuse", action="store_true", help="keep a database built before")
    ap.add_argument("--skip-baseline-build", action="store_true")
    ap.add_argument("--skip-reindex", action="store_true")
    args = ap.parse_args()
    if args.query_seed == args.tune_seed:
        raise SystemExit("--query-seed must differ from --tune-seed: report on unseen queries")
    workdir = args.workdir.resolve()
    marker = workdir / "corpus.json"
    wanted = {"opinions": args.opinions, "decisions": args.decisions}
    load_start = os.getloadavg()
    print(
        f"search benchmark: {args.opinions} opinions, {args.decisions} decisions, "
        f"{os.cpu_count()} CPUs, load average {load_start[0]:.2f} {load_start[1]:.2f} "
        f"{load_start[2]:.2f} at start"
    )
    if not (args.reuse and marker.exists() and json.loads(marker.read_text()) == wanted):
        print("building the corpus database ...")
        build_database(workdir, args.opinions, args.decisions)
    report: dict = {"corpus": wanted}
    if not args.skip_reindex:
        print("full reindex (ours) ...")
        report["reindex_ours_s"] = reindex_ours(workdir)
    if not args.skip_baseline_build or not (workdir / "baseline-index").exists():
        print("full index build (baseline, single writer) ...")
        report["reindex_baseline_s"] = build_baseline(workdir)
    opinions = published_opinions(workdir)
    bodies = dict(opinions)
    sets = query_sets(workdir, args.queries, args.tune_seed, args.query_seed, opinions)
    for name, (seed, queries) in sets.items():
        cats: dict[str, int] = {}
        for cat, *_ in queries:
            cats[cat] = cats.get(cat, 0) + 1
        print(f"{name} set (seed {seed}): {len(queries)} queries {cats}")
    runs: dict[str, list[dict]] = {name: [] for name in sets}
    for run in range(args.runs):
        for name, (_seed, queries) in sets.items():
            base_ms = run_baseline(workdir, queries, args.baseline_group)
            our_ms, extra = run_ours(workdir, queries, bodies)
            runs[name].append({"baseline": base_ms, "ours": our_ms, **extra})
            b, o = summary(base_ms), summary(our_ms)
            print(
                f"run {run + 1}, {name}: raw Whoosh p50 {b['p50']:.1f} p95 {b['p95']:.1f} "
                f"p99 {b['p99']:.1f} max {b['max']:.1f} ms | ours p50 {o['p50']:.1f} "
                f"p95 {o['p95']:.1f} p99 {o['p99']:.1f} max {o['max']:.1f} ms "
                f"(partial {extra['partial']}, relaxed {extra['relaxed']}; "
                f"cached p95 {extra['warm']['p95']:.1f} ms; load {os.getloadavg()[0]:.2f})"
            )
    med = {}
    for name, (seed, queries) in sets.items():
        med[name] = class_table(name, seed, queries, runs[name])
    report["latency_ms"] = med
    if args.trials > 0:
        print("approved opinion -> searchable ...")
        report["searchable_ms"] = summary(searchable_latency(workdir, args.trials))
    b, o = med["unseen"]["baseline"], med["unseen"]["ours"]
    print()
    print(
        f"| measure ({args.opinions} opinions, {args.decisions} decisions, unseen set) "
        "| raw Whoosh | ours | target |"
    )
    print("|---|---|---|---|")
    for k in ("p50", "p95", "p99", "max"):
        target = {"p95": "<= 150 ms, >= 4x", "p99": "<= 300 ms", "max": "< 1000 ms"}.get(k, "")
        print(
            f"| search {k} (median of {args.runs} runs) | {b[k]:.1f} ms | {o[k]:.1f} ms "
            f"| {target} |"
        )
    print(f"| ratio at p95 | | {b['p95'] / o['p95']:.1f}x | >= 4x |")
    if "reindex_ours_s" in report:
        base = report.get("reindex_baseline_s")
        print(
            f"| full reindex | {base:.0f} s |" if base else "| full reindex | - |",
            f"{report['reindex_ours_s']:.0f} s | < 180 s |",
        )
    if "searchable_ms" in report:
        s = report["searchable_ms"]
        print(
            f"| approved opinion searchable p50 / p95 / max ({args.trials} trials) | | "
            f"{s['p50']:.0f} / {s['p95']:.0f} / {s['max']:.0f} ms | p95 <= 1000 ms |"
        )
    load = os.getloadavg()
    print(
        f"load average {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f} at start, "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at end"
    )
    (workdir / "report.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
