"""Full-text search page (the search issue completes filters and other types)."""

from __future__ import annotations

from flask import render_template, request

from portal.extensions import limiter
from portal.public import bp
from portal.public._util import page_args, pages
from search.service import SearchUnavailable, search


@bp.get("/search")
@limiter.limit("60 per minute")
def search_page():
    q = request.args.get("q", "")[:1000]
    page, per_page = page_args(20, 50)
    results = None
    unavailable = False
    if q.strip():
        try:
            results = search(q, page=page, per_page=per_page)
        except SearchUnavailable:
            unavailable = True
    status = 503 if unavailable else 200
    return render_template(
        "public/search.html",
        q=q,
        results=results,
        unavailable=unavailable,
        page=page,
        page_count=pages(results.total, per_page) if results else 1,
    ), status
