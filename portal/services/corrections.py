"""Corrections of issued records, and the requests that change a gate-switching flag.

A correction is written by ``records.update_record(..., correction=reason)`` once the lock rules
allow it (``portal.rules.locks``): this module keeps its row (``keep``) and lists corrections for
the workspace and the dossier. Gate-switching flags (A7 non-disclosure with its legal basis, A17
social-stability assessment not required, A42 scope confirmation, and the flags that switch
PROC-28e, PROC-34b, PROC-37b, PART-5b, PART-14a and PROC-8a on) change only when the government
office confirms a request of the undertaking unit; the confirmer is never the requester.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.correction import Correction, FlagRequest, FlagRequestStatus
from portal.models.decision import Decision
from portal.permissions import Role
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.locks import GROUPS, Corrector, Lock
from portal.services import audit

# The back-office roles that act for each statutory role of rules.md 0.1.
ROLE_CORRECTORS: dict[Role, Corrector] = {
    Role.GOVERNMENT_OFFICE: Corrector.GOV_OFFICE,
    Role.UNDERTAKING_STAFF: Corrector.UNDERTAKING_UNIT,
    Role.LEGALITY_REVIEWER: Corrector.LEGALITY_REVIEW_DEPT,
}


def corrector_roles(actor: Any) -> set[Corrector]:
    """The statutory roles ``actor`` acts for (none for a system or anonymous actor)."""
    return {ROLE_CORRECTORS[r] for r in getattr(actor, "roles", ()) if r in ROLE_CORRECTORS}


def _actor_label(actor: Any) -> str:
    if isinstance(actor, str):
        return actor
    return getattr(actor, "display_name", "") or getattr(actor, "username", "") or ""


def keep(
    record: Any,
    changes: dict[str, tuple[Any, Any]],
    *,
    lock: Lock,
    reason: str,
    decision: Decision,
    actor: Any,
    now: datetime,
) -> Correction:
    """Keep one correction of ``record`` (called by ``records.update_record`` only)."""
    row = Correction(
        decision_id=decision.id,
        group=lock.group,
        record_type=record.__tablename__,
        record_id=record.id,
        changes={k: [before, after] for k, (before, after) in changes.items()},
        reason=reason.strip(),
        public=GROUPS[lock.group].public and not decision.non_disclosable,
        actor_id=getattr(actor, "id", None),
        actor_label=_actor_label(actor),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def corrections_of(decision: Decision) -> list[Correction]:
    """Every correction of the decision's record, oldest first (the workspace)."""
    return list(
        db.session.scalars(
            sa.select(Correction)
            .where(Correction.decision_id == decision.id)
            .order_by(Correction.created_at, Correction.id)
        ).all()
    )


@dataclass(frozen=True)
class ShownChange:
    field: str
    before: Any
    after: Any


def shown_changes(correction: Correction) -> list[ShownChange]:
    """The changes of a correction for people: units by their name, not their number."""
    from portal.models.org import Department

    out = []
    for name, (before, after) in correction.changes.items():
        if name.endswith("_unit_id"):
            before, after = (
                (db.session.get(Department, v).name if v and db.session.get(Department, v) else v)
                for v in (before, after)
            )
        out.append(ShownChange(name, before, after))
    return out


def public_corrections(decision: Decision) -> list[Correction]:
    """The corrections shown on the dossier: of public records, never of a non-disclosable
    decision."""
    if decision.non_disclosable:
        return []
    return [c for c in corrections_of(decision) if c.public]


# -- gate-switching flags (A7, A17, A42) ---------------------------------------------------------

# flag -> (the rule it switches, needs a legal basis when set)
FLAGS: dict[str, tuple[str, bool]] = {
    "non_disclosable": ("A7", True),  # PROC-16a, PROC-37c: no public participation/publication
    "out_of_scope_confirmed": ("A42", False),  # PROC-3b
    "affects_enterprise_operations": ("PART-5b", False),
    "affects_specific_group": ("PART-14a", False),
    "affects_market_entities": ("PROC-34b", False),
    "high_public_concern": ("PROC-37b", False),
    "is_exploratory_reform": ("PROC-28e", False),
    "npc_report_required": ("PROC-8a", False),
    # A17 / RISK-5a: kept on the risk assessment (``Decision.social_stability_not_required``)
    "social_stability_not_required": ("A17", False),
}


@dataclass(frozen=True)
class FlagChange:
    """The unit's request: set ``flag`` to ``value``; ``basis`` is the legal basis of a
    non-disclosure (A7); ``reason`` says why the flag should change."""

    flag: str
    value: bool
    reason: str
    basis: str = ""


def pending_requests(decision: Decision) -> list[FlagRequest]:
    return list(
        db.session.scalars(
            sa.select(FlagRequest)
            .where(
                FlagRequest.decision_id == decision.id,
                FlagRequest.status == FlagRequestStatus.PENDING,
            )
            .order_by(FlagRequest.id)
        ).all()
    )


def requests_of(decision: Decision) -> list[FlagRequest]:
    return list(
        db.session.scalars(
            sa.select(FlagRequest)
            .where(FlagRequest.decision_id == decision.id)
            .order_by(FlagRequest.requested_at.desc(), FlagRequest.id.desc())
        ).all()
    )


def _flag_violations(decision: Decision, change: FlagChange) -> list[RuleViolation]:
    if change.flag not in FLAGS or not hasattr(decision, change.flag):
        return [input_error(N_("Choose a flag."), "flag")]
    out: list[RuleViolation] = []
    rule, needs_basis = FLAGS[change.flag]
    if getattr(decision, change.flag) == change.value:
        out.append(input_error(N_("The flag already has this value."), "value"))
    if needs_basis and change.value and not change.basis.strip():
        # A7: a non-disclosure is set with its legal basis
        out.append(
            RuleViolation(
                "A7",
                N_("Give the legal basis on which the item is not to be disclosed."),
                field="basis",
            )
        )
    if not change.reason.strip():
        # A7 / A17 / A42: the unit's request states why; the office confirms it
        out.append(
            RuleViolation(
                rule, N_("Say why the flag should change."), field="reason", flag=change.flag
            )
        )
    if any(r.flag == change.flag for r in pending_requests(decision)):
        out.append(input_error(N_("A request to change this flag is already waiting."), "flag"))
    return out


def request_flag_change(
    decision: Decision, change: FlagChange, *, actor, now: datetime, ip: str = ""
) -> FlagRequest:
    """The undertaking unit (or the office) asks to set or clear a gate-switching flag."""
    if decision.archived_at is not None:
        from portal.rules.locks import archived_violation

        refuse([archived_violation()])
    refuse(_flag_violations(decision, change))
    row = FlagRequest(
        decision_id=decision.id,
        flag=change.flag,
        value=change.value,
        basis=change.basis.strip(),
        reason=change.reason.strip(),
        requested_by_id=getattr(actor, "id", None),
        requested_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "flag.request",
        actor=actor,
        now=now,
        obj=decision,
        after={"flag": row.flag, "value": row.value, "basis": row.basis, "reason": row.reason},
        ip=ip,
    )
    return row


def _decide_violations(request: FlagRequest, actor) -> list[RuleViolation]:
    out = []
    if request.status is not FlagRequestStatus.PENDING:
        out.append(input_error(N_("This request has already been decided."), "status"))
    if Corrector.GOV_OFFICE not in corrector_roles(actor):
        # A7 / A17 / A42: the government office confirms
        out.append(
            RuleViolation(
                FLAGS.get(request.flag, ("A7", False))[0],
                N_("Only the government office confirms a change of this flag."),
                field="status",
            )
        )
    elif request.requested_by_id is not None and request.requested_by_id == getattr(
        actor, "id", None
    ):
        # separation of duties: the office confirms another person's request
        out.append(
            RuleViolation(
                FLAGS.get(request.flag, ("A7", False))[0],
                N_("A request is confirmed by someone other than the person who made it."),
                field="status",
            )
        )
    return out


def confirm_flag_request(
    request: FlagRequest, note: str = "", *, actor, now: datetime, ip: str = ""
) -> None:
    """The government office confirms: the flag changes, kept as a correction (A7/A17/A42)."""
    from portal.services.records import update_record

    decision = db.session.get(Decision, request.decision_id)
    assert decision is not None
    refuse(_decide_violations(request, actor))
    refuse(
        [v for v in _flag_violations(decision, _as_change(request)) if v.field != "flag"]
    )  # the flag may have changed since the request
    changes: dict[str, Any] = {request.flag: request.value}
    if request.flag == "non_disclosable":
        changes["non_disclosable_basis"] = request.basis if request.value else ""
    request.status = FlagRequestStatus.CONFIRMED
    request.decided_by_id = getattr(actor, "id", None)
    request.decided_at = now
    request.decision_note = note.strip()
    if request.flag == "social_stability_not_required":  # A17: on the risk assessment
        from portal.services import risk

        risk.set_social_stability_not_required(
            decision, request.value, _correction_reason(request), actor=actor, now=now, ip=ip
        )
        return
    update_record(
        decision,
        changes,
        decision=decision,
        actor=actor,
        now=now,
        action="flag.confirm",
        ip=ip,
        correction=_correction_reason(request),
    )


def _as_change(request: FlagRequest) -> FlagChange:
    return FlagChange(request.flag, request.value, request.reason, request.basis)


def _correction_reason(request: FlagRequest) -> str:
    return request.reason + (f"（{request.basis}）" if request.basis else "")


def reject_flag_request(
    request: FlagRequest, note: str, *, actor, now: datetime, ip: str = ""
) -> None:
    """The government office rejects the request, with the reason; nothing changes."""
    out = _decide_violations(request, actor)
    if not note.strip():
        out.append(input_error(N_("Say why the request is rejected."), "note"))
    refuse(out)
    request.status = FlagRequestStatus.REJECTED
    request.decided_by_id = getattr(actor, "id", None)
    request.decided_at = now
    request.decision_note = note.strip()
    db.session.flush()
    decision = db.session.get(Decision, request.decision_id)
    audit.record(
        "flag.reject",
        actor=actor,
        now=now,
        obj=decision,
        after={"flag": request.flag, "value": request.value, "note": request.decision_note},
        ip=ip,
    )
