"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every endpoint."""

from __future__ import annotations

from flask import jsonify

from portal.api import bp

LIST = {
    "type": "object",
    "required": ["items", "page", "per_page", "total"],
    "properties": {
        "items": {"type": "array"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer", "maximum": 100},
        "total": {"type": "integer"},
    },
}
ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "rule": {"type": ["string", "null"]},
                "fields": {"type": "object"},
            },
        }
    },
}


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
RECEIPT = {
    "type": "object",
    "properties": {
        "receipt_code": {"type": "string"},
        "status": {"type": "string", "enum": ["received", "published", "withheld"]},
    },
}
PUBLISHED_OPINION = {
    "type": "object",
    "description": "A published opinion: the text as published (phone and ID numbers masked); "
    "the name only when its author consented; never contact details.",
    "properties": {
        "id": {"type": "integer"},
        "submitted_at": {"type": "string", "format": "date-time"},
        "body": {"type": "string"},
        "display_name": {"type": ["string", "null"]},
        "adoption": {
            "type": "string",
            "enum": ["pending", "adopted", "partially_adopted", "not_adopted"],
        },
        "response": {"type": ["string", "null"]},
    },
}
OPINION_STATUS = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["received", "published", "withheld"]},
        "adoption": {
            "type": "string",
            "enum": ["pending", "adopted", "partially_adopted", "not_adopted"],
        },
        "response": {"type": ["string", "null"]},
    },
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _param(name: str, schema: dict, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


# Paths contributed by other API modules (hearings, search, open data...) through add_paths().
_EXTRA_PATHS: dict[str, dict] = {}


def add_paths(paths: dict[str, dict]) -> None:
    """Register the OpenAPI description of endpoints defined in another module."""
    _EXTRA_PATHS.update(paths)


def document() -> dict:
    paging = [
        _param("page", {"type": "integer", "minimum": 1}),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Decision Portal API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": {"List": LIST, "Error": ERROR}},
        "paths": {
            "/governments": {
                "get": {
                    "summary": "The deciding governments",
                    "responses": {"200": {"description": "list of governments"}},
                }
            },
            "/decisions": {
                "get": {
                    "summary": "Public decision items",
                    "parameters": [
                        _param("gov", {"type": "string"}),
                        _param("year", {"type": "integer"}),
                        _param("stage", {"type": "string"}),
                        _param("category", {"type": "string"}),
                        _param("consultation", {"type": "string", "enum": ["open"]}),
                        *paging,
                    ],
                    "responses": {
                        "200": {
                            "description": "decision summaries",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/List"}
                                }
                            },
                        },
                        "422": {
                            "description": "bad filter",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    },
                }
            },
            "/decisions/{id}": {
                "get": {
                    "summary": "One decision's public dossier",
                    "parameters": [_param("id", {"type": "integer"}, "path")],
                    "responses": {
                        "200": {"description": "the decision"},
                        "404": {"description": "not public or unknown"},
                    },
                }
            },
            "/decisions/{id}/opinions": {
                "get": {
                    "summary": "Published opinions of a decision (anonymised)",
                    "parameters": [
                        _param("id", {"type": "integer"}, "path"),
                        _param("page", {"type": "integer", "minimum": 1}),
                        _param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                    ],
                    "responses": {
                        "200": {
                            "description": "a page of published opinions",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "items": {"type": "array", "items": PUBLISHED_OPINION},
                                            "page": {"type": "integer"},
                                            "per_page": {"type": "integer"},
                                            "total": {"type": "integer"},
                                        },
                                    }
                                }
                            },
                        },
                        "404": _error("not public or unknown"),
                    },
                },
                "post": {
                    "summary": "Submit an opinion while the consultation is open",
                    "parameters": [
                        _param("id", {"type": "integer"}, "path"),
                        _param("Idempotency-Key", {"type": "string", "maxLength": 100}, "header"),
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": OPINION_IN}},
                    },
                    "responses": {
                        "201": {
                            "description": "received (a replay returns the first receipt)",
                            "content": {"application/json": {"schema": RECEIPT}},
                        },
                        "400": _error("malformed JSON"),
                        "404": _error("not public or unknown"),
                        "409": _error("consultation not open (rule PROC-17b or PROC-16a)"),
                        "413": _error("request body too large"),
                        "422": _error("invalid fields"),
                        "429": _error("rate limited (see Retry-After)"),
                    },
                },
            },
            "/opinions/status": {
                "get": {
                    "summary": "The status of one opinion, by its receipt code",
                    "parameters": [
                        {**_param("receipt_code", {"type": "string"}), "required": True}
                    ],
                    "responses": {
                        "200": {
                            "description": "status, adoption and response; nothing more",
                            "content": {"application/json": {"schema": OPINION_STATUS}},
                        },
                        "404": _error("unknown receipt code"),
                    },
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    doc = document()
    doc["paths"].update(_EXTRA_PATHS)
    return jsonify(doc)
