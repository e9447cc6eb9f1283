"""Shared back-office helpers: object scope, separation of duties, rule violations on screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from portal import labels, transaction
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import Document, DocumentVersion
from portal.permissions import Permission, can
from portal.rules.errors import N_, RuleViolation
from portal.rules.errors import input_error as input_error


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


def who() -> dict[str, Any]:
    """The ``actor``, ``now`` and ``ip`` keyword arguments of a service call."""
    from portal import clock

    return {"actor": actor(), "now": clock.now(), "ip": client_ip()}


# -- the one write path of the back office --------------------------------------------------------


def form_errors(form) -> list[RuleViolation]:
    """The form's own field errors (shape, not meaning) as summary lines "Label: problem"."""
    out = []
    for name, messages in (form.errors or {}).items() if form is not None else ():
        field = getattr(form, name, None)
        label = field.label.text if field is not None and hasattr(field, "label") else name
        for message in messages if isinstance(messages, list) else [messages]:
            if isinstance(message, dict):  # a FormField's nested errors
                continue
            out.append(input_error(f"{label}: {message}", getattr(field, "id", name)))
    return out


def attach(form, violations: Iterable[RuleViolation], fields: Mapping[str, str] | None = None):
    """Show each refusal next to its field too (rule field names mapped to form fields)."""
    if form is None:
        return
    for v in violations:
        name = (fields or {}).get(v.field or "", v.field)
        field = getattr(form, name, None) if name else None
        if field is None or not hasattr(field, "errors"):
            continue
        text = labels.violation_text(v)
        if v.rule:
            text = f"{labels.citation(v.rule)}：{text}"
        field.errors = [*field.errors, text] if isinstance(field.errors, list | tuple) else [text]


def flash_warnings(warnings: Iterable[RuleViolation]) -> None:
    """Saved, but something is late or missing: say so with the rule (e.g. PART-8b)."""
    for w in warnings:
        flash(f"{labels.citation(w.rule)}：{labels.violation_text(w)}" if w.rule else w.render(_))


def submit(
    call: Callable[[], Any],
    *,
    render: Callable[[list[RuleViolation], int], Any],
    redirect_to: str,
    form=None,
    message: str | None = None,
    fields: Mapping[str, str] | None = None,
):
    """Validate ``form``, run the service ``call``, commit once, flash, redirect.

    Refused (the form's own checks, or a ``RuleViolation`` from the service): nothing is
    saved, the errors are shown next to their fields and summarised at the top, and
    ``render(errors, 422)`` re-renders the page. A list of ``RuleViolation`` returned by the
    service is a set of warnings, flashed after the message.
    """
    if form is not None and not form.validate():
        return render(form_errors(form), 422)
    try:
        result = transaction.run(call)
    except RuleViolation as refusal:
        attach(form, refusal.violations, fields)
        return render(refusal.violations, 422)
    flash(message or _("Recorded."))
    if isinstance(result, list) and all(isinstance(w, RuleViolation) for w in result):
        flash_warnings(result)
    return redirect(redirect_to)


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
    ("admin.decision_corrections", N_("Corrections and flags")),
)
