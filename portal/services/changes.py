"""Changes to a published decision (PROC-45, A24): suspension, adjustment, termination.

A change is recorded once and then locked (PROC-39a; the record group ``change`` is corrected
by the government office only). A major adjustment goes through the statutory procedure again
(PROC-45c, A24): recording it creates the new decision item itself, at initiation, linked to
the original both ways (``Decision.adjusts_decision_id``, ``DecisionChange.new_decision_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision, DecisionSource
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.rules import gates
from portal.rules.enums import (
    ChangeKind,
)
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.facts import ChangeFacts, present
from portal.rules.workdays import local_date
from portal.services import decisions
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record

ADJUSTMENT_MARK = "（重大调整）"  # the title of the new procedure instance (PROC-45c)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


@dataclass(frozen=True)
class ChangeInput:
    """PROC-45a/b/c, A24: one change of a published decision."""

    kind: DecisionChangeKind
    decided_on: date
    decided_by_executive_head: bool = False
    reason: str = ""
    collective_decision_ref: str = ""
    # A major adjustment's new procedure: normally created by ``record_change``; another caller
    # may name one only if it is a new procedure instance created for this decision.
    new_decision_id: int | None = None


def _input(data: ChangeInput | dict[str, Any]) -> ChangeInput:
    if isinstance(data, ChangeInput):
        return data
    known = {f.name for f in fields(ChangeInput)}
    return ChangeInput(**{k: v for k, v in data.items() if k in known})


# -- changes to a published decision (PROC-45, A24) -----------------------------------------------


def changes_of(decision: Decision) -> list[DecisionChange]:
    return list(
        db.session.scalars(
            sa.select(DecisionChange)
            .where(DecisionChange.decision_id == decision.id)
            .order_by(DecisionChange.decided_on, DecisionChange.id)
        ).all()
    )


@dataclass(frozen=True)
class AdjustmentLinks:
    """PROC-45c: the procedure this one adjusts, and the new procedures adjusting this one."""

    adjusts: Decision | None
    adjusted_by: list[Decision]


def adjustment_links(decision: Decision) -> AdjustmentLinks:
    adjusts = (
        db.session.get(Decision, decision.adjusts_decision_id)
        if decision.adjusts_decision_id
        else None
    )
    adjusted_by = list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.adjusts_decision_id == decision.id)
            .order_by(Decision.id)
        ).all()
    )
    return AdjustmentLinks(adjusts, adjusted_by)


def titles_of(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Decision.id, Decision.title).where(Decision.id.in_(ids))).all()
    )


def _new_procedure(decision: Decision, data: ChangeInput, *, actor, now, ip) -> Decision:
    """PROC-45c / A24: a new decision item for the major adjustment, at initiation: same
    government, category and undertaking unit, the title marked as an adjustment; a
    non-disclosable decision's adjustment is not disclosable either (A7)."""
    base = decision.title.removesuffix(ADJUSTMENT_MARK)
    new = decisions.create_decision(
        government=decision.government,
        title=(base[: 200 - len(ADJUSTMENT_MARK)] + ADJUSTMENT_MARK),
        category=decision.category,
        year=local_date(now).year,
        summary=data.reason.strip()[:2000],
        undertaking_unit=decision.undertaking_unit,
        source=DecisionSource.GOVERNMENT_HEAD,
        actor=actor,
        now=now,
        non_disclosable=decision.non_disclosable,
        non_disclosable_basis=decision.non_disclosable_basis,
    )
    update_record(
        new,
        {"adjusts_decision_id": decision.id},
        action="decision.adjustment_of",
        **_audit_kw(new, actor, now, ip),
    )
    return new


def record_change(
    decision: Decision,
    data: ChangeInput | dict[str, Any],
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> DecisionChange:
    """PROC-45a/b/c, A24: suspension, resumption, adjustment, major adjustment, termination of a
    published decision. Recording a change does not move the stage (the workspace does), except
    that a major adjustment creates the new procedure instance, linked both ways.
    """
    data = _input(data)
    kind = data.kind
    out: list[RuleViolation] = []
    if decision.published_at is None:
        # PROC-45a: what is suspended, adjusted or terminated is a decision that was made and
        # published; before that the procedure's own exits apply (workspace)
        out.append(
            _v(
                "PROC-45a",
                N_("Only a published decision can be suspended, adjusted or terminated."),
                "kind",
            )
        )
    elif data.decided_on < local_date(decision.published_at):
        out.append(input_error(N_("The change cannot precede the publication."), "decided_on"))
    if data.decided_on > local_date(now):
        out.append(input_error(N_("The change is recorded once decided."), "decided_on"))
    if kind is DecisionChangeKind.SUSPENSION:
        if not data.decided_by_executive_head:
            # PROC-45b: only the executive head may first decide to suspend
            out.append(
                _v(
                    "PROC-45b",
                    N_("A suspension must be decided by the executive head."),
                    "decided_by_executive_head",
                )
            )
        if not present(data.reason):
            # PROC-45b: record the reason (Art. 43 situation or urgency)
            out.append(_v("PROC-45b", N_("The suspension needs a reason."), "reason"))
    elif kind is DecisionChangeKind.RESUMPTION:
        if not any(c.kind is DecisionChangeKind.SUSPENSION for c in changes_of(decision)):
            out.append(_v("A24", N_("Only a suspended decision can be resumed."), "kind"))
        if not present(data.collective_decision_ref):
            # A24: a suspension is followed up by a decision to resume, adjust or terminate
            out.append(
                _v(
                    "A24",
                    N_("Give the reference of the decision to resume execution."),
                    "collective_decision_ref",
                )
            )
    elif kind is DecisionChangeKind.MAJOR_ADJUSTMENT:
        new_id = data.new_decision_id
        other = db.session.get(Decision, new_id) if new_id is not None else None
        if new_id is not None and (other is None or other.adjusts_decision_id != decision.id):
            # PROC-45c / A24: the new procedure is a new instance created for this adjustment
            # (below, when none is named), not any other decision of the government
            out.append(
                _v(
                    "PROC-45c",
                    N_(
                        "A major adjustment goes through a new procedure instance created for "
                        "it, not another decision."
                    ),
                    "new_decision_id",
                )
            )
    else:
        # PROC-45a / A24: an adjustment or a termination needs its collective decision
        out += gates.change_violations(
            ChangeFacts(ChangeKind(kind.value), data.collective_decision_ref)
        )
    refuse(out)
    values = {
        "kind": kind,
        "decided_on": data.decided_on,
        "decided_by_executive_head": data.decided_by_executive_head,
        "reason": data.reason.strip(),
        "collective_decision_ref": data.collective_decision_ref.strip(),
        "new_decision_id": None,
    }
    if kind is DecisionChangeKind.MAJOR_ADJUSTMENT:
        new_id = data.new_decision_id
        if new_id is None:
            new_id = _new_procedure(decision, data, actor=actor, now=now, ip=ip).id
        values["new_decision_id"] = new_id
    change = DecisionChange(decision_id=decision.id)
    update_record(change, values, action="decision.change", **_audit_kw(decision, actor, now, ip))
    return change
