"""The annual catalogs (PROC-4, CAT-6c): list, and one catalog with entries and adjustments."""

from __future__ import annotations

from flask import abort, render_template

from portal.public import bp
from portal.public.cache import cached_page
from portal.services import catalogs as catalog_service


@bp.get("/catalogs")
@cached_page
def catalog_list():
    return render_template("public/catalog_list.html", catalogs=catalog_service.public_catalogs())


@bp.get("/catalogs/<gov>/<int:year>")
@cached_page
def catalog_show(gov: str, year: int):
    catalog = catalog_service.get_public_catalog(gov, year)
    if catalog is None:
        abort(404)
    return render_template(
        "public/catalog_show.html",
        catalog=catalog,
        entries=catalog_service.public_entries(catalog),
    )
