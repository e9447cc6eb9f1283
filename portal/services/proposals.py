"""Public proposals of new decision items (PROC-11b(4), PROC-11c, PROC-11d) and of catalog
entries (CAT-7b): receive one, look it up by receipt code, and handle it in the back office
(route to a studying unit, record the study conclusion, answer, link the decision item).

Functions flush and never commit (the view or command commits once). Public text is normalised
with the opinion helpers (NFKC, then invisibles removed), staff text only loses invisibles; all
of it is plain text, always rendered escaped. Contact
details are private: never in the audit log, never in exports, shown to staff masked unless
they reveal them (audited), and deleted by ``purge_contacts`` after the retention period.

No rule sets a reply deadline for a written suggestion; the portal asks for an answer within
``PORTAL_PROPOSAL_REPLY_DAYS`` calendar days (default 30) and lists the late ones as overdue.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.config import env
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.org import Department, Government
from portal.models.proposal import (
    Proposal,
    ProposalKind,
    ProposalOutcome,
    ProposalStatus,
    ProposerType,
)
from portal.permissions import Permission, permissions_of
from portal.rules.errors import N_, RuleViolation
from portal.services import audit, outbox
from portal.services.opinions import (
    _INVISIBLE,
    DUPLICATE_WINDOW,
    IDEMPOTENCY_KEY_MAX,
    PRIVACY_NOTICE_VERSION,
    _ip_hash,
    clean_email,
    clean_phone,
    clean_text,
    normalise_receipt_code,
    unique_code,
)
from portal.services.records import _plain

NAME_MIN, NAME_MAX = 2, 100
TITLE_MIN, TITLE_MAX = 4, 200
CONTENT_MIN, CONTENT_MAX = 10, 5000
REASONS_MAX = 5000
NOTE_MAX = 2000
CONCLUSION_MIN, CONCLUSION_MAX = 5, 5000
REPLY_MIN, REPLY_MAX = 5, 5000
CATALOG_YEARS = (2021, 2100)
DEFAULT_REPLY_DAYS = 30
OPEN_STATUSES = (ProposalStatus.RECEIVED, ProposalStatus.ROUTED, ProposalStatus.UNDER_STUDY)
# Bilingual words for the e-mails (sent from the outbox, outside any request language).
MAIL_OUTCOME = {
    ProposalOutcome.ADOPTED_AS_ITEM: ("列为重大行政决策事项", "adopted as a decision item"),
    ProposalOutcome.INCLUDED_IN_CATALOG: ("列入决策事项目录", "included in a decision catalog"),
    ProposalOutcome.NOT_ADOPTED: ("未予采纳", "not adopted"),
}


@dataclass(frozen=True)
class ProposalInput:
    proposer_type: str
    proposer_name: str
    title: str
    content: str
    reasons: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    processing_consent: bool = False
    publish_name_consent: bool = False
    kind: str = ProposalKind.NEW_ITEM.value
    catalog_year: int | None = None


# -- settings ----------------------------------------------------------------------------------


def setting_days(name: str, default: int) -> int:
    """A positive number of days from the app config or ``PORTAL_<name>``; else ``default``."""
    value = current_app.config.get(name)
    if value is None:
        value = env(name)
    try:
        days = int(str(value).strip()) if value not in (None, "") else default
    except ValueError:
        return default
    return days if days > 0 else default


def reply_days() -> int:
    return setting_days("PROPOSAL_REPLY_DAYS", DEFAULT_REPLY_DAYS)


# -- receiving ---------------------------------------------------------------------------------


def _length(value: str, field: str, low: int, high: int, problems: list[RuleViolation]) -> None:
    if len(value) < low:
        problems.append(
            RuleViolation("", N_("Write at least %(n)d characters."), field=field, n=low)
        )
    elif len(value) > high:
        problems.append(
            RuleViolation("", N_("Write at most %(n)d characters."), field=field, n=high)
        )


def check_input(data: ProposalInput) -> tuple[ProposalInput, list[RuleViolation]]:
    """Normalise every field and list every problem (one per field), so a form can show them
    all at once. The returned input is only meaningful when there is no problem."""
    problems: list[RuleViolation] = []
    try:
        kind = ProposalKind(data.kind)
    except ValueError:
        kind = ProposalKind.NEW_ITEM
        problems.append(RuleViolation("", N_("Choose a valid value."), field="kind"))
    year = data.catalog_year
    if kind is ProposalKind.CATALOG_ITEM:
        if year is None or not CATALOG_YEARS[0] <= year <= CATALOG_YEARS[1]:
            problems.append(
                RuleViolation("CAT-7b", N_("Give the year of the catalog."), field="catalog_year")
            )
    else:
        year = None
    try:
        proposer_type = ProposerType(data.proposer_type)
    except ValueError:
        proposer_type = ProposerType.CITIZEN
        problems.append(
            RuleViolation(
                "",
                N_("Say whether you write as a citizen or an organisation."),
                field="proposer_type",
            )
        )
    name = clean_text(data.proposer_name)
    _length(name, "proposer_name", NAME_MIN, NAME_MAX, problems)
    title = clean_text(data.title)
    _length(title, "title", TITLE_MIN, TITLE_MAX, problems)
    content = clean_text(data.content, multiline=True)
    _length(content, "content", CONTENT_MIN, CONTENT_MAX, problems)
    reasons = clean_text(data.reasons, multiline=True)
    _length(reasons, "reasons", 0, REASONS_MAX, problems)
    email = phone = ""
    try:
        email = clean_email(data.contact_email)
    except RuleViolation as v:
        problems.append(v)
    try:
        phone = clean_phone(data.contact_phone)
    except RuleViolation as v:
        problems.append(v)
    contact_problem = any(p.field in ("contact_email", "contact_phone") for p in problems)
    if not email and not phone and not contact_problem:
        problems.append(
            RuleViolation(
                "",
                N_("Give an e-mail address or a phone number, so that we can answer you."),
                field="contact_email",
            )
        )
    if not data.processing_consent:
        problems.append(
            RuleViolation(
                "",
                N_("Agree to the processing of your data, or we cannot receive the proposal."),
                field="processing_consent",
            )
        )
    clean = ProposalInput(
        proposer_type=proposer_type.value,
        proposer_name=name,
        title=title,
        content=content,
        reasons=reasons,
        contact_email=email,
        contact_phone=phone,
        processing_consent=bool(data.processing_consent),
        publish_name_consent=bool(data.publish_name_consent and name),
        kind=kind.value,
        catalog_year=year,
    )
    return clean, problems


def validate_input(data: ProposalInput) -> ProposalInput:
    """The normalised input; raises the first problem as a ``RuleViolation`` naming the field."""
    clean, problems = check_input(data)
    if problems:
        raise problems[0]
    return clean


def _content_hash(government_id: int, data: ProposalInput) -> str:
    key = "\x1f".join(
        [
            str(government_id),
            data.kind,
            data.title,
            data.content,
            data.contact_email.lower(),
            data.contact_phone,
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()


def proposal_by_idempotency_key(key: str) -> Proposal | None:
    return db.session.scalar(sa.select(Proposal).where(Proposal.idempotency_key == key))


def submit_proposal(
    government: Government,
    data: ProposalInput,
    *,
    now: datetime,
    idempotency_key: str | None = None,
    ip: str = "",
) -> Proposal:
    """Receive a written proposal (PROC-11b(4), or CAT-7b for ``kind=catalog_item``).

    A repeated ``idempotency_key``, or an identical submission (same government, kind, title,
    content and contact) within 24 hours, returns the proposal first received. Mails the
    receipt code through the outbox when an e-mail address was given.
    """
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if len(key) > IDEMPOTENCY_KEY_MAX or not key.isascii() or not key.isprintable():
            raise RuleViolation(
                "", N_("The idempotency key is not valid."), field="idempotency_key"
            )
        first = proposal_by_idempotency_key(key)
        if first is not None:
            return first
    clean = validate_input(data)
    content_hash = _content_hash(government.id, clean)
    first = db.session.scalar(
        sa.select(Proposal)
        .where(
            Proposal.content_hash == content_hash,
            Proposal.submitted_at > now - DUPLICATE_WINDOW,
        )
        .order_by(Proposal.id)
        .limit(1)
    )
    if first is not None:
        return first
    code = unique_code(Proposal.receipt_code)
    proposal = Proposal(
        government_id=government.id,
        kind=ProposalKind(clean.kind),
        catalog_year=clean.catalog_year,
        receipt_code=code,
        proposer_type=ProposerType(clean.proposer_type),
        proposer_name=clean.proposer_name,
        publish_name_consent=clean.publish_name_consent,
        consent_version=PRIVACY_NOTICE_VERSION,
        consented_at=now,
        contact_email=clean.contact_email,
        contact_phone=clean.contact_phone,
        title=clean.title,
        content=clean.content,
        reasons=clean.reasons,
        status=ProposalStatus.RECEIVED,
        submitted_at=now,
        reply_due_at=now + timedelta(days=reply_days()),
        idempotency_key=key,
        content_hash=content_hash,
        ip_hash=_ip_hash(ip),
    )
    db.session.add(proposal)
    db.session.flush()
    # No personal data in the audit log: it is kept longer than the contacts.
    audit.record(
        "proposal.receive",
        actor="public",
        now=now,
        obj=proposal,
        after={"kind": proposal.kind.value, "status": proposal.status.value},
    )
    if clean.contact_email:
        outbox.enqueue(
            "mail.send",
            {
                "to": clean.contact_email,
                "subject": f"建议回执码 Proposal receipt {code}",
                "body": (
                    f"您向{government.name}人民政府提出的建议《{clean.title}》已收到，"
                    f"回执码：{code}。\n"
                    f"Your proposal \u201c{clean.title}\u201d to the {government.name_en} "
                    f"People's Government was received. Receipt code: {code}.\n"
                    "可凭回执码在 /proposals/status 查询办理情况。"
                    " Look up its status at /proposals/status.\n"
                ),
            },
            now=now,
        )
    return proposal


def lookup_proposal(receipt_code: str | None) -> Proposal | None:
    """The one proposal with this receipt code, or None."""
    code = normalise_receipt_code(receipt_code)
    if not code:
        return None
    return db.session.scalar(sa.select(Proposal).where(Proposal.receipt_code == code))


def public_name(proposal: Proposal) -> str:
    """The proposer's name where it may be shown publicly (consent given), else ''."""
    if proposal.publish_name_consent and proposal.proposer_name:
        return proposal.proposer_name
    return ""


def proposals_of_decision(decision: Decision) -> list[Proposal]:
    """The answered proposals that led to this decision item (for its public dossier)."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                Proposal.decision_id == decision.id,
                Proposal.status == ProposalStatus.ANSWERED,
            )
            .order_by(Proposal.submitted_at)
        )
    )


# -- who may see and do what ---------------------------------------------------------------------


def _visible_condition(user):
    """Office staff see their government's proposals; a unit sees those routed to it."""
    perms = permissions_of(user)
    conditions = []
    if Permission.PROPOSAL_MANAGE in perms:
        conditions.append(Proposal.government_id == user.government_id)
    if Permission.PROPOSAL_STUDY in perms:
        conditions.append(
            sa.and_(
                Proposal.government_id == user.government_id,
                Proposal.studying_unit_id == user.department_id,
            )
        )
    return sa.or_(*conditions) if conditions else sa.false()


def can_view(user, proposal: Proposal) -> bool:
    return can_manage(user, proposal) or can_study(user, proposal)


def can_manage(user, proposal: Proposal) -> bool:
    return (
        Permission.PROPOSAL_MANAGE in permissions_of(user)
        and proposal.government_id == user.government_id
    )


def can_study(user, proposal: Proposal) -> bool:
    return (
        Permission.PROPOSAL_STUDY in permissions_of(user)
        and proposal.government_id == user.government_id
        and proposal.studying_unit_id is not None
        and proposal.studying_unit_id == user.department_id
    )


def is_overdue(proposal: Proposal, now: datetime) -> bool:
    return proposal.status is not ProposalStatus.ANSWERED and proposal.reply_due_at < now


def register(
    user,
    *,
    now: datetime,
    status: ProposalStatus | None = None,
    government_id: int | None = None,
    overdue: bool = False,
    kind: ProposalKind | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Proposal], int]:
    """One page of the proposals ``user`` may see, oldest reply deadline first."""
    query = sa.select(Proposal).where(_visible_condition(user))
    if status is not None:
        query = query.where(Proposal.status == status)
    if government_id is not None:
        query = query.where(Proposal.government_id == government_id)
    if kind is not None:
        query = query.where(Proposal.kind == kind)
    if overdue:
        query = query.where(Proposal.status.in_(OPEN_STATUSES), Proposal.reply_due_at < now)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.order_by(
            sa.case((Proposal.status == ProposalStatus.ANSWERED, 1), else_=0),
            Proposal.reply_due_at,
            Proposal.id,
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), total


def export_register(
    user,
    *,
    fmt: str,
    limit: int,
    actor,
    now: datetime,
    ip: str = "",
    **filters,
) -> list[Proposal]:
    """The proposals of an export of the register (at most ``limit``), the export audited
    (which format, how many rows; never the contents). Flushes; the caller commits."""
    items, _total = register(user, now=now, page=1, per_page=limit, **filters)
    audit.record(
        "proposal.export",
        actor=actor,
        now=now,
        object_type="proposals",
        government_id=user.government_id,
        details={"format": fmt, "rows": len(items)},
        ip=ip,
    )
    return items


def register_counts(user, *, now: datetime) -> dict[str, int]:
    """How many visible proposals are in each status, and how many are overdue."""
    visible = _visible_condition(user)
    counts = {s.value: 0 for s in ProposalStatus}
    for status, n in db.session.execute(
        sa.select(Proposal.status, sa.func.count()).where(visible).group_by(Proposal.status)
    ):
        counts[ProposalStatus(status).value] = n
    counts["overdue"] = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Proposal)
            .where(visible, Proposal.status.in_(OPEN_STATUSES), Proposal.reply_due_at < now)
        )
        or 0
    )
    return counts


def units_of(government_id: int) -> list[Department]:
    """The departments a proposal of this government can be routed to."""
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.government_id == government_id)
            .order_by(Department.sort_order, Department.id)
        )
    )


def decisions_to_link(proposal: Proposal, limit: int = 200) -> list[Decision]:
    """Decision items of the proposal's government, newest first (to record the one it led to)."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.government_id == proposal.government_id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
            .limit(limit)
        )
    )


# -- handling (every action audited) -------------------------------------------------------------


def _change(
    proposal: Proposal,
    changes: dict,
    *,
    action: str,
    actor,
    now: datetime,
    ip: str = "",
    details: dict | None = None,
) -> None:
    before: dict = {}
    after: dict = {}
    for name, value in changes.items():
        old = getattr(proposal, name)
        if _plain(old) != _plain(value):
            before[name] = _plain(old)
            after[name] = _plain(value)
            setattr(proposal, name, value)
    db.session.flush()
    audit.record(
        action,
        actor=actor,
        now=now,
        obj=proposal,
        before=before,
        after=after,
        details=details,
        ip=ip,
    )


def _not_answered(proposal: Proposal) -> None:
    if proposal.status is ProposalStatus.ANSWERED:
        raise RuleViolation("", N_("This proposal has already been answered."), field="status")


def _text(value: str | None, field: str, low: int, high: int) -> str:
    """Staff-written text: invisibles removed, but no NFKC, which would turn the full-width
    Chinese punctuation of an official reply (，：；（）) into ASCII."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text).strip()
    problems: list[RuleViolation] = []
    _length(text, field, low, high, problems)
    if problems:
        raise problems[0]
    return text


def route_proposal(
    proposal: Proposal, unit: Department | None, note: str, *, actor, now: datetime, ip: str = ""
) -> Proposal:
    """Hand the proposal to the unit that studies it (PROC-11b(4)); re-routing starts over."""
    _not_answered(proposal)
    if unit is None or unit.government_id != proposal.government_id:
        raise RuleViolation(
            "PROC-11b",
            N_("Choose a department of the government the proposal is addressed to."),
            field="unit",
        )
    note = _text(note, "note", 0, NOTE_MAX)
    _change(
        proposal,
        {
            "status": ProposalStatus.ROUTED,
            "studying_unit_id": unit.id,
            "routing_note": note,
            "routed_at": now,
            "routed_by_id": actor.id,
            "study_started_at": None,
            "study_conclusion": "",
            "studied_at": None,
            "studied_by_id": None,
        },
        action="proposal.route",
        actor=actor,
        now=now,
        ip=ip,
    )
    return proposal


def start_study(proposal: Proposal, *, actor, now: datetime, ip: str = "") -> Proposal:
    """The studying unit takes the proposal up (status: under study)."""
    if proposal.status is not ProposalStatus.ROUTED:
        raise RuleViolation("PROC-11b", N_("Route the proposal to a unit first."), field="status")
    _change(
        proposal,
        {"status": ProposalStatus.UNDER_STUDY, "study_started_at": now},
        action="proposal.study_start",
        actor=actor,
        now=now,
        ip=ip,
    )
    return proposal


def record_conclusion(
    proposal: Proposal, conclusion: str, *, actor, now: datetime, ip: str = ""
) -> Proposal:
    """Record (or correct) the studying unit's conclusion (研究论证, PROC-11d)."""
    _not_answered(proposal)
    if proposal.studying_unit_id is None:
        raise RuleViolation(
            "PROC-11b", N_("Route the proposal to a unit first."), field="conclusion"
        )
    text = _text(conclusion, "conclusion", CONCLUSION_MIN, CONCLUSION_MAX)
    _change(
        proposal,
        {
            "status": ProposalStatus.UNDER_STUDY,
            "study_started_at": proposal.study_started_at or now,
            "study_conclusion": text,
            "studied_at": now,
            "studied_by_id": actor.id,
        },
        action="proposal.conclude",
        actor=actor,
        now=now,
        ip=ip,
    )
    return proposal


def _check_decision(proposal: Proposal, decision: Decision | None) -> None:
    if decision is not None and decision.government_id != proposal.government_id:
        # another government's decision item: an input error, no article names it
        raise RuleViolation(
            "",
            N_("Choose a decision item of the government the proposal is addressed to."),
            field="decision_id",
        )


def answer_proposal(
    proposal: Proposal,
    outcome: ProposalOutcome | str,
    reply: str,
    *,
    catalog_year: int | None = None,
    decision: Decision | None = None,
    actor,
    now: datetime,
    ip: str = "",
) -> Proposal:
    """The decision organ's answer after the study (PROC-11c); the reply is mailed.

    PROC-11c: the decision to initiate (or not) comes after the study, so a proposal without
    a recorded study conclusion cannot be answered.
    """
    _not_answered(proposal)
    try:
        outcome = ProposalOutcome(outcome)
    except ValueError:
        raise RuleViolation(
            "", N_("Choose the outcome of the proposal."), field="outcome"
        ) from None
    if not proposal.study_conclusion:
        raise RuleViolation(
            "PROC-11c",
            N_("Record the study conclusion before answering the proposal."),
            field="outcome",
        )
    text = _text(reply, "reply", REPLY_MIN, REPLY_MAX)
    year = proposal.catalog_year
    if outcome is ProposalOutcome.INCLUDED_IN_CATALOG:
        year = catalog_year or proposal.catalog_year
        if year is None or not CATALOG_YEARS[0] <= year <= CATALOG_YEARS[1]:
            raise RuleViolation("CAT-7b", N_("Give the year of the catalog."), field="catalog_year")
    if decision is not None and outcome is not ProposalOutcome.ADOPTED_AS_ITEM:
        decision = None
    _check_decision(proposal, decision)
    _change(
        proposal,
        {
            "status": ProposalStatus.ANSWERED,
            "outcome": outcome,
            "reply": text,
            "catalog_year": year,
            "decision_id": decision.id if decision is not None else proposal.decision_id,
            "answered_at": now,
            "answered_by_id": actor.id,
        },
        action="proposal.answer",
        actor=actor,
        now=now,
        ip=ip,
    )
    if proposal.contact_email:
        zh, en = MAIL_OUTCOME[outcome]
        outbox.enqueue(
            "mail.send",
            {
                "to": proposal.contact_email,
                "subject": f"建议办理答复 Reply to your proposal {proposal.receipt_code}",
                "body": (
                    f"您提出的建议《{proposal.title}》（回执码 {proposal.receipt_code}）"
                    f"办理结果：{zh}。\n答复：\n{text}\n\n"
                    f"Your proposal \u201c{proposal.title}\u201d (receipt code "
                    f"{proposal.receipt_code}): {en}. The reply (in Chinese) is above.\n"
                    "可在 /proposals/status 查询。 Look it up at /proposals/status.\n"
                ),
            },
            now=now,
        )
    return proposal


def link_decision(
    proposal: Proposal, decision: Decision | None, *, actor, now: datetime, ip: str = ""
) -> Proposal:
    """Record the decision item the proposal led to (PROC-11c: initiated)."""
    if (
        proposal.status is not ProposalStatus.ANSWERED
        or proposal.outcome is not ProposalOutcome.ADOPTED_AS_ITEM
    ):
        raise RuleViolation(
            "PROC-11c",
            N_("Only a proposal answered as adopted as a decision item can be linked to one."),
            field="decision_id",
        )
    if decision is None:
        raise RuleViolation("", N_("Choose a decision item."), field="decision_id")
    _check_decision(proposal, decision)
    _change(
        proposal,
        {"decision_id": decision.id},
        action="proposal.link_decision",
        actor=actor,
        now=now,
        ip=ip,
    )
    return proposal


def reveal_contact(proposal: Proposal, *, actor, now: datetime, ip: str = "") -> Proposal:
    """Audit that a member of staff looked at the proposer's full contact details."""
    audit.record("proposal.contact_view", actor=actor, now=now, obj=proposal, details=None, ip=ip)
    return proposal


# -- retention (security.md: Privacy) -----------------------------------------------------------


def purge_contacts(*, now: datetime, days: int, actor="system", dry_run: bool = False) -> int:
    """Delete the contact details of proposals answered more than ``days`` days ago.

    The text stays, under the pseudonym ``P000123``: the proposer's name goes too, except a
    legal person's (a company or institution name is not personal information), and with it
    the consent to publish it; the IP hash and the duplicate hash (which is derived from the
    contact) are cleared. Each proposal purged is audited. Returns how many were (or, with
    ``dry_run``, would be) purged.
    """
    cutoff = now - timedelta(days=days)
    targets = db.session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.status == ProposalStatus.ANSWERED,
            Proposal.answered_at < cutoff,
            Proposal.contacts_purged_at.is_(None),
        )
        .order_by(Proposal.id)
    ).all()
    if dry_run:
        return len(targets)
    for proposal in targets:
        keep_name = proposal.proposer_type is ProposerType.LEGAL_PERSON
        proposal.contact_email = ""
        proposal.contact_phone = ""
        proposal.ip_hash = ""
        proposal.content_hash = ""
        if not keep_name:
            proposal.proposer_name = ""
            proposal.publish_name_consent = False
        proposal.contacts_purged_at = now
        db.session.flush()
        audit.record(
            "proposal.contacts_purge",
            actor=actor,
            now=now,
            obj=proposal,
            details={"retention_days": days, "name_kept": keep_name},
        )
    return len(targets)
