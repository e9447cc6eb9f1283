"""The later stage screens: expert review, risk assessment, legality review, deliberation,
publication and filing, changes. What an official notices: records written, audit entries,
rule IDs when something is refused, separation of duties, roles and object scope."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.deliberation import Meeting, PartyReport
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.expert import ExpertAssignment, ExpertReview
from portal.models.implementation import DecisionChange
from portal.models.outbox import OutboxMessage
from portal.models.review import (
    LegalAdviserOpinion,
    LegalityOpinionPoint,
    LegalityPause,
    LegalityReview,
)
from portal.models.risk import RiskAssessment, RiskCategoryLevel
from portal.models.user import User
from portal.rules.enums import REQUIRED_LEGALITY_MATERIALS, AdoptionStatus
from portal.services import corrections
from tests.conftest import NOW, login, new_city_decision, text_of

PAGES = ("experts", "risk", "legality", "deliberation", "publication", "changes")


def _new_decision(title: str, **kwargs) -> Decision:
    return new_city_decision(title, **kwargs)


@pytest.fixture
def item(demo) -> Decision:
    return _new_decision("赤峰市城市公共交通票价调整方案（测试）")


@pytest.fixture
def other(demo) -> Decision:
    return _new_decision("赤峰市中小学课后服务实施办法（测试）")


@pytest.fixture
def secret(demo) -> Decision:
    return _new_decision(
        "赤峰市应急物资储备调整方案（测试）",
        non_disclosable=True,
        non_disclosable_basis="《中华人民共和国保守国家秘密法》第九条",
    )


def _fresh(d: Decision) -> Decision:
    db.session.expire_all()
    return db.session.get(Decision, d.id)


def _actions(d: Decision) -> list[str]:
    """The audit actions recorded on this decision, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(d.id))
            .order_by(AuditEntry.seq)
        ).all()
    )


def _count(model, d: Decision) -> int:
    """Rows of ``model`` that belong to decision ``d`` (directly or through their parent)."""
    parent = {
        ExpertAssignment: (ExpertReview, ExpertAssignment.review_id == ExpertReview.id),
        RiskCategoryLevel: (RiskAssessment, RiskCategoryLevel.assessment_id == RiskAssessment.id),
        LegalityPause: (LegalityReview, LegalityPause.review_id == LegalityReview.id),
        LegalAdviserOpinion: (LegalityReview, LegalAdviserOpinion.review_id == LegalityReview.id),
        LegalityOpinionPoint: (LegalityReview, LegalityOpinionPoint.review_id == LegalityReview.id),
    }
    query = sa.select(sa.func.count()).select_from(model)
    if model in parent:
        owner, on = parent[model]
        query = query.join(owner, on).where(owner.decision_id == d.id)
    else:
        query = query.where(model.decision_id == d.id)
    return db.session.scalar(query)


def _experts(d: Decision) -> list[ExpertAssignment]:
    db.session.expire_all()
    review = _one(ExpertReview, d)
    return list(review.experts) if review else []


def _one(model, d: Decision):
    return db.session.scalar(sa.select(model).where(model.decision_id == d.id))


def _url(d: Decision, path: str) -> str:
    return f"/admin/decisions/{d.id}/{path}"


def _expert(client, d, name: str, **extra):
    """Add an expert from outside the pool (A22) on the decision's expert screen."""
    data = {
        "new-name": name,
        "new-organisation": "内蒙古大学",
        "new-external_reason": "库内无该专业领域专家",
        "new-pledge_signed": "y",
        "new-conflict_declared": "no",
        "new-adoption": "pending",
        **extra,
    }
    # None leaves a field out, as a browser does with an unticked box
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(_url(d, "experts/add?lang=en"), data=data)


# -- every screen ------------------------------------------------------------------------------


def test_each_late_stage_screen_shows_the_workspace_navigation(client, item):
    login(client, "office")
    d = item
    for page in PAGES:
        response = client.get(_url(d, page) + "?lang=en")
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert 'aria-current="page"' in html
        assert f'href="/admin/decisions/{d.id}/{page}" aria-current="page"' in html


def test_another_governments_staff_get_404_on_every_screen_and_form(client, item):
    login(client, "hongshan.office")
    d = item
    for page in PAGES:
        assert client.get(_url(d, page)).status_code == 404, page
    posts = (
        "experts/add",
        "risk/assessment",
        "legality/submit",
        "deliberation/meeting",
        "publication/publish",
        "changes",
    )
    for path in posts:
        assert client.post(_url(d, path), data={}).status_code == 404, path
    assert _count(ExpertAssignment, d) == 0 and _count(DecisionChange, d) == 0


# -- 1. expert review and 2. risk assessment: tests/web/test_stages_review.py -----------------


def _risk_form(**extra) -> dict:
    return {
        "assessing_body": "市交通运输局",
        "recommendation": "adjust_draft",
        "unit_controllable": "yes",
        "mitigation_measures": "分步实施",
        "stakeholder_participants": "12",
        "department_participants": "3",
        "social_stability_required": "y",
        **extra,
    }


# -- 3. legality review ------------------------------------------------------------------------


def _submit(client, d, on: str = "2026-11-16", materials=REQUIRED_LEGALITY_MATERIALS):
    return client.post(
        _url(d, "legality/submit"),
        data={"submitted_on": on, "materials": [str(m) for m in materials]},
    )


def _adviser(client, d, on: str = "2026-11-18"):
    return client.post(
        _url(d, "legality/advisers?lang=en"),
        data={
            "adv-role": "legal_adviser",
            "adv-name": "王律师",
            "adv-given_on": on,
            "adv-opinion": "符合价格法规定",
        },
    )


def _opinion(**extra) -> dict:
    return {
        "opinion_kind": "legality_opinion",
        "opinion_issued_on": "2026-11-24",
        "outcome": "lawful",
        "opinion_text": "经审查，方案符合法定权限和程序。",
        **extra,
    }


def test_the_review_clock_pauses_for_supplements_and_the_opinion_is_issued(client, item):
    login(client, "undertaker")
    d = item
    assert _submit(client, d).status_code == 302
    lr = _one(LegalityReview, d)
    assert lr.round == 1 and lr.submitted_on == date(2026, 11, 16)
    page = text_of(client.get(_url(d, "legality?lang=en")))
    assert "Earliest meeting date" in page and "25 Nov 2026" in page  # 7 working days
    client.post("/admin/logout")

    login(client, "reviewer")
    pause = client.post(
        _url(d, "legality/pauses"),
        data={
            "pause-requested_on": "2026-11-18",
            "pause-due_on": "2026-11-23",
            "pause-what": "补充听证报告",
        },
    )
    assert pause.status_code == 302
    page = text_of(client.get(_url(d, "legality?lang=en")))
    assert "The clock is paused until the supplement arrives" in page
    assert "Overdue" in page  # due 23 Nov, today is 26 Nov
    while_paused = client.post(_url(d, "legality/opinion?lang=en"), data=_opinion())
    assert while_paused.status_code == 422 and "PROC-29c" in text_of(while_paused)
    p = _one(LegalityReview, d).pauses[0]
    received = client.post(
        _url(d, f"legality/pauses/{p.id}/received"), data={f"q{p.id}-received_on": "2026-11-20"}
    )
    assert received.status_code == 302
    page = text_of(client.get(_url(d, "legality?lang=en")))
    assert "27 Nov 2026" in page  # 18-20 Nov paused: two more working days
    no_adviser = client.post(_url(d, "legality/opinion?lang=en"), data=_opinion())
    assert no_adviser.status_code == 422 and "PROC-30a" in text_of(no_adviser)
    assert _adviser(client, d).status_code == 302
    issued = client.post(_url(d, "legality/opinion"), data=_opinion())
    assert issued.status_code == 302
    db.session.expire_all()
    lr = _one(LegalityReview, d)
    reviewer = db.session.scalar(sa.select(User).where(User.username == "reviewer"))
    assert lr.opinion_issued_on == date(2026, 11, 24) and lr.reviewer_id == reviewer.id
    assert lr.reviewed_draft_version == 1
    assert {
        "legality.submit",
        "legality.pause",
        "legality.supplement_received",
        "legality.adviser_opinion",
        "legality.opinion",
    } <= set(_actions(d))


def test_the_drafter_cannot_issue_the_legality_opinion_separation_of_duties(client, item):
    d = item
    reviewer = db.session.scalar(sa.select(User).where(User.username == "reviewer"))
    # The reviewer wrote (a version of) the draft.
    draft = Document(decision_id=d.id, kind=DocumentKind.DRAFT, title="征求意见稿", created_at=NOW)
    draft.versions.append(
        DocumentVersion(
            number=1,
            body="修改稿",
            sha256=hashlib.sha256("修改稿".encode()).hexdigest(),
            created_at=NOW,
            created_by_id=reviewer.id,
        )
    )
    db.session.add(draft)
    db.session.commit()
    login(client, "undertaker")
    _submit(client, d)
    client.post("/admin/logout")
    login(client, "reviewer")
    response = client.post(_url(d, "legality/opinion?lang=en"), data=_opinion())
    assert response.status_code == 403
    assert "separation of duties" in text_of(response)
    for path, data in (
        (
            "legality/advisers",
            {
                "adv-role": "legal_adviser",
                "adv-name": "王",
                "adv-given_on": "2026-11-18",
                "adv-opinion": "x",
            },
        ),
        ("legality/pauses", {"pause-requested_on": "2026-11-18", "pause-what": "x"}),
        ("legality/return", {"returned_reason": "材料不全"}),
    ):
        assert client.post(_url(d, path), data=data).status_code == 403, path
    lr = _one(LegalityReview, d)
    assert lr.opinion_issued_on is None and not lr.returned
    assert _count(LegalAdviserOpinion, d) == 0 and _count(LegalityPause, d) == 0
    page = text_of(client.get(_url(d, "legality?lang=en")))
    assert "separation of duties" in page


def test_only_the_legality_review_department_issues_the_opinion(client, item):
    login(client, "undertaker")
    d = item
    _submit(client, d)
    assert client.post(_url(d, "legality/opinion"), data=_opinion()).status_code == 403
    assert _one(LegalityReview, d).opinion_issued_on is None


def test_a_return_ends_the_round_and_a_resubmission_starts_a_new_one(client, item):
    login(client, "undertaker")
    d = item
    _submit(client, d, materials=REQUIRED_LEGALITY_MATERIALS[:3])
    page = text_of(client.get(_url(d, "legality?lang=en")))
    assert "PROC-29a" in page  # materials 4-6 missing
    client.post("/admin/logout")
    login(client, "reviewer")
    no_reason = client.post(
        _url(d, "legality/return?lang=en"),
        data={"returned_on": "2026-11-20", "returned_reason": ""},
    )
    assert no_reason.status_code == 422
    returned = client.post(
        _url(d, "legality/return"),
        data={"returned_on": "2026-11-20", "returned_reason": "材料不全"},
    )
    assert returned.status_code == 302
    client.post("/admin/logout")
    login(client, "undertaker")
    assert _submit(client, d, on="2026-11-25").status_code == 302
    rounds = db.session.scalars(
        sa.select(LegalityReview)
        .where(LegalityReview.decision_id == d.id)
        .order_by(LegalityReview.round)
    ).all()
    assert [(r.round, r.returned, r.returned_on) for r in rounds] == [
        (1, True, date(2026, 11, 20)),
        (2, False, None),
    ]
    page = text_of(client.get(_url(d, "legality?lang=en")))
    assert "Returned" in page and "材料不全" in page
    assert "legality.return" in _actions(d)


def test_a_point_not_adopted_needs_a_written_explanation_proc_33b(client, item):
    login(client, "undertaker")
    d = item
    _submit(client, d)
    client.post("/admin/logout")
    login(client, "reviewer")
    assert (
        client.post(
            _url(d, "legality/points"), data={"pt-text": "第二条票价标准应经听证"}
        ).status_code
        == 302
    )
    point = _one(LegalityReview, d).points[0]
    # the reviewer does not record the unit's adoption
    assert client.post(_url(d, f"legality/points/{point.id}/adoption"), data={}).status_code == 403
    client.post("/admin/logout")
    login(client, "undertaker")
    p = f"p{point.id}-"
    refused = client.post(
        _url(d, f"legality/points/{point.id}/adoption?lang=en"),
        data={p + "adoption": "not_adopted"},
    )
    assert refused.status_code == 422 and "PROC-33b" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(LegalityOpinionPoint, point.id).adoption is AdoptionStatus.PENDING
    ok = client.post(
        _url(d, f"legality/points/{point.id}/adoption"),
        data={p + "adoption": "not_adopted", p + "explanation": "已于2025年举行价格听证会"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    point = db.session.get(LegalityOpinionPoint, point.id)
    assert point.adoption is AdoptionStatus.NOT_ADOPTED and point.explanation
    assert {"legality.point_add", "legality.point_adoption"} <= set(_actions(d))


# -- 4. deliberation ---------------------------------------------------------------------------


def _meeting(**extra) -> dict:
    return {
        "meeting_type": "executive_meeting",
        "meeting_on": "2026-11-26",
        "materials": ["draft_and_explanation", "procedure_materials", "legality_review_opinion"],
        "outcome": "approved",
        "risk_controllable": "yes",
        "minutes": "市政府第十次常务会议讨论通过",
        "dissent": "无不同意见",
        **extra,
    }


def test_only_the_government_office_records_the_deliberation(client, item):
    login(client, "undertaker")
    d = item
    _submit(client, d)
    assert client.post(_url(d, "deliberation/meeting"), data=_meeting()).status_code == 403
    party = {"party-kind": "report", "party-reported_on": "2026-11-26", "party-ref": "x"}
    assert client.post(_url(d, "deliberation/party-report"), data=party).status_code == 403
    assert _count(Meeting, d) == 0 and _count(PartyReport, d) == 0
    page = text_of(client.get(_url(d, "deliberation?lang=en")))
    assert "Only the government office records the deliberation." in page


def test_a_meeting_before_seven_review_working_days_is_refused_proc_31a(client, item):
    d = item
    login(client, "undertaker")
    _submit(client, d, on="2026-11-20")  # earliest meeting: 1 December
    client.post("/admin/logout")
    login(client, "office")
    page = text_of(client.get(_url(d, "deliberation?lang=en")))
    assert "1 Dec 2026" in page
    scheduled = _meeting(outcome="", risk_controllable="", minutes="", dissent="")
    refused = client.post(_url(d, "deliberation/meeting?lang=en"), data=scheduled)
    assert refused.status_code == 422
    assert "PROC-31a" in text_of(refused) and "1 Dec 2026" in text_of(refused)
    assert _count(Meeting, d) == 0 and "deliberation.meeting" not in _actions(d)
    ok = client.post(
        _url(d, "deliberation/meeting"), data={**scheduled, "meeting_on": "2026-12-01"}
    )
    assert ok.status_code == 302  # scheduled for 1 December, not held yet
    m = _one(Meeting, d)
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    assert m.round == 1 and m.outcome is None and m.recorded_by_id == office.id
    assert "deliberation.meeting" in _actions(d)
    # PROC-35d: the outcome of a meeting that has not been held yet cannot be recorded
    early = client.post(
        _url(d, "deliberation/meeting?lang=en"), data=_meeting(meeting_on="2026-12-01")
    )
    assert early.status_code == 422 and "PROC-35d" in text_of(early)
    assert _one(Meeting, d).outcome is None


def test_an_override_reason_on_the_legality_review_allows_an_earlier_meeting(client, item):
    d = item
    login(client, "undertaker")
    _submit(client, d, on="2026-11-20")
    client.post("/admin/logout")
    login(client, "reviewer")
    assert _adviser(client, d, on="2026-11-23").status_code == 302
    issued = client.post(
        _url(d, "legality/opinion"),
        data=_opinion(meeting_override_reason="冬季运营补贴须于12月前确定"),
    )
    assert issued.status_code == 302
    client.post("/admin/logout")
    login(client, "office")
    ok = client.post(_url(d, "deliberation/meeting"), data=_meeting())
    assert ok.status_code == 302
    assert _one(Meeting, d).meeting_on == date(2026, 11, 26)


def test_approval_needs_the_risk_judged_controllable_and_a_revision_starts_a_new_round(
    client, item
):
    d = item
    login(client, "undertaker")
    _submit(client, d, on="2026-11-02")
    client.post("/admin/logout")
    login(client, "office")
    refused = client.post(
        _url(d, "deliberation/meeting?lang=en"), data=_meeting(risk_controllable="")
    )
    assert refused.status_code == 422 and "PROC-27b" in text_of(refused)
    revise = _meeting(outcome="revise_and_resubmit", risk_controllable="")
    assert client.post(_url(d, "deliberation/meeting"), data=revise).status_code == 302
    assert client.post(_url(d, "deliberation/meeting"), data=_meeting()).status_code == 302
    rounds = db.session.scalars(
        sa.select(Meeting.round).where(Meeting.decision_id == d.id).order_by(Meeting.round)
    ).all()
    assert rounds == [1, 2]
    party = {
        "party-kind": "report",
        "party-reported_on": "2026-11-26",
        "party-ref": "赤政报〔2026〕3号",
    }
    assert client.post(_url(d, "deliberation/party-report"), data=party).status_code == 302
    assert _one(PartyReport, d).ref == "赤政报〔2026〕3号"
    page = text_of(client.get(_url(d, "deliberation?lang=en")))
    assert "PROC-36a" in page  # cited on the screen
    assert "deliberation.party_report" in _actions(d)


# -- 5. publication and filing ---------------------------------------------------------------


def _demo(title_start: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.startswith(title_start)))


@pytest.fixture
def ready(demo) -> Decision:
    """Demo decision 7: approved by the executive meeting, reported to the Party committee,
    not published yet (the publication step may start)."""
    return _demo("赤峰市基本医疗保险门诊共济")


def test_publication_date_is_stored_at_local_midnight_and_filing_due_is_shown(client, ready):
    login(client, "office")
    d = ready
    response = client.post(
        _url(d, "publication/publish"),
        data={"published_on": "2026-11-26", "channels": "赤峰市人民政府网站\n赤峰日报\n"},
    )
    assert response.status_code == 302
    d = _fresh(d)
    assert d.published_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    assert d.publication_channels == "赤峰市人民政府网站\n赤峰日报"
    page = text_of(client.get(_url(d, "publication?lang=en")))
    assert "28 Dec 2026" in page  # PROC-38a: 30 days, 26 Dec is a Saturday
    no_ref = client.post(_url(d, "publication/filing?lang=en"), data={"filed_on": "2026-11-26"})
    assert no_ref.status_code == 422 and _fresh(d).filed_on is None
    filed = client.post(
        _url(d, "publication/filing"),
        data={"filed_on": "2026-11-26", "filing_ref": "内蒙古法治平台备2026-118"},
    )
    assert filed.status_code == 302
    assert _fresh(d).filing_ref == "内蒙古法治平台备2026-118"
    assert {"publication.publish", "publication.filing"} <= set(_actions(d))
    assert db.session.scalar(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.topic == "search.decision",
            OutboxMessage.payload.contains(f'"id": {d.id}'),
        )
    )
    # decision 8 was published on 17 October and is not filed: overdue (PROC-38a)
    late = _demo("赤峰市学前教育")
    page = text_of(client.get(_url(late, "publication?lang=en")))
    assert "16 Nov 2026" in page and "Overdue" in page and "PROC-38a" in page


def test_filing_before_publication_is_refused(client, item):
    login(client, "office")
    d = item
    response = client.post(
        _url(d, "publication/filing?lang=en"), data={"filed_on": "2026-11-25", "filing_ref": "x"}
    )
    assert response.status_code == 422 and "PROC-38a" in text_of(response)
    assert _fresh(d).filed_on is None


def test_the_undertaking_unit_cannot_record_publication_but_enters_documents(client, item):
    login(client, "undertaker")
    d = item
    assert (
        client.post(_url(d, "publication/publish"), data={"published_on": "2026-11-20"}).status_code
        == 403
    )
    data = {
        "doc-kind": "interpretation",
        "doc-title": "《赤峰市城市公共交通票价调整方案》政策解读",
        "doc-body": "一、调整背景……",
        "doc-change_note": "初稿",
    }
    assert client.post(_url(d, "publication/documents"), data=data).status_code == 302
    data["doc-body"] = "一、调整背景（修订）……"
    assert client.post(_url(d, "publication/documents"), data=data).status_code == 302
    doc = db.session.scalar(
        sa.select(Document).where(
            Document.decision_id == d.id, Document.kind == DocumentKind.INTERPRETATION
        )
    )
    assert doc.is_public and [v.number for v in doc.versions] == [1, 2]
    assert all(v.published_at is None for v in doc.versions)  # not published yet
    undertaker = db.session.scalar(sa.select(User).where(User.username == "undertaker"))
    assert doc.versions[-1].created_by_id == undertaker.id
    assert _actions(d).count("publication.document_version") == 2


def test_documents_of_a_non_disclosable_item_never_become_public(client, ready):
    d = ready
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    undertaker = db.session.scalar(sa.select(User).where(User.username == "undertaker"))
    change = corrections.FlagChange(
        "non_disclosable",
        True,
        "经保密审查，方案涉及医保基金安全数据",
        basis="《保守国家秘密法》第九条",
    )
    request = corrections.request_flag_change(d, change, actor=undertaker, now=NOW)
    corrections.confirm_flag_request(request, actor=office, now=NOW)
    db.session.commit()
    login(client, "office")
    data = {"doc-kind": "decision_text", "doc-title": "决定", "doc-body": "（涉密）"}
    assert client.post(_url(d, "publication/documents"), data=data).status_code == 302
    publish = client.post(_url(d, "publication/publish"), data={"published_on": "2026-11-26"})
    assert publish.status_code == 302  # PROC-37c: no public channel for a secret item
    doc = db.session.scalar(
        sa.select(Document).where(
            Document.decision_id == d.id, Document.kind == DocumentKind.DECISION_TEXT
        )
    )
    assert not doc.is_public and doc.versions[0].published_at is None
    assert _fresh(d).published_at is not None
    assert client.get(f"/decisions/{d.id}").status_code == 404
    assert client.get(f"/api/v1/decisions/{d.id}").status_code == 404


def test_publishing_puts_the_latest_document_versions_on_the_public_site(client, ready):
    login(client, "office")
    d = ready
    data = {"doc-kind": "decision_text", "doc-title": "方案", "doc-body": "全文"}
    client.post(_url(d, "publication/documents"), data=data)
    version = db.session.scalar(sa.select(DocumentVersion).where(DocumentVersion.body == "全文"))
    assert version.published_at is None
    client.post(
        _url(d, "publication/publish"),
        data={"published_on": "2026-11-25", "channels": "赤峰市人民政府网站"},
    )
    db.session.expire_all()
    version = db.session.scalar(sa.select(DocumentVersion).where(DocumentVersion.body == "全文"))
    assert version.published_at is not None
    assert "全文" in text_of(client.get(f"/decisions/{d.id}"))
    # PROC-45a: the published text is not replaced by a new version afterwards
    again = client.post(
        _url(d, "publication/documents?lang=en"), data={**data, "doc-body": "改写后的全文"}
    )
    assert again.status_code == 422 and "PROC-45a" in text_of(again)
    assert not db.session.scalar(
        sa.select(DocumentVersion.id).where(DocumentVersion.body == "改写后的全文")
    )


def test_execution_completed_is_recorded(client, demo):
    login(client, "undertaker")
    d = _demo("赤峰市城区停车设施")  # published on 14 June, being executed
    response = client.post(
        _url(d, "publication/execution"), data={"execution_completed_on": "2026-11-25"}
    )
    assert response.status_code == 302
    assert _fresh(d).execution_completed_on == date(2026, 11, 25)
    assert "execution.completed" in _actions(d)


@pytest.mark.parametrize("bad", ["2026-13-01", "２０２６-１１-２５", "tomorrow"])
def test_bad_dates_are_refused_with_422_and_nothing_saved(client, item, bad):
    login(client, "office")
    d = item
    response = client.post(
        _url(d, "publication/publish?lang=en"), data={"published_on": bad, "channels": "网站"}
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Not a valid date value." in text and "This cannot be done yet" in text
    assert _fresh(d).published_at is None
    assert "publication.publish" not in _actions(d)


# -- 6. suspension, termination, adjustment --------------------------------------------------


def test_changes_need_the_statutory_procedure_and_do_not_move_the_stage(client, demo):
    login(client, "office")
    d = _demo("赤峰市城区停车设施")  # published, being executed
    stage = d.stage
    suspension = {"kind": "suspension", "decided_on": "2026-11-25", "reason": "上位法修订"}
    refused = client.post(_url(d, "changes?lang=en"), data=suspension)
    assert refused.status_code == 422 and "PROC-45b" in text_of(refused)
    termination = {"kind": "termination", "decided_on": "2026-11-25"}
    refused = client.post(_url(d, "changes?lang=en"), data=termination)
    assert refused.status_code == 422 and "PROC-45a" in text_of(refused)
    resume = {"kind": "resumption", "decided_on": "2026-11-25", "collective_decision_ref": "x"}
    assert client.post(_url(d, "changes"), data=resume).status_code == 422
    assert _count(DecisionChange, d) == 0
    ok = client.post(_url(d, "changes"), data={**suspension, "decided_by_executive_head": "y"})
    assert ok.status_code == 302
    rows = db.session.scalars(
        sa.select(DecisionChange)
        .where(DecisionChange.decision_id == d.id)
        .order_by(DecisionChange.id)
    ).all()
    assert [(r.kind, r.decided_by_executive_head) for r in rows] == [("suspension", True)]
    assert _fresh(d).stage == stage
    page = text_of(client.get(_url(d, "changes?lang=en")))
    assert "does not move the procedure" in page and "上位法修订" in page
    assert _actions(d).count("decision.change") == 1


def test_only_staff_with_the_exit_permission_record_changes(client, item):
    login(client, "undertaker")
    d = item
    data = {
        "kind": "suspension",
        "decided_on": "2026-11-25",
        "reason": "紧急",
        "decided_by_executive_head": "y",
    }
    assert client.post(_url(d, "changes"), data=data).status_code == 403
    assert _count(DecisionChange, d) == 0


def test_view_only_staff_see_the_screens_but_cannot_change_anything(client, item):
    login(client, "moderator")
    d = item
    page = client.get(_url(d, "experts?lang=en"))
    assert page.status_code == 200 and "Add an expert or institution" not in text_of(page)
    assert _expert(client, d, "张教授").status_code == 403
    assert client.post(_url(d, "risk/assessment"), data=_risk_form()).status_code == 403
    assert client.post(_url(d, "legality/submit"), data={}).status_code == 403
    assert _count(ExpertAssignment, d) == 0 and _count(RiskAssessment, d) == 0
