"""Plain facts about a decision item, built by the services layer from database rows.

Every dataclass is frozen and has defaults, so a caller (or a test) fills in only what it knows.
Dates are Asia/Shanghai calendar dates (see ``workdays.local_date``). Text fields are "" when
absent; a reason or explanation counts only when it is not blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from portal.rules.deadlines import Pause
from portal.rules.enums import (
    AdoptionStatus,
    CatalogAdjustmentType,
    ChangeKind,
    ExpertReviewMethod,
    InitiateDecision,
    LegalAdviserRole,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingMaterial,
    MeetingOutcome,
    MeetingType,
    OpinionForm,
    ParticipationMethod,
    PartyReportKind,
    PlacReviewResult,
    PostEvalTrigger,
    RiskLevel,
    RiskRecommendation,
    ScopeExclusion,
)
from portal.rules.stages import Stage, Step, StepStatus


def present(text: str | None) -> bool:
    """A reason, explanation or reference counts only when it is not blank."""
    return bool(text and text.strip())


# -- public participation (PROC-16..20, PART) ------------------------------------------------


@dataclass(frozen=True)
class CommentPeriodFacts:
    """PROC-17 / PART-7: one open-comment period."""

    opens_on: date
    closes_on: date
    shortened_reason: str = ""  # PROC-17c
    reason_published: bool = False  # PROC-17c: the reason is in the notice itself


@dataclass(frozen=True)
class SymposiumFacts:
    """PART-8: one symposium; one delivery date per representative (None = not delivered)."""

    held_on: date
    materials_delivered_on: tuple[date | None, ...] = ()


@dataclass(frozen=True)
class HearingFacts:
    """PROC-19, PART-11..16: one hearing."""

    held_on: date
    materials_delivered_on: tuple[date | None, ...] = ()  # per participant (PROC-19c)
    held_publicly: bool = True  # PROC-19d
    held: bool = True  # False while only planned
    record_signed: bool = False  # PART-13b (signatures or refusals noted)
    report_issued: bool = False  # PART-16a


@dataclass(frozen=True)
class ParticipationFacts:
    methods: tuple[ParticipationMethod, ...] = ()  # activities carried out (A6: at least one)
    comment_periods: tuple[CommentPeriodFacts, ...] = ()
    symposiums: tuple[SymposiumFacts, ...] = ()
    hearings: tuple[HearingFacts, ...] = ()
    affects_enterprise_operations: bool = False  # PART-5b
    affects_specific_group: bool = False  # PART-14a
    specific_group_heard: bool = False  # PART-14a: organisations / public representatives heard


# -- expert review (PROC-21..24, EXP) -------------------------------------------------------------


@dataclass(frozen=True)
class ExpertFacts:
    """One expert (or professional institution) assigned to a consultation.

    A pool member's appointment, pledge, terms, dismissal, disqualification and declared
    interests are read from the pool record (EXP-13a); they are judged at the review date.
    An expert or institution from outside the pool carries its own pledge and the reason (A22).
    """

    name: str
    is_institution: bool = False
    from_pool: bool = True
    external_reason: str = ""  # A22: an expert outside the pool needs a reason
    certificate_on: date | None = None  # EXP-8b: appointment certificate (聘书)
    term_start: date | None = None  # EXP-11a: start of the current term (certificate or renewal)
    term_starts: tuple[date, ...] = ()  # EXP-11a / A23: the start of every term (pool record)
    pledge_signed: bool = False  # EXP-10a
    pledge_signed_on: date | None = None  # EXP-10a: the pool record's date (pool members)
    conflict_declared: bool | None = None  # PROC-22a / EXP-10b: None = no declaration made
    pool_conflict: bool = False  # PROC-22a / EXP-10b: an interest recorded in the pool
    disqualified: bool = False  # PROC-49a
    disqualified_on: date | None = None  # PROC-49a: from this day (pool record)
    dismissed_on: date | None = None  # EXP-12b: dismissed from the pool on this day
    materials_delivered_on: date | None = None  # EXP-14c
    opinion_form: OpinionForm | None = None  # EXP-15a
    written_followup: bool = False  # EXP-15a
    signed: bool = False  # PROC-23a: signed (expert) or sealed (institution)


@dataclass(frozen=True)
class ExpertReviewFacts:
    method: ExpertReviewMethod | None = None
    review_on: date | None = None
    experts: tuple[ExpertFacts, ...] = ()
    professional_technical: bool = False  # EXP-2a
    complex: bool = False  # EXP-13c complexity_flag (A20)
    complexity_reason: str = ""
    count_override_reason: str = ""  # A4: "generally" >= 3 / >= 7 experts
    report_done: bool = False  # EXP-16a


# -- risk assessment (PROC-25..27, RISK) ---------------------------------------------------------


@dataclass(frozen=True)
class RiskFacts:
    level: RiskLevel | None = None  # overall level (A16)
    recommendation: RiskRecommendation | None = None
    unit_controllable: bool | None = None  # RISK-11b: the unit ensured the risk is controllable
    mitigation_measures: str = ""  # RISK-11b
    stakeholder_participants: int = 0  # RISK-7a
    department_participants: int = 0  # RISK-7a
    report_done: bool = False  # RISK-12a
    plac_filed_on: date | None = None  # RISK-12b
    plac_review_result: PlacReviewResult | None = None  # RISK-12b: passed (filed) or returned
    social_stability_required: bool = True  # RISK-5a, A17 default
    social_stability_not_required_reason: str = ""  # A17
    social_stability_done: bool = False


# -- legality review (PROC-28..33) -------------------------------------------------------------


@dataclass(frozen=True)
class OpinionPoint:
    """PROC-33b: one point of the legality opinion."""

    adoption: AdoptionStatus = AdoptionStatus.PENDING
    explanation: str = ""  # required when not adopted


@dataclass(frozen=True)
class LegalityReviewFacts:
    submitted_on: date | None = None  # complete submission (latest after a return, A13)
    returned: bool = False  # PROC-29c 退回: the review ended, resubmission needed
    materials: frozenset[LegalityMaterial] = frozenset()  # PROC-29a/b
    pauses: tuple[Pause, ...] = ()  # PROC-29c
    legal_adviser_opinions: tuple[LegalAdviserRole, ...] = ()  # PROC-30a / A15
    opinion_kind: LegalityOpinionKind | None = None  # PROC-28c
    opinion_issued_on: date | None = None
    outcome: LegalityOutcome | None = None  # A14
    legal_risk_statement: str = ""  # PROC-28e
    points: tuple[OpinionPoint, ...] = ()  # PROC-33b
    reviewed_draft_version: int | None = None  # A11
    no_substantive_change_confirmed: bool = False  # A11
    meeting_override_reason: str = ""  # PROC-31a override (A4, A12)


# -- collective decision, publication, filing -------------------------------------------------


@dataclass(frozen=True)
class MeetingFacts:
    meeting_type: MeetingType | None = None  # PROC-35a
    meeting_on: date | None = None  # scheduled or held
    materials: frozenset[MeetingMaterial] = frozenset()  # PROC-34a/b, PROC-28e
    outcome: MeetingOutcome | None = None  # PROC-35c
    minutes_recorded: bool = False  # PROC-35d
    dissent_recorded: bool = False  # PROC-35d: per-participant opinions recorded
    risk_controllable: bool | None = None  # PROC-27b: the decision organ's judgement
    revisions_recorded: bool = False  # A11: revisions required by an in-principle approval
    related_party_attendance: bool = False  # PART-17a
    related_party_reps: int = 0  # PART-17c
    related_party_override_reason: str = ""  # PART-17c / A4


@dataclass(frozen=True)
class PartyReportFacts:
    """PROC-36a."""

    kind: PartyReportKind | None = None
    reported_on: date | None = None
    ref: str = ""


@dataclass(frozen=True)
class PublicationFacts:
    published_on: date | None = None  # A33: earliest official publication
    channels: tuple[str, ...] = ()  # PROC-37a
    high_public_concern_or_technical: bool = False  # PROC-37b / A32
    adoption_report_published: bool = False  # PROC-37b / PART-19c
    filed_on: date | None = None  # PROC-38a
    filing_platform_ref: str = ""  # PROC-38a / A41
    # PROC-8a: reported to the People's Congress standing committee before issuance
    npc_report_required: bool = False
    npc_reported_on: date | None = None
    npc_report_ref: str = ""


@dataclass(frozen=True)
class ExecutionFacts:
    execution_units: tuple[str, ...] = ()  # PROC-40a
    completed: bool = False


@dataclass(frozen=True)
class PostEvaluationFacts:
    triggers: tuple[PostEvalTrigger, ...] = ()  # PROC-43a / EVAL-6a
    evaluation_unit: str = ""  # PROC-43b / EVAL-4a
    # PROC-43c / EVAL-7b: organisations that did the main pre-decision expert review or risk
    # assessment for this decision (A28: hard block)
    excluded_units: frozenset[str] = frozenset()
    # EVAL-6a / A26: a triggered post-evaluation not yet carried out (no government decision on
    # its report), and whether the decision organ recorded "trigger not confirmed" since
    evaluation_pending: bool = False
    trigger_not_confirmed: bool = False


@dataclass(frozen=True)
class SuspensionFacts:
    """PROC-45b: suspension by the executive head, and the follow-up (A24)."""

    decided_by_executive_head: bool = False
    reason: str = ""
    decided_on: date | None = None
    follow_up_decision_ref: str = ""  # needed to resume execution


@dataclass(frozen=True)
class ChangeFacts:
    """PROC-45a/c, EVAL-14b: adjusting or terminating a published decision."""

    kind: ChangeKind
    collective_decision_ref: str = ""  # PROC-45a: the statutory procedure record (A24)
    new_procedure_id: int | None = None  # PROC-45c: a major adjustment is a new procedure


# -- the decision item --------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionFacts:
    steps: Mapping[Step, StepStatus] = field(default_factory=dict)
    waivers: Mapping[Step, str] = field(default_factory=dict)  # explanation per waived step
    exit: Stage | None = None  # REJECTED / SUSPENDED / TERMINATED / CLOSED
    # scope and initiation
    scope_exclusion: ScopeExclusion | None = None  # PROC-3b
    out_of_scope_check_confirmed: bool = False  # PROC-3b / A42
    in_catalog: bool = True  # A25
    initiate_decision: InitiateDecision | None = None  # PROC-11c
    undertaking_units: tuple[str, ...] = ()  # PROC-12a
    lead_unit: str = ""  # PROC-12a
    draft_version: int = 1  # A11
    non_disclosable: bool = False  # PROC-16a, PROC-19d, PROC-37c
    non_disclosable_basis: str = ""
    # unit-internal review (PROC-28a)
    internal_legal_review_passed: bool = False
    internal_collective_discussion_passed: bool = False
    # market entities and fair competition (PROC-29b, PROC-34b)
    affects_market_entities: bool = False
    fair_competition_review_done: bool = False
    is_exploratory_reform: bool = False  # PROC-28e
    # the tracks and later steps
    participation: ParticipationFacts = field(default_factory=ParticipationFacts)
    expert_review: ExpertReviewFacts = field(default_factory=ExpertReviewFacts)
    risk: RiskFacts = field(default_factory=RiskFacts)
    legality: LegalityReviewFacts = field(default_factory=LegalityReviewFacts)
    meeting: MeetingFacts = field(default_factory=MeetingFacts)
    party_report: PartyReportFacts = field(default_factory=PartyReportFacts)
    publication: PublicationFacts = field(default_factory=PublicationFacts)
    execution: ExecutionFacts = field(default_factory=ExecutionFacts)
    post_evaluation: PostEvaluationFacts = field(default_factory=PostEvaluationFacts)
    suspension: SuspensionFacts = field(default_factory=SuspensionFacts)
    termination: ChangeFacts | None = None  # PROC-45a
    archive_complete: bool = False  # PROC-39a
    as_of: date | None = None  # today (Asia/Shanghai), for gates about windows still open

    def status(self, step: Step) -> StepStatus:
        return self.steps.get(step, StepStatus.PENDING)

    def started(self, step: Step) -> bool:
        return self.status(step) in (StepStatus.IN_PROGRESS, StepStatus.COMPLETED)


# -- catalog (CAT) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogEntryFacts:
    name: str
    undertaking_unit: str = ""  # CAT-14a
    dept_legality_review_passed: bool = False  # CAT-8c
    scope_exclusion: ScopeExclusion | None = None  # PROC-3b
    procedure_id: int | None = None  # CAT-2a
    removed_by_adjustment: bool = False  # CAT-2a / CAT-16a
    from_department: bool = True  # CAT-8c applies to department submissions


@dataclass(frozen=True)
class CatalogFacts:
    year: int
    entries: tuple[CatalogEntryFacts, ...] = ()
    solicited_on: date | None = None  # CAT-7a
    deputy_head_reviewed_on: date | None = None  # CAT-12a
    executive_meeting_on: date | None = None  # CAT-13a
    party_consent_on: date | None = None  # CAT-13c / PROC-4b
    party_consent_ref: str = ""


@dataclass(frozen=True)
class CatalogAdjustmentFacts:
    """CAT-16a..c: one adjustment of a published catalog."""

    kind: CatalogAdjustmentType
    reason: str = ""
    study_done: bool = False  # CAT-16a: studied/demonstrated by the undertaking unit
    approved_on: date | None = None  # CAT-16a: government approval
    approval_ref: str = ""
    published_on: date | None = None  # CAT-16b
    filed_on: date | None = None  # CAT-16c
