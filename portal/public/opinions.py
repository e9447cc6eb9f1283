"""Submitting an opinion to an open consultation, its receipt, and the status lookup.

The submission goes through ``portal.transaction.run`` (one commit, or a rollback): a refusal
re-renders the form with 422 (a field problem) or the closed page with 409 (PROC-16a/17b).
"""

from __future__ import annotations

import secrets

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal import clock, labels, transaction
from portal.extensions import client_address, limiter
from portal.public import bp
from portal.public._util import enum_arg, page_args, pages
from portal.public.cache import cached_page
from portal.rules.errors import RuleViolation
from portal.services import adoption, moderation, notifications
from portal.services import adoption as adoption_service
from portal.services import decisions as decision_service
from portal.services import opinions as opinion_service
from portal.services.opinions import AdoptionStatus, OpinionChannel, OpinionStatus

RECEIPT_SESSION_KEY = "opinion_receipt"
STATUS_LABELS = {
    OpinionStatus.RECEIVED: _l("Received, awaiting moderation"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Not published"),
}


class OpinionForm(FlaskForm):
    body = TextAreaField(_l("Your opinion"), validators=[Length(max=20000)])
    clause = StringField(_l("Clause or section (optional)"), validators=[Optional()])
    display_name = StringField(_l("Name (optional)"), validators=[Optional()])
    publish_name_consent = BooleanField(
        _l("I agree that my name is published with my opinion (optional)."), default=False
    )
    contact_email = StringField(_l("E-mail (optional, not published)"), validators=[Optional()])
    contact_phone = StringField(_l("Phone (optional, not published)"), validators=[Optional()])
    website = StringField(_l("Leave this field empty"))  # honeypot, hidden from people
    submission_token = HiddenField()  # one token per form view: a resubmission is idempotent


def _consultation_or_409(decision):
    consultation = decision_service.current_consultation(decision)
    refusal = opinion_service.consultation_refusal(decision, clock.now())
    return consultation, (_closed_page(decision, refusal) if refusal else None)


def _closed_page(decision, violation: RuleViolation):
    return (
        render_template(
            "public/opinion_closed.html",
            decision=decision,
            rule=violation.rule,
            citation=labels.citation(violation.rule),
            text=labels.violation_text(violation),
        ),
        409,
    )


def _form_page(decision, consultation, form, errors=None, status=200):
    return (
        render_template(
            "public/opinion_new.html",
            decision=decision,
            consultation=consultation,
            form=form,
            errors=errors or {},
            body_min=opinion_service.BODY_MIN,
            body_max=opinion_service.BODY_MAX,
        ),
        status,
    )


@bp.route("/decisions/<int:decision_id>/opinions/new", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def opinion_new(decision_id: int):
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        abort(404)
    form = OpinionForm()
    if request.method == "GET":
        consultation, closed = _consultation_or_409(decision)
        if closed:
            return closed
        form.submission_token.data = secrets.token_urlsafe(18)
        return _form_page(decision, consultation, form)

    consultation = decision_service.current_consultation(decision)
    if not form.validate_on_submit():
        errors = {name: " ".join(str(e) for e in errs) for name, errs in form.errors.items()}
        return _form_page(decision, consultation, form, errors, 422)
    if form.website.data:  # the honeypot: people never see it, bots fill it in
        errors = {"website": str(_l("This field must be left empty."))}
        return _form_page(decision, consultation, form, errors, 422)
    token = (form.submission_token.data or "").strip()
    key = f"form:{token}" if token.isascii() and 16 <= len(token) <= 64 else None
    data = opinion_service.OpinionInput(
        body=form.body.data or "",
        clause=form.clause.data or "",
        display_name=form.display_name.data or "",
        publish_name_consent=bool(form.publish_name_consent.data),
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
    )
    try:
        code = transaction.run(
            lambda: (
                opinion_service.submit_opinion(
                    decision, data, now=clock.now(), idempotency_key=key, ip=client_address()
                ).receipt_code
            )
        )
    except RuleViolation as v:
        if v.rule:
            return _closed_page(decision, v)
        errors = {v.field or "body": labels.violation_text(v)}
        return _form_page(decision, consultation, form, errors, 422)
    except IntegrityError:  # the same form sent twice at once: answer with the first receipt
        first = opinion_service.opinion_by_idempotency_key(key) if key else None
        if first is None:
            raise
        code = first.receipt_code
    session[RECEIPT_SESSION_KEY] = code
    return redirect(url_for("public.opinion_receipt", decision_id=decision.id), code=303)


HISTORY_LABELS = {
    "received": _l("Your opinion was received"),
    "published": _l("Published on the decision's page"),
    "withheld": _l("Not published"),
    "answered": _l("Answered"),
    "report": _l("Adoption report published"),
}


def _status_context(opinion) -> dict:
    """What the receipt and the status page show: the text, every step with its date, the
    answer with the answering unit, and links to the decision and to the adoption report."""
    if opinion is None:
        return {"history": [], "report": None, "unit": None}
    return {
        "history": opinion_service.opinion_history(opinion),
        "report": adoption.published_report(opinion.decision),
        "unit": notifications.answering_unit(opinion),
        "history_labels": HISTORY_LABELS,
        "reason_labels": moderation.WITHHOLD_REASON_LABELS,
    }


@bp.get("/decisions/<int:decision_id>/opinions/receipt")
def opinion_receipt(decision_id: int):
    code = session.get(RECEIPT_SESSION_KEY)
    opinion = opinion_service.lookup_opinion(code) if code else None
    if opinion is None or opinion.decision_id != decision_id:
        return redirect(url_for("public.opinion_status"))
    response = render_template(
        "public/opinion_receipt.html",
        decision=opinion.decision,
        opinion=opinion,
        status_labels=STATUS_LABELS,
        **_status_context(opinion),
    )
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/opinions/status")
def opinion_status():
    raw = request.args.get("receipt_code", "")
    if not raw.strip():
        return render_template(
            "public/opinion_status.html",
            opinion=None,
            code="",
            missing=False,
            status_labels=STATUS_LABELS,
            **_status_context(None),
        )
    opinion = opinion_service.lookup_opinion(raw)
    status = 200 if opinion else 404
    return (
        render_template(
            "public/opinion_status.html",
            opinion=opinion,
            code=raw.strip()[:40],
            missing=opinion is None,
            status_labels=STATUS_LABELS,
            **_status_context(opinion),
        ),
        status,
        {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@bp.get("/decisions/<int:decision_id>/opinions")
@cached_page
def decision_opinions(decision_id: int):
    """Published opinions (masked text, names only with consent) with adoption statistics and
    the withheld opinions counted by reason (PART-15b, A39)."""
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        abort(404)
    page, per_page = page_args(20, 100)
    theme = request.args.get("theme")
    theme = theme[:60] if theme is not None else None
    adoption = enum_arg("adoption", AdoptionStatus)
    items, total = moderation.published_page(
        decision, page=page, per_page=per_page, theme=theme, adoption=adoption
    )
    withheld = moderation.withheld_counts(decision)
    return render_template(
        "public/decision_opinions.html",
        decision=decision,
        opinions=items,
        total=total,
        page=page,
        page_count=pages(total, per_page),
        adoption_counts=moderation.adoption_counts(decision),
        withheld=withheld,
        withheld_total=sum(withheld.values()),
        reason_labels=moderation.WITHHOLD_REASON_LABELS,
        public_name=moderation.public_name,
        theme=theme,
        adoption=adoption,
        channel_labels=labels.OPINION_CHANNEL,
        online=OpinionChannel.ONLINE,
        # issue 12 (d): each answer citing a changed article links to the draft-to-final view
        change_links=adoption_service.opinion_change_links(decision, items),
    )
