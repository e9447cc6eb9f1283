"""Records that lock, and how a locked record is corrected (architecture.md: records that lock).

A record that a rule or a clock relies on locks once it is issued or its step is completed:
a legality opinion once issued, a submission date once the review clock runs, the meeting's
outcome once recorded, a publication date once published, the records of a completed step. A
change after that is a *correction*: a new audited version, with a mandatory reason, made by
the role the rules name for that record, shown in the workspace and, where the record is
public, on the dossier (PROC-39a: the whole-process record; A38: append-only). Gate-switching
flags (A7, A17, A42) change only on a request by the undertaking unit confirmed by the
government office. Once the archive of the decision-making record is complete (PROC-39a),
nothing of that record changes any more, not even by correction.

This module is the table of record groups and the pure checks; ``portal.services.locks``
decides from the database whether a group is locked now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.rules.errors import N_, RuleViolation


class Corrector(StrEnum):
    """The statutory roles (rules.md 0.1) that correct a locked record."""

    GOV_OFFICE = "gov_office"  # 政府办公室, for the decision organ
    UNDERTAKING_UNIT = "undertaking_unit"  # 决策承办单位
    LEGALITY_REVIEW_DEPT = "legality_review_dept"  # 合法性审查部门


class RecordGroup(StrEnum):
    """Parts of a decision's record that lock together."""

    INITIATION = "initiation"
    GATE_FLAGS = "gate_flags"
    DRAFTING = "drafting"
    CONSULTATION = "consultation"
    PARTICIPATION_ACTIVITY = "participation_activity"
    EXPERT_REVIEW = "expert_review"
    RISK_ASSESSMENT = "risk_assessment"
    INTERNAL_LEGAL_REVIEW = "internal_legal_review"
    INTERNAL_DISCUSSION = "internal_discussion"
    LEGALITY_SUBMISSION = "legality_submission"
    LEGALITY_SUPPLEMENT = "legality_supplement"
    LEGALITY_OPINION = "legality_opinion"
    POINT_ADOPTION = "point_adoption"
    MEETING = "meeting"
    PARTY_REPORT = "party_report"
    NPC_REPORT = "npc_report"
    PUBLICATION = "publication"
    FILING = "filing"
    EXECUTION = "execution"
    CHANGE = "change"
    ARCHIVE = "archive"
    # issue 11 (e): answers to public opinions once reported, responses to public concerns
    OPINION_ANSWER = "opinion_answer"
    FEEDBACK_RESPONSE = "feedback_response"


@dataclass(frozen=True)
class GroupRule:
    corrector: Corrector
    rule: str  # the rule that names who issues the record (cited when someone else corrects)
    public: bool  # the record is shown on the public dossier: its corrections are too
    frozen_by_archive: bool = True  # part of the decision-making record archived by PROC-39a


GROUPS: dict[RecordGroup, GroupRule] = {
    # PROC-11c: the decision organ decides to initiate; A7/A17/A42: the office confirms flags
    RecordGroup.INITIATION: GroupRule(Corrector.GOV_OFFICE, "PROC-11c", public=True),
    RecordGroup.GATE_FLAGS: GroupRule(Corrector.GOV_OFFICE, "A7", public=False),
    # PROC-13a..15b, PROC-16..20, PROC-21..24, PROC-25..27, PROC-28a: the undertaking unit
    RecordGroup.DRAFTING: GroupRule(Corrector.UNDERTAKING_UNIT, "PROC-13a", public=False),
    RecordGroup.CONSULTATION: GroupRule(Corrector.UNDERTAKING_UNIT, "PROC-17a", public=True),
    RecordGroup.PARTICIPATION_ACTIVITY: GroupRule(
        Corrector.UNDERTAKING_UNIT, "PROC-16b", public=True
    ),
    RecordGroup.EXPERT_REVIEW: GroupRule(Corrector.UNDERTAKING_UNIT, "PROC-21a", public=False),
    RecordGroup.RISK_ASSESSMENT: GroupRule(Corrector.UNDERTAKING_UNIT, "PROC-25a", public=False),
    RecordGroup.INTERNAL_LEGAL_REVIEW: GroupRule(
        Corrector.UNDERTAKING_UNIT, "PROC-28a", public=False
    ),
    RecordGroup.INTERNAL_DISCUSSION: GroupRule(
        Corrector.UNDERTAKING_UNIT, "PROC-28a", public=False
    ),
    # PROC-28b..33: the legality review department receives the submission and issues opinions
    RecordGroup.LEGALITY_SUBMISSION: GroupRule(
        Corrector.LEGALITY_REVIEW_DEPT, "PROC-31a", public=False
    ),
    RecordGroup.LEGALITY_SUPPLEMENT: GroupRule(
        Corrector.LEGALITY_REVIEW_DEPT, "PROC-29c", public=False
    ),
    RecordGroup.LEGALITY_OPINION: GroupRule(
        Corrector.LEGALITY_REVIEW_DEPT, "PROC-28c", public=False
    ),
    # PROC-33b: the unit adopts each point of the opinion or explains why not
    RecordGroup.POINT_ADOPTION: GroupRule(Corrector.UNDERTAKING_UNIT, "PROC-33b", public=False),
    # PROC-35, PROC-36a, PROC-8a, PROC-37a, PROC-38a: the decision organ, through its office
    RecordGroup.MEETING: GroupRule(Corrector.GOV_OFFICE, "PROC-35a", public=True),
    RecordGroup.PARTY_REPORT: GroupRule(Corrector.GOV_OFFICE, "PROC-36a", public=False),
    RecordGroup.NPC_REPORT: GroupRule(Corrector.GOV_OFFICE, "PROC-8a", public=False),
    RecordGroup.PUBLICATION: GroupRule(Corrector.GOV_OFFICE, "PROC-37a", public=True),
    RecordGroup.FILING: GroupRule(Corrector.GOV_OFFICE, "PROC-38a", public=True),
    # Execution goes on after the decision-making record is archived (PROC-40..45).
    RecordGroup.EXECUTION: GroupRule(
        Corrector.UNDERTAKING_UNIT, "PROC-40b", public=True, frozen_by_archive=False
    ),
    RecordGroup.CHANGE: GroupRule(
        Corrector.GOV_OFFICE, "PROC-45a", public=True, frozen_by_archive=False
    ),
    RecordGroup.ARCHIVE: GroupRule(Corrector.GOV_OFFICE, "PROC-39a", public=False),
    # PROC-20a / PART-15b: the unit answers each opinion; the published report relies on it
    RecordGroup.OPINION_ANSWER: GroupRule(Corrector.UNDERTAKING_UNIT, "PROC-20a", public=True),
    # PART-19b: the unit responds to public concerns during execution (goes on after archive)
    RecordGroup.FEEDBACK_RESPONSE: GroupRule(
        Corrector.UNDERTAKING_UNIT, "PART-19b", public=True, frozen_by_archive=False
    ),
}


@dataclass(frozen=True)
class Lock:
    """Why a record group is read-only now: ``since`` is the day it was issued or completed."""

    group: RecordGroup
    since: date | None = None

    @property
    def rule(self) -> GroupRule:
        return GROUPS[self.group]


def locked_violation(lock: Lock, field: str | None = None) -> RuleViolation:
    """PROC-39a: an issued record is not edited in place; it is corrected with a reason."""
    return RuleViolation(
        "PROC-39a",
        N_(
            "This record is issued and locked; %(who)s can correct it with a reason, and the "
            "correction is kept next to the original."
        ),
        field=field,
        who=lock.rule.corrector,
    )


def archived_violation() -> RuleViolation:
    """PROC-39a: the archive of the decision-making record is complete; it no longer changes."""
    return RuleViolation(
        "PROC-39a",
        N_("The archive of this decision is complete; its record can no longer change."),
        field="archived_at",
    )


def correction_violations(
    lock: Lock,
    *,
    reason: str,
    corrector_roles: Iterable[Corrector],
    archived: bool,
) -> list[RuleViolation]:
    """Whether a correction of a locked record may be made by someone holding
    ``corrector_roles`` (the statutory roles of the user), with ``reason``."""
    if archived and lock.rule.frozen_by_archive:
        return [archived_violation()]
    out: list[RuleViolation] = []
    if lock.rule.corrector not in set(corrector_roles):
        out.append(
            RuleViolation(
                lock.rule.rule,
                N_("Only %(who)s corrects this record."),
                field="correction_reason",
                who=lock.rule.corrector,
            )
        )
    if not reason.strip():
        # PROC-39a / A38: a correction is a new version with its reason; the original stays
        out.append(
            RuleViolation(
                "PROC-39a",
                N_("A correction of an issued record needs a reason."),
                field="correction_reason",
            )
        )
    return out


def clock_date_violations(
    name: str,
    new: date | None,
    *,
    today: date,
    not_before: date | None = None,
    rule: str,
) -> list[RuleViolation]:
    """A date that drives a clock (submission, delivery, filing, publication, ...): never in the
    future and never before ``not_before`` (the fact it follows). Moving it once it is set is a
    correction (the record is locked). ``rule`` is the clock's rule."""
    if new is None:
        return []
    out: list[RuleViolation] = []
    if new > today:
        out.append(
            RuleViolation(
                rule,
                N_("A date that starts or stops a statutory clock cannot be in the future."),
                field=name,
            )
        )
    if not_before is not None and new < not_before:
        out.append(
            RuleViolation(
                rule,
                N_("This date cannot be before %(day)s."),
                field=name,
                day=not_before,
            )
        )
    return out
