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
    LegalAdviserRole,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingMaterial,
    MeetingOutcome,
    MeetingType,
    PartyReportKind,
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
    document_number = StringField(
        _l("Document number"),
        validators=[Optional(), Length(max=100)],
        **line_opts,
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
            # a form without the field (an older client) leaves the recorded number alone
            document_number=(self.document_number.data or "")
            if self.document_number.raw_data
            else None,
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
