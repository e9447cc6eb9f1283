"""Changes to a published decision (PROC-45, A24): suspension, adjustment, termination."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.rules import gates
from portal.rules.enums import (
    ChangeKind,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import ChangeFacts, present
from portal.services.records import audit_kw as _audit_kw
from portal.services.records import update_record


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- changes to a published decision (PROC-45, A24) -----------------------------------------------


def changes_of(decision: Decision) -> list[DecisionChange]:
    return list(
        db.session.scalars(
            sa.select(DecisionChange)
            .where(DecisionChange.decision_id == decision.id)
            .order_by(DecisionChange.decided_on, DecisionChange.id)
        ).all()
    )


def record_change(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> DecisionChange:
    """PROC-45a/b/c, A24: suspension, resumption, adjustment, major adjustment, termination.

    Recording a change does not move the stage; the workspace's transition form does that.
    """
    kind: DecisionChangeKind = values["kind"]
    out: list[RuleViolation] = []
    if kind is DecisionChangeKind.SUSPENSION:
        if not values.get("decided_by_executive_head"):
            # PROC-45b: only the executive head may first decide to suspend
            out.append(
                _v(
                    "PROC-45b",
                    N_("A suspension must be decided by the executive head."),
                    "decided_by_executive_head",
                )
            )
        if not present(values.get("reason")):
            # PROC-45b: record the reason (Art. 43 situation or urgency)
            out.append(_v("PROC-45b", N_("The suspension needs a reason."), "reason"))
    elif kind is DecisionChangeKind.RESUMPTION:
        if not any(c.kind is DecisionChangeKind.SUSPENSION for c in changes_of(decision)):
            out.append(_v("A24", N_("Only a suspended decision can be resumed."), "kind"))
        if not present(values.get("collective_decision_ref")):
            # A24: a suspension is followed up by a decision to resume, adjust or terminate
            out.append(
                _v(
                    "A24",
                    N_("Give the reference of the decision to resume execution."),
                    "collective_decision_ref",
                )
            )
    else:
        new_id = values.get("new_decision_id")
        if new_id is not None:
            other = db.session.get(Decision, new_id)
            if (
                other is None
                or other.government_id != decision.government_id
                or (other.id == decision.id)
            ):
                out.append(
                    _v("", N_("Choose another decision of this government."), "new_decision_id")
                )
        # PROC-45a / PROC-45c: a collective decision record, or a new procedure
        for v in gates.change_violations(
            ChangeFacts(ChangeKind(kind.value), values.get("collective_decision_ref", ""), new_id)
        ):
            out.append(
                RuleViolation(
                    v.rule,
                    v.message,
                    field={"new_procedure": "new_decision_id"}.get(v.field or "", v.field),
                    **v.params,
                )
            )
    refuse(out)
    change = DecisionChange(decision_id=decision.id)
    update_record(change, values, action="decision.change", **_audit_kw(decision, actor, now, ip))
    return change
