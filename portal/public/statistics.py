"""The public statistics page (PROC-10a): the same figures as the office's, for the whole
government, non-disclosable items left out (A7). Charts are SVG drawn on the server, with the
numbers in a table next to them (ui.md)."""

from __future__ import annotations

from flask import abort, render_template, request

from portal import clock
from portal.models.org import Government
from portal.public import bp
from portal.public.cache import cached_page
from portal.rules.stages import STAGE_ORDER, Stage
from portal.rules.workdays import local_date
from portal.services import statistics as service

CHART_STAGES: tuple[Stage, ...] = (*STAGE_ORDER, Stage.REJECTED, Stage.SUSPENDED, Stage.TERMINATED)


def bars(values: list[tuple[str, int]], width: int = 480, row: int = 26) -> dict:
    """Geometry of a horizontal bar chart: one bar per (label, value)."""
    top = max([v for _, v in values] + [1])
    label_w = 150
    span = width - label_w - 50
    items = [
        {
            "label": label,
            "value": value,
            "y": i * row,
            "w": round(span * value / top) if value else 0,
        }
        for i, (label, value) in enumerate(values)
    ]
    return {
        "items": items,
        "height": row * len(values),
        "width": width,
        "label_w": label_w,
        "row": row,
    }


@bp.get("/statistics")
@cached_page
def statistics_page():
    from sqlalchemy import select

    from portal.extensions import db
    from portal.labels import STAGE

    slug = request.args.get("gov", "chifeng").strip()
    if not (slug.isascii() and slug.replace("-", "").isalnum()):
        abort(404)
    gov = db.session.scalar(select(Government).where(Government.slug == slug))
    if gov is None:
        abort(404)
    today = local_date(clock.now())
    years = service.years(gov.id, public_only=True) or [today.year]
    raw = request.args.get("year", "").strip()
    year = (
        int(raw)
        if raw.isascii() and raw.isdigit() and int(raw) in years
        else (today.year if today.year in years else years[0])
    )
    figures = service.government_summary(gov.id, year, today)
    stage_chart = bars([(str(STAGE[s]), figures.by_stage[s]) for s in CHART_STAGES])
    return render_template(
        "public/statistics.html",
        gov=gov,
        governments=service.governments(),
        year=year,
        years=years,
        f=figures,
        stages=CHART_STAGES,
        stage_chart=stage_chart,
        deadline_chart=bars(
            [
                (str(_label("met")), figures.deadlines_met),
                (str(_label("missed")), figures.deadlines_missed),
            ]
        ),
    )


def _label(which: str):
    from flask_babel import gettext as _

    return _("Deadlines met") if which == "met" else _("Deadlines missed")
