"""The expert pool as pure rules (EXP, PROC-22a, PROC-49a; rules.md 1.4 expert membership).

Membership: applicant -> preliminary review (EXP-7a conditions confirmed) -> government
approval -> appointment certificate (EXP-8b), a 3-year term from the certificate (EXP-11a, A23),
renewal after a passed assessment (EXP-11b, EXP-19a), dismissal for an EXP-12b reason. Selecting
experts for a decision: only appointed members in term with a signed pledge (EXP-10a), no
conflict or recusal for the decision (EXP-10b, PROC-22a), an odd number of at least 3, or 7 for a
complex item (EXP-13b/13c); a random draw is reproducible from its recorded seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from portal.rules import deadlines, gates
from portal.rules.errors import N_, RuleViolation
from portal.rules.facts import present

MIN_GROUP_SIZE = gates.MIN_EXPERT_GROUP_SIZE  # EXP-5b


# EXP-5a: the seven seeded groups (the list ends with "等": admins may add more, A21).
SEEDED_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("economic_development", "经济发展", "Economic development"),
    ("social_governance", "社会治理", "Social governance"),
    ("urban_rural_construction", "城乡建设", "Urban and rural construction"),
    ("ecology_environment", "生态环境", "Ecology and environment"),
    ("sci_tech_innovation", "科技创新", "Science and technology innovation"),
    ("finance_securities", "金融证券", "Finance and securities"),
    ("law_based_administration", "依法行政", "Law-based administration"),
)


class SourceOrgType(StrEnum):
    """EXP-6a: where members come from (not exhaustive)."""

    INDUSTRY_AUTHORITY = "industry_authority"
    EDUCATION_RESEARCH = "education_research"
    INDUSTRY_ASSOCIATION_CHAMBER = "industry_association_chamber"
    SOCIAL_ORGANIZATION = "social_organization"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class NominationChannel(StrEnum):
    """EXP-8a."""

    SELF_APPLICATION = "self_application"
    ORGANIZATION_RECOMMENDATION = "organization_recommendation"
    TARGETED_INVITATION = "targeted_invitation"


class Qualification(StrEnum):
    """EXP-7a: the six conditions the preliminary review confirms."""

    POLITICAL_QUALITY = "political_quality"
    PROFESSIONAL_ETHICS = "professional_ethics"
    POLICY_AND_SERVICE_CAPACITY = "policy_and_service_capacity"
    DOMAIN_EXPERTISE_AND_TITLE = "domain_expertise_and_title"
    CLEAN_RECORD = "clean_record"
    WILLING_AND_FIT = "willing_and_fit"


class TitleLevel(StrEnum):
    SENIOR = "senior"  # 高级 or equivalent
    OTHER = "other"  # then EXP-7a(4) needs the influence justification


class DismissalReason(StrEnum):
    """EXP-12b: the only reasons for dismissal."""

    POSITION_CHANGE = "position_change"
    HEALTH = "health"
    REFUSED_WITHOUT_OBJECTIVE_REASON = "refused_without_objective_reason"
    DISCIPLINED_OR_LEGALLY_LIABLE = "disciplined_or_legally_liable"
    VOLUNTARY_WITHDRAWAL = "voluntary_withdrawal"


class MemberStatus(StrEnum):
    APPLICANT = "applicant"
    PRELIMINARY_REVIEWED = "preliminary_reviewed"
    APPROVED = "approved"
    APPOINTED = "appointed"
    EXPIRED = "expired"  # derived: the term ended without renewal (EXP-11a)
    DISMISSED = "dismissed"


class AssessmentResult(StrEnum):
    """EXP-19a."""

    PASSED = "passed"
    FAILED = "failed"


class FeedbackRating(StrEnum):
    """An undertaking unit's feedback on an expert's work (EXP-19a)."""

    GOOD = "good"
    ADEQUATE = "adequate"
    POOR = "poor"


class PoolSource(StrEnum):
    """EXP-21a: a county uses its own pool, the city's, or both."""

    OWN = "own"
    CITY = "city"
    BOTH = "both"


class SelectionMethod(StrEnum):
    RANDOM_DRAW = "random_draw"
    MANUAL = "manual"


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


# -- membership ----------------------------------------------------------------------------------


def status_on(
    *,
    preliminary_reviewed_on: date | None,
    approved_on: date | None,
    certificate_on: date | None,
    term_start: date | None,
    dismissed_on: date | None,
    today: date,
    term_starts: Sequence[date] = (),
) -> MemberStatus:
    """The member's status on ``today`` (any day: a review date too, EXP-13a).

    ``term_starts`` are the starts of every term (the certificate, then each renewal, A23);
    between two terms the member is expired (EXP-11a).
    """
    if dismissed_on is not None and dismissed_on <= today:
        return MemberStatus.DISMISSED
    if certificate_on is not None and certificate_on <= today:
        starts = tuple(term_starts) or (term_start or certificate_on,)
        if any(deadlines.expert_term_active(s, today) for s in starts):
            return MemberStatus.APPOINTED
        return MemberStatus.EXPIRED
    if approved_on is not None and approved_on <= today:
        return MemberStatus.APPROVED
    if preliminary_reviewed_on is not None and preliminary_reviewed_on <= today:
        return MemberStatus.PRELIMINARY_REVIEWED
    return MemberStatus.APPLICANT


def qualification_violations(
    confirmed: Iterable[Qualification | str],
    *,
    title_level: TitleLevel | None,
    influence_justification: str,
) -> list[RuleViolation]:
    """EXP-7a: every condition confirmed; without a senior title, the influence is justified."""
    have = {Qualification(q) for q in confirmed}
    out = []
    missing = [q for q in Qualification if q not in have]
    if missing:
        # EXP-7a: the reviewer confirms every condition
        out.append(
            _v(
                "EXP-7a",
                N_("Not every condition of an expert is confirmed (%(missing)s)."),
                "qualifications",
                missing=",".join(missing),
            )
        )
    if title_level != TitleLevel.SENIOR and not present(influence_justification):
        # EXP-7a(4): a senior title, or high influence and reputation in the field
        out.append(
            _v(
                "EXP-7a",
                N_(
                    "Without a senior professional title, describe the expert's influence in "
                    "the field."
                ),
                "influence_justification",
            )
        )
    return out


def appointment_step_violations(
    step: str,
    on: date | None,
    today: date,
    *,
    preliminary_reviewed_on: date | None,
    approved_on: date | None,
    certificate_on: date | None,
    dismissed: bool,
) -> list[RuleViolation]:
    """EXP-8b: preliminary review -> approval -> certificate, each once and in order."""
    if dismissed:
        # EXP-12b: a dismissed member is not appointed again in the same record
        return [_v("EXP-12b", N_("The expert has been dismissed."), "status")]
    if on is None:
        return [_v("", N_("Enter the date."), f"{step}_on")]
    if on > today:
        return [_v("", N_("The date cannot be in the future."), f"{step}_on")]
    dates = {
        "preliminary_reviewed": preliminary_reviewed_on,
        "approved": approved_on,
        "certificate": certificate_on,
    }
    if dates.get(step) is not None:
        return [_v("EXP-8b", N_("This appointment step is already recorded."), f"{step}_on")]
    dates[step] = on
    out = gates.expert_appointment_violations(
        dates["preliminary_reviewed"], dates["approved"], dates["certificate"]
    )
    return out


def term_end(term_start: date) -> date:
    """EXP-11a: the day the term ends (3 years from the certificate or renewal, A23)."""
    return deadlines.expert_term_end(term_start)


@dataclass(frozen=True)
class AssessmentFacts:
    """EXP-19a: one annual assessment (the year assessed, the day it was made, the result)."""

    year: int
    assessed_on: date
    result: AssessmentResult


def current_term_assessment(
    assessments: Iterable[AssessmentFacts], term_start: date
) -> AssessmentFacts | None:
    """EXP-11b / A23: the latest assessment of the current term (a year of the term, assessed
    during it); an assessment of an earlier term does not count for the renewal."""
    mine = [a for a in assessments if a.year >= term_start.year and a.assessed_on >= term_start]
    return max(mine, key=lambda a: (a.assessed_on, a.year), default=None)


def renewal_violations(
    *,
    status: MemberStatus,
    term_start: date | None,
    today: date,
    renewed_on: date | None,
    assessment: AssessmentFacts | None,
    work_need: bool,
    still_qualified: bool,
) -> list[RuleViolation]:
    """EXP-11a/11b (A23): renewal at the end of a term, after a passed assessment of that term.

    No window before the end: the new term starts on or after the day the current one ends
    (a term is never shortened or overlapped), and the renewal date is not in the future, so a
    renewal is recorded once the term has ended; recorded on that day, the terms are contiguous.
    ``assessment`` is the latest assessment of the current term (``current_term_assessment``).
    """
    if status not in (MemberStatus.APPOINTED, MemberStatus.EXPIRED) or term_start is None:
        # EXP-11b: only an appointed member's term is renewed
        return [_v("EXP-11b", N_("Only an appointed expert can be renewed."), "status")]
    out = []
    ends = term_end(term_start)
    if renewed_on is None:
        out.append(_v("", N_("Enter the date."), "renewed_on"))
    elif renewed_on > today:
        # EXP-11b: the new term's certificate date starts a 3-year clock (EXP-11a)
        out.append(
            _v(
                "EXP-11b",
                N_("A date that starts or stops a statutory clock cannot be in the future."),
                "renewed_on",
            )
        )
    elif renewed_on < ends:
        # EXP-11b: renewal at the end of the term (经考核合格…可以续聘), not before it
        out.append(
            _v(
                "EXP-11b",
                N_(
                    "The current term runs until %(end)s; the renewed term cannot start before "
                    "it ends."
                ),
                "renewed_on",
                end=ends.isoformat(),
            )
        )
    if assessment is None:
        # EXP-11b / EXP-19a / A23: the assessment of the current term decides the renewal
        out.append(
            _v(
                "EXP-11b",
                N_("The expert has not been assessed during the current term (since %(start)s)."),
                "assessment",
                start=term_start.isoformat(),
            )
        )
    out += gates.expert_renewal_violations(
        assessment_passed=assessment is None or assessment.result is AssessmentResult.PASSED,
        work_need=work_need,
        still_qualified=still_qualified,
    )
    return out


def dismissal_violations(reason: str | None, status: MemberStatus) -> list[RuleViolation]:
    if status is MemberStatus.DISMISSED:
        return [_v("EXP-12b", N_("The expert has already been dismissed."), "status")]
    try:
        DismissalReason(reason or "")
    except ValueError:
        # EXP-12b: dismissal only for one of the five listed reasons
        return [_v("EXP-12b", N_("Choose one of the reasons for dismissal."), "dismissal_reason")]
    return []


def group_warnings(active_by_group: dict[str, int]) -> list[RuleViolation]:
    """EXP-5b (warning): each group keeps at least 5 active members."""
    return gates.expert_pool_warnings(active_by_group)


# -- selection for a decision (EXP-10, EXP-13, PROC-22a, PROC-49a) --------------------------------


@dataclass(frozen=True)
class MemberFacts:
    id: int
    name: str
    status: MemberStatus
    groups: frozenset[str] = frozenset()
    pledge_signed: bool = False  # EXP-10a
    disqualified: bool = False  # PROC-49a
    conflict: bool = False  # EXP-10b / PROC-22a: declared for this decision or its unit
    recused: bool = False  # recused from this decision's review
    already_assigned: bool = False  # taking part already


def exclusion(m: MemberFacts) -> RuleViolation | None:
    """Why ``m`` cannot be selected for the decision (None: eligible)."""
    if m.disqualified:
        # PROC-49a: a disqualified expert cannot be selected
        return _v("PROC-49a", N_("%(name)s has been disqualified."), "experts", name=m.name)
    if m.status is MemberStatus.DISMISSED:
        # EXP-12b: a dismissed member is no longer in the pool
        return _v("EXP-12b", N_("%(name)s has been dismissed."), "experts", name=m.name)
    if m.status is MemberStatus.EXPIRED:
        # EXP-11a: the 3-year term has ended without renewal
        return _v("EXP-11a", N_("The term of %(name)s has ended."), "experts", name=m.name)
    if m.status is not MemberStatus.APPOINTED:
        # EXP-8b: selectable only after the appointment certificate is issued
        return _v(
            "EXP-8b", N_("%(name)s has no appointment certificate yet."), "experts", name=m.name
        )
    if not m.pledge_signed:
        # EXP-10a: a signed confidentiality pledge before any assignment
        return _v(
            "EXP-10a",
            N_("%(name)s has not signed the confidentiality pledge."),
            "experts",
            name=m.name,
        )
    if m.conflict:
        # EXP-10b / PROC-22a: an expert with an interest in the item must not be selected
        return _v(
            "PROC-22a",
            N_("%(name)s has a direct interest in the item and must not be selected."),
            "experts",
            name=m.name,
        )
    if m.recused:
        # EXP-10b: recused from this decision
        return _v("EXP-10b", N_("%(name)s is recused from this item."), "experts", name=m.name)
    if m.already_assigned:
        return _v("", N_("%(name)s already takes part."), "experts", name=m.name)
    return None


def split_candidates(
    members: Iterable[MemberFacts], groups: Iterable[str]
) -> tuple[list[MemberFacts], list[tuple[MemberFacts, RuleViolation]]]:
    """The eligible members of ``groups`` (ordered by id) and the excluded ones with reasons."""
    wanted = set(groups)
    eligible: list[MemberFacts] = []
    excluded: list[tuple[MemberFacts, RuleViolation]] = []
    for m in sorted(members, key=lambda m: m.id):
        if wanted and not (m.groups & wanted):
            continue
        why = exclusion(m)
        if why is None:
            eligible.append(m)
        else:
            excluded.append((m, why))
    return eligible, excluded


def minimum_panel(complex_item: bool) -> int:
    return gates.MIN_EXPERTS_COMPLEX if complex_item else gates.MIN_EXPERTS


def panel_size_violations(
    size: int, *, complex_item: bool, override_reason: str = ""
) -> list[RuleViolation]:
    """EXP-13b (odd, strict; >= 3 "generally") and EXP-13c (>= 7 "generally" when complex)."""
    out = []
    if size % 2 == 0:
        # EXP-13b: the number of experts must be odd (no "generally": strict, A4)
        out.append(
            _v(
                "EXP-13b",
                N_("%(count)s experts: the number of experts must be odd."),
                "count",
                count=size,
            )
        )
    minimum = minimum_panel(complex_item)
    if size < minimum and not present(override_reason):
        if complex_item:
            # EXP-13c: complex, contested or sensitive items generally need >= 7 experts
            out.append(
                _v(
                    "EXP-13c",
                    N_(
                        "%(count)s experts: a complex item generally needs at least %(minimum)s "
                        "unless a reason is recorded."
                    ),
                    "count",
                    count=size,
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
                    "count",
                    count=size,
                    minimum=minimum,
                )
            )
    return out


def availability_violations(
    count: int, available: int, *, complex_item: bool
) -> list[RuleViolation]:
    if count > available:
        # EXP-13a: chosen from the pool's experts of the relevant field
        return [
            _v(
                "EXP-13a" if not complex_item else "EXP-13c",
                N_("Only %(available)s eligible experts in the chosen groups; %(count)s needed."),
                "groups",
                available=available,
                count=count,
            )
        ]
    return []


def draw(candidate_ids: Sequence[int], count: int, seed: str) -> list[int]:
    """A reproducible random draw: the same candidates (in recorded order) and seed give the
    same experts, in the same order."""
    if count > len(candidate_ids):
        raise ValueError("more experts requested than candidates")
    rng = random.Random(f"exp-draw:{seed}")
    return rng.sample(list(candidate_ids), count)


@dataclass(frozen=True)
class SelectionCheck:
    chosen: tuple[int, ...]
    violations: tuple[RuleViolation, ...] = field(default_factory=tuple)


def manual_choice_violations(
    chosen: Sequence[int],
    eligible_ids: Iterable[int],
    reason: str,
    excluded: Iterable[tuple[MemberFacts, RuleViolation]] = (),
) -> list[RuleViolation]:
    """A manual choice: a reason, and only eligible members; a chosen member who is excluded is
    refused with the rule that excludes them (expired EXP-11a, dismissed EXP-12b, ...)."""
    out = []
    if not present(reason):
        # EXP-13a / A22: a manual choice of experts is recorded with its reason
        out.append(_v("EXP-13a", N_("Give the reason for choosing the experts by hand."), "reason"))
    allowed = set(eligible_ids)
    why = {m.id: v for m, v in excluded}
    for c in chosen:
        if c in why:
            out.append(RuleViolation(why[c].rule, why[c].message, field="chosen", **why[c].params))
    if any(c not in allowed and c not in why for c in chosen):
        # EXP-13a: only eligible pool members of the chosen groups
        out.append(
            _v("EXP-13a", N_("Choose only eligible experts of the chosen groups."), "chosen")
        )
    if len(set(chosen)) != len(chosen):
        out.append(_v("", N_("An expert was chosen twice."), "chosen"))
    return out
