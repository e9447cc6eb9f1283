"""GET /api/v1/catalogs?gov=&year= (public contract): the published annual catalogs.

Only published (or filed) catalogs; only adjustments that were published; an entry added by an
adjustment not yet published is left out, and one removed by a published adjustment is listed
with ``status: "removed"``. A non-disclosable entry shows its name and undertaking unit only
(rules.md A7) and never links to a decision.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal import clock
from portal.api import bp
from portal.api._common import BadQuery, bad_query, last_modified, paging, query_int, read_json
from portal.api._json import envelope, iso
from portal.api.decisions import request_gov
from portal.extensions import db
from portal.models.catalog import Catalog, CatalogAdjustment, CatalogEntry, CatalogStatus
from portal.models.decision import Decision
from portal.models.org import Government
from portal.public.cache import cached_page


def public_catalogs_query(*, gov: str | None = None, year: int | None = None):
    query = (
        sa.select(Catalog)
        .join(Government, Catalog.government_id == Government.id)
        .where(Catalog.status != CatalogStatus.DRAFTING)
    )
    if gov:
        query = query.where(Government.slug == gov)
    if year:
        query = query.where(Catalog.year == year)
    return query.options(
        selectinload(Catalog.government),
        selectinload(Catalog.adjustments),
        selectinload(Catalog.entries).selectinload(CatalogEntry.undertaking_unit),
    ).order_by(Catalog.year.desc(), Government.sort_order, Catalog.id)


def public_adjustments(catalog: Catalog) -> list[CatalogAdjustment]:
    return [a for a in catalog.adjustments if a.published_at is not None]


def entry_rows(catalog: Catalog, public_decision_ids: set[int]) -> list[dict]:
    """The catalog's public entries, in order, each as a flat dict."""
    published = {a.id: a for a in public_adjustments(catalog)}
    hidden = {a.id for a in catalog.adjustments if a.published_at is None}
    rows = []
    for e in catalog.entries:
        if e.added_by_id in hidden:
            continue  # added by an adjustment that is not public yet
        removed = published.get(e.removed_by_id) if e.removed_by_id else None
        added = published.get(e.added_by_id) if e.added_by_id else None
        secret = e.non_disclosable
        rows.append(
            {
                "seq": e.seq,
                "title": e.title,
                "undertaking_unit": e.undertaking_unit.name if e.undertaking_unit else None,
                "category": None if secret else str(e.category),
                "schedule": None if secret else e.schedule,
                "basis": None if secret else e.basis,
                "notes": None if secret else e.notes,
                "non_disclosable": secret,
                "decision_id": e.decision_id
                if e.decision_id in public_decision_ids and not secret
                else None,
                "status": "removed" if removed else "listed",
                "added_in_adjustment": added.version if added else None,
                "removed_in_adjustment": removed.version if removed else None,
            }
        )
    return rows


def public_decision_ids(catalogs: list[Catalog]) -> set[int]:
    ids = {e.decision_id for c in catalogs for e in c.entries if e.decision_id}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Decision.id).where(Decision.id.in_(ids), Decision.non_disclosable.is_(False))
        )
    )


def catalog_data(catalog: Catalog, decision_ids: set[int]) -> dict:
    return {
        "gov": catalog.government.slug,
        "year": catalog.year,
        "status": str(catalog.status),
        "published_at": iso(catalog.published_at),
        "filed_at": iso(catalog.filed_at),
        "url": f"/catalogs/{catalog.government.slug}/{catalog.year}",
        "entries": entry_rows(catalog, decision_ids),
        "adjustments": [
            {
                "version": a.version,
                "description": a.description,
                "approved_at": iso(a.approved_at),
                "published_at": iso(a.published_at),
                "filed_at": iso(a.filed_at),
            }
            for a in public_adjustments(catalog)
        ],
    }


def catalog_times(catalog: Catalog) -> list[datetime | None]:
    times = [catalog.published_at, catalog.filed_at]
    for a in catalog.adjustments:
        times += [a.published_at, a.filed_at]
    return times


@bp.get("/catalogs")
@cached_page
def catalog_list():
    try:
        page, per_page = paging(20, 100)
        gov = request_gov()
        year = query_int("year", minimum=1949, maximum=2999)
    except BadQuery as exc:
        return bad_query(exc)
    now = clock.now()
    query = public_catalogs_query(gov=gov, year=year)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    catalogs = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    ids = public_decision_ids(catalogs)
    # Last-Modified over every catalog of the filter (drafts included: publishing one sets its
    # published_at), so a shifted page never gets a 304.
    scope = sa.select(Catalog.id).join(Government, Catalog.government_id == Government.id)
    if gov:
        scope = scope.where(Government.slug == gov)
    if year:
        scope = scope.where(Catalog.year == year)
    times = list(
        db.session.execute(
            sa.select(sa.func.max(Catalog.published_at), sa.func.max(Catalog.filed_at)).where(
                Catalog.id.in_(scope)
            )
        ).one()
    )
    times += db.session.execute(
        sa.select(
            sa.func.max(CatalogAdjustment.published_at), sa.func.max(CatalogAdjustment.filed_at)
        ).where(CatalogAdjustment.catalog_id.in_(scope))
    ).one()
    return read_json(
        envelope(
            [catalog_data(c, ids) for c in catalogs], page=page, per_page=per_page, total=total
        ),
        modified=last_modified(times, now=now),
    )
