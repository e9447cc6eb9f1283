"""Back-office screens of the early stages of a decision: initiation, drafting and research,
draft versions, public participation and the undertaking unit's own review (PROC-3 .. PROC-28a).

Each screen shows the record and its forms (GET, ``DECISION_VIEW``); each form posts to its own
endpoint (``DECISION_EDIT``), is validated completely before anything is written, is saved through
``portal.services.records`` (audited, flushed) and committed once. Refused input re-renders the
page with status 422, the errors next to their fields and summarised at the top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import actor, client_ip, decision_or_404, input_error
from admin.forms_early import (
    DOCUMENT_KIND,
    ActivityForm,
    ConsultationForm,
    DisputeForm,
    DisputeResolutionForm,
    DraftingForm,
    DraftVersionForm,
    InitiationForm,
    InternalReviewForm,
    UnitConsultationForm,
)
from portal import clock, labels
from portal.extensions import db
from portal.i18n import is_zh
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource
from portal.models.document import DocumentKind, DocumentVersion
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.models.org import Department
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.permissions import Permission, can, require
from portal.rules import deadlines, gates, records
from portal.rules.enums import ParticipationMethod
from portal.rules.errors import N_, RuleViolation
from portal.rules.facts import HearingFacts
from portal.rules.workdays import local_date
from portal.services import drafts, procedure
from portal.services.records import delete_record, update_record

URL = "/decisions/<int:decision_id>"


# -- shared ---------------------------------------------------------------------------------------


def _locale() -> str:
    return "zh" if is_zh() else "en"


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _save(record, changes: dict, decision: Decision, action: str) -> dict:
    return update_record(
        record,
        changes,
        decision=decision,
        actor=actor(),
        now=clock.now(),
        action=action,
        ip=client_ip(),
    )


def _delete(record, decision: Decision, action: str) -> None:
    delete_record(
        record, decision=decision, actor=actor(), now=clock.now(), action=action, ip=client_ip()
    )


def _form_errors(form) -> list[RuleViolation]:
    """The form's field errors as summary lines ("Field: problem")."""
    return [input_error(f"{f.label.text}: {e}", f.id) for f in form for e in f.errors]


def _attach(form, violations: list[RuleViolation], fields: dict[str, str] | None = None) -> None:
    """Also show each violation next to its field (rule field names mapped to form fields)."""
    for v in violations:
        name = (fields or {}).get(v.field or "", v.field)
        if name and name in form:
            text = labels.violation_text(v)
            form[name].errors = [*form[name].errors, f"{v.rule}: {text}" if v.rule else text]


def _refuse(form, violations: list[RuleViolation], fields: dict[str, str] | None = None):
    """Summary lines for a refused form: its field errors, then the rule violations."""
    summary = [*violations, *_form_errors(form)]
    _attach(form, violations, fields)
    return summary


def _not_future(form, *names: str) -> list[RuleViolation]:
    """A record of something done cannot be dated after today (Beijing time)."""
    today = clock.local_today(current_app.config["TIMEZONE"])
    out = []
    for name in names:
        value = form[name].data
        if isinstance(value, date) and value > today:
            out.append(input_error(_("A date of something done cannot be in the future."), name))
    return out


def _render(template: str, decision: Decision, *, errors=None, status: int = 200, **context):
    return render_template(
        template,
        decision=decision,
        errors=errors or [],
        can_edit=can(current_user, Permission.DECISION_EDIT, decision),
        today=clock.local_today(current_app.config["TIMEZONE"]),
        **context,
    ), status


def _activity_by_hand(activity_id: int, decision: Decision):
    """The activity, unless a hearing keeps it up to date: then the user is sent to the
    hearing's page (an edit here would be overwritten by the hearing's next change, and a
    deletion would leave the hearing without its stage record)."""
    from admin.hearings import hearing_of_activity

    activity = _owned(ParticipationActivity, activity_id, decision)
    hearing = hearing_of_activity(activity.id)
    if hearing is not None:
        flash(_("This activity is kept up to date from its hearing; change it there."))
        abort(redirect(url_for("admin.hearing_show", hearing_id=hearing.id), code=303))
    return activity


def _owned(model, record_id: int, decision: Decision):
    """A sub-record of this decision, or 404 (never another decision's row)."""
    row = db.session.get(model, record_id)
    if row is None or row.decision_id != decision.id:
        abort(404)
    return row


def _done(message: str, endpoint: str, decision: Decision):
    db.session.commit()
    flash(message)
    return redirect(url_for(endpoint, decision_id=decision.id))


# -- 1. initiation (PROC-3b, PROC-11, PROC-12a, A7, A42) -----------------------------------------

INITIATION_FLAGS = (
    "out_of_scope_confirmed",
    "non_disclosable",
    "is_complex",
    "high_public_concern",
    "affects_enterprise_operations",
    "affects_specific_group",
    "specific_group_heard",
    "affects_market_entities",
    "fair_competition_review_done",
    "is_exploratory_reform",
)


def _departments(decision: Decision) -> list[Department]:
    """Departments of the decision's own government: the only possible undertaking units."""
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.government_id == decision.government_id)
            .order_by(Department.sort_order, Department.id)
        ).all()
    )


def _initiation_form(decision: Decision, *, submitted: bool) -> InitiationForm:
    if submitted:
        form = InitiationForm()
    else:
        data = {
            "source": decision.source.value,
            "undertaking_unit": decision.undertaking_unit_id,
            "co_units": [d.id for d in decision.co_units],
            "lead_unit": decision.lead_unit_id,
            "initiate_decision": decision.initiate_decision,
            "initiated_on": decision.initiated_on,
            "initiation_ref": decision.initiation_ref,
            "scope_exclusion": decision.scope_exclusion,
            "non_disclosable_basis": decision.non_disclosable_basis,
        } | {name: getattr(decision, name) for name in INITIATION_FLAGS}
        form = InitiationForm(formdata=None, data=data)
    form.set_choices(_departments(decision), _locale(), labels)
    return form


def _initiation_page(decision: Decision, form: InitiationForm, *, errors=None, status=200):
    facts = procedure.build_facts(decision)
    reminders = gates.scope_violations(facts) + gates.initiation_violations(facts)
    return _render(
        "admin/stages/initiation.html",
        decision,
        form=form,
        reminders=reminders,
        errors=errors,
        status=status,
    )


@bp.get(URL + "/initiation")
@require(Permission.DECISION_VIEW)
def decision_initiation(decision_id: int):
    decision = decision_or_404(decision_id)
    return _initiation_page(decision, _initiation_form(decision, submitted=False))


def _initiation_violations(
    form: InitiationForm, units: list[Department], lead: Department | None
) -> list[RuleViolation]:
    decided, on = form.initiate_decision.data, form.initiated_on.data
    dates_readable = not (form.initiate_decision.errors or form.initiated_on.errors)
    out = records.initiation_record_violations(
        unit_count=len(units),
        lead_given=lead is not None,
        lead_in_units=lead is None or lead in units,
        initiate_decision=decided if dates_readable else None,
        initiated_on=on if dates_readable else None,
        scope_exclusion=form.scope_exclusion.data,
        out_of_scope_confirmed=bool(form.out_of_scope_confirmed.data),
        non_disclosable=bool(form.non_disclosable.data),
        non_disclosable_basis=form.non_disclosable_basis.data or "",
    )
    return out + _not_future(form, "initiated_on")


@bp.post(URL + "/initiation")
@require(Permission.DECISION_EDIT)
def decision_initiation_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _initiation_form(decision, submitted=True)
    valid = form.validate()
    depts = {d.id: d for d in _departments(decision)}
    main = depts.get(form.undertaking_unit.data)
    co = [
        depts[i]
        for i in dict.fromkeys(form.co_units.data or [])
        if i in depts and depts[i] is not main
    ]
    lead = depts.get(form.lead_unit.data)
    units = [u for u in [main, *co] if u is not None]
    # The rules are checked even when another field is malformed, so that every problem
    # shows at once; the units only when all three unit fields could be read.
    unit_fields_ok = not (form.undertaking_unit.errors or form.co_units.errors)
    violations = _initiation_violations(form, units, lead) if unit_fields_ok else []
    if form.lead_unit.errors:
        violations = [v for v in violations if v.field != "lead_unit"]
    if not valid or violations:
        return _initiation_page(decision, form, errors=_refuse(form, violations), status=422)
    changes = {
        "source": DecisionSource(form.source.data),
        "undertaking_unit_id": main.id if main else None,
        "lead_unit_id": lead.id if lead else None,
        "initiate_decision": form.initiate_decision.data,
        "initiated_on": form.initiated_on.data,
        "initiation_ref": (form.initiation_ref.data or "").strip(),
        "scope_exclusion": form.scope_exclusion.data,
        "non_disclosable_basis": (form.non_disclosable_basis.data or "").strip()
        if form.non_disclosable.data
        else "",
    } | {name: bool(form[name].data) for name in INITIATION_FLAGS}
    if sorted(d.id for d in decision.co_units) != sorted(d.id for d in co):
        changes["co_units"] = sorted(co, key=lambda d: d.id)
    _save(decision, changes, decision, "initiation.update")
    return _done(_("The initiation record is saved."), "admin.decision_initiation", decision)


# -- 2. drafting and research (PROC-13..15) -------------------------------------------------------


def _drafting_record(decision: Decision) -> DraftingRecord | None:
    return db.session.scalar(
        sa.select(DraftingRecord).where(DraftingRecord.decision_id == decision.id)
    )


def _drafting_form(decision: Decision, *, submitted: bool) -> DraftingForm:
    if submitted:
        form = DraftingForm(prefix="rec")
    else:
        rec = _drafting_record(decision)
        form = DraftingForm(
            formdata=None,
            prefix="rec",
            data={
                "mode": (rec.mode if rec else DraftingMode.SELF).value,
                "entrusted_party": rec.entrusted_party if rec else "",
                "research_situation": rec.research_situation if rec else "",
                "research_necessity": rec.research_necessity if rec else "",
                "research_basis": rec.research_basis if rec else "",
                "research_other": rec.research_other if rec else "",
                "cost_benefit": rec.cost_benefit if rec else "",
            },
        )
    form.set_choices(labels)
    return form


def _drafting_page(
    decision: Decision,
    *,
    record_form: DraftingForm | None = None,
    uc_form: UnitConsultationForm | None = None,
    dispute_form: DisputeForm | None = None,
    resolve_forms: dict[int, DisputeResolutionForm] | None = None,
    errors=None,
    status: int = 200,
):
    consultations = db.session.scalars(
        sa.select(UnitConsultation)
        .where(UnitConsultation.decision_id == decision.id)
        .order_by(UnitConsultation.consulted_on, UnitConsultation.id)
    ).all()
    disputes = db.session.scalars(
        sa.select(Dispute)
        .where(Dispute.decision_id == decision.id)
        .order_by(Dispute.referred_on, Dispute.id)
    ).all()
    resolve_forms = dict(resolve_forms or {})
    for d in disputes:
        if d.id not in resolve_forms:
            resolve_forms[d.id] = DisputeResolutionForm(
                formdata=None,
                prefix=f"res{d.id}",
                data={"resolution": d.resolution, "resolved_on": d.resolved_on},
            )
    disagreements = [c for c in consultations if not c.agreed]
    return _render(
        "admin/stages/drafting.html",
        decision,
        record_form=record_form or _drafting_form(decision, submitted=False),
        uc_form=uc_form or UnitConsultationForm(formdata=None, prefix="uc"),
        dispute_form=dispute_form or DisputeForm(formdata=None, prefix="dis"),
        resolve_forms=resolve_forms,
        consultations=consultations,
        disputes=disputes,
        # PROC-15b: no agreement reached, and nothing referred to the decision organ yet
        unreferred=bool(disagreements) and not disputes,
        errors=errors,
        status=status,
    )


@bp.get(URL + "/drafting")
@require(Permission.DECISION_VIEW)
def decision_drafting(decision_id: int):
    return _drafting_page(decision_or_404(decision_id))


@bp.post(URL + "/drafting")
@require(Permission.DECISION_EDIT)
def decision_drafting_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _drafting_form(decision, submitted=True)
    if not form.validate():
        return _drafting_page(decision, record_form=form, errors=_form_errors(form), status=422)
    mode = DraftingMode(form.mode.data)
    party = (form.entrusted_party.data or "").strip()
    violations = records.drafting_record_violations(
        entrusted=mode is not DraftingMode.SELF, entrusted_party=party
    )
    if violations:
        return _drafting_page(
            decision, record_form=form, errors=_refuse(form, violations), status=422
        )
    record = _drafting_record(decision) or DraftingRecord(decision_id=decision.id)
    changes = {
        "mode": mode,
        "entrusted_party": party if mode is not DraftingMode.SELF else "",
        "research_situation": (form.research_situation.data or "").strip(),
        "research_necessity": (form.research_necessity.data or "").strip(),
        "research_basis": (form.research_basis.data or "").strip(),
        "research_other": (form.research_other.data or "").strip(),
        "cost_benefit": (form.cost_benefit.data or "").strip(),
    }
    _save(record, changes, decision, "drafting.update")
    return _done(_("The drafting record is saved."), "admin.decision_drafting", decision)


@bp.post(URL + "/drafting/consultations")
@require(Permission.DECISION_EDIT)
def decision_drafting_consultation_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = UnitConsultationForm(prefix="uc")
    if not form.validate():
        return _drafting_page(decision, uc_form=form, errors=_form_errors(form), status=422)
    violations = _not_future(form, "consulted_on")
    if violations:
        return _drafting_page(decision, uc_form=form, errors=_refuse(form, violations), status=422)
    row = UnitConsultation(decision_id=decision.id)
    _save(
        row,
        {
            "party": form.party.data.strip(),
            "consulted_on": form.consulted_on.data,
            "opinion": (form.opinion.data or "").strip(),
            "agreed": bool(form.agreed.data),
        },
        decision,
        "drafting.consultation_add",
    )
    return _done(_("The consultation is recorded."), "admin.decision_drafting", decision)


@bp.post(URL + "/drafting/consultations/<int:consultation_id>/delete")
@require(Permission.DECISION_EDIT)
def decision_drafting_consultation_delete(decision_id: int, consultation_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = _owned(UnitConsultation, consultation_id, decision)
    _delete(row, decision, "drafting.consultation_delete")
    return _done(_("The consultation is deleted."), "admin.decision_drafting", decision)


@bp.post(URL + "/drafting/disputes")
@require(Permission.DECISION_EDIT)
def decision_drafting_dispute_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = DisputeForm(prefix="dis")
    if not form.validate():
        return _drafting_page(decision, dispute_form=form, errors=_form_errors(form), status=422)
    violations = _not_future(form, "referred_on")
    if violations:
        return _drafting_page(
            decision, dispute_form=form, errors=_refuse(form, violations), status=422
        )
    row = Dispute(decision_id=decision.id)
    _save(
        row,
        {
            "issues": form.issues.data.strip(),
            "differing_opinions": form.differing_opinions.data.strip(),
            "reasons_and_basis": form.reasons_and_basis.data.strip(),
            "referred_on": form.referred_on.data,
        },
        decision,
        "drafting.dispute_add",
    )
    return _done(_("The dispute is recorded."), "admin.decision_drafting", decision)


@bp.post(URL + "/drafting/disputes/<int:dispute_id>/resolve")
@require(Permission.DECISION_EDIT)
def decision_drafting_dispute_resolve(decision_id: int, dispute_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    dispute = _owned(Dispute, dispute_id, decision)
    form = DisputeResolutionForm(prefix=f"res{dispute.id}")
    forms = {dispute.id: form}
    if not form.validate():
        return _drafting_page(decision, resolve_forms=forms, errors=_form_errors(form), status=422)
    violations = _not_future(form, "resolved_on")
    if form.resolved_on.data < dispute.referred_on:
        violations.append(
            input_error(_("The resolution cannot be dated before the referral."), "resolved_on")
        )
    if violations:
        return _drafting_page(
            decision, resolve_forms=forms, errors=_refuse(form, violations), status=422
        )
    _save(
        dispute,
        {"resolution": form.resolution.data.strip(), "resolved_on": form.resolved_on.data},
        decision,
        "drafting.dispute_resolve",
    )
    return _done(_("The resolution is recorded."), "admin.decision_drafting", decision)


# -- 3. draft versions ----------------------------------------------------------------------------


def _version_forms(
    docs, given: tuple[DocumentKind, DraftVersionForm] | None = None
) -> dict[DocumentKind, DraftVersionForm]:
    """One "new version" form per document, its text prefilled with the latest version."""
    forms = {}
    for kind in drafts.DRAFT_KINDS:
        if given is not None and given[0] == kind:
            forms[kind] = given[1]
            continue
        doc = docs[kind]
        latest = doc.latest if doc else None
        forms[kind] = DraftVersionForm(
            formdata=None,
            prefix=kind.value,
            data={"body": latest.body if latest else "", "change_note": ""},
        )
    return forms


@dataclass
class Comparison:
    kind: DocumentKind
    old: DocumentVersion
    new: DocumentVersion
    html: object
    text: str
    diff: drafts.Diff


def _comparison(decision: Decision) -> tuple[Comparison | None, list[RuleViolation]]:
    """The diff asked for by ``?doc=draft&a=1&b=2`` (version numbers), if any."""
    args = request.args
    if "a" not in args and "b" not in args:
        return None, []
    try:
        kind = DocumentKind(args.get("doc", DocumentKind.DRAFT.value))
        if kind not in drafts.DRAFT_KINDS:
            raise ValueError(kind)
        a, b = int(args.get("a", "")), int(args.get("b", ""))
    except ValueError:
        return None, [input_error(_("Choose two versions to compare."), "compare")]
    old = drafts.find_version(decision, kind, a)
    new = drafts.find_version(decision, kind, b)
    if old is None or new is None:
        return None, [input_error(_("There is no such version to compare."), "compare")]
    diff = drafts.diff_texts(old.body, new.body)
    html = drafts.diff_html(
        diff,
        deleted_label=_("deleted"),
        inserted_label=_("inserted"),
        skipped_label=_("Unchanged lines not shown: %(count)s", count="%(count)s"),
    )
    return Comparison(kind, old, new, html, drafts.diff_text(diff), diff), []


def _drafts_page(
    decision: Decision,
    *,
    given: tuple[DocumentKind, DraftVersionForm] | None = None,
    errors=None,
    status: int = 200,
):
    docs = drafts.draft_documents(decision)
    comparison, compare_errors = _comparison(decision)
    author_ids = {v.created_by_id for d in docs.values() if d for v in d.versions}
    authors = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_([i for i in author_ids if i is not None]))
        ).all()
    }
    if compare_errors and status == 200:
        status = 422
    return _render(
        "admin/stages/drafts.html",
        decision,
        docs=docs,
        kinds=drafts.DRAFT_KINDS,
        kind_labels=DOCUMENT_KIND,
        forms=_version_forms(docs, given),
        comparison=comparison,
        authors=authors,
        errors=[*(errors or []), *compare_errors],
        status=status,
    )


@bp.get(URL + "/drafts")
@require(Permission.DECISION_VIEW)
def decision_drafts(decision_id: int):
    return _drafts_page(decision_or_404(decision_id))


@bp.post(URL + "/drafts/<kind>/versions")
@require(Permission.DECISION_EDIT)
def decision_drafts_add(decision_id: int, kind: str):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    try:
        doc_kind = DocumentKind(kind)
    except ValueError:
        abort(404)
    if doc_kind not in drafts.DRAFT_KINDS:
        abort(404)
    form = DraftVersionForm(prefix=doc_kind.value)
    if not form.validate():
        return _drafts_page(decision, given=(doc_kind, form), errors=_form_errors(form), status=422)
    try:
        drafts.add_version(
            decision,
            doc_kind,
            body=form.body.data.replace("\r\n", "\n"),
            change_note=(form.change_note.data or "").strip(),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except sa.exc.IntegrityError:
        # two people saved a version at the same moment: the number was taken
        db.session.rollback()
        errors = [input_error(_("Another version was saved at the same time. Save again."))]
        return _drafts_page(decision, given=(doc_kind, form), errors=errors, status=409)
    return _done(_("The new version is saved."), "admin.decision_drafts", decision)


@bp.post(URL + "/drafts/versions/<int:version_id>/publish")
@require(Permission.DECISION_EDIT)
def decision_draft_publish(decision_id: int, version_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    version = db.session.get(DocumentVersion, version_id)
    if (
        version is None
        or version.document.decision_id != decision.id
        or version.document.kind not in drafts.DRAFT_KINDS
    ):
        abort(404)
    try:
        published = drafts.publish_version(
            decision, version, actor=actor(), now=clock.now(), ip=client_ip()
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _drafts_page(decision, errors=[violation], status=422)
    if not published:
        flash(_("This version was already published."))
        return redirect(url_for("admin.decision_drafts", decision_id=decision.id))
    return _done(_("The version is published."), "admin.decision_drafts", decision)


# -- 4. public participation (PROC-16..20, PART) ---------------------------------------------------


def _current_consultation(decision: Decision) -> Consultation | None:
    return db.session.scalar(
        sa.select(Consultation)
        .where(Consultation.decision_id == decision.id)
        .order_by(Consultation.opens_at.desc(), Consultation.id.desc())
        .limit(1)
    )


def _draft_versions(decision: Decision) -> list[DocumentVersion]:
    doc = drafts.draft_document(decision, DocumentKind.DRAFT)
    return list(doc.versions) if doc else []


def _consultation_form(decision: Decision, *, submitted: bool) -> ConsultationForm:
    versions = _draft_versions(decision)
    if submitted:
        form = ConsultationForm(prefix="c")
    else:
        c = _current_consultation(decision)
        unit = decision.undertaking_unit
        data = (
            {
                "title": c.title,
                "notice": c.notice,
                "opens_on": local_date(c.opens_at),
                "closes_on": procedure.last_day(c.closes_at),
                "shortened_reason": c.shortened_reason,
                "channels": c.channels,
                "contact_department": c.contact_department,
                "contact_person": c.contact_person,
                "contact_phone": c.contact_phone,
                "contact_email": c.contact_email,
                "postal_address": c.postal_address,
                "draft_version": c.draft_version_id,
            }
            if c
            else {
                "title": f"关于公开征求《{decision.title}》意见的公告"[:200],
                "contact_department": unit.name if unit else "",
                "draft_version": versions[-1].id if versions else None,
            }
        )
        form = ConsultationForm(formdata=None, prefix="c", data=data)
    form.draft_version.choices = [("", "—")] + [
        (
            v.id,
            _("Version %(number)s", number=v.number)
            + ("" if v.published_at else " " + _("(not published)")),
        )
        for v in versions
    ]
    return form


def _activity_form(*, submitted: bool, activity: ParticipationActivity | None = None):
    prefix = f"a{activity.id}" if activity else "a"
    if submitted:
        form = ActivityForm(prefix=prefix)
    elif activity is not None:
        form = ActivityForm(
            formdata=None,
            prefix=prefix,
            data={
                "method": activity.method.value,
                "title": activity.title,
                "held_on": activity.held_on,
                "place": activity.place,
                "participants": activity.participants,
                "materials_delivered_on": activity.materials_delivered_on,
                "held": activity.held,
                "held_publicly": activity.held_publicly,
                "record_signed": activity.record_signed,
                "report_issued": activity.report_issued,
                "third_party": activity.third_party,
                "summary": activity.summary,
            },
        )
    else:
        form = ActivityForm(formdata=None, prefix=prefix)
    form.set_choices(labels)
    return form


@dataclass
class ActivityRow:
    activity: ParticipationActivity
    due: date | None = None  # materials due (PART-8b / PROC-19c)
    due_rule: str = ""
    uncertain: bool = False
    warnings: list[RuleViolation] = field(default_factory=list)


def _activity_row(
    a: ParticipationActivity, decision: Decision, today: date, calendar=None
) -> ActivityRow:
    row = ActivityRow(a)
    if a.method == ParticipationMethod.SYMPOSIUM:
        # PART-8b: materials >= 3 working days before the symposium
        due = deadlines.symposium_materials_due(a.held_on, calendar or procedure.work_calendar())
        row.due, row.due_rule, row.uncertain = due.due, "PART-8b", due.uncertain
        if deadlines.is_overdue(due.due, a.materials_delivered_on, today):
            row.warnings = deadlines.symposium_materials_violations(
                [a.materials_delivered_on], a.held_on, calendar or procedure.work_calendar()
            )
    elif a.method == ParticipationMethod.HEARING:
        # PROC-19c / PART-12c: materials >= 7 calendar days before the hearing
        row.due, row.due_rule = deadlines.hearing_materials_due(a.held_on), "PROC-19c"
        if a.held:
            row.warnings = gates.hearing_violations(
                HearingFacts(
                    held_on=a.held_on,
                    materials_delivered_on=(a.materials_delivered_on,),
                    held_publicly=a.held_publicly,
                    held=a.held,
                    record_signed=a.record_signed,
                    report_issued=a.report_issued,
                ),
                non_disclosable=decision.non_disclosable,
            )
        elif deadlines.is_overdue(row.due, a.materials_delivered_on, today):
            row.warnings = deadlines.hearing_materials_violations(
                [a.materials_delivered_on], a.held_on
            )
    return row


def _participation_page(
    decision: Decision,
    *,
    consultation_form: ConsultationForm | None = None,
    activity_form: ActivityForm | None = None,
    edit: ParticipationActivity | None = None,
    errors=None,
    status: int = 200,
):
    today = clock.local_today(current_app.config["TIMEZONE"])
    calendar = procedure.work_calendar()
    consultation = _current_consultation(decision)
    activities = db.session.scalars(
        sa.select(ParticipationActivity)
        .where(ParticipationActivity.decision_id == decision.id)
        .order_by(ParticipationActivity.held_on, ParticipationActivity.id)
    ).all()
    period = None
    if consultation is not None:
        period = {
            "opens_on": local_date(consultation.opens_at),
            "last_day": procedure.last_day(consultation.closes_at),
        }
        period["days"] = deadlines.comment_period_days(period["opens_on"], period["last_day"])
    return _render(
        "admin/stages/participation.html",
        decision,
        consultation=consultation,
        period=period,
        consultation_form=consultation_form or _consultation_form(decision, submitted=False),
        rows=[_activity_row(a, decision, today, calendar) for a in activities],
        activity_form=activity_form
        or (_activity_form(submitted=False, activity=edit) if edit else None)
        or _activity_form(submitted=False),
        edit=edit,
        errors=errors,
        status=status,
    )


@bp.get(URL + "/participation")
@require(Permission.DECISION_VIEW)
def decision_participation(decision_id: int):
    return _participation_page(decision_or_404(decision_id))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), _zone()).astimezone(UTC)


def _consultation_violations(decision: Decision, form: ConsultationForm) -> list[RuleViolation]:
    return records.consultation_notice_violations(
        non_disclosable=decision.non_disclosable,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        shortened_reason=form.shortened_reason.data or "",
        channels=form.channels.data or "",
        contact_department=form.contact_department.data or "",
        contact_details=tuple(
            form[name].data or "" for name in ("contact_phone", "contact_email", "postal_address")
        ),
    )


@bp.post(URL + "/participation/consultation")
@require(Permission.DECISION_EDIT)
def decision_participation_consultation_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _consultation_form(decision, submitted=True)
    if not form.validate():
        return _participation_page(
            decision, consultation_form=form, errors=_form_errors(form), status=422
        )
    violations = _consultation_violations(decision, form)
    if violations:
        return _participation_page(
            decision, consultation_form=form, errors=_refuse(form, violations), status=422
        )
    consultation = _current_consultation(decision) or Consultation(decision_id=decision.id)
    changes = {
        "title": form.title.data.strip(),
        "notice": (form.notice.data or "").strip(),
        "opens_at": _local_midnight(form.opens_on.data),
        # the last day ends at 24:00 Beijing time
        "closes_at": _local_midnight(form.closes_on.data + timedelta(days=1)),
        "shortened_reason": (form.shortened_reason.data or "").strip(),
        "channels": "\n".join(
            line.strip() for line in (form.channels.data or "").splitlines() if line.strip()
        ),
        "contact_department": form.contact_department.data.strip(),
        "contact_person": (form.contact_person.data or "").strip(),
        "contact_phone": (form.contact_phone.data or "").strip(),
        "contact_email": (form.contact_email.data or "").strip(),
        "postal_address": (form.postal_address.data or "").strip(),
        "draft_version_id": form.draft_version.data,
    }
    if consultation.id is None:
        changes["created_at"] = clock.now()
    _save(consultation, changes, decision, "participation.consultation_save")
    return _done(_("The comment window is saved."), "admin.decision_participation", decision)


def _activity_changes(form: ActivityForm) -> dict:
    return {
        "method": ParticipationMethod(form.method.data),
        "title": form.title.data.strip(),
        "held_on": form.held_on.data,
        "place": (form.place.data or "").strip(),
        "participants": form.participants.data or 0,
        "materials_delivered_on": form.materials_delivered_on.data,
        "held": bool(form.held.data),
        "held_publicly": bool(form.held_publicly.data),
        "record_signed": bool(form.record_signed.data),
        "report_issued": bool(form.report_issued.data),
        "third_party": (form.third_party.data or "").strip(),
        "summary": (form.summary.data or "").strip(),
    }


def _save_activity(
    decision: Decision, activity: ParticipationActivity, form: ActivityForm, action: str
):
    _save(activity, _activity_changes(form), decision, action)
    today = clock.local_today(current_app.config["TIMEZONE"])
    warnings = _activity_row(activity, decision, today).warnings
    response = _done(_("The activity is saved."), "admin.decision_participation", decision)
    for v in warnings:  # saved, but late or incomplete: say so (PART-8b, PROC-19c, ...)
        flash(f"{labels.citation(v.rule)}：{labels.violation_text(v)}")
    return response


@bp.post(URL + "/participation/activities")
@require(Permission.DECISION_EDIT)
def decision_participation_activity_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _activity_form(submitted=True)
    if not form.validate():
        return _participation_page(
            decision, activity_form=form, errors=_form_errors(form), status=422
        )
    activity = ParticipationActivity(decision_id=decision.id)
    return _save_activity(decision, activity, form, "participation.activity_add")


@bp.get(URL + "/participation/activities/<int:activity_id>/edit")
@require(Permission.DECISION_VIEW)
def decision_participation_activity_edit(decision_id: int, activity_id: int):
    decision = decision_or_404(decision_id)
    activity = _activity_by_hand(activity_id, decision)
    return _participation_page(decision, edit=activity)


@bp.post(URL + "/participation/activities/<int:activity_id>")
@require(Permission.DECISION_EDIT)
def decision_participation_activity_update(decision_id: int, activity_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    activity = _activity_by_hand(activity_id, decision)
    form = _activity_form(submitted=True, activity=activity)
    if not form.validate():
        return _participation_page(
            decision, activity_form=form, edit=activity, errors=_form_errors(form), status=422
        )
    return _save_activity(decision, activity, form, "participation.activity_update")


@bp.post(URL + "/participation/activities/<int:activity_id>/delete")
@require(Permission.DECISION_EDIT)
def decision_participation_activity_delete(decision_id: int, activity_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    activity = _activity_by_hand(activity_id, decision)
    _delete(activity, decision, "participation.activity_delete")
    return _done(_("The activity is deleted."), "admin.decision_participation", decision)


# -- 5. unit review (PROC-28a) ------------------------------------------------------------------


INTERNAL_FIELDS = (
    "internal_legal_review_on",
    "internal_legal_review_opinion",
    "internal_discussion_on",
    "internal_discussion_minutes",
)


def _internal_form(decision: Decision, *, submitted: bool) -> InternalReviewForm:
    if submitted:
        return InternalReviewForm()
    return InternalReviewForm(
        formdata=None, data={name: getattr(decision, name) for name in INTERNAL_FIELDS}
    )


def _internal_page(decision: Decision, form: InternalReviewForm, *, errors=None, status=200):
    return _render(
        "admin/stages/internal_review.html", decision, form=form, errors=errors, status=status
    )


@bp.get(URL + "/internal-review")
@require(Permission.DECISION_VIEW)
def decision_internal_review(decision_id: int):
    decision = decision_or_404(decision_id)
    return _internal_page(decision, _internal_form(decision, submitted=False))


@bp.post(URL + "/internal-review")
@require(Permission.DECISION_EDIT)
def decision_internal_review_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _internal_form(decision, submitted=True)
    if not form.validate():
        return _internal_page(decision, form, errors=_form_errors(form), status=422)
    violations = _not_future(form, "internal_legal_review_on", "internal_discussion_on")
    for on, text in (
        ("internal_legal_review_on", "internal_legal_review_opinion"),
        ("internal_discussion_on", "internal_discussion_minutes"),
    ):
        if form[on].data is not None and not (form[text].data or "").strip():
            # PROC-28a: the legal office's opinion and the discussion minutes are the record
            violations.append(
                RuleViolation(
                    "PROC-28a",
                    N_("Record the opinion or minutes together with the date."),
                    field=text,
                )
            )
    if violations:
        return _internal_page(decision, form, errors=_refuse(form, violations), status=422)
    changes = {
        "internal_legal_review_on": form.internal_legal_review_on.data,
        "internal_legal_review_opinion": (form.internal_legal_review_opinion.data or "").strip(),
        "internal_discussion_on": form.internal_discussion_on.data,
        "internal_discussion_minutes": (form.internal_discussion_minutes.data or "").strip(),
    }
    _save(decision, changes, decision, "internal_review.update")
    return _done(_("The unit review is saved."), "admin.decision_internal_review", decision)
