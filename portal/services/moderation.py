"""Moderating and answering citizens' opinions (PROC-20a, PART-15, A39).

A moderator approves an opinion (it is published with phone and ID numbers masked) or withholds
it with a published reason code. Undertaking staff answer published or withheld opinions with an
adoption value and a response. Identical and near-identical opinions (campaigns) share a
``group_key`` within a decision so they can be handled together. Every change is audited;
functions flush and never commit.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal import labels
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import N_, RuleViolation
from portal.rules.privacy import mask_personal_data, normalise
from portal.services import notifications, outbox
from portal.services.records import update_record

# The published reason codes of withheld opinions (labels live with the others).
WITHHOLD_REASON_LABELS = labels.WITHHOLD_REASON
NEAR_IDENTICAL = 0.9  # character-shingle Jaccard similarity for a campaign
SHINGLE = 3
RESPONSE_MAX = 5000

# -- grouping (pure helpers) ---------------------------------------------------------------------


def normalised_text(text: str) -> str:
    """NFKC, lower case, letters and digits only: punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in text if c.isalnum())


def text_hash(text: str) -> str:
    return hashlib.sha256(normalised_text(text).encode()).hexdigest()


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    norm = normalised_text(text)
    if len(norm) <= size:
        return frozenset({norm})
    return frozenset(norm[i : i + size] for i in range(len(norm) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


RECENT_FOR_NEAR = 200  # near-identical texts are looked for among this many latest opinions


def assign_group(opinion: Opinion) -> str:
    """Give a new opinion its text hash and campaign group key (on submission, never when the
    queue is viewed: no write on GET).

    Same normalised text as an earlier opinion of the decision -> its key (an indexed lookup on
    ``(decision_id, text_hash)``); otherwise the key of a near-identical text (Jaccard >= 0.9)
    among the decision's latest opinions (campaigns arrive together; comparing with every
    earlier opinion would make each submission slower as a consultation grows); otherwise a new
    key, the text's own hash. Two identical texts submitted at the same moment both get that
    hash, so they always end up in one group.
    """
    h = text_hash(opinion.body)
    opinion.text_hash = h
    key = db.session.scalar(
        sa.select(Opinion.group_key)
        .where(
            Opinion.decision_id == opinion.decision_id,
            Opinion.text_hash == h,
            Opinion.group_key != "",
        )
        .order_by(Opinion.id)
        .limit(1)
    )
    if key is None:
        mine = shingles(opinion.body)
        recent = db.session.execute(
            sa.select(Opinion.group_key, Opinion.body)
            .where(Opinion.decision_id == opinion.decision_id, Opinion.group_key != "")
            .order_by(Opinion.id.desc())
            .limit(RECENT_FOR_NEAR)
        ).all()
        seen: set[str] = set()
        size = len(opinion.body)
        for group_key, body in recent:
            if group_key in seen:
                continue
            # a cheap bound first (raw lengths, with a margin for punctuation and spacing):
            # texts of very different length are never near-identical
            if not 0.8 * size <= len(body) <= size / 0.8:
                continue
            seen.add(group_key)
            theirs = shingles(body)
            # Jaccard >= t needs |small| >= t * |large|: skip hopeless pairs cheaply.
            small, large = sorted((len(mine), len(theirs)))
            if small >= NEAR_IDENTICAL * large and jaccard(mine, theirs) >= NEAR_IDENTICAL:
                key = group_key
                break
    opinion.group_key = key or h
    return opinion.group_key


@dataclass(frozen=True)
class Group:
    key: str
    count: int
    received: int
    first: Opinion


def groups(decision: Decision) -> list[Group]:
    """Groups of more than one opinion (campaigns), largest first, counted in SQL."""
    rows = db.session.execute(
        sa.select(
            Opinion.group_key,
            sa.func.count(Opinion.id),
            sa.func.sum(sa.case((Opinion.status == OpinionStatus.RECEIVED, 1), else_=0)),
            sa.func.min(Opinion.id),
        )
        .where(Opinion.decision_id == decision.id, Opinion.group_key != "")
        .group_by(Opinion.group_key)
        .having(sa.func.count(Opinion.id) > 1)
        .order_by(sa.func.count(Opinion.id).desc(), sa.func.min(Opinion.id))
    ).all()
    return [
        Group(key, int(count), int(received or 0), db.session.get(Opinion, first_id))
        for key, count, received, first_id in rows
    ]


def group_counts(decision: Decision) -> dict[str, int]:
    return {g.key: g.count for g in groups(decision)}


# -- queries ---------------------------------------------------------------------------------------


# The queue's views besides the moderation statuses (issue 12): opinions that still need an
# answer (moderated, no released answer, no draft) and the draft answers awaiting release.
UNANSWERED, DRAFTS, ALL = "unanswered", "drafts", "all"


def _queue_query(decision: Decision, status, group_key: str | None):
    query = sa.select(Opinion).where(Opinion.decision_id == decision.id)
    if status == UNANSWERED:
        query = query.where(
            Opinion.status.in_((OpinionStatus.PUBLISHED, OpinionStatus.WITHHELD)),
            Opinion.adoption == AdoptionStatus.PENDING,
            Opinion.drafted_at.is_(None),
        )
    elif status == DRAFTS:
        query = query.where(Opinion.drafted_at.is_not(None))
    elif status is not None and status != ALL:
        query = query.where(Opinion.status == status)
    if group_key:
        query = query.where(Opinion.group_key == group_key)
    return query


def queue(decision: Decision, status=None, group_key: str | None = None):
    query = _queue_query(decision, status, group_key)
    return db.session.scalars(query.order_by(Opinion.submitted_at, Opinion.id)).all()


def queue_page(
    decision: Decision,
    status,
    group_key: str | None,
    page: int,
    per_page: int,
) -> tuple[list[Opinion], int]:
    """One page of the queue, oldest first, and the number of matching opinions. ``status`` is
    an ``OpinionStatus``, ``UNANSWERED``, ``DRAFTS`` or None / ``ALL``."""
    query = _queue_query(decision, status, group_key)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.order_by(Opinion.submitted_at, Opinion.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), int(total)


def answer_counts(decision: Decision) -> dict[str, int]:
    """How many opinions still need an answer and how many draft answers await release."""
    unanswered = db.session.scalar(
        sa.select(sa.func.count()).select_from(_queue_query(decision, UNANSWERED, None).subquery())
    )
    return {UNANSWERED: int(unanswered or 0), DRAFTS: draft_count(decision)}


def status_counts(decision: Decision) -> dict[OpinionStatus, int]:
    rows = db.session.execute(
        sa.select(Opinion.status, sa.func.count(Opinion.id))
        .where(Opinion.decision_id == decision.id)
        .group_by(Opinion.status)
    ).all()
    counts = dict.fromkeys(OpinionStatus, 0)
    counts.update({OpinionStatus(s): int(n) for s, n in rows})
    return counts


def opinions_of(decision: Decision, ids: Iterable[int]) -> list[Opinion]:
    """The opinions with these ids that belong to ``decision`` (others are ignored)."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    return db.session.scalars(
        sa.select(Opinion)
        .where(Opinion.decision_id == decision.id, Opinion.id.in_(wanted))
        .order_by(Opinion.id)
    ).all()


# -- moderation ------------------------------------------------------------------------------------


def approve_opinion(opinion: Opinion, *, actor, now: datetime, ip: str = "") -> Opinion:
    """Publish the opinion: the published text has phone and ID numbers masked (A39)."""
    newly = opinion.status is not OpinionStatus.PUBLISHED
    update_record(
        opinion,
        {
            "status": OpinionStatus.PUBLISHED,
            "published_body": mask_personal_data(opinion.body),
            "withheld_reason": None,
            "moderated_at": now,
            "moderated_by_id": actor.id,
        },
        decision=opinion.decision,
        actor=actor,
        now=now,
        action="opinion.approve",
        ip=ip,
    )
    outbox.enqueue("search.opinion", {"id": opinion.id}, now=now)  # search index (issue 6)
    if newly:
        notifications.opinion_published(opinion, now=now)  # issue 12: tell the submitter
    return opinion


def withhold_opinion(
    opinion: Opinion, reason: WithholdReason | str, *, actor, now: datetime, ip: str = ""
) -> Opinion:
    """Do not publish the opinion; the reason code is counted publicly."""
    try:
        reason = WithholdReason(reason)
    except ValueError:
        raise RuleViolation(
            "", N_("Choose why the opinion is not published."), field="reason"
        ) from None
    newly = opinion.status is not OpinionStatus.WITHHELD or opinion.withheld_reason != reason
    update_record(
        opinion,
        {
            "status": OpinionStatus.WITHHELD,
            "withheld_reason": reason,
            "published_body": "",
            "moderated_at": now,
            "moderated_by_id": actor.id,
        },
        decision=opinion.decision,
        actor=actor,
        now=now,
        action="opinion.withhold",
        ip=ip,
    )
    outbox.enqueue("search.opinion", {"id": opinion.id}, now=now)  # search index (issue 6)
    if newly:
        notifications.opinion_withheld(opinion, now=now)  # issue 12: with the reason in words
    return opinion


def moderation_actions(opinion: Opinion) -> tuple[str, ...]:
    """What a moderator can still do with the opinion: an opinion awaiting moderation is
    published or withheld; a published one can still be withheld (personal data found later,
    A39); a withheld one can be published after all. Nothing else is meaningful."""
    if opinion.status is OpinionStatus.PUBLISHED:
        return ("withhold",)
    if opinion.status is OpinionStatus.WITHHELD:
        return ("approve",)
    return ("approve", "withhold")


def moderate_opinions(
    opinions: Iterable[Opinion],
    action: str,
    *,
    reason: str | None = None,
    actor,
    now: datetime,
    ip: str = "",
) -> int:
    """Approve or withhold several opinions at once (a selection or a whole group); nothing
    changes when the selection is empty, the action unknown or the reason missing."""
    opinions = list(opinions)
    if not opinions:
        raise RuleViolation("", N_("Select at least one opinion."), field="ids")
    if action not in ("approve", "withhold"):
        raise RuleViolation("", N_("Choose an action."), field="action")
    if action == "withhold" and reason not in {r.value for r in WithholdReason}:
        raise RuleViolation("", N_("Choose why the opinion is not published."), field="reason")
    count = 0
    for opinion in opinions:
        if action not in moderation_actions(opinion) and not (
            action == "withhold" and opinion.withheld_reason != reason
        ):
            continue  # already in that state: nothing to do (a bulk selection may mix them)
        if action == "approve":
            approve_opinion(opinion, actor=actor, now=now, ip=ip)
        elif action == "withhold":
            withhold_opinion(opinion, reason or "", actor=actor, now=now, ip=ip)
        else:
            raise RuleViolation("", N_("Choose an action."), field="action")
        count += 1
    return count


# -- answers (PROC-20a, PART-15) -------------------------------------------------------------------


THEME_MAX = 60


def _answer_fields(adoption: AdoptionStatus | str, response: str, theme: str | None) -> dict:
    """Validated answer fields (PROC-20a, PART-15b); raises RuleViolation on bad input."""
    try:
        adoption = AdoptionStatus(adoption)
    except ValueError:
        adoption = AdoptionStatus.PENDING
    if adoption is AdoptionStatus.PENDING:
        raise RuleViolation(
            "PROC-20a", N_("Choose whether the opinion is adopted."), field="adoption"
        )
    response = normalise(response or "").strip()
    if len(response) > RESPONSE_MAX:
        raise RuleViolation(
            "", N_("Write at most %(n)d characters."), field="response", n=RESPONSE_MAX
        )
    if adoption is not AdoptionStatus.ADOPTED and not response:
        # PROC-20a / PART-15b: an opinion not (fully) adopted is answered with the reason.
        raise RuleViolation(
            "PROC-20a",
            N_("Give the reason when an opinion is not adopted or only partly adopted."),
            field="response",
        )
    fields: dict = {"adoption": adoption, "response": response}
    if theme is not None:
        theme = " ".join(normalise(theme).split())
        if len(theme) > THEME_MAX:
            raise RuleViolation(
                "", N_("Write at most %(n)d characters."), field="theme", n=THEME_MAX
            )
        fields["theme"] = theme
    return fields


def _check_answerable(opinion: Opinion) -> None:
    if opinion.status not in (OpinionStatus.PUBLISHED, OpinionStatus.WITHHELD):
        # the portal's own order (moderation, then the answer): no article names it; PROC-20a
        # governs the answer itself (adoption status and reason)
        raise RuleViolation("", N_("Moderate the opinion before answering it."), field="adoption")


# -- who answers (issue 12) --


def answer_scope_violation(actor, decision: Decision) -> RuleViolation | None:
    """Why ``actor`` may not answer the opinions of ``decision`` (None: they may).

    PART-15b: the undertaking unit publishes the opinions and how they were adopted, so
    undertaking staff answer only on decisions their own unit undertakes: the main undertaking
    unit, a co-undertaking unit or the lead unit (PROC-12a). The government office, which guides
    public participation (PART-3a), may answer on any decision of its own government. Nobody
    answers on another government's decision. A non-staff actor (the demo loader, a command) is
    not restricted.
    """
    from portal.permissions import Role

    roles = getattr(actor, "roles", None)
    if roles is None:
        return None
    if getattr(actor, "government_id", None) != decision.government_id:
        return RuleViolation(
            "PART-15b",
            N_("Only the undertaking unit of this decision answers its opinions."),
            field="ids",
        )
    if Role.GOVERNMENT_OFFICE in roles:
        return None
    units = {u.id for u in decision.undertaking_units}
    if decision.lead_unit_id is not None:
        units.add(decision.lead_unit_id)
    if Role.UNDERTAKING_STAFF in roles and getattr(actor, "department_id", None) in units:
        return None
    return RuleViolation(
        "PART-15b",
        N_(
            "Only the undertaking unit of this decision answers its opinions: your unit does "
            "not undertake it."
        ),
        field="ids",
    )


def may_answer(actor, decision: Decision) -> bool:
    """Whether ``actor`` answers the opinions of ``decision`` (the inbox and the queue use it)."""
    return answer_scope_violation(actor, decision) is None


def check_answer_scope(actor, decisions: Iterable[Decision]) -> None:
    """Refuse (nothing changes) unless ``actor`` may answer on every one of ``decisions``."""
    seen: set[int] = set()
    for decision in decisions:
        if decision.id in seen:
            continue
        seen.add(decision.id)
        violation = answer_scope_violation(actor, decision)
        if violation is not None:
            raise violation


# -- answers: drafted, previewed, released together (issue 12) --


def answer_opinion(
    opinion: Opinion,
    adoption: AdoptionStatus | str,
    response: str,
    *,
    theme: str | None = None,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> Opinion:
    """Draft the answer of one opinion (PROC-20a); it is public once released."""
    answer_opinions(
        [opinion],
        adoption,
        response,
        theme=theme,
        actor=actor,
        now=now,
        ip=ip,
        correction=correction,
    )
    return opinion


def answer_opinions(
    opinions: Iterable[Opinion],
    adoption: AdoptionStatus | str,
    response: str,
    *,
    theme: str | None = None,
    actor,
    now: datetime,
    ip: str = "",
    correction: str | None = None,
) -> int:
    """Draft the same answer for several opinions (one, a selection, a campaign group, a
    template applied in bulk). A draft is never public: ``release_answers`` publishes it.

    Everything is checked before anything changes: one opinion still awaiting moderation, or
    on a decision the actor's unit does not undertake (PART-15b), refuses the whole batch, so a
    batch is never half drafted. Once the adoption report is published (PART-15b) the answers
    of the published opinions are locked: changing one is a correction (``correction=<reason>``,
    by the undertaking unit, PROC-20a), checked now and applied when the draft is released.
    """
    from portal.services.records import _check_lock

    opinions = list(opinions)
    if not opinions:
        raise RuleViolation("", N_("Select at least one opinion."), field="ids")
    check_answer_scope(actor, (op.decision for op in opinions))
    fields = _answer_fields(adoption, response, theme)
    for opinion in opinions:
        _check_answerable(opinion)
    for opinion in opinions:
        changed = [name for name, value in fields.items() if getattr(opinion, name) != value]
        if changed:  # the release will need the correction reason: say so now
            _check_lock(opinion, changed, opinion.decision, actor, correction or None)
    for opinion in opinions:
        update_record(
            opinion,
            {
                "draft_adoption": fields["adoption"],
                "draft_response": fields["response"],
                "draft_theme": fields.get("theme"),
                "draft_correction": correction or None,
                "drafted_at": now,
                "drafted_by_id": getattr(actor, "id", None),
            },
            decision=opinion.decision,
            actor=actor,
            now=now,
            action="opinion.answer_draft",
            ip=ip,
        )
    return len(opinions)


def drafts(decision: Decision, ids: Iterable[int] | None = None) -> list[Opinion]:
    """The opinions of ``decision`` with a draft answer (only ``ids`` when given), oldest first."""
    query = sa.select(Opinion).where(
        Opinion.decision_id == decision.id, Opinion.drafted_at.is_not(None)
    )
    if ids is not None:
        wanted = {int(i) for i in ids}
        if not wanted:
            return []
        query = query.where(Opinion.id.in_(wanted))
    return list(db.session.scalars(query.order_by(Opinion.submitted_at, Opinion.id)).all())


def draft_count(decision: Decision) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Opinion.id)).where(
                Opinion.decision_id == decision.id, Opinion.drafted_at.is_not(None)
            )
        )
        or 0
    )


_DRAFT_CLEARED = {
    "draft_adoption": None,
    "draft_response": None,
    "draft_theme": None,
    "draft_correction": None,
    "drafted_at": None,
    "drafted_by_id": None,
}


def _selected_drafts(decision: Decision, ids: Iterable[int] | None) -> list[Opinion]:
    selected = drafts(decision, ids)
    if not selected:
        raise RuleViolation("", N_("Select at least one draft answer."), field="ids")
    return selected


def release_answers(
    decision: Decision,
    ids: Iterable[int] | None = None,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> int:
    """Release the draft answers of ``decision`` together (the ``ids`` chosen, or all of them):
    the moment they become public (opinions page, API, the citizen's status page, the report,
    feeds and search) and are timestamped (``answered_at``). Ids of other decisions' opinions
    are ignored. Refused, with nothing changed, when there is no draft to release or the actor
    may not answer on this decision (PART-15b)."""
    check_answer_scope(actor, [decision])
    selected = _selected_drafts(decision, ids)
    from portal.services import locks

    for opinion in selected:
        # a locked answer (report published) was drafted with the correction reason
        fields: dict = {
            "adoption": opinion.draft_adoption,
            "response": opinion.draft_response or "",
        }
        if opinion.draft_theme is not None:
            fields["theme"] = opinion.draft_theme
        correction = opinion.draft_correction or None
        locked = locks.lock_of(opinion, list(fields), decision) is not None
        if not (locked and opinion.answered_at):
            # the original answer's time and author stay on a correction
            fields |= {
                "answered_at": now,
                "answered_by_id": opinion.drafted_by_id or getattr(actor, "id", None),
                "released_by_id": getattr(actor, "id", None),
            }
        update_record(
            opinion,
            fields,
            decision=decision,
            actor=actor,
            now=now,
            action="opinion.answer",
            ip=ip,
            correction=correction if locked else None,
        )
        update_record(
            opinion,
            dict(_DRAFT_CLEARED),
            decision=decision,
            actor=actor,
            now=now,
            action="opinion.answer_release",
            ip=ip,
        )
        outbox.enqueue("search.opinion", {"id": opinion.id}, now=now)  # search index (issue 6)
        notifications.opinion_answered(opinion, now=now)  # issue 12: e-mail on release
    return len(selected)


def discard_drafts(
    decision: Decision,
    ids: Iterable[int] | None = None,
    *,
    actor,
    now: datetime,
    ip: str = "",
) -> int:
    """Throw away draft answers (the public answer, if any, stays as it was)."""
    check_answer_scope(actor, [decision])
    selected = _selected_drafts(decision, ids)
    for opinion in selected:
        update_record(
            opinion,
            dict(_DRAFT_CLEARED),
            decision=decision,
            actor=actor,
            now=now,
            action="opinion.answer_discard",
            ip=ip,
        )
    return len(selected)


@dataclass(frozen=True)
class AnswerPreview:
    """An opinion as the public will see it once its draft answer is released (the preview)."""

    opinion: Opinion
    adoption: AdoptionStatus
    response: str
    theme: str
    answered_at: datetime

    def __getattr__(self, name: str):  # everything else as the opinion has it
        if name == "opinion":
            raise AttributeError(name)
        return getattr(self.opinion, name)


def preview(opinion: Opinion, now: datetime) -> AnswerPreview:
    return AnswerPreview(
        opinion,
        AdoptionStatus(opinion.draft_adoption or opinion.adoption),
        opinion.draft_response if opinion.draft_response is not None else opinion.response,
        opinion.draft_theme if opinion.draft_theme is not None else opinion.theme,
        now,
    )


# -- the public side -------------------------------------------------------------------------------


def theme_expression():
    """The heading an opinion is reported under: the theme staff gave it, else its clause."""
    return sa.case(
        (Opinion.theme != "", Opinion.theme),
        (Opinion.clause != "", Opinion.clause),
        else_="",
    )


def published_page(
    decision: Decision,
    *,
    page: int,
    per_page: int,
    theme: str | None = None,
    adoption: AdoptionStatus | None = None,
) -> tuple[list[Opinion], int]:
    """One page of the published opinions, optionally of one theme (or clause; '' = the draft
    as a whole) or one adoption value, and how many match."""
    base = sa.select(Opinion).where(
        Opinion.decision_id == decision.id, Opinion.status == OpinionStatus.PUBLISHED
    )
    if theme is not None:
        base = base.where(theme_expression() == theme)
    if adoption is not None:
        base = base.where(Opinion.adoption == adoption)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    items = db.session.scalars(
        base.order_by(Opinion.submitted_at, Opinion.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), int(total)


def adoption_counts(decision: Decision) -> dict[AdoptionStatus, int]:
    rows = db.session.execute(
        sa.select(Opinion.adoption, sa.func.count(Opinion.id))
        .where(Opinion.decision_id == decision.id, Opinion.status == OpinionStatus.PUBLISHED)
        .group_by(Opinion.adoption)
    ).all()
    counts = dict.fromkeys(AdoptionStatus, 0)
    counts.update({AdoptionStatus(a): int(n) for a, n in rows})
    return counts


def withheld_counts(decision: Decision) -> dict[WithholdReason, int]:
    rows = db.session.execute(
        sa.select(Opinion.withheld_reason, sa.func.count(Opinion.id))
        .where(Opinion.decision_id == decision.id, Opinion.status == OpinionStatus.WITHHELD)
        .group_by(Opinion.withheld_reason)
    ).all()
    counts = dict.fromkeys(WithholdReason, 0)
    for reason, n in rows:
        counts[WithholdReason(reason or WithholdReason.OTHER)] += int(n)
    return counts


def public_name(opinion: Opinion) -> str:
    """The display name only with consent (A39); otherwise ''."""
    return opinion.display_name if opinion.publish_name_consent and opinion.display_name else ""
