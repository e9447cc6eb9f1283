"""The decision workspace: recording procedure steps by hand, and what the workspace shows.

``record_step`` is the workspace form's one write: start, complete or waive a step, or record
an exit outcome, through ``portal.services.procedure`` (the state machine in ``portal/rules``).
Publication is not started here: publishing a decision is a transition that needs its date and
channels, made on the publication screen by ``publication.publish_decision`` (PROC-37a), so the
workspace form is no side door to an undated publication.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.correction import Correction, FlagRequest
from portal.models.decision import Decision
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.rules.locks import GROUPS, Corrector, RecordGroup
from portal.rules.stages import Stage, Step
from portal.rules.transitions import EXIT_STAGES as _EXIT_STAGES
from portal.services import changes, corrections, procedure

EXIT_STAGES: tuple[Stage, ...] = _EXIT_STAGES  # rejected, suspended, terminated, closed
ACTIONS = ("start", "complete", "waive", "exit")


@dataclass(frozen=True)
class StepAction:
    """The workspace form: ``action`` on ``target`` (a step, or an exit stage for "exit")."""

    action: str
    target: str
    explanation: str = ""


def _target(action: str, value: str) -> Step | Stage | None:
    try:
        target: Step | Stage = Stage(value) if action == "exit" else Step(value)
    except ValueError:
        return None
    if action == "exit" and target not in EXIT_STAGES:
        return None
    return target


def record_step(
    decision: Decision, data: StepAction, *, actor, now: datetime, ip: str = ""
) -> None:
    """Start / complete / waive a step or record an exit, as the state machine allows; every
    reason it refuses is carried by the one ``RuleViolation``."""
    target = _target(data.action, data.target)
    if data.action not in ACTIONS or target is None:
        refuse([input_error(N_("Choose an action and a step."), "target")])
    if data.action == "start" and target is Step.PUBLICATION:
        # PROC-37a: publication is recorded with its date and channels (publication screen)
        refuse(
            [
                RuleViolation(
                    "PROC-37a",
                    N_(
                        "A decision is published on the publication screen, with its "
                        "publication date and channels; the step starts there."
                    ),
                    field="target",
                )
            ]
        )
    if data.action in ("start", "exit"):
        procedure.transition(decision, target, actor=actor, now=now, ip=ip)
    elif data.action == "complete":
        assert isinstance(target, Step)
        procedure.complete_step(decision, target, actor=actor, now=now, ip=ip)
    else:
        assert isinstance(target, Step)
        procedure.waive_step(decision, target, data.explanation, actor=actor, now=now, ip=ip)


# -- what the workspace shows ---------------------------------------------------------------------


def audit_trail(decision: Decision, limit: int = 50) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(decision.id))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        ).all()
    )


def recent_corrections(decision: Decision, limit: int = 5) -> list[Correction]:
    """The latest corrections of the decision's record, newest first."""
    return list(reversed(corrections.corrections_of(decision)))[:limit]


def pending_flag_requests(decision: Decision) -> list[FlagRequest]:
    return corrections.pending_requests(decision)


def adjustment_links(decision: Decision) -> changes.AdjustmentLinks:
    return changes.adjustment_links(decision)


def corrector_of(group: str) -> Corrector:
    """The statutory role that corrects a locked record of ``group`` (portal.rules.locks)."""
    return GROUPS[RecordGroup(group)].corrector
