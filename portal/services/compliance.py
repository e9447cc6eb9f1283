"""The compliance panel of a decision and the deadline board of a government.

Both are computed from the records through ``portal/rules``: the panel lists each rule that
applies to each step with its status (met, pending, waived with reason, violated, not
applicable) and due date; the board lists what is overdue or falls due soon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

import sqlalchemy as sa

from portal.extensions import db
from portal.models.catalog import Catalog, CatalogAdjustment
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.participation import ParticipationActivity
from portal.models.review import LegalityPause, LegalityReview
from portal.rules import deadlines, gates
from portal.rules.enums import ParticipationMethod
from portal.rules.errors import N_, RuleViolation
from portal.rules.facts import DecisionFacts
from portal.rules.stages import Step, StepStatus
from portal.rules.transitions import FINAL_EXITS
from portal.rules.workdays import WorkCalendar
from portal.services import procedure


class Status(StrEnum):
    MET = "met"
    PENDING = "pending"
    WAIVED = "waived"
    VIOLATED = "violated"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Item:
    step: Step
    rule: str
    status: Status
    message: RuleViolation | None = None  # why pending or violated
    due: date | None = None
    note: str = ""  # a waiver's explanation
    uncertain: bool = False  # the due date crosses a year without official holiday data
    unknown_years: tuple[int, ...] = ()  # A1: those years


# The rules checked for each step; conditional ones are added only when they apply (below),
# and any other rule a gate raises is shown too, so nothing is hidden.
STEP_RULES: dict[Step, tuple[str, ...]] = {
    Step.INITIATION: ("PROC-3b", "PROC-11c", "PROC-12a"),
    Step.PUBLIC_PARTICIPATION: ("PROC-16a",),
    Step.EXPERT_REVIEW: ("PROC-21a", "EXP-13b", "PROC-22a", "PROC-23a", "EXP-16a"),
    Step.RISK_ASSESSMENT: ("PROC-25a", "RISK-5a", "RISK-7a", "RISK-12a", "RISK-12b"),
    Step.INTERNAL_LEGAL_REVIEW: ("PROC-28a",),
    Step.INTERNAL_COLLECTIVE_DISCUSSION: ("PROC-28a",),
    Step.LEGALITY_REVIEW: ("PROC-29a", "PROC-30a", "PROC-28c", "PROC-28d"),
    Step.COLLECTIVE_DECISION: ("PROC-31a", "PROC-33b", "PROC-34a", "PROC-35c", "PROC-35d"),
    Step.PARTY_COMMITTEE_REPORT: ("PROC-36a",),
    Step.PUBLICATION: ("PROC-37a",),
    Step.FILING: ("PROC-38a",),
    Step.ARCHIVING: ("PROC-39a",),
}
PANEL_STEPS = tuple(STEP_RULES)

# A rule that can only be judged once its prerequisite holds: while the prerequisite is
# unmet, the dependent rule is pending, not met (e.g. no opinion yet: its kind is not judged).
DEPENDS_ON: dict[str, str] = {
    "PROC-28c": "PROC-28b",
    "PROC-28d": "PROC-28b",
    "PROC-30a": "PROC-28b",
    "EXP-13b": "PROC-21a",
    "EXP-13c": "PROC-21a",
    "PROC-22a": "PROC-21a",
    "PROC-23a": "PROC-21a",
    "EXP-16a": "PROC-21a",
    "PROC-33b": "PROC-28b",
}


def _step_violations(facts: DecisionFacts, step: Step, cal: WorkCalendar) -> list[RuleViolation]:
    as_running = replace(facts, steps={**facts.steps, step: StepStatus.IN_PROGRESS})
    out = gates.step_completion_violations(as_running, step, cal)
    if step is Step.LEGALITY_REVIEW:
        out = gates.legality_submission_violations(facts) + out
    if step is Step.COLLECTIVE_DECISION:
        out = gates.collective_decision_entry_violations(facts, cal) + out
    if step is Step.PUBLICATION:
        out = gates.npc_report_violations(facts) + out  # PROC-8a
    return gates.dedupe(out)


def _conditional_rules(facts: DecisionFacts, step: Step) -> tuple[str, ...]:
    p = facts.participation
    extra: list[str] = []
    if step is Step.PUBLIC_PARTICIPATION:
        if p.comment_periods:
            extra.append("PROC-17b")
        if p.symposiums:
            extra.append("PART-8b")
        if p.hearings:
            extra += ["PROC-19c", "PART-16a"]
    if step is Step.EXPERT_REVIEW and facts.expert_review.complex:
        extra.append("EXP-13c")
    if step is Step.LEGALITY_REVIEW and facts.is_exploratory_reform:
        extra.append("PROC-28e")
    if step is Step.COLLECTIVE_DECISION and facts.affects_market_entities:
        extra.append("PROC-34b")
    if step is Step.PUBLICATION and facts.publication.high_public_concern_or_technical:
        extra.append("PROC-37b")
    if step is Step.PUBLICATION and facts.publication.npc_report_required:
        extra.append("PROC-8a")
    return tuple(extra)


def _due_dates(facts: DecisionFacts, cal: WorkCalendar) -> dict[str, deadlines.Deadline | date]:
    due: dict[str, deadlines.Deadline | date] = {}
    p = facts.participation
    if p.comment_periods:
        due["PROC-17b"] = deadlines.earliest_comment_close(p.comment_periods[-1].opens_on)
    if p.symposiums:
        due["PART-8b"] = deadlines.symposium_materials_due(p.symposiums[-1].held_on, cal)
    if p.hearings:
        due["PROC-19c"] = deadlines.hearing_materials_due(p.hearings[-1].held_on)
    lg = facts.legality
    if lg.submitted_on:
        earliest = deadlines.legality_review_earliest_meeting(lg.submitted_on, lg.pauses, cal)
        if earliest is not None:
            due["PROC-31a"] = earliest
    if facts.publication.published_on:
        due["PROC-38a"] = deadlines.decision_filing_due(facts.publication.published_on, cal)
    return due


def _information(facts: DecisionFacts, step: Step) -> dict[str, RuleViolation]:
    """Rules shown with a note even when met: EXP-13a / A22 names the experts and institutions
    from outside the pool, with the recorded reasons."""
    out: dict[str, RuleViolation] = {}
    if step is Step.EXPERT_REVIEW:
        outside = [e for e in facts.expert_review.experts if not e.from_pool]
        if outside:
            names = "；".join(
                f"{e.name}（{e.external_reason.strip()}）" if e.external_reason.strip() else e.name
                for e in outside
            )
            # EXP-13a / A22: experts from outside the pool, each with the recorded reason
            out["EXP-13a"] = RuleViolation(
                "EXP-13a",
                N_("From outside the expert pool, with the recorded reason: %(names)s"),
                field="experts",
                names=names,
            )
    return out


def panel(decision: Decision, today: date) -> list[Item]:
    facts = procedure.build_facts(decision, today)
    cal = procedure.work_calendar()
    due = _due_dates(facts, cal)
    items: list[Item] = []
    for step in PANEL_STEPS:
        status = facts.status(step)
        if status is StepStatus.WAIVED_WITH_EXPLANATION:
            items.append(Item(step, "PROC-29a", Status.WAIVED, note=facts.waivers.get(step, "")))
            continue
        if step is Step.PUBLIC_PARTICIPATION and facts.non_disclosable:
            items.append(
                Item(step, "PROC-16a", Status.NOT_APPLICABLE, note=facts.non_disclosable_basis)
            )
            continue
        violations = _step_violations(facts, step, cal)
        by_rule: dict[str, RuleViolation] = {}
        for v in violations:
            by_rule.setdefault(v.rule, v)
        info = _information(facts, step)
        rules = list(
            dict.fromkeys([*STEP_RULES[step], *_conditional_rules(facts, step), *by_rule, *info])
        )
        for rule in rules:
            d = due.get(rule)
            due_day = d.due if isinstance(d, deadlines.Deadline) else d
            uncertain = bool(isinstance(d, deadlines.Deadline) and d.uncertain)
            years = d.unknown_years if isinstance(d, deadlines.Deadline) else ()
            v = by_rule.get(rule)
            blocked_by = DEPENDS_ON.get(rule)
            if v is None and blocked_by in by_rule and status is not StepStatus.COMPLETED:
                st = Status.PENDING
            elif v is None:
                st = Status.MET if status is not StepStatus.PENDING else Status.PENDING
            elif status is StepStatus.COMPLETED:
                st = Status.VIOLATED
            else:
                st = Status.PENDING
            # A deadline that has passed without the duty done is a violation already.
            if rule == "PROC-38a" and due_day and not facts.publication.filed_on:
                st = Status.VIOLATED if today > due_day else Status.PENDING
            items.append(
                Item(
                    step,
                    rule,
                    st,
                    v or info.get(rule),
                    due_day,
                    uncertain=uncertain,
                    unknown_years=years,
                )
            )
    return items


# -- the deadline board -------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    due: date
    rule: str
    decision: Decision | None  # None for a government duty (a catalog adjustment's filing)
    what: str  # msgid
    overdue: bool
    uncertain: bool = False  # A1: computed across a year without a complete holiday schedule
    catalog: Catalog | None = None
    unknown_years: tuple[int, ...] = ()


def board(government_id: int, today: date, *, working_days: int = 10) -> list[BoardRow]:
    """What is overdue, and what falls due within the next ``working_days`` working days."""
    cal = procedure.work_calendar()
    horizon = cal.add_working_days(today, working_days)
    rows: list[BoardRow] = []

    def add(
        due: date | deadlines.Deadline,
        rule: str,
        decision: Decision | None,
        what: str,
        done: bool,
        uncertain: bool = False,
        catalog: Catalog | None = None,
    ) -> None:
        years: tuple[int, ...] = ()
        if isinstance(due, deadlines.Deadline):  # A1: the warning travels with the deadline
            uncertain, years, due = due.uncertain, due.unknown_years, due.due
        if done or due > horizon:
            return
        rows.append(BoardRow(due, rule, decision, what, due < today, uncertain, catalog, years))

    decisions = db.session.scalars(
        sa.select(Decision).where(
            Decision.government_id == government_id,
            Decision.stage.not_in([s.value for s in FINAL_EXITS]),
        )
    ).all()
    by_id = {d.id: d for d in decisions}
    for d in decisions:
        if d.published_at and not d.filed_on:
            add(
                deadlines.decision_filing_due(d.published_at, cal),
                "PROC-38a",
                d,
                N_("File the published decision with the higher government"),
                False,
            )
    for c in db.session.scalars(sa.select(Consultation).where(Consultation.decision_id.in_(by_id))):
        closes = procedure.last_day(c.closes_at)
        if closes >= today:
            add(closes, "PROC-17b", by_id[c.decision_id], N_("Public comment period closes"), False)
    for a in db.session.scalars(
        sa.select(ParticipationActivity).where(
            ParticipationActivity.decision_id.in_(by_id), ParticipationActivity.held.is_(False)
        )
    ):
        if a.method == ParticipationMethod.SYMPOSIUM:
            add(
                deadlines.symposium_materials_due(a.held_on, cal),
                "PART-8b",
                by_id[a.decision_id],
                N_("Deliver the symposium materials"),
                a.materials_delivered_on is not None,
            )
        elif a.method == ParticipationMethod.HEARING:
            add(
                deadlines.hearing_materials_due(a.held_on),
                "PROC-19c",
                by_id[a.decision_id],
                N_("Deliver the hearing materials"),
                a.materials_delivered_on is not None,
            )
    for pause, review in db.session.execute(
        sa.select(LegalityPause, LegalityReview)
        .join(LegalityReview)
        .where(
            LegalityReview.decision_id.in_(by_id),
            LegalityPause.received_on.is_(None),
            LegalityPause.due_on.is_not(None),
        )
    ):
        add(
            pause.due_on,
            "PROC-29c",
            by_id[review.decision_id],
            N_("Supplementary materials for the legality review are due"),
            False,
        )
    # CAT-16c: an adjusted catalog is filed within 10 working days of its publication
    for adj in db.session.scalars(
        sa.select(CatalogAdjustment)
        .join(Catalog, CatalogAdjustment.catalog_id == Catalog.id)
        .where(
            Catalog.government_id == government_id,
            CatalogAdjustment.published_at.is_not(None),
            CatalogAdjustment.filed_at.is_(None),
        )
    ):
        add(
            deadlines.catalog_adjustment_filing_due(adj.published_at, cal),
            "CAT-16c",
            None,
            N_("File the adjusted catalog with the higher government"),
            False,
            catalog=adj.catalog,
        )
    return sorted(rows, key=lambda r: (r.due, r.rule, r.decision.id if r.decision else 0))


def calendar_warnings(items) -> list[RuleViolation]:
    """A1: the "holiday calendar unknown" warning of every uncertain row of the panel or the
    board (one per rule and due day)."""
    seen: dict[tuple[str, date], RuleViolation] = {}
    for item in items:
        if not getattr(item, "uncertain", False) or item.due is None:
            continue
        years = getattr(item, "unknown_years", ()) or ()
        w = deadlines.calendar_warning(deadlines.Deadline(item.due, item.rule, True, tuple(years)))
        if w is not None:
            seen.setdefault((item.rule, item.due), w)
    return list(seen.values())


# -- the panel as the workspace shows it (presentation only: the statuses above are unchanged) ----

# The workspace filter (GET ``?compliance=``): every row, what is still open (missing or
# overdue), or one of the three counts.
PANEL_FILTERS: tuple[str, ...] = ("all", "open", "missing", "overdue", "done")


def outcome(item: Item, today: date) -> str:
    """Done (met, waived, not applicable), overdue (violated, or pending past its due day) or
    missing (pending)."""
    if item.status is Status.VIOLATED:
        return "overdue"
    if item.status is Status.PENDING:
        return "overdue" if item.due is not None and item.due < today else "missing"
    return "done"


@dataclass
class PanelGroup:
    """The rows of one stage, with how many are done, missing and overdue."""

    stage: str
    items: list[tuple[Item, str]]  # (row, outcome)
    counts: dict[str, int]
    shown: list[tuple[Item, str]]  # the rows the filter keeps

    @property
    def open(self) -> int:
        return self.counts["missing"] + self.counts["overdue"]


def grouped_panel(items: list[Item], today: date, selected: str = "all") -> list[PanelGroup]:
    """The panel grouped by stage (in procedural order), each with its counts; ``selected``
    (one of ``PANEL_FILTERS``) picks the rows shown."""
    from portal.rules.stages import STEP_STAGE

    if selected not in PANEL_FILTERS:
        selected = "all"
    groups: dict[str, PanelGroup] = {}
    for item in items:
        stage = str(STEP_STAGE[item.step])
        group = groups.setdefault(
            stage, PanelGroup(stage, [], {"done": 0, "missing": 0, "overdue": 0}, [])
        )
        result = outcome(item, today)
        group.items.append((item, result))
        group.counts[result] += 1
        if (
            selected == "all"
            or selected == result
            or (selected == "open" and result in ("missing", "overdue"))
        ):
            group.shown.append((item, result))
    return list(groups.values())


def panel_totals(groups: list[PanelGroup]) -> dict[str, int]:
    totals = {"done": 0, "missing": 0, "overdue": 0}
    for g in groups:
        for key in totals:
            totals[key] += g.counts[key]
    totals["open"] = totals["missing"] + totals["overdue"]
    totals["all"] = totals["open"] + totals["done"]
    return totals
