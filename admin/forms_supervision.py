"""Forms of the supervision, post-evaluation and statistics screens (issue 7, part 2).

Forms check shape only (required, lengths, dates, choices); meaning is checked by
``portal.services.supervision`` / ``portal.services.evaluation`` and ``portal.rules``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from admin.forms_late import CountField, MultiCheckboxField, PlainDateField, clean_line, clean_text
from portal import labels

LONG = 20000
line = {"filters": [clean_line]}
text = {"filters": [clean_text]}


def _choices(table: dict, *, blank=None) -> list[SelectChoice]:
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(str(k), v) for k, v in table.items()]


# -- supervision (SUP) -------------------------------------------------------------------------


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[InputRequired(), Length(max=200)], **line)
    target_milestones = TextAreaField(
        _l("Target milestones"), validators=[Length(max=LONG)], **text
    )
    responsible_unit_id = SelectField(_l("Responsible unit"), choices=[], validate_choice=True)
    supporting_units = StringField(
        _l("Supporting units (optional)"), validators=[Length(max=200)], **line
    )
    deadline = PlainDateField(_l("Completion deadline"), validators=[InputRequired()])


class TaskDoneForm(FlaskForm):
    completed_on = PlainDateField(_l("Completed on"), validators=[InputRequired()])


class TrackingForm(FlaskForm):
    month = SelectField(_l("Month"), choices=[], validate_choice=True)
    progress = TextAreaField(_l("Execution progress"), validators=[Length(max=LONG)], **text)
    effects = TextAreaField(_l("Effects"), validators=[Length(max=LONG)], **text)
    problems = TextAreaField(_l("Problems"), validators=[Length(max=LONG)], **text)


class InspectionForm(FlaskForm):
    inspection_type = SelectField(
        _l("Type"), choices=_choices(labels.INSPECTION_TYPE), validators=[InputRequired()]
    )
    method = SelectField(
        _l("Method"), choices=_choices(labels.INSPECTION_METHOD), validators=[InputRequired()]
    )
    techniques = MultiCheckboxField(
        _l("On-site techniques"), choices=_choices(labels.ONSITE_TECHNIQUE)
    )
    inspected_unit_id = SelectField(_l("Inspected unit"), choices=[], validate_choice=False)
    participating_departments = StringField(
        _l("Participating departments (optional)"), validators=[Length(max=500)], **line
    )
    topic = TextAreaField(_l("Topic and difficult issues"), validators=[Length(max=LONG)], **text)
    started_on = PlainDateField(_l("Starts on"), validators=[InputRequired()])
    self_report_due = PlainDateField(
        _l("Self-report due (written inspection)"), validators=[Optional()]
    )


class SelfReportForm(FlaskForm):
    self_report_received_on = PlainDateField(
        _l("Self-report received on"), validators=[InputRequired()]
    )


class InspectionReportForm(FlaskForm):
    execution_status = TextAreaField(_l("Execution status"), validators=[Length(max=LONG)], **text)
    problems = TextAreaField(_l("Problems found"), validators=[Length(max=LONG)], **text)
    matters_for_leadership_coordination = TextAreaField(
        _l("Matters for the leadership to coordinate"), validators=[Length(max=LONG)], **text
    )
    work_recommendations = TextAreaField(
        _l("Work recommendations"), validators=[Length(max=LONG)], **text
    )


class ApprovalForm(FlaskForm):
    approved_by = StringField(
        _l("Approved by (government leader)"), validators=[Length(max=100)], **line
    )
    approved_on = PlainDateField(_l("Approved on"), validators=[Optional()])


class DisseminationForm(FlaskForm):
    dissemination = SelectField(
        _l("Conclusions"), choices=_choices(labels.DISSEMINATION), validators=[InputRequired()]
    )
    disseminated_on = PlainDateField(_l("Date"), validators=[Optional()])


class RectificationForm(FlaskForm):
    description = TextAreaField(_l("What must be rectified"), validators=[Length(max=LONG)], **text)
    responsible_unit_id = SelectField(_l("Responsible unit"), choices=[], validate_choice=False)
    due_on = PlainDateField(_l("Rectification deadline"), validators=[Optional()])


class RectificationDoneForm(FlaskForm):
    completed_on = PlainDateField(_l("Completed on"), validators=[Optional()])
    check_result = TextAreaField(_l("Check result"), validators=[Length(max=LONG)], **text)


class AssessmentForm(FlaskForm):
    year = CountField(_l("Year assessed"))
    result = SelectField(
        _l("Result"),
        choices=_choices(labels.ASSESSMENT_RESULT, blank=_l("Choose")),
        validate_choice=False,
    )
    assessor = StringField(_l("Assessor"), validators=[Length(max=100)], **line)
    assessed_on = PlainDateField(_l("Assessed on"), validators=[Optional()])
    remarks = TextAreaField(_l("Remarks"), validators=[Length(max=LONG)], **text)


class UpdateForm(FlaskForm):
    specific_measures = TextAreaField(
        _l("Specific measures"), validators=[Length(max=LONG)], **text
    )
    implementation_steps = TextAreaField(
        _l("Implementation steps"), validators=[Length(max=LONG)], **text
    )
    responsibility_division = TextAreaField(
        _l("Division of responsibilities"), validators=[Length(max=LONG)], **text
    )
    supervision_methods = TextAreaField(
        _l("Supervision methods"), validators=[Length(max=LONG)], **text
    )
    achievements = TextAreaField(_l("Results achieved"), validators=[Length(max=LONG)], **text)
    follow_up_measures = TextAreaField(_l("Next steps"), validators=[Length(max=LONG)], **text)


# -- post-evaluation (EVAL) ----------------------------------------------------------------------


class TriggerForm(FlaskForm):
    triggers = MultiCheckboxField(_l("Triggers"), choices=_choices(labels.POST_EVAL_TRIGGER))
    trigger_note = TextAreaField(_l("Details"), validators=[Length(max=LONG)], **text)
    evaluation_project = StringField(_l("Evaluation project"), validators=[Length(max=200)], **line)
    selection_factors = MultiCheckboxField(
        _l("Considered"), choices=_choices(labels.SELECTION_FACTOR)
    )
    deadline = PlainDateField(_l("Evaluation deadline"), validators=[Optional()])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the trigger is not confirmed"), validators=[Length(max=LONG)], **text
    )


class UnitForm(FlaskForm):
    evaluation_unit = StringField(_l("Evaluation unit"), validators=[Length(max=300)], **line)
    is_third_party = BooleanField(_l("Entrusted to a third party"))
    third_party_type = SelectField(
        _l("Kind of third party"),
        choices=_choices(labels.THIRD_PARTY_TYPE, blank=_l("Not a third party")),
        validate_choice=False,
    )
    qualification = TextAreaField(
        _l("Expertise and qualifications"), validators=[Length(max=LONG)], **text
    )
    independence_declared = BooleanField(
        _l("The third party declared its independence and sets no conclusion in advance")
    )


class AgreementForm(FlaskForm):
    agreement_signed_on = PlainDateField(_l("Agreement signed on"), validators=[Optional()])
    evaluation_content = TextAreaField(
        _l("Evaluation content"), validators=[Length(max=LONG)], **text
    )
    quality_requirements = TextAreaField(
        _l("Quality requirements"), validators=[Length(max=LONG)], **text
    )
    completion_deadline = PlainDateField(_l("Completion deadline"), validators=[Optional()])
    evaluation_funding = StringField(_l("Funding"), validators=[Length(max=100)], **line)
    ownership_of_results = TextAreaField(
        _l("Ownership of the results"), validators=[Length(max=LONG)], **text
    )
    confidentiality_clause = TextAreaField(
        _l("Confidentiality clause"), validators=[Length(max=LONG)], **text
    )
    breach_liability = TextAreaField(
        _l("Liability for breach"), validators=[Length(max=LONG)], **text
    )
    subdelegate = StringField(_l("Sub-delegated to (if any)"), validators=[Length(max=200)], **line)
    subcontracting_consent = BooleanField(_l("The client consented to the sub-delegation"))


class TeamMemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=100)], **line)
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)], **line)
    role = SelectField(
        _l("Role in the team"),
        choices=_choices(labels.TEAM_ROLE, blank=_l("Choose")),
        validate_choice=False,
    )


class PlanForm(FlaskForm):
    plan_purpose = TextAreaField(_l("Purpose"), validators=[Length(max=LONG)], **text)
    plan_personnel = TextAreaField(_l("Personnel"), validators=[Length(max=LONG)], **text)
    plan_scope = TextAreaField(_l("Scope"), validators=[Length(max=LONG)], **text)
    plan_indicators = TextAreaField(_l("Indicators"), validators=[Length(max=LONG)], **text)
    plan_methods = TextAreaField(_l("Methods"), validators=[Length(max=LONG)], **text)
    plan_procedure = TextAreaField(_l("Procedure"), validators=[Length(max=LONG)], **text)
    plan_budget = TextAreaField(_l("Budget"), validators=[Length(max=LONG)], **text)
    scope = SelectField(
        _l("Overall or partial"),
        choices=_choices(labels.EVALUATION_SCOPE, blank=_l("Choose")),
        validate_choice=False,
    )
    scope_parts = TextAreaField(
        _l("Parts covered (partial evaluation)"), validators=[Length(max=LONG)], **text
    )
    methods = MultiCheckboxField(
        _l("Evaluation methods"), choices=_choices(labels.EVALUATION_METHOD)
    )


class InvestigationForm(FlaskForm):
    call_opens_on = PlainDateField(_l("Call for input opens on"), validators=[Optional()])
    call_closes_on = PlainDateField(
        _l("Call for input closes on (inclusive)"), validators=[Optional()]
    )
    call_notice = TextAreaField(
        _l("Notice of the call for input"), validators=[Length(max=LONG)], **text
    )
    npc_deputies = CountField(_l("NPC deputies"))
    cppcc_members = CountField(_l("CPPCC members"))
    peoples_organisations = CountField(_l("People's organisations"))
    grassroots_organisations = CountField(_l("Grassroots organisations"))
    social_organisations = CountField(_l("Social organisations"))


class ReportForm(FlaskForm):
    process_and_methods = TextAreaField(
        _l("Evaluation process and methods"), validators=[Length(max=LONG)], **text
    )
    execution_overview = TextAreaField(
        _l("Basic situation of the execution"), validators=[Length(max=LONG)], **text
    )
    stakeholder_public_evaluation = TextAreaField(
        _l("Assessments by the public and stakeholders"), validators=[Length(max=LONG)], **text
    )
    main_problems_and_causes = TextAreaField(
        _l("Main problems and their causes"), validators=[Length(max=LONG)], **text
    )
    evaluation_result = TextAreaField(
        _l("Evaluation result"), validators=[Length(max=LONG)], **text
    )
    conclusion = SelectField(
        _l("Conclusion"),
        choices=_choices(labels.CONCLUSION, blank=_l("Choose")),
        validate_choice=False,
    )


class GovDecisionForm(FlaskForm):
    gov_decision = SelectField(
        _l("The government's decision"),
        choices=_choices(labels.GOV_DECISION, blank=_l("Choose")),
        validate_choice=False,
    )
    gov_decided_on = PlainDateField(_l("Decided on"), validators=[Optional()])
    decided_by_executive_head = BooleanField(_l("Decided by the executive head (PROC-45b)"))
    collective_decision_ref = StringField(
        _l("Reference of the collective decision (PROC-45a)"), validators=[Length(max=200)], **line
    )
    major = BooleanField(_l("Major adjustment (a new decision procedure, PROC-45c)"))
    follow_up_measures = TextAreaField(
        _l("Implementation and loss-mitigation measures (EVAL-14c)"),
        validators=[Length(max=LONG)],
        **text,
    )
    publish_conclusion = BooleanField(
        _l("Publish the conclusion and the government's decision on the dossier (A31)")
    )


class InvalidateForm(FlaskForm):
    invalid_reason = TextAreaField(
        _l("How the procedure was seriously breached"), validators=[Length(max=LONG)], **text
    )
    deadline = PlainDateField(_l("Deadline of the new evaluation"), validators=[Optional()])
