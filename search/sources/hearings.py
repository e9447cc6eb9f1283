"""Hearings and symposiums (issue 5's ``portal.models.hearing``).

Public means: announced (``announced_at``) and the decision disclosable; the report text only
once ``report_published_at`` is set. Never registrations, names, contacts or statements.
Topic ``search.hearing`` with the hearing's id.
"""

from __future__ import annotations

from portal.models.decision import Decision
from portal.models.hearing import Hearing
from search.sources import Doc, naive
from search.sources._small import register_small


def _doc(h: Hearing, d: Decision) -> Doc:
    parts = [h.subject, h.place, d.title]
    if h.report_published_at is not None:
        parts += [h.report_basic_info, h.report_main_opinions, h.report_other]
    if h.cancelled_at is not None:
        parts.append(h.cancel_reason)
    return {
        "key": f"hearing:{h.id}",
        "type": "hearing",
        "obj_id": h.id,
        "decision_id": d.id,
        "gov": d.government.slug,
        "year": str(d.year),
        "stage": str(d.stage),
        "title": h.title,
        "heading": h.title,
        "body": "\n".join(p for p in parts if p),
        "url": f"/hearings/{h.id}",
        "date": naive(h.announced_at),
    }


register_small(
    kind="hearing",
    model=Hearing,
    public=lambda: Hearing.announced_at.is_not(None),
    to_doc=_doc,
    weight=1.8,
    order=35,
)
