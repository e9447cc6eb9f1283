"""Draft versions: numbering, author and hash, publication, audit, and the readable diff."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import DecisionSource
from portal.models.document import DocumentKind
from portal.models.org import Department, DepartmentKind, Government, GovernmentLevel
from portal.models.user import User
from portal.rules.errors import RuleViolation
from portal.rules.stages import Category
from portal.services import decisions as decision_service
from portal.services import drafts
from tests.conftest import NOW

# -- the diff (pure) ------------------------------------------------------------------------------


def test_identical_texts_have_no_changes():
    diff = drafts.diff_texts("第一条\n第二条", "第一条\n第二条")
    assert diff.identical
    assert [r.kind for r in diff.rows] == [drafts.EQUAL, drafts.EQUAL]


def test_a_changed_chinese_line_is_compared_character_by_character():
    diff = drafts.diff_texts("清洁热源占比不低于60%。", "清洁热源占比不低于65%。")
    assert diff.changed == 1 and diff.inserted == diff.deleted == 0
    (row,) = diff.rows
    assert row.kind == drafts.CHANGE
    assert [(s.op, s.text) for s in row.segments] == [
        (drafts.EQUAL, "清洁热源占比不低于"),
        (drafts.DELETE, "60"),
        (drafts.INSERT, "65"),
        (drafts.EQUAL, "%。"),
    ]


def test_latin_text_is_compared_word_by_word():
    segments = drafts.inline_segments("the fare is one yuan", "the fare is two yuan")
    assert (drafts.DELETE, "one") in [(s.op, s.text) for s in segments]
    assert (drafts.INSERT, "two") in [(s.op, s.text) for s in segments]


def test_added_and_removed_lines_are_whole_line_changes():
    diff = drafts.diff_texts("第一条\n第二条　删除\n第三条", "第一条\n第三条\n第四条　新增")
    kinds = [(r.kind, r.old_no, r.new_no) for r in diff.rows]
    assert (drafts.DELETE, 2, None) in kinds
    assert (drafts.INSERT, None, 3) in kinds
    assert diff.inserted == 1 and diff.deleted == 1


def test_a_rewritten_line_is_shown_as_deleted_and_inserted():
    diff = drafts.diff_texts("完全不同的旧文字", "崭新的表述方式呈现")
    assert [r.kind for r in diff.rows] == [drafts.DELETE, drafts.INSERT]


def test_long_unchanged_runs_are_collapsed():
    old = "\n".join(f"第{i}条" for i in range(1, 21))
    new = old.replace("第10条", "第10条（修改）")
    diff = drafts.diff_texts(old, new, context=2)
    kinds = [r.kind for r in diff.rows]
    assert kinds[0] == drafts.SKIP and diff.rows[0].skipped == 7
    assert kinds[-1] == drafts.SKIP and diff.rows[-1].skipped == 8
    assert kinds.count(drafts.EQUAL) == 4


def test_the_html_escapes_everything_and_marks_edits():
    diff = drafts.diff_texts("<b>旧</b> & 1", "<script>新</script> & 1")
    html = str(drafts.diff_html(diff, deleted_label="删除<x>", inserted_label="插入"))
    assert "<script" not in html and "<b>" not in html
    assert "&lt;" in html and "&gt;" in html and "&amp;" in html
    assert "<del>" in html and "<ins>" in html
    assert "删除&lt;x&gt;" in html


def test_the_text_alternative_marks_edits_in_brackets():
    diff = drafts.diff_texts("甲\n乙条\n丙", "甲\n乙款\n丁丁丁丁")
    text = drafts.diff_text(diff)
    assert "  甲" in text
    assert "~ 乙[-条-]{+款+}" in text
    assert "- 丙" in text and "+ 丁丁丁丁" in text


# -- versions and publication ---------------------------------------------------------------------


@pytest.fixture
def decision(ctx):
    gov = Government(slug="chifeng", name="赤峰市", name_en="Chifeng", level=GovernmentLevel.CITY)
    dept = Department(
        government=gov,
        slug="housing",
        name="市住建局",
        name_en="Housing",
        kind=DepartmentKind.ORDINARY,
    )
    author = User(username="author", display_name="李强", department=dept, password_hash="x")
    db.session.add_all([gov, dept, author])
    db.session.flush()
    d = decision_service.create_decision(
        government=gov,
        title="测试决策",
        category=Category.PUBLIC_POLICY,
        year=2026,
        summary="",
        undertaking_unit=dept,
        source=DecisionSource.CATALOG,
        actor=author,
        now=NOW,
    )
    db.session.commit()
    return d


def _author():
    return db.session.scalar(sa.select(User).where(User.username == "author"))


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_versions_are_numbered_with_author_and_hash_and_audited(decision):
    author = _author()
    v1 = drafts.add_version(
        decision, DocumentKind.DRAFT, body="第一条", change_note="初稿", actor=author, now=NOW
    )
    v2 = drafts.add_version(
        decision, DocumentKind.DRAFT, body="第一条（改）", change_note="", actor=author, now=NOW
    )
    assert (v1.number, v2.number) == (1, 2)
    assert v1.document_id == v2.document_id
    assert v2.created_by_id == author.id and v2.created_at == NOW
    assert v2.sha256 == drafts.sha256_of("第一条（改）")
    doc = drafts.draft_document(decision, DocumentKind.DRAFT)
    assert doc.title == "测试决策（草案）" and doc.is_public is False
    assert [v.number for v in doc.versions] == [1, 2]
    assert len(_entries("draft.document_create")) == 1
    entries = _entries("draft.version_add")
    assert len(entries) == 2
    data = json.loads(entries[-1].data)
    assert data["after"]["number"] == 2 and data["after"]["sha256"] == v2.sha256
    assert "第一条（改）" not in entries[-1].data


def test_the_explanation_is_a_separate_document(decision):
    drafts.add_version(
        decision, DocumentKind.DRAFT, body="草案", change_note="", actor=None, now=NOW
    )
    v = drafts.add_version(
        decision,
        DocumentKind.DRAFTING_EXPLANATION,
        body="说明",
        change_note="",
        actor=None,
        now=NOW,
    )
    assert v.number == 1
    docs = drafts.draft_documents(decision)
    assert docs[DocumentKind.DRAFTING_EXPLANATION].title == "关于测试决策的起草说明"


def test_only_drafts_and_explanations_are_versioned_here(decision):
    with pytest.raises(ValueError):
        drafts.ensure_document(decision, DocumentKind.DECISION_TEXT, actor=None, now=NOW)


def test_publishing_a_version_makes_the_document_public_once(decision):
    v = drafts.add_version(
        decision, DocumentKind.DRAFT, body="草案", change_note="", actor=None, now=NOW
    )
    assert drafts.publish_version(decision, v, actor=None, now=NOW) is True
    assert v.published_at == NOW and v.document.is_public is True
    assert drafts.publish_version(decision, v, actor=None, now=NOW) is False
    assert len(_entries("draft.version_publish")) == 2  # the version, then the document


def test_a_non_disclosable_decision_never_publishes_its_draft(decision):
    decision.non_disclosable = True
    decision.non_disclosable_basis = "保密法"
    v = drafts.add_version(
        decision, DocumentKind.DRAFT, body="涉密", change_note="", actor=None, now=NOW
    )
    with pytest.raises(RuleViolation) as refused:
        drafts.publish_version(decision, v, actor=None, now=NOW)
    assert refused.value.rule == "A7"
    assert v.published_at is None and v.document.is_public is False


def test_find_version_is_scoped_to_the_decision(decision):
    drafts.add_version(
        decision, DocumentKind.DRAFT, body="草案", change_note="", actor=None, now=NOW
    )
    assert drafts.find_version(decision, DocumentKind.DRAFT, 1).body == "草案"
    assert drafts.find_version(decision, DocumentKind.DRAFT, 2) is None
    assert drafts.find_version(decision, DocumentKind.DRAFTING_EXPLANATION, 1) is None
