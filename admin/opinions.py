"""The opinion queue of a decision: moderation (approve / withhold, in bulk and by campaign
group) and answers with adoption (PROC-20a, PART-15, A39).

Moderators (OPINION_MODERATE) see the raw text with personal data highlighted, the masked
preview that will be published, and masked contacts. Undertaking staff (OPINION_ANSWER) see the
masked text and record adoption and responses. Views are thin: parse, call
``portal.services.moderation``, commit once, flash, redirect.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin import bp
from admin._helpers import actor, client_ip, decision_or_404
from portal import clock, labels
from portal.extensions import db
from portal.models.opinion import Opinion
from portal.permissions import Permission, can, require
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import RuleViolation
from portal.rules.privacy import mask_contact, mask_personal_data, segments
from portal.services import moderation

ROUTE = "/decisions/<int:decision_id>/opinions"
STATUS_LABELS = {
    OpinionStatus.RECEIVED: _l("Awaiting moderation"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Withheld"),
}
MAX_IDS = 500


def _queue_decision(decision_id: int):
    """The decision, for staff who moderate or answer its opinions (others: 403)."""
    decision = decision_or_404(decision_id)
    if not (
        can(current_user, Permission.OPINION_MODERATE, decision)
        or can(current_user, Permission.OPINION_ANSWER, decision)
    ):
        abort(403)
    return decision


def _render(decision, *, errors=None, status: int = 200):
    moderation.refresh_groups(decision)  # derived data: group keys of new opinions
    db.session.commit()
    status_filter = request.args.get("status", "")
    try:
        selected = OpinionStatus(status_filter) if status_filter else None
    except ValueError:
        selected = None
    group_key = request.args.get("group", "")[:64] or None
    opinions = moderation.queue(decision, selected, group_key)
    group_sizes = moderation.group_counts(decision)
    can_moderate = can(current_user, Permission.OPINION_MODERATE, decision)
    return (
        render_template(
            "admin/opinions/queue.html",
            decision=decision,
            opinions=opinions,
            groups=moderation.groups(decision),
            group_sizes=group_sizes,
            counts=moderation.status_counts(decision),
            status_labels=STATUS_LABELS,
            reason_labels=moderation.WITHHOLD_REASON_LABELS,
            adoption_labels=labels.ADOPTION,
            adoptions=[a for a in AdoptionStatus if a is not AdoptionStatus.PENDING],
            selected=selected,
            group_key=group_key,
            can_moderate=can_moderate,
            can_answer=can(current_user, Permission.OPINION_ANSWER, decision),
            segments=segments,
            masked=mask_personal_data,
            mask_contact=mask_contact,
            errors=errors or [],
        ),
        status,
    )


@bp.get(ROUTE)
@require(Permission.DECISION_VIEW)
def decision_opinions(decision_id: int):
    return _render(_queue_decision(decision_id))


def _ids() -> list[int]:
    values = request.form.getlist("ids")
    return [int(v) for v in values[:MAX_IDS] if v.isascii() and v.isdigit() and len(v) < 10]


@bp.post(ROUTE + "/moderate")
@require(Permission.OPINION_MODERATE)
def decision_opinions_moderate(decision_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_MODERATE)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")
    group_key = request.form.get("group", "")[:64]
    if group_key:
        targets = moderation.queue(decision, group_key=group_key)
    else:
        targets = moderation.opinions_of(decision, _ids())
    if not targets:
        return _render(
            decision, errors=[RuleViolation("", _("Select at least one opinion."))], status=422
        )
    if action == "withhold" and reason not in {r.value for r in WithholdReason}:
        return _render(
            decision,
            errors=[RuleViolation("", _("Choose why the opinion is not published."))],
            status=422,
        )
    try:
        count = moderation.moderate_opinions(
            targets, action, reason=reason, actor=actor(), now=clock.now(), ip=client_ip()
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _render(decision, errors=[violation], status=422)
    db.session.commit()
    flash(_("%(n)d opinion(s) moderated.", n=count))
    return redirect(url_for("admin.decision_opinions", decision_id=decision.id))


@bp.post(ROUTE + "/<int:opinion_id>/answer")
@require(Permission.OPINION_ANSWER)
def decision_opinion_answer(decision_id: int, opinion_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.decision_id != decision.id:
        abort(404)
    try:
        moderation.answer_opinion(
            opinion,
            request.form.get("adoption", ""),
            request.form.get("response", ""),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _render(decision, errors=[violation], status=422)
    db.session.commit()
    flash(_("Answer recorded."))
    return redirect(
        url_for("admin.decision_opinions", decision_id=decision.id, _anchor=f"op-{opinion.id}")
    )
