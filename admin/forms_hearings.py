"""Forms of the hearing and symposium screens. They check shape only; the rules (PART-12a,
PART-12b, PROC-19c, PART-8b, PART-13b, PART-16a) are checked by the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.services.hearings import (
    DeliveryMethod,
    HearingKind,
    RecordConfirmation,
    SelectionMethod,
)

TEXT_MAX = 20_000
DATE_MESSAGE = _l("Enter a real date as YYYY-MM-DD.")
SIDES_MAX = 20


def _date(label, *, required: bool = False):
    validators = [InputRequired()] if required else [Optional()]
    return DateField(
        label, validators=validators, format="%Y-%m-%d", invalid_value_message=DATE_MESSAGE
    )


def optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class HearingForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    activity = SelectField(
        _l("Participation activity it records"), coerce=optional_int, validate_choice=True
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    subject = TextAreaField(_l("Subject (what it is about)"), validators=[Length(max=TEXT_MAX)])
    starts_on = _date(_l("Date"), required=True)
    starts_time = TimeField(_l("Starts at"), validators=[InputRequired()], format="%H:%M")
    ends_time = TimeField(_l("Ends at"), validators=[Optional()], format="%H:%M")
    place = StringField(_l("Place"), validators=[Length(max=200)])
    seats = IntegerField(
        _l("Number of participants"), validators=[InputRequired(), NumberRange(min=1, max=10_000)]
    )
    selection_method = SelectField(_l("How participants are chosen"), validators=[DataRequired()])
    selection_rules = TextAreaField(_l("Selection rules"), validators=[Length(max=TEXT_MAX)])
    sides = TextAreaField(_l("Stakeholder sides to be represented"), validators=[Length(max=2000)])
    registration_method = TextAreaField(_l("How to register"), validators=[Length(max=TEXT_MAX)])
    contact_info = TextAreaField(_l("Contact"), validators=[Length(max=TEXT_MAX)])
    other_matters = TextAreaField(_l("Other matters"), validators=[Length(max=TEXT_MAX)])
    registration_opens_on = _date(_l("Registration opens on"))
    registration_closes_on = _date(_l("Registration closes at the end of"))
    requires_id_number = BooleanField(_l("Participants must give their resident ID number"))
    held_publicly = BooleanField(_l("Held in public (observers and press allowed)"), default=True)
    materials_note = TextAreaField(
        _l("Materials besides the draft and its explanation"), validators=[Length(max=TEXT_MAX)]
    )

    def set_choices(self, labels: dict, activities: list) -> None:
        self.kind.choices = [(k.value, str(labels["kind"][k])) for k in HearingKind]
        self.selection_method.choices = [
            (m.value, str(labels["method"][m])) for m in SelectionMethod
        ]
        self.activity.choices = [(None, str(_l("Create a new activity record")))] + [
            (a.id, f"{a.held_on.isoformat()} {a.title}") for a in activities
        ]

    def _sides(self) -> tuple[list[tuple[str, int]] | None, str]:
        out: list[tuple[str, int]] = []
        for raw in (self.sides.data or "").splitlines():
            line = " ".join(raw.replace("＝", "=").split())
            if not line:
                continue
            name, _sep, seats = line.partition("=")
            name, seats = name.strip(), seats.strip()
            if not name or len(name) > 60 or (seats and not (seats.isascii() and seats.isdigit())):
                return None, str(_l('Write one side per line, optionally "name = seats".'))
            out.append((name, int(seats) if seats else 0))
        if len(out) > SIDES_MAX:
            return None, str(_l("List at most 20 sides."))
        return out, ""

    def validate_sides(self, field) -> None:
        """One side per line, "name" or "name = seats" (checked with the rest of the form)."""
        sides, problem = self._sides()
        if sides is None:
            raise ValidationError(problem)

    def parsed_sides(self) -> list[tuple[str, int]]:
        """The declared sides (call after the form validated)."""
        return self._sides()[0] or []


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    stakeholder_side = SelectField(_l("Stakeholder side"), validate_choice=False)
    reason = TextAreaField(_l("Why this participant is invited"), validators=[Length(max=2000)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    contact_email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    publish_name_consent = BooleanField(_l("The participant agrees to publish the name"))


class DeliveryForm(FlaskForm):
    method = SelectField(_l("How the materials were delivered"), validators=[DataRequired()])
    delivered_on = _date(_l("Delivered on"), required=True)

    def set_choices(self, labels: dict) -> None:
        self.method.choices = [(m.value, str(labels[m])) for m in DeliveryMethod]


class RecordForm(FlaskForm):
    record_text = TextAreaField(_l("Hearing record"), validators=[Length(max=100_000)])


class ConfirmationForm(FlaskForm):
    confirmation = SelectField(_l("Record"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=500)])

    def set_choices(self, labels: dict) -> None:
        self.confirmation.choices = [(c.value, str(labels[c])) for c in RecordConfirmation]


class ReportForm(FlaskForm):
    basic_info = TextAreaField(_l("How the hearing went"), validators=[Length(max=TEXT_MAX)])
    main_opinions = TextAreaField(
        _l("The participants' main opinions"), validators=[Length(max=TEXT_MAX)]
    )
    other = TextAreaField(
        _l("Other matters and recommendations"), validators=[Length(max=TEXT_MAX)]
    )


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class CheckInForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[Length(max=40)])
