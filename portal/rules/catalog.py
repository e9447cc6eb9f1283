"""The annual catalog workflow as pure rules (PROC-4, CAT; rules.md 1.3).

The catalog of one government and year moves through phases C0..C7: solicitation with the
departments' submissions (CAT-7, CAT-8), the office's review and drafting (CAT-10, CAT-11),
the deputy heads' review (CAT-12a), the executive meeting (CAT-13a), the party committee's
consent (CAT-13c, PROC-4b), publication (CAT-6c) and filing (CAT-6d). A published catalog is
adjusted during the year as versions (CAT-16a..c). Every refusal carries its rule ID. The
statutory order gates live in :mod:`portal.rules.gates` (``catalog_*``) and the fixed annual
dates in :mod:`portal.rules.deadlines`; this module adds the state machine around them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.rules import deadlines
from portal.rules.enums import CatalogAdjustmentType
from portal.rules.errors import N_, RuleViolation
from portal.rules.facts import present
from portal.rules.workdays import WorkCalendar, local_date


class CatalogPhase(StrEnum):
    """Where the annual catalog stands (rules.md 1.3, C0..C7)."""

    SOLICITATION = "solicitation"  # C0/C1: departments (and optionally the public) propose
    OFFICE_REVIEW = "office_review"  # C2: the office reviews and drafts (CAT-10a)
    EXECUTIVE_MEETING = "executive_meeting"  # C3 done: awaiting the executive meeting
    PARTY_CONSENT = "party_consent"  # C4 done: awaiting the party committee's consent
    READY = "ready"  # C5 done: may be issued and published
    PUBLISHED = "published"  # C6
    FILED = "filed"  # C7


class CatalogAction(StrEnum):
    SUBMIT = "submit"  # a department submission (CAT-8)
    CLOSE_SUBMISSIONS = "close_submissions"
    EDIT_ENTRIES = "edit_entries"
    DEPUTY_HEAD_REVIEW = "deputy_head_review"  # CAT-12a
    EXECUTIVE_MEETING = "executive_meeting"  # CAT-13a
    PARTY_CONSENT = "party_consent"  # CAT-13c / PROC-4b
    PUBLISH = "publish"  # CAT-6c
    FILE = "file"  # CAT-6d
    ADJUST = "adjust"  # CAT-16a


class EntryOrigin(StrEnum):
    """CAT-10b: how an item came onto the catalog."""

    DEPT_SUBMISSION = "dept_submission"
    OFFICE_DIRECT = "office_direct"  # CAT-10b
    EXECUTIVE_HEAD_PROPOSAL = "executive_head_proposal"  # CAT-13b
    NPC_CPPCC = "npc_cppcc"  # CAT-9a
    PUBLIC_SUGGESTION = "public_suggestion"  # CAT-7b (listed directly by the office)


class SubmissionStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # listed as an entry
    DECLINED = "declined"


class AdjustmentState(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # CAT-16a
    PUBLISHED = "published"  # CAT-16b
    FILED = "filed"  # CAT-16c


PRE_PUBLICATION = (
    CatalogPhase.SOLICITATION,
    CatalogPhase.OFFICE_REVIEW,
    CatalogPhase.EXECUTIVE_MEETING,
    CatalogPhase.PARTY_CONSENT,
    CatalogPhase.READY,
)
# The office drafts the entries until the executive meeting has determined the catalog; the
# deputy heads' proposed changes are studied in between (CAT-12a).
ENTRY_EDIT_PHASES = (
    CatalogPhase.SOLICITATION,
    CatalogPhase.OFFICE_REVIEW,
    CatalogPhase.EXECUTIVE_MEETING,
)
ORDER = tuple(CatalogPhase)
# CAT-12a: the deputy heads review the draft between the office's drafting and the executive
# meeting; EXECUTIVE_MEETING means every deputy head in charge has reviewed (a new item under
# another deputy head sends the catalog back to OFFICE_REVIEW until that one reviews too).
REVIEW_PHASES = (CatalogPhase.OFFICE_REVIEW, CatalogPhase.EXECUTIVE_MEETING)


def _v(rule: str, message: str, field: str | None = None, **params) -> RuleViolation:
    return RuleViolation(rule, message, field=field, **params)


def action_violations(phase: CatalogPhase, action: CatalogAction) -> list[RuleViolation]:
    """Whether ``action`` is possible in ``phase``; each refusal names the rule it protects."""
    phase = CatalogPhase(phase)
    if action is CatalogAction.SUBMIT and phase is not CatalogPhase.SOLICITATION:
        # CAT-8a: submissions follow the time limits of the solicitation form
        return [_v("CAT-8a", N_("The solicitation of this catalog is closed."), "phase")]
    if action is CatalogAction.CLOSE_SUBMISSIONS and phase is not CatalogPhase.SOLICITATION:
        return [_v("CAT-8a", N_("The solicitation of this catalog is closed."), "phase")]
    if action is CatalogAction.EDIT_ENTRIES and phase not in ENTRY_EDIT_PHASES:
        if phase in (CatalogPhase.PUBLISHED, CatalogPhase.FILED):
            # CAT-16a: a published catalog changes only by an approved adjustment
            return [
                _v(
                    "CAT-16a",
                    N_("The catalog is published: change it by an adjustment."),
                    "phase",
                )
            ]
        # CAT-13a: the executive meeting has determined the catalog
        return [
            _v(
                "CAT-13a",
                N_("The executive meeting has determined the catalog; its entries are fixed."),
                "phase",
            )
        ]
    if action is CatalogAction.DEPUTY_HEAD_REVIEW and phase not in REVIEW_PHASES:
        if phase is CatalogPhase.SOLICITATION:
            # CAT-10a / CAT-12a: the office drafts the catalog from the closed submissions first
            return [
                _v(
                    "CAT-12a",
                    N_(
                        "Close the solicitation and draft the catalog before the deputy heads' "
                        "review."
                    ),
                    "phase",
                )
            ]
        # CAT-13a: the deputy heads review before the executive meeting, not after it
        return [
            _v(
                "CAT-13a",
                N_("The executive meeting has determined the catalog; its review is closed."),
                "phase",
            )
        ]
    if action is CatalogAction.EXECUTIVE_MEETING and phase not in REVIEW_PHASES:
        if phase is CatalogPhase.SOLICITATION:
            # CAT-13a: the meeting deliberates the catalog after the deputy heads' review
            return [
                _v(
                    "CAT-13a",
                    N_("The deputy heads have not reviewed the draft catalog."),
                    "deputy_head_reviewed_on",
                )
            ]
        # CAT-13a: the executive meeting deliberates the catalog once
        return [_v("CAT-13a", N_("The executive meeting is already recorded."), "phase")]
    if action is CatalogAction.PARTY_CONSENT and phase is not CatalogPhase.PARTY_CONSENT:
        if ORDER.index(phase) < ORDER.index(CatalogPhase.PARTY_CONSENT):
            # CAT-13c: consent follows the executive meeting's determination
            return [
                _v(
                    "CAT-13c",
                    N_("The executive meeting has not deliberated the catalog."),
                    "executive_meeting_on",
                )
            ]
        # CAT-13c: the consent is recorded once
        return [_v("CAT-13c", N_("The party committee's consent is already recorded."), "phase")]
    if action is CatalogAction.PUBLISH and phase is not CatalogPhase.READY:
        if ORDER.index(phase) < ORDER.index(CatalogPhase.READY):
            # PROC-4b / CAT-13c: published only after the party committee consented
            return [
                _v(
                    "PROC-4b",
                    N_("The party committee has not consented to the catalog."),
                    "party_consent",
                )
            ]
        # CAT-6c: the catalog is published once
        return [_v("CAT-6c", N_("The catalog is already published."), "phase")]
    if action is CatalogAction.FILE and phase is not CatalogPhase.PUBLISHED:
        if phase is CatalogPhase.FILED:
            # CAT-6d: the catalog is filed once
            return [_v("CAT-6d", N_("The catalog is already filed."), "phase")]
        # CAT-6d: the published catalog is filed with the higher government
        return [_v("CAT-6d", N_("Only a published catalog can be filed."), "phase")]
    if action is CatalogAction.ADJUST and phase not in (CatalogPhase.PUBLISHED, CatalogPhase.FILED):
        # CAT-16a: adjustments change a published catalog
        return [_v("CAT-16a", N_("Only a published catalog can be adjusted."), "phase")]
    return []


NEXT_PHASE: dict[CatalogAction, CatalogPhase] = {
    CatalogAction.CLOSE_SUBMISSIONS: CatalogPhase.OFFICE_REVIEW,
    CatalogAction.DEPUTY_HEAD_REVIEW: CatalogPhase.EXECUTIVE_MEETING,
    CatalogAction.EXECUTIVE_MEETING: CatalogPhase.PARTY_CONSENT,
    CatalogAction.PARTY_CONSENT: CatalogPhase.READY,
    CatalogAction.PUBLISH: CatalogPhase.PUBLISHED,
    CatalogAction.FILE: CatalogPhase.FILED,
}


def recorded_date_violations(
    on: date | None, today: date, *, field: str, not_before: date | None = None, rule: str = ""
) -> list[RuleViolation]:
    """A recorded step date: given, not in the future, and not before the step it follows."""
    if on is None:
        return [_v("", N_("Enter the date."), field)]
    if on > today:
        return [_v("", N_("The date cannot be in the future."), field)]
    if not_before is not None and on < not_before:
        return [
            _v(
                rule,
                N_("The date %(on)s is before the step it follows (%(before)s)."),
                field,
                on=on.isoformat(),
                before=not_before.isoformat(),
            )
        ]
    return []


# -- C3: the deputy heads' reviews (CAT-12a) and the executive meeting (CAT-13a) --------------


def deputy_head_key(name: str) -> str:
    """A deputy head's name as people compare it (spacing and width ignored)."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def heads_in_charge(entry_heads: Iterable[str]) -> list[str]:
    """CAT-12a: the deputy heads in charge of the items concerned, once each, in order."""
    out: dict[str, str] = {}
    for name in entry_heads:
        key = deputy_head_key(name)
        if key and key not in out:
            out[key] = " ".join((name or "").split())
    return list(out.values())


def missing_reviews(heads: Iterable[str], reviewed: Iterable[str]) -> list[str]:
    """CAT-12a: the deputy heads in charge whose review is not recorded yet."""
    done = {deputy_head_key(r) for r in reviewed}
    return [h for h in heads if deputy_head_key(h) not in done]


@dataclass(frozen=True)
class DeputyReviewFacts:
    """One deputy head's review as the office records it (CAT-12a)."""

    deputy_head: str
    reviewed_on: date | None
    opinion: str
    items_changed: str = ""
    office_study: str = ""


def deputy_review_violations(
    phase: CatalogPhase,
    review: DeputyReviewFacts,
    *,
    heads: Sequence[str],
    already_reviewed: Iterable[str],
    today: date,
    not_before: date | None,
) -> list[RuleViolation]:
    """CAT-12a: who reviewed (a deputy head in charge of items of the draft), when, and the
    opinion; one review per deputy head."""
    out = action_violations(phase, CatalogAction.DEPUTY_HEAD_REVIEW)
    if out:
        return out
    if not heads:
        # CAT-12a: the draft goes to the deputy heads in charge of its items: name them first
        out.append(
            _v(
                "CAT-12a",
                N_("No item of the draft catalog names its deputy head in charge yet."),
                "deputy_head",
            )
        )
    if not present(review.deputy_head):
        # CAT-12a: record each deputy head's review: who
        out.append(_v("CAT-12a", N_("Choose the deputy head who reviewed."), "deputy_head"))
    elif deputy_head_key(review.deputy_head) not in {deputy_head_key(h) for h in heads}:
        # CAT-12a: the deputy heads in charge of the items concerned review the draft
        out.append(
            _v(
                "CAT-12a",
                N_("%(name)s is not the deputy head in charge of any item of the draft catalog."),
                "deputy_head",
                name=review.deputy_head,
            )
        )
    elif deputy_head_key(review.deputy_head) in {deputy_head_key(r) for r in already_reviewed}:
        # CAT-12a: one review per deputy head; a recorded review is not rewritten
        out.append(
            _v(
                "CAT-12a",
                N_("The review of %(name)s is already recorded."),
                "deputy_head",
                name=review.deputy_head,
            )
        )
    # CAT-12a: the date of the review, not in the future, not before the solicitation
    out += recorded_date_violations(
        review.reviewed_on, today, field="reviewed_on", not_before=not_before, rule="CAT-12a"
    )
    if not present(review.opinion):
        # CAT-12a: record each deputy head's opinion
        out.append(_v("CAT-12a", N_("Record the deputy head's opinion."), "opinion"))
    return out


def executive_meeting_review_violations(
    *,
    entries_without_head: Sequence[str],
    missing: Sequence[str],
    unstudied: Sequence[str],
) -> list[RuleViolation]:
    """CAT-12a / CAT-13a: before the executive meeting every item names its deputy head in
    charge, every one of them has reviewed, and the office has studied what they proposed."""
    out = []
    for name in entries_without_head:
        # CAT-12a: the deputy head in charge of each item reviews it
        out.append(
            _v(
                "CAT-12a",
                N_("%(name)s names no deputy head in charge."),
                "deputy_head",
                name=name,
            )
        )
    if missing:
        # CAT-13a: the executive meeting comes after the deputy heads' review: all of them
        out.append(
            _v(
                "CAT-13a",
                N_(
                    "The deputy heads in charge have not all reviewed the draft catalog: %(names)s."
                ),
                "deputy_head_reviewed_on",
                names="、".join(missing),
            )
        )
    for name in unstudied:
        # CAT-12a: the office studies the modifications or additional items they propose
        out.append(
            _v(
                "CAT-12a",
                N_("The office has not studied the items %(name)s proposed to add or change."),
                "office_study",
                name=name,
            )
        )
    return out


def office_study_violations(
    items_changed: str, office_study: str, already: str
) -> list[RuleViolation]:
    """CAT-12a: the office's study of a deputy head's proposed items, recorded once."""
    out = []
    if present(already):
        # CAT-12a: the study is kept as recorded
        out.append(_v("CAT-12a", N_("The office's study is already recorded."), "office_study"))
    elif not present(items_changed):
        out.append(
            _v("", N_("This deputy head proposed no items to add or change."), "office_study")
        )
    elif not present(office_study):
        # CAT-12a: the office studies the modifications or additional items proposed
        out.append(_v("CAT-12a", N_("Write the office's study of the proposals."), "office_study"))
    return out


# -- C0/C1: solicitation and department submissions (CAT-7, CAT-8) ------------------------------


def submissions_due(year: int, chosen: date | None = None) -> date:
    """CAT-8b: the solicitation form's deadline, never later than 31 January of the year."""
    latest = deadlines.catalog_deadlines(year).submissions_due
    return latest if chosen is None or chosen > latest else chosen


def solicitation_violations(
    year: int, solicited_on: date | None, submissions_due_on: date | None, today: date
) -> list[RuleViolation]:
    """CAT-7a: the office solicits the departments, with a deadline no later than CAT-8b's."""
    out = recorded_date_violations(solicited_on, today, field="solicited_on")
    latest = deadlines.catalog_deadlines(year).submissions_due
    if submissions_due_on is None:
        out.append(_v("", N_("Enter the date."), "submissions_due_on"))
    elif submissions_due_on > latest:
        # CAT-8b: department submissions are completed by the end of January
        out.append(
            _v(
                "CAT-8b",
                N_(
                    "Department submissions for the %(year)s catalog are due by %(due)s at the "
                    "latest."
                ),
                "submissions_due_on",
                year=year,
                due=latest.isoformat(),
            )
        )
    elif solicited_on is not None and submissions_due_on < solicited_on:
        out.append(
            _v("", N_("The deadline cannot be before the solicitation."), "submissions_due_on")
        )
    return out


def submission_window_violations(
    year: int, submissions_due_on: date | None, today: date
) -> list[RuleViolation]:
    """CAT-8b: a department submits by the solicitation deadline (31 January at the latest,
    inclusive, A3)."""
    due = submissions_due(year, submissions_due_on)
    if today > due:
        # CAT-8b: submissions completed by the end of January (or the form's earlier deadline)
        return [
            _v(
                "CAT-8b",
                N_("Submissions for the %(year)s catalog closed on %(due)s."),
                "submitted_on",
                year=year,
                due=due.isoformat(),
            )
        ]
    return []


@dataclass(frozen=True)
class SubmissionFacts:
    title: str
    department: str
    legality_review_passed: bool = False  # CAT-8c
    legality_review_on: date | None = None
    scope_confirmed: bool = False  # PROC-3b / A42
    npc_cppcc: bool = False  # CAT-9a
    npc_cppcc_ref: str = ""


def submission_violations(s: SubmissionFacts, today: date) -> list[RuleViolation]:
    """One department submission (CAT-8c, CAT-9a, CAT-14a, PROC-3b)."""
    out = []
    if not present(s.title):
        out.append(_v("", N_("Enter the name of the decision item."), "title"))
    if not present(s.department):
        # CAT-14a: each entry names its undertaking unit
        out.append(_v("CAT-14a", N_("Name the undertaking unit."), "undertaking_unit_id"))
    if not s.legality_review_passed or s.legality_review_on is None:
        # CAT-8c: passed by the department's own legality review body before submission
        out.append(
            _v(
                "CAT-8c",
                N_(
                    "The department's legality review body must pass the item before it is "
                    "submitted."
                ),
                "legality_review_passed",
            )
        )
    elif s.legality_review_on > today:
        out.append(_v("", N_("The date cannot be in the future."), "legality_review_on"))
    if not s.scope_confirmed:
        # PROC-3b / A42: not a macro-control, legislative or emergency-response decision
        out.append(
            _v(
                "PROC-3b",
                N_(
                    "Confirm that the item is not a macro-control, legislative or "
                    "emergency-response decision."
                ),
                "scope_confirmed",
            )
        )
    if s.npc_cppcc and not present(s.npc_cppcc_ref):
        # CAT-9a: a deputy's suggestion or a member's proposal is cited by its number
        out.append(
            _v("CAT-9a", N_("Give the number of the suggestion or proposal."), "npc_cppcc_ref")
        )
    return out


# -- deadlines of the year (PROC-4a, CAT-6a/6c/6d, CAT-8b) -----------------------------------------


class DeadlineState(StrEnum):
    MET = "met"
    LATE = "late"  # done, but after the due date
    PENDING = "pending"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DeadlineRow:
    rule: str
    label: str  # msgid
    due: date
    done_on: date | None
    state: DeadlineState


def _state(due: date, done_on: date | None, today: date) -> DeadlineState:
    if done_on is not None:
        return DeadlineState.MET if done_on <= due else DeadlineState.LATE
    return DeadlineState.OVERDUE if today > due else DeadlineState.PENDING


def annual_deadlines(
    year: int,
    today: date,
    *,
    submissions_closed_on: date | None = None,
    determined_on: date | None = None,
    published_on: date | None = None,
    filed_on: date | None = None,
) -> list[DeadlineRow]:
    """The four dates of the year with their state, all inclusive (A3)."""
    dl = deadlines.catalog_deadlines(year)
    return [
        DeadlineRow(
            "CAT-8b",
            N_("Department submissions"),
            dl.submissions_due,
            submissions_closed_on,
            _state(dl.submissions_due, submissions_closed_on, today),
        ),
        DeadlineRow(
            "CAT-6a",
            N_("Determined in the first quarter"),
            dl.determined_by,
            determined_on,
            _state(dl.determined_by, determined_on, today),
        ),
        DeadlineRow(
            "CAT-6c",
            N_("Published"),
            dl.published_by,
            published_on,
            _state(dl.published_by, published_on, today),
        ),
        DeadlineRow(
            "CAT-6d",
            N_("Filed with the higher government"),
            dl.filed_by,
            filed_on,
            _state(dl.filed_by, filed_on, today),
        ),
    ]


def annual_deadline_warnings(
    year: int,
    today: date,
    *,
    submissions_closed_on: date | None = None,
    determined_on: date | None = None,
    published_on: date | None = None,
    filed_on: date | None = None,
) -> list[RuleViolation]:
    """Missed annual dates, shown to staff (a late catalog is still published and filed)."""
    return deadlines.catalog_deadline_violations(
        year,
        today,
        submissions_completed_on=submissions_closed_on,
        determined_on=determined_on,
        published_on=published_on,
        filed_on=filed_on,
    )


# -- C8: adjustments (CAT-16a..c) --------------------------------------------------------------


def adjustment_state(
    approved_on: date | None, published_on: date | None, filed_on: date | None
) -> AdjustmentState:
    if filed_on is not None:
        return AdjustmentState.FILED
    if published_on is not None:
        return AdjustmentState.PUBLISHED
    if approved_on is not None:
        return AdjustmentState.APPROVED
    return AdjustmentState.PROPOSED


def adjustment_proposal_violations(
    kind: CatalogAdjustmentType,
    *,
    reason: str,
    target_current: bool,
    title: str = "",
    undertaking_unit: str = "",
) -> list[RuleViolation]:
    """CAT-16a: what an adjustment changes, and why."""
    out = []
    if not present(reason):
        # CAT-16a: record the reason
        out.append(_v("CAT-16a", N_("The adjustment needs a reason."), "reason"))
    if kind is CatalogAdjustmentType.ADD:
        if not present(title):
            out.append(_v("", N_("Enter the name of the decision item."), "title"))
        if not present(undertaking_unit):
            # CAT-14a: each entry names its undertaking unit
            out.append(_v("CAT-14a", N_("Name the undertaking unit."), "undertaking_unit_id"))
    elif not target_current:
        # CAT-16a: only an item listed in the current catalog is modified or removed
        out.append(
            _v("CAT-16a", N_("Choose an item of the current catalog to change."), "entry_id")
        )
    elif kind is CatalogAdjustmentType.MODIFY and not present(title):
        out.append(_v("", N_("Enter the name of the decision item."), "title"))
    return out


def adjustment_publish_violations(state: AdjustmentState) -> list[RuleViolation]:
    if state is AdjustmentState.PROPOSED:
        # CAT-16a / CAT-16b: the government approves before the adjusted catalog is published
        return [
            _v(
                "CAT-16a",
                N_("The government has not approved the adjustment."),
                "approval",
            )
        ]
    if state is not AdjustmentState.APPROVED:
        # CAT-16b: the adjusted catalog is published once
        return [_v("CAT-16b", N_("The adjustment is already published."), "published_at")]
    return []


def adjustment_filing_violations(
    state: AdjustmentState,
    published_on: date | None,
    filed_on: date | None,
    reference: str,
    today: date,
) -> list[RuleViolation]:
    if state is AdjustmentState.FILED:
        # CAT-16c: the adjusted catalog is filed once
        return [_v("CAT-16c", N_("The adjusted catalog is already filed."), "filed_on")]
    if state is not AdjustmentState.PUBLISHED or published_on is None:
        # CAT-16c: the adjusted catalog is filed after its publication
        return [
            _v("CAT-16c", N_("The adjusted catalog must be published before filing."), "filed_on")
        ]
    out = recorded_date_violations(
        filed_on, today, field="filed_on", not_before=published_on, rule="CAT-16c"
    )
    if not present(reference):
        # CAT-16c / A41: the filing platform's reference
        out.append(_v("CAT-16c", N_("Enter the filing reference."), "filing_reference"))
    return out


def adjustment_filing_due(published_on: date, calendar: WorkCalendar | None = None) -> date:
    """CAT-16c: 10 working days from the publication of the adjusted catalog."""
    return deadlines.catalog_adjustment_filing_due(published_on, calendar).due


def adjustment_filing_state(
    published_on: date | None,
    filed_on: date | None,
    today: date,
    calendar: WorkCalendar | None = None,
) -> DeadlineState | None:
    if published_on is None:
        return None
    return _state(adjustment_filing_due(published_on, calendar), filed_on, today)


def catalog_filing_check(
    published_on: date | None, filed_on: date | None, reference: str, today: date
) -> list[RuleViolation]:
    """CAT-6d: recording the filing of the published catalog (A41: date and reference)."""
    out = recorded_date_violations(
        filed_on,
        today,
        field="filed_on",
        not_before=local_date(published_on) if published_on else None,
        rule="CAT-6d",
    )
    if not present(reference):
        # CAT-6d / A41: the reference of the filing platform
        out.append(_v("CAT-6d", N_("Enter the filing reference."), "filing_reference"))
    return out
