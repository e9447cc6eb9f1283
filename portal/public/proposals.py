"""Public proposals of new decision items (PROC-11b(4)): the form, its receipt, the status lookup.

Works without JavaScript; CSRF-protected, rate limited, with a honeypot and a per-form-view
token that makes a resubmission return the first receipt (like the opinion form).
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal import clock, labels, transaction
from portal.extensions import client_address, db, limiter
from portal.models.org import Government
from portal.models.proposal import ProposerType
from portal.public import bp
from portal.rules.errors import RuleViolation
from portal.services import proposals as proposal_service

RECEIPT_SESSION_KEY = "proposal_receipt"


class ProposalForm(FlaskForm):
    gov = StringField(_l("Government"), validators=[Optional()])
    proposer_type = StringField(_l("You write as"), validators=[Optional()])
    proposer_name = StringField(_l("Name or organisation"), validators=[Optional()])
    title = StringField(_l("Title of the proposed decision item"), validators=[Optional()])
    content = TextAreaField(_l("Your proposal"), validators=[Length(max=40000)])
    reasons = TextAreaField(_l("Supporting reasons (optional)"), validators=[Length(max=40000)])
    contact_email = StringField(_l("E-mail (not published)"), validators=[Optional()])
    contact_phone = StringField(_l("Phone (not published)"), validators=[Optional()])
    processing_consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that my data is processed to handle "
            "my proposal."
        ),
        default=False,
    )
    publish_name_consent = BooleanField(
        _l(
            "I agree that my name or organisation is shown publicly if the proposal leads to "
            "a decision item (optional)."
        ),
        default=False,
    )
    website = StringField(_l("Leave this field empty"))  # honeypot, hidden from people
    submission_token = HiddenField()
    # A suggestion for the annual catalog during its solicitation (CAT-7b), from the catalog page.
    kind = HiddenField()
    catalog_year = HiddenField()


@bp.app_template_global("proposal_problem_text")
def problem_text(v: RuleViolation) -> str:
    """The violation's message. ``labels.violation_text`` turns every parameter into a string,
    which leaves "%(n)d" unformatted; length limits are plain numbers, passed through here."""
    if v.params and all(isinstance(x, int) for x in v.params.values()):
        return gettext(v.message, **v.params)
    return labels.violation_text(v)


def governments() -> list[Government]:
    return list(db.session.scalars(sa.select(Government).order_by(Government.sort_order)))


def _form_page(form, errors=None, status=200):
    return (
        render_template(
            "public/proposal_new.html",
            form=form,
            errors=errors or {},
            governments=governments(),
            proposer_types=[(t.value, labels.PROPOSER_TYPE[t]) for t in ProposerType],
            limits=proposal_service,
        ),
        status,
    )


def _catalog_fields(form) -> dict:
    year = (form.catalog_year.data or "").strip()
    if form.kind.data == "catalog_item" and year.isascii() and year.isdigit() and len(year) == 4:
        return {"kind": "catalog_item", "catalog_year": int(year)}
    return {}


@bp.route("/proposals/new", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def proposal_new():
    form = ProposalForm()
    if request.method == "GET":
        slug = request.args.get("gov", "")[:40]
        known = {g.slug for g in governments()}
        form.gov.data = slug if slug in known else "chifeng"
        form.proposer_type.data = ProposerType.CITIZEN.value
        form.submission_token.data = secrets.token_urlsafe(18)
        year = request.args.get("year", "")
        if request.args.get("kind") == "catalog_item" and year.isascii() and year.isdigit():
            form.kind.data, form.catalog_year.data = "catalog_item", year[:4]
        return _form_page(form)

    if not form.validate_on_submit():
        errors = {name: " ".join(str(e) for e in errs) for name, errs in form.errors.items()}
        return _form_page(form, errors, 422)
    if form.website.data:  # the honeypot: people never see it, bots fill it in
        return _form_page(form, {"website": str(_l("This field must be left empty."))}, 422)
    errors: dict[str, str] = {}
    government = db.session.scalar(
        sa.select(Government).where(Government.slug == (form.gov.data or "").strip()[:40])
    )
    if government is None:
        errors["gov"] = str(_l("Choose the government the proposal is addressed to."))
    data = proposal_service.ProposalInput(
        proposer_type=form.proposer_type.data or "",
        proposer_name=form.proposer_name.data or "",
        title=form.title.data or "",
        content=form.content.data or "",
        reasons=form.reasons.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
        processing_consent=bool(form.processing_consent.data),
        publish_name_consent=bool(form.publish_name_consent.data),
        **_catalog_fields(form),
    )
    _, problems = proposal_service.check_input(data)
    for problem in problems:
        errors.setdefault(problem.field or "content", problem_text(problem))
    if errors:
        return _form_page(form, errors, 422)
    token = (form.submission_token.data or "").strip()
    key = f"form:{token}" if token.isascii() and 16 <= len(token) <= 64 else None
    try:
        code = transaction.run(
            lambda: (
                proposal_service.submit_proposal(
                    government, data, now=clock.now(), idempotency_key=key, ip=client_address()
                ).receipt_code
            )
        )
    except RuleViolation as v:
        return _form_page(form, {v.field or "content": problem_text(v)}, 422)
    except IntegrityError:  # the same form sent twice at once: answer with the first receipt
        first = proposal_service.proposal_by_idempotency_key(key) if key else None
        if first is None:
            raise
        code = first.receipt_code
    session[RECEIPT_SESSION_KEY] = code
    return redirect(url_for("public.proposal_receipt"), code=303)


@bp.get("/proposals/receipt")
def proposal_receipt():
    code = session.get(RECEIPT_SESSION_KEY)
    proposal = proposal_service.lookup_proposal(code) if code else None
    if proposal is None:
        return redirect(url_for("public.proposal_status"))
    response = render_template("public/proposal_receipt.html", proposal=proposal)
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/proposals/status")
def proposal_status():
    raw = request.args.get("receipt_code", "")
    if not raw.strip():
        return render_template("public/proposal_status.html", proposal=None, code="", missing=False)
    proposal = proposal_service.lookup_proposal(raw)
    return (
        render_template(
            "public/proposal_status.html",
            proposal=proposal,
            code=raw.strip()[:40],
            missing=proposal is None,
        ),
        200 if proposal else 404,
        {"Cache-Control": "no-store"},
    )


@bp.app_template_global()
def proposals_of_decision(decision) -> list:
    """For the decision dossier: the public proposals this decision item came from."""
    if decision is None or getattr(decision, "non_disclosable", False):
        return []
    return proposal_service.proposals_of_decision(decision)


@bp.app_template_global()
def proposal_public_name(proposal) -> str:
    return proposal_service.public_name(proposal)
