"""Answer templates, the adoption report (PART-15b, PROC-37b), public document history and the
draft-to-final comparison, and the exports of a decision's opinions.

The report is not a separate copy of the answers: its counts, themes and answers are read from
the opinions themselves, so the published report can never disagree with the opinions page. The
undertaking unit writes the summary and publishes it (PART-15b); publishing is refused with the
rule ID until the comment period has closed, every opinion is moderated and every published
opinion answered. Functions flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.opinion import AnswerTemplate, Opinion, OpinionReport
from portal.rules.consultation import OpinionStatus, report_publication_violations
from portal.rules.enums import AdoptionStatus
from portal.rules.errors import N_, RuleViolation
from portal.rules.privacy import mask_personal_data, normalise
from portal.services import audit, drafts, moderation, notifications, outbox
from portal.services.moderation import RESPONSE_MAX, _answer_fields, public_name
from portal.services.records import update_record

TITLE_MAX = 100
SUMMARY_MAX = 20000

# -- answer templates ------------------------------------------------------------------------------


def active_templates(government_id: int) -> list[AnswerTemplate]:
    return list(
        db.session.scalars(
            sa.select(AnswerTemplate)
            .where(AnswerTemplate.government_id == government_id, AnswerTemplate.is_active)
            .order_by(AnswerTemplate.title, AnswerTemplate.id)
        ).all()
    )


def template_of(government_id: int, template_id: int | str | None) -> AnswerTemplate | None:
    """An active template of this government, or None (others' templates are never used)."""
    try:
        template = db.session.get(AnswerTemplate, int(template_id or 0))
    except (TypeError, ValueError):
        return None
    if template is None or template.government_id != government_id or not template.is_active:
        return None
    return template


def create_template(
    government_id: int, title: str, adoption: str, text: str, *, actor, now: datetime, ip: str = ""
) -> AnswerTemplate:
    title = " ".join(normalise(title or "").split())
    if not title:
        raise RuleViolation("", N_("Give the template a title."), field="title")
    if len(title) > TITLE_MAX:
        raise RuleViolation("", N_("Write at most %(n)d characters."), field="title", n=TITLE_MAX)
    fields = _answer_fields(adoption, text, None)  # the same rules as an answer (PROC-20a)
    template = AnswerTemplate(
        government_id=government_id,
        title=title,
        adoption=fields["adoption"],
        text=fields["response"],
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(template)
    db.session.flush()
    audit.record(
        "answer_template.create",
        actor=actor,
        now=now,
        obj=template,
        government_id=government_id,
        after={"title": title, "adoption": str(template.adoption), "text": template.text},
        ip=ip,
    )
    return template


def retire_template(template: AnswerTemplate, *, actor, now: datetime, ip: str = "") -> None:
    template.is_active = False
    db.session.flush()
    audit.record(
        "answer_template.retire",
        actor=actor,
        now=now,
        obj=template,
        government_id=template.government_id,
        before={"is_active": True},
        after={"is_active": False},
        ip=ip,
    )


def answer_from_form(
    government_id: int, adoption: str, response: str, template_id: str | None
) -> tuple[str, str]:
    """Adoption and response, taken from the chosen template where the form left them empty."""
    template = template_of(government_id, template_id)
    if template is not None:
        adoption = adoption or str(template.adoption)
        response = response.strip() or template.text
    return adoption, response


# -- the adoption report ---------------------------------------------------------------------------


@dataclass
class ThemeRow:
    name: str  # '' = opinions on the draft as a whole
    total: int = 0
    counts: dict[AdoptionStatus, int] = field(
        default_factory=lambda: dict.fromkeys(AdoptionStatus, 0)
    )


@dataclass
class ReportData:
    counts: dict[AdoptionStatus, int]
    published: int
    withheld: int
    awaiting_moderation: int
    themes: list[ThemeRow]

    @property
    def unanswered(self) -> int:
        return self.counts[AdoptionStatus.PENDING]


def theme_expression():
    """The heading an opinion is reported under: the theme staff gave it, else its clause."""
    return moderation.theme_expression()


def report_data(decision: Decision) -> ReportData:
    """Counts by adoption and by theme, computed in SQL (fast with 10,000 opinions)."""
    status_rows = db.session.execute(
        sa.select(Opinion.status, sa.func.count(Opinion.id))
        .where(Opinion.decision_id == decision.id)
        .group_by(Opinion.status)
    ).all()
    by_status = {OpinionStatus(s): int(n) for s, n in status_rows}
    theme = theme_expression().label("theme")
    rows = db.session.execute(
        sa.select(theme, Opinion.adoption, sa.func.count(Opinion.id))
        .where(Opinion.decision_id == decision.id, Opinion.status == OpinionStatus.PUBLISHED)
        .group_by(theme, Opinion.adoption)
    ).all()
    themes: dict[str, ThemeRow] = {}
    counts = dict.fromkeys(AdoptionStatus, 0)
    for name, adoption, n in rows:
        row = themes.setdefault(name or "", ThemeRow(name or ""))
        row.counts[AdoptionStatus(adoption)] += int(n)
        row.total += int(n)
        counts[AdoptionStatus(adoption)] += int(n)
    ordered = sorted(themes.values(), key=lambda r: (r.name == "", -r.total, r.name))
    return ReportData(
        counts=counts,
        published=by_status.get(OpinionStatus.PUBLISHED, 0),
        withheld=by_status.get(OpinionStatus.WITHHELD, 0),
        awaiting_moderation=by_status.get(OpinionStatus.RECEIVED, 0),
        themes=ordered,
    )


def report_of(decision: Decision) -> OpinionReport | None:
    return db.session.scalar(
        sa.select(OpinionReport).where(OpinionReport.decision_id == decision.id)
    )


def published_report(decision: Decision) -> OpinionReport | None:
    report = report_of(decision)
    return report if report is not None and report.published_at is not None else None


def _consultations_closed(decision: Decision, now: datetime) -> bool:
    latest = db.session.scalar(
        sa.select(sa.func.max(Consultation.closes_at)).where(
            Consultation.decision_id == decision.id
        )
    )
    return latest is not None and latest <= now


def save_summary(
    decision: Decision, summary: str, *, actor, now: datetime, ip: str = ""
) -> OpinionReport:
    summary = normalise(summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise RuleViolation(
            "", N_("Write at most %(n)d characters."), field="summary", n=SUMMARY_MAX
        )
    report = report_of(decision) or OpinionReport(decision_id=decision.id, created_at=now)
    update_record(
        report,
        {"summary": summary, "updated_at": now},
        decision=decision,
        actor=actor,
        now=now,
        action="opinion_report.save",
        ip=ip,
    )
    if report.published_at is not None:
        outbox.enqueue("search.decision", {"id": decision.id}, now=now)
    return report


def publication_problems(decision: Decision, now: datetime) -> list[RuleViolation]:
    data = report_data(decision)
    report = report_of(decision)
    return report_publication_violations(
        consultation_closed=_consultations_closed(decision, now),
        awaiting_moderation=data.awaiting_moderation,
        unanswered=data.unanswered,
        summary=report.summary if report else "",
    )


def publish_report(decision: Decision, *, actor, now: datetime, ip: str = "") -> OpinionReport:
    """Publish the report on the dossier (PART-15b); refused with the rule ID until it may be."""
    problems = publication_problems(decision, now)
    if problems:
        raise problems[0]
    report = report_of(decision)
    assert report is not None  # publication_problems requires a summary
    if report.published_at is None:
        update_record(
            report,
            {"published_at": now, "published_by_id": actor.id},
            decision=decision,
            actor=actor,
            now=now,
            action="opinion_report.publish",
            ip=ip,
        )
        outbox.enqueue("search.decision", {"id": decision.id}, now=now)
        notifications.adoption_report_published(decision, now=now)  # issue 12
    return report


# -- public document history and the draft-to-final comparison -------------------------------------


def public_version(decision: Decision, document_id: int, number: int) -> DocumentVersion | None:
    """A published version of a public document of this decision, or None."""
    return db.session.scalar(
        sa.select(DocumentVersion)
        .join(Document)
        .where(
            Document.id == document_id,
            Document.decision_id == decision.id,
            Document.is_public.is_(True),
            DocumentVersion.number == number,
            DocumentVersion.published_at.is_not(None),
        )
    )


def _last_public(decision: Decision, kind: DocumentKind) -> DocumentVersion | None:
    return db.session.scalar(
        sa.select(DocumentVersion)
        .join(Document)
        .where(
            Document.decision_id == decision.id,
            Document.kind == kind,
            Document.is_public.is_(True),
            DocumentVersion.published_at.is_not(None),
        )
        .order_by(DocumentVersion.published_at.desc(), DocumentVersion.number.desc())
        .limit(1)
    )


@dataclass
class DraftToFinal:
    draft: DocumentVersion
    final: DocumentVersion
    diff: drafts.Diff


def draft_and_final(decision: Decision) -> tuple[DocumentVersion, DocumentVersion] | None:
    """The last draft put to the public and the published decision text, when both are public."""
    draft = _last_public(decision, DocumentKind.DRAFT)
    final = _last_public(decision, DocumentKind.DECISION_TEXT)
    return None if draft is None or final is None else (draft, final)


def draft_to_final(decision: Decision) -> DraftToFinal | None:
    """What changed after the consultation: the last public draft against the decision text."""
    pair = draft_and_final(decision)
    if pair is None:
        return None
    draft, final = pair
    return DraftToFinal(draft, final, drafts.diff_texts(draft.body, final.body))


# -- exports ---------------------------------------------------------------------------------------


def register_rows(decision: Decision) -> list[list]:
    """The opinion register (PROC-20a) for staff exports: the text with phone and ID numbers
    masked, the name only with its author's consent, never contact details (A39)."""
    opinions = db.session.scalars(
        sa.select(Opinion)
        .where(Opinion.decision_id == decision.id)
        .order_by(Opinion.submitted_at, Opinion.id)
    ).all()
    rows = []
    for op in opinions:
        text = op.published_body if op.status == OpinionStatus.PUBLISHED else ""
        rows.append(
            [
                op.id,
                clock.to_local(op.submitted_at),
                op.status,
                op.withheld_reason or "",
                op.theme or op.clause,
                public_name(op),
                text or mask_personal_data(op.body),
                op.adoption,
                op.response[:RESPONSE_MAX],
                clock.to_local(op.answered_at) if op.answered_at else None,
                op.channel,  # PART-6b/6c: online, or received offline and entered by staff
            ]
        )
    return rows
