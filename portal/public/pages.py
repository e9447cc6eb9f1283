"""Preferences (language, large text) and the static statements."""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request

from portal.public import bp
from portal.public._util import safe_next

LARGE_TEXT_COOKIE = "portal_large_text"


@bp.get("/display")
def display_settings():
    """Large-text mode (大字版): a plain link that works without JavaScript, kept in a cookie."""
    large = request.args.get("large") == "1"
    response = make_response(redirect(safe_next(request.args.get("next"))))
    if large:
        response.set_cookie(
            LARGE_TEXT_COOKIE,
            "1",
            max_age=365 * 86400,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")
