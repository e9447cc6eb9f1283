"""Follow a decision by e-mail (double opt-in) and unsubscribe from any portal e-mail.

GET pages never write: the links in e-mails open a page whose button POSTs (RFC 8058: the
one-click unsubscribe is a POST, accepted without a CSRF token since the token in the address
is the proof). The follow form answers the same whether or not the address already follows.
"""

from __future__ import annotations

from flask import abort, render_template, request

from portal import clock, labels, transaction
from portal.extensions import csrf, limiter
from portal.public import bp
from portal.rules.errors import RuleViolation
from portal.services import decisions as decision_service
from portal.services import follows as follow_service
from portal.services import notifications

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _public_decision_or_404(decision_id: int):
    decision = decision_service.get_public_decision(decision_id)
    if decision is None or decision.non_disclosable:
        abort(404)
    return decision


def _form_page(decision, *, email: str = "", errors=None, status: int = 200):
    return (
        render_template(
            "public/follow_new.html", decision=decision, email=email, errors=errors or {}
        ),
        status,
        NO_STORE,
    )


@bp.route("/decisions/<int:decision_id>/follow", methods=["GET", "POST"])
@csrf.exempt  # anonymous and session-less; shown on cached pages (see _follow_form.html)
@limiter.limit("5 per hour", methods=["POST"])
def decision_follow(decision_id: int):
    decision = _public_decision_or_404(decision_id)
    if request.method == "GET":
        return _form_page(decision)
    email = (request.form.get("email") or "").strip()[:254]
    if request.form.get("website"):  # the honeypot: people never see it
        return _form_page(decision, email=email, errors={"website": "-"}, status=422)
    try:
        transaction.run(
            lambda: follow_service.request_follow(
                decision, email, now=clock.now(), language=notifications.current_language()
            )
        )
    except RuleViolation as v:
        return _form_page(
            decision, email=email, errors={"email": labels.violation_text(v)}, status=422
        )
    return render_template("public/follow_sent.html", decision=decision), 200, NO_STORE


@bp.get("/follows/confirm/<token>")
def follow_confirm(token: str):
    follow = follow_service.follow_of_confirm_token(token)
    if follow is None:
        return (
            render_template("public/follow_confirm.html", follow=None, token=token),
            404,
            NO_STORE,
        )
    return (
        render_template(
            "public/follow_confirm.html", follow=follow, decision=follow.decision, token=token
        ),
        200,
        NO_STORE,
    )


@bp.post("/follows/confirm/<token>")
@limiter.limit("30 per hour")
def follow_confirm_post(token: str):
    follow = follow_service.follow_of_confirm_token(token)
    if follow is None:
        return (
            render_template("public/follow_confirm.html", follow=None, token=token),
            404,
            NO_STORE,
        )
    transaction.run(lambda: follow_service.confirm_follow(follow, now=clock.now()))
    return (
        render_template(
            "public/follow_confirm.html",
            follow=follow,
            decision=follow.decision,
            token=token,
            done=True,
            unsubscribe_link=notifications.unsubscribe_url(follow),
        ),
        200,
        NO_STORE,
    )


def _what(record) -> dict:
    """What the page names: the decision followed, the opinion or the registration."""
    kind = type(record).__name__
    if kind == "DecisionFollow":
        return {"kind": "follow", "title": record.decision.title}
    if kind == "Opinion":
        return {"kind": "opinion", "title": record.decision.title, "code": record.receipt_code}
    return {"kind": "registration", "title": record.hearing.title, "code": record.receipt_code}


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    record = notifications.record_of_token(token)
    if record is None:
        return render_template("public/unsubscribe.html", what=None, token=token), 404, NO_STORE
    stopped = getattr(record, "mail_opt_out_at", None) is not None
    return (
        render_template("public/unsubscribe.html", what=_what(record), token=token, done=stopped),
        200,
        NO_STORE,
    )


@bp.post("/unsubscribe/<token>")
@csrf.exempt
@limiter.limit("30 per hour")
def unsubscribe_post(token: str):
    """The page's button, and the one-click POST of RFC 8058 (``List-Unsubscribe=One-Click``)."""
    record = notifications.record_of_token(token)
    if record is None:  # already unsubscribed (a follow is deleted) or a bad link
        return render_template("public/unsubscribe.html", what=None, token=token, done=True), 200
    what = _what(record)
    transaction.run(lambda: follow_service.unsubscribe(record, now=clock.now()))
    return (
        render_template("public/unsubscribe.html", what=what, token=token, done=True),
        200,
        NO_STORE,
    )
