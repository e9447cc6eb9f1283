"""Public site blueprints (no login)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import (  # noqa: E402,F401
    catalogs,
    channels,
    decisions,
    dossier,
    evaluation,
    feeds,
    follows,
    hearings,
    home,
    listings,
    opendata,
    opinions,
    pages,
    proposals,
    search,
    sitemap,
    statistics,
    wording,
)
