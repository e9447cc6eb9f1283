"""GET /api/v1/decisions and /api/v1/decisions/<id> (read side)."""

from __future__ import annotations

from flask import request

from portal import clock
from portal.api import bp
from portal.api._json import cached_json, envelope, iso
from portal.errors import json_error
from portal.models.decision import Decision
from portal.public._util import enum_arg, int_arg, page_args
from portal.public.cache import cached_page
from portal.rules.stages import Category, Stage
from portal.services import decisions as decision_service


def summary(d: Decision) -> dict:
    return {
        "id": d.id,
        "title": d.title,
        "gov": d.government.slug,
        "year": d.year,
        "category": str(d.category),
        "stage": str(d.stage),
        "undertaking_unit": d.undertaking_unit.name if d.undertaking_unit else None,
        "published_at": iso(d.published_at),
        "updated_at": iso(d.stage_changed_at),
        "url": f"/decisions/{d.id}",
    }


@bp.get("/decisions")
@cached_page
def decision_list():
    page, per_page = page_args(20, 100)
    for name, enum_cls in (("stage", Stage), ("category", Category)):
        if request.args.get(name) and enum_arg(name, enum_cls) is None:
            return json_error(422, f"unknown {name}", fields={name: "unknown value"})
    filters = decision_service.DecisionFilters(
        gov=request.args.get("gov") or None,
        year=int_arg("year"),
        stage=enum_arg("stage", Stage),
        category=enum_arg("category", Category),
    )
    if request.args.get("consultation") == "open":
        items = [c.decision for c in decision_service.open_consultations(clock.now(), limit=100)]
        if filters.gov:
            items = [d for d in items if d.government.slug == filters.gov]
        total = len(items)
        items = items[(page - 1) * per_page : page * per_page]
    else:
        items, total = decision_service.list_public_decisions(filters, page=page, per_page=per_page)
    return cached_json(
        envelope([summary(d) for d in items], page=page, per_page=per_page, total=total)
    )


@bp.get("/decisions/<int:decision_id>")
@cached_page
def decision_show(decision_id: int):
    d = decision_service.get_public_decision(decision_id)
    if d is None:
        return json_error(404, "no such public decision")
    c = decision_service.current_consultation(d)
    now = clock.now()
    data = summary(d) | {
        "summary": d.summary,
        "timeline": [
            {
                "stage": str(t.step),
                "status": str(t.status) if t.status else None,
                "started_at": iso(t.started_at),
                "completed_at": iso(t.completed_at),
            }
            for t in decision_service.public_timeline(d)
        ],
        "consultation": None
        if c is None
        else {
            "opens_at": iso(c.opens_at),
            "closes_at": iso(c.closes_at),
            "is_open": c.is_open(now),
            "shortened_reason": c.shortened_reason or None,
            "channels": c.channel_list,
            "contact": {
                "department": c.contact_department,
                "person": c.contact_person,
                "phone": c.contact_phone,
                "email": c.contact_email,
                "address": c.postal_address,
            },
        },
        "documents": [
            {
                "id": doc.id,
                "kind": str(doc.kind),
                "title": doc.title,
                "versions": [
                    {"number": v.number, "published_at": iso(v.published_at), "sha256": v.sha256}
                    for v in doc.public_versions
                ],
            }
            for doc in decision_service.public_documents(d)
        ],
        "hearings": [],
    }
    return cached_json(data)
