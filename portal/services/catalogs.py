"""Catalog queries for the public side; the workflow is ``portal.services.catalog_workflow``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

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


def open_solicitations(today: date) -> list[Catalog]:
    """Catalogs being drawn up that invite suggestions from the public (CAT-7b)."""
    return list(
        db.session.scalars(
            sa.select(Catalog)
            .join(Government, Catalog.government_id == Government.id)
            .where(
                Catalog.status == CatalogStatus.DRAFTING,
                Catalog.public_suggestions_until.is_not(None),
                Catalog.public_suggestions_until >= today,
            )
            .options(selectinload(Catalog.government))
            .order_by(Catalog.year.desc(), Government.sort_order)
        ).all()
    )


@dataclass(frozen=True)
class PublicAdjustment:
    version: int
    kind: str
    title: str
    reason: str
    approved_at: datetime | None
    published_at: datetime
    filed_at: datetime | None


def public_adjustments(catalog: Catalog) -> list[PublicAdjustment]:
    """Every published adjustment with its dates (CAT-16b); unpublished ones stay internal."""
    out = []
    for adj in catalog.adjustments:
        if adj.published_at is None:
            continue
        title = ""
        for text in (adj.proposal, adj.previous):
            try:
                data = json.loads(text) if text else {}
            except ValueError:
                data = {}
            if isinstance(data, dict) and data.get("title"):
                title = str(data["title"])
                break
        secret = False
        if adj.entry_id:
            entry = db.session.get(CatalogEntry, adj.entry_id)
            secret = bool(entry and entry.non_disclosable)
        out.append(
            PublicAdjustment(
                version=adj.version,
                kind=str(adj.kind),
                title=title,
                reason="" if secret else adj.reason,
                approved_at=adj.approved_at,
                published_at=adj.published_at,
                filed_at=adj.filed_at,
            )
        )
    return out


def public_versions(catalog: Catalog) -> list[tuple[int, datetime | None, list[dict]]]:
    """Every published version of the list, oldest first (the last one is the current list)."""
    from portal.services.catalog_workflow import versions

    return versions(catalog)
