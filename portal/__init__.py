"""Decision Portal (决策公开与公众参与平台)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal.config import Config

ROOT = Path(__file__).resolve().parent.parent


def _no_shared_cookies(wsgi_app):
    """A response that sets a cookie (the session, the language) is never stored by a shared
    cache: its ``Cache-Control: public`` becomes ``private, no-cache``. Checked on the final
    headers, after Flask has saved the session."""

    def middleware(environ, start_response):
        def start(status, headers, exc_info=None):
            names = {name.lower() for name, _ in headers}
            if "set-cookie" in names:
                for i, (name, value) in enumerate(headers):
                    if name.lower() == "cache-control" and "public" in value:
                        headers[i] = (name, "private, no-cache")
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return middleware


def create_app(config: Config | dict | None = None) -> Flask:
    config = config or Config()
    settings = config.as_dict() if isinstance(config, Config) else dict(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("PROXY_FIX"):
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    app.wsgi_app = _no_shared_cookies(app.wsgi_app)  # type: ignore[method-assign]

    _init_extensions(app)
    app.url_map.converters["int"] = _DatabaseInt
    _register_blueprints(app)
    _register_security(app)

    from portal import errors, i18n, jinja, readonly

    i18n.init_app(app)
    jinja.init_app(app)
    errors.init_app(app)
    readonly.init_app(app)  # no write on GET/HEAD

    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return app


def _init_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401 - register every model with the metadata
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.session_protection = "strong"

    from portal.services.users import load_user

    login_manager.user_loader(load_user)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()


class _DatabaseInt(IntegerConverter):
    """``<int:...>`` in every URL: ids beyond a 32-bit key are "not found", not a database
    error (SQLite cannot even bind integers past 2**63)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    from admin import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.extensions import csrf
    from portal.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    csrf.exempt(api_bp)  # the public JSON write endpoints use no cookies (public contract)


# No nonce: the site ships no inline script (JavaScript, where any, is a file from 'self'), so
# the header is the same for every response and a page can be served from a shared cache.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _register_security(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/admin"):
            h["Cache-Control"] = "no-store"
        return response
