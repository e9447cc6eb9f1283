"""The annual catalogs (PROC-4, CAT-6c, CAT-16b): list, and one catalog with its current entries,
its publication and filing dates, every adjustment and the earlier versions of the list."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for

from portal import clock
from portal.public import bp
from portal.public.cache import cached_page
from portal.rules.workdays import local_date
from portal.services import catalogs as catalog_service


@bp.get("/catalogs")
@cached_page
def catalog_list():
    return render_template(
        "public/catalog_list.html",
        catalogs=catalog_service.public_catalogs(),
        solicitations=catalog_service.open_solicitations(local_date(clock.now())),
    )


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
        adjustments=catalog_service.public_adjustments(catalog),
        versions=catalog_service.public_versions(catalog),
    )


@bp.app_template_global()
def catalog_suggestion_url(catalog) -> str | None:
    """CAT-7b: the public proposal form, preset for this catalog (when that feature exists)."""
    if "public.proposal_new" not in current_app.view_functions:
        return None
    return url_for(
        "public.proposal_new", gov=catalog.government.slug, kind="catalog_item", year=catalog.year
    )
