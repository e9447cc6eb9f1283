"""The opinion queue of a decision: moderation (approve / withhold, in bulk and by campaign
group), answers with adoption (PROC-20a, PART-15, A39), and opinions received offline
(a letter, a 12345 hotline call, a contact point, a meeting: PART-6b/6c) entered for the citizen.

Moderators (OPINION_MODERATE) see the raw text with personal data highlighted, the masked
preview that will be published, and masked contacts. Undertaking staff (OPINION_ANSWER) see the
masked text, record adoption and responses and enter offline opinions. Views are thin: parse,
call ``portal.services.moderation`` / ``portal.services.opinions`` through ``submit`` (one
commit, or 422 with the rule); the queue page only reads (its campaign groups are computed when
an opinion is received).
"""

from __future__ import annotations

import secrets

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin import bp
from admin._helpers import decision_or_404, submit, who
from admin.forms_opinions import OfflineOpinionForm
from portal import clock, labels
from portal.extensions import db
from portal.models.opinion import Opinion
from portal.permissions import Permission, can, require
from portal.public._util import pages
from portal.rules.privacy import mask_contact, mask_personal_data, segments
from portal.services import adoption, exports, moderation
from portal.services import decisions as decision_service
from portal.services import opinions as opinion_service
from portal.services.opinions import AdoptionStatus, OpinionChannel, OpinionStatus

ROUTE = "/decisions/<int:decision_id>/opinions"
STATUS_LABELS = {
    OpinionStatus.RECEIVED: _l("Awaiting moderation"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Withheld"),
}
# The queue's views (issue 12): moderation statuses, then what still needs an answer and the
# draft answers awaiting release, then everything. Each status reads as a word and a shape.
VIEW_LABELS = {
    OpinionStatus.RECEIVED: _l("Awaiting moderation"),
    moderation.UNANSWERED: _l("Awaiting an answer"),
    moderation.DRAFTS: _l("Draft answers"),
    OpinionStatus.PUBLISHED: _l("Published"),
    OpinionStatus.WITHHELD: _l("Withheld"),
    moderation.ALL: _l("All"),
}
STATUS_SHAPES = {
    "received": "○",
    "unanswered": "◇",
    "drafts": "✎",
    "published": "●",
    "withheld": "⊘",
    "draft": "✎",
}
MAX_IDS = 500
PER_PAGE = 50
OFFLINE_RECEIPT_KEY = "offline_opinion_receipt"


def _queue_decision(decision_id: int):
    """The decision, for staff who moderate or answer its opinions (others: 403)."""
    decision = decision_or_404(decision_id)
    if not (
        can(current_user, Permission.OPINION_MODERATE, decision)
        or can(current_user, Permission.OPINION_ANSWER, decision)
    ):
        abort(403)
    return decision


def _default_view(decision, can_moderate: bool) -> str:
    """The queue opens on what waits for the user: moderation for moderators, answers for the
    undertaking unit (issue 12), everything for others."""
    if can_moderate:
        return OpinionStatus.RECEIVED
    if can(current_user, Permission.OPINION_ANSWER, decision):
        return moderation.UNANSWERED
    return moderation.ALL


def _render(decision, *, errors=None, status: int = 200):
    can_moderate = can(current_user, Permission.OPINION_MODERATE, decision)
    can_answer = can(current_user, Permission.OPINION_ANSWER, decision)
    group_key = request.args.get("group", "")[:64] or None
    status_filter = request.args.get("status", "")
    selected = next((v for v in VIEW_LABELS if v == status_filter), None)
    if selected is None:
        selected = moderation.ALL if group_key else _default_view(decision, can_moderate)
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 6 else 1
    opinions, total = moderation.queue_page(decision, selected, group_key, page, PER_PAGE)
    group_sizes = moderation.group_counts(decision)
    report = adoption.report_of(decision)
    counts = moderation.status_counts(decision)
    view_counts = {
        **counts,
        **moderation.answer_counts(decision),
        moderation.ALL: sum(counts.values()),
    }
    return (
        render_template(
            "admin/opinions/queue.html",
            decision=decision,
            opinions=opinions,
            groups=moderation.groups(decision),
            group_sizes=group_sizes,
            counts=counts,
            view_counts=view_counts,
            view_labels=VIEW_LABELS,
            shapes=STATUS_SHAPES,
            moderation_actions=moderation.moderation_actions,
            status_labels=STATUS_LABELS,
            reason_labels=moderation.WITHHOLD_REASON_LABELS,
            adoption_labels=labels.ADOPTION,
            channel_labels=labels.OPINION_CHANNEL,
            online=OpinionChannel.ONLINE,
            adoptions=[a for a in AdoptionStatus if a is not AdoptionStatus.PENDING],
            selected=selected,
            group_key=group_key,
            can_moderate=can_moderate,
            # issue 12: undertaking staff answer only their own unit's decisions (PART-15b)
            can_answer=can_answer and moderation.may_answer(current_user, decision),
            out_of_scope=can_answer and not moderation.may_answer(current_user, decision),
            answer_templates=adoption.active_templates(decision.government_id),
            report_published=bool(report and report.published_at),
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


def _queue_render(decision):
    return lambda errors, status: _render(decision, errors=errors, status=status)


@bp.get(ROUTE)
@require(Permission.DECISION_VIEW)
def decision_opinions(decision_id: int):
    return _render(_queue_decision(decision_id))


def _ids() -> list[int]:
    values = request.form.getlist("ids")
    return [int(v) for v in values[:MAX_IDS] if v.isascii() and v.isdigit() and len(v) < 10]


def _targets(decision) -> list[Opinion]:
    group_key = request.form.get("group", "")[:64]
    if group_key:
        return list(moderation.queue(decision, group_key=group_key))
    return list(moderation.opinions_of(decision, _ids()))


def _correction() -> str | None:
    """The reason of a correction of a locked answer (the report is published), if given."""
    reason = request.form.get("correction_reason", "").strip()
    return reason[:5000] or None


@bp.post(ROUTE + "/moderate")
@require(Permission.OPINION_MODERATE)
def decision_opinions_moderate(decision_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_MODERATE)
    targets = _targets(decision)
    action, reason = request.form.get("action", ""), request.form.get("reason", "")
    return submit(
        lambda: moderation.moderate_opinions(targets, action, reason=reason, **who()),
        render=_queue_render(decision),
        redirect_to=url_for("admin.decision_opinions", decision_id=decision.id),
        message=_("%(n)d opinion(s) moderated.", n=len(targets)),
    )


def _answer_values(decision) -> tuple:
    return adoption.answer_from_form(
        decision.government_id,
        request.form.get("adoption", ""),
        request.form.get("response", ""),
        request.form.get("template"),
    )


@bp.post(ROUTE + "/<int:opinion_id>/answer")
@require(Permission.OPINION_ANSWER)
def decision_opinion_answer(decision_id: int, opinion_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.decision_id != decision.id:
        abort(404)
    adoption_value, response = _answer_values(decision)
    return submit(
        lambda: moderation.answer_opinion(
            opinion,
            adoption_value,
            response,
            theme=request.form.get("theme"),
            correction=_correction(),
            **who(),
        ),
        render=_queue_render(decision),
        redirect_to=url_for(
            "admin.decision_opinions", decision_id=decision.id, _anchor=f"op-{opinion.id}"
        ),
        message=_("Draft answer saved. It is public once released."),
    )


@bp.post(ROUTE + "/answer-bulk")
@require(Permission.OPINION_ANSWER)
def decision_opinions_answer_bulk(decision_id: int):
    """One answer for the selected opinions or a whole group (campaigns, templates)."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    targets = _targets(decision)
    adoption_value, response = _answer_values(decision)
    theme = request.form.get("theme", "")
    return submit(
        lambda: moderation.answer_opinions(
            targets,
            adoption_value,
            response,
            theme=theme if theme.strip() else None,
            correction=_correction(),
            **who(),
        ),
        render=_queue_render(decision),
        redirect_to=url_for("admin.decision_opinions", decision_id=decision.id),
        message=_("%(n)d draft answer(s) saved. They are public once released.", n=len(targets)),
    )


# -- draft answers: preview and release together (issue 12) -------------------------------------


def _render_drafts(decision, *, errors=None, status: int = 200):
    now = clock.now()
    return (
        render_template(
            "admin/opinions/drafts.html",
            decision=decision,
            previews=[moderation.preview(op, now) for op in moderation.drafts(decision)],
            public_name=moderation.public_name,
            channel_labels=labels.OPINION_CHANNEL,
            online=OpinionChannel.ONLINE,
            published=OpinionStatus.PUBLISHED,
            can_release=moderation.may_answer(current_user, decision),
            shapes=STATUS_SHAPES,
            errors=errors or [],
        ),
        status,
    )


@bp.get(ROUTE + "/drafts")
@require(Permission.OPINION_ANSWER)
def decision_opinion_drafts(decision_id: int):
    """How the answered opinions will appear publicly once their drafts are released."""
    return _render_drafts(decision_or_404(decision_id, Permission.OPINION_ANSWER))


@bp.post(ROUTE + "/drafts")
@require(Permission.OPINION_ANSWER)
def decision_opinion_drafts_release(decision_id: int):
    """Release the selected drafts, or all of them (``action=all``), or discard the selected."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    action = request.form.get("action", "")
    ids = None if action == "all" else _ids()
    if action == "discard":
        call = lambda: moderation.discard_drafts(decision, ids, **who())  # noqa: E731
        message = _("The selected draft answers are discarded.")
    else:
        call = lambda: moderation.release_answers(decision, ids, **who())  # noqa: E731
        message = _("The answers are released: they are public now.")
    return submit(
        call,
        render=lambda errors, status: _render_drafts(decision, errors=errors, status=status),
        redirect_to=url_for("admin.decision_opinions", decision_id=decision.id),
        message=message,
    )


# -- opinions received offline (PART-6b/6c) -------------------------------------------------------


def _offline_page(decision, form, *, errors=None, status: int = 200):
    consultation = decision_service.current_consultation(decision)
    first_day, last_day = opinion_service.consultation_days(consultation)
    return (
        render_template(
            "admin/opinions/offline.html",
            decision=decision,
            form=form,
            consultation=consultation,
            first_day=first_day,
            last_day=last_day,
            refusal=opinion_service.consultation_refusal(decision, clock.now()),
            errors=errors or [],
        ),
        status,
    )


@bp.get(ROUTE + "/offline")
@require(Permission.OPINION_ANSWER)
def decision_opinion_offline(decision_id: int):
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    form = OfflineOpinionForm(formdata=None)
    form.submission_token.data = secrets.token_urlsafe(18)
    form.received_on.data = clock.local_today()
    return _offline_page(decision, form)


@bp.post(ROUTE + "/offline")
@require(Permission.OPINION_ANSWER)
def decision_opinion_offline_enter(decision_id: int):
    """Enter an opinion received offline through the same service as an online one."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    form = OfflineOpinionForm()
    token = (form.submission_token.data or "").strip()
    key = f"offline:{token}" if token.isascii() and 16 <= len(token) <= 64 else None

    def enter():
        opinion = opinion_service.submit_opinion(
            decision,
            opinion_service.OpinionInput(
                body=form.body.data or "",
                clause=form.clause.data or "",
                display_name=form.display_name.data or "",
                publish_name_consent=bool(form.publish_name_consent.data),
                contact_email=form.contact_email.data or "",
                contact_phone=form.contact_phone.data or "",
            ),
            offline=opinion_service.OfflineReceipt(
                channel=form.channel.data or "", received_on=form.received_on.data
            ),
            idempotency_key=key,
            **who(),
        )
        session[OFFLINE_RECEIPT_KEY] = opinion.receipt_code
        return opinion

    return submit(
        enter,
        render=lambda errors, status: _offline_page(decision, form, errors=errors, status=status),
        redirect_to=url_for("admin.decision_opinion_offline_receipt", decision_id=decision.id),
        form=form,
        message=_("The opinion is entered; it awaits moderation like an online one."),
    )


@bp.get(ROUTE + "/offline/receipt")
@require(Permission.OPINION_ANSWER)
def decision_opinion_offline_receipt(decision_id: int):
    """The receipt code to give the citizen (read out on the phone, or written in the reply)."""
    decision = decision_or_404(decision_id, Permission.OPINION_ANSWER)
    opinion = opinion_service.lookup_opinion(session.get(OFFLINE_RECEIPT_KEY))
    if opinion is None or opinion.decision_id != decision.id:
        return redirect(url_for("admin.decision_opinions", decision_id=decision.id))
    return render_template(
        "admin/opinions/offline_receipt.html",
        decision=decision,
        opinion=opinion,
        channel_labels=labels.OPINION_CHANNEL,
    )


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
            can_answer=can(current_user, Permission.OPINION_ANSWER, decision)
            and moderation.may_answer(current_user, decision),
            drafts=moderation.draft_count(decision),
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
    publish = request.form.get("action") == "publish"

    def save():
        adoption.save_summary(decision, summary, **who())
        if publish:
            adoption.publish_report(decision, **who())

    return submit(
        save,
        render=lambda errors, status: _render_report(
            decision, errors=errors, status=status, summary=summary
        ),
        redirect_to=url_for("admin.decision_opinion_report", decision_id=decision.id),
        message=_("The adoption report is published.") if publish else _("Summary saved."),
    )


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
        _("Received by"),
    ]
    rows = []
    for row in adoption.register_rows(decision):
        row[2] = str(STATUS_LABELS[row[2]])
        row[3] = str(moderation.WITHHOLD_REASON_LABELS[row[3]]) if row[3] else ""
        row[7] = str(labels.ADOPTION[row[7]])
        row[10] = str(labels.OPINION_CHANNEL[row[10]])
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
    return submit(
        lambda: adoption.create_template(
            current_user.government_id,
            form.get("title", ""),
            form.get("adoption", ""),
            form.get("text", ""),
            **who(),
        ),
        render=lambda errors, status: _render_templates(errors=errors, status=status, form=form),
        redirect_to=url_for("admin.answer_templates"),
        message=_("Template saved."),
    )


@bp.post("/answer-templates/<int:template_id>/retire")
@require(Permission.OPINION_ANSWER)
def answer_template_retire(template_id: int):
    template = adoption.template_of(current_user.government_id, template_id)
    if template is None:
        abort(404)
    return submit(
        lambda: adoption.retire_template(template, **who()),
        render=lambda errors, status: _render_templates(errors=errors, status=status),
        redirect_to=url_for("admin.answer_templates"),
        message=_("Template removed."),
    )
