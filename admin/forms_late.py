"""Forms of the later stage screens (expert review to changes of a published decision).

Forms check shape only (required, lengths, dates, choices); meaning is checked by
``portal.services.stages`` and ``portal.rules``. Dates and counts accept ASCII digits only
(security.md: full-width digits are not numbers here).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import labels
from portal.models.document import DocumentKind
from portal.models.implementation import DecisionChangeKind
from portal.rules.enums import (
    AdoptionStatus,
    ExpertReviewMethod,
    LegalAdviserRole,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingMaterial,
    MeetingOutcome,
    MeetingType,
    OpinionForm,
    PartyReportKind,
    RiskCategory,
    RiskLevel,
    RiskRecommendation,
)

LONG_TEXT = 20000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_COUNT = re.compile(r"[0-9]{1,5}", re.ASCII)
# Invisible and direction-changing characters that must not reach names (security.md).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean_line(value):
    """Strip, and drop zero-width and bidi control characters (names, references, titles)."""
    if value is None:
        return value
    return _INVISIBLE.sub("", value).strip()


def clean_text(value):
    if value is None:
        return value
    return value.replace("\r\n", "\n").strip()


class PlainDateField(DateField):
    """YYYY-MM-DD in ASCII digits (what <input type=date> sends)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = " ".join(valuelist).strip()
        if not raw:
            self.data = None
            return
        if not _DATE.fullmatch(raw):
            self.data = None
            raise ValueError(self.gettext("Not a valid date value."))
        try:
            self.data = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError as exc:
            self.data = None
            raise ValueError(self.gettext("Not a valid date value.")) from exc


class CountField(StringField):
    """A small non-negative whole number in ASCII digits."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        if raw == "":
            self.data = 0
            return
        if not _COUNT.fullmatch(raw):
            self.data = None
            raise ValueError(_l("Enter a whole number."))
        self.data = int(raw)

    def _value(self):
        return "" if self.data is None else str(self.data)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TriStateField(SelectField):
    """Yes / no / not yet (None)."""

    def __init__(self, label=None, validators=None, *, unknown=None, **kwargs):
        choices = [
            SelectChoice("", unknown or _l("Not yet recorded")),
            SelectChoice("yes", _l("Yes")),
            SelectChoice("no", _l("No")),
        ]
        super().__init__(label, validators, choices=choices, **kwargs)

    def process_data(self, value):
        self.data = {True: "yes", False: "no"}.get(value, "")

    @property
    def value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.data or "")


def _choices(table: dict, *, blank=None) -> list[SelectChoice]:
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(str(k), v) for k, v in table.items()]


def enum_or_none(enum_cls, value):
    return enum_cls(value) if value else None


def not_before(other: str, message):
    def check(form, field):
        earlier = getattr(form, other).data
        if field.data is not None and isinstance(earlier, date) and field.data < earlier:
            raise ValidationError(message)

    return check


CHOOSE = _l("— choose —")
text_opts = {"filters": [clean_text]}
line_opts = {"filters": [clean_line]}


# -- expert review ---------------------------------------------------------------------------------


class ExpertReviewForm(FlaskForm):
    method = SelectField(
        _l("Method"),
        choices=_choices(labels.EXPERT_METHOD, blank=CHOOSE),
        validators=[Optional()],
    )
    review_on = PlainDateField(_l("Review date"), validators=[Optional()])
    professional_technical = BooleanField(_l("Professional or technical item (EXP-2a)"))
    is_complex = BooleanField(
        _l("Broad, contested, especially complex or sensitive item: 7 or more experts (EXP-13c)")
    )
    complexity_reason = TextAreaField(
        _l("Reason for the complexity flag"), validators=[Length(max=LONG_TEXT)], **text_opts
    )
    count_override_reason = TextAreaField(
        _l("Reason for fewer experts than generally required"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )

    def values(self) -> dict:
        return {
            "method": enum_or_none(ExpertReviewMethod, self.method.data),
            "review_on": self.review_on.data,
            "professional_technical": bool(self.professional_technical.data),
            "complexity_reason": self.complexity_reason.data or "",
            "count_override_reason": self.count_override_reason.data or "",
        }


EXPERT_REPORT_LABELS = {
    "necessity_feasibility_soundness": _l("Necessity, feasibility and scientific soundness"),
    "socioeconomic_benefits": _l("Economic and social benefits"),
    "execution_conditions": _l("Conditions for execution"),
    "potential_risks": _l(
        "Possible risks for social stability, public safety, ecology and environment"
    ),
    "countermeasures": _l("Countermeasures for problems implementation may cause"),
    "implementability_and_revision_advice": _l(
        "Whether the plan can be implemented, and suggested revisions"
    ),
    "other_factors": _l("Other relevant factors and advice"),
}


class ExpertReportForm(FlaskForm):
    necessity_feasibility_soundness = TextAreaField(
        EXPERT_REPORT_LABELS["necessity_feasibility_soundness"],
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    socioeconomic_benefits = TextAreaField(
        EXPERT_REPORT_LABELS["socioeconomic_benefits"],
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    execution_conditions = TextAreaField(
        EXPERT_REPORT_LABELS["execution_conditions"],
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    potential_risks = TextAreaField(
        EXPERT_REPORT_LABELS["potential_risks"], validators=[Length(max=LONG_TEXT)], **text_opts
    )
    countermeasures = TextAreaField(
        EXPERT_REPORT_LABELS["countermeasures"], validators=[Length(max=LONG_TEXT)], **text_opts
    )
    implementability_and_revision_advice = TextAreaField(
        EXPERT_REPORT_LABELS["implementability_and_revision_advice"],
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    other_factors = TextAreaField(
        EXPERT_REPORT_LABELS["other_factors"], validators=[Length(max=LONG_TEXT)], **text_opts
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in EXPERT_REPORT_LABELS}


class ExpertForm(FlaskForm):
    name = StringField(
        _l("Name of the expert or institution"),
        validators=[DataRequired(), Length(max=100)],
        **line_opts,
    )
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)], **line_opts)
    is_institution = BooleanField(_l("A professional institution (not a person)"))
    from_pool = BooleanField(_l("Member of the expert pool"), default=True)
    external_reason = TextAreaField(
        _l("Reason for an expert from outside the pool (A22)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    certificate_on = PlainDateField(_l("Appointment certificate date"), validators=[Optional()])
    term_start = PlainDateField(_l("Start of the current term"), validators=[Optional()])
    pledge_signed = BooleanField(_l("Confidentiality pledge signed (EXP-10a)"))
    conflict_declared = TriStateField(
        _l("Conflict of interest declared (EXP-10b)"), unknown=_l("No declaration yet")
    )
    materials_delivered_on = PlainDateField(
        _l("Materials delivered on (EXP-14c)"), validators=[Optional()]
    )
    opinion_form = SelectField(
        _l("Opinion given"),
        choices=_choices(labels.OPINION_FORM, blank=_l("Not yet")),
        validators=[Optional()],
    )
    written_followup = BooleanField(_l("Written follow-up of an oral opinion received (EXP-15a)"))
    signed = BooleanField(_l("Written opinion signed or sealed (PROC-23a)"))
    opinion = TextAreaField(_l("Opinion"), validators=[Length(max=LONG_TEXT)], **text_opts)
    adoption = SelectField(
        _l("Adoption of the opinion"),
        choices=_choices(labels.ADOPTION),
        default=str(AdoptionStatus.PENDING),
    )

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "organisation": self.organisation.data or "",
            "is_institution": bool(self.is_institution.data),
            "from_pool": bool(self.from_pool.data),
            "external_reason": self.external_reason.data or "",
            "certificate_on": self.certificate_on.data,
            "term_start": self.term_start.data,
            "pledge_signed": bool(self.pledge_signed.data),
            "conflict_declared": self.conflict_declared.value,
            "materials_delivered_on": self.materials_delivered_on.data,
            "opinion_form": enum_or_none(OpinionForm, self.opinion_form.data),
            "written_followup": bool(self.written_followup.data),
            "signed": bool(self.signed.data),
            "opinion": self.opinion.data or "",
            "adoption": AdoptionStatus(self.adoption.data),
        }


class RecuseForm(FlaskForm):
    recusal_reason = TextAreaField(
        _l("Reason for the recusal"),
        validators=[DataRequired(), Length(max=LONG_TEXT)],
        **text_opts,
    )
    conflict_declared = BooleanField(_l("The expert declared a conflict of interest"))


# -- risk assessment ---------------------------------------------------------------------------

RISK_REPORT_LABELS = {
    "subject_and_process": _l("What was assessed and how"),
    "opinions_and_adoption": _l("All parties' opinions and how they were adopted"),
    "risk_points": _l("Risk points"),
    "conclusion": _l("Conclusion, including the risk level"),
    "prevention_and_contingency": _l("Prevention measures and contingency plan"),
}


class RiskForm(FlaskForm):
    assessing_body = StringField(
        _l("Assessing body (the unit or a third party with its qualification)"),
        validators=[Length(max=200)],
        **line_opts,
    )
    plan = TextAreaField(
        _l("Assessment work plan (purpose, object, criteria, steps and methods)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    level = SelectField(
        _l("Overall risk level"),
        choices=_choices(labels.RISK_LEVEL, blank=_l("The highest category level (A16)")),
        validators=[Optional()],
    )
    level_override_reason = TextAreaField(
        _l("Reason for an overall level other than the highest category level"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    recommendation = SelectField(
        _l("Recommendation to the decision organ"),
        choices=_choices(labels.RISK_RECOMMENDATION, blank=CHOOSE),
        validators=[Optional()],
    )
    unit_controllable = TriStateField(_l("The unit has made the risk controllable (RISK-11b)"))
    mitigation_measures = TextAreaField(
        _l("Prevention and mitigation measures"), validators=[Length(max=LONG_TEXT)], **text_opts
    )
    stakeholder_participants = CountField(_l("Stakeholder participants (RISK-7a)"))
    department_participants = CountField(_l("Department participants (RISK-7a)"))
    subject_and_process = TextAreaField(
        RISK_REPORT_LABELS["subject_and_process"], validators=[Length(max=LONG_TEXT)], **text_opts
    )
    opinions_and_adoption = TextAreaField(
        RISK_REPORT_LABELS["opinions_and_adoption"],
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    risk_points = TextAreaField(
        RISK_REPORT_LABELS["risk_points"], validators=[Length(max=LONG_TEXT)], **text_opts
    )
    conclusion = TextAreaField(
        RISK_REPORT_LABELS["conclusion"], validators=[Length(max=LONG_TEXT)], **text_opts
    )
    prevention_and_contingency = TextAreaField(
        RISK_REPORT_LABELS["prevention_and_contingency"],
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    plac_submitted_on = PlainDateField(
        _l("Report sent to the Political and Legal Affairs Commission on"),
        validators=[Optional()],
    )
    plac_filed_on = PlainDateField(
        _l("Procedural review and filing completed on"), validators=[Optional()]
    )
    plac_ref = StringField(_l("PLAC filing reference"), validators=[Length(max=100)], **line_opts)
    social_stability_required = BooleanField(
        _l("A social stability risk assessment is required (RISK-5a)"), default=True
    )
    social_stability_not_required_reason = TextAreaField(
        _l("Reason it is not required"), validators=[Length(max=LONG_TEXT)], **text_opts
    )

    def values(self) -> dict:
        return {
            "assessing_body": self.assessing_body.data or "",
            "plan": self.plan.data or "",
            "level": enum_or_none(RiskLevel, self.level.data),
            "level_override_reason": self.level_override_reason.data or "",
            "recommendation": enum_or_none(RiskRecommendation, self.recommendation.data),
            "unit_controllable": self.unit_controllable.value,
            "mitigation_measures": self.mitigation_measures.data or "",
            "stakeholder_participants": self.stakeholder_participants.data or 0,
            "department_participants": self.department_participants.data or 0,
            **{name: getattr(self, name).data or "" for name in RISK_REPORT_LABELS},
            "plac_submitted_on": self.plac_submitted_on.data,
            "plac_filed_on": self.plac_filed_on.data,
            "plac_ref": self.plac_ref.data or "",
            "social_stability_required": bool(self.social_stability_required.data),
            "social_stability_not_required_reason": (
                self.social_stability_not_required_reason.data or ""
            ),
        }


class RiskCategoryForm(FlaskForm):
    category = SelectField(
        _l("Risk category"), choices=_choices(labels.RISK_CATEGORY), validators=[InputRequired()]
    )
    level = SelectField(
        _l("Level"), choices=_choices(labels.RISK_LEVEL), validators=[InputRequired()]
    )
    risk_points = TextAreaField(
        _l("Risk points and sources"), validators=[Length(max=LONG_TEXT)], **text_opts
    )
    covered_by_ref = StringField(
        _l("Already assessed under other rules: reference (A9)"),
        validators=[Length(max=200)],
        **line_opts,
    )

    def values(self) -> dict:
        return {
            "category": RiskCategory(self.category.data),
            "level": RiskLevel(self.level.data),
            "risk_points": self.risk_points.data or "",
            "covered_by_ref": self.covered_by_ref.data or "",
        }


# -- legality review ----------------------------------------------------------------------------

from admin.forms import CorrectionMixin  # noqa: E402
from portal.services.changes import ChangeInput  # noqa: E402
from portal.services.deliberation import MeetingInput, NpcReportInput, PartyReportInput  # noqa: E402
from portal.services.legality import (  # noqa: E402
    AdviserOpinionInput,
    LegalityOpinionInput,
    PointAdoptionInput,
    ReturnInput,
    SubmissionInput,
    SupplementRequest,
)
from portal.services.publication import ExecutionInput, FilingInput, PublicationInput  # noqa: E402


class LegalitySubmitForm(FlaskForm):
    submitted_on = PlainDateField(
        _l("Complete materials submitted on"), validators=[InputRequired()]
    )
    materials = MultiCheckboxField(
        _l("Materials (PROC-29a/b)"), choices=_choices(labels.LEGALITY_MATERIAL)
    )

    def input(self) -> SubmissionInput:
        return SubmissionInput(
            submitted_on=self.submitted_on.data,
            materials=tuple(str(LegalityMaterial(m)) for m in self.materials.data or []),
        )


class SubmissionCorrectionForm(CorrectionMixin, FlaskForm):
    """The legality review department corrects the day it received the complete materials."""

    submitted_on = PlainDateField(
        _l("Complete materials received on"), validators=[InputRequired()]
    )


class PauseForm(FlaskForm):
    requested_on = PlainDateField(_l("Supplement requested on"), validators=[InputRequired()])
    due_on = PlainDateField(
        _l("Supplement due by"),
        validators=[
            Optional(),
            not_before("requested_on", _l("The due date cannot precede the request.")),
        ],
    )
    what = TextAreaField(
        _l("What must be supplemented"),
        validators=[DataRequired(), Length(max=LONG_TEXT)],
        **text_opts,
    )

    def input(self) -> SupplementRequest:
        return SupplementRequest(
            requested_on=self.requested_on.data, what=self.what.data, due_on=self.due_on.data
        )


class PauseReceivedForm(CorrectionMixin, FlaskForm):
    received_on = PlainDateField(_l("Supplement received on"), validators=[InputRequired()])


class AdviserForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=_choices(labels.ADVISER_ROLE), validators=[InputRequired()]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], **line_opts)
    given_on = PlainDateField(_l("Opinion given on"), validators=[InputRequired()])
    opinion = TextAreaField(
        _l("Legal opinion"), validators=[DataRequired(), Length(max=LONG_TEXT)], **text_opts
    )

    def input(self) -> AdviserOpinionInput:
        return AdviserOpinionInput(
            role=LegalAdviserRole(self.role.data),
            name=self.name.data,
            given_on=self.given_on.data,
            opinion=self.opinion.data,
        )


class LegalityOpinionForm(CorrectionMixin, FlaskForm):
    opinion_kind = SelectField(
        _l("Kind of document"),
        choices=_choices(labels.OPINION_KIND),
        default=str(LegalityOpinionKind.LEGALITY_OPINION),
        validators=[InputRequired()],
    )
    opinion_issued_on = PlainDateField(_l("Issued on"), validators=[InputRequired()])
    outcome = SelectField(
        _l("Outcome"),
        choices=_choices(labels.LEGALITY_OUTCOME, blank=CHOOSE),
        validators=[InputRequired()],
    )
    opinion_text = TextAreaField(
        _l("Opinion"), validators=[DataRequired(), Length(max=LONG_TEXT)], **text_opts
    )
    legal_risk_statement = TextAreaField(
        _l("Statement of legal risk (exploratory reform, PROC-28e)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    no_substantive_change_confirmed = BooleanField(
        _l("A later draft version has no substantive change (A11)")
    )
    meeting_override_reason = TextAreaField(
        _l("Reason the meeting may come before 7 review working days (PROC-31a)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )

    def validate_outcome(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the outcome."))

    def input(self) -> LegalityOpinionInput:
        return LegalityOpinionInput(
            opinion_kind=LegalityOpinionKind(self.opinion_kind.data),
            opinion_issued_on=self.opinion_issued_on.data,
            outcome=LegalityOutcome(self.outcome.data),
            opinion_text=self.opinion_text.data,
            legal_risk_statement=self.legal_risk_statement.data or "",
            no_substantive_change_confirmed=bool(self.no_substantive_change_confirmed.data),
            meeting_override_reason=self.meeting_override_reason.data or "",
        )


class ReturnForm(FlaskForm):
    returned_on = PlainDateField(_l("Returned on"), validators=[InputRequired()])
    returned_reason = TextAreaField(
        _l("Why the materials are returned"),
        validators=[DataRequired(), Length(max=LONG_TEXT)],
        **text_opts,
    )

    def input(self) -> ReturnInput:
        return ReturnInput(returned_on=self.returned_on.data, reason=self.returned_reason.data)


class PointForm(FlaskForm):
    text = TextAreaField(
        _l("Point of the opinion"),
        validators=[DataRequired(), Length(max=LONG_TEXT)],
        **text_opts,
    )


class PointAdoptionForm(CorrectionMixin, FlaskForm):
    adoption = SelectField(
        _l("Adoption"), choices=_choices(labels.ADOPTION), validators=[InputRequired()]
    )
    explanation = TextAreaField(
        _l("Written explanation (required when not adopted, PROC-33b)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )

    def input(self) -> PointAdoptionInput:
        return PointAdoptionInput(
            adoption=AdoptionStatus(self.adoption.data), explanation=self.explanation.data or ""
        )


# -- deliberation ----------------------------------------------------------------------------


class MeetingForm(CorrectionMixin, FlaskForm):
    meeting_type = SelectField(
        _l("Meeting"),
        choices=_choices(labels.MEETING_TYPE, blank=CHOOSE),
        validators=[Optional()],
    )
    meeting_on = PlainDateField(_l("Meeting date"), validators=[Optional()])
    materials = MultiCheckboxField(
        _l("Meeting materials (PROC-34a/b)"), choices=_choices(labels.MEETING_MATERIAL)
    )
    outcome = SelectField(
        _l("Decision of the executive head"),
        choices=_choices(labels.MEETING_OUTCOME, blank=_l("Not decided yet")),
        validators=[Optional()],
    )
    minutes = TextAreaField(
        _l("Minutes, with each participant's opinion (PROC-35d)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    dissent = TextAreaField(
        _l("Dissenting opinions, as stated (write “none” if there were none)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    risk_controllable = TriStateField(
        _l("The decision organ judges the risk controllable (PROC-27b)")
    )
    revisions = TextAreaField(
        _l("Revisions required by an approval in principle (A11)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    related_party_attendance = BooleanField(_l("Related-party representatives attended (PART-17a)"))
    related_party_reps = CountField(_l("Number of related-party representatives"))
    related_party_override_reason = TextAreaField(
        _l("Reason for fewer than 3 representatives (PART-17c)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )

    def input(self) -> MeetingInput:
        return MeetingInput(
            meeting_type=enum_or_none(MeetingType, self.meeting_type.data),
            meeting_on=self.meeting_on.data,
            materials=tuple(str(MeetingMaterial(m)) for m in self.materials.data or []),
            outcome=enum_or_none(MeetingOutcome, self.outcome.data),
            minutes=self.minutes.data or "",
            dissent=self.dissent.data or "",
            risk_controllable=self.risk_controllable.value,
            revisions=self.revisions.data or "",
            related_party_attendance=bool(self.related_party_attendance.data),
            related_party_reps=self.related_party_reps.data or 0,
            related_party_override_reason=self.related_party_override_reason.data or "",
        )


class PartyReportForm(CorrectionMixin, FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=_choices(labels.PARTY_REPORT_KIND), validators=[InputRequired()]
    )
    reported_on = PlainDateField(_l("Date"), validators=[InputRequired()])
    ref = StringField(
        _l("Reference number"), validators=[DataRequired(), Length(max=100)], **line_opts
    )

    def input(self) -> PartyReportInput:
        return PartyReportInput(
            kind=PartyReportKind(self.kind.data),
            reported_on=self.reported_on.data,
            ref=self.ref.data,
        )


class NpcReportForm(CorrectionMixin, FlaskForm):
    """PROC-8a: the report to the People's Congress standing committee before issuance."""

    npc_reported_on = PlainDateField(_l("Reported on"), validators=[InputRequired()])
    npc_report_ref = StringField(
        _l("Reference number"), validators=[DataRequired(), Length(max=100)], **line_opts
    )

    def input(self) -> NpcReportInput:
        return NpcReportInput(reported_on=self.npc_reported_on.data, ref=self.npc_report_ref.data)


# -- publication and filing ------------------------------------------------------------------


class PublicationForm(CorrectionMixin, FlaskForm):
    published_on = PlainDateField(
        _l("Published on (earliest official channel, A33)"), validators=[InputRequired()]
    )
    channels = TextAreaField(
        _l("Channels, one per line (gazette, government website, newspaper, new media)"),
        validators=[Length(max=5000)],
        **text_opts,
    )

    def input(self) -> PublicationInput:
        return PublicationInput(
            published_on=self.published_on.data,
            channels=tuple((self.channels.data or "").splitlines()),
        )


class FilingForm(CorrectionMixin, FlaskForm):
    filed_on = PlainDateField(
        _l("Filed with the higher government on"), validators=[InputRequired()]
    )
    filing_ref = StringField(
        _l("Filing platform reference"),
        validators=[DataRequired(), Length(max=100)],
        **line_opts,
    )

    def input(self) -> FilingInput:
        return FilingInput(filed_on=self.filed_on.data, filing_ref=self.filing_ref.data or "")


DOCUMENT_KIND_LABELS = {
    k: v
    for k, v in labels.DOCUMENT_KIND.items()
    if k in (DocumentKind.DECISION_TEXT, DocumentKind.INTERPRETATION, DocumentKind.ADOPTION_REPORT)
}


class DocumentForm(FlaskForm):
    kind = SelectField(
        _l("Document"), choices=_choices(DOCUMENT_KIND_LABELS), validators=[InputRequired()]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], **line_opts)
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=200000)], **text_opts)
    change_note = StringField(
        _l("What changed in this version"), validators=[Length(max=500)], **line_opts
    )


class ExecutionForm(CorrectionMixin, FlaskForm):
    execution_completed_on = PlainDateField(
        _l("Execution completed on (leave empty if not complete)"), validators=[Optional()]
    )

    def input(self) -> ExecutionInput:
        return ExecutionInput(completed_on=self.execution_completed_on.data)


# -- changes (PROC-45) ----------------------------------------------------------------------


class ChangeForm(FlaskForm):
    kind = SelectField(
        _l("Change"), choices=_choices(labels.CHANGE_KIND), validators=[InputRequired()]
    )
    decided_on = PlainDateField(_l("Decided on"), validators=[InputRequired()])
    decided_by_executive_head = BooleanField(_l("Decided by the executive head (PROC-45b)"))
    reason = TextAreaField(
        _l("Reason (Art. 43 situation, urgency, evaluation result)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    collective_decision_ref = StringField(
        _l("Reference of the collective decision (PROC-45a)"),
        validators=[Length(max=100)],
        **line_opts,
    )

    def input(self) -> ChangeInput:
        return ChangeInput(
            kind=DecisionChangeKind(self.kind.data),
            decided_on=self.decided_on.data,
            decided_by_executive_head=bool(self.decided_by_executive_head.data),
            reason=self.reason.data or "",
            collective_decision_ref=self.collective_decision_ref.data or "",
        )
