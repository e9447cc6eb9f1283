"""Working-day overrides (rules.md A1-A3): official holidays and make-up working days for years
the ``chinese_calendar`` library does not know yet, entered by the government office, and the
mark that a year's schedule is complete (``portal.services.calendar``).

A year the library lacks counts as known only once it is marked complete; every working-day
deadline computed across an unknown year carries the "holiday calendar unknown" warning.
Views parse the form and go through the shared write path (``submit``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from admin import bp
from admin._helpers import input_error, submit, who
from portal import clock
from portal.permissions import Permission, require
from portal.rules.errors import RuleViolation
from portal.services import calendar as service

_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# Zero-width and bidi control characters are stripped from notes (security.md).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(_CONTROL.sub(" ", _INVISIBLE.sub("", text)).split())


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _real_date(form, field) -> None:
    try:
        date.fromisoformat(field.data or "")
    except ValueError:
        raise ValidationError(_("This date does not exist.")) from None


class OverrideForm(FlaskForm):
    # ASCII digits only: full-width digits are refused (security.md), so no DateField.
    day = StringField(
        _l("Date"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the date as YYYY-MM-DD.")),
            Regexp(_ISO_DATE + "$", flags=re.ASCII, message=_l("Enter the date as YYYY-MM-DD.")),
            _real_date,
        ],
    )
    is_working_day = RadioField(
        _l("Is it a working day?"),
        choices=[
            SelectChoice("yes", _l("Yes: a make-up working day")),
            SelectChoice("no", _l("No: a holiday")),
        ],
        validate_choice=True,
        validators=[DataRequired(message=_l("Choose whether the day is a working day."))],
    )
    note = StringField(
        _l("Note (e.g. the State Council notice)"),
        filters=[lambda v: _plain(v)[:200]],
        validators=[Length(max=200)],
    )

    def to_input(self) -> service.OverrideInput:
        return service.OverrideInput(
            day=date.fromisoformat(self.day.data),
            is_working_day=self.is_working_day.data == "yes",
            note=self.note.data or "",
        )


class DeleteForm(FlaskForm):
    override_id = HiddenField(
        validators=[Regexp("[0-9]{1,12}$", flags=re.ASCII, message=_l("Choose an override."))]
    )


class YearCompleteForm(FlaskForm):
    notice_ref = StringField(
        _l("State Council notice (document number)"),
        filters=[lambda v: _plain(v)],
        validators=[Length(max=200)],
    )


class YearReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why the year is reopened"), validators=[Length(max=2000)])


def _page(errors: list[RuleViolation] | None = None, status: int = 200, **forms):
    today = clock.local_today()
    years = service.year_statuses(today)
    return render_template(
        "admin/calendar.html",
        overrides=service.overrides(),
        years=years,
        missing=service.unknown_years(today),
        form=forms.get("form") or OverrideForm(formdata=None),
        complete_form=forms.get("complete_form") or YearCompleteForm(formdata=None),
        reopen_form=forms.get("reopen_form") or YearReopenForm(formdata=None),
        form_year=forms.get("form_year"),
        errors=errors or [],
        today=today,
    ), status


def _back() -> str:
    return url_for("admin.calendar_overrides")


@bp.route("/calendar", methods=["GET", "POST"])
@require(Permission.CALENDAR_MANAGE)
def calendar_overrides():
    if request.method == "GET":
        return _page()
    action = request.form.get("action", "")
    if action == "delete":
        form = DeleteForm()
        if not form.validate():
            return _page([input_error(_("That override no longer exists."))], 404)

        def delete():
            return service.delete_override(int(form.override_id.data), **who())

        return submit(
            delete,
            render=lambda errors, status: _page(errors, status),
            redirect_to=_back(),
            message=_("Override deleted."),
        )
    if action != "add":
        return _page([input_error(_("Choose an action."))], 422)
    form = OverrideForm()
    return submit(
        lambda: service.add_override(form.to_input(), **who()),
        render=lambda errors, status: _page(errors, status, form=form),
        redirect_to=_back(),
        form=form,
        message=_("Override for %(day)s saved.", day=form.day.data or ""),
    )


@bp.post("/calendar/years/<int:year>/complete")
@require(Permission.CALENDAR_MANAGE)
def calendar_year_complete(year: int):
    form = YearCompleteForm()
    return submit(
        lambda: service.mark_year_complete(
            service.YearCompletionInput(year=year, notice_ref=form.notice_ref.data or ""), **who()
        ),
        render=lambda errors, status: _page(errors, status, complete_form=form, form_year=year),
        redirect_to=_back(),
        form=form,
        message=_(
            "The %(year)s holiday schedule is marked complete: deadlines across it are now "
            "certain.",
            year=year,
        ),
    )


@bp.post("/calendar/years/<int:year>/reopen")
@require(Permission.CALENDAR_MANAGE)
def calendar_year_reopen(year: int):
    form = YearReopenForm()
    return submit(
        lambda: service.reopen_year(
            service.YearReopenInput(year=year, reason=form.reason.data or ""), **who()
        ),
        render=lambda errors, status: _page(errors, status, reopen_form=form, form_year=year),
        redirect_to=_back(),
        form=form,
        message=_(
            "The %(year)s holiday schedule is reopened: deadlines across it are marked "
            "uncertain until it is complete again.",
            year=year,
        ),
    )
