"""JSON API v1 (public contract)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.api import (  # noqa: E402,F401
    catalogs,
    decisions,
    governments,
    hearings,
    openapi,
    opinions,
    search,
)
