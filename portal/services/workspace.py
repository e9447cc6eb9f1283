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
from portal.rules.gates import CONSULTATION_TRACKS
from portal.rules.locks import GROUPS, Corrector, RecordGroup
from portal.rules.stages import Stage, Step, StepStatus
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


# -- where each step's work is done ----------------------------------------------------------------

# The screen (endpoint, with ``decision_id``) where the records of each step are entered.
STEP_SCREEN: dict[Step, str] = {
    Step.CATALOG_LISTING: "admin.decision_initiation",
    Step.INITIATION: "admin.decision_initiation",
    Step.DRAFTING_RESEARCH: "admin.decision_drafting",
    Step.PUBLIC_PARTICIPATION: "admin.decision_participation",
    Step.EXPERT_REVIEW: "admin.decision_experts",
    Step.RISK_ASSESSMENT: "admin.decision_risk",
    Step.INTERNAL_LEGAL_REVIEW: "admin.decision_internal_review",
    Step.INTERNAL_COLLECTIVE_DISCUSSION: "admin.decision_internal_review",
    Step.LEGALITY_REVIEW: "admin.decision_legality",
    Step.COLLECTIVE_DECISION: "admin.decision_deliberation",
    Step.PARTY_COMMITTEE_REPORT: "admin.decision_deliberation",
    Step.PUBLICATION: "admin.decision_publication",
    Step.FILING: "admin.decision_publication",
    Step.ARCHIVING: "admin.decision_archive",
    Step.EXECUTION: "admin.decision_publication",
    Step.SUPERVISION: "admin.decision_supervision",
    Step.POST_EVALUATION: "admin.decision_evaluation",
}
EXIT_SCREEN = "admin.decision_changes"  # suspension and termination

# Rules satisfied on another screen than their step's (the rest: ``STEP_SCREEN`` of the step).
RULE_SCREEN: dict[str, str] = {
    "PROC-16a": "admin.decision_participation",
    "PROC-17b": "admin.decision_participation",
    "PART-8b": "admin.decision_participation",
    "PROC-19c": "admin.decision_hearings",
    "PART-16a": "admin.decision_hearings",
    "PROC-29a": "admin.decision_legality",
    "PROC-29c": "admin.decision_legality",
    "PROC-31a": "admin.decision_deliberation",
    "PROC-8a": "admin.decision_deliberation",
    "PROC-36a": "admin.decision_deliberation",
    "PROC-37a": "admin.decision_publication",
    "PROC-37b": "admin.decision_publication",
    "PROC-38a": "admin.decision_publication",
    "PROC-39a": "admin.decision_archive",
    "PROC-11c": "admin.decision_initiation",
    "PROC-12a": "admin.decision_initiation",
    "PROC-3b": "admin.decision_initiation",
}


def screen_of(step: Step | None = None, rule: str = "") -> str:
    """The endpoint of the screen where ``rule`` (of ``step``) is satisfied."""
    if rule in RULE_SCREEN:
        return RULE_SCREEN[rule]
    if rule.startswith("EXP-"):
        return "admin.decision_experts"
    if rule.startswith("RISK-"):
        return "admin.decision_risk"
    if step is not None:
        return STEP_SCREEN.get(step, "admin.decision_show")
    return "admin.decision_show"


@dataclass(frozen=True)
class NextAction:
    """One button of the workspace: ``action`` on ``target``, or a link to ``screen``."""

    action: str  # start | complete | exit | publish (a link to the publication screen)
    target: str
    screen: str  # where the step's work continues


def next_actions(menu: procedure.Menu, *, can_exit: bool) -> list[NextAction]:
    """One action per step the state machine allows now (nothing for a blocked one)."""
    out: list[NextAction] = []
    for step in menu.completable:
        out.append(NextAction("complete", str(step), STEP_SCREEN.get(step, "admin.decision_show")))
    for target in menu.allowed:
        if isinstance(target, Stage) and target in EXIT_STAGES:
            if can_exit:
                out.append(NextAction("exit", str(target), EXIT_SCREEN))
        elif target is Step.PUBLICATION:
            out.append(NextAction("publish", str(target), "admin.decision_publication"))
        elif isinstance(target, Step):
            out.append(NextAction("start", str(target), STEP_SCREEN.get(target, "")))
    return out


def steps_under_way(menu: procedure.Menu) -> list[tuple[Step, str]]:
    """The steps in progress, each with the screen where its records are entered."""
    return [
        (s, STEP_SCREEN.get(s, "admin.decision_show"))
        for s in Step
        if menu.facts.status(s) is StepStatus.IN_PROGRESS
    ]


def waivable_steps(menu: procedure.Menu) -> list[Step]:
    """Steps that may be recorded as not performed with an explanation (PROC-29a(4), A8):
    expert review and risk assessment, while not yet completed or waived."""
    return [
        s
        for s in CONSULTATION_TRACKS
        if s is not Step.PUBLIC_PARTICIPATION
        and menu.facts.status(s) in (StepStatus.PENDING, StepStatus.IN_PROGRESS)
    ]


def step_started_screen(data: StepAction) -> str | None:
    """Where to continue after a step has started (its screen), else None (the workspace)."""
    if data.action != "start":
        return None
    try:
        return STEP_SCREEN.get(Step(data.target))
    except ValueError:
        return None


def blocked_steps(menu: procedure.Menu) -> list[tuple[Step, list[RuleViolation]]]:
    """Steps not yet begun that cannot start now, each with the rules that stop it."""
    return [
        (t, reasons)
        for t, reasons in menu.blocked.items()
        if isinstance(t, Step) and reasons and menu.facts.status(t) is StepStatus.PENDING
    ]
