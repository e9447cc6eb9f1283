"""Staff login and logout."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from admin import bp
from admin.forms import LoginForm
from portal import clock, transaction
from portal.extensions import limiter
from portal.public._util import safe_next
from portal.services import users as user_service


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if current_user.is_authenticated and current_user.is_staff and request.method == "GET":
        return redirect(url_for("admin.dashboard"))
    if form.validate_on_submit():
        now = clock.now()
        # A failed attempt is recorded too (lockout, audit): committed either way.
        result = transaction.run(
            lambda: user_service.authenticate(
                form.username.data or "",
                form.password.data or "",
                now=now,
                ip=request.remote_addr or "",
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lockout=current_app.config["LOGIN_LOCKOUT"],
            )
        )
        if result.user is not None:
            session.clear()  # no session fixation: a fresh session after login
            login_user(result.user)
            session["logged_in_at"] = now.timestamp()
            session["last_seen"] = now.timestamp()
            return redirect(safe_next(form.next.data, url_for("admin.dashboard")))
        error = _(result.message or "")
    elif request.method == "POST":
        error = _("Enter your user name and password.")
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/login.html", form=form, error=error, expired=request.args.get("expired")
    ), status


@bp.post("/logout")
def logout():
    transaction.run(
        lambda: user_service.revoke_sessions(
            current_user._get_current_object(), now=clock.now(), ip=request.remote_addr or ""
        )
    )
    logout_user()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("admin.login"))
