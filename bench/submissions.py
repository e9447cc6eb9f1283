"""Opinion submission throughput on PostgreSQL with 4 gunicorn workers, none lost (benchmarks.md).

Usage: .venv/bin/python bench/submissions.py [--seconds 10] [--clients 16] [--runs 3]
       [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Creates a scratch database `bench_submissions` on that server (dropped at the end), migrates it
and loads the demo, then serves the portal with gunicorn (4 workers, rate limits off) and posts
distinct opinions to `POST /api/v1/decisions/<id>/opinions` from N client threads for a fixed
time. It counts 201 answers, then checks that the database holds exactly that many new
opinions (nothing acknowledged is lost, nothing is stored twice). The baseline, in the same run,
is a bare INSERT of the same rows through SQLAlchemy Core from the same number of threads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import BIN, ROOT, free_port, serve

DB_NAME = "bench_submissions"


def post(url: str, body: dict) -> int:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def drive(url: str, seconds: float, clients: int, tag: str) -> tuple[int, int, list[float]]:
    """(accepted, failed, latencies in ms) of distinct submissions for ``seconds``."""
    accepted = failed = 0
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        nonlocal accepted, failed
        i = 0
        while time.monotonic() < stop:
            body = {"body": f"压测意见{tag}-{n}-{i}：建议进一步明确第三条的适用范围和执行标准。"}
            start = time.perf_counter()
            status = post(url, body)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if status == 201:
                    accepted += 1
                else:
                    failed += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return accepted, failed, latencies


def baseline(engine_url: str, seconds: float, clients: int, decision_id: int, consultation_id: int):
    """Bare INSERTs of the same rows (SQLAlchemy Core, one transaction each)."""
    import sqlalchemy as sa

    engine = sa.create_engine(engine_url, pool_size=clients)
    table = sa.Table("opinions", sa.MetaData(), autoload_with=engine)
    done = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        nonlocal done
        i = 0
        while time.monotonic() < stop:
            body = f"基线{n}-{i}：建议进一步明确第三条的适用范围和执行标准。"
            with engine.begin() as conn:
                conn.execute(
                    table.insert(),
                    {
                        "decision_id": decision_id,
                        "consultation_id": consultation_id,
                        "receipt_code": hashlib.sha256(f"b{n}-{i}-{time.time()}".encode())
                        .hexdigest()[:12]
                        .upper(),
                        "body": body,
                        "clause": "",
                        "display_name": "",
                        "publish_name_consent": False,
                        "consent_version": "bench",
                        "contact_email": "",
                        "contact_phone": "",
                        "status": "received",
                        "adoption": "pending",
                        "response": "",
                        "submitted_at": datetime.now(UTC).replace(tzinfo=None),
                        "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                        "ip_hash": "",
                        "published_body": "",
                        "group_key": "",
                        "theme": "",
                    },
                )
            with lock:
                done += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return done


def count_opinions(engine_url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(engine_url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM opinions")).scalar_one()
    engine.dispose()
    return int(n)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    import sqlalchemy as sa

    admin = sa.create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {DB_NAME}"))
        conn.execute(sa.text(f"CREATE DATABASE {DB_NAME}"))
    db_url = args.admin_url.rsplit("/", 1)[0] + f"/{DB_NAME}"
    instance = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_DATABASE_URL": db_url,
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_RATELIMIT_ENABLED": "false",
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "PORTAL_WORKERS": "4",
        "PORTAL_DEMO_PASSWORD": "bench-password-2026",
    }
    for cmd in (["db", "upgrade"], ["portal", "seed-demo"]):
        subprocess.run([BIN / "flask", *cmd], cwd=ROOT, env=env, check=True, capture_output=True)
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        decision_id, consultation_id = conn.execute(
            sa.text(
                "SELECT decision_id, id FROM consultations WHERE opens_at <= now() "
                "AND closes_at > now() ORDER BY closes_at LIMIT 1"
            )
        ).one()
    engine.dispose()
    port = free_port()
    server = serve("wsgi:app", env, port)
    url = f"http://127.0.0.1:{port}/api/v1/decisions/{decision_id}/opinions"
    ours, base, lost = [], [], []
    p50s, p99s = [], []
    try:
        drive(url, 2, 4, "warm")
        for run in range(args.runs):
            before = count_opinions(db_url)
            accepted, failed, latencies = drive(url, args.seconds, args.clients, f"r{run}")
            stored = count_opinions(db_url) - before
            lost.append(accepted - stored)
            ours.append(accepted / args.seconds)
            latencies.sort()
            p50s.append(latencies[len(latencies) // 2])
            p99s.append(latencies[int(len(latencies) * 0.99) - 1])
            if failed:
                print(f"run {run}: {failed} requests were not accepted")
            done = baseline(db_url, args.seconds, args.clients, decision_id, consultation_id)
            base.append(done / args.seconds)
    finally:
        server.terminate()
        server.wait()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"))
        admin.dispose()
    print(
        f"PostgreSQL, gunicorn 4 workers, {args.clients} client threads, {args.seconds:.0f} s, "
        f"median of {args.runs} runs"
    )
    print(f"{'':34} {'per s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    print(f"{'baseline: bare Core INSERT':34} {statistics.median(base):8.0f}")
    print(
        f"{'POST /api/v1/.../opinions (201)':34} {statistics.median(ours):8.0f} "
        f"{statistics.median(p50s):7.1f} {statistics.median(p99s):7.1f}"
    )
    print(f"acknowledged but not stored (must be 0): {lost}")


if __name__ == "__main__":
    main()
