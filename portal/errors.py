"""Error pages in both languages, and the JSON error object for /api."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
}


def messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page does not exist or is no longer public.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        413: (_("Too large"), _("What you sent is larger than the portal accepts.")),
        429: (
            _("Too many requests"),
            _(
                "You have sent too many requests in a short time. "
                "Please wait a moment and try again."
            ),
        ),
        500: (
            _("Something went wrong"),
            _(
                "The portal could not complete your request. "
                "Nothing you submitted was saved; please try again."
            ),
        ),
    }


def json_error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    rule: str | None = None,
    fields: dict | None = None,
    headers: dict | None = None,
):
    """The public contract's error object. ``message`` and the field problems are English
    msgids (``json_error`` is an extraction keyword) or text translated already; they are
    given in the reader's language."""
    body = {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": _translate(message),
            "rule": rule,
            "fields": {k: _translate(v) for k, v in (fields or {}).items()},
        }
    }
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _translate(text):
    from flask_babel import gettext

    return gettext(text) if isinstance(text, str) and text.isascii() and text else text


def wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        title, text = messages().get(status, (exc.name, exc.description or ""))
        headers = {}
        if status == 429:
            retry = getattr(exc, "retry_after", None)
            headers["Retry-After"] = str(int(retry)) if retry else "60"
        if wants_json():
            return json_error(status, text, headers=headers)
        template = "errors/error.html"
        response = app.make_response(
            (render_template(template, status=status, title=title, text=text), status)
        )
        response.headers.update(headers)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        from portal.extensions import db

        db.session.rollback()
        title, text = messages()[500]
        if wants_json():
            return json_error(500, text)
        return render_template("errors/error.html", status=500, title=title, text=text), 500
