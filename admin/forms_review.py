"""Forms of the expert review and risk assessment screens (PROC-21..27, EXP, RISK).

Forms check shape only (required, lengths, dates, choices) and build the typed inputs of
``portal.services.expert_review`` and ``portal.services.risk``, which check the meaning. Every
form carries the correction reason (``CorrectionMixin``): once a record is locked the screen
offers the same form to the undertaking unit, which corrects it with a reason.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin.forms import CorrectionMixin
from admin.forms_late import (
    CHOOSE,
    LONG_TEXT,
    CountField,
    PlainDateField,
    TriStateField,
    _choices,
    enum_or_none,
    line_opts,
    text_opts,
)
from portal import labels
from portal.rules.enums import (
    AdoptionStatus,
    ExpertReviewMethod,
    OpinionForm,
    PlacReviewResult,
    RiskCategory,
    RiskLevel,
    RiskRecommendation,
)
from portal.services.expert_review import (
    ExpertWork,
    OutsideExpertInput,
    RecusalInput,
    ReportInput,
    ReviewInput,
)
from portal.services.risk import CategoryInput, PlacInput, RiskInput, RiskNoticeInput

# -- expert review ---------------------------------------------------------------------------------


class ExpertReviewForm(CorrectionMixin, FlaskForm):
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

    def data_input(self) -> ReviewInput:
        return ReviewInput(
            method=enum_or_none(ExpertReviewMethod, self.method.data),
            review_on=self.review_on.data,
            professional_technical=bool(self.professional_technical.data),
            is_complex=bool(self.is_complex.data),
            complexity_reason=self.complexity_reason.data or "",
            count_override_reason=self.count_override_reason.data or "",
        )


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


def _report_field(name: str) -> TextAreaField:
    return TextAreaField(
        EXPERT_REPORT_LABELS[name], validators=[Length(max=LONG_TEXT)], **text_opts
    )


class ExpertReportForm(CorrectionMixin, FlaskForm):
    necessity_feasibility_soundness = _report_field("necessity_feasibility_soundness")
    socioeconomic_benefits = _report_field("socioeconomic_benefits")
    execution_conditions = _report_field("execution_conditions")
    potential_risks = _report_field("potential_risks")
    countermeasures = _report_field("countermeasures")
    implementability_and_revision_advice = _report_field("implementability_and_revision_advice")
    other_factors = _report_field("other_factors")

    def data_input(self) -> ReportInput:
        return ReportInput({name: getattr(self, name).data or "" for name in EXPERT_REPORT_LABELS})


class ExpertWorkForm(CorrectionMixin, FlaskForm):
    """What one expert did for this consultation. For a pool member this is the whole form:
    the name, term and pledge come from the pool record (EXP-13a)."""

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

    def work(self) -> ExpertWork:
        return ExpertWork(
            conflict_declared=self.conflict_declared.value,
            materials_delivered_on=self.materials_delivered_on.data,
            opinion_form=enum_or_none(OpinionForm, self.opinion_form.data),
            written_followup=bool(self.written_followup.data),
            signed=bool(self.signed.data),
            opinion=self.opinion.data or "",
            adoption=AdoptionStatus(self.adoption.data or AdoptionStatus.PENDING),
        )


class OutsideExpertForm(ExpertWorkForm):
    """A22: an expert or institution from outside the pool, with the reason for it."""

    name = StringField(
        _l("Name of the expert or institution"),
        validators=[DataRequired(), Length(max=100)],
        **line_opts,
    )
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)], **line_opts)
    is_institution = BooleanField(_l("A professional institution (not a person)"))
    external_reason = TextAreaField(
        _l("Why an expert or institution from outside the pool (A22)"),
        validators=[Length(max=LONG_TEXT)],
        **text_opts,
    )
    pledge_signed = BooleanField(_l("Confidentiality pledge signed (EXP-10a)"))

    def data_input(self) -> OutsideExpertInput:
        return OutsideExpertInput(
            name=self.name.data or "",
            organisation=self.organisation.data or "",
            is_institution=bool(self.is_institution.data),
            external_reason=self.external_reason.data or "",
            pledge_signed=bool(self.pledge_signed.data),
            work=self.work(),
        )


class RecuseForm(CorrectionMixin, FlaskForm):
    recusal_reason = TextAreaField(
        _l("Reason for the recusal"),
        validators=[DataRequired(), Length(max=LONG_TEXT)],
        **text_opts,
    )
    conflict_declared = BooleanField(_l("The expert declared a conflict of interest"))

    def data_input(self) -> RecusalInput:
        return RecusalInput(
            reason=self.recusal_reason.data or "",
            conflict_declared=bool(self.conflict_declared.data),
        )


# -- risk assessment ---------------------------------------------------------------------------

RISK_REPORT_LABELS = {
    "subject_and_process": _l("What was assessed and how"),
    "opinions_and_adoption": _l("All parties' opinions and how they were adopted"),
    "risk_points": _l("Risk points"),
    "conclusion": _l("Conclusion, including the risk level"),
    "prevention_and_contingency": _l("Prevention measures and contingency plan"),
}


def _risk_part(name: str) -> TextAreaField:
    return TextAreaField(RISK_REPORT_LABELS[name], validators=[Length(max=LONG_TEXT)], **text_opts)


class RiskForm(CorrectionMixin, FlaskForm):
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
    subject_and_process = _risk_part("subject_and_process")
    opinions_and_adoption = _risk_part("opinions_and_adoption")
    risk_points = _risk_part("risk_points")
    conclusion = _risk_part("conclusion")
    prevention_and_contingency = _risk_part("prevention_and_contingency")

    def data_input(self) -> RiskInput:
        return RiskInput(
            assessing_body=self.assessing_body.data or "",
            plan=self.plan.data or "",
            level=enum_or_none(RiskLevel, self.level.data),
            level_override_reason=self.level_override_reason.data or "",
            recommendation=enum_or_none(RiskRecommendation, self.recommendation.data),
            unit_controllable=self.unit_controllable.value,
            mitigation_measures=self.mitigation_measures.data or "",
            stakeholder_participants=self.stakeholder_participants.data or 0,
            department_participants=self.department_participants.data or 0,
            report={name: getattr(self, name).data or "" for name in RISK_REPORT_LABELS},
        )


class PlacForm(CorrectionMixin, FlaskForm):
    """RISK-12b: the procedural review and filing by the Political and Legal Affairs
    Commission of the same level (A18: every risk report)."""

    plac_submitted_on = PlainDateField(
        _l("Report sent to the Political and Legal Affairs Commission on"),
        validators=[Optional()],
    )
    plac_review_result = SelectField(
        _l("Result of the procedural review"),
        choices=_choices(labels.PLAC_REVIEW_RESULT, blank=_l("Not yet")),
        validators=[Optional()],
    )
    plac_filed_on = PlainDateField(
        _l("Date of the result (filing completed or report returned)"), validators=[Optional()]
    )
    plac_ref = StringField(_l("PLAC filing reference"), validators=[Length(max=100)], **line_opts)

    def data_input(self) -> PlacInput:
        return PlacInput(
            submitted_on=self.plac_submitted_on.data,
            review_result=enum_or_none(PlacReviewResult, self.plac_review_result.data),
            filed_on=self.plac_filed_on.data,
            ref=self.plac_ref.data or "",
        )


class RiskNoticeForm(CorrectionMixin, FlaskForm):
    """RISK-9c: the optional public notice (公示) of the risk investigation."""

    notice_title = StringField(
        _l("Title of the public notice"), validators=[Length(max=200)], **line_opts
    )
    notice_text = TextAreaField(
        _l("Text of the public notice"), validators=[Length(max=LONG_TEXT)], **text_opts
    )
    notice_opens_on = PlainDateField(_l("Public notice from"), validators=[Optional()])
    notice_closes_on = PlainDateField(_l("Public notice until"), validators=[Optional()])
    notice_contact = StringField(
        _l("Contact of the undertaking unit for the notice (shown publicly)"),
        validators=[Length(max=200)],
        **line_opts,
    )

    def data_input(self) -> RiskNoticeInput:
        return RiskNoticeInput(
            title=self.notice_title.data or "",
            text=self.notice_text.data or "",
            opens_on=self.notice_opens_on.data,
            closes_on=self.notice_closes_on.data,
            contact=self.notice_contact.data or "",
        )


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

    def data_input(self) -> CategoryInput:
        return CategoryInput(
            category=RiskCategory(self.category.data),
            level=RiskLevel(self.level.data),
            risk_points=self.risk_points.data or "",
            covered_by_ref=self.covered_by_ref.data or "",
        )
