"""Small helpers shared by public and API views: paging, safe redirects, enum arguments."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from flask import current_app, request

E = TypeVar("E", bound=StrEnum)


def page_args(default_per_page: int = 20, max_per_page: int = 100) -> tuple[int, int]:
    page = request.args.get("page", "1")
    per_page = request.args.get("per_page", str(default_per_page))
    page_n = int(page) if page.isascii() and page.isdigit() else 1
    per_n = int(per_page) if per_page.isascii() and per_page.isdigit() else default_per_page
    return max(1, min(page_n, 100000)), max(1, min(per_n, max_per_page))


def int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


def enum_arg(name: str, enum_cls: type[E]) -> E | None:
    value = request.args.get(name, "").strip()
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only a local path: rejects //host, /\\host, schemes and control characters."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ord(c) < 32 or c == "\\" for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def public_root() -> str:
    """The portal's public address (``PORTAL_PUBLIC_URL``, see ``portal.config``) without a
    trailing slash. Absolute links in feeds, the sitemap, open data, calendars and e-mails are
    built on it, never on the request's ``Host`` or ``X-Forwarded-Host``: a client chooses those,
    and a cached page would hand its links to every later visitor."""
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
