"""The executing unit's public implementation updates (PART-20a, issue 7's
``portal.models.supervision.ImplementationUpdate``).

Public means: published (``published_at``) and the decision disclosable; internal supervision
records are never indexed. Topic ``search.update`` with the update's id.
"""

from __future__ import annotations

from portal.models.decision import Decision
from portal.models.supervision import ImplementationUpdate
from search.sources import Doc, naive
from search.sources._small import register_small

FIELDS = (
    "specific_measures",
    "implementation_steps",
    "responsibility_division",
    "supervision_methods",
    "achievements",
    "follow_up_measures",
)


def _doc(u: ImplementationUpdate, d: Decision) -> Doc:
    return {
        "key": f"update:{u.id}",
        "type": "update",
        "obj_id": u.id,
        "decision_id": d.id,
        "gov": d.government.slug,
        "year": str(d.year),
        "stage": str(d.stage),
        "title": "",
        "heading": d.title,
        "body": "\n".join(getattr(u, f) for f in FIELDS if getattr(u, f, "")),
        "url": f"/decisions/{d.id}",
        "date": naive(u.published_at),
    }


register_small(
    kind="update",
    model=ImplementationUpdate,
    public=lambda: ImplementationUpdate.published_at.is_not(None),
    to_doc=_doc,
    weight=1.3,
    order=70,
)
