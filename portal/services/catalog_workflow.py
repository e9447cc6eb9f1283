"""The annual catalog workflow in the back office (PROC-4, CAT; rules in portal/rules/catalog.py).

Use cases ``verb_noun(obj, ..., *, actor, now, ip)``: each checks the rules first and raises
:class:`RuleViolation` with every violation (each with its rule ID) before writing anything, writes
the change with its audit entry, flushes and never commits (the view commits once).

Dates of steps that happened elsewhere (a meeting, a consent, a filing) are recorded as local
calendar dates; publication happens in the portal itself, so its moment is ``now`` (A33).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.catalog import (
    Catalog,
    CatalogAdjustment,
    CatalogDeputyReview,
    CatalogEntry,
    CatalogStatus,
    CatalogSubmission,
)
from portal.models.decision import Decision
from portal.models.org import Department, Government
from portal.rules import catalog as rules
from portal.rules import deadlines, gates
from portal.rules.catalog import (
    AdjustmentState,
    CatalogAction,
    CatalogPhase,
    EntryOrigin,
    SubmissionFacts,
    SubmissionStatus,
)
from portal.rules.enums import CatalogAdjustmentType
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import CatalogAdjustmentFacts, CatalogEntryFacts, CatalogFacts, present
from portal.rules.workdays import WorkCalendar, local_date
from portal.services import audit, procedure
from portal.services.records import _plain, local_midnight

ENTRY_FIELDS = (
    "title",
    "category",
    "undertaking_unit_id",
    "schedule",
    "planned_start_on",
    "planned_decision_on",
    "summary",
    "basis",
    "non_disclosable",
    "decision_id",
)
DEPARTMENT_ORIGINS = (EntryOrigin.DEPT_SUBMISSION, EntryOrigin.NPC_CPPCC)  # CAT-8c, CAT-9a
FIRST_YEAR = 2021  # the rules took effect on 1 March 2021

# AdjustmentState, CatalogAction, CatalogPhase and EntryOrigin (imported above) and
# submissions_due are the names the back-office views use: they never import portal.rules.catalog.


def submissions_due(year: int, chosen: date | None = None) -> date:
    """CAT-8b: the solicitation form's deadline, never later than 31 January of the year."""
    return rules.submissions_due(year, chosen)


def _input(message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation("", message, field=field, **params)


def _audit(action: str, catalog: Catalog, *, actor, now, ip="", before=None, after=None, obj=None):
    audit.record(
        action,
        actor=actor,
        now=now,
        obj=obj if obj is not None else catalog,
        government_id=catalog.government_id,
        before=before,
        after=after,
        ip=ip,
    )


def _apply(record: Any, changes: dict[str, Any]) -> tuple[dict, dict]:
    before, after = {}, {}
    for name, value in changes.items():
        old = getattr(record, name)
        if _plain(old) != _plain(value):
            before[name], after[name] = _plain(old), _plain(value)
            setattr(record, name, value)
    return before, after


def _check(catalog: Catalog, action: CatalogAction) -> None:
    refuse(rules.action_violations(catalog.phase, action))


def _move(catalog: Catalog, action: CatalogAction) -> None:
    catalog.phase = rules.NEXT_PHASE[action]


# -- queries -----------------------------------------------------------------------------------


def catalogs_of(government_id: int) -> list[Catalog]:
    return list(
        db.session.scalars(
            sa.select(Catalog)
            .where(Catalog.government_id == government_id)
            .options(selectinload(Catalog.entries))
            .order_by(Catalog.year.desc())
        ).all()
    )


def submissions_of(catalog: Catalog) -> list[CatalogSubmission]:
    return list(
        db.session.scalars(
            sa.select(CatalogSubmission)
            .where(CatalogSubmission.catalog_id == catalog.id)
            .options(selectinload(CatalogSubmission.department))
            .order_by(CatalogSubmission.id)
        ).all()
    )


def current_entries(catalog: Catalog) -> list[CatalogEntry]:
    return [e for e in catalog.entries if e.removed_by_id is None]


def entry_facts(entry: CatalogEntry) -> CatalogEntryFacts:
    return CatalogEntryFacts(
        name=entry.title,
        undertaking_unit=entry.undertaking_unit.name if entry.undertaking_unit else "",
        dept_legality_review_passed=entry.dept_legality_review_passed,
        procedure_id=entry.decision_id,
        removed_by_adjustment=entry.removed_by_id is not None,
        from_department=entry.origin in DEPARTMENT_ORIGINS,
    )


def catalog_facts(catalog: Catalog) -> CatalogFacts:
    return CatalogFacts(
        year=catalog.year,
        entries=tuple(entry_facts(e) for e in current_entries(catalog)),
        solicited_on=catalog.solicited_on,
        deputy_head_reviewed_on=catalog.deputy_head_reviewed_on,
        executive_meeting_on=catalog.executive_meeting_on,
        party_consent_on=catalog.party_consent_on,
        party_consent_ref=catalog.party_consent_ref,
    )


def entry_violations(catalog: Catalog) -> list[RuleViolation]:
    """Everything the entries still lack (CAT-14a, CAT-8c, PROC-3b)."""
    out: list[RuleViolation] = []
    entries = current_entries(catalog)
    if not entries:
        # CAT-12a: a draft catalog with its items goes to the deputy heads
        out.append(
            RuleViolation("CAT-12a", N_("The draft catalog has no items yet."), field="entries")
        )
    for e in entries:
        out += gates.catalog_entry_violations(entry_facts(e))
        if not present(e.schedule):
            # CAT-14a: the decision schedule of each item
            out.append(
                RuleViolation(
                    "CAT-14a",
                    N_("%(name)s has no decision schedule."),
                    field="schedule",
                    name=e.title,
                )
            )
    return gates.dedupe(out)


def publication_violations(catalog: Catalog) -> list[RuleViolation]:
    out = rules.action_violations(catalog.phase, CatalogAction.PUBLISH)
    out += gates.catalog_publication_violations(catalog_facts(catalog))
    out += entry_violations(catalog)
    return gates.dedupe(out)


def today_of(now: datetime) -> date:
    return local_date(now)


def deadline_rows(catalog: Catalog, now: datetime) -> list[rules.DeadlineRow]:
    return rules.annual_deadlines(
        catalog.year,
        today_of(now),
        submissions_closed_on=catalog.submissions_closed_on,
        determined_on=catalog.executive_meeting_on,
        published_on=local_date(catalog.published_at) if catalog.published_at else None,
        filed_on=local_date(catalog.filed_at) if catalog.filed_at else None,
    )


def deadline_warnings(catalog: Catalog, now: datetime) -> list[RuleViolation]:
    return rules.annual_deadline_warnings(
        catalog.year,
        today_of(now),
        submissions_closed_on=catalog.submissions_closed_on,
        determined_on=catalog.executive_meeting_on,
        published_on=local_date(catalog.published_at) if catalog.published_at else None,
        filed_on=local_date(catalog.filed_at) if catalog.filed_at else None,
    )


def adjustment_state(adj: CatalogAdjustment) -> AdjustmentState:
    return rules.adjustment_state(
        local_date(adj.approved_at) if adj.approved_at else None,
        local_date(adj.published_at) if adj.published_at else None,
        local_date(adj.filed_at) if adj.filed_at else None,
    )


@dataclass(frozen=True)
class AdjustmentRow:
    adjustment: CatalogAdjustment
    state: AdjustmentState
    proposal: dict
    previous: dict
    filing_due: date | None
    filing_state: rules.DeadlineState | None
    # A1: the CAT-16c day was computed across a year without a complete holiday schedule
    filing_warning: RuleViolation | None = None


def adjustment_rows(
    catalog: Catalog, now: datetime, calendar: WorkCalendar | None = None
) -> list[AdjustmentRow]:
    cal = calendar if calendar is not None else procedure.work_calendar()
    today = today_of(now)
    rows = []
    for adj in catalog.adjustments:
        published = local_date(adj.published_at) if adj.published_at else None
        filed = local_date(adj.filed_at) if adj.filed_at else None
        deadline = deadlines.catalog_adjustment_filing_due(published, cal) if published else None
        rows.append(
            AdjustmentRow(
                adjustment=adj,
                state=adjustment_state(adj),
                proposal=_load(adj.proposal),
                previous=_load(adj.previous),
                filing_due=deadline.due if deadline else None,
                filing_state=rules.adjustment_filing_state(published, filed, today, cal),
                filing_warning=deadlines.calendar_warning(deadline) if not filed else None,
            )
        )
    return rows


def _load(text: str) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# -- snapshots (every published version stays readable, CAT-16b) --------------------------------


def snapshot(catalog: Catalog) -> str:
    """The public list as published: what a reader saw (non-disclosable: name and unit, A7)."""
    rows = []
    for e in sorted(current_entries(catalog), key=lambda e: e.seq):
        unit = e.undertaking_unit
        rows.append(
            {
                "seq": e.seq,
                "title": e.title,
                "unit": unit.name if unit else "",
                "unit_en": unit.name_en if unit else "",
                "schedule": "" if e.non_disclosable else e.schedule,
                "category": "" if e.non_disclosable else str(e.category),
                "non_disclosable": e.non_disclosable,
            }
        )
    return json.dumps(rows, ensure_ascii=False)


def versions(catalog: Catalog) -> list[tuple[int, datetime | None, list[dict]]]:
    """(version, published at, entries) for every published version, oldest first."""
    out: list[tuple[int, datetime | None, list[dict]]] = []
    if catalog.published_at is None:
        return out
    out.append((1, catalog.published_at, _rows(catalog.published_snapshot)))
    for adj in catalog.adjustments:
        if adj.published_at is not None:
            out.append((adj.version, adj.published_at, _rows(adj.snapshot)))
    return out


def _rows(text: str) -> list[dict]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


# -- C0: opening the solicitation (CAT-7a/7b, CAT-8b) --------------------------------------------


def open_catalog(
    government: Government, year: int, values: dict[str, Any], *, actor, now, ip=""
) -> Catalog:
    """Create the year's catalog by soliciting the departments (CAT-7a)."""
    today = today_of(now)
    if not FIRST_YEAR <= year <= today.year + 1:
        # the catalog of the current or the next year (the rules apply from 2021, PROC-50a)
        refuse([_input(N_("Choose the current or the next year."), "year")])
    out = rules.solicitation_violations(
        year, values.get("solicited_on"), values.get("submissions_due_on"), today
    )
    until = values.get("public_suggestions_until")
    if until is not None and until < today:
        out.append(_input(N_("The date cannot be in the past."), "public_suggestions_until"))
    exists = db.session.scalar(
        sa.select(Catalog.id).where(Catalog.government_id == government.id, Catalog.year == year)
    )
    if exists:
        out.append(_input(N_("The %(year)s catalog already exists."), "year", year=year))
    refuse(out)
    catalog = Catalog(
        government_id=government.id,
        year=year,
        status=CatalogStatus.DRAFTING,
        phase=CatalogPhase.SOLICITATION,
        created_at=now,
        solicited_on=values["solicited_on"],
        submissions_due_on=values["submissions_due_on"],
        solicitation_ref=values.get("solicitation_ref", ""),
        solicitation_recipients=values.get("solicitation_recipients", ""),
        public_suggestions_until=until,
    )
    db.session.add(catalog)
    db.session.flush()
    _audit(
        "catalog.open_solicitation",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={k: _plain(v) for k, v in values.items()} | {"year": year},
    )
    return catalog


# -- C1: department submissions (CAT-8, CAT-9a) -------------------------------------------------


def submit_item(
    catalog: Catalog, department: Department, values: dict[str, Any], *, actor, now, ip=""
) -> CatalogSubmission:
    today = today_of(now)
    out = rules.action_violations(catalog.phase, CatalogAction.SUBMIT)
    if not out:
        out += rules.submission_window_violations(catalog.year, catalog.submissions_due_on, today)
    if department.government_id != catalog.government_id:
        out.append(_input(N_("Choose a department of this government."), "department_id"))
    out += rules.submission_violations(
        SubmissionFacts(
            title=values.get("title", ""),
            department=department.name,
            legality_review_passed=bool(values.get("legality_review_passed")),
            legality_review_on=values.get("legality_review_on"),
            scope_confirmed=bool(values.get("scope_confirmed")),
            npc_cppcc=bool(values.get("npc_cppcc")),
            npc_cppcc_ref=values.get("npc_cppcc_ref", ""),
        ),
        today,
    )
    if not present(values.get("schedule")):
        # CAT-14a: the decision schedule
        out.append(RuleViolation("CAT-14a", N_("Give the decision schedule."), field="schedule"))
    refuse(out)
    sub = CatalogSubmission(
        catalog_id=catalog.id,
        department_id=department.id,
        title=values["title"],
        category=values["category"],
        summary=values.get("summary", ""),
        basis=values.get("basis", ""),
        schedule=values["schedule"],
        planned_start_on=values.get("planned_start_on"),
        planned_decision_on=values.get("planned_decision_on"),
        legality_review_passed=True,
        legality_review_on=values["legality_review_on"],
        legality_review_ref=values.get("legality_review_ref", ""),
        scope_confirmed=True,
        npc_cppcc_ref=values.get("npc_cppcc_ref", "") if values.get("npc_cppcc") else "",
        status=SubmissionStatus.SUBMITTED,
        submitted_at=now,
        submitted_by_id=getattr(actor, "id", None),
    )
    db.session.add(sub)
    db.session.flush()
    _audit(
        "catalog.submission",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={"submission": sub.id, "title": sub.title, "department": department.slug},
    )
    return sub


def close_submissions(catalog: Catalog, *, actor, now, ip="") -> None:
    _check(catalog, CatalogAction.CLOSE_SUBMISSIONS)
    catalog.submissions_closed_on = today_of(now)
    _move(catalog, CatalogAction.CLOSE_SUBMISSIONS)
    db.session.flush()
    _audit(
        "catalog.close_submissions",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={"phase": str(catalog.phase)},
    )


# -- C2: the office's review and drafting (CAT-10, CAT-11, CAT-13b) ------------------------------


def _next_seq(catalog: Catalog) -> int:
    top = db.session.scalar(
        sa.select(sa.func.max(CatalogEntry.seq)).where(CatalogEntry.catalog_id == catalog.id)
    )
    return int(top or 0) + 1


def decide_submission(
    submission: CatalogSubmission, accept: bool, note: str, *, actor, now, ip=""
) -> CatalogEntry | None:
    """CAT-10a: the office lists a submission as an entry, or declines it with a reason."""
    catalog = submission.catalog
    out = rules.action_violations(catalog.phase, CatalogAction.EDIT_ENTRIES)
    if submission.status is not SubmissionStatus.SUBMITTED:
        out.append(_input(N_("This submission has already been decided."), "status"))
    if not accept and not present(note):
        out.append(_input(N_("Give the reason for declining the submission."), "office_note"))
    refuse(out)
    submission.office_note = note.strip()
    entry = None
    if accept:
        submission.status = SubmissionStatus.ACCEPTED
        entry = CatalogEntry(
            catalog_id=catalog.id,
            seq=_next_seq(catalog),
            title=submission.title,
            category=submission.category,
            undertaking_unit_id=submission.department_id,
            schedule=submission.schedule,
            planned_start_on=submission.planned_start_on,
            planned_decision_on=submission.planned_decision_on,
            summary=submission.summary,
            basis=submission.basis,
            origin=EntryOrigin.NPC_CPPCC
            if submission.npc_cppcc_ref
            else EntryOrigin.DEPT_SUBMISSION,
            dept_legality_review_passed=submission.legality_review_passed,
            submission_id=submission.id,
        )
        db.session.add(entry)
    else:
        submission.status = SubmissionStatus.DECLINED
    db.session.flush()
    _audit(
        "catalog.submission_accept" if accept else "catalog.submission_decline",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={"submission": submission.id, "entry": entry.id if entry else None, "note": note},
    )
    db.session.expire(catalog, ["entries"])
    return entry


def _entry_value_violations(catalog: Catalog, values: dict[str, Any]) -> list[RuleViolation]:
    out = []
    if not present(values.get("title")):
        out.append(_input(N_("Enter the name of the decision item."), "title"))
    unit_id = values.get("undertaking_unit_id")
    unit = db.session.get(Department, unit_id) if unit_id else None
    if unit is None or unit.government_id != catalog.government_id:
        # CAT-14a: each entry names its undertaking unit
        out.append(
            RuleViolation("CAT-14a", N_("Name the undertaking unit."), field="undertaking_unit_id")
        )
    if not present(values.get("schedule")):
        # CAT-14a: the decision schedule
        out.append(RuleViolation("CAT-14a", N_("Give the decision schedule."), field="schedule"))
    if len(values.get("deputy_head") or "") > 60:
        out.append(_input(N_("Write at most %(n)d characters."), "deputy_head", n=60))
    start, end = values.get("planned_start_on"), values.get("planned_decision_on")
    if start and end and end < start:
        out.append(
            _input(
                N_("The planned decision comes before the planned start."), "planned_decision_on"
            )
        )
    decision_id = values.get("decision_id")
    if decision_id:
        decision = db.session.get(Decision, decision_id)
        if decision is None or decision.government_id != catalog.government_id:
            out.append(_input(N_("Choose a decision of this government."), "decision_id"))
    origin = values.get("origin")
    if origin in DEPARTMENT_ORIGINS and not values.get("dept_legality_review_passed"):
        # CAT-8c: a department's item passed its own legality review body
        out.append(
            RuleViolation(
                "CAT-8c",
                N_("%(name)s was not passed by the department's legality review body."),
                field="dept_legality_review_passed",
                name=values.get("title", ""),
            )
        )
    return out


def save_entry(
    catalog: Catalog, entry: CatalogEntry | None, values: dict[str, Any], *, actor, now, ip=""
) -> CatalogEntry:
    """Add (``entry`` None) or edit an entry before the executive meeting determines the list
    (CAT-10b office_direct, CAT-13b executive_head_proposal, CAT-9a, CAT-7b)."""
    out = rules.action_violations(catalog.phase, CatalogAction.EDIT_ENTRIES)
    out += _entry_value_violations(catalog, values)
    refuse(out)
    fields = {k: values.get(k) for k in ENTRY_FIELDS if k in values}
    fields["origin"] = values.get("origin") or EntryOrigin.OFFICE_DIRECT
    fields["dept_legality_review_passed"] = bool(values.get("dept_legality_review_passed"))
    if "deputy_head" in values:  # CAT-12a: the deputy head in charge of the item
        fields["deputy_head"] = " ".join((values.get("deputy_head") or "").split())
    if entry is None:
        entry = CatalogEntry(catalog_id=catalog.id, seq=_next_seq(catalog))
        db.session.add(entry)
        action = "catalog.entry_add"
    else:
        action = "catalog.entry_update"
    before, after = _apply(entry, fields)
    db.session.flush()
    _audit(
        action,
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        before=before or None,
        after={"entry": entry.id} | after,
    )
    db.session.expire(catalog, ["entries"])
    _sync_review_phase(catalog)  # CAT-12a: a new deputy head in charge has to review too
    return entry


def delete_entry(catalog: Catalog, entry: CatalogEntry, *, actor, now, ip="") -> None:
    _check(catalog, CatalogAction.EDIT_ENTRIES)
    if entry.submission_id:
        sub = db.session.get(CatalogSubmission, entry.submission_id)
        if sub is not None:
            sub.status = SubmissionStatus.SUBMITTED
    before = {"entry": entry.id, "title": entry.title}
    db.session.delete(entry)
    db.session.flush()
    _audit("catalog.entry_delete", catalog, actor=actor, now=now, ip=ip, before=before)
    db.session.expire(catalog, ["entries"])
    _sync_review_phase(catalog)


def link_decision(
    catalog: Catalog, entry: CatalogEntry, decision: Decision | None, *, actor, now, ip=""
) -> None:
    """CAT-2a: connect an entry to its decision procedure (shown as a link on the public page)."""
    if decision is not None and decision.government_id != catalog.government_id:
        refuse([_input(N_("Choose a decision of this government."), "decision_id")])
    before, after = _apply(entry, {"decision_id": decision.id if decision else None})
    if after:
        db.session.flush()
        _audit(
            "catalog.entry_link",
            catalog,
            actor=actor,
            now=now,
            ip=ip,
            before=before,
            after={"entry": entry.id} | after,
        )


def save_office_notes(catalog: Catalog, notes: str, *, actor, now, ip="") -> None:
    """CAT-10a / CAT-11a/b: departments consulted, experts' and legal advisers' opinions."""
    before, after = _apply(catalog, {"office_review_notes": notes})
    if after:
        db.session.flush()
        _audit(
            "catalog.office_notes", catalog, actor=actor, now=now, ip=ip, before=before, after=after
        )


# -- C3..C7: deputy heads, executive meeting, party consent, publication, filing ----------------


@dataclass(frozen=True)
class DeputyReviewInput:
    """CAT-12a: one deputy head's review of the draft catalog, as the office records it."""

    deputy_head: str
    reviewed_on: date | None
    opinion: str
    items_changed: str = ""  # the items the deputy head added or changed (their proposals)
    office_study: str = ""  # the office's study of those proposals (may follow later)


def _entry_heads(catalog: Catalog) -> list[str]:
    return [e.deputy_head for e in current_entries(catalog)]


def heads_in_charge(catalog: Catalog) -> list[str]:
    """CAT-12a: the deputy heads in charge of the items of the draft catalog."""
    return rules.heads_in_charge(_entry_heads(catalog))


def deputy_reviews(catalog: Catalog) -> list[CatalogDeputyReview]:
    return list(
        db.session.scalars(
            sa.select(CatalogDeputyReview)
            .where(CatalogDeputyReview.catalog_id == catalog.id)
            .order_by(CatalogDeputyReview.id)
        )
    )


@dataclass(frozen=True)
class DeputyStatus:
    """One deputy head in charge, with the items concerned and the review (or None)."""

    deputy_head: str
    items: list[CatalogEntry]
    review: CatalogDeputyReview | None


def deputy_statuses(catalog: Catalog) -> list[DeputyStatus]:
    """CAT-12a, for the catalog page: each deputy head in charge and whether they reviewed."""
    key = rules.deputy_head_key
    reviews = {key(r.deputy_head): r for r in deputy_reviews(catalog)}
    entries = sorted(current_entries(catalog), key=lambda e: e.seq)
    return [
        DeputyStatus(
            head,
            [e for e in entries if key(e.deputy_head) == key(head)],
            reviews.get(key(head)),
        )
        for head in heads_in_charge(catalog)
    ]


def review_gate_violations(catalog: Catalog) -> list[RuleViolation]:
    """CAT-12a / CAT-13a: what keeps the executive meeting from deliberating the draft now."""
    reviews = deputy_reviews(catalog)
    named = [r.deputy_head for r in reviews if r.deputy_head]
    return rules.executive_meeting_review_violations(
        entries_without_head=[
            e.title for e in current_entries(catalog) if not rules.deputy_head_key(e.deputy_head)
        ],
        missing=rules.missing_reviews(heads_in_charge(catalog), named),
        unstudied=[
            r.deputy_head
            for r in reviews
            if r.deputy_head and present(r.items_changed) and not present(r.office_study)
        ],
    )


def _sync_review_phase(catalog: Catalog) -> None:
    """CAT-12a: between drafting and the meeting, the phase says whether every deputy head in
    charge has reviewed (EXECUTIVE_MEETING) or not yet (OFFICE_REVIEW); ``deputy_head_reviewed_on``
    is the day the last of them reviewed."""
    if catalog.phase not in rules.REVIEW_PHASES:
        return
    db.session.expire(catalog, ["entries", "deputy_reviews"])
    heads = heads_in_charge(catalog)
    reviews = [r for r in deputy_reviews(catalog) if r.deputy_head]
    complete = bool(heads) and not rules.missing_reviews(heads, [r.deputy_head for r in reviews])
    keys = {rules.deputy_head_key(h) for h in heads}
    last = max(
        (r.reviewed_on for r in reviews if rules.deputy_head_key(r.deputy_head) in keys),
        default=None,
    )
    catalog.phase = CatalogPhase.EXECUTIVE_MEETING if complete else CatalogPhase.OFFICE_REVIEW
    catalog.deputy_head_reviewed_on = last if complete else None


def record_deputy_review(
    catalog: Catalog, data: DeputyReviewInput, *, actor, now, ip=""
) -> CatalogDeputyReview:
    """CAT-12a: one deputy head in charge of items of the draft reviewed it: who, when, the
    opinion, the items added or changed. Once every deputy head in charge has reviewed, the
    draft goes to the executive meeting (CAT-13a)."""
    reviews = deputy_reviews(catalog)
    review = rules.DeputyReviewFacts(
        deputy_head=" ".join((data.deputy_head or "").split()),
        reviewed_on=data.reviewed_on,
        opinion=(data.opinion or "").strip(),
        items_changed=(data.items_changed or "").strip(),
        office_study=(data.office_study or "").strip(),
    )
    out = rules.deputy_review_violations(
        catalog.phase,
        review,
        heads=heads_in_charge(catalog),
        already_reviewed=[r.deputy_head for r in reviews if r.deputy_head],
        today=today_of(now),
        not_before=catalog.submissions_closed_on or catalog.solicited_on,
    )
    if not out:
        out += entry_violations(catalog)
    refuse(gates.dedupe(out))
    row = CatalogDeputyReview(
        catalog_id=catalog.id,
        deputy_head=review.deputy_head,
        reviewed_on=review.reviewed_on,
        opinion=review.opinion,
        items_changed=review.items_changed,
        office_study=review.office_study,
        studied_on=today_of(now) if review.office_study else None,
        recorded_by_id=getattr(actor, "id", None),
        recorded_at=now,
    )
    db.session.add(row)
    db.session.flush()
    before_phase = str(catalog.phase)
    _sync_review_phase(catalog)
    db.session.flush()
    _audit(
        "catalog.deputy_head_review",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        before={"phase": before_phase},
        after={
            "review": row.id,
            "deputy_head": row.deputy_head,
            "reviewed_on": row.reviewed_on.isoformat(),
            "opinion": row.opinion,
            "items_changed": row.items_changed,
            "office_study": row.office_study,
            "phase": str(catalog.phase),
        },
    )
    return row


def record_office_study(
    review: CatalogDeputyReview, study: str, *, actor, now, ip=""
) -> CatalogDeputyReview:
    """CAT-12a: the office studied the items a deputy head proposed to add or change."""
    catalog = review.catalog
    out = rules.action_violations(catalog.phase, CatalogAction.DEPUTY_HEAD_REVIEW)
    out += rules.office_study_violations(review.items_changed, study, review.office_study)
    refuse(out)
    review.office_study = study.strip()
    review.studied_on = today_of(now)
    db.session.flush()
    _audit(
        "catalog.deputy_review_study",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={"review": review.id, "office_study": review.office_study},
    )
    return review


def record_executive_meeting(catalog: Catalog, on: date | None, ref: str, *, actor, now, ip=""):
    """CAT-13a: the executive meeting deliberated the catalog, after every deputy head in
    charge of its items reviewed it (CAT-12a)."""
    out = rules.action_violations(catalog.phase, CatalogAction.EXECUTIVE_MEETING)
    if not out:
        out += review_gate_violations(catalog)
        out += rules.recorded_date_violations(
            on,
            today_of(now),
            field="executive_meeting_on",
            not_before=catalog.deputy_head_reviewed_on,
            rule="CAT-13a",
        )
        if not present(ref):
            # CAT-13a: the meeting's date and reference
            out.append(
                RuleViolation(
                    "CAT-13a", N_("Enter the meeting's reference."), field="executive_meeting_ref"
                )
            )
        out += entry_violations(catalog)
    refuse(gates.dedupe(out))
    before, after = _apply(catalog, {"executive_meeting_on": on, "executive_meeting_ref": ref})
    _move(catalog, CatalogAction.EXECUTIVE_MEETING)
    db.session.flush()
    _audit(
        "catalog.executive_meeting",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        before=before,
        after=after | {"phase": str(catalog.phase)},
    )


def record_party_consent(catalog: Catalog, on: date | None, ref: str, *, actor, now, ip=""):
    """CAT-13c / PROC-4b: the same-level party committee consented (after the meeting)."""
    out = rules.action_violations(catalog.phase, CatalogAction.PARTY_CONSENT)
    if not out:
        out += rules.recorded_date_violations(
            on,
            today_of(now),
            field="party_consent_on",
            not_before=catalog.executive_meeting_on,
            rule="CAT-13c",
        )
        if not present(ref):
            # PROC-4b: party_consent_date and party_consent_ref
            out.append(
                RuleViolation(
                    "PROC-4b", N_("Enter the reference of the consent."), field="party_consent_ref"
                )
            )
    refuse(out)
    before, after = _apply(catalog, {"party_consent_on": on, "party_consent_ref": ref})
    _move(catalog, CatalogAction.PARTY_CONSENT)
    db.session.flush()
    _audit(
        "catalog.party_consent",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        before=before,
        after=after | {"phase": str(catalog.phase)},
    )


def publish_catalog(catalog: Catalog, issue_ref: str, *, actor, now, ip="") -> None:
    """CAT-6b/6c: issue and publish the catalog on the portal now (PROC-4b gates first)."""
    out = publication_violations(catalog)
    if not present(issue_ref):
        # CAT-6b: the office issues the catalog (印发) under a document number
        out.append(
            RuleViolation(
                "CAT-6b", N_("Enter the document number of the issued catalog."), field="issue_ref"
            )
        )
    refuse(out)
    catalog.issue_ref = issue_ref
    catalog.status = CatalogStatus.PUBLISHED
    catalog.published_at = now
    catalog.published_snapshot = snapshot(catalog)
    _move(catalog, CatalogAction.PUBLISH)
    db.session.flush()
    late = [v.rule for v in deadline_warnings(catalog, now) if v.rule == "CAT-6c"]
    _audit(
        "catalog.publish",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "year": catalog.year,
            "entries": len(current_entries(catalog)),
            "published_at": now.isoformat(),
            "issue_ref": issue_ref,
            "late": late,
        },
    )


def record_catalog_filing(catalog: Catalog, on: date | None, reference: str, *, actor, now, ip=""):
    """CAT-6d: filed with the higher government through the sub-platform (A41: by hand)."""
    out = rules.action_violations(catalog.phase, CatalogAction.FILE)
    if not out:
        out += rules.catalog_filing_check(catalog.published_at, on, reference, today_of(now))
    refuse(out)
    catalog.filed_at = local_midnight(on)
    catalog.filing_reference = reference
    catalog.status = CatalogStatus.FILED
    _move(catalog, CatalogAction.FILE)
    db.session.flush()
    _audit(
        "catalog.file",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={"filed_on": on.isoformat(), "filing_reference": reference},
    )


# -- C8: adjustments during the year (CAT-16a..c) ----------------------------------------------


def open_adjustment(catalog: Catalog) -> CatalogAdjustment | None:
    for adj in catalog.adjustments:
        if adj.published_at is None:
            return adj
    return None


def propose_adjustment(
    catalog: Catalog,
    kind: CatalogAdjustmentType,
    values: dict[str, Any],
    *,
    actor,
    now,
    ip="",
) -> CatalogAdjustment:
    """CAT-16a: add, modify or remove one item; approved, published and filed as a version."""
    out = rules.action_violations(catalog.phase, CatalogAction.ADJUST)
    if open_adjustment(catalog) is not None:
        out.append(_input(N_("Publish or withdraw the open adjustment first."), "kind"))
    entry = None
    if values.get("entry_id"):
        entry = db.session.get(CatalogEntry, values["entry_id"])
        if entry is not None and (entry.catalog_id != catalog.id or entry.removed_by_id):
            entry = None
    unit_id = values.get("undertaking_unit_id")
    unit = db.session.get(Department, unit_id) if unit_id else None
    if unit is not None and unit.government_id != catalog.government_id:
        unit = None
    title = values.get("title", "") or (
        entry.title if entry and kind is CatalogAdjustmentType.REMOVE else ""
    )
    out += rules.adjustment_proposal_violations(
        kind,
        reason=values.get("reason", ""),
        target_current=entry is not None,
        title=title,
        undertaking_unit=unit.name if unit else "",
    )
    if kind is not CatalogAdjustmentType.REMOVE:
        if not present(values.get("schedule")):
            # CAT-14a: the decision schedule
            out.append(
                RuleViolation("CAT-14a", N_("Give the decision schedule."), field="schedule")
            )
        if unit is None and kind is CatalogAdjustmentType.MODIFY:
            # CAT-14a: each entry names its undertaking unit
            out.append(
                RuleViolation(
                    "CAT-14a", N_("Name the undertaking unit."), field="undertaking_unit_id"
                )
            )
    decision_id = values.get("decision_id")
    if decision_id:
        decision = db.session.get(Decision, decision_id)
        if decision is None or decision.government_id != catalog.government_id:
            out.append(_input(N_("Choose a decision of this government."), "decision_id"))
    refuse(gates.dedupe(out))
    proposal = {
        k: _plain(values.get(k))
        for k in ENTRY_FIELDS
        if k in values and kind is not CatalogAdjustmentType.REMOVE
    }
    top = max((a.version for a in catalog.adjustments), default=1)
    adj = CatalogAdjustment(
        catalog_id=catalog.id,
        version=top + 1,
        kind=kind,
        entry_id=entry.id if entry else None,
        reason=values["reason"].strip(),
        description=values.get("description", "") or values["reason"].strip(),
        proposal=json.dumps(proposal, ensure_ascii=False),
        created_at=now,
    )
    db.session.add(adj)
    db.session.flush()
    _audit(
        "catalog.adjustment_propose",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "adjustment": adj.id,
            "version": adj.version,
            "kind": str(kind),
            "entry": adj.entry_id,
            "reason": adj.reason,
        },
    )
    db.session.expire(catalog, ["adjustments"])
    return adj


def withdraw_adjustment(adj: CatalogAdjustment, *, actor, now, ip="") -> None:
    if adj.published_at is not None:
        # CAT-16b: a published adjustment stays public (every version is kept)
        refuse(
            [
                RuleViolation(
                    "CAT-16b", N_("The adjustment is already published."), field="published_at"
                )
            ]
        )
    catalog = adj.catalog
    before = {"adjustment": adj.id, "version": adj.version, "kind": str(adj.kind)}
    db.session.delete(adj)
    db.session.flush()
    _audit("catalog.adjustment_withdraw", catalog, actor=actor, now=now, ip=ip, before=before)
    db.session.expire(catalog, ["adjustments"])


def approve_adjustment(
    adj: CatalogAdjustment,
    *,
    study_note: str,
    approved_on: date | None,
    approval_ref: str,
    party_consent_ref: str = "",
    actor,
    now,
    ip="",
) -> None:
    """CAT-16a: studied by the undertaking unit, then approved by the government."""
    out = []
    if adjustment_state(adj) is not AdjustmentState.PROPOSED:
        out.append(_input(N_("The adjustment is already approved."), "approval"))
    if approved_on is not None and approved_on > today_of(now):
        out.append(_input(N_("The date cannot be in the future."), "approved_on"))
    out += gates.catalog_adjustment_violations(
        CatalogAdjustmentFacts(
            kind=adj.kind,
            reason=adj.reason,
            study_done=present(study_note),
            approved_on=approved_on,
            approval_ref=approval_ref,
        )
    )
    refuse(out)
    adj.study_note = study_note.strip()
    adj.approved_at = local_midnight(approved_on)
    adj.approval_ref = approval_ref.strip()
    adj.party_consent_ref = party_consent_ref.strip()
    db.session.flush()
    _audit(
        "catalog.adjustment_approve",
        adj.catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "adjustment": adj.id,
            "approved_on": approved_on.isoformat(),
            "approval_ref": adj.approval_ref,
        },
    )


def publish_adjustment(adj: CatalogAdjustment, *, actor, now, ip="") -> None:
    """CAT-16b: apply the change and publish the adjusted catalog as the next version now."""
    refuse(rules.adjustment_publish_violations(adjustment_state(adj)))
    catalog = adj.catalog
    adj.kind = CatalogAdjustmentType(adj.kind)
    proposal = _load(adj.proposal)
    values = _entry_values(proposal)
    if adj.kind is CatalogAdjustmentType.ADD:
        entry = CatalogEntry(
            catalog_id=catalog.id,
            seq=_next_seq(catalog),
            origin=EntryOrigin.OFFICE_DIRECT,
            added_by_id=adj.id,
            **values,
        )
        db.session.add(entry)
        db.session.flush()
        adj.entry_id = entry.id
    else:
        entry = db.session.get(CatalogEntry, adj.entry_id) if adj.entry_id else None
        if entry is None or entry.removed_by_id is not None:
            # CAT-16a: only an item of the current catalog is modified or removed
            refuse(
                [
                    RuleViolation(
                        "CAT-16a",
                        N_("Choose an item of the current catalog to change."),
                        field="entry_id",
                    )
                ]
            )
        adj.previous = json.dumps(
            {k: _plain(getattr(entry, k)) for k in ENTRY_FIELDS}, ensure_ascii=False
        )
        if adj.kind is CatalogAdjustmentType.REMOVE:
            entry.removed_by_id = adj.id
        else:
            for k, v in values.items():
                setattr(entry, k, v)
    db.session.flush()
    db.session.expire(catalog, ["entries"])
    adj.published_at = now
    adj.snapshot = snapshot(catalog)
    db.session.flush()
    _audit(
        "catalog.adjustment_publish",
        catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "adjustment": adj.id,
            "version": adj.version,
            "kind": str(adj.kind),
            "entry": adj.entry_id,
            "published_at": now.isoformat(),
        },
    )


def _entry_values(proposal: dict) -> dict[str, Any]:
    from portal.rules.stages import Category

    out: dict[str, Any] = {}
    for k in ENTRY_FIELDS:
        if k not in proposal:
            continue
        v = proposal[k]
        if k in ("planned_start_on", "planned_decision_on"):
            v = date.fromisoformat(v) if v else None
        elif k == "category":
            v = Category(v)
        elif k == "non_disclosable":
            v = bool(v)
        out[k] = v
    return out


def file_adjustment(
    adj: CatalogAdjustment, filed_on: date | None, reference: str, *, actor, now, ip=""
) -> None:
    """CAT-16c: filed within 10 working days of its publication (late filings are marked)."""
    published = local_date(adj.published_at) if adj.published_at else None
    refuse(
        rules.adjustment_filing_violations(
            adjustment_state(adj), published, filed_on, reference, today_of(now)
        )
    )
    adj.filed_at = local_midnight(filed_on)
    adj.filing_reference = reference.strip()
    db.session.flush()
    due = rules.adjustment_filing_due(published, procedure.work_calendar())
    _audit(
        "catalog.adjustment_file",
        adj.catalog,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "adjustment": adj.id,
            "filed_on": filed_on.isoformat(),
            "filing_reference": adj.filing_reference,
            "due": due.isoformat(),
            "late": filed_on > due,
        },
    )


def decisions_outside_catalog(government_id: int, year: int) -> list[Decision]:
    """A25: decisions of the government and year that no published catalog lists."""
    listed = (
        sa.select(CatalogEntry.decision_id)
        .join(Catalog, CatalogEntry.catalog_id == Catalog.id)
        .where(
            CatalogEntry.decision_id.is_not(None),
            CatalogEntry.removed_by_id.is_(None),
            Catalog.status != CatalogStatus.DRAFTING,
        )
    )
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(
                Decision.government_id == government_id,
                Decision.year == year,
                Decision.id.not_in(listed),
            )
            .order_by(Decision.id)
        ).all()
    )
