"""Catalog queries for the public side (the catalog workflow is the companion-rules issue)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogEntry, CatalogStatus
from portal.models.decision import Decision
from portal.models.org import Government


def public_catalogs() -> list[Catalog]:
    return list(
        db.session.scalars(
            sa.select(Catalog)
            .join(Government, Catalog.government_id == Government.id)
            .where(Catalog.status != CatalogStatus.DRAFTING)
            .options(selectinload(Catalog.government), selectinload(Catalog.entries))
            .order_by(Catalog.year.desc(), Government.sort_order)
        ).all()
    )


def get_public_catalog(gov_slug: str, year: int) -> Catalog | None:
    return db.session.scalar(
        sa.select(Catalog)
        .join(Government, Catalog.government_id == Government.id)
        .where(
            Government.slug == gov_slug,
            Catalog.year == year,
            Catalog.status != CatalogStatus.DRAFTING,
        )
        .options(selectinload(Catalog.adjustments))
    )


def public_entries(catalog: Catalog) -> list[tuple[CatalogEntry, int | None]]:
    """Entries not removed, each with the id of its public decision dossier (if any).

    A non-disclosable entry shows its name and undertaking unit only and links nowhere (A7).
    """
    rows = db.session.execute(
        sa.select(CatalogEntry, Decision.id, Decision.non_disclosable)
        .outerjoin(Decision, CatalogEntry.decision_id == Decision.id)
        .where(CatalogEntry.catalog_id == catalog.id, CatalogEntry.removed_by_id.is_(None))
        .options(selectinload(CatalogEntry.undertaking_unit))
        .order_by(CatalogEntry.seq)
    ).all()
    return [
        (entry, did if did and not secret and not entry.non_disclosable else None)
        for entry, did, secret in rows
    ]
