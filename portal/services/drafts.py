"""Versions of a decision's draft and drafting explanation, their publication, and diffs.

Every write goes through :func:`portal.services.records.update_record`, so it is audited and
flushed; the caller commits. The diff is pure Python (``difflib``): line level first, then, for a
changed line, word level for Latin text and character level for Chinese.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.rules.errors import N_, RuleViolation
from portal.services.records import update_record

# The two versioned documents of the drafting stage (PROC-17a: the draft and its explanation).
DRAFT_KINDS: tuple[DocumentKind, ...] = (DocumentKind.DRAFT, DocumentKind.DRAFTING_EXPLANATION)

DEFAULT_TITLES = {
    DocumentKind.DRAFT: "{title}（草案）",
    DocumentKind.DRAFTING_EXPLANATION: "关于{title}的起草说明",
}


def sha256_of(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# -- documents and versions ---------------------------------------------------------------------


def draft_document(decision: Decision, kind: DocumentKind) -> Document | None:
    """The decision's (first) document of ``kind``, if any."""
    return db.session.scalar(
        sa.select(Document)
        .where(Document.decision_id == decision.id, Document.kind == kind)
        .order_by(Document.id)
        .limit(1)
    )


def draft_documents(decision: Decision) -> dict[DocumentKind, Document | None]:
    return {kind: draft_document(decision, kind) for kind in DRAFT_KINDS}


def ensure_document(
    decision: Decision, kind: DocumentKind, *, actor, now: datetime, ip: str = ""
) -> Document:
    """The document of ``kind``, created (not public, audited) when the decision has none."""
    if kind not in DRAFT_KINDS:
        raise ValueError(f"not a versioned draft document: {kind}")
    doc = draft_document(decision, kind)
    if doc is not None:
        return doc
    doc = Document()
    update_record(
        doc,
        {
            "decision_id": decision.id,
            "kind": kind,
            "title": DEFAULT_TITLES[kind].format(title=decision.title)[:200],
            "is_public": False,
            "created_at": now,
        },
        decision=decision,
        actor=actor,
        now=now,
        action="draft.document_create",
        ip=ip,
    )
    return doc


def add_version(
    decision: Decision,
    kind: DocumentKind,
    *,
    body: str,
    change_note: str,
    actor,
    now: datetime,
    ip: str = "",
) -> DocumentVersion:
    """A new version of the draft (or explanation), numbered after the last one.

    The audit entry records the number, author, note and SHA-256 of the body, not the body itself
    (a non-disclosable draft must not be copied into the log).
    """
    doc = ensure_document(decision, kind, actor=actor, now=now, ip=ip)
    last = db.session.scalar(
        sa.select(sa.func.max(DocumentVersion.number)).where(DocumentVersion.document_id == doc.id)
    )
    version = DocumentVersion(body=body)
    update_record(
        version,
        {
            "document_id": doc.id,
            "number": int(last or 0) + 1,
            "change_note": change_note,
            "sha256": sha256_of(body),
            "created_at": now,
            "created_by_id": getattr(actor, "id", None),
        },
        decision=decision,
        actor=actor,
        now=now,
        action="draft.version_add",
        ip=ip,
    )
    db.session.refresh(doc)
    return version


def publish_version(
    decision: Decision, version: DocumentVersion, *, actor, now: datetime, ip: str = ""
) -> bool:
    """Publish a draft version (PROC-17a) and make its document public.

    Refused for a decision not to be disclosed according to law (A7: such an item never reaches
    the public portal; it is exempt from public participation, PROC-16a). Returns False when the
    version was already published (nothing changes).
    """
    if decision.non_disclosable:
        # A7 / PROC-16a: a non-disclosable item is never shown on the public portal
        raise RuleViolation(
            "A7",
            N_(
                "This decision is not to be disclosed according to law, so its draft cannot be "
                "published."
            ),
            field="version",
        )
    if version.published_at is not None:
        return False
    update_record(
        version,
        {"published_at": now},
        decision=decision,
        actor=actor,
        now=now,
        action="draft.version_publish",
        ip=ip,
    )
    doc = version.document
    if not doc.is_public:
        update_record(
            doc,
            {"is_public": True},
            decision=decision,
            actor=actor,
            now=now,
            action="draft.version_publish",
            ip=ip,
        )
    return True


def find_version(decision: Decision, kind: DocumentKind, number: int) -> DocumentVersion | None:
    return db.session.scalar(
        sa.select(DocumentVersion)
        .join(Document, DocumentVersion.document_id == Document.id)
        .where(
            Document.decision_id == decision.id,
            Document.kind == kind,
            DocumentVersion.number == number,
        )
        .order_by(Document.id)
        .limit(1)
    )


# -- diff ---------------------------------------------------------------------------------------

EQUAL, INSERT, DELETE, CHANGE, SKIP = "equal", "insert", "delete", "change", "skip"

# Latin words and numbers are compared whole; every other character (Chinese, punctuation,
# spaces) on its own.
_TOKEN = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.S)


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str


@dataclass(frozen=True)
class DiffRow:
    """One line of the diff.

    ``kind`` is EQUAL (unchanged), INSERT (a new line), DELETE (a removed line), CHANGE (a line
    edited in place, with ``segments``) or SKIP (``skipped`` unchanged lines not shown).
    """

    kind: str
    old_no: int | None = None
    new_no: int | None = None
    segments: tuple[Segment, ...] = ()
    skipped: int = 0


@dataclass
class Diff:
    rows: list[DiffRow] = field(default_factory=list)
    inserted: int = 0  # lines added
    deleted: int = 0  # lines removed
    changed: int = 0  # lines edited in place

    @property
    def identical(self) -> bool:
        return not (self.inserted or self.deleted or self.changed)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def inline_segments(old: str, new: str) -> tuple[Segment, ...]:
    """Word/character-level edits turning ``old`` into ``new``."""
    a, b = _tokens(old), _tokens(new)
    out: list[Segment] = []

    def put(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put(EQUAL, "".join(a[i1:i2]))
        else:
            put(DELETE, "".join(a[i1:i2]))
            put(INSERT, "".join(b[j1:j2]))
    return tuple(out)


def _similar(old: str, new: str) -> bool:
    """Whether two lines are close enough to show as one edited line."""
    if not old.strip() or not new.strip():
        return False
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.4


def diff_texts(old: str, new: str, *, context: int = 3) -> Diff:
    """The differences from ``old`` to ``new``; runs of unchanged lines beyond ``context``
    lines around a change are collapsed into one SKIP row."""
    a, b = old.splitlines(), new.splitlines()
    diff = Diff()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                rows.append(DiffRow(EQUAL, i1 + k + 1, j1 + k + 1, (Segment(EQUAL, a[i1 + k]),)))
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        pairs = min(len(olds), len(news))
        for k in range(pairs):
            i, j = olds[k], news[k]
            if _similar(a[i], b[j]):
                rows.append(DiffRow(CHANGE, i + 1, j + 1, inline_segments(a[i], b[j])))
                diff.changed += 1
            else:
                rows.append(DiffRow(DELETE, i + 1, None, (Segment(DELETE, a[i]),)))
                rows.append(DiffRow(INSERT, None, j + 1, (Segment(INSERT, b[j]),)))
                diff.deleted += 1
                diff.inserted += 1
        for i in olds[pairs:]:
            rows.append(DiffRow(DELETE, i + 1, None, (Segment(DELETE, a[i]),)))
            diff.deleted += 1
        for j in news[pairs:]:
            rows.append(DiffRow(INSERT, None, j + 1, (Segment(INSERT, b[j]),)))
            diff.inserted += 1
    diff.rows = _collapse(rows, context)
    return diff


def _collapse(rows: list[DiffRow], context: int) -> list[DiffRow]:
    changed = [i for i, r in enumerate(rows) if r.kind != EQUAL]
    if not changed:
        return rows
    keep = set()
    for i in changed:
        keep.update(range(max(0, i - context), min(len(rows), i + context + 1)))
    out: list[DiffRow] = []
    hidden = 0
    for i, row in enumerate(rows):
        if i in keep:
            if hidden:
                out.append(DiffRow(SKIP, skipped=hidden))
                hidden = 0
            out.append(row)
        else:
            hidden += 1
    if hidden:
        out.append(DiffRow(SKIP, skipped=hidden))
    return out


def diff_html(
    diff: Diff,
    *,
    deleted_label: str = "deleted",
    inserted_label: str = "inserted",
    skipped_label: str = "Unchanged lines not shown: %(count)s",
) -> Markup:
    """The diff as HTML: one ``<li>`` per line, edits in ``<del>``/``<ins>``.

    Every piece of text is escaped (``Markup.format`` escapes its arguments). Each
    ``<del>``/``<ins>`` carries a visually hidden label so that screen readers announce the
    change as well as show it.
    """
    deleted = Markup(
        '<del><span class="visually-hidden">[{}: </span>{}'
        '<span class="visually-hidden">]</span></del>'
    )
    inserted = Markup(
        '<ins><span class="visually-hidden">[{}: </span>{}'
        '<span class="visually-hidden">]</span></ins>'
    )
    items: list[Markup] = []
    for row in diff.rows:
        if row.kind == SKIP:
            note = skipped_label % {"count": row.skipped}
            items.append(
                Markup('<li class="diff-skip"><span class="meta">… {} …</span></li>').format(note)
            )
            continue
        body = Markup("").join(
            deleted.format(deleted_label, seg.text)
            if seg.op == DELETE
            else inserted.format(inserted_label, seg.text)
            if seg.op == INSERT
            else escape(seg.text)
            for seg in row.segments
        )
        items.append(
            Markup(
                '<li class="diff-{}"><span class="diff-no meta" aria-hidden="true">{}→{}</span> '
                '<span class="diff-text">{}</span></li>'
            ).format(
                row.kind,
                "" if row.old_no is None else row.old_no,
                "" if row.new_no is None else row.new_no,
                body,
            )
        )
    return Markup('<ol class="diff">\n{}\n</ol>').format(Markup("\n").join(items))


def diff_text(diff: Diff) -> str:
    """A plain-text alternative: "- " removed, "+ " added, "~ " edited with [-old-]{+new+}."""
    lines = []
    for row in diff.rows:
        if row.kind == SKIP:
            lines.append(f"  … ({row.skipped})")
            continue
        if row.kind == CHANGE:
            text = "".join(
                f"[-{s.text}-]"
                if s.op == DELETE
                else f"{{+{s.text}+}}"
                if s.op == INSERT
                else s.text
                for s in row.segments
            )
            lines.append(f"~ {text}")
            continue
        prefix = {EQUAL: "  ", INSERT: "+ ", DELETE: "- "}[row.kind]
        lines.append(prefix + "".join(s.text for s in row.segments))
    return "\n".join(lines)


# -- what the comment window and the hearing notice publish (PROC-17a, PROC-19b) -----------------


def published_draft_version(decision: Decision, version_id: int | None) -> DocumentVersion | None:
    """The draft version ``version_id`` of this decision, if it is published (else None)."""
    if version_id is None:
        return None
    version = db.session.get(DocumentVersion, version_id)
    if (
        version is None
        or version.published_at is None
        or version.document.decision_id != decision.id
        or version.document.kind != DocumentKind.DRAFT
    ):
        return None
    return version


def explanation_published(decision: Decision) -> bool:
    """PROC-17a: the drafting explanation (起草说明) has a published version."""
    return bool(
        db.session.scalar(
            sa.select(DocumentVersion.id)
            .join(Document, DocumentVersion.document_id == Document.id)
            .where(
                Document.decision_id == decision.id,
                Document.kind == DocumentKind.DRAFTING_EXPLANATION,
                DocumentVersion.published_at.is_not(None),
            )
            .limit(1)
        )
    )
