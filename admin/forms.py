"""Back-office forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    next = HiddenField()


# -- corrections and gate-switching flags (portal.services.corrections) --------------------------

from wtforms import RadioField, SelectChoice, SelectField, TextAreaField  # noqa: E402


class CorrectionMixin:
    """The reason field of a correction form: a stage screen whose record is locked shows its
    form with this field, and the service is called with ``correction=<reason>``."""

    correction_reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[Length(max=5000)],
        description=_l("Required to correct an issued record; it is kept with the correction."),
    )


class FlagRequestForm(FlaskForm):
    flag = SelectField(_l("Flag"), validators=[DataRequired()])
    value = RadioField(
        _l("Change to"),
        choices=[SelectChoice("1", _l("Set")), SelectChoice("0", _l("Clear"))],
        validators=[DataRequired()],
    )
    basis = TextAreaField(_l("Legal basis (for a non-disclosure)"), validators=[Length(max=5000)])
    reason = TextAreaField(_l("Why the flag should change"), validators=[Length(max=5000)])


class FlagDecisionForm(FlaskForm):
    note = TextAreaField(_l("Note (required to reject)"), validators=[Length(max=5000)])
