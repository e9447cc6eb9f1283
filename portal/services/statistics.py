"""Statistics for the government office (PROC-10a, SUP-6a): per department and year.

Figures: decisions by stage, statutory deadlines met and missed (PROC-38a filing, SUP-7b monthly
tracking, SUP-12c rectification, EVAL-13a evaluation report), consultations shorter than 30 days
(PROC-17b), opinions received and adopted, overdue tracking entries. Derived data, computed from
the records on each request; the public summary leaves out non-disclosable items (A7).

Attribution: a decision's figures go to its undertaking unit; a tracking entry or rectification
to the unit responsible for it. The year is the decision's year, or the calendar year in which
a deadline falls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.evaluation import Evaluation
from portal.models.opinion import Opinion
from portal.models.org import Department, Government
from portal.models.supervision import Rectification, SupervisionTask
from portal.rules import deadlines
from portal.rules.enums import AdoptionStatus
from portal.rules.stages import Stage
from portal.rules.workdays import local_date
from portal.services import procedure
from portal.services import supervision as supervision_service
from portal.services.exports import Sheet

ADOPTED = (AdoptionStatus.ADOPTED, AdoptionStatus.PARTIALLY_ADOPTED)


@dataclass
class Figures:
    """One row: a department (None = the whole government) in one year."""

    department: Department | None = None
    by_stage: dict[Stage, int] = field(default_factory=lambda: dict.fromkeys(Stage, 0))
    deadlines_met: int = 0
    deadlines_missed: int = 0
    short_consultations: int = 0
    consultations: int = 0
    opinions_received: int = 0
    opinions_adopted: int = 0
    overdue_tracking: int = 0
    tracking_due: int = 0

    @property
    def decisions(self) -> int:
        return sum(self.by_stage.values())

    def add(self, other: Figures) -> None:
        for stage, n in other.by_stage.items():
            self.by_stage[stage] += n
        for name in (
            "deadlines_met",
            "deadlines_missed",
            "short_consultations",
            "consultations",
            "opinions_received",
            "opinions_adopted",
            "overdue_tracking",
            "tracking_due",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def is_empty(self) -> bool:
        return not (
            self.decisions
            or self.deadlines_met
            or self.deadlines_missed
            or self.tracking_due
            or self.opinions_received
        )


def _decisions(government_id: int, public_only: bool) -> list[Decision]:
    query = sa.select(Decision).where(Decision.government_id == government_id)
    if public_only:
        query = query.where(Decision.non_disclosable.is_(False))
    return list(db.session.scalars(query).all())


def _met(rows: dict, unit_id, done_late: bool | None) -> None:
    """``done_late``: False met, True missed, None still pending (not counted)."""
    if done_late is None:
        return
    if done_late:
        rows[unit_id].deadlines_missed += 1
    else:
        rows[unit_id].deadlines_met += 1


def _outcome(due: date, done_on: date | None, today: date) -> bool | None:
    if done_on is not None:
        return done_on > due
    return True if today > due else None


def department_figures(
    government_id: int, year: int, today: date, *, public_only: bool = False
) -> list[Figures]:
    """One row per department with any figure in ``year``, in the government's order."""
    cal = procedure.work_calendar()
    rows: dict[int | None, Figures] = defaultdict(Figures)
    all_decisions = _decisions(government_id, public_only)
    by_id = {d.id: d for d in all_decisions}
    of_year = [d for d in all_decisions if d.year == year]
    year_ids = [d.id for d in of_year]
    for d in of_year:
        unit = d.undertaking_unit_id
        rows[unit].by_stage[d.stage] += 1
        if d.published_at is not None:  # PROC-38a: filed within 30 days of publication
            due = deadlines.decision_filing_due(d.published_at, cal).due
            _met(rows, unit, _outcome(due, d.filed_on, today))
    if year_ids:
        for c in db.session.scalars(
            sa.select(Consultation).where(Consultation.decision_id.in_(year_ids))
        ):
            unit = by_id[c.decision_id].undertaking_unit_id
            rows[unit].consultations += 1
            days = deadlines.comment_period_days(
                local_date(c.opens_at), procedure.last_day(c.closes_at)
            )
            if days < deadlines.COMMENT_PERIOD_DAYS:  # PROC-17b
                rows[unit].short_consultations += 1
        for decision_id, adoption, n in db.session.execute(
            sa.select(Opinion.decision_id, Opinion.adoption, sa.func.count(Opinion.id))
            .where(Opinion.decision_id.in_(year_ids))
            .group_by(Opinion.decision_id, Opinion.adoption)
        ):
            unit = by_id[decision_id].undertaking_unit_id
            rows[unit].opinions_received += int(n)
            if AdoptionStatus(adoption) in ADOPTED:
                rows[unit].opinions_adopted += int(n)
    ids = list(by_id)
    if ids:
        # SUP-7b: monthly tracking entries falling due in the year
        for task in db.session.scalars(
            sa.select(SupervisionTask).where(SupervisionTask.decision_id.in_(ids))
        ):
            for slot in supervision_service.task_slots(task, today, cal):
                if slot.month.year != year:
                    continue
                unit = task.responsible_unit_id
                if slot.recorded_on is not None or slot.overdue:
                    rows[unit].tracking_due += 1
                    _met(rows, unit, slot.late or slot.overdue)
                if slot.overdue:
                    rows[unit].overdue_tracking += 1
        # SUP-12c: rectification deadlines in the year
        for item in db.session.scalars(
            sa.select(Rectification).where(Rectification.decision_id.in_(ids))
        ):
            if item.due_on.year != year:
                continue
            unit = item.responsible_unit_id or by_id[item.decision_id].undertaking_unit_id
            _met(rows, unit, _outcome(item.due_on, item.completed_on, today))
        # EVAL-13a: evaluation reports due in the year
        for ev in db.session.scalars(
            sa.select(Evaluation).where(
                Evaluation.decision_id.in_(ids), Evaluation.invalidated_on.is_(None)
            )
        ):
            if ev.deadline.year != year:
                continue
            unit = by_id[ev.decision_id].undertaking_unit_id
            _met(rows, unit, _outcome(ev.deadline, ev.report_submitted_on, today))
    departments = {
        d.id: d
        for d in db.session.scalars(
            sa.select(Department).where(Department.government_id == government_id)
        )
    }
    out = []
    for unit_id, figures in rows.items():
        figures.department = departments.get(unit_id) if unit_id is not None else None
        if not figures.is_empty:
            out.append(figures)
    return sorted(
        out,
        key=lambda f: (
            f.department is None,
            f.department.sort_order if f.department else 0,
            f.department.id if f.department else 0,
        ),
    )


def total(rows: Iterable[Figures]) -> Figures:
    out = Figures()
    for row in rows:
        out.add(row)
    return out


def government_summary(government_id: int, year: int, today: date) -> Figures:
    """The public summary: the whole government, non-disclosable items left out (A7)."""
    return total(department_figures(government_id, year, today, public_only=True))


def years(government_id: int | None = None, *, public_only: bool = False) -> list[int]:
    query = sa.select(Decision.year).distinct().order_by(Decision.year.desc())
    if government_id is not None:
        query = query.where(Decision.government_id == government_id)
    if public_only:
        query = query.where(Decision.non_disclosable.is_(False))
    return [int(y) for y in db.session.scalars(query).all()]


def governments() -> list[Government]:
    return list(db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all())


# -- export -------------------------------------------------------------------------------------

STAGES_SHOWN: tuple[Stage, ...] = tuple(Stage)


def sheets(
    rows: list[Figures],
    *,
    labels: dict[str, str],
    stage_labels: dict[Stage, str],
    unit_name,
    overdue: list[supervision_service.OverdueEntry],
) -> list[Sheet]:
    """The XLSX sheets: figures per department (with a total row) and the overdue entries.

    ``labels`` holds the translated column headers; ``unit_name`` names a department.
    """
    headers = [
        labels["department"],
        labels["decisions"],
        *[str(stage_labels[s]) for s in STAGES_SHOWN],
        labels["deadlines_met"],
        labels["deadlines_missed"],
        labels["consultations"],
        labels["short_consultations"],
        labels["opinions_received"],
        labels["opinions_adopted"],
        labels["overdue_tracking"],
    ]

    def line(name: str, f: Figures) -> list:
        return [
            name,
            f.decisions,
            *[f.by_stage[s] for s in STAGES_SHOWN],
            f.deadlines_met,
            f.deadlines_missed,
            f.consultations,
            f.short_consultations,
            f.opinions_received,
            f.opinions_adopted,
            f.overdue_tracking,
        ]

    body = [line(unit_name(f.department), f) for f in rows]
    body.append(line(labels["total"], total(rows)))
    overdue_sheet = Sheet(
        labels["overdue_sheet"],
        [labels["decision"], labels["task"], labels["department"], labels["month"], labels["due"]],
        [
            [
                o.task.decision.title,
                o.task.title,
                unit_name(o.task.responsible_unit),
                str(o.slot.month),
                o.slot.due,
            ]
            for o in overdue
        ],
    )
    return [Sheet(labels["figures_sheet"], headers, body), overdue_sheet]
