"""Template filters and globals: dates in Beijing time, days left, labels, URLs."""

from __future__ import annotations

import math
from datetime import date, datetime

from flask import Flask, current_app, g, request, url_for
from flask_babel import gettext, ngettext

from portal import clock, labels
from portal.i18n import html_lang, is_zh

EN_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _local(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime):
        return clock.to_local(value, current_app.config["TIMEZONE"])
    return value


def format_date(value: datetime | date | None) -> str:
    """2026年11月26日 / 26 Nov 2026 (ui.md)."""
    if value is None:
        return ""
    d = _local(value)
    if is_zh():
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    d = _local(value)
    assert isinstance(d, datetime)
    return f"{format_date(d)} {d:%H:%M}"


def format_deadline(value: datetime | None) -> str:
    """A deadline at local midnight reads as 24:00 of the day before (ui.md)."""
    if value is None:
        return ""
    d = _local(value)
    assert isinstance(d, datetime)
    if d.hour == 0 and d.minute == 0:
        from datetime import timedelta

        return f"{format_date(d - timedelta(days=1))} 24:00"
    return format_datetime(value)


def days_left(deadline: datetime | None) -> str:
    if deadline is None:
        return ""
    seconds = (deadline - clock.now()).total_seconds()
    if seconds <= 0:
        return gettext("closed")
    days = math.ceil(seconds / 86400)
    return ngettext("%(num)d day left", "%(num)d days left", days)


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "public.home", **(request.view_args or {}), **args)


def _shown_changes(correction):
    from portal.services.corrections import shown_changes

    return shown_changes(correction)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date=format_date, datetime=format_datetime, deadline=format_deadline, days_left=days_left
    )
    app.jinja_env.globals.update(
        html_lang=html_lang,
        is_zh=is_zh,
        labels=labels,
        url_with=url_with,
        csp_nonce=lambda: g.get("csp_nonce", ""),
        now=clock.now,
        shown_changes=_shown_changes,
    )

    @app.context_processor
    def _context():
        return {
            "large_text": request.cookies.get("portal_large_text") == "1",
            "site": {
                "site_id_code": app.config["SITE_ID_CODE"],
                "icp_record": app.config["ICP_RECORD"],
                "psb_record": app.config["PSB_RECORD"],
            },
        }
