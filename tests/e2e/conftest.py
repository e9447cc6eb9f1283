"""A real portal for browser tests: migrated, seeded SQLite served by gunicorn on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = _free_port()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD,
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "PORTAL_WORKERS": "2",
    }
    env.pop("PORTAL_DATABASE_URL", None)
    for args in (["db", "upgrade"], ["portal", "seed-demo"], ["portal", "reindex"]):
        subprocess.run(
            [BIN / "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
        )
    with open(instance / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/governments", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            server.terminate()
            pytest.fail("gunicorn did not start: " + (instance / "gunicorn.log").read_text())
        yield base
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("PORTAL_TEST_REQUIRE_SERVICES"):
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
