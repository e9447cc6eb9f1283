"""Public participation (PROC-16..20, PART): the comment window and the activities recorded on
the participation screen (issue 11 moves their use cases here)."""

from __future__ import annotations

from portal.models.decision import Decision


def public_activities(decision: Decision) -> list:
    """Participation activities shown on the dossier (PROC-16b, PART-5a)."""
    return []
