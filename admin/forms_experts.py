"""Forms of the expert pool screens (EXP). Shape only; meaning is checked by
``portal.services.expert_pool`` (the enums are imported from there, never from the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from admin.forms_catalog import optional_int
from admin.forms_late import CountField, MultiCheckboxField, PlainDateField, clean_line, clean_text
from portal import labels
from portal.services.expert_pool import (
    AssessmentResult,
    DismissalReason,
    FeedbackRating,
    NominationChannel,
    PoolSource,
    Qualification,
    SelectionMethod,
    SourceOrgType,
    TitleLevel,
)

TEXT_MAX = 5000


class ExpertProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=60)], filters=[clean_line])
    organisation = StringField(
        _l("Organisation"), validators=[Length(max=200)], filters=[clean_line]
    )
    position = StringField(_l("Position"), validators=[Length(max=100)], filters=[clean_line])
    source_org_type = SelectField(_l("Source (EXP-6a)"), choices=[], validators=[DataRequired()])
    nomination_channel = SelectField(
        _l("Nomination (EXP-8a)"), choices=[], validators=[DataRequired()]
    )
    professional_title = StringField(
        _l("Professional title"), validators=[Length(max=100)], filters=[clean_line]
    )
    title_level = SelectField(_l("Title level"), choices=[], validators=[DataRequired()])
    influence_justification = TextAreaField(
        _l("Influence and reputation in the field (without a senior title)"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )
    specialty = TextAreaField(
        _l("Fields of expertise"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )
    group_ids = MultiCheckboxField(_l("Groups (EXP-5a)"), coerce=int, choices=[])
    phone = StringField(_l("Phone (private)"), validators=[Length(max=40)], filters=[clean_line])
    id_number = StringField(
        _l("Resident ID number (private)"), validators=[Length(max=40)], filters=[clean_line]
    )
    email = StringField(_l("E-mail (private)"), validators=[Length(max=254)], filters=[clean_line])

    def set_choices(self, groups, locale: str) -> None:
        self.source_org_type.choices = [
            (s.value, labels.EXPERT_SOURCE_ORG[s]) for s in SourceOrgType
        ]
        self.nomination_channel.choices = [
            (n.value, labels.EXPERT_NOMINATION[n]) for n in NominationChannel
        ]
        self.title_level.choices = [(t.value, labels.EXPERT_TITLE_LEVEL[t]) for t in TitleLevel]
        self.group_ids.choices = [(g.id, g.display_name(locale)) for g in groups]

    def values(self) -> dict:
        return {
            "name": self.name.data or "",
            "organisation": self.organisation.data or "",
            "position": self.position.data or "",
            "source_org_type": SourceOrgType(self.source_org_type.data),
            "nomination_channel": NominationChannel(self.nomination_channel.data),
            "professional_title": self.professional_title.data or "",
            "title_level": TitleLevel(self.title_level.data),
            "influence_justification": self.influence_justification.data or "",
            "specialty": self.specialty.data or "",
            "group_ids": list(self.group_ids.data or []),
            "phone": self.phone.data or "",
            "id_number": self.id_number.data or "",
            "email": self.email.data or "",
        }


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[Length(max=60)], filters=[clean_line])
    name_en = StringField(
        _l("English name (optional)"), validators=[Length(max=100)], filters=[clean_line]
    )


class PoolSourceForm(FlaskForm):
    source = SelectField(_l("Experts are selected from"), choices=[])

    def set_choices(self) -> None:
        self.source.choices = [(s.value, labels.EXPERT_POOL_SOURCE[s]) for s in PoolSource]


class StepForm(FlaskForm):
    on = PlainDateField(_l("Date"), validators=[Optional()])
    ref = StringField(_l("Reference or number"), validators=[Length(max=100)], filters=[clean_line])
    qualifications = MultiCheckboxField(_l("Conditions confirmed (EXP-7a)"), choices=[])

    def set_choices(self) -> None:
        self.qualifications.choices = [
            (q.value, labels.EXPERT_QUALIFICATION[q]) for q in Qualification
        ]


class ConflictForm(FlaskForm):
    decision_id = SelectField(_l("Decision concerned"), coerce=optional_int, choices=[])
    department_id = SelectField(
        _l("Or: department whose decisions are concerned"), coerce=optional_int, choices=[]
    )
    description = TextAreaField(
        _l("The interest"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )
    declared_on = PlainDateField(_l("Declared on"), validators=[Optional()])


class FeedbackForm(FlaskForm):
    decision_id = SelectField(_l("Decision"), coerce=optional_int, choices=[])
    rating = SelectField(_l("Rating"), choices=[])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=TEXT_MAX)], filters=[clean_text])
    given_on = PlainDateField(_l("Date"), validators=[Optional()])

    def set_choices(self, decisions) -> None:
        self.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in decisions]
        self.rating.choices = [(r.value, labels.EXPERT_FEEDBACK[r]) for r in FeedbackRating]


class AssessmentForm(FlaskForm):
    year = CountField(_l("Year assessed"), validators=[DataRequired()])
    result = SelectField(_l("Result"), choices=[])
    summary = TextAreaField(
        _l("Summary, with the units' feedback"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )

    def set_choices(self) -> None:
        self.result.choices = [(r.value, labels.EXPERT_ASSESSMENT[r]) for r in AssessmentResult]


class RenewalForm(FlaskForm):
    renewed_on = PlainDateField(_l("New certificate date"), validators=[Optional()])
    certificate_no = StringField(
        _l("Certificate number"), validators=[Length(max=60)], filters=[clean_line]
    )
    work_need = BooleanField(_l("There is a work need (EXP-11b)"))
    still_qualified = BooleanField(_l("Still meets the conditions of EXP-7a"))


class DisqualificationForm(FlaskForm):
    """PROC-49a: 取消评估资格, with the breach and its consequences."""

    disqualification_note = TextAreaField(
        _l("Breach and its serious consequences (PROC-49a)"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )
    disqualified_on = PlainDateField(_l("Disqualified on"), validators=[Optional()])


class DismissalForm(FlaskForm):
    dismissal_reason = SelectField(_l("Reason (EXP-12b)"), choices=[])
    dismissal_note = TextAreaField(
        _l("Note"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )
    dismissed_on = PlainDateField(_l("Dismissed on"), validators=[Optional()])

    def set_choices(self) -> None:
        self.dismissal_reason.choices = [("", "—")] + [
            (r.value, labels.EXPERT_DISMISSAL_REASON[r]) for r in DismissalReason
        ]


class SelectionForm(FlaskForm):
    method = SelectField(_l("Method"), choices=[])
    groups = MultiCheckboxField(_l("Expert groups"), choices=[])
    count = CountField(_l("Number of experts to select"))
    seed = StringField(
        _l("Seed of the draw (optional; generated when empty)"),
        validators=[Length(max=64)],
        filters=[clean_line],
    )
    chosen = MultiCheckboxField(_l("Experts chosen by hand"), coerce=int, choices=[])
    reason = TextAreaField(
        _l("Reason for a manual choice"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )
    override_reason = TextAreaField(
        _l("Reason for fewer experts than generally required (A4)"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )

    def set_choices(self, groups, eligible, locale: str) -> None:
        self.method.choices = [
            (m.value, labels.EXPERT_SELECTION_METHOD[m]) for m in SelectionMethod
        ]
        self.groups.choices = [(g.code, g.display_name(locale)) for g in groups]
        self.chosen.choices = [(m.id, m.name) for m in eligible]
