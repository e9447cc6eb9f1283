"""The public participation page of each government (PART-6b, PART-6c): the 12345 citizen
service hotline, government open days, government new media and the offline participation
contact points (address, hours, phone), as the government office keeps them."""

from __future__ import annotations

from flask import abort, render_template

from portal import labels
from portal.public import bp
from portal.public.cache import cached_page
from portal.services import channels as service


def _page(government):
    return render_template(
        "public/participation.html",
        government=government,
        grouped=service.public_channels(government),
        governments=service.governments(),
        kind_labels=labels.CHANNEL_KIND,
    )


@bp.get("/participate")
@cached_page
def participate():
    """The column's participation page: the city's channels, and every government's page."""
    governments = service.governments()
    if not governments:
        abort(404)
    return _page(governments[0])


@bp.get("/governments/<gov>/participation")
@cached_page
def government_participation(gov: str):
    government = service.government_by_slug(gov)
    if government is None:
        abort(404)
    return _page(government)
