"""Statutory gates: each function returns the violations that block an action (empty = allowed).

Every function takes plain facts (``portal.rules.facts``) and returns ``list[RuleViolation]`` so
a UI can show all reasons at once; :func:`raise_first` turns a list into an exception. Each raise
site cites its rule ID. ``transitions.py`` combines these gates into the state machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from portal.rules import deadlines
from portal.rules.enums import (
    REQUIRED_LEGALITY_MATERIALS,
    REQUIRED_MEETING_MATERIALS,
    AdoptionStatus,
    ChangeKind,
    ExpertReviewMethod,
    InitiateDecision,
    LegalityMaterial,
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingMaterial,
    MeetingOutcome,
    OpinionForm,
    ParticipationMethod,
    PlacReviewResult,
    RiskLevel,
    RiskRecommendation,
)
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.facts import (
    CatalogAdjustmentFacts,
    CatalogEntryFacts,
    CatalogFacts,
    ChangeFacts,
    DecisionFacts,
    ExpertFacts,
    ExpertReviewFacts,
    HearingFacts,
    RiskFacts,
    present,
)
from portal.rules.stages import Step, StepStatus
from portal.rules.workdays import WorkCalendar

CONSULTATION_TRACKS: tuple[Step, ...] = (
    Step.PUBLIC_PARTICIPATION,
    Step.EXPERT_REVIEW,
    Step.RISK_ASSESSMENT,
)
MIN_EXPERTS = 3  # EXP-13b
MIN_EXPERTS_COMPLEX = 7  # EXP-13c
MIN_RELATED_PARTY_REPS = 3  # PART-17c
MIN_EXPERT_GROUP_SIZE = 5  # EXP-5b


def raise_first(violations: Iterable[RuleViolation]) -> None:
    """Raise the violations, if any: the first, carrying the others (see ``errors.refuse``)."""
    refuse(violations)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- scope and initiation ------------------------------------------------------------------------


def scope_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-3b / A42: excluded decision types, and the mandatory out-of-scope confirmation."""
    out = []
    if d.scope_exclusion is not None:
        # PROC-3b: macro-control, legislative and emergency decisions are not MAD items
        out.append(
            _v(
                "PROC-3b",
                N_("A %(kind)s decision is outside the scope of the procedure rules."),
                "scope_exclusion",
                kind=str(d.scope_exclusion),
            )
        )
    elif not d.out_of_scope_check_confirmed:
        # PROC-3b / A42: the submitting unit confirms the item is not an excluded type
        out.append(
            _v(
                "PROC-3b",
                N_(
                    "Confirm that the item is not a macro-control, legislative or emergency "
                    "decision."
                ),
                "out_of_scope_check_confirmed",
            )
        )
    return out


def initiation_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-11c and PROC-12a: leaving initiation for drafting."""
    out = []
    if d.initiate_decision is not InitiateDecision.INITIATE:
        # PROC-11c: only a decision to initiate opens drafting_research
        out.append(
            _v(
                "PROC-11c",
                N_("The decision organ has not decided to initiate the procedure."),
                "initiate_decision",
            )
        )
    units = [u for u in d.undertaking_units if present(u)]
    if not units:
        # PROC-12a: the undertaking unit must be designated on initiation
        out.append(
            _v("PROC-12a", N_("No undertaking unit has been designated."), "undertaking_units")
        )
    elif len(units) >= 2 and (not present(d.lead_unit) or d.lead_unit not in units):
        # PROC-12a: two or more undertaking units need a designated lead unit among them
        out.append(
            _v(
                "PROC-12a",
                N_("%(count)s undertaking units are designated but no lead unit among them."),
                "lead_unit",
                count=len(units),
            )
        )
    return out


# -- public participation ----------------------------------------------------------------------


def hearing_violations(h: HearingFacts, *, non_disclosable: bool = False) -> list[RuleViolation]:
    """PROC-19c / PART-12c, PROC-19d, PART-13b and PART-16a for one hearing that was held."""
    out = deadlines.hearing_materials_violations(h.materials_delivered_on, h.held_on)
    if not h.materials_delivered_on:
        # PROC-19c / PART-12c: at least the participants' deliveries must be recorded
        out.append(
            _v(
                "PROC-19c",
                N_("No delivery of hearing materials to participants is recorded."),
                "materials_delivered_at",
            )
        )
    if not h.held_publicly and not non_disclosable:
        # PROC-19d: hearings are public unless the item is not to be disclosed by law
        out.append(_v("PROC-19d", N_("The hearing must be held in public."), "held_publicly"))
    if h.report_issued and not h.record_signed:
        # PART-13b: no hearing report before the record is confirmed and signed
        out.append(
            _v(
                "PART-13b",
                N_("The hearing record must be signed by the participants before the report."),
                "record_signed",
            )
        )
    elif h.held and not h.record_signed:
        # PART-13b: the record must be confirmed and signed
        out.append(_v("PART-13b", N_("The hearing record has not been signed."), "record_signed"))
    if h.held and not h.report_issued:
        # PART-16a / PROC-29b: a hearing report is required once a hearing was held
        out.append(_v("PROC-29b", N_("The hearing report has not been issued."), "report_issued"))
    return out


def participation_completion_violations(
    d: DecisionFacts, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """Completing public participation (PROC-16..19, PART-2..16)."""
    p = d.participation
    out: list[RuleViolation] = []
    if not p.methods and not d.non_disclosable:
        # PROC-16a / PART-2a / A6: at least one participation activity unless non_disclosable
        out.append(
            _v(
                "PROC-16a",
                N_("No public participation activity has been carried out."),
                "participation_methods",
            )
        )
    for period in p.comment_periods:
        if d.as_of is not None and d.as_of <= period.closes_on:
            # PROC-17b: participation cannot be closed while the comment window is still open
            # (that would cut the period short without the PROC-17c reason)
            out.append(
                _v(
                    "PROC-17b",
                    N_("The public comment period is open until %(last_day)s."),
                    "comment_period",
                    last_day=period.closes_on.isoformat(),
                )
            )
        # PROC-17b/17c = PART-7c/7d
        out += deadlines.comment_period_violations(
            period.opens_on,
            period.closes_on,
            shortened_reason=period.shortened_reason,
            reason_published=period.reason_published,
        )
    for sym in p.symposiums:
        # PART-8b: materials >= 3 working days before
        out += deadlines.symposium_materials_violations(
            sym.materials_delivered_on, sym.held_on, calendar
        )
    for hearing in p.hearings:
        if hearing.held:
            out += hearing_violations(hearing, non_disclosable=d.non_disclosable)
    if (
        p.affects_enterprise_operations
        and ParticipationMethod.ENTERPRISE_CONSULTATION not in p.methods
    ):
        # PART-5b: items closely related to enterprises need a consultation with them
        out.append(
            _v(
                "PART-5b",
                N_("Enterprises and industry organisations concerned have not been consulted."),
                "participation_methods",
            )
        )
    if p.affects_specific_group and not p.specific_group_heard:
        # PART-14a: the organisations of an affected group must be heard
        out.append(
            _v(
                "PART-14a",
                N_("The organisations and representatives of the affected group were not heard."),
                "specific_group_heard",
            )
        )
    return out


# -- expert review -----------------------------------------------------------------------------


def expert_term_running(e: ExpertFacts, on: date) -> bool:
    """EXP-11a / A23: whether one of the member's 3-year terms runs on ``on``."""
    starts = e.term_starts or tuple(s for s in (e.term_start or e.certificate_on,) if s)
    return any(deadlines.expert_term_active(start, on) for start in starts)


def _disqualified_on(e: ExpertFacts, on: date | None) -> bool:
    if e.disqualified_on is not None:
        return on is None or e.disqualified_on <= on
    return e.disqualified


def _pledged_on(e: ExpertFacts, on: date | None) -> bool:
    if e.from_pool and not e.is_institution and e.pledge_signed_on is not None:
        return on is None or e.pledge_signed_on <= on
    return e.pledge_signed


def expert_selection_violations(e: ExpertFacts, on: date | None = None) -> list[RuleViolation]:
    """One expert or institution taking part in a consultation, judged on ``on`` (the review
    date): PROC-22a, PROC-49a, EXP-8b/10a/10b/11a/12b for a pool member (from the pool
    record), EXP-13a / A22 for an expert or institution from outside the pool."""
    out = []
    if _disqualified_on(e, on):
        # PROC-49a: a disqualified expert or institution cannot be selected
        out.append(_v("PROC-49a", N_("%(name)s has been disqualified."), "experts", name=e.name))
    pool_member = e.from_pool and not e.is_institution
    if pool_member:
        if e.dismissed_on is not None and (on is None or e.dismissed_on <= on):
            # EXP-12b: a dismissed member is no longer in the pool
            out.append(
                _v(
                    "EXP-12b",
                    N_("%(name)s was dismissed from the expert pool on %(on)s."),
                    "experts",
                    name=e.name,
                    on=e.dismissed_on.isoformat(),
                )
            )
        elif e.certificate_on is None or (on is not None and e.certificate_on > on):
            # EXP-8b: selectable only after the appointment certificate is issued
            out.append(
                _v(
                    "EXP-8b",
                    N_("%(name)s has no appointment certificate yet."),
                    "experts",
                    name=e.name,
                )
            )
        elif on is not None and not expert_term_running(e, on):
            # EXP-11a: a 3-year term; expired unless renewed
            out.append(
                _v(
                    "EXP-11a",
                    N_("The term of %(name)s is not running on %(on)s."),
                    "experts",
                    name=e.name,
                    on=on.isoformat(),
                )
            )
    elif not present(e.external_reason):
        # EXP-13a / A22: experts and institutions outside the pool need a recorded reason
        out.append(
            _v(
                "EXP-13a",
                N_("%(name)s is not in the expert pool and no reason is recorded."),
                "experts",
                name=e.name,
            )
        )
    if not _pledged_on(e, on):
        # EXP-10a (A22: the same for experts and institutions from outside the pool): a signed
        # confidentiality pledge before any assignment
        out.append(
            _v(
                "EXP-10a",
                N_("%(name)s has not signed the confidentiality pledge."),
                "experts",
                name=e.name,
            )
        )
    if e.conflict_declared or e.pool_conflict:
        # PROC-22a / EXP-10b: an interested expert or institution must not be selected (an
        # interest declared on the assignment or recorded in the pool)
        out.append(
            _v(
                "PROC-22a",
                N_("%(name)s has a direct interest in the item and must not be selected."),
                "experts",
                name=e.name,
            )
        )
    elif e.conflict_declared is None:
        # EXP-10b / PROC-22a: a conflict-of-interest declaration per assignment
        out.append(
            _v(
                "EXP-10b",
                N_("%(name)s has not made a conflict-of-interest declaration."),
                "experts",
                name=e.name,
            )
        )
    return out


def expert_count_violations(r: ExpertReviewFacts) -> list[RuleViolation]:
    """EXP-13b/13c: odd number (strict), >= 3, >= 7 when complex (both "generally", A4)."""
    count = sum(1 for e in r.experts if not e.is_institution)
    if r.method is ExpertReviewMethod.ENTRUSTED_REVIEW and count == 0:
        return []  # an entrusted institution review has no individual panel to count
    out = []
    if count % 2 == 0:
        # EXP-13b: the number of experts must be odd (no "generally": strict, A4)
        out.append(
            _v(
                "EXP-13b",
                N_("%(count)s experts: the number of experts must be odd."),
                "experts",
                count=count,
            )
        )
    minimum = MIN_EXPERTS_COMPLEX if r.complex else MIN_EXPERTS
    if count < minimum and not present(r.count_override_reason):
        if r.complex:
            # EXP-13c: complex, contested or sensitive items generally need >= 7 experts
            out.append(
                _v(
                    "EXP-13c",
                    N_(
                        "%(count)s experts: a complex item generally needs at least %(minimum)s "
                        "unless a reason is recorded."
                    ),
                    "experts",
                    count=count,
                    minimum=minimum,
                )
            )
        else:
            # EXP-13b: generally >= 3 experts
            out.append(
                _v(
                    "EXP-13b",
                    N_(
                        "%(count)s experts: at least %(minimum)s are generally required unless "
                        "a reason is recorded."
                    ),
                    "experts",
                    count=count,
                    minimum=minimum,
                )
            )
    if r.complex and not present(r.complexity_reason):
        # EXP-13c / A20: the complexity flag carries a reason
        out.append(_v("EXP-13c", N_("The complexity flag needs a reason."), "complexity_reason"))
    return out


def expert_completion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """Completing expert review (PROC-21a, PROC-22a, PROC-23a, EXP-10..15)."""
    r = d.expert_review
    out: list[RuleViolation] = []
    if not r.experts:
        # PROC-21a: experts or professional institutions must review the draft
        out.append(
            _v("PROC-21a", N_("No expert or institution has reviewed the draft."), "experts")
        )
        return out
    out += expert_count_violations(r)
    on = r.review_on or d.as_of  # EXP-13a: pool records are read at the review date
    for e in r.experts:
        out += expert_selection_violations(e, on)
        if e.materials_delivered_on is None or (
            r.review_on is not None and e.materials_delivered_on > r.review_on
        ):
            # EXP-14c: draft, explanation, focus points and materials given in advance
            out.append(
                _v(
                    "EXP-14c",
                    N_("%(name)s did not receive the review materials in advance."),
                    "materials_delivered_at",
                    name=e.name,
                )
            )
        if e.opinion_form is OpinionForm.ORAL and not e.written_followup:
            # EXP-15a: an oral opinion must be followed by a written one
            out.append(
                _v(
                    "EXP-15a",
                    N_("%(name)s gave an oral opinion without a written follow-up."),
                    "written_followup",
                    name=e.name,
                )
            )
        if not e.signed:
            # PROC-23a: a signed (expert) or sealed (institution) written opinion per participant
            out.append(
                _v(
                    "PROC-23a",
                    N_("The written opinion of %(name)s is not signed or sealed."),
                    "signed",
                    name=e.name,
                )
            )
    if r.experts and not r.report_done:
        # EXP-16a: the expert consultation report with its seven parts
        out.append(
            _v(
                "EXP-16a",
                N_("The expert consultation report is incomplete: all seven parts are needed."),
                "report",
            )
        )
    return out


def expert_pool_warnings(active_members_by_group: dict[str, int]) -> list[RuleViolation]:
    """EXP-5b: each expert group should have at least 5 active members (warning)."""
    out = []
    for group, count in sorted(active_members_by_group.items()):
        if count < MIN_EXPERT_GROUP_SIZE:
            # EXP-5b: >= 5 members per group
            out.append(
                _v(
                    "EXP-5b",
                    N_("Expert group %(group)s has %(count)s active members; at least 5 needed."),
                    "expert_group",
                    group=group,
                    count=count,
                )
            )
    return out


def expert_appointment_violations(
    preliminary_reviewed_on: date | None,
    approved_on: date | None,
    certificate_on: date | None,
) -> list[RuleViolation]:
    """EXP-8b: preliminary review -> government approval -> certificate, in that order."""
    steps = [
        ("preliminary_reviewed_on", preliminary_reviewed_on),
        ("approved_on", approved_on),
        ("certificate_on", certificate_on),
    ]
    out = []
    previous: date | None = None
    for i, (name, when) in enumerate(steps):
        if when is None:
            if any(later is not None for _, later in steps[i + 1 :]):
                # EXP-8b: no step may be skipped
                out.append(_v("EXP-8b", N_("An earlier appointment step is missing."), name))
            continue
        if previous is not None and when < previous:
            # EXP-8b: the steps happen in order
            out.append(_v("EXP-8b", N_("The appointment steps are out of order."), name))
        previous = when
    return out


def expert_renewal_violations(
    *, assessment_passed: bool, work_need: bool, still_qualified: bool
) -> list[RuleViolation]:
    """EXP-11b: renewal needs a passed assessment, a work need and the EXP-7a conditions."""
    out = []
    if not assessment_passed:
        # EXP-11b: 考核合格
        out.append(_v("EXP-11b", N_("The expert did not pass the assessment."), "assessment"))
    if not work_need:
        # EXP-11b: a work need
        out.append(_v("EXP-11b", N_("There is no recorded work need."), "work_need"))
    if not still_qualified:
        # EXP-11b: still meets EXP-7a
        out.append(_v("EXP-11b", N_("The expert no longer meets the conditions."), "qualification"))
    return out


# -- risk assessment ----------------------------------------------------------------------------


def social_stability_violations(d: DecisionFacts) -> list[RuleViolation]:
    """RISK-5a / A17: a required social-stability assessment must be done."""
    r = d.risk
    if r.social_stability_required:
        if not r.social_stability_done:
            # RISK-5a: no meeting without the required social-stability risk assessment
            return [
                _v(
                    "RISK-5a",
                    N_("The required social stability risk assessment has not been done."),
                    "social_stability_assessment_done",
                )
            ]
    elif not present(r.social_stability_not_required_reason):
        # RISK-5a / A17: "not required" needs a reason
        return [
            _v(
                "RISK-5a",
                N_("A reason is needed to mark the social stability assessment as not required."),
                "social_stability_not_required_reason",
            )
        ]
    return []


def risk_recommendation_violations(d: DecisionFacts) -> list[RuleViolation]:
    """RISK-11a/b/c: the recommendation allowed for each risk level."""
    r = d.risk
    out = []
    if r.level is None or r.recommendation is None:
        # RISK-12a / PROC-27a: the report concludes with a level and a recommendation
        out.append(
            _v(
                "RISK-12a",
                N_("The risk report needs a risk level and a recommendation."),
                "risk_level",
            )
        )
        return out
    if r.recommendation is RiskRecommendation.SUBMIT_FOR_DECISION:
        if r.level is RiskLevel.HIGH:
            # RISK-11a: high risk -> terminate, adjust, or lower the level first
            out.append(
                _v(
                    "RISK-11a",
                    N_("A high risk item cannot be recommended for a direct decision."),
                    "risk_recommendation",
                )
            )
        elif r.level is RiskLevel.MEDIUM and (
            not present(r.mitigation_measures) or r.unit_controllable is not True
        ):
            # RISK-11b: medium risk -> mitigation measures and a controllable risk first
            out.append(
                _v(
                    "RISK-11b",
                    N_(
                        "A medium risk item needs mitigation measures and a controllable risk "
                        "before it is recommended for decision."
                    ),
                    "mitigation_measures",
                )
            )
        # RISK-11c: a low risk item may be recommended directly (nothing to check)
    return out


def risk_completion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """Completing risk assessment (PROC-25a, RISK-5a, RISK-7a, RISK-11, RISK-12b)."""
    r = d.risk
    out: list[RuleViolation] = []
    if not r.report_done:
        # PROC-25a: a risk assessment (with its report) is required
        out.append(_v("PROC-25a", N_("The risk assessment report is missing."), "report"))
    if r.stakeholder_participants < 1 or r.department_participants < 1:
        # RISK-7a: stakeholders and relevant departments must take part
        out.append(
            _v(
                "RISK-7a",
                N_("The risk assessment must involve stakeholders and relevant departments."),
                "risk_participants",
            )
        )
    out += risk_recommendation_violations(d)
    out += social_stability_violations(d)
    if not plac_filed_and_passed(r):
        # RISK-12b / A18: PLAC procedural review passed and filed before the report goes to the
        # government
        out.append(
            _v(
                "RISK-12b",
                N_(
                    "The risk report must pass the procedural review and filing of the Political "
                    "and Legal Affairs Commission first."
                ),
                "plac_filed_at",
            )
        )
    return out


def plac_filed_and_passed(r: RiskFacts) -> bool:
    """RISK-12b: the PLAC reviewed the report, passed it and filed it (A18: every report)."""
    return r.plac_filed_on is not None and r.plac_review_result is PlacReviewResult.PASSED


# -- waivers and the three tracks ------------------------------------------------------------


def waiver_violations(d: DecisionFacts, step: Step, explanation: str) -> list[RuleViolation]:
    """PROC-28a / PROC-29a(4) / A8: which steps may be marked waived_with_explanation."""
    if step not in CONSULTATION_TRACKS:
        # A8: never waive legality review, collective decision or any later step
        rule = "PROC-28b" if step is Step.LEGALITY_REVIEW else "A8"
        return [_v(rule, N_("The %(step)s step can never be waived."), "status", step=str(step))]
    if step is Step.PUBLIC_PARTICIPATION:
        # PART-2a / PROC-16a / A8 (corrected 2026-12-06): public participation is never waived;
        # only a non-disclosable item (confirmed by the government office, A7) is exempt
        return [
            _v(
                "PART-2a",
                N_(
                    "Public participation cannot be waived; only an item confirmed as not to "
                    "be disclosed is exempt from it."
                ),
                "status",
            )
        ]
    out = []
    if not present(explanation):
        # PROC-29a(4): non-performance needs a written explanation (PROC-28a requires the
        # step done; the explanation of not doing it is item 4 of the Art. 29 materials)
        out.append(
            _v(
                "PROC-29a",
                N_("A written explanation is required to waive the %(step)s step."),
                "waiver_explanation",
                step=str(step),
            )
        )
    if step is Step.RISK_ASSESSMENT and d.risk.social_stability_required:
        # RISK-5a / A8: a required social-stability risk assessment can never be waived
        out.append(
            _v(
                "RISK-5a",
                N_("A required social stability risk assessment cannot be waived."),
                "status",
            )
        )
    if step is Step.EXPERT_REVIEW and d.expert_review.professional_technical:
        # EXP-2a: professional or technical items must have expert consultation
        out.append(
            _v(
                "EXP-2a",
                N_("A professional or technical item cannot waive expert consultation."),
                "status",
            )
        )
    return out


def track_violations(
    d: DecisionFacts, step: Step, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """PROC-28a guard 2: one consultation track is completed, validly waived or exempt."""
    status = d.status(step)
    if status is StepStatus.WAIVED_WITH_EXPLANATION:
        return waiver_violations(d, step, d.waivers.get(step, ""))
    if status is StepStatus.NOT_APPLICABLE:
        if step is Step.PUBLIC_PARTICIPATION and d.non_disclosable:
            return []  # PROC-16a: non_disclosable items are exempt
        # PROC-16a / PROC-21a / PROC-25a: only a non_disclosable item skips a track
        rule = {
            Step.PUBLIC_PARTICIPATION: "PROC-16a",
            Step.EXPERT_REVIEW: "PROC-21a",
            Step.RISK_ASSESSMENT: "PROC-25a",
        }[step]
        return [
            _v(rule, N_("The %(step)s step is required for this item."), "status", step=str(step))
        ]
    if status is not StepStatus.COMPLETED:
        if step is Step.PUBLIC_PARTICIPATION and d.non_disclosable:
            return []  # PROC-16a: exempt, whatever its status
        # PROC-28a with PROC-16a / PROC-21a / PROC-25a: each track completed first
        rule = {
            Step.PUBLIC_PARTICIPATION: "PROC-16a",
            Step.EXPERT_REVIEW: "PROC-21a",
            Step.RISK_ASSESSMENT: "PROC-25a",
        }[step]
        return [_v(rule, N_("The %(step)s step is not complete."), "status", step=str(step))]
    return step_completion_violations(d, step, calendar)


# -- unit-internal review and legality review ------------------------------------------------


def legality_submission_violations(d: DecisionFacts) -> list[RuleViolation]:
    """Entering legality review: PROC-28a, PROC-29a/b, RISK-5a, RISK-12b."""
    out: list[RuleViolation] = []
    if not d.internal_legal_review_passed:
        # PROC-28a: preliminary legality review by the unit's legal office, passed
        out.append(
            _v(
                "PROC-28a",
                N_("The unit's legal office has not passed the draft."),
                "internal_legal_review",
            )
        )
    if not d.internal_collective_discussion_passed:
        # PROC-28a: the unit's collective discussion has passed the draft
        out.append(
            _v(
                "PROC-28a",
                N_("The unit's collective discussion has not passed the draft."),
                "internal_collective_discussion",
            )
        )
    materials = d.legality.materials
    missing = [m for m in REQUIRED_LEGALITY_MATERIALS if m not in materials]
    if missing:
        # PROC-29a: materials 1-6 are mandatory
        out.append(
            _v(
                "PROC-29a",
                N_("Legality review materials are missing: %(missing)s."),
                "materials",
                missing=", ".join(str(m) for m in missing),
            )
        )
    held_hearing = any(h.held for h in d.participation.hearings)
    if held_hearing and LegalityMaterial.HEARING_REPORT not in materials:
        # PROC-29b: a hearing was held, so the hearing report is required
        out.append(_v("PROC-29b", N_("The hearing report must be submitted."), "materials"))
    if d.fair_competition_review_done and LegalityMaterial.FAIR_COMPETITION_STATEMENT not in (
        materials
    ):
        # PROC-29b: a fair-competition review was carried out, so its statement is required
        out.append(
            _v(
                "PROC-29b",
                N_("The fair competition review statement must be submitted."),
                "materials",
            )
        )
    out += social_stability_violations(d)  # RISK-5a
    if d.status(Step.RISK_ASSESSMENT) is StepStatus.COMPLETED and not plac_filed_and_passed(d.risk):
        # RISK-12b: the risk report reaches the government only after the PLAC passed and
        # filed it
        out.append(
            _v(
                "RISK-12b",
                N_(
                    "The risk report has not been filed with the Political and Legal Affairs "
                    "Commission."
                ),
                "plac_filed_at",
            )
        )
    return out


def legality_opinion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """The legality opinion as a basis for the meeting: PROC-28b/c/d/e, PROC-30a, A11, A14."""
    lg = d.legality
    out: list[RuleViolation] = []
    if lg.opinion_kind is None or lg.opinion_issued_on is None or lg.outcome is None:
        # PROC-28b / PROC-28d: no discussion without a legality review opinion
        out.append(
            _v(
                "PROC-28b",
                N_("The legality review department has not issued its opinion."),
                "legality_opinion",
            )
        )
        return out
    if lg.opinion_kind is not LegalityOpinionKind.LEGALITY_OPINION:
        # PROC-28c: soliciting opinions or countersigning does not replace legality review
        out.append(
            _v(
                "PROC-28c",
                N_("A %(kind)s does not replace the legality review opinion."),
                "legality_opinion",
                kind=str(lg.opinion_kind),
            )
        )
    if not lg.legal_adviser_opinions:
        # PROC-30a / A15: at least one legal adviser or public lawyer opinion
        out.append(
            _v(
                "PROC-30a",
                N_("No legal adviser or public lawyer opinion is recorded."),
                "legal_adviser_opinions",
            )
        )
    if lg.outcome is LegalityOutcome.UNLAWFUL:
        if not d.is_exploratory_reform:
            # PROC-28d: a draft found unlawful must not be submitted for discussion
            out.append(
                _v(
                    "PROC-28d",
                    N_("The legality review found the draft unlawful."),
                    "legality_outcome",
                )
            )
        elif not present(lg.legal_risk_statement):
            # PROC-28e: exploratory reform may proceed only with the legal risks stated
            out.append(
                _v(
                    "PROC-28e",
                    N_("An exploratory reform item needs an explicit legal risk statement."),
                    "legal_risk_statement",
                )
            )
    elif lg.outcome is LegalityOutcome.EXPLORATORY_LEGAL_RISK_DISCLOSED and (
        not d.is_exploratory_reform or not present(lg.legal_risk_statement)
    ):
        # PROC-28e: this outcome needs the exploratory reform flag and a risk statement
        out.append(
            _v(
                "PROC-28e",
                N_("An exploratory reform item needs an explicit legal risk statement."),
                "legal_risk_statement",
            )
        )
    if (
        lg.reviewed_draft_version is not None
        and lg.reviewed_draft_version != d.draft_version
        and not lg.no_substantive_change_confirmed
    ):
        # PROC-28d / A11: a substantively changed draft has not been legality-reviewed
        out.append(
            _v(
                "PROC-28d",
                N_(
                    "Draft version %(version)s has not been legality-reviewed (the opinion covers "
                    "version %(reviewed)s)."
                ),
                "legality_opinion",
                version=d.draft_version,
                reviewed=lg.reviewed_draft_version,
            )
        )
    return out


def legality_completion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """Issuing the legality opinion: PROC-29c (no open supplement) plus the opinion checks."""
    out: list[RuleViolation] = []
    if any(p.received_on is None for p in d.legality.pauses):
        # PROC-29c: a requested supplement is outstanding
        out.append(
            _v(
                "PROC-29c",
                N_("A requested supplement has not been received; the review clock is paused."),
                "supplement_received_at",
            )
        )
    out += legality_opinion_violations(d)
    return out


def opinion_point_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-33b: every point is decided; each one not adopted has a written explanation."""
    out = []
    for i, point in enumerate(d.legality.points, start=1):
        if point.adoption is AdoptionStatus.PENDING:
            # PROC-33b: each opinion point has an adoption status
            out.append(
                _v(
                    "PROC-33b",
                    N_("Point %(number)s of the legality opinion has no adoption status."),
                    "points",
                    number=i,
                )
            )
        elif point.adoption is AdoptionStatus.NOT_ADOPTED and not present(point.explanation):
            # PROC-33b: a point not adopted needs a written explanation
            out.append(
                _v(
                    "PROC-33b",
                    N_("Point %(number)s of the legality opinion is not adopted without a reason."),
                    "points",
                    number=i,
                )
            )
    return out


# -- collective decision ------------------------------------------------------------------------


def collective_decision_entry_violations(
    d: DecisionFacts, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """Entering collective_decision: guard 4 of rules.md 1.2."""
    out = legality_opinion_violations(d)  # PROC-28b/c/d/e, PROC-30a, A11
    out += opinion_point_violations(d)  # PROC-33b
    lg = d.legality
    out += deadlines.legality_review_time_violations(  # PROC-31a, PROC-29c
        lg.submitted_on,
        d.meeting.meeting_on,
        lg.pauses,
        calendar,
        override_reason=lg.meeting_override_reason,
    )
    materials = d.meeting.materials
    missing = [m for m in REQUIRED_MEETING_MATERIALS if m not in materials]
    if missing:
        # PROC-34a: the meeting materials
        out.append(
            _v(
                "PROC-34a",
                N_("Meeting materials are missing: %(missing)s."),
                "meeting_materials",
                missing=", ".join(str(m) for m in missing),
            )
        )
    if d.affects_market_entities and MeetingMaterial.FAIR_COMPETITION_STATEMENT not in materials:
        # PROC-34b: drafts affecting market entities need the fair-competition statement
        out.append(
            _v(
                "PROC-34b",
                N_("The fair competition review statement is required for this draft."),
                "meeting_materials",
            )
        )
    if (
        d.is_exploratory_reform
        and present(lg.legal_risk_statement)
        and MeetingMaterial.LEGAL_RISK_STATEMENT not in materials
    ):
        # PROC-28e: the legal risk statement is part of the meeting materials
        out.append(
            _v(
                "PROC-28e",
                N_("The legal risk statement must be included in the meeting materials."),
                "meeting_materials",
            )
        )
    if d.risk.level is RiskLevel.HIGH and not (
        d.risk.recommendation is RiskRecommendation.ADJUST_DRAFT
        and present(d.risk.mitigation_measures)
    ):
        # RISK-11a / PROC-27b (corrected 2026-12-06: "or"): a high risk item is decided only
        # after a re-assessment below high, or after an adjustment whose measures are recorded
        # (the decision organ then judges the risk controllable, PROC-27b)
        out.append(
            _v(
                "RISK-11a",
                N_(
                    "The risk level is high: lower it by a new assessment, or adjust the draft "
                    "and record the adjustment measures, before the collective decision."
                ),
                "risk_level",
            )
        )
    out += social_stability_violations(d)  # RISK-5a
    return out


def collective_decision_completion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """Recording the meeting's decision: PROC-35a/c/d and PROC-27b."""
    m = d.meeting
    out: list[RuleViolation] = []
    if m.meeting_type is None:
        # PROC-35a: an executive or plenary meeting
        out.append(_v("PROC-35a", N_("The meeting type is not recorded."), "meeting_type"))
    if m.outcome is None:
        # PROC-35c: the executive head's decision
        out.append(_v("PROC-35c", N_("The meeting outcome is not recorded."), "outcome"))
    if not m.minutes_recorded or not m.dissent_recorded:
        # PROC-35d: minutes with every participant's opinion, dissent included
        out.append(
            _v(
                "PROC-35d",
                N_("The minutes, with each participant's opinion and any dissent, are missing."),
                "minutes",
            )
        )
    if m.outcome is not None and m.outcome.is_approval and m.risk_controllable is not True:
        # PROC-27b: approval only when the decision organ judges the risk controllable
        out.append(
            _v(
                "PROC-27b",
                N_("The decision organ must judge the risk controllable before approving."),
                "risk_controllable",
            )
        )
    return out


def related_party_warnings(d: DecisionFacts) -> list[RuleViolation]:
    """PART-17c / A35 (warning): generally >= 3 related-party representatives when invited."""
    m = d.meeting
    if not m.related_party_attendance:
        return []
    if m.related_party_reps >= MIN_RELATED_PARTY_REPS or present(m.related_party_override_reason):
        return []
    # PART-17c: generally at least 3 representatives
    return [
        _v(
            "PART-17c",
            N_("%(count)s related-party representatives invited; generally at least 3."),
            "related_party_reps",
            count=m.related_party_reps,
        )
    ]


# -- publication, filing, execution, afterwards ----------------------------------------------


def approval_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-35c: only 通过 / 原则通过 moves on towards publication."""
    m = d.meeting
    if m.outcome is None or not m.outcome.is_approval:
        # PROC-35c: revise_and_resubmit goes back to drafting; rejected ends the item
        return [_v("PROC-35c", N_("Only an approved decision can be published."), "outcome")]
    return []


def publication_entry_violations(d: DecisionFacts) -> list[RuleViolation]:
    """collective_decision -> publication: PROC-35c, PROC-35d, PROC-36a, A11, and again the
    legality review it rests on (PROC-28b/c/d/e) and the report to the People's Congress
    standing committee where required (PROC-8a)."""
    m = d.meeting
    out: list[RuleViolation] = []
    if m.outcome is None or not m.outcome.is_approval:
        # PROC-35c: only 通过 or 原则通过 leads to publication
        out.append(
            _v(
                "PROC-35c",
                N_("Only an approved decision can be published."),
                "outcome",
            )
        )
    elif m.outcome is MeetingOutcome.APPROVED_IN_PRINCIPLE and not m.revisions_recorded:
        # A11 / PROC-35c: record the revisions the minutes require first
        out.append(
            _v(
                "PROC-35c",
                N_("Record the revisions required by the in-principle approval first."),
                "revisions_recorded",
            )
        )
    if not m.minutes_recorded or not m.dissent_recorded:
        # PROC-35d: minutes with dissent recorded
        out.append(
            _v(
                "PROC-35d",
                N_("The minutes, with each participant's opinion and any dissent, are missing."),
                "minutes",
            )
        )
    out += party_report_violations(d)
    out += npc_report_violations(d)  # PROC-8a
    out += legality_basis_violations(d)  # PROC-28b/c/d/e
    return out


def party_report_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-36a: the party committee report is recorded before issuance."""
    pr = d.party_report
    if pr.kind is None or pr.reported_on is None or not present(pr.ref):
        # PROC-36a: report to the same-level party committee before publication
        return [
            _v(
                "PROC-36a",
                N_("The request or report to the party committee is not recorded."),
                "party_committee_report",
            )
        ]
    return []


def npc_report_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-8a: a matter to be reported to the People's Congress standing committee before
    issuance (``npc_report_required``, a flag the government office confirms) is published
    only once the report (date and reference) is recorded."""
    p = d.publication
    if p.npc_report_required and (p.npc_reported_on is None or not present(p.npc_report_ref)):
        # PROC-8a: reported to the standing committee before issuance (出台前)
        return [
            _v(
                "PROC-8a",
                N_(
                    "The report to the People's Congress standing committee is not recorded; "
                    "this decision is issued only after it."
                ),
                "npc_report",
            )
        ]
    return []


def legality_basis_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-28b/c/d/e at issuance: the decision rests on an opinion of the legality review
    department that did not find the draft unlawful. Checked again when the decision is
    published, because the opinion is a record that can be corrected after the meeting. The
    draft-version check (A11) and PROC-30a belong to the meeting and are not repeated here."""
    return [
        v
        for v in legality_opinion_violations(d)
        if v.rule in ("PROC-28b", "PROC-28c", "PROC-28d", "PROC-28e") and "version" not in v.params
    ]


def publication_completion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-37a/b/c: public channels and adoption report, unless non_disclosable."""
    p = d.publication
    out: list[RuleViolation] = []
    if p.published_on is None:
        # PROC-37a: the publication (issuance) date
        out.append(_v("PROC-37a", N_("The publication date is not recorded."), "published_at"))
    if d.non_disclosable:
        return out  # PROC-37c: publication duties do not apply to non_disclosable items
    if not p.channels:
        # PROC-37a: published through the gazette, website, newspapers, new media, etc.
        # (PROC-37c is the exemption of non-disclosable items, handled above)
        out.append(
            _v(
                "PROC-37a",
                N_("The decision must be published through a public channel."),
                "channels",
            )
        )
    if p.high_public_concern_or_technical and not p.adoption_report_published:
        # PROC-37b / PART-19c / A32: adoption of public and expert opinions published too
        out.append(
            _v(
                "PROC-37b",
                N_("Publish how public and expert opinions were adopted with the decision."),
                "adoption_report_published",
            )
        )
    return out


def filing_completion_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-38a / A41: the filing date and the platform reference (lateness is an alert)."""
    p = d.publication
    if p.filed_on is None or not present(p.filing_platform_ref):
        # PROC-38a: record filed_at and filing_platform_ref
        return [
            _v(
                "PROC-38a",
                N_("Record the filing date and the platform reference."),
                "filed_at",
            )
        ]
    return []


def execution_entry_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-40a: execution units must be designated."""
    if not [u for u in d.execution.execution_units if present(u)]:
        # PROC-40a: execution cannot start without execution units
        return [_v("PROC-40a", N_("No execution unit has been designated."), "execution_units")]
    return []


def post_evaluation_entry_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-43a/b/c, EVAL-6a/7b."""
    pe = d.post_evaluation
    out: list[RuleViolation] = []
    if not pe.triggers:
        # PROC-43a / EVAL-6a: a recorded trigger
        out.append(
            _v("PROC-43a", N_("No post-evaluation trigger is recorded."), "post_eval_trigger")
        )
    if not present(pe.evaluation_unit):
        # PROC-43b: the decision organ designates the evaluation unit
        out.append(_v("PROC-43b", N_("No evaluation unit has been designated."), "evaluation_unit"))
    elif pe.evaluation_unit in pe.excluded_units:
        # PROC-43c / EVAL-7b: not a unit that did the main pre-decision review/assessment
        out.append(
            _v(
                "PROC-43c",
                N_(
                    "%(unit)s did the main review or assessment work before the decision and "
                    "cannot evaluate it."
                ),
                "evaluation_unit",
                unit=pe.evaluation_unit,
            )
        )
    return out


def suspension_violations(d: DecisionFacts) -> list[RuleViolation]:
    """PROC-45b: a suspension is decided by the executive head, with a reason."""
    s = d.suspension
    out = []
    if not s.decided_by_executive_head or s.decided_on is None:
        # PROC-45b: only the executive head may first decide to suspend
        out.append(
            _v(
                "PROC-45b",
                N_("A suspension must be decided by the executive head."),
                "suspension",
            )
        )
    if not present(s.reason):
        # PROC-45b: record the reason (Art. 43 situation or urgency)
        out.append(_v("PROC-45b", N_("The suspension needs a reason."), "suspension_reason"))
    return out


def change_violations(change: ChangeFacts | None) -> list[RuleViolation]:
    """PROC-45a/c, EVAL-14b: adjusting or terminating needs the statutory procedure."""
    if change is None:
        # PROC-45a: no change or stop without the statutory procedure
        return [
            _v(
                "PROC-45a",
                N_("Changing or stopping a decision needs the statutory procedure."),
                "change",
            )
        ]
    out = []
    if change.kind is ChangeKind.MAJOR_ADJUSTMENT:
        if change.new_procedure_id is None:
            # PROC-45c: a major adjustment goes through the whole procedure again
            out.append(
                _v(
                    "PROC-45c",
                    N_("A major adjustment must go through a new decision procedure."),
                    "new_procedure",
                )
            )
    elif not present(change.collective_decision_ref):
        # PROC-45a / A24: termination or adjustment needs a collective decision record
        out.append(
            _v(
                "PROC-45a",
                N_("Link the collective decision that decided this %(kind)s."),
                "collective_decision_ref",
                kind=str(change.kind),
            )
        )
    return out


def closing_violations(d: DecisionFacts) -> list[RuleViolation]:
    """Closing an item: filed (PROC-38a), execution done, a triggered post-evaluation carried
    out or its trigger not confirmed (EVAL-6a, A26), archive complete (PROC-39a)."""
    out = []
    if d.status(Step.FILING) is not StepStatus.COMPLETED:
        # PROC-38a: the decision must have been filed
        out.append(_v("PROC-38a", N_("The decision has not been filed."), "filed_at"))
    if not d.execution.completed:
        # PROC-40b: execution reported complete
        out.append(_v("PROC-40b", N_("Execution is not complete."), "execution"))
    pe = d.post_evaluation
    if pe.evaluation_pending and not pe.trigger_not_confirmed:
        # EVAL-6a / A26: a recorded trigger makes the post-evaluation mandatory: the item is
        # not closed before it is carried out (its unit designated, the government's decision
        # on its report recorded), unless the decision organ recorded "trigger not confirmed"
        if not present(pe.evaluation_unit):
            out.append(
                _v(
                    "EVAL-6a",
                    N_(
                        "A post-evaluation was triggered and has no evaluation unit: designate "
                        "the unit and carry it out, or record that the trigger is not "
                        "confirmed, with the reason."
                    ),
                    "post_evaluation",
                )
            )
        else:
            out.append(
                _v(
                    "EVAL-6a",
                    N_(
                        "The triggered post-evaluation is not carried out yet: the government "
                        "has not decided on its report."
                    ),
                    "post_evaluation",
                )
            )
    elif d.status(Step.POST_EVALUATION) is StepStatus.IN_PROGRESS:
        # EVAL-14a: a running post-evaluation needs the government's decision first
        out.append(_v("EVAL-14a", N_("A post-evaluation is still in progress."), "post_evaluation"))
    if not d.archive_complete:
        # PROC-39a: archive-completeness checklist when the item is closed
        out.append(_v("PROC-39a", N_("The archive is not complete."), "archive"))
    return out


# -- dispatch --------------------------------------------------------------------------------


def step_completion_violations(
    d: DecisionFacts, step: Step, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """What blocks marking ``step`` completed."""
    if step is Step.INITIATION:
        return scope_violations(d) + initiation_violations(d)
    if step is Step.PUBLIC_PARTICIPATION:
        return participation_completion_violations(d, calendar)
    if step is Step.EXPERT_REVIEW:
        return expert_completion_violations(d)
    if step is Step.RISK_ASSESSMENT:
        return risk_completion_violations(d)
    if step is Step.INTERNAL_LEGAL_REVIEW and not d.internal_legal_review_passed:
        # PROC-28a: the preliminary legality review must pass
        return [
            _v(
                "PROC-28a",
                N_("The unit's legal office has not passed the draft."),
                "internal_legal_review",
            )
        ]
    if step is Step.INTERNAL_COLLECTIVE_DISCUSSION and not d.internal_collective_discussion_passed:
        # PROC-28a: the unit's collective discussion must pass
        return [
            _v(
                "PROC-28a",
                N_("The unit's collective discussion has not passed the draft."),
                "internal_collective_discussion",
            )
        ]
    if step is Step.LEGALITY_REVIEW:
        return legality_completion_violations(d)
    if step is Step.COLLECTIVE_DECISION:
        return collective_decision_completion_violations(d)
    if step is Step.PARTY_COMMITTEE_REPORT:
        return party_report_violations(d)
    if step is Step.PUBLICATION:
        return publication_completion_violations(d)
    if step is Step.FILING:
        return filing_completion_violations(d)
    if step is Step.ARCHIVING and not d.archive_complete:
        # PROC-39a: archive completeness
        return [_v("PROC-39a", N_("The archive is not complete."), "archive")]
    if step is Step.EXECUTION and not d.execution.completed:
        # PROC-40b: execution reported complete
        return [_v("PROC-40b", N_("Execution is not complete."), "execution")]
    return []


# -- catalog (CAT, PROC-4) ------------------------------------------------------------------


def catalog_entry_violations(e: CatalogEntryFacts) -> list[RuleViolation]:
    out = []
    if e.scope_exclusion is not None:
        # PROC-3b: excluded decision types are not catalog entries
        out.append(
            _v(
                "PROC-3b",
                N_("%(name)s is a %(kind)s decision, outside the scope of the rules."),
                "scope_exclusion",
                name=e.name,
                kind=str(e.scope_exclusion),
            )
        )
    if e.from_department and not e.dept_legality_review_passed:
        # CAT-8c: the department's own legality review body passed it before submission
        out.append(
            _v(
                "CAT-8c",
                N_("%(name)s was not passed by the department's legality review body."),
                "dept_legality_review_passed",
                name=e.name,
            )
        )
    if not present(e.undertaking_unit):
        # CAT-14a: each entry names its undertaking unit
        out.append(
            _v("CAT-14a", N_("%(name)s has no undertaking unit."), "undertaking_unit", name=e.name)
        )
    return out


def catalog_publication_violations(c: CatalogFacts) -> list[RuleViolation]:
    """Issuing/publishing the annual catalog: CAT-7a, CAT-8c, CAT-12a, CAT-13a/c, PROC-4b."""
    out: list[RuleViolation] = []
    if c.solicited_on is None:
        # CAT-7a: proposals solicited from the government's departments first
        out.append(
            _v("CAT-7a", N_("Departments were not asked for item proposals."), "solicited_on")
        )
    for e in c.entries:
        out += catalog_entry_violations(e)
    if c.deputy_head_reviewed_on is None:
        # CAT-12a: the deputy heads in charge review the draft catalog
        out.append(
            _v(
                "CAT-12a",
                N_("The deputy heads have not reviewed the draft catalog."),
                "deputy_head_reviewed_on",
            )
        )
    if c.executive_meeting_on is None:
        # CAT-13a: the executive meeting deliberates the draft catalog
        out.append(
            _v(
                "CAT-13a",
                N_("The executive meeting has not deliberated the catalog."),
                "executive_meeting_on",
            )
        )
    elif c.deputy_head_reviewed_on is not None and c.executive_meeting_on < (
        c.deputy_head_reviewed_on
    ):
        # CAT-13a: the meeting comes after the deputy heads' review
        out.append(
            _v(
                "CAT-13a",
                N_("The executive meeting came before the deputy heads' review."),
                "executive_meeting_on",
            )
        )
    if c.party_consent_on is None or not present(c.party_consent_ref):
        # CAT-13c / PROC-4b: party committee consent before issuance and publication
        out.append(
            _v(
                "PROC-4b",
                N_("The party committee has not consented to the catalog."),
                "party_consent",
            )
        )
    elif c.executive_meeting_on is not None and c.party_consent_on < c.executive_meeting_on:
        # CAT-13c: consent follows the executive meeting's determination
        out.append(
            _v(
                "CAT-13c",
                N_("Party committee consent must follow the executive meeting."),
                "party_consent",
            )
        )
    return out


def catalog_adjustment_violations(a: CatalogAdjustmentFacts) -> list[RuleViolation]:
    """CAT-16a: an adjustment is studied and approved by the government before publication."""
    out = []
    if not present(a.reason):
        # CAT-16a: record the reason
        out.append(_v("CAT-16a", N_("The adjustment needs a reason."), "reason"))
    if not a.study_done:
        # CAT-16a: studied and demonstrated by the undertaking unit
        out.append(
            _v("CAT-16a", N_("The undertaking unit has not studied the adjustment."), "study")
        )
    if a.approved_on is None or not present(a.approval_ref):
        # CAT-16a: government approval
        out.append(_v("CAT-16a", N_("The government has not approved the adjustment."), "approval"))
    return out


def catalog_entry_close_violations(e: CatalogEntryFacts) -> list[RuleViolation]:
    """CAT-2a: an entry closes only through its procedure or a recorded removal."""
    if e.procedure_id is None and not e.removed_by_adjustment:
        # CAT-2a: every catalog item goes through the MAD procedure
        return [
            _v(
                "CAT-2a",
                N_("%(name)s has no decision procedure and was not removed by an adjustment."),
                "procedure",
                name=e.name,
            )
        ]
    return []


def _dedupe(violations: Iterable[RuleViolation]) -> Iterator[RuleViolation]:
    seen = set()
    for v in violations:
        key = (v.rule, v.message, v.field, tuple(sorted((k, str(x)) for k, x in v.params.items())))
        if key not in seen:
            seen.add(key)
            yield v


def dedupe(violations: Iterable[RuleViolation]) -> list[RuleViolation]:
    """Drop repeated violations (the same gate reached through two paths)."""
    return list(_dedupe(violations))


def expert_materials_lead_warnings(
    d: DecisionFacts, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """A19 (warning): expert materials arriving < 3 working days before a review meeting."""
    r = d.expert_review
    if r.method is not ExpertReviewMethod.REVIEW_MEETING or r.review_on is None:
        return []
    cal = calendar if calendar is not None else deadlines.DEFAULT_CALENDAR
    latest = cal.add_working_days(r.review_on, -deadlines.EXPERT_MATERIALS_WARNING_WORKING_DAYS)
    out = []
    for e in r.experts:
        if e.materials_delivered_on is not None and latest < e.materials_delivered_on <= (
            r.review_on
        ):
            # EXP-14c / A19: "in advance"; warn under 3 working days, do not block
            out.append(
                _v(
                    "EXP-14c",
                    N_("%(name)s received the materials less than 3 working days before."),
                    "materials_delivered_at",
                    name=e.name,
                )
            )
    return out


def decision_warnings(
    d: DecisionFacts, calendar: WorkCalendar | None = None
) -> list[RuleViolation]:
    """Non-blocking reminders to show staff (A19, A25, A35)."""
    out: list[RuleViolation] = []
    if not d.in_catalog:
        # A25: an item outside the catalog needs a CAT-16 adjustment
        out.append(
            _v(
                "CAT-16a",
                N_("The item is not in the published catalog; add it by a catalog adjustment."),
                "in_catalog",
            )
        )
    out += related_party_warnings(d)  # PART-17c
    out += expert_materials_lead_warnings(d, calendar)  # EXP-14c / A19
    return out
