"""Issue 11, the later stages through their real screens: publishing is a transition of the
procedure, the records of legality review, deliberation, publication, filing, execution and
changes lock once issued, and a correction is made with a reason by the role the rules name
(PROC-28..38, PROC-39a, PROC-40b, PROC-45, PROC-8a, PART-18a). Each refusal is checked with its
rule ID and with the state unchanged; each side door (the workspace form, a second round, a
re-posted form, the API) is tried."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Correction, Decision, LegalityReview, User
from portal.models.audit import AuditEntry
from portal.models.deliberation import Meeting, PartyReport
from portal.models.implementation import DecisionChange
from portal.models.outbox import OutboxMessage
from portal.models.review import LegalityOpinionPoint, LegalityPause
from portal.rules.enums import REQUIRED_LEGALITY_MATERIALS, AdoptionStatus, LegalityOutcome
from portal.rules.stages import Stage, Step, StepStatus
from portal.services import corrections
from portal.services.records import update_record
from tests.conftest import NOW, login, new_city_decision, text_of


def _decision(title_start: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.startswith(title_start)))


def _fresh(d: Decision) -> Decision:
    db.session.expire_all()
    return db.session.get(Decision, d.id)


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def _url(d: Decision, path: str) -> str:
    return f"/admin/decisions/{d.id}/{path}"


def _as(client, username: str) -> None:
    client.post("/admin/logout")
    login(client, username)


def _actions(d: Decision) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(d.id))
            .order_by(AuditEntry.seq)
        ).all()
    )


def _corrections(d: Decision) -> list[Correction]:
    db.session.expire_all()
    return corrections.corrections_of(d)


def _review(d: Decision) -> LegalityReview:
    return db.session.scalar(
        sa.select(LegalityReview)
        .where(LegalityReview.decision_id == d.id)
        .order_by(LegalityReview.round.desc())
    )


def _status(d: Decision, step: Step) -> StepStatus | None:
    row = _fresh(d).step(step)
    return row.status if row else None


@pytest.fixture
def item(demo) -> Decision:
    """A new decision of the city, at initiation, whose unit passed its own collective
    discussion on 10 November (PROC-28a)."""
    decision = new_city_decision("赤峰市住房公积金缴存管理办法（测试）")
    update_record(
        decision,
        {"internal_discussion_on": date(2026, 11, 10)},
        decision=decision,
        actor="test",
        now=NOW,
        action="test.setup",
    )
    db.session.commit()
    return decision


@pytest.fixture
def ready(demo) -> Decision:
    """Demo decision 7: legality opinion of 22 November, executive meeting of 23 November
    (approved), Party committee request of 25 November; not published yet."""
    return _decision("赤峰市基本医疗保险门诊共济")


def _submit(client, d, on: str, materials=REQUIRED_LEGALITY_MATERIALS):
    return client.post(
        _url(d, "legality/submit?lang=en"),
        data={"submitted_on": on, "materials": [str(m) for m in materials]},
    )


def _adviser(client, d, on: str):
    return client.post(
        _url(d, "legality/advisers?lang=en"),
        data={
            "adv-role": "public_lawyer",
            "adv-name": "李律师",
            "adv-given_on": on,
            "adv-opinion": "未发现违法情形",
        },
    )


def _opinion(on: str, outcome: str = "lawful", **extra) -> dict:
    return {
        "opinion_kind": "legality_opinion",
        "opinion_issued_on": on,
        "outcome": outcome,
        "opinion_text": "经审查，办法第五条与上位法不一致。",
        **extra,
    }


# -- 1. publication is a transition ----------------------------------------------------------


def test_a_decision_still_at_initiation_cannot_be_published(client, item):
    """The bug of the issue: the office published an item still at "initiated"."""
    d = item
    login(client, "office")
    refused = client.post(
        _url(d, "publication/publish?lang=en"),
        data={"published_on": "2026-11-20", "channels": "赤峰市人民政府网站"},
    )
    assert refused.status_code == 422
    page = text_of(refused)
    assert "PROC-36a" in page and "PROC-35c" in page and "PROC-28b" in page
    d = _fresh(d)
    assert d.published_at is None and d.publication_channels == ""
    assert d.stage is Stage.INITIATED and d.step(Step.PUBLICATION) is None
    assert "publication.publish" not in _actions(d)
    assert not db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.payload.contains(f'"id": {d.id}'))
    )
    assert client.get(f"/api/v1/decisions/{d.id}").get_json()["published_at"] is None
    screen = text_of(client.get(_url(d, "publication?lang=en")))
    assert "What publishing needs" in screen and "PROC-36a" in screen


@pytest.mark.parametrize(
    ("day", "rule"),
    [
        ("2028-11-26", "PROC-38a"),  # two years ahead: would move the filing clock
        ("2026-11-27", "PROC-38a"),  # tomorrow
        ("2026-11-22", "PROC-37a"),  # before the meeting of 23 November
        ("2026-11-24", "PROC-36a"),  # before the Party committee request of 25 November
    ],
)
def test_a_publication_date_in_the_future_or_before_the_decision_is_refused(
    client, ready, day, rule
):
    d = ready
    login(client, "office")
    refused = client.post(
        _url(d, "publication/publish?lang=en"),
        data={"published_on": day, "channels": "赤峰市人民政府网站"},
    )
    assert refused.status_code == 422 and rule in text_of(refused)
    d = _fresh(d)
    assert d.published_at is None and d.step(Step.PUBLICATION) is None
    assert d.stage is Stage.DELIBERATION


def test_publishing_starts_the_step_and_makes_the_documents_public(client, ready):
    d = ready
    login(client, "office")
    data = {"doc-kind": "decision_text", "doc-title": "实施办法", "doc-body": "第一条 全文"}
    assert client.post(_url(d, "publication/documents"), data=data).status_code == 302
    assert "第一条 全文" not in text_of(client.get(f"/decisions/{d.id}"))
    ok = client.post(
        _url(d, "publication/publish"),
        data={"published_on": "2026-11-26", "channels": "赤峰市人民政府网站"},
    )
    assert ok.status_code == 302
    assert _status(d, Step.PUBLICATION) is StepStatus.IN_PROGRESS
    assert _status(d, Step.PARTY_COMMITTEE_REPORT) is StepStatus.COMPLETED
    assert _fresh(d).stage is Stage.PUBLISHED
    assert "procedure.transition" in _actions(d) and "publication.publish" in _actions(d)
    assert "第一条 全文" in text_of(client.get(f"/decisions/{d.id}"))
    assert (
        client.get(f"/api/v1/decisions/{d.id}")
        .get_json()["published_at"]
        .startswith("2026-11-26T00:00:00+08:00")
    )


def test_the_workspace_form_is_no_side_door_into_publication(client, ready):
    d = ready
    login(client, "office")
    refused = client.post(
        _url(d, "transition?lang=en"), data={"action": "start", "target": "publication"}
    )
    assert refused.status_code == 422
    page = text_of(refused)
    assert "PROC-37a" in page and "publication screen" in page
    # the next steps point to the publication screen instead
    assert "Publish the decision" in text_of(client.get(f"/admin/decisions/{d.id}?lang=en"))
    assert _status(d, Step.PUBLICATION) is None and _fresh(d).published_at is None
    assert "procedure.transition" not in _actions(d)[-1:]


def test_a_workspace_refusal_lists_every_reason(client, item):
    d = item
    login(client, "office")
    refused = client.post(
        _url(d, "transition?lang=en"), data={"action": "start", "target": "collective_decision"}
    )
    assert refused.status_code == 422
    page = text_of(refused)
    # the predecessor, the missing opinion and the missing meeting materials, all at once
    assert "PROC-28b" in page and "PROC-34a" in page and "PROC-31a" in page
    assert _status(d, Step.COLLECTIVE_DECISION) is None
    # and an exit without the office's permission is forbidden
    _as(client, "undertaker")
    exit_ = client.post(_url(d, "transition"), data={"action": "exit", "target": "closed"})
    assert exit_.status_code == 403


def test_a_published_date_is_locked_and_corrected_by_the_office_with_a_reason(client, demo):
    d = _decision("赤峰市学前教育")  # published on 17 October
    login(client, "office")
    moved = {"published_on": "2026-10-16", "channels": "赤峰市人民政府门户网站"}
    refused = client.post(_url(d, "publication/publish?lang=en"), data=moved)
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    assert _fresh(d).published_at.date() == date(2026, 10, 17)
    future = client.post(
        _url(d, "publication/publish?lang=en"),
        data={**moved, "published_on": "2027-01-05", "correction_reason": "录入错误"},
    )
    assert future.status_code == 422 and "PROC-38a" in text_of(future)
    ok = client.post(
        _url(d, "publication/publish"),
        data={**moved, "correction_reason": "政府网站实际发布时间为10月16日"},
    )
    assert ok.status_code == 302
    (row,) = _corrections(d)
    assert row.public and set(row.changes) == {"published_at", "publication_channels"}
    assert "publication.publish.correction" in _actions(d)
    screen = text_of(client.get(_url(d, "publication?lang=en")))
    assert "政府网站实际发布时间为10月16日" in screen and "Issued on 16 Oct 2026, locked" in screen
    dossier = text_of(client.get(f"/decisions/{d.id}?lang=zh"))
    assert "更正记录" in dossier and "政府网站实际发布时间为10月16日" in dossier
    # the unit may not publish or correct a publication at all
    _as(client, "undertaker")
    assert client.post(_url(d, "publication/publish"), data=moved).status_code == 403


def test_nothing_of_an_archived_decision_changes_not_even_by_correction(client, demo):
    d = _decision("赤峰市城乡居民最低生活保障")  # closed, archive complete
    login(client, "office")
    before = d.published_at
    refused = client.post(
        _url(d, "publication/publish?lang=en"),
        data={
            "published_on": "2025-02-07",
            "channels": "赤峰市人民政府门户网站",
            "correction_reason": "发布日期有误",
        },
    )
    assert refused.status_code == 422 and "archive of this decision is complete" in text_of(refused)
    assert _fresh(d).published_at == before and _corrections(d) == []


# -- 2. legality review -------------------------------------------------------------------------


def test_an_issued_opinion_is_locked_and_only_corrected_by_the_department(client, item):
    """The bug of the issue: "unlawful" was replaced by "lawful" in the same round."""
    d = item
    login(client, "undertaker")
    assert _submit(client, d, "2026-11-16").status_code == 302
    _as(client, "reviewer")
    assert _adviser(client, d, "2026-11-18").status_code == 302
    issued = client.post(_url(d, "legality/opinion"), data=_opinion("2026-11-20", "unlawful"))
    assert issued.status_code == 302
    again = client.post(_url(d, "legality/opinion?lang=en"), data=_opinion("2026-11-20"))
    assert again.status_code == 422 and "PROC-39a" in text_of(again)
    assert _review(d).outcome is LegalityOutcome.UNLAWFUL and _corrections(d) == []
    blank = client.post(
        _url(d, "legality/opinion?lang=en"), data=_opinion("2026-11-20", correction_reason=" ")
    )
    assert blank.status_code == 422 and "PROC-39a" in text_of(blank)
    corrected = client.post(
        _url(d, "legality/opinion"),
        data=_opinion("2026-11-20", correction_reason="签发文本结论为合法，系录入错误"),
    )
    assert corrected.status_code == 302
    assert _review(d).outcome is LegalityOutcome.LAWFUL
    (row,) = _corrections(d)
    assert row.changes["outcome"] == ["unlawful", "lawful"] and not row.public
    screen = text_of(client.get(_url(d, "legality?lang=en")))
    corrected_part = screen.split("Corrections", 1)[1]
    assert "签发文本结论为合法，系录入错误" in corrected_part
    assert "Unlawful → Lawful" in corrected_part  # the original stays visible
    # a point cannot be slipped into the issued opinion afterwards
    point = client.post(_url(d, "legality/points?lang=en"), data={"pt-text": "补充意见"})
    assert point.status_code == 422 and "PROC-39a" in text_of(point)
    # the unit's staff cannot reach the opinion form at all
    _as(client, "undertaker")
    assert client.post(_url(d, "legality/opinion"), data=_opinion("2026-11-20")).status_code == 403


def test_the_unit_cannot_move_the_submission_date_of_the_review_clock(client, item):
    d = item
    login(client, "undertaker")
    future = _submit(client, d, "2026-11-27")
    assert future.status_code == 422 and "PROC-31a" in text_of(future)
    early = _submit(client, d, "2026-11-09")  # before the unit's discussion of 10 November
    assert early.status_code == 422 and "PROC-28a" in text_of(early)
    assert _review(d) is None
    assert _submit(client, d, "2026-11-16", REQUIRED_LEGALITY_MATERIALS[:4]).status_code == 302
    backdated = _submit(client, d, "2026-11-12")  # would satisfy PROC-31a at once
    assert backdated.status_code == 422 and "PROC-39a" in text_of(backdated)
    assert _review(d).submitted_on == date(2026, 11, 16)
    # the materials of the open round may still be completed, with the same date
    assert _submit(client, d, "2026-11-16").status_code == 302
    assert len(_review(d).materials) == len(REQUIRED_LEGALITY_MATERIALS)
    # only the legality review department corrects the date, with a reason
    fix = {"sc-submitted_on": "2026-11-17", "sc-correction_reason": "材料于17日收齐"}
    assert client.post(_url(d, "legality/submission/correct"), data=fix).status_code == 403
    _as(client, "reviewer")
    no_reason = client.post(
        _url(d, "legality/submission/correct?lang=en"), data={**fix, "sc-correction_reason": ""}
    )
    assert no_reason.status_code == 422 and "PROC-39a" in text_of(no_reason)
    assert client.post(_url(d, "legality/submission/correct"), data=fix).status_code == 302
    assert _review(d).submitted_on == date(2026, 11, 17)
    (row,) = _corrections(d)
    assert row.changes == {"submitted_on": ["2026-11-16", "2026-11-17"]}
    assert "材料于17日收齐" in text_of(client.get(_url(d, "legality")))


def test_a_second_round_cannot_be_backdated_into_the_first(client, item):
    d = item
    login(client, "undertaker")
    _submit(client, d, "2026-11-16")
    _as(client, "reviewer")
    _adviser(client, d, "2026-11-17")
    assert (
        client.post(_url(d, "legality/opinion"), data=_opinion("2026-11-20", "unlawful"))
    ).status_code == 302
    _as(client, "undertaker")
    backdated = _submit(client, d, "2026-11-19")
    assert backdated.status_code == 422 and "PROC-31a" in text_of(backdated)
    assert _review(d).round == 1
    assert _submit(client, d, "2026-11-23").status_code == 302
    assert (_review(d).round, _review(d).submitted_on) == (2, date(2026, 11, 23))
    # after a return, the next round starts after the return day
    _as(client, "reviewer")
    returned = client.post(
        _url(d, "legality/return"), data={"returned_on": "2026-11-24", "returned_reason": "缺纪要"}
    )
    assert returned.status_code == 302
    _as(client, "undertaker")
    assert _submit(client, d, "2026-11-23").status_code == 422
    assert _submit(client, d, "2026-11-25").status_code == 302 and _review(d).round == 3


def test_review_dates_are_never_in_the_future_and_follow_each_other(client, item):
    d = item
    login(client, "undertaker")
    _submit(client, d, "2026-11-16")
    _as(client, "reviewer")
    pause = {"pause-requested_on": "2026-11-27", "pause-what": "补充风险评估报告"}
    refused = client.post(_url(d, "legality/pauses?lang=en"), data=pause)
    assert refused.status_code == 422 and "PROC-29c" in text_of(refused)
    pause["pause-requested_on"] = "2026-11-17"
    assert client.post(_url(d, "legality/pauses"), data=pause).status_code == 302
    p = _review(d).pauses[0]
    key = f"q{p.id}-received_on"
    url = _url(d, f"legality/pauses/{p.id}/received?lang=en")
    refused = client.post(url, data={key: "2026-11-27"})
    assert refused.status_code == 422 and "PROC-29c" in text_of(refused)
    assert client.post(url, data={key: "2026-11-19"}).status_code == 302
    moved = client.post(url, data={key: "2026-11-18"})  # the receipt is locked
    assert moved.status_code == 422 and "PROC-39a" in text_of(moved)
    assert db.session.get(LegalityPause, p.id).received_on == date(2026, 11, 19)
    future = _adviser(client, d, "2026-11-27")
    assert future.status_code == 422 and "PROC-30a" in text_of(future)
    assert _adviser(client, d, "2026-11-23").status_code == 302
    before_adviser = client.post(_url(d, "legality/opinion?lang=en"), data=_opinion("2026-11-22"))
    assert before_adviser.status_code == 422 and "PROC-30a" in text_of(before_adviser)
    tomorrow = client.post(_url(d, "legality/opinion?lang=en"), data=_opinion("2026-11-27"))
    assert tomorrow.status_code == 422 and "PROC-33a" in text_of(tomorrow)
    assert _review(d).opinion_issued_on is None
    # a receipt is corrected by the department, with a reason
    ok = client.post(url, data={key: "2026-11-18", f"q{p.id}-correction_reason": "收件登记有误"})
    assert ok.status_code == 302
    assert db.session.get(LegalityPause, p.id).received_on == date(2026, 11, 18)


def test_the_adoption_of_points_locks_once_the_meeting_started(client, ready):
    d = ready  # the collective decision is completed
    point = _review(d).points[1]
    prefix = f"p{point.id}-"
    url = _url(d, f"legality/points/{point.id}/adoption?lang=en")
    login(client, "undertaker")
    changed = {prefix + "adoption": "not_adopted", prefix + "explanation": "与上位法冲突"}
    refused = client.post(url, data=changed)
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    assert db.session.get(LegalityOpinionPoint, point.id).adoption is (
        AdoptionStatus.PARTIALLY_ADOPTED
    )
    ok = client.post(url, data={**changed, prefix + "correction_reason": "会前说明误登"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(LegalityOpinionPoint, point.id).adoption is AdoptionStatus.NOT_ADOPTED
    assert [c.group for c in _corrections(d)] == ["point_adoption"]


# -- 3. deliberation ------------------------------------------------------------------------------


def _meeting(**extra) -> dict:
    return {
        "meeting_type": "executive_meeting",
        "meeting_on": "2026-11-23",
        "materials": [
            "draft_and_explanation",
            "procedure_materials",
            "legality_review_opinion",
            "opinion_collection_adoption_and_other",
        ],
        "outcome": "rejected",
        "minutes": "会议决定不予通过。",
        "dissent": "无",
        **extra,
    }


def test_a_completed_meeting_cannot_be_posted_again(client, ready):
    d = ready
    login(client, "office")
    refused = client.post(_url(d, "deliberation/meeting?lang=en"), data=_meeting())
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    m = db.session.scalar(sa.select(Meeting).where(Meeting.decision_id == d.id))
    assert m.outcome == "approved" and m.round == 1
    assert (
        db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(Meeting.decision_id == d.id))
        == 1
    )
    corrected = client.post(
        _url(d, "deliberation/meeting"),
        data=_meeting(
            outcome="approved",
            risk_controllable="yes",
            minutes=m.minutes,
            dissent=m.dissent,
            meeting_on="2026-11-24",
            correction_reason="会议实际于11月24日召开",
        ),
    )
    assert corrected.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).meeting_on == date(2026, 11, 24)
    (row,) = _corrections(d)
    assert row.group == "meeting" and row.public
    assert "会议实际于11月24日召开" in text_of(client.get(_url(d, "deliberation")))
    _as(client, "undertaker")
    assert client.post(_url(d, "deliberation/meeting"), data=_meeting()).status_code == 403


def test_the_party_committee_report_is_dated_and_locked(client, ready):
    d = ready
    login(client, "office")
    data = {
        "party-kind": "report",
        "party-reported_on": "2026-11-25",
        "party-ref": "赤政报〔2026〕9号",
    }
    refused = client.post(_url(d, "deliberation/party-report?lang=en"), data=data)
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    future = client.post(
        _url(d, "deliberation/party-report?lang=en"),
        data={**data, "party-reported_on": "2026-12-01", "party-correction_reason": "x"},
    )
    assert future.status_code == 422 and "PROC-36a" in text_of(future)
    pr = db.session.scalar(sa.select(PartyReport).where(PartyReport.decision_id == d.id))
    assert pr.kind == "request" and pr.reported_on == date(2026, 11, 25)
    ok = client.post(
        _url(d, "deliberation/party-report"),
        data={**data, "party-correction_reason": "报送文种登记错误"},
    )
    assert ok.status_code == 302
    assert [c.group for c in _corrections(d)] == ["party_report"]


def test_the_dossier_shows_the_deliberation_without_minutes_or_dissent(client, ready):
    d = ready
    m = db.session.scalar(sa.select(Meeting).where(Meeting.decision_id == d.id))
    page = text_of(client.get(f"/decisions/{d.id}"))
    section = page.split("集体讨论决定", 1)[1]
    assert "政府常务会议" in section and "2026年11月23日" in section and "通过" in section
    assert m.minutes[:20] not in page and m.dissent[:20] not in page
    body = client.get(f"/api/v1/decisions/{d.id}").get_json()
    assert body["deliberation"] == [
        {"meeting_type": "executive_meeting", "meeting_on": "2026-11-23", "outcome": "approved"}
    ]
    # a decision without a recorded outcome shows nothing
    other = _decision("赤峰市城市公共交通票价")
    assert client.get(f"/api/v1/decisions/{other.id}").get_json()["deliberation"] == []


def test_a_non_disclosable_decision_shows_no_deliberation(client, ready):
    d = ready
    office, unit = _user("office"), _user("undertaker")
    change = corrections.FlagChange("non_disclosable", True, "涉密", basis="《保守国家秘密法》")
    corrections.confirm_flag_request(
        corrections.request_flag_change(d, change, actor=unit, now=NOW), actor=office, now=NOW
    )
    db.session.commit()
    assert client.get(f"/decisions/{d.id}").status_code == 404
    assert client.get(f"/api/v1/decisions/{d.id}").status_code == 404


# -- 4. PROC-8a: the report to the People's Congress standing committee ---------------------


def test_a_decision_to_be_reported_to_the_npc_is_published_only_after_the_report(client, ready):
    d = ready
    login(client, "office")
    npc = {"npc-npc_reported_on": "2026-11-25", "npc-npc_report_ref": "赤政函〔2026〕77号"}
    not_flagged = client.post(_url(d, "deliberation/npc-report?lang=en"), data=npc)
    assert not_flagged.status_code == 422 and "PROC-8a" in text_of(not_flagged)
    # the flag: the unit asks, the office confirms (corrections page)
    _as(client, "undertaker")
    sent = client.post(
        f"/admin/decisions/{d.id}/flag-requests",
        data={"flag": "npc_report_required", "value": "1", "reason": "涉及医保基金重大调整"},
    )
    assert sent.status_code == 302
    workspace = text_of(client.get(f"/admin/decisions/{d.id}"))
    assert "涉及医保基金重大调整" in workspace  # the pending request, in the workspace
    _as(client, "office")
    request = corrections.pending_requests(d)[0]
    assert (
        client.post(f"/admin/decisions/{d.id}/flag-requests/{request.id}/confirm").status_code
        == 302
    )
    publish = {"published_on": "2026-11-26", "channels": "赤峰市人民政府网站"}
    refused = client.post(_url(d, "publication/publish?lang=en"), data=publish)
    assert refused.status_code == 422 and "PROC-8a" in text_of(refused)
    assert _fresh(d).published_at is None
    assert "PROC-8a" in text_of(client.get(_url(d, "deliberation?lang=en")))
    future = client.post(
        _url(d, "deliberation/npc-report?lang=en"),
        data={**npc, "npc-npc_reported_on": "2026-11-30"},
    )
    assert future.status_code == 422 and "PROC-8a" in text_of(future)
    assert client.post(_url(d, "deliberation/npc-report"), data=npc).status_code == 302
    assert _fresh(d).npc_reported_on == date(2026, 11, 25)
    moved = client.post(
        _url(d, "deliberation/npc-report?lang=en"),
        data={**npc, "npc-npc_reported_on": "2026-11-24"},
    )
    assert moved.status_code == 422 and "PROC-39a" in text_of(moved)
    assert client.post(_url(d, "publication/publish"), data=publish).status_code == 302
    assert _fresh(d).published_at is not None


# -- 5. filing and execution ---------------------------------------------------------------------


def test_filing_dates_follow_publication_and_lock(client, demo):
    late = _decision("赤峰市学前教育")  # published 17 October, not filed
    login(client, "office")
    for day in ("2026-11-27", "2026-10-16"):
        refused = client.post(
            _url(late, "publication/filing?lang=en"),
            data={"filed_on": day, "filing_ref": "内府规备〔2026〕9号"},
        )
        assert refused.status_code == 422 and "PROC-38a" in text_of(refused)
    assert _fresh(late).filed_on is None
    filed = _decision("赤峰市城区停车设施")  # filed on 28 June
    moved = client.post(
        _url(filed, "publication/filing?lang=en"),
        data={"filed_on": "2026-06-29", "filing_ref": "内府规备〔2026〕109号"},
    )
    assert moved.status_code == 422 and "PROC-39a" in text_of(moved)
    ok = client.post(
        _url(filed, "publication/filing"),
        data={
            "filed_on": "2026-06-29",
            "filing_ref": "内府规备〔2026〕109号",
            "correction_reason": "平台回执日期为6月29日",
        },
    )
    assert ok.status_code == 302 and _fresh(filed).filed_on == date(2026, 6, 29)
    assert [c.group for c in _corrections(filed)] == ["publication", "filing"]


def test_execution_completion_is_dated_after_publication_and_corrected_by_the_unit(client, demo):
    d = _decision("赤峰市城区停车设施")  # published on 14 June
    login(client, "undertaker")
    url = _url(d, "publication/execution?lang=en")
    for day in ("2026-11-27", "2026-06-13"):
        refused = client.post(url, data={"execution_completed_on": day})
        assert refused.status_code == 422 and "PROC-40b" in text_of(refused)
    assert client.post(url, data={"execution_completed_on": "2026-11-20"}).status_code == 302
    cleared = client.post(url, data={"execution_completed_on": ""})
    assert cleared.status_code == 422 and "PROC-39a" in text_of(cleared)
    _as(client, "office")  # may edit the decision, but does not correct the unit's report
    wrong_role = client.post(
        url, data={"execution_completed_on": "2026-11-19", "correction_reason": "以报告为准"}
    )
    assert wrong_role.status_code == 422 and "PROC-40b" in text_of(wrong_role)
    assert _fresh(d).execution_completed_on == date(2026, 11, 20)
    _as(client, "undertaker")
    ok = client.post(
        url, data={"execution_completed_on": "2026-11-19", "correction_reason": "以报告为准"}
    )
    assert ok.status_code == 302 and _fresh(d).execution_completed_on == date(2026, 11, 19)
    unpublished = _decision("赤峰市基本医疗保险门诊共济")
    refused = client.post(
        _url(unpublished, "publication/execution?lang=en"),
        data={"execution_completed_on": "2026-11-25"},
    )
    assert refused.status_code == 422 and "PROC-40b" in text_of(refused)


# -- 6. PROC-45c: a major adjustment is a new procedure instance -----------------------------


def test_a_major_adjustment_creates_the_new_procedure_linked_both_ways(client, demo):
    d = _decision("赤峰市城区停车设施")
    login(client, "office")
    before = db.session.scalar(sa.select(sa.func.count(Decision.id)))
    ok = client.post(
        _url(d, "changes"),
        data={"kind": "major_adjustment", "decided_on": "2026-11-25", "reason": "收费标准大幅调整"},
    )
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == before + 1
    change = db.session.scalar(sa.select(DecisionChange).where(DecisionChange.decision_id == d.id))
    new = db.session.get(Decision, change.new_decision_id)
    assert new.adjusts_decision_id == d.id and new.stage is Stage.INITIATED
    assert new.title == d.title + "（重大调整）"
    assert (new.government_id, new.category, new.undertaking_unit_id) == (
        d.government_id,
        d.category,
        d.undertaking_unit_id,
    )
    assert "decision.adjustment_of" in _actions(new)
    assert new.title in text_of(client.get(_url(d, "changes")))
    assert new.title in text_of(client.get(f"/admin/decisions/{d.id}"))
    back = text_of(client.get(f"/admin/decisions/{new.id}"))
    assert "本决策程序是以下决策的重大调整" in back and d.title in back
    # an adjustment still needs its collective decision; nothing changes before a publication
    adjustment = client.post(
        _url(d, "changes?lang=en"), data={"kind": "adjustment", "decided_on": "2026-11-25"}
    )
    assert adjustment.status_code == 422 and "PROC-45a" in text_of(adjustment)
    unpublished = _decision("赤峰市基本医疗保险门诊共济")
    refused = client.post(
        _url(unpublished, "changes?lang=en"),
        data={"kind": "major_adjustment", "decided_on": "2026-11-25"},
    )
    assert refused.status_code == 422 and "PROC-45a" in text_of(refused)
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == before + 1


# -- 7. the workspace shows corrections -------------------------------------------------------


def test_the_workspace_shows_the_latest_corrections(client, demo):
    d = _decision("赤峰市学前教育")
    login(client, "office")
    client.post(
        _url(d, "publication/publish"),
        data={
            "published_on": "2026-10-16",
            "channels": "赤峰市人民政府门户网站",
            "correction_reason": "以政府网站发布时间为准",
        },
    )
    page = text_of(client.get(f"/admin/decisions/{d.id}"))
    section = page.split("更正记录和标记变更申请", 1)[1]
    assert "以政府网站发布时间为准" in section and "已向社会公开" in section
    assert "全部更正记录和标记变更申请" in section


def test_the_demo_shows_a_public_correction_and_a_reported_npc_matter(client, demo):
    parking = _decision("赤峰市城区停车设施")
    dossier = text_of(client.get(f"/decisions/{parking.id}?lang=zh"))
    corrected = dossier.split("更正记录", 1)[1]
    assert "“赤峰发布”政务新媒体" in corrected and "依发布记录补正" in corrected
    heritage = _decision("赤峰市红山文化遗址保护利用规划")
    assert heritage.npc_report_required and heritage.npc_reported_on and heritage.npc_report_ref
    assert heritage.npc_reported_on <= heritage.published_at.date()
    login(client, "office")
    panel = text_of(client.get(f"/admin/decisions/{heritage.id}?lang=en"))
    assert "(PROC-8a) ✓ Met" in panel
