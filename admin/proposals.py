"""The proposal register (PROC-11b(4), PROC-11c, PROC-11d, CAT-7b) in the back office.

The government office (PROPOSAL_MANAGE) sees its government's proposals, routes each to the
department that studies it, answers it (the reply is mailed and shown on the status page),
links the decision item it led to, and exports the register. A department's staff
(PROPOSAL_STUDY) see the proposals routed to their department and record the study conclusion.

Contacts are masked; the office and the studying unit may reveal them, which is audited. The
exports never contain contact details (see ``register_sheet``). Views are thin: parse, call
``portal.services.proposals`` through ``submit`` (one commit, or 422 with the rule). The export
is audited, so it is a POST (no write on GET).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin import bp
from admin._helpers import submit, who
from portal import clock, labels, transaction
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.org import Department, Government
from portal.models.proposal import Proposal, ProposalKind, ProposalOutcome, ProposalStatus
from portal.permissions import Permission, can, permissions_of
from portal.public._util import page_args, pages
from portal.rules.privacy import mask_contact
from portal.services import exports
from portal.services import proposals as svc

EXPORT_LIMIT = 10000
ACTION_LABELS = {
    "proposal.receive": _l("Proposal received"),
    "proposal.route": _l("Routed to a unit for study"),
    "proposal.study_start": _l("Study started"),
    "proposal.conclude": _l("Study conclusion recorded"),
    "proposal.answer": _l("Answered"),
    "proposal.link_decision": _l("Linked to a decision item"),
    "proposal.contact_view": _l("Contact details viewed"),
    "proposal.contacts_purge": _l("Contact details deleted after the retention period"),
}


@bp.app_template_global()
def can_see_proposals() -> bool:
    """Whether the signed-in member of staff has the proposal register (navigation link)."""
    perms = permissions_of(current_user)
    return Permission.PROPOSAL_MANAGE in perms or Permission.PROPOSAL_STUDY in perms


def _register_user() -> None:
    if not can_see_proposals():
        abort(403)


def _proposal_or_404(proposal_id: int) -> Proposal:
    """The proposal, if the user may see it; another government's (or unit's) is not found."""
    _register_user()
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not svc.can_view(current_user, proposal):
        abort(404)
    return proposal


def _filters() -> dict:
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    gov = request.args.get("gov", "")
    return {
        "status": ProposalStatus(status) if status in ProposalStatus._value2member_map_ else None,
        "kind": ProposalKind(kind) if kind in ProposalKind._value2member_map_ else None,
        "government_id": int(gov) if gov.isascii() and gov.isdigit() and len(gov) < 9 else None,
        "overdue": request.args.get("overdue") == "1",
    }


@bp.get("/proposals")
def proposal_list():
    _register_user()
    now = clock.now()
    filters = _filters()
    page, per_page = page_args(50, 200)
    items, total = svc.register(current_user, now=now, page=page, per_page=per_page, **filters)
    return render_template(
        "admin/proposals/list.html",
        proposals=items,
        total=total,
        page=page,
        page_count=pages(total, per_page),
        filters=filters,
        counts=svc.register_counts(current_user, now=now),
        governments=[db.session.get(Government, current_user.government_id)],
        can_export=can(current_user, Permission.PROPOSAL_MANAGE),
        is_overdue=svc.is_overdue,
        now=now,
        reply_days=svc.reply_days(),
    )


# -- export (CSV / XLSX) -----------------------------------------------------------------------


def register_sheet(proposals: list[Proposal], now) -> exports.Sheet:
    """The register as one table (PROC-11d fields). Never the e-mail address or phone number:
    the reply reaches the proposer through the portal's outbox, so no role needs a contact list,
    and a file that leaves the portal escapes both its access scope and the retention purge."""
    headers = [
        _("Reference"),
        _("Kind"),
        _("Catalog year"),
        _("Government"),
        _("Received on"),
        _("Answer due by"),
        _("Overdue"),
        _("Proposer type"),
        _("Proposer"),
        _("Title"),
        _("Proposal"),
        _("Supporting reasons"),
        _("Status"),
        _("Studying unit"),
        _("Routed on"),
        _("Study conclusion"),
        _("Outcome"),
        _("Answered on"),
        _("Reply"),
        _("Decision item"),
    ]
    rows = []
    for p in proposals:
        rows.append(
            [
                p.pseudonym,
                str(labels.PROPOSAL_KIND[p.kind]),
                p.catalog_year,
                p.government.name,
                p.submitted_at,
                p.reply_due_at,
                _("Yes") if svc.is_overdue(p, now) else _("No"),
                str(labels.PROPOSER_TYPE[p.proposer_type]),
                p.proposer_name or p.pseudonym,
                p.title,
                p.content,
                p.reasons,
                str(labels.PROPOSAL_STATUS[p.status]),
                p.studying_unit.name if p.studying_unit else "",
                p.routed_at,
                p.study_conclusion,
                str(labels.PROPOSAL_OUTCOME[p.outcome]) if p.outcome else "",
                p.answered_at,
                p.reply,
                p.decision.title if p.decision else "",
            ]
        )
    return exports.Sheet(title=_("Proposals"), headers=headers, rows=rows)


@bp.post("/proposals/export/<fmt>")
def proposal_export(fmt: str):
    """The register as CSV or XLSX (filters from the query string). Audited, hence a POST."""
    _register_user()
    if not can(current_user, Permission.PROPOSAL_MANAGE):
        abort(403)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    now = clock.now()
    filters = _filters()
    items = transaction.run(
        lambda: svc.export_register(current_user, fmt=fmt, limit=EXPORT_LIMIT, **filters, **who())
    )
    sheet = register_sheet(items, now)
    data = exports.to_csv(sheet) if fmt == "csv" else exports.to_xlsx([sheet])
    name = f"{_('Proposals')}-{clock.local_today().isoformat()}.{fmt}"
    return exports.download(data, name, fmt)


# -- one proposal ------------------------------------------------------------------------------


def _history(proposal: Proposal) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == "proposals", AuditEntry.object_id == str(proposal.id))
            .order_by(AuditEntry.seq)
        )
    )


def _render(proposal: Proposal, *, errors=None, status: int = 200, show_contact: bool = False):
    now = clock.now()
    manage = svc.can_manage(current_user, proposal)
    study = svc.can_study(current_user, proposal)
    return (
        render_template(
            "admin/proposals/show.html",
            proposal=proposal,
            errors=errors or [],
            now=now,
            overdue=svc.is_overdue(proposal, now),
            can_manage=manage,
            can_study=study or manage,
            can_create_decision=can(current_user, Permission.DECISION_CREATE),
            units=svc.units_of(proposal.government_id) if manage else [],
            decisions=svc.decisions_to_link(proposal) if manage else [],
            outcomes=list(ProposalOutcome),
            show_contact=show_contact,
            mask_contact=mask_contact,
            history=_history(proposal),
            action_labels=ACTION_LABELS,
            form=request.form if request.method == "POST" else {},
        ),
        status,
    )


@bp.get("/proposals/<int:proposal_id>")
def proposal_show(proposal_id: int):
    return _render(_proposal_or_404(proposal_id))


def _act(proposal: Proposal, fn, message: str):
    """Run one service action through the one write path and go back to the proposal; 422
    with the rule on a refusal."""
    return submit(
        fn,
        render=lambda errors, status: _render(proposal, errors=errors, status=status),
        redirect_to=url_for("admin.proposal_show", proposal_id=proposal.id),
        message=message,
    )


def _int_field(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 9 else None


@bp.post("/proposals/<int:proposal_id>/route")
def proposal_route(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    if not svc.can_manage(current_user, proposal):
        abort(403)
    unit_id = _int_field("unit")
    unit = db.session.get(Department, unit_id) if unit_id else None
    return _act(
        proposal,
        lambda: svc.route_proposal(
            proposal,
            unit,
            request.form.get("note", ""),
            **who(),
        ),
        _("The proposal is routed to the unit."),
    )


@bp.post("/proposals/<int:proposal_id>/study")
def proposal_study(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    if not (svc.can_study(current_user, proposal) or svc.can_manage(current_user, proposal)):
        abort(403)
    return _act(
        proposal,
        lambda: svc.start_study(proposal, **who()),
        _("The study has started."),
    )


@bp.post("/proposals/<int:proposal_id>/conclusion")
def proposal_conclusion(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    if not (svc.can_study(current_user, proposal) or svc.can_manage(current_user, proposal)):
        abort(403)
    return _act(
        proposal,
        lambda: svc.record_conclusion(
            proposal,
            request.form.get("conclusion", ""),
            **who(),
        ),
        _("The study conclusion is recorded."),
    )


def _decision_field(proposal: Proposal) -> Decision | None:
    decision_id = _int_field("decision_id")
    decision = db.session.get(Decision, decision_id) if decision_id else None
    if decision is not None and decision.government_id != proposal.government_id:
        abort(404)  # another government's decision item is not disclosed
    return decision


@bp.post("/proposals/<int:proposal_id>/answer")
def proposal_answer(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    if not svc.can_manage(current_user, proposal):
        abort(403)
    decision = _decision_field(proposal)
    return _act(
        proposal,
        lambda: svc.answer_proposal(
            proposal,
            request.form.get("outcome", ""),
            request.form.get("reply", ""),
            catalog_year=_int_field("catalog_year"),
            decision=decision,
            **who(),
        ),
        _("The answer is recorded and sent to the proposer."),
    )


@bp.post("/proposals/<int:proposal_id>/link")
def proposal_link(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    if not svc.can_manage(current_user, proposal):
        abort(403)
    decision = _decision_field(proposal)
    return _act(
        proposal,
        lambda: svc.link_decision(proposal, decision, **who()),
        _("The decision item is linked."),
    )


@bp.post("/proposals/<int:proposal_id>/contact")
def proposal_contact(proposal_id: int):
    """Show the full contact details once (audited); the page is not cached."""
    proposal = _proposal_or_404(proposal_id)
    if not (svc.can_study(current_user, proposal) or svc.can_manage(current_user, proposal)):
        abort(403)
    transaction.run(lambda: svc.reveal_contact(proposal, **who()))
    body, status = _render(proposal, show_contact=True)
    return body, status, {"Cache-Control": "no-store"}
