"""GET /api/v1/governments"""

from __future__ import annotations

import sqlalchemy as sa

from portal.api import bp
from portal.api._json import cached_json
from portal.extensions import db
from portal.models.org import Government
from portal.public.cache import cached_page


@bp.get("/governments")
@cached_page
def governments():
    rows = db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all()
    by_id = {g.id: g for g in rows}
    return cached_json(
        [
            {
                "slug": g.slug,
                "name": g.name,
                "name_en": g.name_en,
                "level": str(g.level),
                "parent": by_id[g.parent_id].slug if g.parent_id in by_id else None,
            }
            for g in rows
        ]
    )
