"""GET /api/v1/decisions and /api/v1/decisions/<id> (read side, public contract)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import selectinload

from portal import clock
from portal.api import bp
from portal.api._common import (
    MAX_ID,
    BadQuery,
    bad_query,
    hearing_timestamps,
    last_modified,
    paging,
    public_hearings_of,
    query_choice,
    query_int,
    read_json,
)
from portal.api._json import envelope, iso
from portal.errors import json_error
from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.org import Government
from portal.public.cache import cached_page
from portal.rules.stages import Category, Stage
from portal.services import decisions as decision_service
from portal.services import deliberation


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


def _filtered(query, *, gov, year, stage, category, consultation_open, now):
    if gov:
        query = query.where(
            Decision.government_id.in_(sa.select(Government.id).where(Government.slug == gov))
        )
    if year:
        query = query.where(Decision.year == year)
    if stage:
        query = query.where(Decision.stage == stage)
    if category:
        query = query.where(Decision.category == category)
    if consultation_open:
        query = query.where(
            sa.exists().where(
                Consultation.decision_id == Decision.id,
                Consultation.opens_at <= now,
                Consultation.closes_at > now,
            )
        )
    return query


def _list_args() -> dict:
    gov = request_gov()
    return {
        "gov": gov,
        "year": query_int("year", minimum=1949, maximum=2999),
        "stage": query_choice("stage", [s.value for s in Stage]),
        "category": query_choice("category", [c.value for c in Category]),
        "consultation_open": query_choice("consultation", ["open"]) == "open",
    }


def request_gov() -> str | None:
    slug = request.args.get("gov", "").strip()
    if not slug:
        return None
    if not db.session.scalar(sa.select(Government.id).where(Government.slug == slug[:40])):
        raise BadQuery({"gov": "unknown value"})
    return slug


@bp.get("/decisions")
@cached_page
def decision_list():
    try:
        page, per_page = paging(20, 100)
        args = _list_args()
    except BadQuery as exc:
        return bad_query(exc)
    now = clock.now()
    base = _filtered(decision_service.public_decisions(), now=now, **args)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(
        base.options(selectinload(Decision.government), selectinload(Decision.undertaking_unit))
        .order_by(Decision.stage_changed_at.desc(), Decision.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    # Last-Modified covers the whole filtered set (not only this page), including items that
    # stopped being public, so that a page whose items shifted is never answered with a 304.
    stamps = db.session.execute(
        _filtered(
            sa.select(
                sa.func.max(Decision.updated_at),
                sa.func.max(Decision.stage_changed_at),
                sa.func.max(Decision.created_at),
            ),
            now=now,
            **(args | {"consultation_open": False}),
        )
    ).one()
    times: list[datetime | None] = list(stamps)
    if args["consultation_open"]:  # a consultation opening or closing changes the set
        times += db.session.execute(
            sa.select(
                sa.func.max(sa.case((Consultation.opens_at <= now, Consultation.opens_at))),
                sa.func.max(sa.case((Consultation.closes_at <= now, Consultation.closes_at))),
            )
        ).one()
    return read_json(
        envelope([summary(d) for d in rows], page=page, per_page=per_page, total=total),
        modified=last_modified(times, now=now),
    )


def detail(d: Decision, now: datetime) -> tuple[dict, datetime | None]:
    """The public dossier as the contract describes it, and its Last-Modified."""
    c = decision_service.current_consultation(d)
    timeline = decision_service.public_timeline(d)
    documents = decision_service.public_documents(d)
    hearings = public_hearings_of(d)
    data = summary(d) | {
        "summary": d.summary,
        "undertaking_units": [u.name for u in d.undertaking_units],
        "executing_unit": d.executing_unit.name if d.executing_unit else None,
        "timeline": [
            {
                "stage": str(t.step),
                "status": str(t.status) if t.status else None,
                "started_at": iso(t.started_at),
                "completed_at": iso(t.completed_at),
            }
            for t in timeline
        ],
        "consultation": None
        if c is None
        else {
            "title": c.title,
            "notice": c.notice,
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
            for doc in documents
            if doc.public_versions
        ],
        "hearings": [h.id for h in hearings],
        # PART-18a: the collective deliberation (meeting type, date, outcome), once recorded
        "deliberation": [
            {
                "meeting_type": str(m.meeting_type),
                "meeting_on": m.meeting_on.isoformat(),
                "outcome": str(m.outcome),
            }
            for m in deliberation.public_deliberation(d)
        ],
        "publication_channels": [
            line.strip() for line in d.publication_channels.splitlines() if line.strip()
        ]
        if d.published_at
        else [],
        "opinions_url": f"/api/v1/decisions/{d.id}/opinions",
        "feed_url": f"/feeds/decisions/{d.id}.atom",
    }
    times: list[datetime | None] = [d.updated_at, d.stage_changed_at, d.published_at]
    times += [t for item in timeline for t in (item.started_at, item.completed_at)]
    if c is not None:
        times += [c.created_at, c.opens_at, c.closes_at]
    times += [v.published_at for doc in documents for v in doc.versions]
    times += [t for h in hearings for t in hearing_timestamps(h)]
    return data, last_modified(times, now=now)


@bp.get("/decisions/<int:decision_id>")
@cached_page
def decision_show(decision_id: int):
    d = decision_service.get_public_decision(decision_id) if decision_id <= MAX_ID else None
    if d is None:
        return json_error(404, "No public decision with this id.")
    data, modified = detail(d, clock.now())
    return read_json(data, modified=modified)
