"""Records that lock: an issued record is refused in place and corrected with a reason by the
role the rules name; gate-switching flags change only on the government office's confirmation
(PROC-39a, A7, A17, A42, A38)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Correction, Decision, FlagRequest, LegalityReview, User
from portal.models.correction import FlagRequestStatus
from portal.rules.enums import LegalityOutcome
from portal.rules.errors import RuleViolation
from portal.services import corrections
from portal.services.records import delete_record, update_record
from tests.conftest import NOW


def _decision(title_start: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.startswith(title_start)))


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def _review(d: Decision) -> LegalityReview:
    return db.session.scalar(
        sa.select(LegalityReview)
        .where(LegalityReview.decision_id == d.id)
        .order_by(LegalityReview.round.desc())
    )


def _corrections(d: Decision) -> list[Correction]:
    return corrections.corrections_of(d)


def test_an_issued_legality_opinion_is_refused_in_place_proc_39a(ctx, demo):
    d = _decision("赤峰市基本医疗保险")
    lr = _review(d)
    assert lr.outcome is LegalityOutcome.LAWFUL and lr.opinion_issued_on is not None
    with pytest.raises(RuleViolation) as refused:
        update_record(
            lr,
            {"outcome": LegalityOutcome.UNLAWFUL},
            decision=d,
            actor=_user("reviewer"),
            now=NOW,
            action="legality.opinion",
        )
    db.session.rollback()
    assert refused.value.rule == "PROC-39a"
    assert _review(d).outcome is LegalityOutcome.LAWFUL
    assert _corrections(d) == []


def test_only_the_legality_review_department_corrects_its_opinion_with_a_reason(ctx, demo):
    d = _decision("赤峰市基本医疗保险")
    lr = _review(d)
    kwargs = {"decision": d, "now": NOW, "action": "legality.opinion"}
    # the undertaking unit cannot correct the reviewer's opinion (PROC-28c names the department)
    with pytest.raises(RuleViolation) as refused:
        update_record(
            lr,
            {"outcome": LegalityOutcome.UNLAWFUL},
            actor=_user("undertaker"),
            correction="录入错误",
            **kwargs,
        )
    db.session.rollback()
    assert refused.value.rule == "PROC-28c"
    # the department without a reason: refused too
    with pytest.raises(RuleViolation) as refused:
        update_record(
            lr,
            {"outcome": LegalityOutcome.UNLAWFUL},
            actor=_user("reviewer"),
            correction=" ",
            **kwargs,
        )
    db.session.rollback()
    assert [v.rule for v in refused.value.violations] == ["PROC-39a"]
    assert _review(d).outcome is LegalityOutcome.LAWFUL
    # the department with a reason: the correction is kept next to the original
    lr = _review(d)
    update_record(
        lr,
        {"outcome": LegalityOutcome.LAWFUL_WITH_MODIFICATIONS},
        actor=_user("reviewer"),
        correction="审查意见书第三项结论录入有误，以签发文本为准",
        **kwargs,
    )
    db.session.commit()
    assert _review(d).outcome is LegalityOutcome.LAWFUL_WITH_MODIFICATIONS
    (row,) = _corrections(d)
    assert row.changes == {"outcome": ["lawful", "lawful_with_modifications"]}
    assert row.reason.startswith("审查意见书") and row.public is False
    assert corrections.public_corrections(d) == []  # legality opinions are not public
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry.action == "legality.opinion.correction" and "审查意见书" in entry.data


def test_a_locked_record_is_never_deleted(ctx, demo):
    d = _decision("赤峰市基本医疗保险")
    with pytest.raises(RuleViolation) as refused:
        delete_record(_review(d), decision=d, actor=_user("reviewer"), now=NOW, action="x")
    db.session.rollback()
    assert refused.value.rule == "PROC-39a"
    assert _review(d) is not None


def test_a_publication_date_is_corrected_by_the_office_and_shown_publicly(ctx, demo):
    d = _decision("赤峰市学前教育")
    before = d.published_at
    with pytest.raises(RuleViolation) as refused:
        update_record(
            d,
            {"published_at": before.replace(day=before.day - 1)},
            decision=d,
            actor=_user("undertaker"),
            now=NOW,
            action="publication.publish",
            correction="政府网站实际发布日期更早",
        )
    db.session.rollback()
    assert refused.value.rule == "PROC-37a"
    update_record(
        d,
        {"published_at": before.replace(day=before.day - 1)},
        decision=d,
        actor=_user("office"),
        now=NOW,
        action="publication.publish",
        correction="政府网站实际发布日期更早",
    )
    db.session.commit()
    (row,) = corrections.public_corrections(d)
    assert set(row.changes) == {"published_at"} and row.public


def test_nothing_of_an_archived_decision_changes_not_even_by_correction(ctx, demo):
    d = _decision("赤峰市城乡居民最低生活保障")
    assert d.archived_at is not None
    with pytest.raises(RuleViolation) as refused:
        update_record(
            d,
            {"filing_ref": "更正"},
            decision=d,
            actor=_user("office"),
            now=NOW,
            action="publication.filing",
            correction="备案号录入有误",
        )
    db.session.rollback()
    assert refused.value.rule == "PROC-39a" and refused.value.field == "archived_at"
    with pytest.raises(RuleViolation):
        corrections.request_flag_change(
            d,
            corrections.FlagChange("high_public_concern", True, "社会关注度高"),
            actor=_user("undertaker"),
            now=NOW,
        )


# -- gate-switching flags (A7, A17, A42) --------------------------------------------------------


def test_a_flag_is_not_edited_in_place_even_by_the_office(ctx, demo):
    d = _decision("赤峰市城市公共交通票价")
    with pytest.raises(RuleViolation) as refused:
        update_record(
            d,
            {"is_exploratory_reform": True},
            decision=d,
            actor=_user("office"),
            now=NOW,
            action="initiation.update",
        )
    db.session.rollback()
    assert refused.value.rule == "PROC-39a"
    assert _decision("赤峰市城市公共交通票价").is_exploratory_reform is False


def test_non_disclosure_needs_its_basis_and_the_offices_confirmation_a7(ctx, demo):
    d = _decision("赤峰市城市公共交通票价")
    undertaker, office = _user("undertaker"), _user("office")
    change = corrections.FlagChange("non_disclosable", True, "涉及国家秘密")
    with pytest.raises(RuleViolation) as refused:
        corrections.request_flag_change(d, change, actor=undertaker, now=NOW)
    db.session.rollback()
    assert refused.value.rule == "A7" and refused.value.field == "basis"
    request = corrections.request_flag_change(
        d,
        corrections.FlagChange("non_disclosable", True, "涉及国家秘密", "《保守国家秘密法》第九条"),
        actor=undertaker,
        now=NOW,
    )
    db.session.commit()
    assert _decision("赤峰市城市公共交通票价").non_disclosable is False  # not yet confirmed
    # the unit cannot confirm its own request; only the government office can
    with pytest.raises(RuleViolation) as refused:
        corrections.confirm_flag_request(request, actor=undertaker, now=NOW)
    db.session.rollback()
    assert refused.value.rule == "A7"
    assert _decision("赤峰市城市公共交通票价").non_disclosable is False
    corrections.confirm_flag_request(request, "同意", actor=office, now=NOW)
    db.session.commit()
    d = _decision("赤峰市城市公共交通票价")
    assert d.non_disclosable is True and d.non_disclosable_basis == "《保守国家秘密法》第九条"
    assert db.session.get(FlagRequest, request.id).status is FlagRequestStatus.CONFIRMED
    (row,) = _corrections(d)
    assert row.group == "gate_flags" and row.changes["non_disclosable"] == [False, True]
    assert row.public is False


def test_the_office_does_not_confirm_its_own_request(ctx, demo):
    d = _decision("赤峰市城市公共交通票价")
    office = _user("office")
    request = corrections.request_flag_change(
        d,
        corrections.FlagChange("high_public_concern", True, "听证会参加人意见分歧较大"),
        actor=office,
        now=NOW,
    )
    with pytest.raises(RuleViolation) as refused:
        corrections.confirm_flag_request(request, actor=office, now=NOW)
    db.session.rollback()
    assert refused.value.rule == "PROC-37b"
    assert _decision("赤峰市城市公共交通票价").high_public_concern is False


def test_a_rejected_request_changes_nothing_and_needs_a_note(ctx, demo):
    d = _decision("赤峰市城市公共交通票价")
    request = corrections.request_flag_change(
        d,
        corrections.FlagChange("is_exploratory_reform", True, "属于改革探索事项"),
        actor=_user("undertaker"),
        now=NOW,
    )
    with pytest.raises(RuleViolation):
        corrections.reject_flag_request(request, "", actor=_user("office"), now=NOW)
    db.session.rollback()
    request = db.session.get(FlagRequest, request.id)
    assert request is None or request.status is FlagRequestStatus.PENDING
    request = corrections.request_flag_change(
        d,
        corrections.FlagChange("is_exploratory_reform", True, "属于改革探索事项"),
        actor=_user("undertaker"),
        now=NOW,
    )
    corrections.reject_flag_request(request, "国家已有明确规定", actor=_user("office"), now=NOW)
    db.session.commit()
    assert _decision("赤峰市城市公共交通票价").is_exploratory_reform is False
    assert db.session.get(FlagRequest, request.id).status is FlagRequestStatus.REJECTED
