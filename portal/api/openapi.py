"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every endpoint.

The document is written here by hand, next to the code, and checked against it by
tests/web/test_api_contract.py: every /api/v1 route of the app (method and path) must be
described, and real responses of the read endpoints must validate against their schemas.
Other API modules (hearings, search) describe their endpoints with ``add_paths``.
"""

from __future__ import annotations

from portal.api import bp
from portal.api._common import read_json
from portal.models.document import DocumentKind
from portal.rules.enums import AdoptionStatus
from portal.rules.stages import Category, Stage, StepStatus

DATE_TIME = {"type": "string", "format": "date-time"}
DATE_TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
STRING_OR_NULL = {"type": ["string", "null"]}
STAGES = [s.value for s in Stage]
CATEGORIES = [c.value for c in Category]
STEP_STATUSES = [s.value for s in StepStatus]
DOCUMENT_KINDS = [k.value for k in DocumentKind]
ADOPTION = [a.value for a in AdoptionStatus]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
    }


def _list_of(item: dict) -> dict:
    return _obj(
        {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
        }
    )


ERROR = _obj(
    {
        "error": _obj(
            {
                "code": {"type": "string", "pattern": "^[a-z_]+$"},
                "message": {"type": "string"},
                "rule": STRING_OR_NULL,
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            }
        )
    }
)
LIST = _list_of({})
GOVERNMENT = _obj(
    {
        "slug": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "name": {"type": "string"},
        "name_en": {"type": "string"},
        "level": {"type": "string", "enum": ["city", "county"]},
        "parent": {**STRING_OR_NULL, "description": "slug of the parent government"},
    }
)
SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "gov": {"type": "string", "description": "the deciding government's slug"},
    "year": {"type": "integer"},
    "category": {"type": "string", "enum": CATEGORIES},
    "stage": {"type": "string", "enum": STAGES},
    "undertaking_unit": STRING_OR_NULL,
    "published_at": DATE_TIME_OR_NULL,
    "updated_at": {**DATE_TIME, "description": "when the stage last changed"},
    "url": {"type": "string", "description": "the public dossier page"},
}
DECISION_SUMMARY = _obj(SUMMARY_PROPERTIES)
TIMELINE_ITEM = _obj(
    {
        "stage": {"type": "string", "description": "procedure step (e.g. expert_review)"},
        "status": {
            "type": ["string", "null"],
            "enum": [*STEP_STATUSES, None],
        },
        "started_at": DATE_TIME_OR_NULL,
        "completed_at": DATE_TIME_OR_NULL,
    }
)
CONSULTATION = _obj(
    {
        "title": {"type": "string"},
        "notice": {"type": "string"},
        "opens_at": DATE_TIME,
        "closes_at": {**DATE_TIME, "description": "exclusive end of the comment period"},
        "is_open": {"type": "boolean"},
        "shortened_reason": {
            **STRING_OR_NULL,
            "description": "published reason for a period shorter than 30 days (PROC-17c)",
        },
        "channels": {"type": "array", "items": {"type": "string"}},
        "contact": _obj(
            {
                "department": {"type": "string"},
                "person": {"type": "string"},
                "phone": {"type": "string"},
                "email": {"type": "string"},
                "address": {"type": "string"},
            }
        ),
    }
)
DOCUMENT = _obj(
    {
        "id": {"type": "integer"},
        "kind": {
            "type": "string",
            "enum": DOCUMENT_KINDS,
        },
        "title": {"type": "string"},
        "versions": {
            "type": "array",
            "items": _obj(
                {
                    "number": {"type": "integer"},
                    "published_at": DATE_TIME_OR_NULL,
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                }
            ),
        },
    }
)
DECISION = _obj(
    {
        **SUMMARY_PROPERTIES,
        "summary": {"type": "string"},
        "undertaking_units": {"type": "array", "items": {"type": "string"}},
        "executing_unit": STRING_OR_NULL,
        "timeline": {"type": "array", "items": _ref("TimelineItem")},
        "consultation": {"oneOf": [_ref("Consultation"), {"type": "null"}]},
        "documents": {"type": "array", "items": _ref("Document")},
        "hearings": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "ids of the decision's announced hearings and symposiums",
        },
        "publication_channels": {"type": "array", "items": {"type": "string"}},
        "opinions_url": {"type": "string"},
        "feed_url": {"type": "string"},
    }
)
CATALOG_ENTRY = _obj(
    {
        "seq": {"type": "integer"},
        "title": {"type": "string"},
        "undertaking_unit": STRING_OR_NULL,
        "category": {"type": ["string", "null"], "enum": [*CATEGORIES, None]},
        "schedule": STRING_OR_NULL,
        "basis": STRING_OR_NULL,
        "notes": STRING_OR_NULL,
        "non_disclosable": {
            "type": "boolean",
            "description": "not disclosable: only the name and undertaking unit are public",
        },
        "decision_id": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["listed", "removed"]},
        "added_in_adjustment": {"type": ["integer", "null"]},
        "removed_in_adjustment": {"type": ["integer", "null"]},
    }
)
CATALOG = _obj(
    {
        "gov": {"type": "string"},
        "year": {"type": "integer"},
        "status": {"type": "string", "enum": ["published", "filed"]},
        "published_at": DATE_TIME_OR_NULL,
        "filed_at": DATE_TIME_OR_NULL,
        "url": {"type": "string"},
        "entries": {"type": "array", "items": _ref("CatalogEntry")},
        "adjustments": {
            "type": "array",
            "items": _obj(
                {
                    "version": {"type": "integer"},
                    "description": {"type": "string"},
                    "approved_at": DATE_TIME_OR_NULL,
                    "published_at": DATE_TIME_OR_NULL,
                    "filed_at": DATE_TIME_OR_NULL,
                }
            ),
        },
    }
)
OPINION_IN = {
    "type": "object",
    "required": ["body"],
    "properties": {
        "body": {"type": "string", "minLength": 5, "maxLength": 5000},
        "clause": {"type": "string", "maxLength": 100},
        "display_name": {"type": "string", "maxLength": 60},
        "publish_name_consent": {"type": "boolean"},
        "contact_email": {"type": "string", "format": "email"},
        "contact_phone": {"type": "string"},
    },
}
RECEIPT = _obj(
    {
        "receipt_code": {"type": "string"},
        "status": {"type": "string", "enum": ["received", "published", "withheld"]},
    }
)
PUBLISHED_OPINION = {
    **_obj(
        {
            "id": {"type": "integer"},
            "submitted_at": DATE_TIME,
            "body": {"type": "string"},
            "display_name": STRING_OR_NULL,
            "adoption": {"type": "string", "enum": ADOPTION},
            "response": STRING_OR_NULL,
        }
    ),
    "description": "A published opinion: the text as published (phone and ID numbers masked); "
    "the name only when its author consented; never contact details.",
}
OPINION_STATUS = _obj(
    {
        "status": {"type": "string", "enum": ["received", "published", "withheld"]},
        "adoption": {"type": "string", "enum": ADOPTION},
        "response": STRING_OR_NULL,
    }
)

SCHEMAS = {
    "Error": ERROR,
    "List": LIST,
    "Government": GOVERNMENT,
    "DecisionSummary": DECISION_SUMMARY,
    "Decision": DECISION,
    "TimelineItem": TIMELINE_ITEM,
    "Consultation": CONSULTATION,
    "Document": DOCUMENT,
    "Catalog": CATALOG,
    "CatalogEntry": CATALOG_ENTRY,
    "PublishedOpinion": PUBLISHED_OPINION,
    "OpinionIn": OPINION_IN,
    "Receipt": RECEIPT,
    "OpinionStatus": OPINION_STATUS,
}

VALIDATOR_HEADERS = {
    "ETag": {"description": "strong validator; send it back in If-None-Match", "schema": {}},
    "Last-Modified": {
        "description": "newest change of the data shown (when it has timestamps)",
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}},
}
CONDITIONAL_PARAMS = [
    {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
    {"name": "If-Modified-Since", "in": "header", "required": False, "schema": {"type": "string"}},
]


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _param(name: str, schema: dict, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


def _ok(description: str, schema: dict) -> dict:
    return {
        "description": description,
        "headers": VALIDATOR_HEADERS,
        "content": {"application/json": {"schema": schema}},
    }


NOT_MODIFIED = {"description": "not modified since the client's copy (conditional GET)"}
PAGING = [
    _param("page", {"type": "integer", "minimum": 1}),
    _param("per_page", {"type": "integer", "minimum": 1, "description": "capped at 100"}),
]
ID = _param("id", {"type": "integer"}, "path")


def _read(summary: str, ok: dict, *, params=(), errors: dict | None = None) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": [*params, *CONDITIONAL_PARAMS],
            "responses": {"200": ok, "304": NOT_MODIFIED, **(errors or {})},
        }
    }


# Paths contributed by other API modules (hearings, search...) through add_paths().
_EXTRA_PATHS: dict[str, dict] = {}


def add_paths(paths: dict[str, dict]) -> None:
    """Register the OpenAPI description of endpoints defined in another module."""
    _EXTRA_PATHS.update(paths)


def document() -> dict:
    gov = _param("gov", {"type": "string"})
    year = _param("year", {"type": "integer", "minimum": 1949, "maximum": 2999})
    bad = {"422": _error("a malformed or unknown filter (the field is named)")}
    opinions = _read(
        "Published opinions of a decision (anonymised)",
        _ok("a page of published opinions", _list_of(_ref("PublishedOpinion"))),
        params=[ID, *PAGING],
        errors={"404": _error("not public or unknown")},
    )
    opinions["post"] = {
        "summary": "Submit an opinion while the consultation is open",
        "parameters": [
            ID,
            _param("Idempotency-Key", {"type": "string", "maxLength": 100}, "header"),
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref("OpinionIn")}},
        },
        "responses": {
            "201": {
                "description": "received (a replay returns the first receipt)",
                "content": {"application/json": {"schema": _ref("Receipt")}},
            },
            "400": _error("malformed JSON"),
            "404": _error("not public or unknown"),
            "409": _error("consultation not open (rule PROC-17b or PROC-16a)"),
            "413": _error("request body too large"),
            "422": _error("invalid fields"),
            "429": {
                **_error("rate limited"),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Decision Portal API",
            "version": "1",
            "description": "Public data of major administrative decisions (重大行政决策) "
            "plus the two public submissions. JSON in UTF-8, dates ISO 8601 with offset, "
            "lists as {items, page, per_page, total}. Reads are cacheable (ETag, "
            "Last-Modified, 304) and open to any origin (CORS).",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": SCHEMAS},
        "paths": {
            "/governments": _read(
                "The deciding governments (the city and its counties)",
                _ok("every government", {"type": "array", "items": _ref("Government")}),
            ),
            "/catalogs": _read(
                "Published annual catalogs with their entries and published adjustments",
                _ok("a page of catalogs", _list_of(_ref("Catalog"))),
                params=[gov, year, *PAGING],
                errors=bad,
            ),
            "/decisions": _read(
                "Public decision items, most recently changed first",
                _ok("a page of decision summaries", _list_of(_ref("DecisionSummary"))),
                params=[
                    gov,
                    year,
                    _param("stage", {"type": "string", "enum": STAGES}),
                    _param("category", {"type": "string", "enum": CATEGORIES}),
                    _param("consultation", {"type": "string", "enum": ["open"]}),
                    *PAGING,
                ],
                errors=bad,
            ),
            "/decisions/{id}": _read(
                "One decision's public dossier",
                _ok("the decision", _ref("Decision")),
                params=[ID],
                errors={"404": _error("not public or unknown")},
            ),
            "/decisions/{id}/opinions": opinions,
            "/opinions/status": {
                "get": {
                    "summary": "The status of one opinion, by its receipt code",
                    "parameters": [
                        {**_param("receipt_code", {"type": "string"}), "required": True}
                    ],
                    "responses": {
                        "200": {
                            "description": "status, adoption and response; nothing more",
                            "content": {"application/json": {"schema": _ref("OpinionStatus")}},
                        },
                        "404": _error("unknown receipt code"),
                    },
                }
            },
            "/openapi.json": _read(
                "This document",
                {
                    "description": "the OpenAPI 3.1 document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
            ),
        },
    }


def full_document() -> dict:
    doc = document()
    doc["paths"].update(_EXTRA_PATHS)
    return doc


@bp.get("/openapi.json")
def openapi():
    return read_json(full_document(), max_age=300)
