"""Public page throughput and latency against the one-route baseline (benchmarks.md).

Usage: .venv/bin/python bench/pages.py [--duration 10] [--connections 32] [--runs 3]

Starts gunicorn (2 workers, gthread, as `make run`) twice on 127.0.0.1 only: once with a bare
one-route Flask app (baseline), once with the portal on a fresh demo database, then drives both
with wrk and prints requests/s, the ratio to the baseline and p50/p99 latency (medians of runs).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            BIN / "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"{app} did not start")


def to_ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if m is None:
        raise SystemExit(f"unexpected wrk latency {value!r}")
    n, unit = float(m[1]), m[2]
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[unit]


def wrk(url: str, duration: int, connections: int) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk could not measure {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M)[1])
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M)[1])
    if "Non-2xx" in out:
        raise SystemExit(f"errors while measuring {url}:\n{out}")
    return rps, p50, p99


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    instance = Path(tempfile.mkdtemp(prefix="bench-pages-"))
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
    for cmd in (["db", "upgrade"], ["portal", "seed-demo"], ["portal", "reindex"]):
        subprocess.run([BIN / "flask", *cmd], cwd=ROOT, env=env, check=True, capture_output=True)
    port_base, port_app = free_port(), free_port()
    base = serve("bench.baseline_app:app", env, port_base)
    app = serve("wsgi:app", env, port_app)
    decision = 1
    targets = [
        ("baseline (one route)", f"http://127.0.0.1:{port_base}/"),
        ("home /", f"http://127.0.0.1:{port_app}/"),
        ("decision list /decisions", f"http://127.0.0.1:{port_app}/decisions"),
        (
            f"decision page /decisions/{decision}",
            f"http://127.0.0.1:{port_app}/decisions/{decision}",
        ),
        ("API /api/v1/decisions", f"http://127.0.0.1:{port_app}/api/v1/decisions"),
    ]
    try:
        for _, url in targets:  # warm up
            wrk(url, 2, 8)
        results = {name: [] for name, _ in targets}
        for _ in range(args.runs):
            for name, url in targets:
                results[name].append(wrk(url, args.duration, args.connections))
    finally:
        base.terminate()
        app.terminate()
        shutil.rmtree(instance, ignore_errors=True)
    med = {
        n: tuple(statistics.median(r[i] for r in rs) for i in range(3)) for n, rs in results.items()
    }
    baseline = med["baseline (one route)"][0]
    print(
        f"gunicorn 2 workers x 4 threads, SQLite demo data, wrk -c{args.connections} "
        f"-d{args.duration}s, median of {args.runs} runs"
    )
    print(f"{'page':34} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7}")
    for name, (rps, p50, p99) in med.items():
        print(f"{name:34} {rps:8.0f} {rps / baseline:6.2f} {p50:7.1f} {p99:7.1f}")


if __name__ == "__main__":
    main()
