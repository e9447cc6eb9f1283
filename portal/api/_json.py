"""Shared JSON helpers: list envelopes, ISO dates with offset, conditional GET."""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app

from portal import clock


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return clock.to_local(value, current_app.config["TIMEZONE"]).isoformat(timespec="seconds")


def envelope(items: list, *, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def cached_json(payload) -> Response:
    """JSON with a strong ETag; answers 304 when the client already has it."""
    from portal.api._common import read_json

    return read_json(payload)
