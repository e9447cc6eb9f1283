"""Use cases of the later stage screens: expert review, risk assessment, legality review,
deliberation, publication and filing, and changes to a published decision.

Every function validates meaning first and raises :class:`Refused` (with every
``RuleViolation`` at once, each with its rule ID) before writing anything, then writes through
``records.update_record`` / ``records.delete_record`` so each edit is audited. They flush and
never commit: the view commits once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.expert import EXPERT_REPORT_PARTS, ExpertAssignment, ExpertReview
from portal.models.implementation import DecisionChange, DecisionChangeKind
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.rules import deadlines, gates
from portal.rules.deadlines import Pause
from portal.rules.enums import (
    AdoptionStatus,
    ChangeKind,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingOutcome,
    RiskLevel,
)
from portal.rules.errors import N_, RuleViolation
from portal.rules.facts import ChangeFacts, present
from portal.rules.workdays import Deadline, WorkCalendar, local_date
from portal.services import outbox, procedure
from portal.services.records import delete_record, update_record

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# The documents published with a decision (PROC-37a/b).
PUBLICATION_DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.DECISION_TEXT,
    DocumentKind.INTERPRETATION,
    DocumentKind.ADOPTION_REPORT,
)


class Refused(Exception):
    """The rules (or plain input checks) refuse a change; nothing was written."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        self.violations = list(violations)
        super().__init__("; ".join(str(v) for v in self.violations))


def _refuse_if(violations: list[RuleViolation]) -> None:
    if violations:
        raise Refused(violations)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


def _audit_kw(decision: Decision, actor, now: datetime, ip: str) -> dict[str, Any]:
    return {"decision": decision, "actor": actor, "now": now, "ip": ip}


def local_midnight(day: date) -> datetime:
    """A33: a publication date is stored as an aware datetime at 00:00 Beijing time."""
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(UTC)


def _index_later(decision: Decision, now: datetime) -> None:
    """Derived data: refresh the public search index through the outbox (public items only)."""
    if not decision.non_disclosable:
        outbox.enqueue("search.decision", {"id": decision.id}, now=now)


# -- expert review (PROC-21..24, EXP-13..16) ---------------------------------------------------


def expert_review_for(decision: Decision, *, actor, now: datetime, ip: str = "") -> ExpertReview:
    review = procedure.expert_review(decision)
    if review is None:
        review = ExpertReview(decision_id=decision.id)
        update_record(
            review, {}, action="experts.review_create", **_audit_kw(decision, actor, now, ip)
        )
    return review


def save_expert_review(
    decision: Decision, values: dict[str, Any], *, is_complex: bool, actor, now, ip=""
) -> ExpertReview:
    """Method, date, EXP-2a flag, the EXP-13c complexity flag (A20) and the A4 override."""
    out = []
    if is_complex and not present(values.get("complexity_reason")):
        # EXP-13c / A20: the complexity flag carries a reason
        out.append(_v("EXP-13c", N_("The complexity flag needs a reason."), "complexity_reason"))
    _refuse_if(out)
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    update_record(
        review, values, action="experts.review_update", **_audit_kw(decision, actor, now, ip)
    )
    update_record(
        decision,
        {"is_complex": is_complex},
        action="decision.complexity_flag",
        **_audit_kw(decision, actor, now, ip),
    )
    return review


def save_expert_report(decision: Decision, values: dict[str, str], *, actor, now, ip=""):
    """EXP-16a: the seven parts of the expert consultation report."""
    review = expert_review_for(decision, actor=actor, now=now, ip=ip)
    changes = {k: values[k] for k in EXPERT_REPORT_PARTS if k in values}
    update_record(review, changes, action="experts.report", **_audit_kw(decision, actor, now, ip))
    return review


def _expert_violations(values: dict[str, Any], recused: bool) -> list[RuleViolation]:
    out = []
    name = values.get("name", "")
    outside_pool = not values.get("is_institution") and not values.get("from_pool", True)
    if outside_pool and not present(values.get("external_reason")):
        # EXP-13a / A22: an expert from outside the pool needs a recorded reason
        out.append(
            _v(
                "EXP-13a",
                N_("%(name)s is not in the expert pool and no reason is recorded."),
                "external_reason",
                name=name,
            )
        )
    if values.get("conflict_declared") is True and not recused:
        # PROC-22a / EXP-10b: an expert with a direct interest must not be selected
        out.append(
            _v(
                "PROC-22a",
                N_(
                    "%(name)s declared a conflict of interest and must not be selected; "
                    "record the recusal instead."
                ),
                "conflict_declared",
                name=name,
            )
        )
    if values.get("opinion_form") is None and values.get("signed"):
        out.append(
            _v("", N_("Record how the opinion was given before marking it signed."), "opinion_form")
        )
    return out


def save_expert(
    decision: Decision,
    assignment: ExpertAssignment | None,
    values: dict[str, Any],
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> ExpertAssignment:
    """Add (``assignment`` None) or edit one expert or institution of the consultation."""
    _refuse_if(_expert_violations(values, recused=bool(assignment and assignment.recused)))
    if assignment is None:
        review = expert_review_for(decision, actor=actor, now=now, ip=ip)
        assignment = ExpertAssignment(review_id=review.id)
        action = "experts.assign"
    else:
        action = "experts.update"
    update_record(assignment, values, action=action, **_audit_kw(decision, actor, now, ip))
    return assignment


def recuse_expert(
    decision: Decision,
    assignment: ExpertAssignment,
    reason: str,
    *,
    conflict_declared: bool,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """PROC-22a / EXP-10b: a recused expert stays on record, with the reason."""
    if not present(reason):
        # PROC-22a: the recusal is recorded with its reason
        raise Refused([_v("PROC-22a", N_("Give the reason for the recusal."), "recusal_reason")])
    changes: dict[str, Any] = {"recused": True, "recusal_reason": reason.strip()}
    if conflict_declared:
        changes["conflict_declared"] = True
    update_record(
        assignment, changes, action="experts.recuse", **_audit_kw(decision, actor, now, ip)
    )


# -- risk assessment (PROC-25..27, RISK-5..12) --------------------------------------------------


def risk_assessment_for(
    decision: Decision, *, actor, now: datetime, ip: str = ""
) -> RiskAssessment:
    ra = procedure.risk_assessment(decision)
    if ra is None:
        ra = RiskAssessment(decision_id=decision.id)
        update_record(ra, {}, action="risk.create", **_audit_kw(decision, actor, now, ip))
    return ra


def risk_level_violations(ra: RiskAssessment | None) -> list[RuleViolation]:
    """A16: a stored overall level other than the highest category level needs a reason."""
    if ra is None or ra.level is None or ra.computed_level is None:
        return []
    if ra.level == ra.computed_level or present(ra.level_override_reason):
        return []
    # A16: overall level = the highest category level, editable with a reason
    return [
        _v(
            "A16",
            N_(
                "The overall level differs from the highest category level (%(level)s); "
                "give the reason for the override."
            ),
            "level_override_reason",
            level=str(ra.computed_level),
        )
    ]


def save_risk(decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""):
    """The assessment, its report, the PLAC filing and the social-stability flag.

    ``values["level"]`` is the level chosen on the form (None = the highest category level, A16).
    """
    ra = procedure.risk_assessment(decision)
    computed = ra.computed_level if ra is not None else None
    chosen: RiskLevel | None = values.get("level")
    out: list[RuleViolation] = []
    if chosen is not None and computed is not None and chosen == computed:
        chosen = None  # A16: the default, follows the categories
    if (
        chosen is not None
        and computed is not None
        and not present(values.get("level_override_reason"))
    ):
        # A16: overall level = the highest category level, editable with a reason
        out.append(
            _v(
                "A16",
                N_(
                    "The overall level differs from the highest category level (%(level)s); "
                    "give the reason for the override."
                ),
                "level_override_reason",
                level=str(computed),
            )
        )
    values = {**values, "level": chosen}
    facts = procedure.build_facts(decision)
    risk = replace(
        facts.risk,
        level=chosen or computed,
        recommendation=values.get("recommendation"),
        unit_controllable=values.get("unit_controllable"),
        mitigation_measures=values.get("mitigation_measures", ""),
        social_stability_required=values.get("social_stability_required", True),
        social_stability_not_required_reason=values.get("social_stability_not_required_reason", ""),
    )
    would_be = replace(facts, risk=risk)
    if risk.level is not None and risk.recommendation is not None:
        # RISK-11a/b: the recommendation allowed for the level
        out += gates.risk_recommendation_violations(would_be)
    if not risk.social_stability_required and not present(
        risk.social_stability_not_required_reason
    ):
        # RISK-5a / A17: "not required" needs a reason
        out += gates.social_stability_violations(would_be)
    plac_sub, plac_filed = values.get("plac_submitted_on"), values.get("plac_filed_on")
    if plac_filed is not None and (plac_sub is None or plac_filed < plac_sub):
        # RISK-12b: the report is first sent to the PLAC, then filed there
        out.append(
            _v(
                "RISK-12b",
                N_("The PLAC filing date must follow the date the report was sent to the PLAC."),
                "plac_filed_on",
            )
        )
    _refuse_if(out)
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    update_record(ra, values, action="risk.update", **_audit_kw(decision, actor, now, ip))
    return ra


def add_risk_category(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> RiskCategoryLevel:
    ra = procedure.risk_assessment(decision)
    if ra is not None and any(c.category == values["category"] for c in ra.categories):
        raise Refused(
            [
                _v(
                    "",
                    N_("This category is already recorded; delete it first to change it."),
                    "category",
                )
            ]
        )
    ra = risk_assessment_for(decision, actor=actor, now=now, ip=ip)
    row = RiskCategoryLevel(assessment_id=ra.id)
    update_record(row, values, action="risk.category_add", **_audit_kw(decision, actor, now, ip))
    db.session.refresh(ra)
    return row


def delete_risk_category(
    decision: Decision, row: RiskCategoryLevel, *, actor, now: datetime, ip: str = ""
) -> None:
    delete_record(row, action="risk.category_delete", **_audit_kw(decision, actor, now, ip))


# -- legality review (PROC-28..33) ----------------------------------------------------------------


@dataclass(frozen=True)
class LegalityClock:
    """PROC-31a / PROC-29c: review working days so far and the earliest meeting day."""

    submitted_on: date | None
    elapsed: int | None  # review working days up to today, pauses excluded
    earliest_meeting: Deadline | None  # None while paused (or not submitted)
    paused: bool
    overdue_pauses: tuple[int, ...]  # ids of supplements past their due day


def _pauses(lr: LegalityReview) -> tuple[Pause, ...]:
    return tuple(Pause(p.requested_on, p.received_on, p.due_on) for p in lr.pauses)


def legality_clock(
    lr: LegalityReview | None, today: date, calendar: WorkCalendar | None = None
) -> LegalityClock:
    if lr is None or lr.submitted_on is None:
        return LegalityClock(None, None, None, False, ())
    pauses = _pauses(lr)
    cal = calendar if calendar is not None else procedure.work_calendar()
    elapsed = deadlines.legality_review_days_elapsed(lr.submitted_on, today, pauses, cal)
    earliest = deadlines.legality_review_earliest_meeting(lr.submitted_on, pauses, cal)
    overdue = tuple(
        p.id
        for p in lr.pauses
        if deadlines.supplement_overdue(Pause(p.requested_on, p.received_on, p.due_on), today)
    )
    return LegalityClock(
        lr.submitted_on,
        elapsed,
        earliest,
        any(p.received_on is None for p in pauses),
        overdue,
    )


def _open_round(lr: LegalityReview | None) -> bool:
    """A round the reviewer can still work on: submitted, not returned, no opinion yet."""
    return (
        lr is not None
        and lr.submitted_on is not None
        and not lr.returned
        and lr.opinion_issued_on is None
    )


def _no_open_round() -> RuleViolation:
    return _v(
        "",
        N_("There is no submission under review: the unit must submit (or resubmit) first."),
        "submitted_on",
    )


def submit_legality(
    decision: Decision,
    submitted_on: date,
    materials: list[str],
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> LegalityReview:
    """The unit submits for legality review (PROC-29a). After a return (退回) or an issued
    opinion a submission starts a new round with a fresh 7-working-day clock (A13, A11)."""
    lr = procedure.legality_review(decision)
    new_round = lr is None or lr.returned or lr.opinion_issued_on is not None
    if new_round:
        record = LegalityReview(decision_id=decision.id, round=(lr.round + 1) if lr else 1)
        action = "legality.submit"
    else:
        assert lr is not None
        if lr.pauses and submitted_on != lr.submitted_on:
            # PROC-29c: once supplements were requested the submission date is fixed
            raise Refused(
                [
                    _v(
                        "PROC-29c",
                        N_(
                            "Supplements were requested for this submission; its date cannot "
                            "change. Record the supplement's receipt instead."
                        ),
                        "submitted_on",
                    )
                ]
            )
        record = lr
        action = "legality.submission_update"
    update_record(
        record,
        {"submitted_on": submitted_on, "materials": sorted(set(materials))},
        action=action,
        **_audit_kw(decision, actor, now, ip),
    )
    return record


def add_pause(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> LegalityPause:
    """PROC-29c 限期补送: the clock stops from the request until the supplement arrives."""
    lr = procedure.legality_review(decision)
    out = []
    if not _open_round(lr):
        out.append(_no_open_round())
    else:
        assert lr is not None and lr.submitted_on is not None
        if values["requested_on"] < lr.submitted_on:
            out.append(_v("", N_("The request cannot precede the submission."), "requested_on"))
        if values.get("due_on") is not None and values["due_on"] < values["requested_on"]:
            out.append(_v("", N_("The due date cannot precede the request."), "due_on"))
        if any(p.received_on is None for p in lr.pauses):
            # PROC-29c: one outstanding supplement request at a time
            out.append(
                _v(
                    "PROC-29c",
                    N_("A requested supplement is still outstanding."),
                    "requested_on",
                )
            )
    _refuse_if(out)
    assert lr is not None
    pause = LegalityPause(review_id=lr.id)
    update_record(pause, values, action="legality.pause", **_audit_kw(decision, actor, now, ip))
    return pause


def receive_supplement(
    decision: Decision, pause: LegalityPause, received_on: date, *, actor, now, ip=""
) -> None:
    if received_on < pause.requested_on:
        raise Refused(
            [_v("", N_("The supplement cannot arrive before it was requested."), "received_on")]
        )
    update_record(
        pause,
        {"received_on": received_on},
        action="legality.supplement_received",
        **_audit_kw(decision, actor, now, ip),
    )


def add_adviser_opinion(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> LegalAdviserOpinion:
    """PROC-30a / A15: a legal adviser's or public lawyer's opinion."""
    lr = procedure.legality_review(decision)
    _refuse_if([] if _open_round(lr) else [_no_open_round()])
    assert lr is not None
    row = LegalAdviserOpinion(review_id=lr.id)
    update_record(
        row, values, action="legality.adviser_opinion", **_audit_kw(decision, actor, now, ip)
    )
    return row


def issue_legality_opinion(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> LegalityReview:
    """The legality review department's opinion (PROC-28c, PROC-30a, PROC-29c, PROC-28e, A11)."""
    lr = procedure.legality_review(decision)
    out: list[RuleViolation] = []
    if lr is None or lr.submitted_on is None or lr.returned:
        out.append(_no_open_round())
        _refuse_if(out)
    assert lr is not None and lr.submitted_on is not None
    if any(p.received_on is None for p in lr.pauses):
        # PROC-29c: a requested supplement is outstanding; the review is paused
        out.append(
            _v(
                "PROC-29c",
                N_("A requested supplement has not been received; the review clock is paused."),
                "supplement_received_at",
            )
        )
    if values["opinion_issued_on"] < lr.submitted_on:
        out.append(
            _v("", N_("The opinion cannot be dated before the submission."), "opinion_issued_on")
        )
    if values["opinion_kind"] is LegalityOpinionKind.LEGALITY_OPINION and not lr.adviser_opinions:
        # PROC-30a / A15: at least one legal adviser or public lawyer opinion first
        out.append(
            _v(
                "PROC-30a",
                N_("Record a legal adviser's or public lawyer's opinion before the opinion."),
                "legal_adviser_opinions",
            )
        )
    outcome = values["outcome"]
    needs_statement = outcome is LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED or (
        outcome is LegalityOutcome.UNLAWFUL and decision.is_exploratory_reform
    )
    if needs_statement and not present(values.get("legal_risk_statement")):
        # PROC-28e: exploratory reform items state the legal risks explicitly
        out.append(
            _v(
                "PROC-28e",
                N_("An exploratory reform item needs an explicit legal risk statement."),
                "legal_risk_statement",
            )
        )
    if outcome is LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED and not (
        decision.is_exploratory_reform
    ):
        # PROC-28e: this outcome applies to items flagged as exploratory reform
        out.append(
            _v(
                "PROC-28e",
                N_("The item is not flagged as an exploratory reform."),
                "outcome",
            )
        )
    _refuse_if(out)
    changes = {
        **values,
        "reviewed_draft_version": procedure.draft_version(decision),  # A11
        "reviewer_id": getattr(actor, "id", None),
    }
    update_record(lr, changes, action="legality.opinion", **_audit_kw(decision, actor, now, ip))
    return lr


def return_submission(
    decision: Decision, reason: str, *, actor, now: datetime, ip: str = ""
) -> LegalityReview:
    """PROC-29c / A13 退回: the review ends; a resubmission starts a new round."""
    lr = procedure.legality_review(decision)
    out = [] if _open_round(lr) else [_no_open_round()]
    if not present(reason):
        # PROC-29c: a return states why the materials do not meet the requirements
        out.append(
            _v("PROC-29c", N_("Give the reason for returning the materials."), "returned_reason")
        )
    _refuse_if(out)
    assert lr is not None
    update_record(
        lr,
        {"returned": True, "returned_reason": reason.strip()},
        action="legality.return",
        **_audit_kw(decision, actor, now, ip),
    )
    return lr


def add_opinion_point(
    decision: Decision, text: str, *, actor, now: datetime, ip: str = ""
) -> LegalityOpinionPoint:
    """PROC-33b: one point of the opinion, for the unit to adopt or explain."""
    lr = procedure.legality_review(decision)
    ok = lr is not None and lr.submitted_on is not None and not lr.returned
    _refuse_if([] if ok else [_no_open_round()])
    assert lr is not None
    point = LegalityOpinionPoint(review_id=lr.id)
    update_record(
        point,
        {"text": text.strip()},
        action="legality.point_add",
        **_audit_kw(decision, actor, now, ip),
    )
    return point


def record_point_adoption(
    decision: Decision,
    point: LegalityOpinionPoint,
    adoption: AdoptionStatus,
    explanation: str,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> None:
    """PROC-33b: every point not adopted is explained in writing to the decision organ."""
    if adoption is AdoptionStatus.NOT_ADOPTED and not present(explanation):
        # PROC-33b: a point not adopted needs a written explanation
        raise Refused(
            [
                _v(
                    "PROC-33b",
                    N_("Explain in writing why this point of the legality opinion is not adopted."),
                    "explanation",
                )
            ]
        )
    update_record(
        point,
        {"adoption": adoption, "explanation": explanation.strip()},
        action="legality.point_adoption",
        **_audit_kw(decision, actor, now, ip),
    )


# -- deliberation (PROC-34..36, PART-17) ----------------------------------------------------------


def meeting_time_violations(decision: Decision, meeting_on: date) -> list[RuleViolation]:
    """PROC-31a / PROC-29c: the meeting leaves >= 7 review working days (override: A12)."""
    lr = procedure.legality_review(decision)
    return deadlines.legality_review_time_violations(
        lr.submitted_on if lr else None,
        meeting_on,
        _pauses(lr) if lr else (),
        procedure.work_calendar(),
        override_reason=lr.meeting_override_reason if lr else "",
    )


def save_meeting(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> Meeting:
    """The collective discussion (PROC-35). A meeting after 修改后再次讨论 is a new round."""
    out: list[RuleViolation] = []
    outcome: MeetingOutcome | None = values.get("outcome")
    if outcome is not None:
        if values.get("meeting_on") is None:
            out.append(_v("", N_("Give the meeting date with the outcome."), "meeting_on"))
        if values.get("meeting_type") is None:
            # PROC-35a: an executive or plenary meeting
            out.append(_v("PROC-35a", N_("The meeting type is not recorded."), "meeting_type"))
        if outcome.is_approval and values.get("risk_controllable") is not True:
            # PROC-27b: approval only when the decision organ judges the risk controllable
            out.append(
                _v(
                    "PROC-27b",
                    N_("The decision organ must judge the risk controllable before approving."),
                    "risk_controllable",
                )
            )
    if values.get("meeting_on") is not None:
        out += meeting_time_violations(decision, values["meeting_on"])
    _refuse_if(out)
    m = procedure.meeting(decision)
    if m is None or m.outcome is MeetingOutcome.REVISE_AND_RESUBMIT:
        m = Meeting(decision_id=decision.id, round=(m.round + 1) if m else 1)
        action = "deliberation.meeting"
    else:
        action = "deliberation.meeting_update"
    values = {**values, "recorded_by_id": getattr(actor, "id", None)}
    update_record(m, values, action=action, **_audit_kw(decision, actor, now, ip))
    return m


def save_party_report(
    decision: Decision, values: dict[str, Any], *, actor, now: datetime, ip: str = ""
) -> PartyReport:
    """PROC-36a: the request (请示) or report (报告) to the Party committee."""
    pr = procedure.party_report(decision)
    if pr is None:
        pr = PartyReport(decision_id=decision.id)
    update_record(
        pr, values, action="deliberation.party_report", **_audit_kw(decision, actor, now, ip)
    )
    return pr


# -- publication, filing, execution (PROC-37, PROC-38, PROC-40) -----------------------------------


def record_publication(
    decision: Decision, published_on: date, channels: str, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-37a / A33: the earliest official publication date and the channels."""
    lines = [c.strip() for c in channels.splitlines() if c.strip()]
    out = []
    if not decision.non_disclosable and not lines:
        # PROC-37a / PROC-37c: at least one public channel, unless not disclosable
        out.append(
            _v(
                "PROC-37c",
                N_("The decision must be published through a public channel."),
                "channels",
            )
        )
    if decision.filed_on is not None and decision.filed_on < published_on:
        out.append(
            _v("", N_("The decision cannot be published after it was filed."), "published_on")
        )
    _refuse_if(out)
    update_record(
        decision,
        {"published_at": local_midnight(published_on), "publication_channels": "\n".join(lines)},
        action="publication.publish",
        **_audit_kw(decision, actor, now, ip),
    )
    if not decision.non_disclosable:
        _publish_documents(decision, now)
        _index_later(decision, now)


def _publication_documents(decision: Decision) -> list[Document]:
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(
                Document.decision_id == decision.id,
                Document.kind.in_([str(k) for k in PUBLICATION_DOCUMENT_KINDS]),
            )
            .order_by(Document.id)
        ).all()
    )


def publication_documents(decision: Decision) -> list[Document]:
    return _publication_documents(decision)


def _publish_documents(decision: Decision, now: datetime) -> None:
    for doc in _publication_documents(decision):
        latest = doc.latest
        if doc.is_public and latest is not None and latest.published_at is None:
            latest.published_at = now
    db.session.flush()


def add_document_version(
    decision: Decision,
    kind: DocumentKind,
    title: str,
    body: str,
    change_note: str,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> DocumentVersion:
    """A new version of the decision text, its interpretation or the adoption report.

    Public unless the decision is not disclosable (A7); a version reaches the public site once
    the decision is published (``record_publication`` publishes the latest versions)."""
    if kind not in PUBLICATION_DOCUMENT_KINDS:
        raise Refused([_v("", N_("Choose a document type."), "kind")])
    doc = db.session.scalar(
        sa.select(Document)
        .where(Document.decision_id == decision.id, Document.kind == kind)
        .order_by(Document.id)
        .limit(1)
    )
    public = not decision.non_disclosable
    if doc is None:
        doc = Document(decision_id=decision.id, kind=kind, title=title.strip(), created_at=now)
        update_record(
            doc,
            {"title": title.strip(), "is_public": public},
            action="publication.document_create",
            **_audit_kw(decision, actor, now, ip),
        )
    else:
        update_record(
            doc,
            {"title": title.strip(), "is_public": public},
            action="publication.document_update",
            **_audit_kw(decision, actor, now, ip),
        )
    number = (max((v.number for v in doc.versions), default=0)) + 1
    version = DocumentVersion(document_id=doc.id)
    update_record(
        version,
        {
            "number": number,
            "body": body,
            "change_note": change_note.strip(),
            "sha256": hashlib.sha256(body.encode()).hexdigest(),
            "created_at": now,
            "created_by_id": getattr(actor, "id", None),
            "published_at": now if public and decision.published_at is not None else None,
        },
        action="publication.document_version",
        **_audit_kw(decision, actor, now, ip),
    )
    db.session.refresh(doc)
    if version.published_at is not None:
        _index_later(decision, now)
    return version


def record_filing(
    decision: Decision, filed_on: date, filing_ref: str, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-38a / A41: the filing date and the platform reference (lateness is an alert)."""
    out = []
    if decision.published_at is None:
        # PROC-38a: filing follows publication
        out.append(_v("PROC-38a", N_("Record the publication date before the filing."), "filed_on"))
    elif filed_on < local_date(decision.published_at):
        out.append(_v("", N_("The filing cannot precede the publication."), "filed_on"))
    if not present(filing_ref):
        # PROC-38a: record filed_at and filing_platform_ref
        out.append(
            _v("PROC-38a", N_("Record the filing date and the platform reference."), "filing_ref")
        )
    _refuse_if(out)
    update_record(
        decision,
        {"filed_on": filed_on, "filing_ref": filing_ref.strip()},
        action="publication.filing",
        **_audit_kw(decision, actor, now, ip),
    )


def record_execution_completed(
    decision: Decision, completed_on: date | None, *, actor, now: datetime, ip: str = ""
) -> None:
    """PROC-40b: the execution unit reports execution complete (None clears it)."""
    if (
        completed_on is not None
        and decision.published_at is not None
        and completed_on < (local_date(decision.published_at))
    ):
        raise Refused(
            [
                _v(
                    "",
                    N_("Execution cannot be complete before publication."),
                    "execution_completed_on",
                )
            ]
        )
    update_record(
        decision,
        {"execution_completed_on": completed_on},
        action="execution.completed",
        **_audit_kw(decision, actor, now, ip),
    )


def filing_due(decision: Decision) -> Deadline | None:
    if decision.published_at is None:
        return None
    return deadlines.decision_filing_due(decision.published_at, procedure.work_calendar())


def filing_overdue(decision: Decision, today: date) -> list[RuleViolation]:
    if decision.published_at is None:
        return []
    return deadlines.decision_filing_violations(
        decision.published_at, decision.filed_on, today, procedure.work_calendar()
    )


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
    _refuse_if(out)
    change = DecisionChange(decision_id=decision.id)
    update_record(change, values, action="decision.change", **_audit_kw(decision, actor, now, ip))
    return change
