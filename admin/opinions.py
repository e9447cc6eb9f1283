"""The opinion queue of a decision: moderation (approve / withhold, in bulk and by campaign
group) and answers with adoption (PROC-20a, PART-15, A39).

Moderators (OPINION_MODERATE) see the raw text with personal data highlighted, the masked
preview that will be published, and masked contacts. Undertaking staff (OPINION_ANSWER) see the
masked text and record adoption and responses. Views are thin: parse, call
``portal.services.moderation``, commit once, flash, redirect.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin import bp
from admin._helpers import actor, client_ip, decision_or_404
from portal import clock, labels
from portal.extensions import db
from portal.models.opinion import Opinion
from portal.permissions import Permission, can, require
from portal.public._util import pages
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import RuleViolation
from portal.rules.privacy import mask_contact, mask_personal_data, segments
from portal.services import adoption, exports, moderation

ROUTE = "/decisions/<int:decision_id>/opinions"
STATUS_LABELS = {
    OpinionStatus.RECEIVED: _l("Awaiting moderation"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Withheld"),
}
MAX_IDS = 500
PER_PAGE = 50


def _queue_decision(decision_id: int):
    """The decision, for staff who moderate or answer its opinions (others: 403)."""
    decision = decision_or_404(decision_id)
    if not (
        can(current_user, Permission.OPINION_MODERATE, decision)
        or can(current_user, Permission.OPINION_ANSWER, decision)
    ):
        abort(403)
    return decision


def _render(decision, *, errors=None, status: int = 200):
    moderation.refresh_groups(decision)  # derived data: group keys of new opinions
    db.session.commit()
    status_filter = request.args.get("status", "")
    try:
        selected = OpinionStatus(status_filter) if status_filter else None
    except ValueError:
        selected = None
    group_key = request.args.get("group", "")[:64] or None
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 6 else 1
    opinions, total = moderation.queue_page(decision, selected, group_key, page, PER_PAGE)
    group_sizes = moderation.group_counts(decision)
    can_moderate = can(current_user, Permission.OPINION_MODERATE, decision)
    return (
        render_template(
            "admin/opinions/queue.html",
            decision=decision,
            opinions=opinions,
            groups=moderation.groups(decision),
            group_sizes=group_sizes,
            counts=moderation.status_counts(decision),
            status_labels=STATUS_LABELS,
            reason_labels=moderation.WITHHOLD_REASON_LABELS,
            adoption_labels=labels.ADOPTION,
            adoptions=[a for a in AdoptionStatus if a is not AdoptionStatus.PENDING],
            selected=selected,
            group_key=group_key,
            can_moderate=can_moderate,
            can_answer=can(current_user, Permission.OPINION_ANSWER, decision),
            answer_templates=adoption.active_templates(decision.government_id),
            page=page,
            page_count=pages(total, PER_PAGE),
            total=total,
            segments=segments,
            masked=mask_personal_data,
            mask_contact=mask_contact,
            errors=errors or [],
        ),
        status,
    )


@bp.get(ROUTE)
@require(Permission.DECISION_VIEW)
def decision_opinions(decision_id: int):
    return _render(_queue_decision(decision_id))


def _ids() -> list[int]:
    values = request.form.getlist("ids")
    return [int(v) for v in values[:MAX_IDS] if v.isascii() and v.isdigit() and len(v) < 10]


@bp.post(ROUTE + "/moderate")
@require(Permission.OPINION_MODERATE)
def decision_opinions_moderate(decision_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_MODERATE)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")
    group_key = request.form.get("group", "")[:64]
    if group_key:
        targets = moderation.queue(decision, group_key=group_key)
    else:
        targets = moderation.opinions_of(decision, _ids())
    if not targets:
        return _render(
            decision, errors=[RuleViolation("", _("Select at least one opinion."))], status=422
        )
    if action == "withhold" and reason not in {r.value for r in WithholdReason}:
        return _render(
            decision,
            errors=[RuleViolation("", _("Choose why the opinion is not published."))],
            status=422,
        )
    try:
        count = moderation.moderate_opinions(
            targets, action, reason=reason, actor=actor(), now=clock.now(), ip=client_ip()
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _render(decision, errors=[violation], status=422)
    db.session.commit()
    flash(_("%(n)d opinion(s) moderated.", n=count))
    return redirect(url_for("admin.decision_opinions", decision_id=decision.id))


@bp.post(ROUTE + "/<int:opinion_id>/answer")
@require(Permission.OPINION_ANSWER)
def decision_opinion_answer(decision_id: int, opinion_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.decision_id != decision.id:
        abort(404)
    adoption_value, response = adoption.answer_from_form(
        decision.government_id,
        request.form.get("adoption", ""),
        request.form.get("response", ""),
        request.form.get("template"),
    )
    try:
        moderation.answer_opinion(
            opinion,
            adoption_value,
            response,
            theme=request.form.get("theme"),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _render(decision, errors=[violation], status=422)
    db.session.commit()
    flash(_("Answer recorded."))
    return redirect(
        url_for("admin.decision_opinions", decision_id=decision.id, _anchor=f"op-{opinion.id}")
    )


@bp.post(ROUTE + "/answer-bulk")
@require(Permission.OPINION_ANSWER)
def decision_opinions_answer_bulk(decision_id: int):
    """One answer for the selected opinions or a whole group (campaigns, templates)."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    group_key = request.form.get("group", "")[:64]
    if group_key:
        targets = moderation.queue(decision, group_key=group_key)
    else:
        targets = moderation.opinions_of(decision, _ids())
    adoption_value, response = adoption.answer_from_form(
        decision.government_id,
        request.form.get("adoption", ""),
        request.form.get("response", ""),
        request.form.get("template"),
    )
    theme = request.form.get("theme", "")
    try:
        count = moderation.answer_opinions(
            targets,
            adoption_value,
            response,
            theme=theme if theme.strip() else None,
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _render(decision, errors=[violation], status=422)
    db.session.commit()
    flash(_("%(n)d opinion(s) answered.", n=count))
    return redirect(url_for("admin.decision_opinions", decision_id=decision.id))


# -- the adoption report (PART-15b) and exports ---------------------------------------------------


def _render_report(decision, *, errors=None, status: int = 200, summary: str | None = None):
    report = adoption.report_of(decision)
    return (
        render_template(
            "admin/opinions/report.html",
            decision=decision,
            report=report,
            summary=summary if summary is not None else (report.summary if report else ""),
            data=adoption.report_data(decision),
            problems=adoption.publication_problems(decision, clock.now()),
            adoption_labels=labels.ADOPTION,
            can_answer=can(current_user, Permission.OPINION_ANSWER, decision),
            errors=errors or [],
        ),
        status,
    )


@bp.get(ROUTE + "/report")
@require(Permission.DECISION_VIEW)
def decision_opinion_report(decision_id: int):
    return _render_report(decision_or_404(decision_id))


@bp.post(ROUTE + "/report")
@require(Permission.OPINION_ANSWER)
def decision_opinion_report_save(decision_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    summary = request.form.get("summary", "")
    try:
        adoption.save_summary(decision, summary, actor=actor(), now=clock.now(), ip=client_ip())
        if request.form.get("action") == "publish":
            adoption.publish_report(decision, actor=actor(), now=clock.now(), ip=client_ip())
    except RuleViolation as violation:
        db.session.rollback()
        return _render_report(decision, errors=[violation], status=422, summary=summary)
    db.session.commit()
    flash(
        _("The adoption report is published.")
        if request.form.get("action") == "publish"
        else _("Summary saved.")
    )
    return redirect(url_for("admin.decision_opinion_report", decision_id=decision.id))


EXPORT_KINDS = ("csv", "xlsx", "docx")


def _register_sheet(decision) -> exports.Sheet:
    headers = [
        _("No."),
        _("Submitted at"),
        _("Status"),
        _("Reason if withheld"),
        _("Theme or clause"),
        _("Name (published with consent)"),
        _("Opinion (personal data masked)"),
        _("Adoption"),
        _("Response"),
        _("Answered at"),
    ]
    rows = []
    for row in adoption.register_rows(decision):
        row[2] = str(STATUS_LABELS[row[2]])
        row[3] = str(moderation.WITHHOLD_REASON_LABELS[row[3]]) if row[3] else ""
        row[7] = str(labels.ADOPTION[row[7]])
        rows.append(row)
    return exports.Sheet(_("Opinions"), headers, rows)


def _report_docx(decision) -> bytes:
    data = adoption.report_data(decision)
    report = adoption.report_of(decision)
    counts = exports.Sheet(
        _("Adoption"),
        [_("Adoption"), _("Opinions")],
        [[str(labels.ADOPTION[a]), n] for a, n in data.counts.items()],
    )
    themes = exports.Sheet(
        _("Themes"),
        [_("Theme or clause"), _("Opinions")] + [str(labels.ADOPTION[a]) for a in AdoptionStatus],
        [
            [t.name or _("The draft as a whole"), t.total] + [t.counts[a] for a in AdoptionStatus]
            for t in data.themes
        ],
    )
    register = _register_sheet(decision)
    answers = exports.Sheet(
        register.title,
        [
            register.headers[0],
            register.headers[4],
            register.headers[6],
            register.headers[7],
            register.headers[8],
        ],
        [[r[0], r[4], r[6], r[7], r[8]] for r in register.rows if r[6]],
    )
    return exports.to_docx(
        _("How the public's opinions were adopted"),
        [
            exports.DocSection(_("Summary"), (report.summary if report else "").split("\n")),
            exports.DocSection(
                _("Opinions received"),
                [
                    _(
                        "%(published)d published, %(withheld)d withheld, %(waiting)d awaiting "
                        "moderation.",
                        published=data.published,
                        withheld=data.withheld,
                        waiting=data.awaiting_moderation,
                    )
                ],
                counts,
            ),
            exports.DocSection(_("By theme or clause"), (), themes),
            exports.DocSection(_("Each opinion and its answer"), (), answers),
        ],
        subtitle=decision.title,
    )


@bp.get(ROUTE + "/export.<kind>")
@require(Permission.DECISION_VIEW)
def decision_opinions_export(decision_id: int, kind: str):
    """The opinion register (CSV, XLSX) or the adoption report (DOCX); formula cells are
    neutralised and contact details are never exported."""
    if kind not in EXPORT_KINDS:
        abort(404)
    decision = decision_or_404(decision_id)  # any staff of the government, e.g. the office
    name = f"decision-{decision.id}-opinions.{kind}"
    if kind == "csv":
        data = exports.to_csv(_register_sheet(decision))
    elif kind == "xlsx":
        data = exports.to_xlsx([_register_sheet(decision)])
    else:
        data = _report_docx(decision)
        name = f"decision-{decision.id}-adoption-report.docx"
    return exports.download(data, name, kind)


# -- answer templates ------------------------------------------------------------------------------


def _render_templates(*, errors=None, status: int = 200, form=None):
    return (
        render_template(
            "admin/opinions/templates.html",
            templates=adoption.active_templates(current_user.government_id),
            adoption_labels=labels.ADOPTION,
            adoptions=[a for a in AdoptionStatus if a is not AdoptionStatus.PENDING],
            form=form or {},
            errors=errors or [],
        ),
        status,
    )


@bp.get("/answer-templates")
@require(Permission.OPINION_ANSWER)
def answer_templates():
    return _render_templates()


@bp.post("/answer-templates")
@require(Permission.OPINION_ANSWER)
def answer_template_create():
    form = request.form
    try:
        adoption.create_template(
            current_user.government_id,
            form.get("title", ""),
            form.get("adoption", ""),
            form.get("text", ""),
            actor=actor(),
            now=clock.now(),
            ip=client_ip(),
        )
    except RuleViolation as violation:
        db.session.rollback()
        return _render_templates(errors=[violation], status=422, form=form)
    db.session.commit()
    flash(_("Template saved."))
    return redirect(url_for("admin.answer_templates"))


@bp.post("/answer-templates/<int:template_id>/retire")
@require(Permission.OPINION_ANSWER)
def answer_template_retire(template_id: int):
    template = adoption.template_of(current_user.government_id, template_id)
    if template is None:
        abort(404)
    adoption.retire_template(template, actor=actor(), now=clock.now(), ip=client_ip())
    db.session.commit()
    flash(_("Template removed."))
    return redirect(url_for("admin.answer_templates"))
