"""Issue 12 (E): `make run` ends with where the site is and the demo accounts, and
`flask portal demo-accounts` prints them again (kept in the instance folder, mode 0600)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from portal import demo_accounts
from tests.conftest import login


@pytest.fixture
def accounts_file(ctx):
    path = demo_accounts.accounts_path(ctx.instance_path)
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def test_seeding_keeps_the_accounts_readable_by_the_owner_only(runner, client, accounts_file):
    result = runner.invoke(args=["portal", "seed-demo", "--quiet"])
    assert result.exit_code == 0, result.output
    # One line, no passwords: the banner of `make run` prints the accounts once, at the end.
    assert result.output.strip().count("\n") == 0
    assert "Demo data loaded" in result.output and "Demo-" not in result.output
    assert stat.S_IMODE(accounts_file.stat().st_mode) == 0o600
    accounts = json.loads(accounts_file.read_text(encoding="utf-8"))["accounts"]
    by_name = {a["username"]: a for a in accounts}
    assert {"admin", "office", "undertaker", "moderator", "hongshan.office"} <= set(by_name)
    assert by_name["moderator"]["roles"] == "moderator"
    assert by_name["office"]["name"] == "市政府办公室 王敏"
    # The stored password is the real one.
    response = login(client, "office", by_name["office"]["password"])
    assert response.status_code in (302, 303)

    printed = runner.invoke(args=["portal", "demo-accounts"])
    assert printed.exit_code == 0, printed.output
    for a in accounts:
        line = next(x for x in printed.output.splitlines() if x.split()[:1] == [a["username"]])
        assert a["password"] in line and a["roles"] in line
    assert "/admin/" in printed.output


def test_seed_demo_without_quiet_still_prints_the_accounts_and_the_hint(runner, accounts_file):
    result = runner.invoke(args=["portal", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "office" in result.output and "Demo-" in result.output
    assert "flask portal demo-accounts" in result.output
    assert len(result.output.splitlines()) <= 15


def test_demo_accounts_without_a_demo_says_how_to_load_it(runner, accounts_file):
    result = runner.invoke(args=["portal", "demo-accounts"])
    assert result.exit_code == 1
    assert "seed-demo" in result.output


def test_the_run_banner_says_where_the_site_is_and_how_to_print_the_accounts(tmp_path):
    accounts = [
        {"username": "office", "name": "", "roles": "government_office", "password": "pw-1"}
    ]
    from datetime import UTC, datetime

    demo_accounts.save(tmp_path, accounts, now=datetime(2026, 12, 1, tzinfo=UTC))
    text = demo_accounts.banner(demo_accounts.url_of_bind("127.0.0.1:5000"), tmp_path)
    assert "http://127.0.0.1:5000/" in text and "http://127.0.0.1:5000/admin/" in text
    assert "office" in text and "pw-1" in text
    assert "flask portal demo-accounts" in text
    assert text.count("pw-1") == 1
    # Without a stored file: still where the site is and the hint.
    empty = demo_accounts.banner("http://127.0.0.1:5000", Path(tmp_path) / "none")
    assert "http://127.0.0.1:5000/" in empty and "pw-1" not in empty


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),
        ("localhost:5001", "http://localhost:5001"),
    ],
)
def test_url_of_bind(bind, url):
    assert demo_accounts.url_of_bind(bind) == url


def test_make_run_is_quiet_and_ends_with_the_banner():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile.split("\nrun: install\n", 1)[1].split("\n\n", 1)[0]
    assert "seed-demo --quiet" in run
    assert "PORTAL_RUN_BANNER" in makefile
    conf = (Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text()
    assert "def when_ready" in conf and "banner(" in conf
