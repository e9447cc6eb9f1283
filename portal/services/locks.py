"""Which part of a decision's record is locked now (the table is ``portal.rules.locks``).

``lock_of(record, fields, decision)`` answers for one write: the record (a model object, new or
stored) and the names of the fields about to change. ``portal.services.records`` asks it before
every write, so no service, screen, API or later round can edit an issued record in place: a
change of a locked record goes through ``records.update_record(..., correction=reason)``, which
checks who may correct it and keeps the earlier values (``Correction``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from portal.rules.locks import Lock, RecordGroup
from portal.rules.stages import Step, StepStatus
from portal.rules.workdays import local_date

# -- fields of the decision row, by group -----------------------------------------------------

DECISION_FIELDS: dict[str, RecordGroup] = {
    **dict.fromkeys(
        (
            "source",
            "undertaking_unit_id",
            "lead_unit_id",
            "co_units",
            "initiate_decision",
            "initiated_on",
            "initiation_ref",
            "scope_exclusion",
        ),
        RecordGroup.INITIATION,
    ),
    # A7, A17, A42: set or cleared only by a confirmed request (portal.services.corrections)
    **dict.fromkeys(
        (
            "non_disclosable",
            "non_disclosable_basis",
            "out_of_scope_confirmed",
            "affects_enterprise_operations",
            "affects_specific_group",
            "affects_market_entities",
            "high_public_concern",
            "is_exploratory_reform",
            "npc_report_required",
        ),
        RecordGroup.GATE_FLAGS,
    ),
    **dict.fromkeys(
        (
            "internal_legal_review_on",
            "internal_legal_review_opinion",
            "internal_legal_review_result",
        ),
        RecordGroup.INTERNAL_LEGAL_REVIEW,
    ),
    **dict.fromkeys(
        ("internal_discussion_on", "internal_discussion_minutes", "internal_discussion_result"),
        RecordGroup.INTERNAL_DISCUSSION,
    ),
    **dict.fromkeys(("npc_reported_on", "npc_report_ref"), RecordGroup.NPC_REPORT),
    **dict.fromkeys(
        ("published_at", "publication_channels", "document_number"), RecordGroup.PUBLICATION
    ),
    **dict.fromkeys(("filed_on", "filing_ref"), RecordGroup.FILING),
    "execution_completed_on": RecordGroup.EXECUTION,
    "executing_unit_id": RecordGroup.EXECUTION,
    "is_complex": RecordGroup.EXPERT_REVIEW,  # EXP-13c, A20: with the expert review
    "archived_at": RecordGroup.ARCHIVE,
    # facts that satisfy a gate, fixed with the step they belong to
    "specific_group_heard": RecordGroup.PARTICIPATION_ACTIVITY,  # PART-14a
    "fair_competition_review_done": RecordGroup.MEETING,  # PROC-34b
}

# Columns a service keeps up to date itself (never user input, never locked).
SYSTEM_FIELDS = frozenset({"updated_at", "stage", "stage_changed_at", "created_at"})


def _status(decision, step: Step) -> StepStatus | None:
    row = decision.step(step)
    return row.status if row is not None else None


def _completed(decision, step: Step) -> bool:
    return _status(decision, step) in (StepStatus.COMPLETED, StepStatus.WAIVED_WITH_EXPLANATION)


def _started(decision, step: Step) -> bool:
    return _status(decision, step) not in (None, StepStatus.PENDING)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return local_date(value)
    return value if isinstance(value, date) else None


def _decision_lock(record, fields: Iterable[str], decision) -> Lock | None:
    for name in fields:
        group = DECISION_FIELDS.get(name)
        if group is None:
            continue
        lock = _decision_group_lock(group, decision)
        if lock is not None:
            return lock
    return None


def _decision_group_lock(group: RecordGroup, d) -> Lock | None:
    if group is RecordGroup.GATE_FLAGS:
        return Lock(group)  # never edited in place once the decision exists
    if group is RecordGroup.INITIATION and _completed(d, Step.INITIATION):
        return Lock(group, d.initiated_on)
    if group is RecordGroup.INTERNAL_LEGAL_REVIEW and _completed(d, Step.INTERNAL_LEGAL_REVIEW):
        return Lock(group, d.internal_legal_review_on)
    if group is RecordGroup.INTERNAL_DISCUSSION and _completed(
        d, Step.INTERNAL_COLLECTIVE_DISCUSSION
    ):
        return Lock(group, d.internal_discussion_on)
    if group is RecordGroup.NPC_REPORT and getattr(d, "npc_reported_on", None) is not None:
        return Lock(group, d.npc_reported_on)
    if group is RecordGroup.PUBLICATION and d.published_at is not None:
        return Lock(group, _day(d.published_at))
    if group is RecordGroup.FILING and d.filed_on is not None:
        return Lock(group, d.filed_on)
    if group is RecordGroup.EXECUTION and d.execution_completed_on is not None:
        return Lock(group, d.execution_completed_on)
    if group is RecordGroup.ARCHIVE and d.archived_at is not None:
        return Lock(group, _day(d.archived_at))
    if group is RecordGroup.PARTICIPATION_ACTIVITY and _completed(d, Step.PUBLIC_PARTICIPATION):
        return Lock(group)
    if group is RecordGroup.MEETING and _started(d, Step.COLLECTIVE_DECISION):
        return Lock(group)
    if group is RecordGroup.EXPERT_REVIEW and _completed(d, Step.EXPERT_REVIEW):
        return Lock(group)
    return None


# -- other records ----------------------------------------------------------------------------


def _step_lock(group: RecordGroup, step: Step) -> Callable[[Any, Iterable[str], Any], Lock | None]:
    """Records of a step lock once the step is completed (or waived)."""

    def lock(record, fields, decision) -> Lock | None:
        return Lock(group) if _completed(decision, step) else None

    return lock


def _legality_review_lock(record, fields, decision) -> Lock | None:
    fields = set(fields)
    if record.id is None:
        return None
    opinion = {
        "opinion_kind",
        "opinion_issued_on",
        "outcome",
        "opinion_text",
        "legal_risk_statement",
        "reviewed_draft_version",
        "reviewer_id",
        "returned",
        "returned_reason",
        "returned_on",
    }
    if fields & opinion and (record.opinion_issued_on is not None or record.returned):
        return Lock(RecordGroup.LEGALITY_OPINION, record.opinion_issued_on)
    if "submitted_on" in fields and record.submitted_on is not None:
        return Lock(RecordGroup.LEGALITY_SUBMISSION, record.submitted_on)
    if "materials" in fields and (record.opinion_issued_on is not None or record.returned):
        return Lock(RecordGroup.LEGALITY_SUBMISSION, record.submitted_on)
    if "no_substantive_change_confirmed" in fields and _started(decision, Step.COLLECTIVE_DECISION):
        return Lock(RecordGroup.LEGALITY_OPINION, record.opinion_issued_on)
    if "meeting_override_reason" in fields and _started(decision, Step.COLLECTIVE_DECISION):
        return Lock(RecordGroup.MEETING)
    return None


def _round_closed(review) -> bool:
    return review is not None and (review.opinion_issued_on is not None or review.returned)


def _review_of(record):
    """The legality review round of a pause, adviser opinion or point (also before a flush)."""
    if record.review is not None:
        return record.review
    from portal.extensions import db
    from portal.models.review import LegalityReview

    return db.session.get(LegalityReview, record.review_id) if record.review_id else None


def _pause_lock(record, fields, decision) -> Lock | None:
    if record.id is not None and record.received_on is not None:
        return Lock(RecordGroup.LEGALITY_SUPPLEMENT, record.received_on)
    if record.id is not None and set(fields) & {"requested_on", "due_on", "what"}:
        return Lock(RecordGroup.LEGALITY_SUPPLEMENT, record.requested_on)
    review = _review_of(record)
    if _round_closed(review):
        return Lock(RecordGroup.LEGALITY_OPINION, review.opinion_issued_on)
    return None


def _adviser_lock(record, fields, decision) -> Lock | None:
    review = _review_of(record)
    if record.id is not None or _round_closed(review):
        return Lock(RecordGroup.LEGALITY_OPINION, review.opinion_issued_on if review else None)
    return None


def _point_lock(record, fields, decision) -> Lock | None:
    fields = set(fields)
    review = _review_of(record)
    if "text" in fields and record.id is not None:
        return Lock(RecordGroup.LEGALITY_OPINION, review.opinion_issued_on if review else None)
    if fields & {"adoption", "explanation"} and _started(decision, Step.COLLECTIVE_DECISION):
        return Lock(RecordGroup.POINT_ADOPTION)
    return None


def _meeting_lock(record, fields, decision) -> Lock | None:
    if record.id is None or record.outcome is None:
        return None
    if set(fields) <= {"revisions"} and not _started(decision, Step.PUBLICATION):
        return None  # A11: the revisions an approval in principle asks for, until publication
    return Lock(RecordGroup.MEETING, record.meeting_on)


def _party_report_lock(record, fields, decision) -> Lock | None:
    if record.id is not None and record.reported_on is not None:
        return Lock(RecordGroup.PARTY_REPORT, record.reported_on)
    return None


def _consultation_lock(record, fields, decision) -> Lock | None:
    from portal import clock

    if record.id is None or record.opens_at is None:
        return None
    now = clock.now()
    fields = set(fields)
    if record.closes_at is not None and record.closes_at <= now:
        return Lock(RecordGroup.CONSULTATION, local_date(record.opens_at))
    if record.opens_at <= now and fields - {"closes_at"}:
        return Lock(RecordGroup.CONSULTATION, local_date(record.opens_at))
    return None


def _activity_lock(record, fields, decision) -> Lock | None:
    if _completed(decision, Step.PUBLIC_PARTICIPATION):
        return Lock(RecordGroup.PARTICIPATION_ACTIVITY, record.held_on)
    return None


# A17: "no social-stability assessment required" is a gate-switching flag kept on the risk
# assessment; it changes only by a request the government office confirms (corrections.py).
RISK_FLAG_FIELDS = frozenset({"social_stability_required", "social_stability_not_required_reason"})


def _risk_lock(record, fields, decision) -> Lock | None:
    if record.id is not None and set(fields) & RISK_FLAG_FIELDS:
        return Lock(RecordGroup.GATE_FLAGS)
    if _completed(decision, Step.RISK_ASSESSMENT):
        return Lock(RecordGroup.RISK_ASSESSMENT)
    assessment = record
    if hasattr(record, "assessment_id"):
        from portal.extensions import db
        from portal.models.risk import RiskAssessment

        assessment = db.session.get(RiskAssessment, record.assessment_id)
    filed = getattr(assessment, "plac_filed_on", None)
    if filed is not None and getattr(assessment, "id", None) is not None:
        # RISK-12b: the report the PLAC reviewed (passed and filed, or returned) is on record;
        # a revision after a return is a correction that keeps the returned version
        return Lock(RecordGroup.RISK_ASSESSMENT, filed)
    return None


def _change_lock(record, fields, decision) -> Lock | None:
    return Lock(RecordGroup.CHANGE, record.decided_on) if record.id is not None else None


# issue 11 (e): the answer of a published opinion, once the adoption report is published
# (PART-15b), and the responses to public concerns (PART-19b), public as soon as recorded.
OPINION_ANSWER_FIELDS = frozenset({"adoption", "response", "theme"})


def _opinion_lock(record, fields, decision) -> Lock | None:
    if record.id is None or not set(fields) & OPINION_ANSWER_FIELDS:
        return None
    from portal.models.opinion import OpinionReport
    from portal.rules.consultation import OpinionStatus

    if record.status is not OpinionStatus.PUBLISHED:
        return None  # a withheld opinion's answer is never public
    from portal.extensions import db

    published = db.session.scalar(
        db.select(OpinionReport.published_at).where(OpinionReport.decision_id == decision.id)
    )
    return Lock(RecordGroup.OPINION_ANSWER, _day(published)) if published else None


def _feedback_response_lock(record, fields, decision) -> Lock | None:
    return Lock(RecordGroup.FEEDBACK_RESPONSE, _day(record.published_at)) if record.id else None


def _feedback_lock(record, fields, decision) -> Lock | None:
    if record.id is not None and "response_id" in fields and record.response_id is not None:
        return Lock(RecordGroup.FEEDBACK_RESPONSE)  # answered: moving it is a correction
    return None


def _registry() -> dict[type, Callable[[Any, Iterable[str], Any], Lock | None]]:
    from portal.models.consultation import Consultation
    from portal.models.decision import Decision
    from portal.models.deliberation import Meeting, PartyReport
    from portal.models.drafting import Dispute, DraftingRecord, UnitConsultation
    from portal.models.evaluation import FeedbackResponse, PublicFeedback  # issue 11 (e)
    from portal.models.expert import ExpertAssignment, ExpertReview
    from portal.models.implementation import DecisionChange
    from portal.models.opinion import Opinion  # issue 11 (e)
    from portal.models.participation import ParticipationActivity
    from portal.models.review import (
        LegalAdviserOpinion,
        LegalityOpinionPoint,
        LegalityPause,
        LegalityReview,
    )
    from portal.models.risk import RiskAssessment, RiskCategoryLevel

    drafting = _step_lock(RecordGroup.DRAFTING, Step.DRAFTING_RESEARCH)
    experts = _step_lock(RecordGroup.EXPERT_REVIEW, Step.EXPERT_REVIEW)
    return {
        Decision: _decision_lock,
        DraftingRecord: drafting,
        UnitConsultation: drafting,
        Dispute: drafting,
        Consultation: _consultation_lock,
        ParticipationActivity: _activity_lock,
        ExpertReview: experts,
        ExpertAssignment: experts,
        RiskAssessment: _risk_lock,
        RiskCategoryLevel: _risk_lock,
        LegalityReview: _legality_review_lock,
        LegalityPause: _pause_lock,
        LegalAdviserOpinion: _adviser_lock,
        LegalityOpinionPoint: _point_lock,
        Meeting: _meeting_lock,
        PartyReport: _party_report_lock,
        DecisionChange: _change_lock,
        Opinion: _opinion_lock,  # issue 11 (e)
        FeedbackResponse: _feedback_response_lock,  # issue 11 (e)
        PublicFeedback: _feedback_lock,  # issue 11 (e)
    }


_REGISTRY: dict[type, Callable[[Any, Iterable[str], Any], Lock | None]] | None = None


def lock_of(record, fields: Iterable[str], decision) -> Lock | None:
    """The lock that forbids changing ``fields`` of ``record`` in place now, if any."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _registry()
    check = _REGISTRY.get(type(record))
    fields = [f for f in fields if f not in SYSTEM_FIELDS]
    if check is None or not fields:
        return None
    return check(record, fields, decision)


def is_frozen_by_archive(record, fields: Iterable[str], decision) -> bool:
    """PROC-39a: once the archive is complete, the decision-making record no longer changes;
    execution, supervision, evaluation and changes go on (their groups say so)."""
    if decision is None or decision.archived_at is None:
        return False
    fields = [f for f in fields if f not in SYSTEM_FIELDS]
    if not fields:
        return False
    from portal.models.decision import Decision
    from portal.models.implementation import DecisionChange
    from portal.rules.locks import GROUPS

    if isinstance(record, DecisionChange):
        return False
    from portal.models.evaluation import FeedbackResponse, PublicFeedback
    from portal.models.opinion import Opinion
    from portal.rules.consultation import OpinionStatus

    if isinstance(record, PublicFeedback | FeedbackResponse):
        return False  # execution-phase records (PART-19b, PROC-42b) go on after the archive
    if isinstance(record, Opinion) and (
        not set(fields) & OPINION_ANSWER_FIELDS or record.status is not OpinionStatus.PUBLISHED
    ):
        # Moderation (e.g. withholding personal data) stays possible; a withheld opinion's
        # answer is not part of the public record.
        return False
    if isinstance(record, Decision):
        groups = {DECISION_FIELDS.get(f) for f in fields}
        return any(g is None or GROUPS[g].frozen_by_archive for g in groups)
    return type(record) in (_REGISTRY or _registry())
