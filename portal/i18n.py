"""Locale choice: zh-CN by default; ``?lang=en`` switches and is remembered in a cookie."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import get_locale, refresh

from portal.extensions import babel

LANG_COOKIE = "portal_lang"
SUPPORTED = {"zh_cn": "zh_CN", "zh": "zh_CN", "en": "en", "en_us": "en", "en_gb": "en"}


def _normalise(value: str | None) -> str | None:
    if not value:
        return None
    return SUPPORTED.get(value.strip().replace("-", "_").lower()[:10])


def select_locale() -> str:
    chosen = _normalise(request.args.get("lang"))
    if chosen:
        if _normalise(request.cookies.get(LANG_COOKIE)) != chosen:
            g.set_lang_cookie = chosen  # remembered once; a repeat read stays cacheable
        return chosen
    return _normalise(request.cookies.get(LANG_COOKIE)) or "zh_CN"


def html_lang() -> str:
    return "zh-CN" if str(get_locale()).startswith("zh") else "en"


def is_zh() -> bool:
    return str(get_locale()).startswith("zh")


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/../translations"),
    )

    @app.before_request
    def _fresh_locale() -> None:
        # Flask-Babel caches the locale on ``g``; an app context reused across requests (tests,
        # CLI) must not carry one request's language into the next.
        refresh()
        g.pop("set_lang_cookie", None)

    @app.after_request
    def _remember(response):
        lang = g.pop("set_lang_cookie", None)
        if lang:
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=365 * 86400,
                samesite="Lax",
                httponly=True,
                secure=app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response
