"""The decision column (PART-6a): list with filters, and one decision's dossier."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request

from portal import clock
from portal.extensions import db
from portal.models.document import DocumentKind
from portal.models.org import Government
from portal.public import bp
from portal.public._util import enum_arg, int_arg, page_args, pages
from portal.public.cache import cached_page
from portal.rules.enums import AdoptionStatus
from portal.rules.stages import Category, Stage
from portal.services import adoption, corrections, deliberation, listings, participation, risk
from portal.services import decisions as decision_service


@bp.get("/decisions")
@cached_page
def decision_list():
    page, per_page = page_args(20, 50)
    gov = _gov_slug()
    filters = decision_service.DecisionFilters(
        gov=gov,
        year=int_arg("year"),
        stage=enum_arg("stage", Stage),
        category=enum_arg("category", Category),
    )
    items, total = decision_service.list_public_decisions(filters, page=page, per_page=per_page)
    governments = db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all()
    years = decision_service.public_years()
    return render_template(
        "public/decision_list.html",
        items=items,
        total=total,
        page=page,
        page_count=pages(total, per_page),
        filters=filters,
        governments=governments,
        current_gov=gov,
        years=years,
        stages=list(Stage),
        categories=list(Category),
    )


def _gov_slug() -> str | None:
    slug = request.args.get("gov", "").strip()
    return slug if slug and slug.isascii() and slug.replace("-", "").isalnum() else None


# Once a decision is published, its text and interpretation come first, then the report on the
# opinions, then the drafts that led to it.
_PUBLISHED_ORDER = {
    DocumentKind.DECISION_TEXT: 0,
    DocumentKind.INTERPRETATION: 1,
    DocumentKind.ADOPTION_REPORT: 2,
    DocumentKind.DRAFT: 3,
    DocumentKind.DRAFTING_EXPLANATION: 4,
}


def _text_changed(pair) -> bool:
    """Whether the published text differs from the last public draft (else no comparison)."""
    return pair is not None and pair[0].body.strip() != pair[1].body.strip()


def _dossier_order(decision, documents):
    if decision.published_at is None:
        return documents
    return sorted(documents, key=lambda d: (_PUBLISHED_ORDER.get(d.kind, 5), d.id))


@bp.get("/decisions/<int:decision_id>")
@cached_page
def decision_show(decision_id: int):
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        abort(404)
    consultation = decision_service.current_consultation(decision)
    report = adoption.published_report(decision)
    now = clock.now()
    return render_template(
        "public/decision_show.html",
        decision=decision,
        timeline=decision_service.public_timeline(decision),
        consultation=consultation,
        consultation_open=bool(consultation and consultation.is_open(now)),
        card=listings.consultation_card(decision, now),
        filing=listings.filing_facts(decision, clock.local_today()),
        documents=_dossier_order(decision, decision_service.public_documents(decision)),
        draft_to_final=_text_changed(adoption.draft_and_final(decision)),
        opinion_report=report,
        report_data=adoption.report_data(decision) if report else None,
        report_adoptions=[a for a in AdoptionStatus if a is not AdoptionStatus.PENDING],
        corrections=corrections.public_corrections(decision),
        activities=participation.public_activities(decision),
        deliberation=deliberation.public_deliberation(decision),
        risk_notice=risk.public_risk_notice(decision),
    )
