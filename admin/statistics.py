"""Statistics for the government office (PROC-10a, SUP-6a): per department and year, with an
XLSX export (cells neutralised by ``portal.services.exports``)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from portal import clock, labels
from portal.extensions import db
from portal.models.org import Government
from portal.permissions import Permission, require
from portal.services import exports
from portal.services import statistics as service
from portal.services import supervision as supervision_service


def _year(default: int) -> int:
    raw = request.args.get("year", "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2021 <= int(raw) <= default + 1:
        return int(raw)
    return default


def _context():
    today = clock.local_today()
    gov = db.session.get(Government, current_user.government_id)
    years = service.years(gov.id) or [today.year]
    year = _year(years[0] if today.year not in years else today.year)
    rows = service.department_figures(gov.id, year, today)
    return gov, year, years, rows, today


@bp.get("/statistics")
@require(Permission.STATISTICS_VIEW)
def statistics():
    gov, year, years, rows, today = _context()
    return render_template(
        "admin/statistics/index.html",
        gov=gov,
        year=year,
        years=years,
        rows=rows,
        total=service.total(rows),
        stages=service.STAGES_SHOWN,
        overdue=[
            o
            for o in supervision_service.overdue_tracking(gov.id, today)
            if o.slot.month.year == year
        ],
    )


@bp.get("/statistics.xlsx")
@require(Permission.STATISTICS_VIEW)
def statistics_export():
    gov, year, _years, rows, today = _context()
    headers = {
        "department": _("Department"),
        "decisions": _("Decisions"),
        "deadlines_met": _("Deadlines met"),
        "deadlines_missed": _("Deadlines missed"),
        "consultations": _("Consultations"),
        "short_consultations": _("Consultations shorter than 30 days"),
        "opinions_received": _("Opinions received"),
        "opinions_adopted": _("Opinions adopted (fully or partly)"),
        "overdue_tracking": _("Overdue tracking entries"),
        "total": _("Total"),
        "figures_sheet": _("Figures"),
        "overdue_sheet": _("Overdue tracking entries"),
        "decision": _("Decision"),
        "task": _("Task"),
        "month": _("Month"),
        "due": _("Due"),
    }
    from portal.i18n import is_zh

    locale = "zh" if is_zh() else "en"
    sheets = service.sheets(
        rows,
        labels=headers,
        stage_labels={k: str(v) for k, v in labels.STAGE.items()},
        unit_name=lambda d: d.display_name(locale) if d is not None else _("No undertaking unit"),
        overdue=[
            o
            for o in supervision_service.overdue_tracking(gov.id, today)
            if o.slot.month.year == year
        ],
    )
    name = f"{gov.display_name(locale)}-{year}-{_('statistics')}.xlsx"
    return exports.download(exports.to_xlsx(sheets), name, "xlsx")
