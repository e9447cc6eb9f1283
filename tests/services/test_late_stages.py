"""The services of the later stages (issue 11): publication as a transition, locked records
corrected only by the role the rules name, PROC-45c new procedure instances, PART-18a."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Decision, User
from portal.models.implementation import DecisionChangeKind
from portal.rules.enums import (
    LegalityOpinionKind,
    LegalityOutcome,
    MeetingOutcome,
    MeetingType,
    PartyReportKind,
)
from portal.rules.errors import RuleViolation
from portal.rules.stages import Stage, Step, StepStatus
from portal.services import changes, corrections, deliberation, legality, procedure, publication
from tests.conftest import NOW


def _decision(title_start: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.startswith(title_start)))


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def _rules(refusal: pytest.ExceptionInfo) -> list[str]:
    return [v.rule for v in refusal.value.violations]


PUBLISH = publication.PublicationInput(date(2026, 11, 26), ("赤峰市人民政府网站",))


def test_publish_decision_refuses_every_reason_and_writes_nothing(ctx, demo):
    d = _decision("赤峰市老城区地下管网")  # at initiation
    with pytest.raises(RuleViolation) as refused:
        publication.publish_decision(d, PUBLISH, actor=_user("office"), now=NOW)
    db.session.rollback()
    assert {"PROC-36a", "PROC-35c", "PROC-28b"} <= set(_rules(refused))
    d = _decision("赤峰市老城区地下管网")
    assert d.published_at is None and d.step(Step.PUBLICATION) is None


def test_a_running_publication_step_without_a_date_checks_the_gates_again(ctx, demo):
    d = _decision("赤峰市基本医疗保险门诊共济")
    office, reviewer = _user("office"), _user("reviewer")
    procedure.transition(d, Step.PUBLICATION, actor=office, now=NOW)
    db.session.commit()
    assert d.step(Step.PUBLICATION).status is StepStatus.IN_PROGRESS and d.published_at is None
    # the legality department corrects its opinion after the meeting: the draft is unlawful
    lr = procedure.legality_review(d)
    opinion = legality.LegalityOpinionInput(
        LegalityOpinionKind.LEGALITY_OPINION,
        lr.opinion_issued_on,
        LegalityOutcome.UNLAWFUL,
        lr.opinion_text,
    )
    legality.issue_legality_opinion(
        d, opinion, actor=reviewer, now=NOW, correction="签发稿结论为不合法"
    )
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        publication.publish_decision(d, PUBLISH, actor=office, now=NOW)
    db.session.rollback()
    assert _rules(refused) == ["PROC-28d"]
    assert _decision("赤峰市基本医疗保险门诊共济").published_at is None


def test_a_correction_by_the_wrong_role_is_refused_with_the_rule_that_names_the_role(ctx, demo):
    d = _decision("赤峰市基本医疗保险门诊共济")
    m = procedure.meeting(d)
    data = deliberation.MeetingInput(
        meeting_type=MeetingType.PLENARY_MEETING,
        meeting_on=m.meeting_on,
        materials=tuple(m.materials),
        outcome=MeetingOutcome.APPROVED,
        minutes=m.minutes,
        dissent=m.dissent,
        risk_controllable=True,
    )
    with pytest.raises(RuleViolation) as refused:
        deliberation.save_meeting(
            d, data, actor=_user("reviewer"), now=NOW, correction="改为全体会议"
        )
    db.session.rollback()
    assert _rules(refused) == ["PROC-35a"]
    report = deliberation.PartyReportInput(PartyReportKind.REPORT, date(2026, 11, 25), "x")
    with pytest.raises(RuleViolation) as refused:
        deliberation.save_party_report(
            d, report, actor=_user("undertaker"), now=NOW, correction="文种有误"
        )
    db.session.rollback()
    assert _rules(refused) == ["PROC-36a"]
    deliberation.save_meeting(d, data, actor=_user("office"), now=NOW, correction="改为全体会议")
    db.session.commit()
    assert procedure.meeting(d).meeting_type is MeetingType.PLENARY_MEETING
    assert [c.group for c in corrections.corrections_of(d)] == ["meeting"]


def test_a_new_round_of_discussion_cannot_precede_the_one_that_asked_for_revision(ctx, demo):
    d = _decision("赤峰市基本医疗保险门诊共济")
    office = _user("office")
    m = procedure.meeting(d)
    revise = deliberation.MeetingInput(
        meeting_type=MeetingType.EXECUTIVE_MEETING,
        meeting_on=m.meeting_on,
        materials=tuple(m.materials),
        outcome=MeetingOutcome.REVISE_AND_RESUBMIT,
        minutes=m.minutes,
        dissent=m.dissent,
    )
    deliberation.save_meeting(d, revise, actor=office, now=NOW, correction="会议决定修改后再议")
    db.session.commit()
    earlier = deliberation.MeetingInput(
        meeting_type=MeetingType.EXECUTIVE_MEETING, meeting_on=date(2026, 11, 20)
    )
    with pytest.raises(RuleViolation) as refused:
        deliberation.save_meeting(d, earlier, actor=office, now=NOW)
    db.session.rollback()
    assert "PROC-35c" in _rules(refused)
    later = deliberation.MeetingInput(
        meeting_type=MeetingType.EXECUTIVE_MEETING, meeting_on=date(2026, 12, 3)
    )
    assert deliberation.save_meeting(d, later, actor=office, now=NOW).round == 2


def test_a_major_adjustment_accepts_only_its_own_new_procedure_instance(ctx, demo):
    d = _decision("赤峰市城区停车设施")
    office = _user("office")
    closed = _decision("赤峰市城乡居民最低生活保障")  # closed and unrelated: no longer passes
    data = changes.ChangeInput(
        DecisionChangeKind.MAJOR_ADJUSTMENT, date(2026, 11, 25), new_decision_id=closed.id
    )
    with pytest.raises(RuleViolation) as refused:
        changes.record_change(d, data, actor=office, now=NOW)
    db.session.rollback()
    assert _rules(refused) == ["PROC-45c"]
    created = changes.record_change(
        d,
        {"kind": DecisionChangeKind.MAJOR_ADJUSTMENT, "decided_on": date(2026, 11, 25)},
        actor=office,
        now=NOW,
    )
    new = db.session.get(Decision, created.new_decision_id)
    assert new.adjusts_decision_id == d.id and new.stage is Stage.INITIATED
    # a caller naming that instance (the evaluation screen) is accepted
    again = changes.record_change(
        d, {**data.__dict__, "new_decision_id": new.id}, actor=office, now=NOW
    )
    assert again.new_decision_id == new.id
    links = changes.adjustment_links(d)
    assert links.adjusted_by == [new] and changes.adjustment_links(new).adjusts == d


def test_a_secret_decisions_adjustment_is_secret_too(ctx, demo):
    d = _decision("赤峰市城区停车设施")
    office, unit = _user("office"), _user("undertaker")
    change = corrections.FlagChange("non_disclosable", True, "涉密", basis="《保守国家秘密法》")
    corrections.confirm_flag_request(
        corrections.request_flag_change(d, change, actor=unit, now=NOW), actor=office, now=NOW
    )
    row = changes.record_change(
        d,
        changes.ChangeInput(DecisionChangeKind.MAJOR_ADJUSTMENT, date(2026, 11, 25)),
        actor=office,
        now=NOW,
    )
    new = db.session.get(Decision, row.new_decision_id)
    assert new.non_disclosable and new.non_disclosable_basis == "《保守国家秘密法》"


def test_public_deliberation_lists_only_recorded_outcomes_of_disclosable_items(ctx, demo):
    shown = deliberation.public_deliberation(_decision("赤峰市基本医疗保险门诊共济"))
    assert [(m.meeting_type, m.meeting_on, m.outcome) for m in shown] == [
        (MeetingType.EXECUTIVE_MEETING, date(2026, 11, 23), MeetingOutcome.APPROVED)
    ]
    assert not hasattr(shown[0], "minutes") and not hasattr(shown[0], "dissent")
    assert deliberation.public_deliberation(_decision("赤峰市城市公共交通票价")) == []
    assert deliberation.public_deliberation(_decision("赤峰市重要物资储备")) == []


def test_a_correction_of_the_submission_date_cannot_pass_the_reviews_own_records(ctx, demo):
    d = _decision("赤峰市学前教育")  # supplement requested on 17 September
    with pytest.raises(RuleViolation) as refused:
        legality.correct_submission_date(
            d, date(2026, 9, 18), correction="收件日期有误", actor=_user("reviewer"), now=NOW
        )
    db.session.rollback()
    assert refused.value.field == "submitted_on"
    legality.correct_submission_date(
        d, date(2026, 9, 14), correction="收件日期有误", actor=_user("reviewer"), now=NOW
    )
    assert procedure.legality_review(d).submitted_on == date(2026, 9, 14)


def test_the_a11_confirmation_follows_an_issued_opinion_without_a_correction(ctx, demo):
    d = _decision("赤峰市学前教育")
    lr = procedure.legality_review(d)
    wrote_before = len(corrections.corrections_of(d))
    opinion = legality.LegalityOpinionInput(
        lr.opinion_kind,
        lr.opinion_issued_on,
        lr.outcome,
        lr.opinion_text,
        no_substantive_change_confirmed=True,
    )
    # the collective decision has started: even this follow-up is a correction now
    with pytest.raises(RuleViolation) as refused:
        legality.issue_legality_opinion(d, opinion, actor=_user("reviewer"), now=NOW)
    db.session.rollback()
    assert _rules(refused) == ["PROC-39a"]
    legality.issue_legality_opinion(
        d, opinion, actor=_user("reviewer"), now=NOW, correction="终稿无实质性修改"
    )
    lr = procedure.legality_review(d)
    assert lr.no_substantive_change_confirmed and lr.outcome is LegalityOutcome.LAWFUL
    assert len(corrections.corrections_of(d)) == wrote_before + 1


def test_a_recorded_change_is_locked(ctx, demo):
    from portal.models.implementation import DecisionChange
    from portal.services.records import update_record

    d = _decision("赤峰市中心城区渣土运输")  # suspended by the executive head
    row = db.session.scalar(sa.select(DecisionChange).where(DecisionChange.decision_id == d.id))
    with pytest.raises(RuleViolation) as refused:
        update_record(
            row, {"reason": "改写理由"}, decision=d, actor=_user("office"), now=NOW, action="x"
        )
    db.session.rollback()
    assert _rules(refused) == ["PROC-39a"]
    with pytest.raises(RuleViolation) as refused:
        update_record(
            row,
            {"reason": "改写理由"},
            decision=d,
            actor=_user("undertaker"),
            now=NOW,
            action="x",
            correction="理由登记有误",
        )
    db.session.rollback()
    assert _rules(refused) == ["PROC-45a"]  # the government office corrects changes
