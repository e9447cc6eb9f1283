"""Back-office screens of the early stages of a decision: initiation, drafting and research,
draft versions, public participation and the undertaking unit's own review (PROC-3 .. PROC-28a).

Each screen shows the record and its forms (GET, ``DECISION_VIEW``; nothing is written on GET);
each form posts to its own endpoint (``DECISION_EDIT``), is parsed into the typed input of a
named service (``portal.services.initiation``, ``drafting``, ``drafts``, ``participation``,
``internal_review``) and handed to the shared ``submit`` helper, which commits once and
redirects, or re-renders with 422, the rule and the errors next to their fields. A locked record
is shown as issued, with the same form and a correction reason for the role that corrects it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import attach, decision_or_404, form_errors, input_error, submit, who
from admin.forms_early import (
    DOCUMENT_KIND,
    ActivityForm,
    ConsultationForm,
    DisputeForm,
    DisputeResolutionForm,
    DraftingForm,
    DraftVersionForm,
    ExtensionForm,
    InitiationForm,
    InternalDiscussionForm,
    InternalLegalReviewForm,
    SpecificGroupForm,
    UnitConsultationForm,
)
from portal import clock, labels
from portal.extensions import db
from portal.i18n import is_zh
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource
from portal.models.document import DocumentKind, DocumentVersion
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.permissions import Permission, can, require
from portal.rules.errors import RuleViolation
from portal.rules.locks import RecordGroup
from portal.rules.workdays import local_date
from portal.services import corrections, drafting, drafts, initiation, internal_review
from portal.services import participation as part
from portal.services.record_locks import corrections_in, lock_state

URL = "/decisions/<int:decision_id>"


# -- shared ---------------------------------------------------------------------------------------


def _locale() -> str:
    return "zh" if is_zh() else "en"


def _render(template: str, decision: Decision, *, errors=None, status: int = 200, **context):
    return render_template(
        template,
        decision=decision,
        errors=errors or [],
        can_edit=can(current_user, Permission.DECISION_EDIT, decision),
        today=clock.local_today(current_app.config["TIMEZONE"]),
        **context,
    ), status


def _owned(model, record_id: int, decision: Decision):
    """A sub-record of this decision, or 404 (never another decision's row)."""
    row = db.session.get(model, record_id)
    if row is None or row.decision_id != decision.id:
        abort(404)
    return row


def _back(endpoint: str, decision: Decision) -> str:
    return url_for(endpoint, decision_id=decision.id)


def _text(field) -> str:
    return field.data or ""


def _correction(form) -> str | None:
    return (form.correction_reason.data or "").strip() or None


def _lock(record, fields, decision: Decision):
    return lock_state(record, fields, decision, current_user)


# -- 1. initiation (PROC-3b, PROC-11, PROC-12a, A7, A42) -----------------------------------------

INITIATION_FIELDS = (
    "source",
    "undertaking_unit_id",
    "co_units",
    "lead_unit_id",
    "initiate_decision",
    "initiated_on",
    "initiation_ref",
    "scope_exclusion",
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
        }
        form = InitiationForm(formdata=None, data=data)
    form.set_choices(initiation.departments_of(decision), _locale(), labels)
    return form


def _initiation_page(decision: Decision, form: InitiationForm, *, errors=None, status=200):
    return _render(
        "admin/stages/initiation.html",
        decision,
        form=form,
        reminders=initiation.reminders(decision),
        lock=_lock(decision, INITIATION_FIELDS, decision),
        flags=corrections.FLAGS,
        pending_flags=corrections.pending_requests(decision),
        record_corrections=corrections_in(decision, RecordGroup.INITIATION),
        errors=errors,
        status=status,
    )


@bp.get(URL + "/initiation")
@require(Permission.DECISION_VIEW)
def decision_initiation(decision_id: int):
    decision = decision_or_404(decision_id)
    return _initiation_page(decision, _initiation_form(decision, submitted=False))


@bp.post(URL + "/initiation")
@require(Permission.DECISION_EDIT)
def decision_initiation_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _initiation_form(decision, submitted=True)
    form.validate()  # the rules are checked too, so that every problem shows at once
    data = initiation.InitiationInput(
        source=DecisionSource(form.source.data)
        if form.source.data in {s.value for s in DecisionSource}
        else decision.source,
        undertaking_unit_id=None if form.undertaking_unit.errors else form.undertaking_unit.data,
        co_unit_ids=tuple(form.co_units.data or ()) if not form.co_units.errors else (),
        lead_unit_id=None if form.lead_unit.errors else form.lead_unit.data,
        initiate_decision=None if form.initiate_decision.errors else form.initiate_decision.data,
        initiated_on=None if form.initiated_on.errors else form.initiated_on.data,
        initiation_ref=_text(form.initiation_ref),
        scope_exclusion=None if form.scope_exclusion.errors else form.scope_exclusion.data,
    )
    if form.errors:
        # malformed fields: show them, with the rule problems of the fields that could be read
        found = [
            v
            for v in initiation.initiation_violations(decision, data, now=clock.now())
            if v.field not in form.errors
        ]
        attach(form, found)
        return _initiation_page(decision, form, errors=found + form_errors(form), status=422)
    return submit(
        lambda: initiation.record_initiation(decision, data, correction=_correction(form), **who()),
        render=lambda errors, status: _initiation_page(
            decision, form, errors=errors, status=status
        ),
        form=form,
        redirect_to=_back("admin.decision_initiation", decision),
        message=_("The initiation record is saved."),
        fields={"undertaking_units": "undertaking_unit"},
    )


# -- 2. drafting and research (PROC-13..15) -------------------------------------------------------

DRAFTING_FIELDS = (
    "mode",
    "entrusted_party",
    "research_situation",
    "research_necessity",
    "research_basis",
    "research_other",
    "cost_benefit",
)


def _drafting_form(decision: Decision, *, submitted: bool) -> DraftingForm:
    if submitted:
        form = DraftingForm(prefix="rec")
    else:
        rec = drafting.drafting_record(decision)
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
                "fair_competition_review_done": decision.fair_competition_review_done,
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
    disputes = drafting.disputes(decision)
    resolve_forms = dict(resolve_forms or {})
    for d in disputes:
        if d.id not in resolve_forms:
            resolve_forms[d.id] = DisputeResolutionForm(
                formdata=None,
                prefix=f"res{d.id}",
                data={"resolution": d.resolution, "resolved_on": d.resolved_on},
            )
    record = drafting.drafting_record(decision)
    probe = record or DraftingRecord(decision_id=decision.id)
    return _render(
        "admin/stages/drafting.html",
        decision,
        record_form=record_form or _drafting_form(decision, submitted=False),
        uc_form=uc_form or UnitConsultationForm(formdata=None, prefix="uc"),
        dispute_form=dispute_form or DisputeForm(formdata=None, prefix="dis"),
        resolve_forms=resolve_forms,
        consultations=drafting.unit_consultations(decision),
        disputes=disputes,
        # PROC-15b: no agreement reached, and nothing referred to the decision organ yet
        unreferred=drafting.unreferred_disagreement(decision),
        lock=_lock(probe, DRAFTING_FIELDS, decision),
        record_corrections=corrections_in(decision, RecordGroup.DRAFTING),
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

    def call():
        data = drafting.DraftingInput(
            mode=DraftingMode(form.mode.data),
            entrusted_party=_text(form.entrusted_party),
            research_situation=_text(form.research_situation),
            research_necessity=_text(form.research_necessity),
            research_basis=_text(form.research_basis),
            research_other=_text(form.research_other),
            cost_benefit=_text(form.cost_benefit),
            fair_competition_review_done=bool(form.fair_competition_review_done.data),
        )
        return drafting.save_drafting_record(decision, data, correction=_correction(form), **who())

    return submit(
        call,
        form=form,
        render=lambda errors, status: _drafting_page(
            decision, record_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_drafting", decision),
        message=_("The drafting record is saved."),
    )


@bp.post(URL + "/drafting/consultations")
@require(Permission.DECISION_EDIT)
def decision_drafting_consultation_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = UnitConsultationForm(prefix="uc")
    data = lambda: drafting.UnitConsultationInput(  # noqa: E731 - read after validation
        party=_text(form.party),
        consulted_on=form.consulted_on.data,
        opinion=_text(form.opinion),
        agreed=bool(form.agreed.data),
    )
    return submit(
        lambda: drafting.add_unit_consultation(decision, data(), **who()),
        form=form,
        render=lambda errors, status: _drafting_page(
            decision, uc_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_drafting", decision),
        message=_("The consultation is recorded."),
    )


@bp.post(URL + "/drafting/consultations/<int:consultation_id>/delete")
@require(Permission.DECISION_EDIT)
def decision_drafting_consultation_delete(decision_id: int, consultation_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    row = _owned(UnitConsultation, consultation_id, decision)
    return submit(
        lambda: drafting.delete_unit_consultation(row, decision=decision, **who()),
        render=lambda errors, status: _drafting_page(decision, errors=errors, status=status),
        redirect_to=_back("admin.decision_drafting", decision),
        message=_("The consultation is deleted."),
    )


@bp.post(URL + "/drafting/disputes")
@require(Permission.DECISION_EDIT)
def decision_drafting_dispute_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = DisputeForm(prefix="dis")

    def call():
        data = drafting.DisputeInput(
            issues=_text(form.issues),
            differing_opinions=_text(form.differing_opinions),
            reasons_and_basis=_text(form.reasons_and_basis),
            referred_on=form.referred_on.data,
        )
        return drafting.refer_dispute(decision, data, **who())

    return submit(
        call,
        form=form,
        render=lambda errors, status: _drafting_page(
            decision, dispute_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_drafting", decision),
        message=_("The dispute is recorded."),
    )


@bp.post(URL + "/drafting/disputes/<int:dispute_id>/resolve")
@require(Permission.DECISION_EDIT)
def decision_drafting_dispute_resolve(decision_id: int, dispute_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    dispute = _owned(Dispute, dispute_id, decision)
    form = DisputeResolutionForm(prefix=f"res{dispute.id}")

    def call():
        data = drafting.ResolutionInput(
            resolution=_text(form.resolution), resolved_on=form.resolved_on.data
        )
        return drafting.resolve_dispute(
            dispute, data, decision=decision, correction=_correction(form), **who()
        )

    return submit(
        call,
        form=form,
        render=lambda errors, status: _drafting_page(
            decision, resolve_forms={dispute.id: form}, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_drafting", decision),
        message=_("The resolution is recorded."),
    )


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

    def render(errors, status):
        return _drafts_page(decision, given=(doc_kind, form), errors=errors, status=status)

    try:
        return submit(
            lambda: drafts.add_version(
                decision,
                doc_kind,
                body=form.body.data.replace("\r\n", "\n"),
                change_note=_text(form.change_note).strip(),
                **who(),
            ),
            form=form,
            render=render,
            redirect_to=_back("admin.decision_drafts", decision),
            message=_("The new version is saved."),
        )
    except sa.exc.IntegrityError:
        # two people saved a version at the same moment: the number was taken (rolled back)
        return render(
            [input_error(_("Another version was saved at the same time. Save again."))], 409
        )


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
    if version.published_at is not None:
        flash(_("This version was already published."))
        return redirect(_back("admin.decision_drafts", decision))
    return submit(
        lambda: drafts.publish_version(decision, version, **who()),
        render=lambda errors, status: _drafts_page(decision, errors=errors, status=status),
        redirect_to=_back("admin.decision_drafts", decision),
        message=_("The version is published."),
    )


# -- 4. public participation (PROC-16..20, PART) ---------------------------------------------------

NOTICE_FIELDS = (
    "title",
    "notice",
    "opens_at",
    "closes_at",
    "shortened_reason",
    "channels",
    "contact_department",
    "contact_person",
    "contact_phone",
    "contact_email",
    "postal_address",
    "draft_version_id",
)
ACTIVITY_FIELDS = ("method", "title", "held_on", "place", "participants", "held", "summary")


def _draft_versions(decision: Decision) -> list[DocumentVersion]:
    doc = drafts.draft_document(decision, DocumentKind.DRAFT)
    return list(doc.versions) if doc else []


def _editable_window(decision: Decision) -> Consultation | None:
    """The window the notice form changes: the latest, unless it has closed (then the form
    opens a new round)."""
    c = part.current_consultation(decision)
    if c is None or part.period(c, clock.now()).closed:
        return None
    return c


def _consultation_form(decision: Decision, *, submitted: bool) -> ConsultationForm:
    versions = _draft_versions(decision)
    if submitted:
        form = ConsultationForm(prefix="c")
    else:
        c = _editable_window(decision)
        unit = decision.undertaking_unit
        published = [v for v in versions if v.published_at]
        data = (
            {
                "title": c.title,
                "notice": c.notice,
                "opens_on": local_date(c.opens_at),
                "closes_on": part.last_day(c.closes_at),
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
                "draft_version": published[-1].id if published else None,
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
                "method": activity.method,
                "title": activity.title,
                "held_on": activity.held_on,
                "place": activity.place,
                "participants": activity.participants,
                "held": activity.held,
                "third_party": activity.third_party,
                "summary": activity.summary,
            },
        )
    else:
        form = ActivityForm(formdata=None, prefix=prefix)
    form.set_choices(labels)
    return form


def _participation_page(
    decision: Decision,
    *,
    consultation_form: ConsultationForm | None = None,
    extension_form: ExtensionForm | None = None,
    activity_form: ActivityForm | None = None,
    group_form: SpecificGroupForm | None = None,
    edit: ParticipationActivity | None = None,
    errors=None,
    status: int = 200,
):
    now = clock.now()
    windows = part.consultations(decision)
    editable = _editable_window(decision)
    probe_activity = edit or ParticipationActivity(decision_id=decision.id, held_on=None)
    return _render(
        "admin/stages/participation.html",
        decision,
        windows=[(c, part.period(c, now)) for c in windows],
        editable=editable,
        editable_period=part.period(editable, now) if editable else None,
        notice_lock=_lock(editable, NOTICE_FIELDS, decision) if editable else None,
        consultation_form=consultation_form or _consultation_form(decision, submitted=False),
        extension_form=extension_form or ExtensionForm(formdata=None, prefix="x"),
        rows=part.activity_rows(decision),
        activity_lock=_lock(probe_activity, ACTIVITY_FIELDS, decision),
        activity_form=activity_form
        or (_activity_form(submitted=False, activity=edit) if edit else None)
        or _activity_form(submitted=False),
        group_form=group_form
        or SpecificGroupForm(
            formdata=None, prefix="g", data={"heard": decision.specific_group_heard}
        ),
        group_lock=_lock(decision, ["specific_group_heard"], decision),
        record_corrections=corrections_in(
            decision, RecordGroup.CONSULTATION, RecordGroup.PARTICIPATION_ACTIVITY
        ),
        hand_methods=part.HAND_RECORDED_METHODS,
        edit=edit,
        errors=errors,
        status=status,
    )


@bp.get(URL + "/participation")
@require(Permission.DECISION_VIEW)
def decision_participation(decision_id: int):
    return _participation_page(decision_or_404(decision_id))


def _notice(form: ConsultationForm) -> part.ConsultationNotice:
    return part.ConsultationNotice(
        title=_text(form.title),
        notice=_text(form.notice),
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        shortened_reason=_text(form.shortened_reason),
        channels=_text(form.channels),
        contact_department=_text(form.contact_department),
        contact_person=_text(form.contact_person),
        contact_phone=_text(form.contact_phone),
        contact_email=_text(form.contact_email),
        postal_address=_text(form.postal_address),
        draft_version_id=form.draft_version.data,
    )


@bp.post(URL + "/participation/consultation")
@require(Permission.DECISION_EDIT)
def decision_participation_consultation_save(decision_id: int):
    """Announce the comment window (or a new round), or change the announced one."""
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _consultation_form(decision, submitted=True)
    window = _editable_window(decision)

    def call():
        if window is None:
            return part.open_consultation(decision, _notice(form), **who())
        return part.save_consultation_notice(
            window, _notice(form), decision=decision, correction=_correction(form), **who()
        )

    return submit(
        call,
        form=form,
        render=lambda errors, status: _participation_page(
            decision, consultation_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_participation", decision),
        message=_("The comment window is saved.")
        if window is not None
        else _("The comment window is announced."),
        fields={"draft": "draft_version"},
    )


@bp.post(URL + "/participation/consultation/extend")
@require(Permission.DECISION_EDIT)
def decision_participation_consultation_extend(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    window = part.current_consultation(decision)
    if window is None:
        abort(404)
    form = ExtensionForm(prefix="x")

    def call():
        data = part.ExtensionInput(closes_on=form.closes_on.data, reason=_text(form.reason))
        return part.extend_consultation(window, data, decision=decision, **who())

    return submit(
        call,
        form=form,
        render=lambda errors, status: _participation_page(
            decision, extension_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_participation", decision),
        message=_("The comment window is extended."),
    )


def _activity_input(form: ActivityForm) -> part.ActivityInput:
    return part.ActivityInput(
        method=form.method.data,
        title=_text(form.title),
        held_on=form.held_on.data,
        place=_text(form.place),
        participants=form.participants.data or 0,
        held=bool(form.held.data),
        third_party=_text(form.third_party),
        summary=_text(form.summary),
    )


def _activity_by_hand(activity_id: int, decision: Decision) -> ParticipationActivity:
    """The activity, unless a hearing keeps it up to date: then the user is sent to the
    hearing's page (navigation, not a refusal; the service refuses such a change anyway)."""
    activity = _owned(ParticipationActivity, activity_id, decision)
    hearing = part.hearing_of_activity(activity.id)
    if hearing is not None:
        flash(_("This activity is kept up to date from its hearing; change it there."))
        abort(redirect(url_for("admin.hearing_show", hearing_id=hearing.id), code=303))
    return activity


@bp.post(URL + "/participation/activities")
@require(Permission.DECISION_EDIT)
def decision_participation_activity_add(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _activity_form(submitted=True)
    return submit(
        lambda: part.record_activity(decision, _activity_input(form), **who()),
        form=form,
        render=lambda errors, status: _participation_page(
            decision, activity_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_participation", decision),
        message=_("The activity is saved."),
    )


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
    return submit(
        lambda: part.record_activity(
            decision,
            _activity_input(form),
            activity=activity,
            correction=_correction(form),
            **who(),
        ),
        form=form,
        render=lambda errors, status: _participation_page(
            decision, activity_form=form, edit=activity, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_participation", decision),
        message=_("The activity is saved."),
    )


@bp.post(URL + "/participation/activities/<int:activity_id>/delete")
@require(Permission.DECISION_EDIT)
def decision_participation_activity_delete(decision_id: int, activity_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    activity = _activity_by_hand(activity_id, decision)
    return submit(
        lambda: part.delete_activity(activity, decision=decision, **who()),
        render=lambda errors, status: _participation_page(decision, errors=errors, status=status),
        redirect_to=_back("admin.decision_participation", decision),
        message=_("The activity is deleted."),
    )


@bp.post(URL + "/participation/specific-group")
@require(Permission.DECISION_EDIT)
def decision_participation_specific_group(decision_id: int):
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = SpecificGroupForm(prefix="g")
    return submit(
        lambda: part.record_specific_group_heard(
            decision, bool(form.heard.data), correction=_correction(form), **who()
        ),
        form=form,
        render=lambda errors, status: _participation_page(
            decision, group_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_participation", decision),
        message=_("Recorded."),
    )


# -- 5. unit review (PROC-28a) ------------------------------------------------------------------

LEGAL_REVIEW_FIELDS = (
    "internal_legal_review_on",
    "internal_legal_review_opinion",
    "internal_legal_review_result",
)
DISCUSSION_FIELDS = (
    "internal_discussion_on",
    "internal_discussion_minutes",
    "internal_discussion_result",
)


def _legal_review_form(decision: Decision, *, submitted: bool) -> InternalLegalReviewForm:
    form = (
        InternalLegalReviewForm(prefix="lr")
        if submitted
        else InternalLegalReviewForm(
            formdata=None,
            prefix="lr",
            data={name: getattr(decision, name) for name in LEGAL_REVIEW_FIELDS},
        )
    )
    form.set_choices(labels)
    return form


def _discussion_form(decision: Decision, *, submitted: bool) -> InternalDiscussionForm:
    form = (
        InternalDiscussionForm(prefix="cd")
        if submitted
        else InternalDiscussionForm(
            formdata=None,
            prefix="cd",
            data={name: getattr(decision, name) for name in DISCUSSION_FIELDS},
        )
    )
    form.set_choices(labels)
    return form


def _internal_page(
    decision: Decision,
    *,
    legal_form: InternalLegalReviewForm | None = None,
    discussion_form: InternalDiscussionForm | None = None,
    errors=None,
    status=200,
):
    legal_passed, discussion_passed = internal_review.passed(decision)
    return _render(
        "admin/stages/internal_review.html",
        decision,
        legal_form=legal_form or _legal_review_form(decision, submitted=False),
        discussion_form=discussion_form or _discussion_form(decision, submitted=False),
        legal_lock=_lock(decision, LEGAL_REVIEW_FIELDS, decision),
        discussion_lock=_lock(decision, DISCUSSION_FIELDS, decision),
        legal_passed=legal_passed,
        discussion_passed=discussion_passed,
        record_corrections=corrections_in(
            decision, RecordGroup.INTERNAL_LEGAL_REVIEW, RecordGroup.INTERNAL_DISCUSSION
        ),
        errors=errors,
        status=status,
    )


@bp.get(URL + "/internal-review")
@require(Permission.DECISION_VIEW)
def decision_internal_review(decision_id: int):
    return _internal_page(decision_or_404(decision_id))


@bp.post(URL + "/internal-review")
@require(Permission.DECISION_EDIT)
def decision_internal_review_save(decision_id: int):
    """PROC-28a: the legal office's preliminary review."""
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _legal_review_form(decision, submitted=True)

    def call():
        data = internal_review.InternalLegalReviewInput(
            on=form.internal_legal_review_on.data,
            opinion=_text(form.internal_legal_review_opinion),
            result=form.internal_legal_review_result.data,
        )
        return internal_review.record_internal_legal_review(
            decision, data, correction=_correction(form), **who()
        )

    return submit(
        call,
        form=form,
        render=lambda errors, status: _internal_page(
            decision, legal_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_internal_review", decision),
        message=_("The unit review is saved."),
    )


@bp.post(URL + "/internal-review/discussion")
@require(Permission.DECISION_EDIT)
def decision_internal_discussion_save(decision_id: int):
    """PROC-28a: the unit's collective discussion."""
    decision = decision_or_404(decision_id, Permission.DECISION_EDIT)
    form = _discussion_form(decision, submitted=True)

    def call():
        data = internal_review.InternalDiscussionInput(
            on=form.internal_discussion_on.data,
            minutes=_text(form.internal_discussion_minutes),
            result=form.internal_discussion_result.data,
        )
        return internal_review.record_internal_discussion(
            decision, data, correction=_correction(form), **who()
        )

    return submit(
        call,
        form=form,
        render=lambda errors, status: _internal_page(
            decision, discussion_form=form, errors=errors, status=status
        ),
        redirect_to=_back("admin.decision_internal_review", decision),
        message=_("The unit review is saved."),
    )
