"""GET and POST /api/v1/decisions/<id>/opinions and GET /api/v1/opinions/status (public
contract). The submission goes through ``portal.transaction.run``; a refusal is the contract's
error object (409 with the rule when the consultation does not take opinions, 422 naming the
field)."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy.exc import IntegrityError

from portal import clock, labels, transaction
from portal.api import bp
from portal.api._common import submission_payload
from portal.api._json import cached_json, envelope, iso
from portal.errors import json_error
from portal.extensions import client_address, limiter
from portal.public._util import page_args
from portal.public.cache import cached_page
from portal.rules.errors import N_, RuleViolation
from portal.services import decisions as decision_service
from portal.services import moderation
from portal.services import opinions as opinion_service

MAX_BODY_BYTES = 64 * 1024  # a 5,000-character opinion with every field is far below this
FIELDS = {
    "body": str,
    "clause": str,
    "display_name": str,
    "publish_name_consent": bool,
    "contact_email": str,
    "contact_phone": str,
}


def _receipt(opinion, status: int):
    response = jsonify({"receipt_code": opinion.receipt_code, "status": str(opinion.status)})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/decisions/<int:decision_id>/opinions")
@cached_page
def opinion_list(decision_id: int):
    """Published opinions only: the masked text, a name only with consent, never contacts."""
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        return json_error(404, "No public decision with this id.")
    page, per_page = page_args(20, 100)
    items, total = moderation.published_page(decision, page=page, per_page=per_page)
    return cached_json(
        envelope(
            [
                {
                    "id": op.id,
                    "submitted_at": iso(op.submitted_at),
                    "body": op.published_body,
                    "display_name": moderation.public_name(op) or None,
                    "adoption": str(op.adoption),
                    "response": op.response or None,
                }
                for op in items
            ],
            page=page,
            per_page=per_page,
            total=total,
        )
    )


@bp.post("/decisions/<int:decision_id>/opinions")
@limiter.limit("10 per hour")
def opinion_create(decision_id: int):
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return json_error(413, "The request body is too large.")
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        return json_error(404, "No public decision with this id.")
    payload, refused = submission_payload(
        FIELDS, ("body",), N_("The submission is not valid."), max_bytes=MAX_BODY_BYTES
    )
    if refused is not None:
        return refused
    data = opinion_service.OpinionInput(
        body=payload.get("body") or "",
        clause=payload.get("clause") or "",
        display_name=payload.get("display_name") or "",
        publish_name_consent=bool(payload.get("publish_name_consent")),
        contact_email=payload.get("contact_email") or "",
        contact_phone=payload.get("contact_phone") or "",
    )
    key = request.headers.get("Idempotency-Key")
    try:
        opinion = transaction.run(
            lambda: opinion_service.submit_opinion(
                decision, data, now=clock.now(), idempotency_key=key, ip=client_address()
            )
        )
    except RuleViolation as v:
        message = labels.violation_text(v)
        if v.rule:
            return json_error(409, message, code="consultation_closed", rule=v.rule)
        field = "Idempotency-Key" if v.field == "idempotency_key" else (v.field or "body")
        return json_error(422, message, fields={field: message})
    except IntegrityError:  # a concurrent retry with the same key won the race
        first = opinion_service.opinion_by_idempotency_key(key.strip()) if key else None
        if first is None:
            raise
        return _receipt(first, 201)
    # A replay (same Idempotency-Key, or the same submission within 24 hours) gets the first
    # response again: the same 201 and the same receipt code.
    return _receipt(opinion, 201)


@bp.get("/opinions/status")
def opinion_status():
    opinion = opinion_service.lookup_opinion(request.args.get("receipt_code"))
    if opinion is None:
        return json_error(404, "No opinion with this receipt code.")
    response = jsonify(
        {
            "status": str(opinion.status),
            "adoption": str(opinion.adoption),
            "response": opinion.response or None,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
