"""GET /api/v1/hearings, GET /api/v1/hearings/<id> and POST /api/v1/hearings/<id>/registrations
(public contract)."""

from __future__ import annotations

from flask import jsonify, request, url_for
from sqlalchemy.exc import IntegrityError

from portal import clock, labels, transaction
from portal.api import bp, openapi
from portal.api._common import submission_payload
from portal.api._json import cached_json, envelope, iso
from portal.errors import json_error
from portal.extensions import client_address, limiter
from portal.models.hearing import Hearing
from portal.public._util import page_args
from portal.public.cache import cached_page
from portal.rules.errors import N_, RuleViolation
from portal.services import hearings as svc
from portal.services.hearings import RegistrationStatus

MAX_BODY_BYTES = 16 * 1024
FIELDS = {
    "name": str,
    "contact_phone": str,
    "contact_email": str,
    "stakeholder_side": str,
    "statement": str,
    "publish_name_consent": bool,
    "id_number": str,
}
ALGORITHM = (
    "For every receipt in the draw, compute SHA-256 (hex) of the UTF-8 text seed + public_code; "
    "sort the public codes by that hash, smallest first (ties by code). With selection_method "
    "lottery the first `seats` codes are selected; with quota each side first fills its own seats "
    "in that order, then unfilled seats go to the remaining codes in that order. The rest form "
    "the waiting list in that order."
)


def _public_name(r) -> str:
    return r.name if r.publish_name_consent and r.name else f"#{r.public_code}"


def summary(h: Hearing) -> dict:
    counts = svc.status_counts(h)
    return {
        "id": h.id,
        "kind": str(h.kind),
        "title": h.title,
        "decision_id": h.decision_id,
        "seats": h.seats,
        "registered": sum(counts[s] for s in svc.ACTIVE),
        "confirmed": counts[RegistrationStatus.CONFIRMED],
        "selection_method": str(h.selection_method),
        "registration_opens_at": iso(h.registration_opens_at),
        "registration_closes_at": iso(h.registration_closes_at),
        "registration_open": svc.registration_is_open(h, clock.now()),
        "starts_at": iso(h.starts_at),
        "ends_at": iso(h.ends_at),
        "place": h.place,
        "status": str(svc.phase(h)),
        "announced_at": iso(h.announced_at),
        "list_published_at": iso(h.list_published_at),
        "report_published_at": iso(h.report_published_at),
        "cancelled_at": iso(h.cancelled_at),
        "url": url_for("public.hearing_show", hearing_id=h.id),
    }


def _draw(h: Hearing) -> dict | None:
    if h.selection_method not in svc.SELECTED_BY_DRAW:
        return None
    drawn = h.selected_at is not None
    rows = svc.draw_participants(h)
    return {
        "seed_sha256": h.draw_commitment or None,
        "seed": h.draw_seed if drawn else None,
        "drawn_at": iso(h.selected_at),
        "algorithm": ALGORITHM,
        "seats": h.draw_seats if drawn else None,
        "quotas": {s.name: s.seats for s in h.sides}
        if h.selection_method is svc.SelectionMethod.QUOTA
        else None,
        "applicants": svc.applicant_codes(h),
        "sides": {r.public_code: (r.side.name if r.side else None) for r in rows},
        "order": [r.public_code for r in rows],
        "selected": [r.public_code for r in rows if r.draw_selected],
    }


@bp.get("/hearings")
@cached_page
def hearing_list():
    page, per_page = page_args(20, 100)
    registration = request.args.get("registration", "")
    if registration not in ("", "open"):
        return json_error(422, "unknown registration filter", fields={"registration": "open"})
    items, total = svc.list_public_hearings(
        clock.now(), open_only=registration == "open", page=page, per_page=per_page
    )
    return cached_json(
        envelope([summary(h) for h in items], page=page, per_page=per_page, total=total)
    )


@bp.get("/hearings/<int:hearing_id>")
@cached_page
def hearing_show(hearing_id: int):
    h = svc.get_public_hearing(hearing_id)
    if h is None:
        return json_error(404, "No public hearing with this id.")
    data = summary(h) | {
        "subject": h.subject,
        "decision": {
            "id": h.decision_id,
            "title": h.decision.title,
            "url": url_for("public.decision_show", decision_id=h.decision_id),
        },
        "selection_rules": h.selection_rules,
        "registration_method": h.registration_method,
        "contact_info": h.contact_info,
        "other_matters": h.other_matters,
        "held_publicly": h.held_publicly,
        "requires_id_number": h.requires_id_number,
        "stakeholder_sides": [{"name": s.name, "seats": s.seats} for s in h.sides],
        "cancel_reason": h.cancel_reason or None,
        "draw": _draw(h),
        "participants": [
            {"name": _public_name(r), "stakeholder_side": r.side.name if r.side else None}
            for r in svc.participants(h)
        ]
        if h.list_published_at
        else None,
        "report": {
            "published_at": iso(h.report_published_at),
            "basic_info": h.report_basic_info,
            "main_opinions": h.report_main_opinions,
            "other": h.report_other or None,
        }
        if h.report_published_at
        else None,
        "ics": url_for("public.hearing_ics", hearing_id=h.id),
    }
    return cached_json(data)


def _receipt(registration, status: int):
    response = jsonify(
        {"receipt_code": registration.receipt_code, "status": str(registration.status)}
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/hearings/<int:hearing_id>/registrations")
@limiter.limit("10 per hour")
def hearing_registration_create(hearing_id: int):
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return json_error(413, "The request body is too large.")
    hearing = svc.get_public_hearing(hearing_id)
    if hearing is None:
        return json_error(404, "No public hearing with this id.")
    payload, refused = submission_payload(
        FIELDS,
        ("name", "contact_phone"),
        N_("The registration is not valid."),
        max_bytes=MAX_BODY_BYTES,
    )
    if refused is not None:
        return refused
    data = svc.RegistrationInput(
        name=payload.get("name") or "",
        contact_phone=payload.get("contact_phone") or "",
        contact_email=payload.get("contact_email") or "",
        stakeholder_side=payload.get("stakeholder_side") or "",
        statement=payload.get("statement") or "",
        publish_name_consent=bool(payload.get("publish_name_consent")),
        id_number=payload.get("id_number") or "",
    )
    key = request.headers.get("Idempotency-Key")
    try:
        registration = transaction.run(
            lambda: svc.register_for_hearing(
                hearing, data, now=clock.now(), idempotency_key=key, ip=client_address()
            )
        )
    except svc.AlreadyRegistered as v:
        message = labels.violation_text(v)
        return json_error(
            409, message, code="already_registered", fields={"contact_phone": message}
        )
    except RuleViolation as v:
        message = labels.violation_text(v)
        if v.rule:
            return json_error(409, message, code="registration_closed", rule=v.rule)
        field = "Idempotency-Key" if v.field == "idempotency_key" else (v.field or "name")
        return json_error(422, message, fields={field: message})
    except IntegrityError:  # a concurrent retry with the same key or contact won the race
        first = svc.registration_by_idempotency_key(key.strip()) if key else None
        if first is None:
            message = labels.violation_text(svc.AlreadyRegistered())
            return json_error(
                409, message, code="already_registered", fields={"contact_phone": message}
            )
        return _receipt(first, 201)
    # A replay (same Idempotency-Key, or the same registration within 24 hours) gets the first
    # response again: the same 201 and the same receipt code (its status as it is now).
    return _receipt(registration, 201)


# -- OpenAPI ------------------------------------------------------------------------------------

_DT = {"type": ["string", "null"], "format": "date-time"}
_STR_NULL = {"type": ["string", "null"]}
_ERR = {
    "description": "error object",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
HEARING_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": [k.value for k in svc.HearingKind]},
        "title": {"type": "string"},
        "decision_id": {"type": "integer"},
        "seats": {"type": "integer"},
        "registered": {"type": "integer", "description": "active registrations"},
        "confirmed": {"type": "integer"},
        "selection_method": {"type": "string", "enum": [m.value for m in svc.SelectionMethod]},
        "registration_opens_at": _DT,
        "registration_closes_at": _DT,
        "registration_open": {"type": "boolean"},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": _DT,
        "place": {"type": "string"},
        "status": {"type": "string", "enum": [p.value for p in svc.HearingPhase]},
        "announced_at": _DT,
        "list_published_at": _DT,
        "report_published_at": _DT,
        "cancelled_at": _DT,
        "url": {"type": "string"},
    },
}
HEARING = {
    "allOf": [
        HEARING_SUMMARY,
        {
            "type": "object",
            "properties": {
                "subject": {"type": "string"},
                "selection_rules": {"type": "string"},
                "registration_method": {"type": "string"},
                "contact_info": {"type": "string"},
                "other_matters": {"type": "string"},
                "stakeholder_sides": {"type": "array"},
                "draw": {
                    "type": ["object", "null"],
                    "description": "lottery and quota: the seed's SHA-256 from the "
                    "announcement; after the draw the seed, the sorted applicants' public "
                    "codes and the result, so anyone can re-run it. " + ALGORITHM,
                },
                "participants": {
                    "type": ["array", "null"],
                    "description": "published list: a name only with consent, plus the side",
                },
                "report": {"type": ["object", "null"], "description": "PART-16a report"},
            },
        },
    ]
}
REGISTRATION_IN = {
    "type": "object",
    "required": ["name", "contact_phone"],
    "properties": {
        "name": {"type": "string", "maxLength": svc.NAME_MAX},
        "contact_phone": {"type": "string", "description": "mainland mobile or landline"},
        "contact_email": {"type": "string", "format": "email"},
        "stakeholder_side": {"type": "string", "description": "one of stakeholder_sides"},
        "statement": {"type": "string", "maxLength": svc.STATEMENT_MAX},
        "publish_name_consent": {"type": "boolean"},
        "id_number": {"type": "string", "description": "only when requires_id_number"},
    },
}
REGISTRATION_RECEIPT = {
    "type": "object",
    "properties": {
        "receipt_code": {"type": "string"},
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "applied"]},
    },
}


def _id_param() -> dict:
    return {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}


openapi.add_paths(
    {
        "/hearings": {
            "get": {
                "summary": "Announced hearings and symposiums",
                "parameters": [
                    {"name": "registration", "in": "query", "schema": {"enum": ["open"]}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "list of hearing summaries",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {"type": "array", "items": HEARING_SUMMARY},
                                        "page": {"type": "integer"},
                                        "per_page": {"type": "integer"},
                                        "total": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "422": _ERR,
                },
            }
        },
        "/hearings/{id}": {
            "get": {
                "summary": "One hearing: notice, sides, draw data, participant list, report",
                "parameters": [_id_param()],
                "responses": {
                    "200": {
                        "description": "the hearing",
                        "content": {"application/json": {"schema": HEARING}},
                    },
                    "404": _ERR,
                },
            }
        },
        "/hearings/{id}/registrations": {
            "post": {
                "summary": "Register for a hearing while registration is open",
                "description": "No cookie or CSRF token. Idempotency-Key: a retry returns the "
                "first response. Without it, an identical registration within 24 hours "
                "returns the first receipt; another registration with the same contact is "
                "refused (409 already_registered).",
                "parameters": [
                    _id_param(),
                    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": REGISTRATION_IN}},
                },
                "responses": {
                    "201": {
                        "description": "receipt",
                        "content": {"application/json": {"schema": REGISTRATION_RECEIPT}},
                    },
                    "400": _ERR,
                    "404": _ERR,
                    "409": _ERR,
                    "413": _ERR,
                    "422": _ERR,
                    "429": _ERR,
                },
            }
        },
    }
)
