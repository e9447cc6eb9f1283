"""The decision-item state machine (rules.md 1.1 and 1.2).

State is the status of every :class:`Step` (``DecisionFacts.steps``) plus an optional exit stage
(``DecisionFacts.exit``: rejected, suspended, terminated or closed). The public :class:`Stage` is
derived from the steps (:func:`current_stage`).

A *transition* starts a step (target is a ``Step``) or leaves the normal flow (target is an exit
``Stage``). The three consultation tracks run in parallel (PROC-25c): each starts once drafting
has started, and all three must be completed, validly waived or (public participation only)
exempt before the unit's internal legal review (PROC-28a). Starting a sequential step completes
its predecessor when that predecessor is still in progress, so the predecessor's completion
gates are part of the transition's gates.

Use :func:`blocking_reasons` to list every reason at once, :func:`check_transition` to raise the
first, :func:`allowed_transitions` for the menu, :func:`apply_transition` for the next state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from portal.rules import gates
from portal.rules.enums import (
    ChangeKind,
    InitiateDecision,
    LegalityOutcome,
    MeetingOutcome,
    RiskRecommendation,
)
from portal.rules.errors import N_, RuleViolation
from portal.rules.facts import DecisionFacts, present
from portal.rules.stages import STEP_STAGE, Stage, Step, StepStatus
from portal.rules.workdays import WorkCalendar

Target = Step | Stage

EXIT_STAGES: tuple[Stage, ...] = (
    Stage.REJECTED,
    Stage.SUSPENDED,
    Stage.TERMINATED,
    Stage.CLOSED,
)
FINAL_EXITS = frozenset({Stage.REJECTED, Stage.TERMINATED, Stage.CLOSED})

TRACKS = gates.CONSULTATION_TRACKS

# Sequential predecessor: must be completed (or in progress and completable, then completed by
# the transition). The rule cited when the predecessor is missing.
SEQUENTIAL: dict[Step, tuple[Step, str]] = {
    Step.DRAFTING_RESEARCH: (Step.INITIATION, "PROC-11c"),
    Step.INTERNAL_COLLECTIVE_DISCUSSION: (Step.INTERNAL_LEGAL_REVIEW, "PROC-28a"),
    Step.LEGALITY_REVIEW: (Step.INTERNAL_COLLECTIVE_DISCUSSION, "PROC-28a"),
    Step.COLLECTIVE_DECISION: (Step.LEGALITY_REVIEW, "PROC-28b"),
    Step.PARTY_COMMITTEE_REPORT: (Step.COLLECTIVE_DECISION, "PROC-35c"),
    Step.PUBLICATION: (Step.PARTY_COMMITTEE_REPORT, "PROC-36a"),
    Step.FILING: (Step.PUBLICATION, "PROC-38a"),
    Step.EXECUTION: (Step.PUBLICATION, "PROC-40a"),
}

# Parallel steps: need another step started (in progress or completed).
NEEDS_STARTED: dict[Step, tuple[Step, str]] = {
    Step.PUBLIC_PARTICIPATION: (Step.DRAFTING_RESEARCH, "PROC-25c"),
    Step.EXPERT_REVIEW: (Step.DRAFTING_RESEARCH, "PROC-25c"),
    Step.RISK_ASSESSMENT: (Step.DRAFTING_RESEARCH, "PROC-25c"),
    Step.ARCHIVING: (Step.INITIATION, "PROC-39a"),
    Step.SUPERVISION: (Step.EXECUTION, "SUP-2a"),
    Step.POST_EVALUATION: (Step.EXECUTION, "PROC-43a"),
}

# The rule that fixes where each step sits in the procedure (its predecessor), cited when a step
# is started twice or completed while not running. No article orders the catalog listing and the
# initiation themselves: those refusals carry no rule ID. (Issue 11: these refusals used to cite
# PROC-39a, the archiving rule, which says nothing about the order of steps.)
STEP_ORDER_RULE: dict[Step, str] = {
    Step.CATALOG_LISTING: "",
    Step.INITIATION: "",
    Step.INTERNAL_LEGAL_REVIEW: "PROC-28a",  # after the three tracks and the draft
    **dict.fromkeys(TRACKS, "PROC-25c"),  # alongside drafting
    **{step: rule for step, (_pre, rule) in NEEDS_STARTED.items()},
    **{step: rule for step, (_pre, rule) in SEQUENTIAL.items()},
}

# Steps reset to pending when a revised draft goes back to drafting (A11).
REVISION_RESETS: tuple[Step, ...] = (
    Step.INTERNAL_LEGAL_REVIEW,
    Step.INTERNAL_COLLECTIVE_DISCUSSION,
    Step.LEGALITY_REVIEW,
    Step.COLLECTIVE_DECISION,
    Step.PARTY_COMMITTEE_REPORT,
)

# Step order for deriving the public stage; archiving runs throughout and is left out.
_STAGE_STEPS: tuple[Step, ...] = tuple(s for s in Step if s is not Step.ARCHIVING)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


def current_stage(d: DecisionFacts) -> Stage:
    """The public stage: the exit if any, else the stage of the furthest step in progress,
    else of the furthest step completed."""
    if d.exit is not None:
        return d.exit
    for wanted in (StepStatus.IN_PROGRESS, StepStatus.COMPLETED):
        for step in reversed(_STAGE_STEPS):
            if d.status(step) is wanted:
                return STEP_STAGE[step]
    return Stage.INITIATED


def is_revision_loop(d: DecisionFacts) -> bool:
    """Whether the draft may go back to drafting_research (A11, A13, PROC-28d)."""
    if d.status(Step.COLLECTIVE_DECISION) in (StepStatus.IN_PROGRESS, StepStatus.COMPLETED):
        return d.meeting.outcome is MeetingOutcome.REVISE_AND_RESUBMIT
    if d.started(Step.LEGALITY_REVIEW):
        lg = d.legality
        return lg.returned or lg.outcome in (
            LegalityOutcome.UNLAWFUL,
            LegalityOutcome.LAWFUL_WITH_MODIFICATIONS,
        )
    return False


# -- entering steps -------------------------------------------------------------------------


def _sequential_violations(
    d: DecisionFacts, pre: Step, rule: str, target: Step, calendar: WorkCalendar | None
) -> list[RuleViolation]:
    status = d.status(pre)
    if status is StepStatus.COMPLETED:
        return []
    if status is StepStatus.IN_PROGRESS:
        return gates.step_completion_violations(d, pre, calendar)
    return [
        _v(
            rule,
            N_("The %(step)s step must be completed before %(target)s."),
            "status",
            step=str(pre),
            target=str(target),
        )
    ]


def _entry_gates(
    d: DecisionFacts, target: Step, calendar: WorkCalendar | None
) -> list[RuleViolation]:
    """Gates specific to entering ``target`` (beyond its predecessor's completion)."""
    if target in (Step.CATALOG_LISTING, Step.INITIATION):
        return gates.scope_violations(d)  # PROC-3b
    if target is Step.DRAFTING_RESEARCH:
        return gates.initiation_violations(d)  # PROC-11c, PROC-12a
    if target is Step.INTERNAL_LEGAL_REVIEW:
        out: list[RuleViolation] = []
        for track in TRACKS:  # PROC-28a guard 2
            out += gates.track_violations(d, track, calendar)
        return out
    if target is Step.LEGALITY_REVIEW:
        return gates.legality_submission_violations(d)
    if target is Step.COLLECTIVE_DECISION:
        return gates.collective_decision_entry_violations(d, calendar)
    if target is Step.PARTY_COMMITTEE_REPORT:
        return gates.approval_violations(d)  # PROC-35c
    if target is Step.PUBLICATION:
        return gates.publication_entry_violations(d)
    if target is Step.EXECUTION:
        return gates.execution_entry_violations(d)
    if target is Step.POST_EVALUATION:
        return gates.post_evaluation_entry_violations(d)
    return []


def _step_reasons(
    d: DecisionFacts, target: Step, calendar: WorkCalendar | None
) -> list[RuleViolation]:
    # resuming a suspended execution (PROC-45b, A24)
    if d.exit is Stage.SUSPENDED:
        if target is not Step.EXECUTION:
            # PROC-45b: while suspended only resumption or termination is possible
            return [_v("PROC-45b", N_("Execution is suspended."), "status")]
        if not present(d.suspension.follow_up_decision_ref):
            # PROC-45b / A24: resuming needs the recorded follow-up decision
            return [
                _v(
                    "PROC-45b",
                    N_("Record the follow-up decision before resuming execution."),
                    "follow_up_decision_ref",
                )
            ]
        return []

    # a revised draft goes back to drafting (A11 / A13)
    if target is Step.DRAFTING_RESEARCH and d.started(Step.DRAFTING_RESEARCH):
        if d.status(Step.DRAFTING_RESEARCH) is StepStatus.IN_PROGRESS:
            return [_already(target)]
        if is_revision_loop(d):
            return []
        # PROC-35c / A11: back to drafting only after revise_and_resubmit, a return or an
        # unlawful / modify finding
        return [
            _v(
                "PROC-35c",
                N_("The draft can go back to drafting only when a revision is required."),
                "status",
            )
        ]

    out: list[RuleViolation] = []
    if d.status(target) is StepStatus.IN_PROGRESS:
        return [_already(target)]
    if d.status(target) is StepStatus.COMPLETED and target not in TRACKS:
        return [_already(target)]
    if target in TRACKS:
        if d.status(Step.DRAFTING_RESEARCH) is not StepStatus.IN_PROGRESS:
            # PROC-25c: the three tracks run alongside drafting
            out.append(
                _v(
                    "PROC-25c",
                    N_("The %(step)s step runs while the draft is being prepared."),
                    "status",
                    step=str(target),
                )
            )
    elif target is Step.INTERNAL_LEGAL_REVIEW:
        if not d.started(Step.DRAFTING_RESEARCH):
            # PROC-28a: a draft must exist
            out.append(
                _v(
                    "PROC-28a",
                    N_("The %(step)s step must be completed before %(target)s."),
                    "status",
                    step=str(Step.DRAFTING_RESEARCH),
                    target=str(target),
                )
            )
    elif target in SEQUENTIAL:
        pre, rule = SEQUENTIAL[target]
        out += _sequential_violations(d, pre, rule, target, calendar)
    elif target in NEEDS_STARTED:
        pre, rule = NEEDS_STARTED[target]
        if not d.started(pre):
            out.append(
                _v(
                    rule,
                    N_("The %(step)s step must have started before %(target)s."),
                    "status",
                    step=str(pre),
                    target=str(target),
                )
            )
    out += _entry_gates(d, target, calendar)
    return out


def _already(target: Step) -> RuleViolation:
    # The step order's rule (STEP_ORDER_RULE): a step is entered once, after its predecessor;
    # A11 loops go back through drafting. No rule ID for the catalog listing and initiation.
    return _v(
        STEP_ORDER_RULE[target],
        N_("The %(step)s step has already been started."),
        "status",
        step=str(target),
    )


# -- exits ---------------------------------------------------------------------------------------


def _exit_reasons(d: DecisionFacts, target: Stage) -> list[RuleViolation]:
    if target is Stage.REJECTED:
        if not d.started(Step.COLLECTIVE_DECISION) or d.meeting.outcome is not (
            MeetingOutcome.REJECTED
        ):
            # PROC-35c: only a 不予通过 outcome rejects the item
            return [
                _v(
                    "PROC-35c",
                    N_("Only a rejected outcome of the collective decision ends the item."),
                    "outcome",
                )
            ]
        return gates.collective_decision_completion_violations(d)
    if target is Stage.SUSPENDED:
        if d.status(Step.EXECUTION) is not StepStatus.IN_PROGRESS or d.exit is not None:
            # PROC-45b: only execution can be suspended
            return [_v("PROC-45b", N_("Only execution in progress can be suspended."), "status")]
        return gates.suspension_violations(d)
    if target is Stage.TERMINATED:
        if (
            d.started(Step.INITIATION)
            and not d.started(Step.DRAFTING_RESEARCH)
            and d.initiate_decision is InitiateDecision.DO_NOT_INITIATE
        ):
            return []  # PROC-11c: 不启动
        if (
            d.started(Step.RISK_ASSESSMENT)
            and not d.started(Step.COLLECTIVE_DECISION)
            and d.risk.recommendation is RiskRecommendation.DO_NOT_SUBMIT
        ):
            return []  # PROC-27a / RISK-11a: 不提请决策 / 终止决策
        change = d.termination
        if change is not None and change.kind is not ChangeKind.TERMINATION:
            change = None
        # PROC-45a / EVAL-14b: terminating needs the statutory procedure
        return gates.change_violations(change)
    if target is Stage.CLOSED:
        return gates.closing_violations(d)
    # not an exit of the state machine: an input error, no article names it
    return [_v("", N_("%(stage)s is not an exit."), "stage", stage=str(target))]


# -- public API -------------------------------------------------------------------------------


def blocking_reasons(
    d: DecisionFacts, target: Target, *, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """Every reason ``target`` cannot be entered now (empty list = allowed)."""
    if d.exit in FINAL_EXITS:
        # PROC-45a: a finished item changes only through a new statutory procedure
        return [
            _v(
                "PROC-45a",
                N_("The item is %(stage)s; start a new procedure instead."),
                "status",
                stage=str(d.exit),
            )
        ]
    if isinstance(target, Step):
        return gates.dedupe(_step_reasons(d, target, calendar))
    if d.exit is Stage.SUSPENDED and target is not Stage.TERMINATED:
        # PROC-45b: from suspension: resume or terminate
        return [_v("PROC-45b", N_("Execution is suspended."), "status")]
    return gates.dedupe(_exit_reasons(d, target))


def check_transition(
    d: DecisionFacts, target: Target, *, calendar: WorkCalendar | None = None
) -> None:
    """Raise the first :class:`RuleViolation` that blocks ``target``."""
    gates.raise_first(blocking_reasons(d, target, calendar=calendar))


def allowed_transitions(d: DecisionFacts, *, calendar: WorkCalendar | None = None) -> list[Target]:
    """Every step or exit that can be entered now, in procedural order."""
    targets: list[Target] = [*Step, *EXIT_STAGES]
    return [t for t in targets if not blocking_reasons(d, t, calendar=calendar)]


def completion_blocking_reasons(
    d: DecisionFacts, step: Step, *, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """Every reason ``step`` cannot be marked completed now."""
    if d.status(step) is not StepStatus.IN_PROGRESS:
        # only a running step is completed: the step order's rule (STEP_ORDER_RULE)
        return [
            _v(
                STEP_ORDER_RULE[step],
                N_("The %(step)s step is not in progress."),
                "status",
                step=str(step),
            )
        ]
    return gates.dedupe(gates.step_completion_violations(d, step, calendar))


def check_completion(d: DecisionFacts, step: Step, *, calendar: WorkCalendar | None = None) -> None:
    gates.raise_first(completion_blocking_reasons(d, step, calendar=calendar))


def check_waiver(d: DecisionFacts, step: Step, explanation: str) -> None:
    """PROC-28a / PROC-29a(4) / A8: raise if ``step`` may not be waived with ``explanation``."""
    gates.raise_first(gates.waiver_violations(d, step, explanation))


def completable_steps(d: DecisionFacts, *, calendar: WorkCalendar | None = None) -> list[Step]:
    return [
        s
        for s in Step
        if d.status(s) is StepStatus.IN_PROGRESS
        and not completion_blocking_reasons(d, s, calendar=calendar)
    ]


@dataclass(frozen=True)
class NextState:
    steps: Mapping[Step, StepStatus]
    exit: Stage | None


def apply_transition(
    d: DecisionFacts, target: Target, *, calendar: WorkCalendar | None = None
) -> NextState:
    """Check ``target`` and return the step statuses and exit after entering it."""
    check_transition(d, target, calendar=calendar)
    steps = dict(d.steps)
    exit_: Stage | None = d.exit
    if isinstance(target, Stage):
        if target is Stage.REJECTED:
            steps[Step.COLLECTIVE_DECISION] = StepStatus.COMPLETED
        elif target is Stage.CLOSED:
            for step in (Step.EXECUTION, Step.SUPERVISION, Step.ARCHIVING):
                if steps.get(step) is StepStatus.IN_PROGRESS:
                    steps[step] = StepStatus.COMPLETED
        return NextState(MappingProxyType(steps), target)
    if d.exit is Stage.SUSPENDED:  # resume
        return NextState(MappingProxyType(steps), None)
    if target is Step.DRAFTING_RESEARCH and d.started(Step.DRAFTING_RESEARCH):
        for step in REVISION_RESETS:  # A11: re-enter unit review and legality review
            steps[step] = StepStatus.PENDING
    if target in SEQUENTIAL:
        pre = SEQUENTIAL[target][0]
        if steps.get(pre) is StepStatus.IN_PROGRESS:
            steps[pre] = StepStatus.COMPLETED
    if target is Step.INTERNAL_LEGAL_REVIEW and steps.get(Step.DRAFTING_RESEARCH) is (
        StepStatus.IN_PROGRESS
    ):
        steps[Step.DRAFTING_RESEARCH] = StepStatus.COMPLETED
    steps[target] = StepStatus.IN_PROGRESS
    return NextState(MappingProxyType(steps), exit_)
