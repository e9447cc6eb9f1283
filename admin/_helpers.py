"""Shared back-office helpers: object scope, separation of duties, rule violations on screen."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import Document, DocumentVersion
from portal.permissions import Permission, can
from portal.rules.errors import N_, RuleViolation


def decision_or_404(decision_id: int, perm: Permission = Permission.DECISION_VIEW) -> Decision:
    """The decision, if it belongs to the user's own government and the user holds ``perm``.

    Another government's record is "not found" (its existence is not disclosed); a missing
    permission on one's own record is "forbidden".
    """
    decision = db.session.get(Decision, decision_id)
    if decision is None or not can(current_user, Permission.DECISION_VIEW, decision):
        abort(404)
    if not can(current_user, perm, decision):
        abort(403)
    return decision


def drafted_by(user, decision: Decision) -> bool:
    """Whether ``user`` wrote a version of this decision's draft (separation of duties)."""
    return bool(
        db.session.scalar(
            db.select(DocumentVersion.id)
            .join(Document, DocumentVersion.document_id == Document.id)
            .where(Document.decision_id == decision.id, DocumentVersion.created_by_id == user.id)
            .limit(1)
        )
    )


def client_ip() -> str:
    return request.remote_addr or ""


def actor():
    return current_user._get_current_object()


def input_error(text: str, field: str | None = None) -> RuleViolation:
    """A form problem that is not a statutory rule: shown like a violation, without a rule ID."""
    return RuleViolation("", text, field=field)


# The stage screens of a decision, in procedural order: (endpoint, label msgid). A screen
# appears in the workspace navigation once its endpoint is registered.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("admin.decision_show", N_("Overview")),
    ("admin.decision_initiation", N_("Initiation")),
    ("admin.decision_drafting", N_("Drafting and research")),
    ("admin.decision_drafts", N_("Draft versions")),
    ("admin.decision_participation", N_("Public participation")),
    ("admin.decision_hearings", N_("Hearings and symposiums")),
    ("admin.decision_opinions", N_("Opinions")),
    ("admin.decision_experts", N_("Expert review")),
    ("admin.decision_expert_selection", N_("Expert selection")),
    ("admin.decision_risk", N_("Risk assessment")),
    ("admin.decision_internal_review", N_("Unit review")),
    ("admin.decision_legality", N_("Legality review")),
    ("admin.decision_deliberation", N_("Deliberation")),
    ("admin.decision_publication", N_("Publication and filing")),
    ("admin.decision_supervision", N_("Supervision")),
    ("admin.decision_evaluation", N_("Post-evaluation")),
    ("admin.decision_changes", N_("Suspension and termination")),
    ("admin.decision_archive", N_("Archive")),
)
