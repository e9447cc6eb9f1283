"""The back-office screens of the early stages: initiation, drafting and research, draft versions,
public participation and the unit's own review. What an official notices: records written,
every edit audited, refusals citing the rule, nothing half saved, other governments kept out."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.decision import Decision, DecisionSource
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.models.org import Department, Government
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.rules.enums import InitiateDecision, ParticipationMethod
from portal.rules.stages import Category
from portal.services import decisions as decision_service
from portal.services import drafts
from tests.conftest import NOW, login, text_of

HEATING = "赤峰市中心城区供热专项规划（2026—2035年）"


@pytest.fixture(autouse=True)
def _fresh_login_limit():
    """Start every test with empty rate-limit counters.

    The limiter is one object shared by every app the suite creates; a test that builds an app
    with ``RATELIMIT_ENABLED`` leaves it enabled for the apps built before, and these tests sign
    in once each, more than the ten a minute the login allows over a whole module.
    """
    from portal.extensions import limiter

    with contextlib.suppress(AssertionError, AttributeError):  # not initialised yet
        limiter.reset()


def _dept(slug: str, gov: str = "chifeng") -> Department:
    return db.session.scalar(
        sa.select(Department)
        .join(Government)
        .where(Government.slug == gov, Department.slug == slug)
    )


def _new_decision(title: str = "赤峰市测试决策事项", *, non_disclosable: bool = False) -> Decision:
    """A fresh decision of the city, undertaken by the housing bureau (no stage records yet)."""
    gov = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    decision = decision_service.create_decision(
        government=gov,
        title=title,
        category=Category.PUBLIC_POLICY,
        year=2026,
        summary="",
        undertaking_unit=_dept("housing"),
        source=DecisionSource.CATALOG,
        actor=None,
        now=NOW,
        non_disclosable=non_disclosable,
        non_disclosable_basis="《中华人民共和国保守国家秘密法》第九条" if non_disclosable else "",
    )
    db.session.commit()
    return decision


def _by_title(title: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == title))


def _actions(decision: Decision) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "decisions", AuditEntry.object_id == str(decision.id))
            .order_by(AuditEntry.seq)
        ).all()
    )


def _last_entry(action: str) -> AuditEntry:
    return db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc())
    )


def _row(model, decision: Decision):
    """The decision's (first) row of ``model``, or None."""
    return db.session.scalar(
        sa.select(model).where(model.decision_id == decision.id).order_by(model.id)
    )


def _fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def _initiation_data(**overrides) -> dict:
    data = {
        "source": "catalog",
        "undertaking_unit": str(_dept("housing").id),
        "lead_unit": "",
        "initiate_decision": "initiate",
        "initiated_on": "2026-11-02",
        "initiation_ref": "赤政字〔2026〕88号",
        "scope_exclusion": "",
        "out_of_scope_confirmed": "y",
        "non_disclosable_basis": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# -- every screen ---------------------------------------------------------------------------------


SCREENS = ("initiation", "drafting", "drafts", "participation", "internal-review")


@pytest.mark.parametrize("screen", SCREENS)
def test_each_early_screen_shows_the_record_with_the_stage_navigation(client, demo, screen):
    decision = _by_title(HEATING)
    login(client, "undertaker")
    response = client.get(f"/admin/decisions/{decision.id}/{screen}?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/admin/decisions/{decision.id}/{screen}" aria-current="page"' in html
    for other in SCREENS:
        assert f"/admin/decisions/{decision.id}/{other}" in html
    assert "<form" in html


@pytest.mark.parametrize("screen", SCREENS)
def test_another_governments_staff_get_not_found(client, demo, screen):
    decision = _by_title(HEATING)
    login(client, "hongshan.office")
    assert client.get(f"/admin/decisions/{decision.id}/{screen}").status_code == 404
    assert client.post(f"/admin/decisions/{decision.id}/{screen}", data={}).status_code in (
        404,
        405,
    )


def test_another_government_cannot_write_any_early_record(client, demo):
    decision = _by_title(HEATING)
    login(client, "hongshan.office")
    before = _actions(decision)
    base = f"/admin/decisions/{decision.id}"
    for url in (
        "/initiation",
        "/drafting",
        "/drafting/consultations",
        "/drafting/disputes",
        "/drafts/draft/versions",
        "/participation/consultation",
        "/participation/activities",
        "/internal-review",
    ):
        assert client.post(base + url, data={"x": "1"}).status_code == 404, url
    assert _actions(decision) == before


def test_a_moderator_may_read_but_not_change_the_records(client, demo):
    decision = _by_title(HEATING)
    login(client, "moderator")
    page = client.get(f"/admin/decisions/{decision.id}/initiation?lang=en")
    assert page.status_code == 200
    assert "You can read this record but not change it." in text_of(page)
    assert "Save the initiation record" not in text_of(page)
    base = f"/admin/decisions/{decision.id}"
    for url in ("/initiation", "/drafting", "/participation/activities", "/internal-review"):
        assert client.post(base + url, data=_initiation_data()).status_code == 403, url
    version = drafts.draft_document(decision, DocumentKind.DRAFT).latest
    assert client.post(f"{base}/drafts/versions/{version.id}/publish").status_code == 403


# -- 1. initiation --------------------------------------------------------------------------------


def test_initiation_record_is_saved_and_audited(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation",
        data=_initiation_data(
            source="npc_cppcc",
            affects_market_entities="y",
            high_public_concern="y",
            is_complex="y",
        ),
    )
    assert response.status_code == 302
    d = _fresh(decision)
    assert d.source == DecisionSource.NPC_CPPCC
    assert d.initiate_decision == InitiateDecision.INITIATE
    assert d.initiated_on == date(2026, 11, 2)
    assert d.initiation_ref == "赤政字〔2026〕88号"
    assert d.out_of_scope_confirmed and d.affects_market_entities and d.high_public_concern
    assert d.is_complex and not d.affects_specific_group
    entry = _last_entry("initiation.update")
    assert entry.object_id == str(decision.id)
    assert entry.actor_label == "undertaker"
    data = json.loads(entry.data)
    assert data["after"]["initiated_on"] == "2026-11-02"
    assert data["before"]["source"] == "catalog"
    follow = client.get(response.headers["Location"])
    assert "赤政字〔2026〕88号" in follow.get_data(as_text=True)


def test_two_units_without_a_lead_unit_are_refused_citing_proc_12a(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    before = _actions(decision)
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(co_units=[str(_dept("transport").id)], source="public"),
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "PROC-12a" in text
    assert "2 undertaking units are designated but no lead unit among them." in text
    assert 'id="lead_unit-error"' in response.get_data(as_text=True)
    d = _fresh(decision)
    assert d.co_units == [] and d.source == DecisionSource.CATALOG  # nothing saved
    assert _actions(decision) == before


def test_every_problem_of_the_initiation_form_is_shown_at_once(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(co_units=[str(_dept("transport").id)], initiated_on="2026-13-40"),
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "PROC-12a" in text and "Enter a real date as YYYY-MM-DD." in text
    assert "Enter the date of the decision organ's decision." not in text  # malformed, not missing


def test_two_units_with_a_lead_unit_among_them_are_saved(client, demo):
    decision = _new_decision()
    login(client, "office")
    transport = _dept("transport")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation",
        data=_initiation_data(co_units=[str(transport.id)], lead_unit=str(transport.id)),
    )
    assert response.status_code == 302
    d = _fresh(decision)
    assert [u.slug for u in d.co_units] == ["transport"]
    assert d.lead_unit.slug == "transport"
    assert [u.slug for u in d.undertaking_units] == ["housing", "transport"]


def test_a_lead_unit_outside_the_undertaking_units_is_refused(client, demo):
    decision = _new_decision()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(
            co_units=[str(_dept("transport").id)], lead_unit=str(_dept("education").id)
        ),
    )
    assert response.status_code == 422
    assert "PROC-12a" in text_of(response)
    assert _fresh(decision).lead_unit_id is None


def test_another_governments_department_cannot_be_an_undertaking_unit(client, demo):
    decision = _new_decision()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(co_units=[str(_dept("housing", "hongshan").id)]),
    )
    assert response.status_code == 422
    assert _fresh(decision).co_units == []


def test_non_disclosure_needs_its_legal_basis(client, demo):
    decision = _new_decision()
    login(client, "office")
    url = f"/admin/decisions/{decision.id}/initiation?lang=en"
    refused = client.post(url, data=_initiation_data(non_disclosable="y"))
    assert refused.status_code == 422
    assert "Give the legal basis for not disclosing the item." in text_of(refused)
    assert not _fresh(decision).non_disclosable
    saved = client.post(
        url, data=_initiation_data(non_disclosable="y", non_disclosable_basis="保密法第九条")
    )
    assert saved.status_code == 302
    d = _fresh(decision)
    assert d.non_disclosable and d.non_disclosable_basis == "保密法第九条"


def test_a_decision_to_initiate_needs_its_date(client, demo):
    decision = _new_decision()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(initiated_on=""),
    )
    assert response.status_code == 422
    assert "PROC-11c: Enter the date of the decision organ" in text_of(response)
    assert _fresh(decision).initiate_decision is None


def test_an_excluded_type_cannot_also_be_confirmed_in_scope(client, demo):
    decision = _new_decision()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(scope_exclusion="emergency_response"),
    )
    assert response.status_code == 422
    assert "PROC-3b" in text_of(response)
    recorded = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(scope_exclusion="emergency_response", out_of_scope_confirmed=None),
    )
    assert recorded.status_code == 302
    page = client.get(f"/admin/decisions/{decision.id}/initiation?lang=en")
    assert "outside the scope of the procedure rules" in text_of(page)  # a reminder, PROC-3b


def test_an_impossible_date_and_overlong_text_are_refused_next_to_the_fields(client, demo):
    decision = _new_decision()
    login(client, "office")
    before = _actions(decision)
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(initiated_on="2026-13-40", initiation_ref="号" * 101),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="initiated_on-error"' in html and 'id="initiation_ref-error"' in html
    assert 'aria-invalid="true"' in html
    text = text_of(response)
    assert "Enter a real date as YYYY-MM-DD." in text
    assert "Field cannot be longer than 100 characters." in text
    assert 'value="2026-13-40"' in html  # the input is given back to correct
    assert _fresh(decision).initiated_on is None
    assert _actions(decision) == before


def test_a_date_in_the_future_is_refused(client, demo):
    decision = _new_decision()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(initiated_on="2027-01-05"),
    )
    assert response.status_code == 422
    assert "cannot be in the future" in text_of(response)


# -- 2. drafting and research ---------------------------------------------------------------------


def test_an_entrusted_draft_names_the_entrusted_party(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/drafting?lang=en"
    data = {
        "rec-mode": "entrusted_institution",
        "rec-entrusted_party": "",
        "rec-research_situation": "老城区管网老化严重。",
        "rec-research_necessity": "必要且可行。",
        "rec-research_basis": "《城镇排水与污水处理条例》",
        "rec-research_other": "",
        "rec-cost_benefit": "",
    }
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert "PROC-13a" in text_of(refused)
    assert _row(DraftingRecord, decision) is None
    saved = client.post(url, data=data | {"rec-entrusted_party": "内蒙古城市规划设计研究院"})
    assert saved.status_code == 302
    record = db.session.scalar(
        sa.select(DraftingRecord).where(DraftingRecord.decision_id == decision.id)
    )
    assert record.mode == DraftingMode.ENTRUSTED_INSTITUTION
    assert record.entrusted_party == "内蒙古城市规划设计研究院"
    assert record.research_basis == "《城镇排水与污水处理条例》"
    assert "drafting.update" in _actions(decision)
    # changing it again updates the same record
    client.post(url, data=data | {"rec-mode": "self", "rec-entrusted_party": "x"})
    rows = db.session.scalars(
        sa.select(DraftingRecord).where(DraftingRecord.decision_id == decision.id)
    ).all()
    assert len(rows) == 1 and rows[0].mode == DraftingMode.SELF and rows[0].entrusted_party == ""


def test_unit_consultations_are_added_and_deleted_with_audit(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/drafting"
    response = client.post(
        base + "/consultations",
        data={"uc-party": "市财政局", "uc-consulted_on": "2026-11-10", "uc-opinion": "同意"},
    )
    assert response.status_code == 302
    row = db.session.scalar(
        sa.select(UnitConsultation).where(UnitConsultation.decision_id == decision.id)
    )
    assert row.party == "市财政局" and row.consulted_on == date(2026, 11, 10)
    assert row.agreed is False  # the box was not ticked
    page = client.get(base + "?lang=en")
    assert "市财政局" in text_of(page)
    assert "PROC-15b" in text_of(page)  # no agreement and no dispute referred yet
    deleted = client.post(f"{base}/consultations/{row.id}/delete")
    assert deleted.status_code == 302
    assert _row(UnitConsultation, decision) is None
    actions = _actions(decision)
    assert "drafting.consultation_add" in actions and "drafting.consultation_delete" in actions
    snapshot = json.loads(_last_entry("drafting.consultation_delete").data)["before"]
    assert snapshot["party"] == "市财政局"


def test_a_consultation_needs_party_and_a_real_date(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/drafting/consultations?lang=en",
        data={"uc-party": "", "uc-consulted_on": "2026-02-30"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="uc-party-error"' in html and 'id="uc-consulted_on-error"' in html
    assert _row(UnitConsultation, decision) is None


def test_a_consultation_of_another_decision_cannot_be_deleted_through_this_one(client, demo):
    mine, other = _new_decision("甲事项"), _new_decision("乙事项")
    row = UnitConsultation(decision_id=other.id, party="市财政局", consulted_on=date(2026, 11, 1))
    db.session.add(row)
    db.session.commit()
    login(client, "undertaker")
    response = client.post(f"/admin/decisions/{mine.id}/drafting/consultations/{row.id}/delete")
    assert response.status_code == 404
    assert db.session.get(UnitConsultation, row.id) is not None


def test_a_dispute_is_referred_and_its_resolution_recorded(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/drafting"
    response = client.post(
        base + "/disputes",
        data={
            "dis-issues": "改造资金分担比例",
            "dis-differing_opinions": "财政局主张按4:6分担",
            "dis-reasons_and_basis": "财力有限",
            "dis-referred_on": "2026-11-12",
        },
    )
    assert response.status_code == 302
    dispute = db.session.scalar(sa.select(Dispute).where(Dispute.decision_id == decision.id))
    assert dispute.resolved_on is None
    early = client.post(
        f"{base}/disputes/{dispute.id}/resolve?lang=en",
        data={
            f"res{dispute.id}-resolution": "按5:5分担",
            f"res{dispute.id}-resolved_on": "2026-11-01",
        },
    )
    assert early.status_code == 422
    assert "before the referral" in text_of(early)
    resolved = client.post(
        f"{base}/disputes/{dispute.id}/resolve",
        data={
            f"res{dispute.id}-resolution": "按5:5分担",
            f"res{dispute.id}-resolved_on": "2026-11-20",
        },
    )
    assert resolved.status_code == 302
    dispute = _fresh(dispute)
    assert dispute.resolution == "按5:5分担" and dispute.resolved_on == date(2026, 11, 20)
    actions = _actions(decision)
    assert "drafting.dispute_add" in actions and "drafting.dispute_resolve" in actions


def test_a_dispute_states_issues_opinions_and_reasons(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/drafting/disputes?lang=en",
        data={"dis-issues": "资金", "dis-referred_on": "2026-11-12"},
    )
    assert response.status_code == 422
    assert _row(Dispute, decision) is None


# -- 3. draft versions ----------------------------------------------------------------------------


def test_a_new_draft_version_creates_the_document_and_records_author_and_hash(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/drafts/draft/versions"
    assert (
        client.post(
            url, data={"draft-body": "第一条　原文。", "draft-change_note": "初稿"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, data={"draft-body": "第一条　修改后的文字。", "draft-change_note": "改"}
        ).status_code
        == 302
    )
    doc = db.session.scalar(
        sa.select(Document).where(
            Document.decision_id == decision.id, Document.kind == DocumentKind.DRAFT
        )
    )
    assert doc is not None and doc.is_public is False
    versions = sorted(doc.versions, key=lambda v: v.number)
    assert [v.number for v in versions] == [1, 2]
    undertaker = db.session.scalar(sa.select(User).where(User.username == "undertaker"))
    assert all(v.created_by_id == undertaker.id for v in versions)
    assert versions[1].sha256 == drafts.sha256_of("第一条　修改后的文字。")
    assert versions[1].published_at is None
    actions = _actions(decision)
    assert actions.count("draft.version_add") == 2 and actions.count("draft.document_create") == 1
    assert "修改后的文字" not in _last_entry("draft.version_add").data  # the log keeps the hash


def test_an_empty_or_overlong_version_is_refused(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/drafts/drafting_explanation/versions?lang=en"
    empty = client.post(url, data={"drafting_explanation-body": ""})
    assert empty.status_code == 422
    assert 'id="drafting_explanation-body-error"' in empty.get_data(as_text=True)
    long_note = client.post(
        url,
        data={"drafting_explanation-body": "说明", "drafting_explanation-change_note": "x" * 501},
    )
    assert long_note.status_code == 422
    assert (
        db.session.scalar(
            sa.select(DocumentVersion.id).join(Document).where(Document.decision_id == decision.id)
        )
        is None
    )
    assert (
        client.post(f"/admin/decisions/{decision.id}/drafts/decision_text/versions").status_code
        == 404
    )


def test_publishing_a_version_makes_the_draft_public(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    client.post(
        f"/admin/decisions/{decision.id}/drafts/draft/versions", data={"draft-body": "第一条。"}
    )
    version = drafts.draft_document(decision, DocumentKind.DRAFT).latest
    response = client.post(f"/admin/decisions/{decision.id}/drafts/versions/{version.id}/publish")
    assert response.status_code == 302
    version = _fresh(version)
    assert version.published_at == NOW
    assert version.document.is_public is True
    assert "draft.version_publish" in _actions(decision)
    other = _new_decision("另一事项")
    elsewhere = f"/admin/decisions/{other.id}/drafts/versions/{version.id}/publish"
    assert client.post(elsewhere).status_code == 404  # a version of another decision


def test_a_non_disclosable_draft_cannot_be_published(client, demo):
    decision = _new_decision("涉密事项", non_disclosable=True)
    login(client, "undertaker")
    client.post(
        f"/admin/decisions/{decision.id}/drafts/draft/versions", data={"draft-body": "涉密文本"}
    )
    version = drafts.draft_document(decision, DocumentKind.DRAFT).latest
    response = client.post(
        f"/admin/decisions/{decision.id}/drafts/versions/{version.id}/publish?lang=en"
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "A7" in text and "cannot be published" in text
    version = _fresh(version)
    assert version.published_at is None and version.document.is_public is False
    assert "draft.version_publish" not in _actions(decision)


def test_the_diff_shows_inserted_and_deleted_text(client, demo):
    decision = _by_title(HEATING)
    login(client, "undertaker")
    response = client.get(f"/admin/decisions/{decision.id}/drafts?doc=draft&a=1&b=2&lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<del><span class="visually-hidden">[deleted: </span>60' in html
    assert '<ins><span class="visually-hidden">[inserted: </span>65' in html
    assert "不低于[-60-]{+65+}%" in html  # the text alternative
    assert "Changes in the Decision draft from version 1 to version 2" in text_of(response)


def test_the_diff_escapes_the_text_it_shows(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/drafts/draft/versions"
    client.post(url, data={"draft-body": "第一条 <b>旧</b>"})
    client.post(url, data={"draft-body": "第一条 <script>alert(1)</script>"})
    response = client.get(f"/admin/decisions/{decision.id}/drafts?doc=draft&a=1&b=2")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_diff_of_missing_versions_is_refused_without_error(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/drafts"
    assert client.get(base + "?a=1&b=9&lang=en").status_code == 422
    assert client.get(base + "?a=x&b=2").status_code == 422
    assert client.get(base + "?doc=nonsense&a=1&b=2").status_code == 422


# -- 4. public participation ----------------------------------------------------------------------


def _window(**overrides) -> dict:
    data = {
        "c-title": "关于公开征求意见的公告",
        "c-notice": "现公开征求意见。",
        "c-opens_on": "2026-12-01",
        "c-closes_on": "2026-12-31",
        "c-shortened_reason": "",
        "c-channels": "在线提交\n电子邮件",
        "c-contact_department": "市住建局",
        "c-contact_person": "法规科",
        "c-contact_phone": "0476-8331234",
        "c-contact_email": "yijian@example.gov.cn",
        "c-postal_address": "",
        "c-draft_version": "",
    }
    data.update(overrides)
    return data


def test_a_29_day_window_without_a_reason_is_refused_citing_proc_17b(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation?lang=en",
        data=_window(**{"c-closes_on": "2026-12-30"}),
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "PROC-17b" in text
    assert "The comment period is 29 days; it must be at least 30 days" in text
    assert 'id="c-closes_on-error"' in response.get_data(as_text=True)
    assert (
        db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
        is None
    )
    assert "participation.consultation_save" not in _actions(decision)


def test_the_refusal_cites_the_rule_in_chinese_by_default(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation?lang=zh_CN",
        data=_window(**{"c-closes_on": "2026-12-30"}),
    )
    assert response.status_code == 422
    assert "《赤峰市重大行政决策程序规定》第十七条 (PROC-17b)" in text_of(response)


def test_a_30_day_window_is_saved_in_beijing_time(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation", data=_window()
    )
    assert response.status_code == 302
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
    # 1 December 00:00 and 31 December 24:00 Beijing time (UTC+8)
    assert c.opens_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert c.closes_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert c.channel_list == ["在线提交", "电子邮件"]
    assert c.contact_department == "市住建局"
    assert "participation.consultation_save" in _actions(decision)
    page = text_of(client.get(f"/admin/decisions/{decision.id}/participation?lang=en"))
    assert "31 Dec 2026 24:00" in page and "30 calendar days" in page
    # saving again changes the same window
    client.post(
        f"/admin/decisions/{decision.id}/participation/consultation",
        data=_window(**{"c-closes_on": "2027-01-04"}),
    )
    rows = db.session.scalars(
        sa.select(Consultation).where(Consultation.decision_id == decision.id)
    ).all()
    assert len(rows) == 1 and rows[0].closes_at == datetime(2027, 1, 4, 16, 0, tzinfo=UTC)


def test_a_shortened_window_with_a_published_reason_is_accepted(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation",
        data=_window(**{"c-closes_on": "2026-12-21", "c-shortened_reason": "情况紧急"}),
    )
    assert response.status_code == 302
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
    assert c.shortened_reason == "情况紧急"


def test_a_window_without_contact_details_is_refused_citing_part_7b(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation?lang=en",
        data=_window(**{"c-contact_phone": "", "c-contact_email": "", "c-channels": " "}),
    )
    assert response.status_code == 422
    assert "PART-7b" in text_of(response)
    assert (
        db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
        is None
    )


def test_a_non_disclosable_decision_gets_no_public_comment_window(client, demo):
    decision = _new_decision("涉密事项", non_disclosable=True)
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation?lang=en", data=_window()
    )
    assert response.status_code == 422
    assert "A7" in text_of(response)
    assert (
        db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
        is None
    )


def _activity(prefix: str = "a", **overrides) -> dict:
    data = {
        "method": "symposium",
        "title": "供热规划座谈会",
        "held_on": "2026-12-10",
        "place": "市住建局三楼会议室",
        "participants": "12",
        "materials_delivered_on": "2026-12-08",
        "held_publicly": "y",
        "third_party": "",
        "summary": "",
    }
    data.update(overrides)
    return {f"{prefix}-{k}": v for k, v in data.items() if v is not None}


def test_a_symposium_shows_the_part_8b_due_date_and_warns_when_materials_were_late(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/activities?lang=en", data=_activity()
    )
    assert response.status_code == 302
    activity = db.session.scalar(
        sa.select(ParticipationActivity).where(ParticipationActivity.decision_id == decision.id)
    )
    assert activity.method == ParticipationMethod.SYMPOSIUM and activity.participants == 12
    page = text_of(client.get(response.headers["Location"]))
    # Thursday 10 December: materials due Monday 7 December (3 working days before)
    assert "Due by 7 Dec 2026" in page
    assert "PART-8b" in page and "did not" in page  # delivered on the 8th: late
    assert "participation.activity_add" in _actions(decision)


def test_a_hearing_shows_the_proc_19c_due_date(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    client.post(
        f"/admin/decisions/{decision.id}/participation/activities",
        data=_activity(method="hearing", title="票价听证会", materials_delivered_on="2026-12-02"),
    )
    page = text_of(client.get(f"/admin/decisions/{decision.id}/participation?lang=en"))
    assert "Due by 3 Dec 2026" in page  # 7 calendar days before 10 December
    assert "Hearing materials must reach" not in page  # delivered in time


def test_a_late_hearing_delivery_is_warned(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/activities?lang=en",
        data=_activity(method="hearing", title="票价听证会", materials_delivered_on="2026-12-05"),
    )
    page = text_of(client.get(response.headers["Location"]))
    assert "PROC-19c" in page and "Hearing materials must reach every participant by" in page


def test_an_activity_is_edited_and_deleted_with_audit(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/participation/activities"
    client.post(base, data=_activity())
    activity = _row(ParticipationActivity, decision)
    edit = client.get(f"{base}/{activity.id}/edit?lang=en")
    assert edit.status_code == 200 and "供热规划座谈会" in edit.get_data(as_text=True)
    response = client.post(
        f"{base}/{activity.id}",
        data=_activity(
            f"a{activity.id}",
            title="改期后的座谈会",
            held="y",
            held_on="2026-11-20",
            materials_delivered_on="2026-11-16",
        ),
    )
    assert response.status_code == 302
    activity = _fresh(activity)
    assert (
        activity.title == "改期后的座谈会"
        and activity.held
        and activity.held_on == date(2026, 11, 20)
    )
    entry = json.loads(_last_entry("participation.activity_update").data)
    assert entry["before"]["title"] == "供热规划座谈会"
    assert client.post(f"{base}/{activity.id}/delete").status_code == 302
    assert _row(ParticipationActivity, decision) is None
    assert "participation.activity_delete" in _actions(decision)


def test_bad_activity_input_is_refused_and_nothing_saved(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/activities?lang=en",
        data=_activity(
            method="open_comment", held_on="2026-13-40", participants="-3", title="题" * 201
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("method", "held_on", "participants", "title"):
        assert f'id="a-{name}-error"' in html, name
    assert _row(ParticipationActivity, decision) is None


# -- 5. unit review -------------------------------------------------------------------------------


def test_the_unit_review_is_saved_and_audited(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/internal-review",
        data={
            "internal_legal_review_on": "2026-11-18",
            "internal_legal_review_opinion": "经审查，草案合法。",
            "internal_discussion_on": "2026-11-20",
            "internal_discussion_minutes": "局党组会议讨论通过。",
        },
    )
    assert response.status_code == 302
    d = _fresh(decision)
    assert d.internal_legal_review_on == date(2026, 11, 18)
    assert d.internal_discussion_minutes == "局党组会议讨论通过。"
    assert "internal_review.update" in _actions(decision)


def test_a_unit_review_date_without_its_opinion_is_refused_citing_proc_28a(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/internal-review?lang=en",
        data={"internal_legal_review_on": "2026-11-18", "internal_legal_review_opinion": ""},
    )
    assert response.status_code == 422
    assert "PROC-28a" in text_of(response)
    assert 'id="internal_legal_review_opinion-error"' in response.get_data(as_text=True)
    assert _fresh(decision).internal_legal_review_on is None


def test_dates_in_rule_messages_read_as_chinese_dates(app):
    from portal import labels
    from portal.rules.errors import RuleViolation

    v = RuleViolation(
        "PROC-17b", "The public comment period is open until %(last_day)s.", last_day="2026-12-17"
    )
    with app.test_request_context("/"):
        assert labels.violation_text(v) == "公开征求意见尚未结束，截止日期为2026年12月17日。"
    with app.test_request_context("/?lang=en"):
        assert labels.violation_text(v) == "The public comment period is open until 17 Dec 2026."
