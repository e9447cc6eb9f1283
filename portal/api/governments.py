"""GET /api/v1/governments"""

from __future__ import annotations

import sqlalchemy as sa

from portal.api import bp
from portal.api._common import read_json
from portal.extensions import db
from portal.models.org import Government
from portal.public.cache import cached_page


def government_list() -> list[dict]:
    rows = db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all()
    by_id = {g.id: g for g in rows}
    return [
        {
            "slug": g.slug,
            "name": g.name,
            "name_en": g.name_en,
            "level": str(g.level),
            "parent": by_id[g.parent_id].slug if g.parent_id in by_id else None,
        }
        for g in rows
    ]


@bp.get("/governments")
@cached_page
def governments():
    # Governments carry no timestamps: the ETag (a hash of the body) is the validator.
    return read_json(government_list(), max_age=3600)
