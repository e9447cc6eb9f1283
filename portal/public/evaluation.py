"""Public feedback on a decision: the post-evaluation call for input (EVAL-9b) and feedback on
a decision in execution (PROC-42b), moderated like opinions; the published feedback
(anonymised, A39) with the government's responses to it (PART-19b); and the data of the
dossier's implementation and evaluation sections (PART-20a, A31), supplied to the partial
templates by Jinja globals. A submission goes through ``portal.transaction.run``."""

from __future__ import annotations

import secrets

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal import clock, labels, transaction
from portal.extensions import client_address, limiter
from portal.public import bp
from portal.public._util import page_args, pages
from portal.public.cache import cached_page
from portal.public.opinions import OpinionForm
from portal.rules.errors import RuleViolation
from portal.services import corrections, moderation
from portal.services import decisions as decision_service
from portal.services import evaluation as service
from portal.services import opinions as opinion_helpers
from portal.services import supervision as supervision_service
from portal.services.evaluation import FeedbackStatus as OpinionStatus

RECEIPT_SESSION_KEY = "feedback_receipt"
STATUS_LABELS = {
    OpinionStatus.RECEIVED: _l("Received, awaiting moderation"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Not published"),
}


class FeedbackForm(OpinionForm):
    """The opinion form without the clause field (same privacy notice and honeypot)."""


@bp.app_template_global()
def implementation_updates(decision) -> list:
    """PART-20a: the executing unit's published updates, newest first."""
    if decision is None or decision.non_disclosable:
        return []
    return supervision_service.updates_of(decision, public_only=True)


@bp.app_template_global()
def evaluation_dossier(decision) -> dict:
    """The dossier's post-evaluation section: the open call for input, the feedback form for a
    decision in execution, the published feedback count, and the conclusion when the office
    chose to publish it (A31)."""
    if decision is None or decision.non_disclosable:
        return {}
    now = clock.now()
    ev = service.current_evaluation(decision)
    window = service.feedback_window(decision, now)
    published = service.feedback_status_counts(decision)[OpinionStatus.PUBLISHED]
    decided = [
        e
        for e in service.evaluations_of(decision)
        if e.gov_decision is not None and e.publish_conclusion and e.invalidated_on is None
    ]
    return {
        "evaluation": ev,
        "call_open": bool(window.open and window.evaluation is not None),
        "feedback_open": window.open,
        "published": published,
        "decided": decided[0] if decided else None,
        "responses": service.feedback_responses(decision)[:3],  # PART-19b, the latest
    }


def _closed_page(decision, violation: RuleViolation):
    return (
        render_template(
            "public/evaluation_closed.html",
            decision=decision,
            rule=violation.rule,
            citation=labels.citation(violation.rule) if violation.rule else "",
            text=labels.violation_text(violation),
        ),
        409,
    )


def _form_page(decision, window, form, errors=None, status=200):
    return (
        render_template(
            "public/evaluation_feedback_new.html",
            decision=decision,
            window=window,
            form=form,
            errors=errors or {},
            body_min=opinion_helpers.BODY_MIN,
            body_max=opinion_helpers.BODY_MAX,
        ),
        status,
    )


@bp.route("/decisions/<int:decision_id>/feedback/new", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def feedback_new(decision_id: int):
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        abort(404)
    window = service.feedback_window(decision, clock.now())
    form = FeedbackForm()
    if request.method == "GET":
        if not window.open:
            return _closed_page(decision, window.violation)
        form.submission_token.data = secrets.token_urlsafe(18)
        return _form_page(decision, window, form)
    if not form.validate_on_submit():
        errors = {name: " ".join(str(e) for e in errs) for name, errs in form.errors.items()}
        return _form_page(decision, window, form, errors, 422)
    if form.website.data:  # honeypot
        return _form_page(
            decision, window, form, {"website": str(_l("This field must be left empty."))}, 422
        )
    token = (form.submission_token.data or "").strip()
    key = f"feedback:{token}" if token.isascii() and 16 <= len(token) <= 64 else None
    data = opinion_helpers.OpinionInput(
        body=form.body.data or "",
        display_name=form.display_name.data or "",
        publish_name_consent=bool(form.publish_name_consent.data),
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
    )
    try:
        code = transaction.run(
            lambda: (
                service.submit_feedback(
                    decision, data, now=clock.now(), idempotency_key=key, ip=client_address()
                ).receipt_code
            )
        )
    except RuleViolation as v:
        if v.rule:
            return _closed_page(decision, v)
        return _form_page(
            decision, window, form, {v.field or "body": labels.violation_text(v)}, 422
        )
    except IntegrityError:
        first = service.feedback_by_idempotency_key(key) if key else None
        if first is None:
            raise
        code = first.receipt_code
    session[RECEIPT_SESSION_KEY] = code
    return redirect(url_for("public.feedback_receipt", decision_id=decision.id), code=303)


@bp.get("/decisions/<int:decision_id>/feedback/receipt")
def feedback_receipt(decision_id: int):
    code = session.get(RECEIPT_SESSION_KEY)
    item = service.lookup_feedback(code) if code else None
    if item is None or item.decision_id != decision_id:
        return redirect(url_for("public.feedback_status"))
    return (
        render_template(
            "public/evaluation_feedback_receipt.html", decision=item.decision, item=item
        ),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.get("/feedback/status")
def feedback_status():
    raw = request.args.get("receipt_code", "")
    if not raw.strip():
        return render_template(
            "public/evaluation_feedback_status.html",
            item=None,
            code="",
            missing=False,
            status_labels=STATUS_LABELS,
        )
    item = service.lookup_feedback(raw)
    return (
        render_template(
            "public/evaluation_feedback_status.html",
            item=item,
            code=raw.strip()[:40],
            missing=item is None,
            status_labels=STATUS_LABELS,
        ),
        200 if item else 404,
        {"Cache-Control": "no-store"},
    )


@bp.get("/decisions/<int:decision_id>/feedback")
@cached_page
def decision_feedback_list(decision_id: int):
    """Published feedback: masked text, names only with consent (A39)."""
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        abort(404)
    page, per_page = page_args(20, 100)
    items, total = service.published_feedback(decision, page=page, per_page=per_page)
    return render_template(
        "public/evaluation_feedback_list.html",
        decision=decision,
        items=items,
        responses=service.feedback_responses(decision),
        response_counts=service.response_counts,
        corrections=[
            c for c in corrections.public_corrections(decision) if c.group == "feedback_response"
        ],
        total=total,
        page=page,
        page_count=pages(total, per_page),
        public_name=service.public_name,
        reason_labels=moderation.WITHHOLD_REASON_LABELS,
    )
