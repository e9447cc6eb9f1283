"""Public participation services (portal.services.participation): opening the comment window,
changing and extending it, activities recorded by hand, and what the compliance facts count
(PROC-16a, PROC-17a/b/c, PART-7, PART-12a, PROC-29b). Both sides of each boundary; state
unchanged after a refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.document import DocumentKind
from portal.models.org import Department, Government
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.rules import gates
from portal.rules.enums import ParticipationMethod
from portal.rules.errors import RuleViolation
from portal.rules.stages import Category, Step
from portal.services import decisions as decision_service
from portal.services import drafts, hearing_steps, procedure
from portal.services import participation as part
from portal.services.hearings import HearingKind, SelectionMethod
from tests.conftest import NOW

TODAY = date(2026, 11, 26)


def staff() -> User:
    return db.session.scalar(sa.select(User).where(User.username == "undertaker"))


def new_decision(*, participation: bool = True, drafts_published: bool = True) -> Decision:
    gov = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    unit = db.session.scalar(
        sa.select(Department).where(
            Department.government_id == gov.id, Department.slug == "housing"
        )
    )
    d = decision_service.create_decision(
        government=gov,
        title="参与服务测试事项",
        category=Category.PUBLIC_POLICY,
        year=2026,
        summary="",
        undertaking_unit=unit,
        source=DecisionSource.CATALOG,
        actor=None,
        now=NOW,
    )
    if participation:
        d.steps.append(ProcedureStep(step=Step.PUBLIC_PARTICIPATION, started_at=NOW))
    if drafts_published:
        for kind in (DocumentKind.DRAFT, DocumentKind.DRAFTING_EXPLANATION):
            v = drafts.add_version(d, kind, body="全文", change_note="", actor=staff(), now=NOW)
            drafts.publish_version(d, v, actor=staff(), now=NOW)
    db.session.commit()
    return d


def draft_of(d: Decision):
    return drafts.draft_document(d, DocumentKind.DRAFT).latest


def notice(d: Decision, **changes) -> part.ConsultationNotice:
    data = {
        "title": "关于公开征求意见的公告",
        "opens_on": TODAY,
        "closes_on": TODAY + timedelta(days=30),
        "channels": "在线提交",
        "contact_department": "市住建局",
        "contact_phone": "0476-8331234",
        "draft_version_id": draft_of(d).id if draft_of(d) else None,
    }
    data.update(changes)
    return part.ConsultationNotice(**data)


def windows(d: Decision) -> list[Consultation]:
    return list(db.session.scalars(sa.select(Consultation).where(Consultation.decision_id == d.id)))


def refused(call) -> list[tuple[str, str | None]]:
    with pytest.raises(RuleViolation) as exc:
        call()
    db.session.rollback()
    return [(v.rule, v.field) for v in exc.value.violations]


# -- opening (PROC-16a, PROC-17a/b/c, PART-7b) -----------------------------------------------


def test_a_complete_notice_opens_the_window_and_counts_as_open_comment(demo):
    d = new_decision()
    c = part.open_consultation(d, notice(d), actor=staff(), now=NOW)
    db.session.commit()
    assert c.id and c.draft_version_id == draft_of(d).id
    assert ParticipationMethod.OPEN_COMMENT in procedure.participation_facts(d).methods


def test_proc_16a_no_window_outside_public_participation(demo):
    d = new_decision(participation=False)
    assert refused(lambda: part.open_consultation(d, notice(d), actor=staff(), now=NOW)) == [
        ("PROC-16a", "opens_on")
    ]
    assert windows(d) == []


def test_proc_17a_no_window_without_the_published_draft_and_explanation(demo):
    d = new_decision(drafts_published=False)
    v = drafts.add_version(d, DocumentKind.DRAFT, body="稿", change_note="", actor=staff(), now=NOW)
    db.session.commit()
    problems = refused(
        lambda: part.open_consultation(d, notice(d, draft_version_id=v.id), actor=staff(), now=NOW)
    )
    assert problems == [("PROC-17a", "draft_version"), ("PROC-17a", "draft_version")]
    assert windows(d) == []


def test_part_7b_and_proc_17c_every_notice_field_and_the_reason_for_a_short_period(demo):
    d = new_decision()
    bare = notice(d, channels="", contact_department="", contact_phone="")
    assert {
        r for r, _f in refused(lambda: part.open_consultation(d, bare, actor=staff(), now=NOW))
    } == {"PART-7b"}
    short = notice(d, closes_on=TODAY + timedelta(days=20))
    assert refused(lambda: part.open_consultation(d, short, actor=staff(), now=NOW)) == [
        ("PROC-17b", "closes_on")
    ]
    with_reason = notice(d, closes_on=TODAY + timedelta(days=20), shortened_reason="情况紧急")
    part.open_consultation(d, with_reason, actor=staff(), now=NOW)
    db.session.commit()
    facts = procedure.participation_facts(d)
    assert facts.comment_periods[0].reason_published  # PROC-17c: in the notice itself


def test_a_window_without_a_published_draft_does_not_count_for_proc_16a(demo):
    """Issue 11: open comment ran with no draft attached and still counted for PROC-16a."""
    d = new_decision(drafts_published=False)
    db.session.add(
        Consultation(
            decision_id=d.id,
            title="无草案的征求意见",
            opens_at=NOW - timedelta(days=40),
            closes_at=NOW - timedelta(days=5),
            channels="在线提交",
        )
    )
    db.session.commit()
    facts = procedure.build_facts(d)
    assert ParticipationMethod.OPEN_COMMENT not in facts.participation.methods
    assert "PROC-16a" in {v.rule for v in gates.participation_completion_violations(facts)}


# -- once open: extended, never shortened (PROC-17b/17c) ---------------------------------------


def opened_window(days: int = 30) -> tuple[Decision, Consultation]:
    d = new_decision()
    start = NOW - timedelta(days=10)
    c = part.open_consultation(
        d,
        notice(
            d,
            opens_on=TODAY - timedelta(days=10),
            closes_on=TODAY + timedelta(days=days - 10),
            shortened_reason="情况紧急" if days < 30 else "",
        ),
        actor=staff(),
        now=start,
    )
    db.session.commit()
    return d, c


def test_an_open_window_is_not_shortened_even_as_a_correction(demo):
    d, c = opened_window()
    closes = c.closes_at
    cut = notice(d, opens_on=TODAY - timedelta(days=10), closes_on=TODAY + timedelta(days=1))
    for correction in (None, "工作需要"):
        problems = refused(
            lambda correction=correction: part.save_consultation_notice(
                c, cut, decision=d, actor=staff(), now=NOW, correction=correction
            )
        )
        assert ("PROC-17b", "closes_on") in problems
    db.session.expire_all()
    assert db.session.get(Consultation, c.id).closes_at == closes


def test_a_typo_in_an_open_notice_is_a_correction_by_the_undertaking_unit(demo):
    d, c = opened_window()
    fixed = notice(
        d,
        opens_on=TODAY - timedelta(days=10),
        closes_on=TODAY + timedelta(days=20),
        contact_phone="0476-8331235",
    )
    locked = refused(
        lambda: part.save_consultation_notice(c, fixed, decision=d, actor=staff(), now=NOW)
    )
    assert locked[0][0] == "PROC-39a"
    part.save_consultation_notice(
        c, fixed, decision=d, actor=staff(), now=NOW, correction="电话号码笔误"
    )
    db.session.commit()
    assert db.session.get(Consultation, c.id).contact_phone == "0476-8331235"


def test_an_extension_is_recorded_and_a_shorter_one_refused(demo):
    d, c = opened_window()
    last = part.period(c, NOW).last_day
    assert refused(
        lambda: part.extend_consultation(
            c,
            part.ExtensionInput(last - timedelta(days=1), "x"),
            decision=d,
            actor=staff(),
            now=NOW,
        )
    ) == [("PROC-17b", "closes_on")]
    assert refused(
        lambda: part.extend_consultation(
            c, part.ExtensionInput(last, "同一天"), decision=d, actor=staff(), now=NOW
        )
    ) == [("", "closes_on")]
    x = part.extend_consultation(
        c,
        part.ExtensionInput(last + timedelta(days=7), "应群众要求"),
        decision=d,
        actor=staff(),
        now=NOW,
    )
    db.session.commit()
    c = db.session.get(Consultation, c.id)
    assert part.period(c, NOW).last_day == last + timedelta(days=7)
    assert x.previous_closes_at < x.closes_at == c.closes_at and c.extensions == [x]


def test_a_closed_window_is_not_extended_and_a_new_round_opens_beside_it(demo):
    d, c = opened_window(days=5)  # closed five days ago
    assert refused(
        lambda: part.extend_consultation(
            c,
            part.ExtensionInput(TODAY + timedelta(days=3), "重开"),
            decision=d,
            actor=staff(),
            now=NOW,
        )
    ) == [("PROC-17b", "closes_on")]
    part.open_consultation(d, notice(d), actor=staff(), now=NOW)
    db.session.commit()
    assert len(windows(d)) == 2
    # while a window runs, no other is opened
    assert refused(lambda: part.open_consultation(d, notice(d), actor=staff(), now=NOW)) == [
        ("", "opens_on")
    ]


# -- activities, and hearings only from the hearing module (PART-12a, PROC-29b) ---------------


def test_hearings_and_symposiums_count_only_when_announced_in_the_hearing_module(demo):
    d = new_decision()
    fields = hearing_steps.HearingFields(
        kind=HearingKind.HEARING,
        title="模块听证会",
        subject="票价",
        starts_at=NOW + timedelta(days=20),
        ends_at=None,
        place="听证室",
        seats=3,
        selection_method=SelectionMethod.FIRST_COME,
        selection_rules="先到先得",
        registration_method="在线报名",
        contact_info="0476-8888101",
        other_matters="允许旁听",
        registration_opens_at=NOW - timedelta(days=1),
        registration_closes_at=NOW + timedelta(days=5),
        sides=[("居民", 0)],
    )
    h = hearing_steps.create_hearing(d, fields, actor=staff(), now=NOW)
    db.session.commit()
    assert procedure.participation_facts(d).hearings == ()  # planned, not announced
    hearing_steps.announce_hearing(h, actor=staff(), now=NOW)
    db.session.commit()
    facts = procedure.participation_facts(d)
    assert len(facts.hearings) == 1 and ParticipationMethod.HEARING in facts.methods
    hearing_steps.cancel_hearing(h, "场地变更，另行通知", actor=staff(), now=NOW)
    db.session.commit()
    assert procedure.participation_facts(d).hearings == ()  # a cancelled hearing counts not


def test_a_hearing_cannot_be_recorded_or_disguised_by_hand(demo):
    d = new_decision()
    hearing = part.ActivityInput(ParticipationMethod.HEARING, "听证会", TODAY, held=True)
    assert refused(lambda: part.record_activity(d, hearing, actor=staff(), now=NOW)) == [
        ("PART-12a", "method")
    ]
    poll = part.record_activity(
        d,
        part.ActivityInput(ParticipationMethod.POLL, "民意调查", TODAY, held=True),
        actor=staff(),
        now=NOW,
    )
    db.session.commit()
    # turning it into a hearing afterwards is the same refusal
    assert refused(
        lambda: part.record_activity(d, hearing, activity=poll, actor=staff(), now=NOW)
    ) == [("PART-12a", "method")]
    assert db.session.get(ParticipationActivity, poll.id).method is ParticipationMethod.POLL


def test_an_activity_kept_by_a_hearing_is_not_changed_or_deleted_by_hand(demo):
    d = new_decision()
    fields = hearing_steps.HearingFields(
        kind=HearingKind.SYMPOSIUM,
        title="座谈会",
        subject="草案",
        starts_at=NOW + timedelta(days=10),
        ends_at=None,
        place="会议室",
        seats=5,
        selection_method=SelectionMethod.INVITATION,
    )
    h = hearing_steps.create_hearing(d, fields, actor=staff(), now=NOW)
    db.session.commit()
    poll = part.ActivityInput(ParticipationMethod.POLL, "改成民意调查", TODAY)
    assert refused(
        lambda: part.record_activity(d, poll, activity=h.activity, actor=staff(), now=NOW)
    ) == [("", "method")]
    assert refused(
        lambda: part.delete_activity(h.activity, decision=d, actor=staff(), now=NOW)
    ) == [("", "method")]


def test_public_activities_are_the_hand_recorded_kinds_once_held(demo):
    d = new_decision()
    for method, held, on in (
        (ParticipationMethod.QUESTIONNAIRE, True, TODAY),
        (ParticipationMethod.FIELD_VISIT, False, TODAY + timedelta(days=5)),
        (ParticipationMethod.CONSULTATION_MEETING, False, TODAY - timedelta(days=3)),
    ):
        part.record_activity(
            d, part.ActivityInput(method, str(method), on, held=held), actor=staff(), now=NOW
        )
    db.session.add(
        ParticipationActivity(
            decision_id=d.id, method=ParticipationMethod.HEARING, title="手工听证", held_on=TODAY
        )
    )
    db.session.commit()
    shown = [a.method for a in part.public_activities(d)]
    assert shown == [ParticipationMethod.CONSULTATION_MEETING, ParticipationMethod.QUESTIONNAIRE]
