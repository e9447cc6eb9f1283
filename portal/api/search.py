"""GET /api/v1/search (public contract): full-text search over everything public."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request

from portal.api import bp, openapi
from portal.api._json import cached_json, envelope, iso
from portal.errors import json_error
from portal.extensions import db, limiter
from portal.models.org import Government
from portal.public._util import page_args
from portal.public.search import SORTS, describe_hits, search_args
from portal.rules.errors import N_
from portal.rules.stages import Stage
from search.service import SearchUnavailable, kinds, search


def _invalid() -> dict[str, str]:
    """Filters the page silently ignores are refused here, with the field named."""
    fields = {}
    known = set(kinds())
    if any(t not in known for t in request.args.getlist("type") if t):
        fields["type"] = N_("Unknown type of item.")
    year = request.args.get("year", "")
    if year and not (year.isascii() and year.isdigit() and len(year) == 4):
        fields["year"] = N_("Give a four-digit year.")
    stage = request.args.get("stage", "")
    if stage and stage not in {str(s) for s in Stage}:
        fields["stage"] = N_("Unknown stage.")
    if request.args.get("sort", "relevance") not in SORTS:
        fields["sort"] = N_("Sort by relevance or date.")
    gov = request.args.get("gov", "").strip()
    if gov and not db.session.scalar(sa.select(Government.id).where(Government.slug == gov)):
        fields["gov"] = N_("Unknown government.")
    return fields


def _described(info) -> dict:
    """What the hit is and its decision's stage (issue 12), in the reader's language."""
    return {
        "what": info.what,
        "heading": info.heading,
        "decision_title": info.decision_title or None,
        "stage": info.stage or None,
        "stage_label": info.stage_label or None,
        "consultation_open": info.consultation_open,
        "consultation_closes_at": iso(info.consultation_closes_at),
    }


@bp.get("/search")
@limiter.limit("60 per minute")
def search_api():
    fields = _invalid()
    if fields:
        return json_error(422, "Some search parameters are not valid.", fields=fields)
    args = search_args()
    page, per_page = page_args(20, 100)
    if not args["q"].strip():
        payload = envelope([], page=page, per_page=per_page, total=0)
        payload.update(total_exact=True, partial=False, relaxed=False, suggestion=None)
        return cached_json(payload)
    try:
        results = search(
            args["q"],
            page=page,
            per_page=per_page,
            kinds=args["kinds"],
            gov=args["gov"],
            year=args["year"],
            stage=args["stage"],
            sort=args["sort"],
        )
    except SearchUnavailable:
        return json_error(
            503,
            "Search is temporarily unavailable. Please try again later.",
            code="search_unavailable",
            headers={"Retry-After": "60"},
        )
    described = describe_hits(results.hits)
    payload = envelope(
        [
            {
                "type": hit.type,
                "id": hit.id,
                "title": hit.title,
                "url": hit.url,
                "snippet": str(hit.snippet),
                "score": hit.score,
                "date": iso(hit.date),
                "decision_id": hit.decision_id or None,
                "gov": hit.gov or None,
                **_described(described[(hit.type, hit.id)]),
            }
            for hit in results.hits
        ],
        page=page,
        per_page=per_page,
        total=results.total,
    )
    payload.update(
        total_exact=results.total_exact,
        partial=results.partial,
        relaxed=results.relaxed,
        suggestion=results.suggestion or None,
    )
    response = cached_json(payload)
    # Revalidate every time (ETag): a newly published item must not wait for a cache to expire.
    response.headers["Cache-Control"] = "no-cache"
    return response


_STR = {"type": "string"}
_HIT = {
    "type": "object",
    "required": ["type", "id", "title", "url", "snippet", "score"],
    "properties": {
        "type": {
            "type": "string",
            "description": "decision, document (drafts and other documents), publication "
            "(decision text, interpretation, adoption report), hearing, opinion (published "
            "opinions and their answers), catalog, update (implementation updates)",
        },
        "id": {"type": "integer", "description": "the item's id within its type"},
        "title": _STR,
        "url": {"type": "string", "description": "path of the public page"},
        "snippet": {
            "type": "string",
            "description": "HTML: the matching passage, HTML-escaped, with <mark> around the "
            "matched words; safe to insert as markup",
        },
        "score": {"type": "number"},
        "date": {"type": ["string", "null"], "format": "date-time"},
        "decision_id": {"type": ["integer", "null"]},
        "gov": {"type": ["string", "null"]},
        "what": {
            "type": "string",
            "description": "what the hit is, in the reader's language (e.g. a public opinion)",
        },
        "heading": {
            "type": "string",
            "description": "the hit's heading as the search page shows it (an opinion reads "
            "'Opinion on “<decision>”', not the decision's title alone)",
        },
        "decision_title": {"type": ["string", "null"]},
        "stage": {
            "type": ["string", "null"],
            "description": "the current stage identifier of the hit's decision",
        },
        "stage_label": {"type": ["string", "null"], "description": "the stage in words"},
        "consultation_open": {
            "type": "boolean",
            "description": "the decision's public consultation is open now",
        },
        "consultation_closes_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


def _q(name: str, schema: dict, description: str = "") -> dict:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


openapi.add_paths(
    {
        "/search": {
            "get": {
                "summary": "Full-text search over everything public",
                "description": "Chinese words are matched as jieba words (听证 finds 听证会). All "
                "words are required; when nothing has all of them, items with some of them are "
                "returned with relaxed=true. On a large index the total may be an estimate "
                "(total_exact=false), and a search stopped by its time limit says partial=true.",
                "parameters": [
                    _q("q", {"type": "string", "maxLength": 1000}, "the words to find"),
                    _q("type", {"type": "string"}, "one type of item (repeatable)"),
                    _q("gov", {"type": "string"}, "a government's slug"),
                    _q("year", {"type": "string", "pattern": "^[0-9]{4}$"}),
                    _q("stage", {"type": "string"}, "a decision stage identifier"),
                    _q("sort", {"type": "string", "enum": list(SORTS)}),
                    _q("page", {"type": "integer", "minimum": 1}),
                    _q("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                ],
                "responses": {
                    "200": {
                        "description": "a page of hits",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["items", "page", "per_page", "total"],
                                    "properties": {
                                        "items": {"type": "array", "items": _HIT},
                                        "page": {"type": "integer"},
                                        "per_page": {"type": "integer", "maximum": 100},
                                        "total": {"type": "integer"},
                                        "total_exact": {"type": "boolean"},
                                        "partial": {"type": "boolean"},
                                        "relaxed": {"type": "boolean"},
                                        "suggestion": {"type": ["string", "null"]},
                                    },
                                }
                            }
                        },
                    },
                    "304": {"description": "not modified (ETag)"},
                    "422": _error_response("an unknown type, stage or sort, or a bad year"),
                    "429": _error_response("rate limited"),
                    "503": _error_response("the search index is temporarily unavailable"),
                },
            }
        }
    }
)
