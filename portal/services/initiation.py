"""Initiation of a decision (PROC-3b, PROC-11c, PROC-12a): the decision organ's decision to
initiate, its date and reference, the undertaking units and the lead unit, and a recorded
exclusion from the scope of the rules.

The record is written through ``records.update_record``: it locks once the initiation step is
completed, and the government office (for the decision organ, PROC-11c) corrects it with a
reason. The gate-switching flags (non-disclosure, scope confirmation, market entities, ...) are
not part of this record: they are set when the government office registers the decision, or
changed by a request the office confirms (``portal.services.corrections``, A7/A17/A42).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision, DecisionSource
from portal.models.org import Department
from portal.rules import gates
from portal.rules import records as rules
from portal.rules.enums import InitiateDecision, ScopeExclusion
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.workdays import local_date
from portal.services.records import update_record


@dataclass(frozen=True)
class InitiationInput:
    """The initiation record as the form gives it (unit ids of the decision's government)."""

    source: DecisionSource
    undertaking_unit_id: int | None = None
    co_unit_ids: tuple[int, ...] = ()
    lead_unit_id: int | None = None
    initiate_decision: InitiateDecision | None = None
    initiated_on: date | None = None
    initiation_ref: str = ""
    scope_exclusion: ScopeExclusion | None = None


def departments_of(decision: Decision) -> list[Department]:
    """Departments of the decision's own government: the only possible undertaking units."""
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.government_id == decision.government_id)
            .order_by(Department.sort_order, Department.id)
        ).all()
    )


def reminders(decision: Decision) -> list[RuleViolation]:
    """What still stops drafting from starting (PROC-3b, PROC-11c, PROC-12a), for the screen."""
    from portal.services import procedure

    facts = procedure.build_facts(decision)
    return gates.scope_violations(facts) + gates.initiation_violations(facts)


def _units(decision: Decision, data: InitiationInput):
    depts = {d.id: d for d in departments_of(decision)}
    main = depts.get(data.undertaking_unit_id) if data.undertaking_unit_id else None
    co = [depts[i] for i in dict.fromkeys(data.co_unit_ids) if i in depts and depts[i] is not main]
    lead = depts.get(data.lead_unit_id) if data.lead_unit_id else None
    return depts, main, co, lead


def initiation_violations(
    decision: Decision, data: InitiationInput, *, now: datetime
) -> list[RuleViolation]:
    """Every problem of the initiation record at once (also shown next to a malformed form)."""
    depts = {d.id: d for d in departments_of(decision)}
    out: list[RuleViolation] = []
    for name, ids in (
        ("undertaking_unit", [data.undertaking_unit_id]),
        ("co_units", list(data.co_unit_ids)),
        ("lead_unit", [data.lead_unit_id]),
    ):
        if any(i is not None and i not in depts for i in ids):
            # a department of another government is never a unit of this decision
            out.append(input_error(N_("Choose a department of this government."), name))
    _depts, main, co, lead = _units(decision, data)
    units = [u for u in [main, *co] if u is not None]
    out += rules.initiation_record_violations(
        unit_count=len(units),
        lead_given=lead is not None,
        lead_in_units=lead is None or lead in units,
        initiate_decision=data.initiate_decision,
        initiated_on=data.initiated_on,
        scope_exclusion=data.scope_exclusion,
        out_of_scope_confirmed=decision.out_of_scope_confirmed,
        today=local_date(now),
    )
    return out


def record_initiation(
    decision: Decision,
    data: InitiationInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> dict:
    """Save the initiation record (PROC-11c, PROC-12a, PROC-3b). Refused with every violation
    at once; a locked record (initiation completed) changes only as a correction by the
    government office (``correction`` = the reason). Returns the changed fields."""
    refuse(initiation_violations(decision, data, now=now))
    _depts, main, co, lead = _units(decision, data)
    changes: dict = {
        "source": data.source,
        "undertaking_unit_id": main.id if main else None,
        "lead_unit_id": lead.id if lead else None,
        "initiate_decision": data.initiate_decision,
        "initiated_on": data.initiated_on,
        "initiation_ref": data.initiation_ref.strip(),
        "scope_exclusion": data.scope_exclusion,
    }
    if sorted(d.id for d in decision.co_units) != sorted(d.id for d in co):
        changes["co_units"] = sorted(co, key=lambda d: d.id)
    return update_record(
        decision,
        changes,
        decision=decision,
        actor=actor,
        now=now,
        action="initiation.update",
        ip=ip,
        correction=correction,
    )
