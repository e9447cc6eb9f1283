"""Public site blueprints (no login)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import catalogs, decisions, home, opinions, pages, search  # noqa: E402,F401
