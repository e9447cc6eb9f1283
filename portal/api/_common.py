"""Read-side helpers shared by the API, the Atom feeds and the open-data downloads.

- Conditional GET: every read answers with a strong ``ETag`` (a hash of the body, or of the
  state it is built from) and, where the data has timestamps, a ``Last-Modified`` derived from
  them; ``If-None-Match`` / ``If-Modified-Since`` get a 304 (``If-None-Match`` wins, RFC 9110).
- CORS: ``Access-Control-Allow-Origin: *`` on GET, HEAD and OPTIONS of the read API and of the
  open-data downloads, never on POST (the write endpoints stay same-origin for browsers).
- Query arguments: a malformed filter is a 422 with the field, never a silently ignored filter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Response, request

from portal import clock
from portal.api import bp
from portal.errors import json_error
from portal.rules.errors import N_

# Ids beyond a 32-bit integer cannot exist; refusing them early avoids database overflow errors
# (SQLite raises on integers beyond 64 bits).
MAX_ID = 2**31 - 1

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since, Accept, Accept-Language",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After, Content-Disposition",
    "Access-Control-Max-Age": "86400",
}


def add_cors(response: Response) -> Response:
    """Allow any origin to read this response (public data, no cookies involved)."""
    if request.method in READ_METHODS:
        for name, value in CORS_HEADERS.items():
            response.headers[name] = value
    return response


@bp.after_request
def _api_cors(response: Response) -> Response:
    # Every GET of /api/v1 is a public read; POST responses get no CORS header, and the
    # preflight of a POST only allows GET/HEAD/OPTIONS, so browsers keep writes same-origin.
    return add_cors(response)


def last_modified(values: Iterable[datetime | None], *, now: datetime | None = None):
    """The newest of the given timestamps that is not in the future, to the second (or None).

    Future times (a consultation that closes next week) are left out: they change nothing
    until they pass, and then they count.
    """
    now = now or clock.now()
    best: datetime | None = None
    for value in values:
        if value is None:
            continue
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if value > now:
            continue
        if best is None or value > best:
            best = value
    return best.replace(microsecond=0) if best else None


def etag_of(*parts) -> str:
    raw = json.dumps(parts, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def conditional(
    response: Response,
    *,
    etag: str | None = None,
    modified: datetime | None = None,
    max_age: int = 60,
) -> Response:
    """Set the validators and answer 304 when the client already has this version."""
    if etag is None:
        etag = hashlib.sha256(response.get_data()).hexdigest()[:32]
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response.make_conditional(request)


def not_modified(etag: str, modified: datetime | None, *, weak: bool = False) -> bool:
    """True when the request's validators match: the caller may skip building the body."""
    probe = Response()
    probe.set_etag(etag, weak=weak)
    if modified is not None:
        probe.last_modified = modified
    return probe.make_conditional(request).status_code == 304


def read_json(payload, *, modified: datetime | None = None, max_age: int = 60) -> Response:
    """A JSON read response with ETag, Last-Modified (when known) and conditional GET."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    return conditional(response, modified=modified, max_age=max_age)


class BadQuery(Exception):
    """A query argument that cannot be understood: answered with a 422 naming the field."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


def bad_query(exc: BadQuery):
    return json_error(422, "Invalid query parameters.", fields=exc.fields)


def query_int(name: str, *, minimum: int = 0, maximum: int = 9999) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
        raise BadQuery({name: f"must be an integer from {minimum} to {maximum}"})
    return int(raw)


def query_choice(name: str, choices: Iterable[str]) -> str | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in set(choices):
        raise BadQuery({name: "unknown value"})
    return raw


def paging(default: int = 20, maximum: int = 100) -> tuple[int, int]:
    """page and per_page: malformed values are a 422; per_page above the cap is capped."""
    page = query_int("page", minimum=1, maximum=100000) or 1
    raw = request.args.get("per_page", "").strip()
    if not raw:
        return page, default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or len(raw) > 6:
        raise BadQuery({"per_page": f"must be an integer from 1 to {maximum}"})
    return page, min(int(raw), maximum)


# -- hearings: the public query lives in portal.services.hearings -------------------------------


def hearing_model():
    from portal.models.hearing import Hearing

    return Hearing


def public_hearings_query():
    """Announced hearings of public decisions (``portal.services.hearings``)."""
    from portal.services.hearings import public_hearings_query as query

    return query()


def public_hearings_of(decision) -> list:
    from portal.services.hearings import hearings_of

    return hearings_of(decision)


def hearing_timestamps(h) -> list[datetime | None]:
    return [
        getattr(h, name, None)
        for name in (
            "announced_at",
            "list_published_at",
            "report_published_at",
            "cancelled_at",
            "updated_at",
        )
    ]


def submission_payload(
    fields: dict[str, type], required: Iterable[str], invalid_message: str, *, max_bytes: int
) -> tuple[dict | None, Response | None]:
    """The JSON object of a public submission, or the error response of the contract: 413 too
    large, 400 not a JSON object, 422 naming each field of the wrong type or missing."""
    raw = request.get_data(cache=False)
    if len(raw) > max_bytes:
        return None, json_error(413, "The request body is too large.")
    try:
        payload = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        return None, json_error(400, "The body must be a JSON object.")
    problems = {}
    for name, kind in fields.items():
        value = payload.get(name)
        if value is not None and not isinstance(value, kind):
            problems[name] = N_("Must be true or false.") if kind is bool else N_("Must be text.")
    for name in required:
        if not payload.get(name) and name not in problems:
            problems[name] = N_("This field is required.")
    if problems:
        return None, json_error(422, invalid_message, fields=problems)
    return payload, None
