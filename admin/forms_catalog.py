"""Forms of the annual catalog screens (CAT). Shape only: required fields, lengths, dates and
choices; the workflow rules are checked by ``portal.services.catalog_workflow``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from admin.forms_late import CountField, PlainDateField, clean_line, clean_text
from portal import labels
from portal.rules.enums import CatalogAdjustmentType
from portal.rules.stages import Category
from portal.services.catalog_workflow import EntryOrigin

TEXT_MAX = 5000


def optional_int(value):
    if value in (None, "", "None"):
        return None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _categories():
    return [(c.value, labels.CATEGORY[c]) for c in Category]


class OpenCatalogForm(FlaskForm):
    year = CountField(_l("Year of the catalog"), validators=[DataRequired()])
    solicited_on = PlainDateField(_l("Departments asked on"), validators=[Optional()])
    submissions_due_on = PlainDateField(
        _l("Submissions due by (31 January at the latest)"), validators=[Optional()]
    )
    solicitation_ref = StringField(
        _l("Solicitation form reference"), validators=[Length(max=100)], filters=[clean_line]
    )
    solicitation_recipients = TextAreaField(
        _l("Recipients"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )
    public_suggestions_until = PlainDateField(
        _l("Invite the public to suggest items until (optional)"), validators=[Optional()]
    )

    def values(self) -> dict:
        return {
            "solicited_on": self.solicited_on.data,
            "submissions_due_on": self.submissions_due_on.data,
            "solicitation_ref": self.solicitation_ref.data or "",
            "solicitation_recipients": self.solicitation_recipients.data or "",
            "public_suggestions_until": self.public_suggestions_until.data,
        }


class _EntryFields(FlaskForm):
    title = StringField(_l("Decision item"), validators=[Length(max=200)], filters=[clean_line])
    category = SelectField(_l("Category"), choices=[], validators=[DataRequired()])
    schedule = StringField(
        _l("Decision schedule"), validators=[Length(max=100)], filters=[clean_line]
    )
    planned_start_on = PlainDateField(_l("Planned start"), validators=[Optional()])
    planned_decision_on = PlainDateField(_l("Planned decision"), validators=[Optional()])
    summary = TextAreaField(
        _l("Brief description"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )
    basis = TextAreaField(_l("Basis"), validators=[Length(max=TEXT_MAX)], filters=[clean_text])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = _categories()


class SubmissionForm(_EntryFields):
    department_id = SelectField(_l("Submitting department"), coerce=optional_int, choices=[])
    legality_review_passed = BooleanField(
        _l("Passed by the department's own legality review body (CAT-8c)")
    )
    legality_review_on = PlainDateField(_l("Legality review passed on"), validators=[Optional()])
    legality_review_ref = StringField(
        _l("Legality review reference"), validators=[Length(max=100)], filters=[clean_line]
    )
    scope_confirmed = BooleanField(
        _l("Not a macro-control, legislative or emergency-response decision (PROC-3b)")
    )
    npc_cppcc = BooleanField(_l("From a deputy's suggestion or a CPPCC proposal (CAT-9a)"))
    npc_cppcc_ref = StringField(
        _l("Suggestion or proposal number"), validators=[Length(max=100)], filters=[clean_line]
    )

    def values(self) -> dict:
        return {
            "title": self.title.data or "",
            "category": Category(self.category.data),
            "schedule": self.schedule.data or "",
            "planned_start_on": self.planned_start_on.data,
            "planned_decision_on": self.planned_decision_on.data,
            "summary": self.summary.data or "",
            "basis": self.basis.data or "",
            "legality_review_passed": bool(self.legality_review_passed.data),
            "legality_review_on": self.legality_review_on.data,
            "legality_review_ref": self.legality_review_ref.data or "",
            "scope_confirmed": bool(self.scope_confirmed.data),
            "npc_cppcc": bool(self.npc_cppcc.data),
            "npc_cppcc_ref": self.npc_cppcc_ref.data or "",
        }


class EntryForm(_EntryFields):
    undertaking_unit_id = SelectField(_l("Undertaking unit"), coerce=optional_int, choices=[])
    deputy_head = StringField(
        _l("Deputy head in charge (CAT-12a)"), validators=[Length(max=60)], filters=[clean_line]
    )
    origin = SelectField(_l("Origin"), choices=[])
    dept_legality_review_passed = BooleanField(
        _l("Passed by the department's own legality review body (CAT-8c)")
    )
    non_disclosable = BooleanField(_l("Not to be disclosed according to law (A7)"))
    decision_id = SelectField(_l("Decision procedure"), coerce=optional_int, choices=[])

    def set_choices(self, departments, decisions, locale: str) -> None:
        self.undertaking_unit_id.choices = [("", "—")] + [
            (d.id, d.display_name(locale)) for d in departments
        ]
        self.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in decisions]
        self.origin.choices = [(o.value, labels_origin()[o]) for o in EntryOrigin]

    def values(self) -> dict:
        return {
            "title": self.title.data or "",
            "category": Category(self.category.data),
            "undertaking_unit_id": self.undertaking_unit_id.data,
            "schedule": self.schedule.data or "",
            "planned_start_on": self.planned_start_on.data,
            "planned_decision_on": self.planned_decision_on.data,
            "summary": self.summary.data or "",
            "basis": self.basis.data or "",
            "non_disclosable": bool(self.non_disclosable.data),
            "decision_id": self.decision_id.data,
            "origin": EntryOrigin(self.origin.data),
            "dept_legality_review_passed": bool(self.dept_legality_review_passed.data),
            "deputy_head": self.deputy_head.data or "",
        }


def labels_origin():
    return labels.CATALOG_ORIGIN


class AdjustmentForm(EntryForm):
    origin = None  # an item added by an adjustment is listed by the office (CAT-16a)
    dept_legality_review_passed = None
    deputy_head = None  # CAT-16a: the government approves an adjustment (no deputy review)
    kind = SelectField(_l("Kind of adjustment"), choices=[])
    entry_id = SelectField(_l("Item concerned"), coerce=optional_int, choices=[])
    reason = TextAreaField(
        _l("Reason (CAT-16a)"), validators=[Length(max=TEXT_MAX)], filters=[clean_text]
    )

    def set_adjustment_choices(self, entries) -> None:
        self.kind.choices = [(k.value, labels.CATALOG_ADJUSTMENT[k]) for k in CatalogAdjustmentType]
        self.entry_id.choices = [("", "—")] + [(e.id, f"{e.seq}. {e.title}") for e in entries]

    def set_choices(self, departments, decisions, locale: str) -> None:
        self.undertaking_unit_id.choices = [("", "—")] + [
            (d.id, d.display_name(locale)) for d in departments
        ]
        self.decision_id.choices = [("", "—")] + [(d.id, d.title) for d in decisions]

    def adjustment_values(self) -> dict:
        values = {
            "title": self.title.data or "",
            "category": Category(self.category.data),
            "undertaking_unit_id": self.undertaking_unit_id.data,
            "schedule": self.schedule.data or "",
            "planned_start_on": self.planned_start_on.data,
            "planned_decision_on": self.planned_decision_on.data,
            "summary": self.summary.data or "",
            "basis": self.basis.data or "",
            "non_disclosable": bool(self.non_disclosable.data),
            "decision_id": self.decision_id.data,
        }
        values["entry_id"] = self.entry_id.data
        values["reason"] = self.reason.data or ""
        return values


class DatedStepForm(FlaskForm):
    on = PlainDateField(_l("Date"), validators=[Optional()])
    ref = StringField(_l("Reference"), validators=[Length(max=100)], filters=[clean_line])
    text = TextAreaField(_l("Opinion"), validators=[Length(max=TEXT_MAX)], filters=[clean_text])


class PublishForm(FlaskForm):
    issue_ref = StringField(
        _l("Document number of the issued catalog (CAT-6b)"),
        validators=[Length(max=100)],
        filters=[clean_line],
    )


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=TEXT_MAX)], filters=[clean_text])


class LinkForm(FlaskForm):
    decision_id = SelectField(_l("Decision procedure"), coerce=optional_int, choices=[])


class ApproveAdjustmentForm(FlaskForm):
    study_note = TextAreaField(
        _l("Study by the undertaking unit (CAT-16a)"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )
    approved_on = PlainDateField(_l("Approved by the government on"), validators=[Optional()])
    approval_ref = StringField(
        _l("Approval reference"), validators=[Length(max=100)], filters=[clean_line]
    )
    party_consent_ref = StringField(
        _l("Party committee consent (optional, A34)"),
        validators=[Length(max=100)],
        filters=[clean_line],
    )


class FilingForm(FlaskForm):
    filed_on = PlainDateField(_l("Filed on"), validators=[Optional()])
    filing_reference = StringField(
        _l("Filing platform reference"), validators=[Length(max=100)], filters=[clean_line]
    )


class DeputyReviewForm(FlaskForm):
    """CAT-12a: one deputy head's review of the draft catalog."""

    # the service checks the name against the deputy heads in charge (CAT-12a)
    deputy_head = SelectField(_l("Deputy head in charge"), choices=[], validate_choice=False)
    reviewed_on = PlainDateField(_l("Reviewed on"), validators=[Optional()])
    opinion = TextAreaField(_l("Opinion"), validators=[Length(max=TEXT_MAX)], filters=[clean_text])
    items_changed = TextAreaField(
        _l("Items the deputy head added or changed"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )
    office_study = TextAreaField(
        _l("The office's study of those proposals"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )

    def set_choices(self, heads) -> None:
        self.deputy_head.choices = [("", "—")] + [(h, h) for h in heads]


class OfficeStudyForm(FlaskForm):
    office_study = TextAreaField(
        _l("The office's study of the proposals (CAT-12a)"),
        validators=[Length(max=TEXT_MAX)],
        filters=[clean_text],
    )
