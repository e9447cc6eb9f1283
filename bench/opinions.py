"""A decision with 10,000 published opinions: its page and its opinion list (benchmarks.md).

Usage: .venv/bin/python bench/opinions.py [--opinions 10000] [--duration 10] [--runs 3]

Loads the demo into a fresh SQLite instance, adds N published and answered opinions (fixed
seed; sentences recombined from the Chifeng rules in ../shared/seed, with themes and clauses)
to the published preschool plan, whose adoption report is published, then serves it with
gunicorn (2 workers, as `make run`) and drives it with wrk next to a one-route Flask baseline.
Each page is measured twice: as deployed (the 10-second page micro-cache on) and with the cache
off (PORTAL_PAGE_CACHE_SECONDS=0), where every request does the real work: the theme and
adoption counts, the page of opinions and the total, all in SQL.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import BIN, ROOT, free_port, serve, wrk

SEED_TEXT = ROOT.parent / "shared" / "seed"
THEMES = ["公办园建设", "普惠性民办园扶持", "教师队伍", "收费标准", "家庭经济困难幼儿资助", ""]
CLAUSES = ["第一条", "第二条", "第三条", "第四条", ""]
ADOPTIONS = ["adopted", "partially_adopted", "not_adopted"]


def sentences() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEED_TEXT.glob("*.txt")))
    parts = [s.strip() for s in re.split(r"(?<=[。；！？])", text) if 8 <= len(s.strip()) <= 120]
    return parts or ["建议进一步明确相关条款的适用范围和执行标准。"]


def load_opinions(instance: Path, count: int, seed: int) -> int:
    """Insert ``count`` published, answered opinions (SQLAlchemy Core); return the decision."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    import hashlib
    from datetime import timedelta

    import sqlalchemy as sa

    from portal import create_app
    from portal.demo_opinions import REPORT_DECISION
    from portal.extensions import db
    from portal.models.consultation import Consultation
    from portal.models.decision import Decision
    from portal.models.opinion import Opinion

    app = create_app()
    rng = random.Random(seed)
    pool = sentences()
    with app.app_context():
        decision = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
        consultation = db.session.scalar(
            sa.select(Consultation).where(Consultation.decision_id == decision.id)
        )
        span = (consultation.closes_at - consultation.opens_at).total_seconds()
        rows = []
        for i in range(count):
            body = "建议" + "".join(rng.sample(pool, rng.randint(1, 4)))
            adoption = rng.choice(ADOPTIONS)
            when = consultation.opens_at + timedelta(seconds=span * i / count)
            rows.append(
                {
                    "decision_id": decision.id,
                    "consultation_id": consultation.id,
                    "receipt_code": f"B{i:011d}",
                    "body": body,
                    "published_body": body,
                    "clause": rng.choice(CLAUSES),
                    "theme": rng.choice(THEMES),
                    "display_name": "",
                    "publish_name_consent": False,
                    "consent_version": "bench",
                    "contact_email": "",
                    "contact_phone": "",
                    "status": "published",
                    "adoption": adoption,
                    "response": "" if adoption == "adopted" else "经研究，" + rng.choice(pool),
                    "submitted_at": when,
                    "moderated_at": when,
                    "answered_at": when,
                    "content_hash": hashlib.sha256(f"bench:{i}".encode()).hexdigest(),
                    "ip_hash": "",
                    "group_key": "",
                }
            )
        for start in range(0, len(rows), 2000):
            db.session.execute(sa.insert(Opinion), rows[start : start + 2000])
        db.session.commit()
        return decision.id


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--opinions", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--uncached-connections", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    instance = Path(tempfile.mkdtemp(prefix="bench-opinions-"))
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_RATELIMIT_ENABLED": "false",
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "PORTAL_WORKERS": "2",
        "PORTAL_DEMO_PASSWORD": "bench-password-2026",
    }
    env.pop("PORTAL_DATABASE_URL", None)
    for cmd in (["db", "upgrade"], ["portal", "seed-demo"]):
        subprocess.run([BIN / "flask", *cmd], cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    decision = load_opinions(instance, args.opinions, args.seed)
    port_base, port_app, port_raw = free_port(), free_port(), free_port()
    base = serve("bench.baseline_app:app", env, port_base)
    app = serve("wsgi:app", env, port_app)
    raw = serve("wsgi:app", {**env, "PORTAL_PAGE_CACHE_SECONDS": "0"}, port_raw)
    last_page = (args.opinions + 5 + 19) // 20
    site = f"http://127.0.0.1:{port_app}"
    pages = [
        (f"decision page /decisions/{decision}", f"{site}/decisions/{decision}"),
        ("opinions, first page", f"{site}/decisions/{decision}/opinions"),
        (
            f"opinions, page {last_page} (last)",
            f"{site}/decisions/{decision}/opinions?page={last_page}",
        ),
        (
            "opinions of one theme",
            f"{site}/decisions/{decision}/opinions?theme=%E6%95%99%E5%B8%88%E9%98%9F%E4%BC%8D",
        ),
        ("API opinions, per_page=100", f"{site}/api/v1/decisions/{decision}/opinions?per_page=100"),
    ]
    targets = [("baseline (one route)", f"http://127.0.0.1:{port_base}/", args.connections)]
    targets += [(name, url, args.connections) for name, url in pages]
    targets += [
        (
            f"{name} [no cache]",
            url.replace(f":{port_app}/", f":{port_raw}/"),
            args.uncached_connections,
        )
        for name, url in pages
    ]
    try:
        for _, url, _ in targets:  # warm up
            wrk(url, 2, 4)
        results = {name: [] for name, _, _ in targets}
        for _ in range(args.runs):
            for name, url, connections in targets:
                results[name].append(wrk(url, args.duration, connections))
    finally:
        base.terminate()
        app.terminate()
        raw.terminate()
        shutil.rmtree(instance, ignore_errors=True)
    med = {
        n: tuple(statistics.median(r[i] for r in rs) for i in range(3)) for n, rs in results.items()
    }
    baseline = med["baseline (one route)"][0]
    print(
        f"{args.opinions} published opinions on one decision; gunicorn 2 workers x 4 threads, "
        f"SQLite, wrk -d{args.duration}s, -c{args.connections} (cache on) and "
        f"-c{args.uncached_connections} (no cache), median of {args.runs} runs"
    )
    print(f"{'page':52} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7}")
    for name, (rps, p50, p99) in med.items():
        print(f"{name:52} {rps:8.0f} {rps / baseline:6.2f} {p50:7.1f} {p99:7.1f}")


if __name__ == "__main__":
    main()
