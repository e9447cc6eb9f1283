"""Drafting and research (PROC-13..15): the drafting mode and research record, the units and
lower governments consulted, and the disputes referred to the decision organ.

Every write goes through ``records.update_record`` / ``delete_record``: the records lock while
the drafting step is completed (a revision loop that reopens drafting, A11, unlocks them), and
the undertaking unit corrects a locked record with a reason. Services flush; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.rules import records as rules
from portal.rules.errors import N_, input_error, refuse
from portal.rules.facts import present
from portal.rules.workdays import local_date
from portal.services.records import delete_record, update_record

__all__ = ["DraftingMode"]


@dataclass(frozen=True)
class DraftingInput:
    """PROC-13a (who drafts), PROC-14a/14b (research); ``fair_competition_review_done``: the
    unit carried out a fair-competition review of the draft (PROC-29b, PROC-34b)."""

    mode: DraftingMode
    entrusted_party: str = ""
    research_situation: str = ""
    research_necessity: str = ""
    research_basis: str = ""
    research_other: str = ""
    cost_benefit: str = ""
    fair_competition_review_done: bool = False


@dataclass(frozen=True)
class UnitConsultationInput:
    """PROC-15a: a unit or lower government consulted, when, its opinion, agreement."""

    party: str
    consulted_on: date | None
    opinion: str = ""
    agreed: bool = False


@dataclass(frozen=True)
class DisputeInput:
    """PROC-15b: the request to the decision organ to coordinate."""

    issues: str
    differing_opinions: str
    reasons_and_basis: str
    referred_on: date | None


@dataclass(frozen=True)
class ResolutionInput:
    resolution: str
    resolved_on: date | None


def drafting_record(decision: Decision) -> DraftingRecord | None:
    return db.session.scalar(
        sa.select(DraftingRecord).where(DraftingRecord.decision_id == decision.id)
    )


def unit_consultations(decision: Decision) -> list[UnitConsultation]:
    return list(
        db.session.scalars(
            sa.select(UnitConsultation)
            .where(UnitConsultation.decision_id == decision.id)
            .order_by(UnitConsultation.consulted_on, UnitConsultation.id)
        ).all()
    )


def disputes(decision: Decision) -> list[Dispute]:
    return list(
        db.session.scalars(
            sa.select(Dispute)
            .where(Dispute.decision_id == decision.id)
            .order_by(Dispute.referred_on, Dispute.id)
        ).all()
    )


def unreferred_disagreement(decision: Decision) -> bool:
    """PROC-15b: a consulted party did not agree and nothing is referred yet (a reminder)."""
    return any(not c.agreed for c in unit_consultations(decision)) and not disputes(decision)


def save_drafting_record(
    decision: Decision,
    data: DraftingInput,
    *,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> DraftingRecord:
    """Create or change the drafting record (one per decision)."""
    entrusted = data.mode is not DraftingMode.SELF
    refuse(
        rules.drafting_record_violations(entrusted=entrusted, entrusted_party=data.entrusted_party)
    )
    record = drafting_record(decision) or DraftingRecord(decision_id=decision.id)
    update_record(
        record,
        {
            "mode": data.mode,
            "entrusted_party": data.entrusted_party.strip() if entrusted else "",
            "research_situation": data.research_situation.strip(),
            "research_necessity": data.research_necessity.strip(),
            "research_basis": data.research_basis.strip(),
            "research_other": data.research_other.strip(),
            "cost_benefit": data.cost_benefit.strip(),
        },
        decision=decision,
        actor=actor,
        now=now,
        action="drafting.update",
        ip=ip,
        correction=correction,
    )
    update_record(
        decision,
        {"fair_competition_review_done": data.fair_competition_review_done},
        decision=decision,
        actor=actor,
        now=now,
        action="drafting.fair_competition_review",
        ip=ip,
        correction=correction,
    )
    return record


def add_unit_consultation(
    decision: Decision, data: UnitConsultationInput, *, actor, now: datetime, ip: str = ""
) -> UnitConsultation:
    out = []
    if not present(data.party):
        out.append(input_error(N_("Name the unit or government consulted."), "party"))
    if data.consulted_on is None:
        out.append(input_error(N_("Enter the date of the consultation."), "consulted_on"))
    out += rules.unit_consultation_violations(consulted_on=data.consulted_on, today=local_date(now))
    refuse(out)
    row = UnitConsultation(decision_id=decision.id)
    update_record(
        row,
        {
            "party": data.party.strip(),
            "consulted_on": data.consulted_on,
            "opinion": data.opinion.strip(),
            "agreed": data.agreed,
        },
        decision=decision,
        actor=actor,
        now=now,
        action="drafting.consultation_add",
        ip=ip,
    )
    return row


def delete_unit_consultation(
    row: UnitConsultation, *, decision: Decision, actor, now: datetime, ip: str = ""
) -> None:
    """A consultation recorded by mistake; refused once drafting is completed (PROC-39a)."""
    delete_record(
        row, decision=decision, actor=actor, now=now, action="drafting.consultation_delete", ip=ip
    )


def refer_dispute(
    decision: Decision, data: DisputeInput, *, actor, now: datetime, ip: str = ""
) -> Dispute:
    out = []
    for name in ("issues", "differing_opinions", "reasons_and_basis"):
        if not present(getattr(data, name)):
            # PROC-15b: the request states the issues, the differing opinions and their basis
            out.append(input_error(N_("This part of the referral is required."), name))
    if data.referred_on is None:
        out.append(input_error(N_("Enter the date of the referral."), "referred_on"))
    out += rules.dispute_violations(referred_on=data.referred_on, today=local_date(now))
    refuse(out)
    row = Dispute(decision_id=decision.id)
    update_record(
        row,
        {
            "issues": data.issues.strip(),
            "differing_opinions": data.differing_opinions.strip(),
            "reasons_and_basis": data.reasons_and_basis.strip(),
            "referred_on": data.referred_on,
        },
        decision=decision,
        actor=actor,
        now=now,
        action="drafting.dispute_add",
        ip=ip,
    )
    return row


def resolve_dispute(
    dispute: Dispute,
    data: ResolutionInput,
    *,
    decision: Decision,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> Dispute:
    """PROC-15b: the decision organ's coordination, dated after the referral."""
    out = []
    if not present(data.resolution):
        out.append(input_error(N_("Record the resolution."), "resolution"))
    if data.resolved_on is None:
        out.append(input_error(N_("Enter the date of the resolution."), "resolved_on"))
    out += rules.resolution_violations(
        resolved_on=data.resolved_on, referred_on=dispute.referred_on, today=local_date(now)
    )
    refuse(out)
    update_record(
        dispute,
        {"resolution": data.resolution.strip(), "resolved_on": data.resolved_on},
        decision=decision,
        actor=actor,
        now=now,
        action="drafting.dispute_resolve",
        ip=ip,
        correction=correction,
    )
    return dispute
