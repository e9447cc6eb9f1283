"""The expert pool (EXP) and the selection of experts for a decision (EXP-13, PROC-22a).

Use cases check ``portal.rules.experts`` first and raise :class:`RuleViolation` with every violation
(each with its rule ID) before writing; every change is audited; they flush, never commit.
A selection creates the decision's expert-review assignments through
``portal.services.expert_review.add_pool_member`` (EXP-13a: the only way a pool member reaches a
decision); the stage screen and its gates then read the member's pool record at the review date.
Views import the enums they need from here (never from ``portal.rules.experts``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.expert import ExpertAssignment
from portal.models.expert_pool import (
    Expert,
    ExpertAssessment,
    ExpertConflict,
    ExpertFeedback,
    ExpertGroup,
    ExpertPoolSetting,
    ExpertSelection,
    ExpertSelectionPick,
    ExpertTerm,
)
from portal.models.org import Department, Government, GovernmentLevel
from portal.rules import experts as rules
from portal.rules.errors import N_, RuleViolation, refuse
from portal.rules.experts import (  # re-exported for the views and forms
    AssessmentFacts,
    AssessmentResult,
    DismissalReason,
    FeedbackRating,
    MemberFacts,
    MemberStatus,
    NominationChannel,
    PoolSource,
    Qualification,
    SelectionMethod,
    SourceOrgType,
    TitleLevel,
)
from portal.rules.facts import present
from portal.rules.gates import dedupe
from portal.rules.locks import locked_violation
from portal.rules.privacy import mask_contact, mask_digits, resident_id_is_valid
from portal.rules.workdays import local_date
from portal.services import audit, expert_review, locks, procedure
from portal.services.opinions import clean_email, clean_phone
from portal.services.records import _plain, update_record

SEED_MAX = 64

__all__ = [
    "AssessmentResult",
    "DismissalReason",
    "FeedbackRating",
    "MemberStatus",
    "NominationChannel",
    "PoolSource",
    "Qualification",
    "SelectionInput",
    "SelectionMethod",
    "SourceOrgType",
    "TitleLevel",
]


def _input(message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation("", message, field=field, **params)


def _audit(action: str, expert: Expert, *, actor, now, ip="", before=None, after=None):
    audit.record(
        action,
        actor=actor,
        now=now,
        object_type="experts",
        object_id=expert.id,
        government_id=expert.government_id,
        before=before,
        after=after,
        ip=ip,
    )


def today_of(now: datetime) -> date:
    return local_date(now)


# -- groups and pools (EXP-5a, EXP-5b, EXP-21a) -------------------------------------------------


def ensure_groups() -> list[ExpertGroup]:
    """The seven groups of EXP-5a exist (seeded, never deleted: A21)."""
    have = {g.code: g for g in db.session.scalars(sa.select(ExpertGroup))}
    for order, (code, name, name_en) in enumerate(rules.SEEDED_GROUPS):
        if code not in have:
            group = ExpertGroup(
                code=code, name=name, name_en=name_en, seeded=True, sort_order=order
            )
            db.session.add(group)
            have[code] = group
    db.session.flush()
    return groups()


def groups() -> list[ExpertGroup]:
    return list(
        db.session.scalars(
            sa.select(ExpertGroup).order_by(ExpertGroup.sort_order, ExpertGroup.id)
        ).all()
    )


def add_group(name: str, name_en: str, *, actor, government_id: int, now, ip="") -> ExpertGroup:
    """A21: the list of EXP-5a ends with "等"; the office may add a group."""
    name, name_en = (name or "").strip(), (name_en or "").strip()
    out = []
    if not name:
        out.append(_input(N_("Enter the group's name."), "name"))
    if db.session.scalar(sa.select(ExpertGroup.id).where(ExpertGroup.name == name)):
        out.append(_input(N_("A group with this name exists."), "name"))
    refuse(out)
    top = db.session.scalar(sa.select(sa.func.max(ExpertGroup.sort_order))) or 0
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ExpertGroup)) or 0
    group = ExpertGroup(
        code=f"group_{count + 1}_{secrets.token_hex(3)}",
        name=name[:60],
        name_en=name_en[:100],
        seeded=False,
        sort_order=top + 1,
    )
    db.session.add(group)
    db.session.flush()
    audit.record(
        "experts.group_add",
        actor=actor,
        now=now,
        object_type="expert_groups",
        object_id=group.id,
        government_id=government_id,
        after={"name": name, "name_en": name_en},
        ip=ip,
    )
    return group


def pool_source(government: Government) -> PoolSource:
    """EXP-21a: the city uses its own pool; a county its own, the city's (default) or both."""
    if government.level is GovernmentLevel.CITY or government.parent_id is None:
        return PoolSource.OWN
    setting = db.session.get(ExpertPoolSetting, government.id)
    return setting.source if setting else PoolSource.CITY


def set_pool_source(government: Government, source: str, *, actor, now, ip="") -> None:
    try:
        value = PoolSource(source)
    except ValueError:
        refuse([_input(N_("Choose which pool to use."), "source")])
    if government.level is GovernmentLevel.CITY or government.parent_id is None:
        # EXP-21a: the choice is a county government's
        refuse([RuleViolation("EXP-21a", N_("The city always uses its own pool."), field="source")])
    setting = db.session.get(ExpertPoolSetting, government.id)
    before = str(setting.source) if setting else None
    if setting is None:
        setting = ExpertPoolSetting(government_id=government.id, source=value, updated_at=now)
        db.session.add(setting)
    setting.source = value
    setting.updated_at = now
    db.session.flush()
    audit.record(
        "experts.pool_source",
        actor=actor,
        now=now,
        object_type="governments",
        object_id=government.id,
        government_id=government.id,
        before={"source": before},
        after={"source": str(value)},
        ip=ip,
    )


def pool_government_ids(government: Government) -> list[int]:
    source = pool_source(government)
    if source is PoolSource.OWN or government.parent_id is None:
        return [government.id]
    if source is PoolSource.CITY:
        return [government.parent_id]
    return [government.id, government.parent_id]


def status_of(expert: Expert, today: date) -> MemberStatus:
    """The member's status on ``today`` (or any other day, e.g. a review date)."""
    return rules.status_on(
        preliminary_reviewed_on=expert.preliminary_reviewed_on,
        approved_on=expert.approved_on,
        certificate_on=expert.certificate_on,
        term_start=expert.term_start,
        dismissed_on=expert.dismissed_on,
        today=today,
        term_starts=expert.term_starts,
    )


def term_end(expert: Expert):
    """EXP-11a: the day the current term ends (None before the certificate)."""
    start = expert.term_start or expert.certificate_on
    return rules.term_end(start) if start else None


def term_end_of(start: date) -> date:
    """EXP-11a: the end of a term starting on ``start``."""
    return rules.term_end(start)


def selection_method(value: str | None) -> SelectionMethod:
    try:
        return SelectionMethod(value or "")
    except ValueError:
        refuse([_input(N_("Choose the method."), "method")])
        raise  # unreachable: refuse raised


def review_date(decision: Decision) -> date | None:
    """The review date of the decision's expert review, when set: members are checked on it."""
    review = procedure.expert_review(decision)
    return review.review_on if review else None


def minimum_panel(complex_item: bool) -> int:
    """EXP-13b/13c: the smallest panel generally required."""
    return rules.minimum_panel(complex_item)


def members(government_ids: list[int], *, group_id: int | None = None) -> list[Expert]:
    query = (
        sa.select(Expert)
        .where(Expert.government_id.in_(government_ids))
        .options(selectinload(Expert.groups), selectinload(Expert.government))
        .order_by(Expert.government_id, Expert.id)
    )
    if group_id:
        query = query.where(Expert.groups.any(ExpertGroup.id == group_id))
    return list(db.session.scalars(query).all())


def active_counts(government_id: int, today: date) -> dict[str, int]:
    """Active members (appointed, in term, not dismissed) per group name (EXP-5b)."""
    counts = {g.name: 0 for g in groups()}
    for e in members([government_id]):
        if status_of(e, today) is MemberStatus.APPOINTED:
            for g in e.groups:
                counts[g.name] = counts.get(g.name, 0) + 1
    return counts


def group_warnings(government_id: int, today: date) -> list[RuleViolation]:
    return rules.group_warnings(active_counts(government_id, today))


def masked_phone(expert: Expert) -> str:
    return mask_contact(expert.phone)


def masked_id_number(expert: Expert) -> str:
    return mask_digits(expert.id_number, keep_head=1, keep_tail=1) if expert.id_number else ""


def masked_email(expert: Expert) -> str:
    return mask_contact(expert.email)


# -- membership (EXP-6..12) -----------------------------------------------------------------------

PROFILE_FIELDS = (
    "name",
    "organisation",
    "position",
    "source_org_type",
    "nomination_channel",
    "professional_title",
    "title_level",
    "influence_justification",
    "specialty",
)
PRIVATE_FIELDS = ("phone", "id_number", "email")


def _profile_violations(values: dict[str, Any]) -> tuple[list[RuleViolation], dict[str, Any]]:
    out: list[RuleViolation] = []
    clean = dict(values)
    if not present(values.get("name")):
        out.append(_input(N_("Enter the expert's name."), "name"))
    if not values.get("group_ids"):
        # EXP-5a: each member belongs to a group
        out.append(RuleViolation("EXP-5a", N_("Choose at least one group."), field="group_ids"))
    try:
        clean["phone"] = clean_phone(values.get("phone"))
    except RuleViolation as v:
        out.append(_input(v.message, "phone"))
    try:
        clean["email"] = clean_email(values.get("email"))
    except RuleViolation as v:
        out.append(_input(v.message, "email"))
    id_number = (values.get("id_number") or "").strip().upper()
    if id_number and not resident_id_is_valid(id_number):
        out.append(_input(N_("Not a valid resident ID number."), "id_number"))
    clean["id_number"] = id_number
    return out, clean


def _set_groups(expert: Expert, group_ids: list[int]) -> None:
    chosen = list(
        db.session.scalars(sa.select(ExpertGroup).where(ExpertGroup.id.in_(group_ids or [0])))
    )
    expert.groups = chosen


def add_expert(government: Government, values: dict[str, Any], *, actor, now, ip="") -> Expert:
    """An applicant (EXP-8a: self-application, recommendation or invitation)."""
    out, clean = _profile_violations(values)
    refuse(out)
    expert = Expert(government_id=government.id, created_at=now)
    for k in PROFILE_FIELDS + PRIVATE_FIELDS:
        if k in clean:
            setattr(expert, k, clean[k] if clean[k] is not None else getattr(expert, k))
    _set_groups(expert, values.get("group_ids") or [])
    db.session.add(expert)
    db.session.flush()
    _audit(
        "experts.add",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={k: _plain(clean.get(k)) for k in PROFILE_FIELDS}
        | {"groups": [g.code for g in expert.groups], "personal_data": "recorded"},
    )
    return expert


def update_expert(expert: Expert, values: dict[str, Any], *, actor, now, ip="") -> None:
    out, clean = _profile_violations(values)
    refuse(out)
    before, after = {}, {}
    for k in PROFILE_FIELDS + PRIVATE_FIELDS:
        if k not in clean:
            continue
        old, new = getattr(expert, k), clean[k]
        if _plain(old) != _plain(new):
            # personal data changes are audited without their values
            before[k] = "***" if k in PRIVATE_FIELDS else _plain(old)
            after[k] = "***" if k in PRIVATE_FIELDS else _plain(new)
            setattr(expert, k, new)
    old_groups = sorted(g.code for g in expert.groups)
    _set_groups(expert, values.get("group_ids") or [])
    new_groups = sorted(g.code for g in expert.groups)
    if old_groups != new_groups:
        before["groups"], after["groups"] = old_groups, new_groups
    db.session.flush()
    if after:
        _audit("experts.update", expert, actor=actor, now=now, ip=ip, before=before, after=after)


def record_preliminary_review(
    expert: Expert, on: date | None, qualifications: list[str], *, actor, now, ip=""
) -> None:
    """EXP-8b step 1, confirming the six conditions of EXP-7a."""
    out = rules.qualification_violations(
        [q for q in qualifications if q in {x.value for x in Qualification}],
        title_level=expert.title_level,
        influence_justification=expert.influence_justification,
    )
    out += _step_violations(expert, "preliminary_reviewed", on, now)
    refuse(out)
    expert.qualifications = ",".join(q for q in Qualification if q in set(qualifications))
    expert.preliminary_reviewed_on = on
    db.session.flush()
    _audit(
        "experts.preliminary_review",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={"on": on.isoformat(), "qualifications": expert.qualifications},
    )


def _step_violations(expert: Expert, step: str, on: date | None, now) -> list[RuleViolation]:
    return rules.appointment_step_violations(
        step,
        on,
        today_of(now),
        preliminary_reviewed_on=expert.preliminary_reviewed_on,
        approved_on=expert.approved_on,
        certificate_on=expert.certificate_on,
        dismissed=expert.dismissed_on is not None,
    )


def record_approval(expert: Expert, on: date | None, ref: str, *, actor, now, ip="") -> None:
    """EXP-8b step 2: the government reviews and approves the list."""
    out = _step_violations(expert, "approved", on, now)
    if not present(ref):
        # EXP-8b: approval reference and date
        out.append(
            RuleViolation("EXP-8b", N_("Enter the approval reference."), field="approval_ref")
        )
    refuse(out)
    expert.approved_on, expert.approval_ref = on, ref.strip()
    db.session.flush()
    _audit(
        "experts.approve",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={"on": on.isoformat(), "approval_ref": expert.approval_ref},
    )


def issue_certificate(expert: Expert, on: date | None, number: str, *, actor, now, ip="") -> None:
    """EXP-8b step 3: the appointment certificate; the 3-year term starts (EXP-11a, A23)."""
    out = _step_violations(expert, "certificate", on, now)
    if not present(number):
        # EXP-8b: certificate number and date
        out.append(
            RuleViolation("EXP-8b", N_("Enter the certificate number."), field="certificate_no")
        )
    refuse(out)
    expert.certificate_on, expert.term_start, expert.certificate_no = on, on, number.strip()
    db.session.add(ExpertTerm(expert_id=expert.id, starts_on=on, certificate_no=number.strip()))
    db.session.flush()
    db.session.expire(expert, ["terms"])
    _audit(
        "experts.certificate",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "on": on.isoformat(),
            "certificate_no": expert.certificate_no,
            "term_end": rules.term_end(on).isoformat(),
        },
    )


def record_pledge(expert: Expert, on: date | None, *, actor, now, ip="") -> None:
    """EXP-10a: the signed confidentiality pledge."""
    out = []
    if on is None:
        out.append(_input(N_("Enter the date."), "pledge_signed_on"))
    elif on > today_of(now):
        out.append(_input(N_("The date cannot be in the future."), "pledge_signed_on"))
    refuse(out)
    before = _plain(expert.pledge_signed_on)
    expert.pledge_signed_on = on
    db.session.flush()
    _audit(
        "experts.pledge",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        before={"pledge_signed_on": before},
        after={"pledge_signed_on": on.isoformat()},
    )


def declare_conflict(
    expert: Expert,
    *,
    decision: Decision | None,
    department: Department | None,
    description: str,
    on: date | None,
    actor,
    now,
    ip="",
) -> ExpertConflict:
    """EXP-10b / PROC-22a: an interest in one decision, or with a department's decisions."""
    out = []
    if decision is None and department is None:
        out.append(
            RuleViolation(
                "EXP-10b", N_("Name the decision or the department concerned."), field="decision_id"
            )
        )
    if not present(description):
        out.append(RuleViolation("EXP-10b", N_("Describe the interest."), field="description"))
    if on is None:
        out.append(_input(N_("Enter the date."), "declared_on"))
    elif on > today_of(now):
        out.append(_input(N_("The date cannot be in the future."), "declared_on"))
    refuse(out)
    conflict = ExpertConflict(
        expert_id=expert.id,
        decision_id=decision.id if decision else None,
        department_id=department.id if department else None,
        description=description.strip(),
        declared_on=on,
    )
    db.session.add(conflict)
    db.session.flush()
    _audit(
        "experts.conflict",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={
            "decision": conflict.decision_id,
            "department": conflict.department_id,
            "description": conflict.description,
        },
    )
    db.session.expire(expert, ["conflicts"])
    return conflict


def record_feedback(
    expert: Expert,
    *,
    department: Department,
    decision: Decision | None,
    rating: str,
    comment: str,
    on: date | None,
    actor,
    now,
    ip="",
) -> ExpertFeedback:
    """EXP-19a: an undertaking unit's view of the expert's work."""
    out = []
    try:
        value = rules.FeedbackRating(rating)
    except ValueError:
        out.append(_input(N_("Choose a rating."), "rating"))
    if on is None:
        out.append(_input(N_("Enter the date."), "given_on"))
    elif on > today_of(now):
        out.append(_input(N_("The date cannot be in the future."), "given_on"))
    refuse(out)
    row = ExpertFeedback(
        expert_id=expert.id,
        decision_id=decision.id if decision else None,
        department_id=department.id,
        rating=value,
        comment=(comment or "").strip(),
        given_on=on,
        given_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    _audit(
        "experts.feedback",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={"department": department.id, "decision": row.decision_id, "rating": str(value)},
    )
    return row


def feedback_of(expert: Expert, year: int | None = None) -> list[ExpertFeedback]:
    query = (
        sa.select(ExpertFeedback)
        .where(ExpertFeedback.expert_id == expert.id)
        .options(selectinload(ExpertFeedback.department))
        .order_by(ExpertFeedback.given_on.desc(), ExpertFeedback.id.desc())
    )
    rows = list(db.session.scalars(query).all())
    return [r for r in rows if year is None or r.given_on.year == year]


def record_assessment(
    expert: Expert, year: int, result: str, summary: str, *, actor, now, ip=""
) -> ExpertAssessment:
    """EXP-19a: the office's annual assessment, informed by the units' feedback."""
    out = []
    try:
        value = AssessmentResult(result)
    except ValueError:
        out.append(_input(N_("Choose the result of the assessment."), "result"))
    if not 2021 <= year <= today_of(now).year:
        out.append(_input(N_("Choose a year up to the current one."), "year"))
    if status_of(expert, today_of(now)) not in (MemberStatus.APPOINTED, MemberStatus.EXPIRED):
        # EXP-19a: the members who took part are assessed
        out.append(
            RuleViolation("EXP-19a", N_("Only an appointed expert is assessed."), field="result")
        )
    refuse(out)
    row = db.session.scalar(
        sa.select(ExpertAssessment).where(
            ExpertAssessment.expert_id == expert.id, ExpertAssessment.year == year
        )
    )
    before = {"result": str(row.result), "summary": row.summary} if row else None
    if row is None:
        row = ExpertAssessment(expert_id=expert.id, year=year)
        db.session.add(row)
    row.result, row.summary = value, (summary or "").strip()
    row.assessed_on, row.assessed_by_id = today_of(now), getattr(actor, "id", None)
    db.session.flush()
    _audit(
        "experts.assessment",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        before=before,
        after={"year": year, "result": str(value), "summary": row.summary},
    )
    db.session.expire(expert, ["assessments"])
    return row


def last_assessment(expert: Expert) -> ExpertAssessment | None:
    return max(expert.assessments, key=lambda a: a.year, default=None)


def current_term_assessment(expert: Expert) -> ExpertAssessment | None:
    """EXP-11b / A23: the latest assessment made during the current term (None: none yet)."""
    start = expert.term_start or expert.certificate_on
    if start is None:
        return None
    facts = {
        a.id: AssessmentFacts(year=a.year, assessed_on=a.assessed_on, result=a.result)
        for a in expert.assessments
    }
    found = rules.current_term_assessment(facts.values(), start)
    return next((a for a in expert.assessments if facts[a.id] is found), None)


def renew_expert(
    expert: Expert,
    *,
    on: date | None,
    certificate_no: str,
    work_need: bool,
    still_qualified: bool,
    actor,
    now,
    ip="",
) -> None:
    """EXP-11b (A23): a new 3-year term from ``on``, once the current term has ended, after a
    passed assessment of the current term, a work need and the EXP-7a conditions still met."""
    today = today_of(now)
    start = expert.term_start or expert.certificate_on
    assessment = None
    if start is not None:
        assessment = rules.current_term_assessment(
            [AssessmentFacts(a.year, a.assessed_on, a.result) for a in expert.assessments], start
        )
    out = rules.renewal_violations(
        status=status_of(expert, today),
        term_start=start,
        today=today,
        renewed_on=on,
        assessment=assessment,
        work_need=work_need,
        still_qualified=still_qualified,
    )
    if not present(certificate_no):
        out.append(
            RuleViolation("EXP-8b", N_("Enter the certificate number."), field="certificate_no")
        )
    refuse(out)
    before = {"term_start": _plain(expert.term_start), "certificate_no": expert.certificate_no}
    expert.term_start, expert.certificate_no = on, certificate_no.strip()
    expert.renewals += 1
    db.session.add(
        ExpertTerm(
            expert_id=expert.id, starts_on=on, certificate_no=certificate_no.strip(), renewal=True
        )
    )
    db.session.flush()
    db.session.expire(expert, ["terms"])
    _audit(
        "experts.renew",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        before=before,
        after={
            "term_start": on.isoformat(),
            "certificate_no": expert.certificate_no,
            "term_end": rules.term_end(on).isoformat(),
            "assessment": assessment.year if assessment else None,
        },
    )


def disqualify_expert(expert: Expert, note: str, on: date | None, *, actor, now, ip="") -> None:
    """PROC-49a / RISK-14a: disqualified from demonstration and assessment work (取消评估资格)
    from ``on``; never selected again, and a review held from that day on fails its gate."""
    out = []
    if expert.disqualified_on is not None:
        out.append(
            RuleViolation(
                "PROC-49a", N_("The expert has already been disqualified."), field="status"
            )
        )
    if not present(note):
        # PROC-49a: disqualification is a sanction for serious consequences; say why
        out.append(
            RuleViolation("PROC-49a", N_("Describe the breach and its consequences."), field="note")
        )
    if on is None:
        out.append(_input(N_("Enter the date."), "disqualified_on"))
    elif on > today_of(now):
        out.append(_input(N_("The date cannot be in the future."), "disqualified_on"))
    refuse(out)
    expert.disqualified_on, expert.disqualification_note = on, note.strip()
    db.session.flush()
    _audit(
        "experts.disqualify",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={"on": on.isoformat(), "note": expert.disqualification_note},
    )


def dismiss_expert(
    expert: Expert, reason: str, note: str, on: date | None, *, actor, now, ip=""
) -> None:
    """EXP-12b: dismissal for one of the five reasons."""
    out = rules.dismissal_violations(reason, status_of(expert, today_of(now)))
    if on is None:
        out.append(_input(N_("Enter the date."), "dismissed_on"))
    elif on > today_of(now):
        out.append(_input(N_("The date cannot be in the future."), "dismissed_on"))
    refuse(out)
    expert.dismissed_on = on
    expert.dismissal_reason = DismissalReason(reason)
    expert.dismissal_note = (note or "").strip()
    db.session.flush()
    _audit(
        "experts.dismiss",
        expert,
        actor=actor,
        now=now,
        ip=ip,
        after={"on": on.isoformat(), "reason": reason, "note": expert.dismissal_note},
    )


# -- selection for a decision (EXP-13, EXP-10, PROC-22a) -------------------------------------------


def _decision_units(decision: Decision) -> set[int]:
    ids = {decision.undertaking_unit_id, decision.lead_unit_id}
    ids |= {u.id for u in decision.co_units}
    return {i for i in ids if i}


def _assignments_by_expert(decision: Decision) -> dict[int, list[ExpertAssignment]]:
    rows = db.session.execute(
        sa.select(ExpertSelectionPick.expert_id, ExpertAssignment)
        .join(ExpertSelection, ExpertSelectionPick.selection_id == ExpertSelection.id)
        .join(ExpertAssignment, ExpertSelectionPick.assignment_id == ExpertAssignment.id)
        .where(ExpertSelection.decision_id == decision.id)
    ).all()
    out: dict[int, list[ExpertAssignment]] = {}
    for expert_id, assignment in rows:
        out.setdefault(expert_id, []).append(assignment)
    return out


def _status_for(expert: Expert, today: date, review_on: date | None) -> MemberStatus:
    """EXP-13a: a member must be appointed today and on the review date, if it is known."""
    now_status = status_of(expert, today)
    if now_status is MemberStatus.APPOINTED and review_on is not None and review_on != today:
        return status_of(expert, review_on)
    return now_status


def member_facts(decision: Decision, today: date) -> list[MemberFacts]:
    """Every member of the pools the decision's government uses, as seen for this decision
    (today, and on the review date when one is set)."""
    government = decision.government
    units = _decision_units(decision)
    assigned = _assignments_by_expert(decision)
    review = procedure.expert_review(decision)
    review_on = review.review_on if review else None
    out = []
    for e in members(pool_government_ids(government)):
        conflict = any(
            c.decision_id == decision.id or (c.department_id in units) for c in e.conflicts
        )
        rows = assigned.get(e.id, [])
        out.append(
            MemberFacts(
                id=e.id,
                name=e.name,
                status=_status_for(e, today, review_on),
                groups=frozenset(g.code for g in e.groups),
                pledge_signed=e.pledge_signed_on is not None,
                disqualified=e.disqualified,
                conflict=conflict or any(a.conflict_declared for a in rows),
                recused=any(a.recused for a in rows),
                already_assigned=any(not a.recused for a in rows),
            )
        )
    return out


def current_panel(decision: Decision) -> int:
    """Individual experts taking part now (recused ones and institutions not counted)."""
    review = procedure.expert_review(decision)
    if review is None:
        return 0
    return sum(1 for a in review.active_experts if not a.is_institution)


@dataclass(frozen=True)
class SelectionInput:
    method: SelectionMethod
    group_codes: tuple[str, ...]
    count: int
    seed: str = ""
    chosen_ids: tuple[int, ...] = ()
    reason: str = ""
    override_reason: str = ""


def selection_preview(decision: Decision, group_codes, today: date):
    facts = member_facts(decision, today)
    return rules.split_candidates(facts, group_codes)


def select_experts(
    decision: Decision, data: SelectionInput, *, actor, now, ip=""
) -> ExpertSelection:
    """Draw (or choose) experts for ``decision`` and add them to its expert review (EXP-13a:
    the only way a pool member takes part)."""
    review = procedure.expert_review(decision)
    lock = locks.lock_of(
        review if review is not None else ExpertAssignment(), ["expert_id"], decision
    )
    if lock is not None:
        # PROC-39a: the expert review is completed; its panel no longer changes
        refuse([locked_violation(lock, "groups")])
    today = today_of(now)
    known = {g.code for g in groups()}
    codes = tuple(c for c in data.group_codes if c in known)
    out: list[RuleViolation] = []
    if not codes:
        # EXP-13a: experts of the relevant field
        out.append(
            RuleViolation("EXP-13a", N_("Choose at least one expert group."), field="groups")
        )
    if data.count < 1:
        out.append(_input(N_("Enter how many experts to select."), "count"))
    eligible, excluded = rules.split_candidates(member_facts(decision, today), codes)
    panel = current_panel(decision) + max(data.count, 0)
    out += rules.panel_size_violations(
        panel, complex_item=decision.is_complex, override_reason=data.override_reason
    )
    seed = (data.seed or "").strip()[:SEED_MAX]
    if data.method is SelectionMethod.RANDOM_DRAW:
        if data.count >= 1:
            out += rules.availability_violations(
                data.count, len(eligible), complex_item=decision.is_complex
            )
        if seed and not seed.isascii():
            out.append(_input(N_("Use letters and digits for the seed."), "seed"))
    else:
        out += rules.manual_choice_violations(
            list(data.chosen_ids), [m.id for m in eligible], data.reason, excluded
        )
        if len(data.chosen_ids) != data.count:
            out.append(_input(N_("Choose exactly %(count)s experts."), "chosen", count=data.count))
    refuse(dedupe(out))
    candidate_ids = [m.id for m in eligible]
    if data.method is SelectionMethod.RANDOM_DRAW:
        seed = seed or secrets.token_hex(8)
        chosen = rules.draw(candidate_ids, data.count, seed)
    else:
        seed = ""
        chosen = list(data.chosen_ids)
    selection = ExpertSelection(
        decision_id=decision.id,
        method=data.method,
        group_codes=",".join(codes),
        count=data.count,
        complex_item=decision.is_complex,
        seed=seed,
        candidate_ids=",".join(str(i) for i in candidate_ids),
        excluded=json.dumps([[m.id, v.rule] for m, v in excluded]),
        chosen_ids=",".join(str(i) for i in chosen),
        reason=(data.reason or "").strip(),
        override_reason=(data.override_reason or "").strip(),
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(selection)
    db.session.flush()
    if selection.override_reason:
        # A4: fewer experts than "generally" required, with the recorded reason
        review = expert_review.expert_review_for(decision, actor=actor, now=now, ip=ip)
        if not present(review.count_override_reason):
            update_record(
                review,
                {"count_override_reason": selection.override_reason},
                decision=decision,
                actor=actor,
                now=now,
                action="experts.review_update",
                ip=ip,
            )
    by_id = {e.id: e for e in members(pool_government_ids(decision.government))}
    for expert_id in chosen:
        assignment = expert_review.add_pool_member(
            decision, by_id[expert_id], actor=actor, now=now, ip=ip
        )
        db.session.add(
            ExpertSelectionPick(
                selection_id=selection.id, expert_id=expert_id, assignment_id=assignment.id
            )
        )
    db.session.flush()
    audit.record(
        "experts.select",
        actor=actor,
        now=now,
        obj=decision,
        after={
            "selection": selection.id,
            "method": str(data.method),
            "groups": list(codes),
            "count": data.count,
            "seed": seed,
            "candidates": candidate_ids,
            "chosen": chosen,
            "excluded": [[m.id, v.rule] for m, v in excluded],
            "reason": selection.reason,
        },
        ip=ip,
    )
    return selection


def selections_of(decision: Decision) -> list[ExpertSelection]:
    return list(
        db.session.scalars(
            sa.select(ExpertSelection)
            .where(ExpertSelection.decision_id == decision.id)
            .options(selectinload(ExpertSelection.picks).selectinload(ExpertSelectionPick.expert))
            .order_by(ExpertSelection.id)
        ).all()
    )


def verify_selection(selection: ExpertSelection) -> bool:
    """A random draw re-run from its recorded candidates and seed gives the same experts."""
    if selection.method is not SelectionMethod.RANDOM_DRAW:
        return True
    candidates = ExpertSelection.ids(selection.candidate_ids)
    chosen = ExpertSelection.ids(selection.chosen_ids)
    try:
        return rules.draw(candidates, len(chosen), selection.seed) == chosen
    except ValueError:
        return False


def assignments_of(expert: Expert) -> list[tuple[Decision, ExpertAssignment]]:
    rows = db.session.execute(
        sa.select(Decision, ExpertAssignment)
        .join(ExpertSelection, ExpertSelection.decision_id == Decision.id)
        .join(ExpertSelectionPick, ExpertSelectionPick.selection_id == ExpertSelection.id)
        .join(ExpertAssignment, ExpertSelectionPick.assignment_id == ExpertAssignment.id)
        .where(ExpertSelectionPick.expert_id == expert.id)
        .order_by(Decision.id)
    ).all()
    return [(d, a) for d, a in rows]
