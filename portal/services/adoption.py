"""Answer templates, the adoption report (PART-15b, PROC-37b), public document history and the
draft-to-final comparison, and the exports of a decision's opinions.

The report is not a separate copy of the answers: its counts, themes and answers are read from
the opinions themselves, so the published report can never disagree with the opinions page. The
undertaking unit writes the summary and publishes it (PART-15b); publishing is refused with the
rule ID until the comment period has closed, every opinion is moderated and every published
opinion answered. Functions flush and never commit.
"""

from __future__ import annotations

import re
import unicodedata
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
    moderation.check_answer_scope(actor, [decision])  # PART-15b: the undertaking unit's report
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


def _published_drafts(decision: Decision) -> tuple[int, int]:
    """Published opinions with a draft answer: how many, and how many of them have no released
    answer yet (the report counts those as unanswered)."""
    row = db.session.execute(
        sa.select(
            sa.func.count(Opinion.id),
            sa.func.sum(sa.case((Opinion.adoption == AdoptionStatus.PENDING, 1), else_=0)),
        ).where(
            Opinion.decision_id == decision.id,
            Opinion.status == OpinionStatus.PUBLISHED,
            Opinion.drafted_at.is_not(None),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def publication_problems(decision: Decision, now: datetime) -> list[RuleViolation]:
    """What stops the report (PART-15b). A draft answer is not public, so the report counts its
    opinion as unanswered, and it is not published while any published opinion's answer is
    still a draft (released or discarded first): the report never disagrees with what the
    public can read."""
    data = report_data(decision)
    report = report_of(decision)
    drafted, drafted_unanswered = _published_drafts(decision)
    problems = report_publication_violations(
        consultation_closed=_consultations_closed(decision, now),
        awaiting_moderation=data.awaiting_moderation,
        unanswered=data.unanswered - drafted_unanswered,
        summary=report.summary if report else "",
    )
    if drafted:
        problems.insert(
            len([p for p in problems if p.field != "summary"]),
            RuleViolation(
                "PART-15b",
                N_(
                    "%(n)d answer(s) are still drafts: release them (or discard them) before "
                    "the report is published."
                ),
                n=drafted,
            ),
        )
    return problems


def publish_report(decision: Decision, *, actor, now: datetime, ip: str = "") -> OpinionReport:
    """Publish the report on the dossier (PART-15b); refused with the rule ID until it may be."""
    moderation.check_answer_scope(actor, [decision])
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


# -- the draft-to-final view by article, and the opinions whose answers cite each (issue 12) --

_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_NUMERALS |= {"七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = "零〇一二两三四五六七八九十百千0-9０-９"
_HEADING = re.compile(rf"^\s*(第([{_NUM}]+)条)")
_CITE = re.compile(rf"第([{_NUM}]+)条")
LINKS_PER_ARTICLE = 10


def article_number(text: str) -> int | None:
    """第三条 / 第十二条 / 第3条 -> 3 / 12 / 3 (None when it is not a number)."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii() and text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _NUMERALS:
            current = _NUMERALS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    total += current
    return total or None


def cited_articles(text: str) -> set[int]:
    """The article numbers a text cites (第N条)."""
    found = (article_number(m.group(1)) for m in _CITE.finditer(text or ""))
    return {n for n in found if n}


def _line_articles(body: str) -> tuple[list[int | None], dict[int, str]]:
    """For each line of ``body`` the article it belongs to (None before the first), and each
    article's heading as the text writes it (第二条)."""
    current: int | None = None
    out: list[int | None] = []
    headings: dict[int, str] = {}
    for line in body.splitlines():
        m = _HEADING.match(line)
        if m and (n := article_number(m.group(2))):
            current = n
            headings.setdefault(n, m.group(1))
        out.append(current)
    return out, headings


def _heading_of(line: str) -> int | None:
    m = _HEADING.match(line)
    return article_number(m.group(2)) if m else None


@dataclass
class ArticleBlock:
    """A run of the draft-to-final diff that belongs to one article.

    ``in_final``: the article of the final text (``number`` in its numbering, anchor
    ``article-N``); otherwise a draft article removed from the final text (anchor
    ``draft-article-N``). ``number`` None: the lines before the first article (title, preamble).
    """

    number: int | None
    in_final: bool
    heading: str
    rows: list = field(default_factory=list)
    old_numbers: set[int] = field(default_factory=set)
    anchor: str = ""
    opinions: list[Opinion] = field(default_factory=list)
    opinion_total: int = 0

    @property
    def changed(self) -> bool:
        return any(r.kind not in (drafts.EQUAL, drafts.SKIP) for r in self.rows)

    @property
    def skip(self) -> bool:
        return bool(self.rows) and all(r.kind == drafts.SKIP for r in self.rows)

    @property
    def diff(self) -> drafts.Diff:
        return drafts.Diff(rows=list(self.rows))

    def cited_by(self, opinion: Opinion) -> bool:
        """An answered opinion cites this change: its clause names the draft article (the text
        the public commented on), or its answer names the article of the final text."""
        if self.number is None or not self.changed:
            return False
        if cited_articles(opinion.clause) & self.old_numbers:
            return True
        return self.in_final and self.number in cited_articles(opinion.response)


def article_blocks(comparison: DraftToFinal) -> list[ArticleBlock]:
    """The draft-to-final diff cut into articles, in order (runs of unchanged lines not shown
    are blocks of their own); changed articles carry a stable anchor."""
    old_lines, new_lines = comparison.draft.body.splitlines(), comparison.final.body.splitlines()
    old_articles, _old_headings = _line_articles(comparison.draft.body)
    new_articles, new_headings = _line_articles(comparison.final.body)
    blocks: list[ArticleBlock] = []
    current: tuple | None = None
    for row in comparison.diff.rows:
        if row.kind == drafts.SKIP:
            blocks.append(ArticleBlock(None, False, "", [row]))
            current = None
            continue
        if row.new_no is not None:
            number = new_articles[row.new_no - 1] if row.new_no <= len(new_lines) else None
            key: tuple = ("new", number)
        else:
            removed = _heading_of(old_lines[row.old_no - 1]) if row.old_no else None
            if removed is not None:
                key = ("old", removed)
            elif current is not None:
                key = current
            else:
                key = ("old", old_articles[row.old_no - 1] if row.old_no else None)
        if key != current or not blocks:
            kind, number = key
            heading = new_headings.get(number, "") if kind == "new" and number else ""
            if kind == "old" and number:
                m = _HEADING.match(old_lines[row.old_no - 1]) if row.old_no else None
                heading = m.group(1) if m else f"第{number}条"
            blocks.append(ArticleBlock(number, kind == "new", heading))
            current = key
        block = blocks[-1]
        block.rows.append(row)
        if row.old_no is not None and row.old_no <= len(old_articles):
            old = old_articles[row.old_no - 1]
            if old is not None:
                block.old_numbers.add(old)
    used: set[str] = set()
    for block in blocks:
        if not block.changed or block.number is None:
            continue
        anchor = f"article-{block.number}" if block.in_final else f"draft-article-{block.number}"
        if anchor not in used:
            block.anchor = anchor
            used.add(anchor)
    return blocks


def _citing_candidates(decision: Decision):
    """Published opinions with a released answer whose clause or answer names an article."""
    return (
        sa.select(Opinion)
        .where(
            Opinion.decision_id == decision.id,
            Opinion.status == OpinionStatus.PUBLISHED,
            Opinion.adoption != AdoptionStatus.PENDING,
            sa.or_(Opinion.clause.contains("条"), Opinion.response.contains("条")),
        )
        .order_by(Opinion.submitted_at, Opinion.id)
    )


def changes_with_opinions(decision: Decision) -> tuple[DraftToFinal, list[ArticleBlock]] | None:
    """The draft-to-final comparison by article, each changed article with the published
    opinions whose answers cite it (at most ``LINKS_PER_ARTICLE`` each, and how many)."""
    comparison = draft_to_final(decision)
    if comparison is None:
        return None
    blocks = article_blocks(comparison)
    changed = [b for b in blocks if b.anchor]
    if changed:
        for opinion in db.session.scalars(_citing_candidates(decision)):
            for block in changed:
                if block.cited_by(opinion):
                    block.opinion_total += 1
                    if len(block.opinions) < LINKS_PER_ARTICLE:
                        block.opinions.append(opinion)
    return comparison, blocks


def opinion_change_links(decision: Decision, opinions) -> dict[int, list[ArticleBlock]]:
    """For each answered opinion of a public page, the changed articles its answer cites (the
    way back to the draft-to-final view)."""
    opinions = [o for o in opinions if o.adoption != AdoptionStatus.PENDING]
    if not opinions:
        return {}
    comparison = draft_to_final(decision)
    if comparison is None:
        return {}
    changed = [b for b in article_blocks(comparison) if b.anchor]
    return {o.id: hits for o in opinions if (hits := [b for b in changed if b.cited_by(o)])}


def public_page_of(opinion: Opinion, per_page: int = 20) -> int:
    """The page of the public opinions list (oldest first) that shows ``opinion``."""
    before = db.session.scalar(
        sa.select(sa.func.count(Opinion.id)).where(
            Opinion.decision_id == opinion.decision_id,
            Opinion.status == OpinionStatus.PUBLISHED,
            sa.or_(
                Opinion.submitted_at < opinion.submitted_at,
                sa.and_(Opinion.submitted_at == opinion.submitted_at, Opinion.id < opinion.id),
            ),
        )
    )
    return int(before or 0) // per_page + 1


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
