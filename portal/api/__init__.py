"""JSON API v1 (public contract)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.api import decisions, governments, openapi, opinions  # noqa: E402,F401
