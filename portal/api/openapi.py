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


def _param(name: str, schema: dict, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


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
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
