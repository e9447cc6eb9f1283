"""The demo staff accounts, kept so they can be printed again (issue 12).

``flask portal seed-demo`` gives every demo account a random password (or the one in
``PORTAL_DEMO_PASSWORD``). The passwords are stored once, in ``demo-accounts.json`` in the
instance folder, readable by its owner only (mode 0600), so that ``flask portal demo-accounts``
prints them again and ``make run`` ends with a short banner: where the site is, the accounts and
how to print them again. Demonstration only: a real installation creates its own accounts with
``flask portal create-user`` and has no such file.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

ACCOUNTS_FILE = "demo-accounts.json"


def accounts_path(instance: str | os.PathLike) -> Path:
    return Path(instance) / ACCOUNTS_FILE


def save(instance: str | os.PathLike, accounts: list[dict], *, now: datetime) -> Path:
    """Write the accounts (username, name, roles, password) readable by the owner only."""
    path = accounts_path(instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"created_at": now.isoformat(), "accounts": accounts}, fh, ensure_ascii=False)
        fh.write("\n")
    os.chmod(path, 0o600)  # an older file keeps its mode on O_TRUNC
    return path


def load(instance: str | os.PathLike) -> list[dict] | None:
    """The stored accounts, or None when there is no (readable, well-formed) file."""
    try:
        data = json.loads(accounts_path(instance).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    accounts = data.get("accounts") if isinstance(data, dict) else None
    return accounts if isinstance(accounts, list) else None


def table(accounts: list[dict], indent: str = "  ") -> list[str]:
    """One line per account: user name, password, roles."""
    width = max([len(a.get("username", "")) for a in accounts] + [8]) + 2
    pw_width = max([len(a.get("password", "")) for a in accounts] + [8]) + 2
    lines = [f"{indent}{'user':<{width}}{'password':<{pw_width}}roles"]
    for a in accounts:
        lines.append(
            f"{indent}{a.get('username', ''):<{width}}{a.get('password', ''):<{pw_width}}"
            f"{a.get('roles', '')}"
        )
    return lines


def print_again_hint() -> str:
    return (
        "Print the demo accounts again: .venv/bin/flask portal demo-accounts "
        "(or make demo-accounts)"
    )


def banner(url: str, instance: str | os.PathLike) -> str:
    """What ``make run`` prints once the server is ready."""
    url = url.rstrip("/")
    rule = "=" * 72
    lines = [
        "",
        rule,
        f"  Decision Portal is running at {url}/",
        f"  Staff sign-in: {url}/admin/",
    ]
    accounts = load(instance)
    if accounts:
        lines += ["", "  Demo staff accounts (demonstration only):", *table(accounts, "    ")]
    lines += ["", f"  {print_again_hint()}", "  Stop the server with Ctrl+C.", rule, ""]
    return "\n".join(lines)


def url_of_bind(bind: str) -> str:
    """http://host:port from a gunicorn bind address (0.0.0.0 is reached as 127.0.0.1)."""
    host, _, port = bind.rpartition(":")
    if not host or host in ("0.0.0.0", "[::]", "::"):  # noqa: S104 - a listening address
        host = "127.0.0.1"
    return f"http://{host}:{port}" if port else f"http://{bind}"
