"""Forms of the early stage screens: initiation, drafting, draft versions, participation and the
unit's own review. They check shape only (types, lengths, closed lists); the statutory rules are
checked by the services (``portal.services.initiation``, ``drafting``, ``participation``,
``internal_review``). A form whose record can be locked carries the correction reason
(``CorrectionMixin``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from admin.forms import CorrectionMixin
from portal import labels
from portal.models.decision import DecisionSource
from portal.models.document import DocumentKind
from portal.models.drafting import DraftingMode
from portal.rules.enums import InitiateDecision, ParticipationMethod, ReviewResult, ScopeExclusion
from portal.services.participation import HAND_RECORDED_METHODS

TEXT_MAX = 20_000  # free-text record fields (opinions, minutes, research)
BODY_MAX = 200_000  # a draft's full text
DATE_MESSAGE = _l("Enter a real date as YYYY-MM-DD.")

DOCUMENT_KIND = {
    k: v
    for k, v in labels.DOCUMENT_KIND.items()
    if k in (DocumentKind.DRAFT, DocumentKind.DRAFTING_EXPLANATION)
}


def optional_int(value):
    """Coerce a select value to an int, "" (nothing chosen) to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def optional_enum(enum):
    def coerce(value):
        if value in (None, ""):
            return None
        return enum(value)

    return coerce


def _date(label, *, required: bool = False):
    validators = [InputRequired()] if required else [Optional()]
    return DateField(
        label, validators=validators, format="%Y-%m-%d", invalid_value_message=DATE_MESSAGE
    )


# -- 1. initiation (PROC-3b, PROC-11, PROC-12a, A7, A42) ------------------------------------------


class InitiationForm(CorrectionMixin, FlaskForm):
    """The initiation record. The gate-switching flags are not on it: they are shown read-only
    and changed by a request the government office confirms (A7, A17, A42)."""

    source = SelectField(_l("Source of the proposal"), validators=[DataRequired()])
    undertaking_unit = SelectField(
        _l("Undertaking unit"), coerce=optional_int, validators=[Optional()]
    )
    co_units = SelectMultipleField(
        _l("Further undertaking units"), coerce=int, validators=[Optional()]
    )
    lead_unit = SelectField(_l("Lead unit"), coerce=optional_int, validators=[Optional()])
    initiate_decision = SelectField(
        _l("Decision of the decision organ"),
        coerce=optional_enum(InitiateDecision),
        validators=[Optional()],
    )
    initiated_on = _date(_l("Date of the decision to initiate"))
    initiation_ref = StringField(_l("Reference of the decision"), validators=[Length(max=100)])
    scope_exclusion = SelectField(
        _l("Excluded type of decision"),
        coerce=optional_enum(ScopeExclusion),
        validators=[Optional()],
    )

    def set_choices(self, departments, locale: str, labels) -> None:
        self.source.choices = [(s.value, str(labels.SOURCE[s])) for s in DecisionSource]
        units = [(d.id, d.display_name(locale)) for d in departments]
        none = [("", "—")]
        self.undertaking_unit.choices = none + units
        self.co_units.choices = units
        self.lead_unit.choices = none + units
        self.initiate_decision.choices = none + [
            (v.value, str(labels.INITIATE[v])) for v in InitiateDecision
        ]
        self.scope_exclusion.choices = [("", str(_l("None of these")))] + [
            (v.value, str(labels.SCOPE_EXCLUSION[v])) for v in ScopeExclusion
        ]


# -- 2. drafting and research (PROC-13..15) -------------------------------------------------------


class DraftingForm(CorrectionMixin, FlaskForm):
    mode = SelectField(_l("Drafting mode"), validators=[DataRequired()])
    entrusted_party = StringField(
        _l("Entrusted expert or institution"), validators=[Length(max=200)]
    )
    research_situation = TextAreaField(
        _l("Current situation and existing problems"), validators=[Length(max=TEXT_MAX)]
    )
    research_necessity = TextAreaField(
        _l("Necessity and feasibility"), validators=[Length(max=TEXT_MAX)]
    )
    research_basis = TextAreaField(
        _l("Legal, regulatory and policy basis"), validators=[Length(max=TEXT_MAX)]
    )
    research_other = TextAreaField(
        _l("Other matters researched"), validators=[Length(max=TEXT_MAX)]
    )
    cost_benefit = TextAreaField(
        _l("Cost-benefit analysis (where needed)"), validators=[Length(max=TEXT_MAX)]
    )
    fair_competition_review_done = BooleanField(
        _l("A fair competition review of the draft was carried out")
    )

    def set_choices(self, labels) -> None:
        self.mode.choices = [(m.value, str(labels.DRAFTING_MODE[m])) for m in DraftingMode]


class UnitConsultationForm(FlaskForm):
    party = StringField(
        _l("Unit or government consulted"), validators=[DataRequired(), Length(max=200)]
    )
    consulted_on = _date(_l("Consulted on"), required=True)
    opinion = TextAreaField(_l("Opinion"), validators=[Length(max=TEXT_MAX)])
    agreed = BooleanField(_l("Agreement reached"), default=True)


class DisputeForm(FlaskForm):
    issues = TextAreaField(
        _l("Main disputed issues"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )
    differing_opinions = TextAreaField(
        _l("Differing opinions"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )
    reasons_and_basis = TextAreaField(
        _l("Their reasons and basis"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )
    referred_on = _date(_l("Referred to the decision organ on"), required=True)


class DisputeResolutionForm(CorrectionMixin, FlaskForm):
    resolution = TextAreaField(
        _l("Resolution by the decision organ"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )
    resolved_on = _date(_l("Resolved on"), required=True)


# -- 3. draft versions ----------------------------------------------------------------------------


class DraftVersionForm(FlaskForm):
    body = TextAreaField(_l("Full text"), validators=[DataRequired(), Length(max=BODY_MAX)])
    change_note = StringField(_l("What changed"), validators=[Length(max=500)])


# -- 4. public participation (PROC-16..20, PART) --------------------------------------------------


class ConsultationForm(CorrectionMixin, FlaskForm):
    title = StringField(_l("Title of the notice"), validators=[DataRequired(), Length(max=200)])
    notice = TextAreaField(_l("Notice text"), validators=[Length(max=TEXT_MAX)])
    opens_on = _date(_l("Publication day (comments open at 00:00 Beijing time)"), required=True)
    closes_on = _date(_l("Last day (comments close at 24:00 Beijing time)"), required=True)
    shortened_reason = TextAreaField(
        _l("Reason for a period shorter than 30 days (published in the notice)"),
        validators=[Length(max=TEXT_MAX)],
    )
    channels = TextAreaField(
        _l("Channels and methods for submitting opinions (one per line)"),
        validators=[Length(max=TEXT_MAX)],
    )
    contact_department = StringField(_l("Contact department"), validators=[Length(max=100)])
    contact_person = StringField(_l("Contact person"), validators=[Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=40)])
    contact_email = StringField(
        _l("Contact email"), validators=[Optional(), Length(max=254), Email()]
    )
    postal_address = StringField(_l("Postal address"), validators=[Length(max=200)])
    draft_version = SelectField(
        _l("Draft version published for comment"), coerce=optional_int, validators=[Optional()]
    )


class ExtensionForm(FlaskForm):
    closes_on = _date(_l("New last day (comments close at 24:00 Beijing time)"), required=True)
    reason = TextAreaField(
        _l("Reason for the extension (published with the notice)"),
        validators=[Length(max=TEXT_MAX)],
    )


class ActivityForm(CorrectionMixin, FlaskForm):
    """An activity with no statutory announcement (hearings and symposiums are run in the
    hearing module, the comment window has its own notice)."""

    # Any participation method passes the form (a hearing or symposium is then refused by the
    # service with its rule, PART-12a / PART-8a); only the hand-recorded kinds are offered.
    method = SelectField(
        _l("Method"),
        coerce=ParticipationMethod,
        validate_choice=False,
        validators=[DataRequired()],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    held_on = _date(_l("Date held (or planned)"), required=True)
    place = StringField(_l("Place"), validators=[Length(max=200)])
    participants = IntegerField(
        _l("Number of participants"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    held = BooleanField(_l("Held"))
    third_party = StringField(_l("Third party conducting it"), validators=[Length(max=200)])
    summary = TextAreaField(
        _l("Summary (published on the decision's page; no personal data)"),
        validators=[Length(max=TEXT_MAX)],
    )

    def set_choices(self, labels) -> None:
        self.method.choices = [
            (m.value, str(labels.PARTICIPATION_METHOD[m])) for m in HAND_RECORDED_METHODS
        ]


class SpecificGroupForm(CorrectionMixin, FlaskForm):
    heard = BooleanField(
        _l("The organisations and representatives of the affected group have been heard")
    )


# -- 5. unit review (PROC-28a) --------------------------------------------------------------------


def _result_field(label):
    return SelectField(label, coerce=optional_enum(ReviewResult), validators=[Optional()])


class InternalLegalReviewForm(CorrectionMixin, FlaskForm):
    internal_legal_review_on = _date(_l("Legality review by the unit's legal office on"))
    internal_legal_review_opinion = TextAreaField(
        _l("Opinion of the legal office"), validators=[Length(max=TEXT_MAX)]
    )
    internal_legal_review_result = _result_field(_l("Result of the legal office's review"))

    def set_choices(self, labels) -> None:
        self.internal_legal_review_result.choices = [("", "—")] + [
            (r.value, str(labels.REVIEW_RESULT[r])) for r in ReviewResult
        ]


class InternalDiscussionForm(CorrectionMixin, FlaskForm):
    internal_discussion_on = _date(_l("Collective discussion of the unit on"))
    internal_discussion_minutes = TextAreaField(
        _l("Minutes of the collective discussion"), validators=[Length(max=TEXT_MAX)]
    )
    internal_discussion_result = _result_field(_l("Result of the collective discussion"))

    def set_choices(self, labels) -> None:
        self.internal_discussion_result.choices = [("", "—")] + [
            (r.value, str(labels.REVIEW_RESULT[r])) for r in ReviewResult
        ]
