"""The back-office screens of the early stages: initiation, drafting and research, draft versions,
public participation and the unit's own review. What an official notices: records written,
every edit audited, refusals citing the rule, nothing half saved, other governments kept out."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.consultation import Consultation
from portal.models.correction import Correction, FlagRequest
from portal.models.decision import Decision, DecisionSource, ProcedureStep
from portal.models.document import Document, DocumentKind, DocumentVersion
from portal.models.drafting import Dispute, DraftingMode, DraftingRecord, UnitConsultation
from portal.models.org import Department, Government
from portal.models.participation import ParticipationActivity
from portal.models.user import User
from portal.rules.enums import InitiateDecision, ParticipationMethod, ReviewResult
from portal.rules.stages import Category, Step, StepStatus
from portal.services import decisions as decision_service
from portal.services import drafts, procedure
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


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _step(decision: Decision, step: Step, status: StepStatus = StepStatus.IN_PROGRESS) -> None:
    """Record ``step`` of the decision as in progress (or completed), a new round if it ran."""
    row = decision.step(step)
    if row is not None and status is StepStatus.COMPLETED and row.status is not status:
        row.status, row.completed_at = status, NOW - timedelta(days=1)
    else:
        decision.steps.append(
            ProcedureStep(
                step=step,
                round=(row.round + 1) if row else 1,
                status=status,
                started_at=NOW - timedelta(days=20),
                completed_at=NOW - timedelta(days=1) if status is StepStatus.COMPLETED else None,
            )
        )
    db.session.commit()


def _publish_drafts(decision: Decision, *, explanation: bool = True) -> DocumentVersion:
    """A published draft (and, unless told otherwise, a published drafting explanation)."""
    actor = _user("undertaker")
    kinds = [DocumentKind.DRAFT] + ([DocumentKind.DRAFTING_EXPLANATION] if explanation else [])
    published = None
    for kind in kinds:
        version = drafts.add_version(
            decision, kind, body=f"{kind}全文", change_note="", actor=actor, now=NOW
        )
        drafts.publish_version(decision, version, actor=actor, now=NOW)
        published = published or version
    db.session.commit()
    return published


def _in_participation(title: str = "赤峰市测试决策事项", **kw) -> tuple[Decision, DocumentVersion]:
    """A decision in public participation with its draft and explanation published."""
    decision = _new_decision(title)
    _step(decision, Step.DRAFTING_RESEARCH)
    _step(decision, Step.PUBLIC_PARTICIPATION)
    return decision, _publish_drafts(decision, **kw)


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
        data=_initiation_data(source="npc_cppcc"),
    )
    assert response.status_code == 302
    d = _fresh(decision)
    assert d.source == DecisionSource.NPC_CPPCC
    assert d.initiate_decision == InitiateDecision.INITIATE
    assert d.initiated_on == date(2026, 11, 2)
    assert d.initiation_ref == "赤政字〔2026〕88号"
    entry = _last_entry("initiation.update")
    assert entry.object_id == str(decision.id)
    assert entry.actor_label == "undertaker"
    data = json.loads(entry.data)
    assert data["after"]["initiated_on"] == "2026-11-02"
    assert data["before"]["source"] == "catalog"
    follow = client.get(response.headers["Location"])
    assert "赤政字〔2026〕88号" in follow.get_data(as_text=True)


def test_posting_the_old_flag_fields_to_the_initiation_form_changes_no_flag(client, demo):
    """The side door of issue 11: gate-switching flags were on this form (A7, A42)."""
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation",
        data=_initiation_data(
            non_disclosable="y",
            non_disclosable_basis="随便写的依据",
            affects_market_entities="y",
            high_public_concern="y",
            is_exploratory_reform="y",
            affects_enterprise_operations="y",
            affects_specific_group="y",
            npc_report_required="y",
        ),
    )
    assert response.status_code == 302  # the initiation record itself is saved
    d = _fresh(decision)
    assert d.initiation_ref == "赤政字〔2026〕88号"
    for flag in (
        "non_disclosable",
        "out_of_scope_confirmed",
        "affects_market_entities",
        "high_public_concern",
        "is_exploratory_reform",
        "affects_enterprise_operations",
        "affects_specific_group",
        "npc_report_required",
    ):
        assert getattr(d, flag) is False, flag
    assert d.non_disclosable_basis == ""
    assert db.session.scalar(sa.select(FlagRequest).where(FlagRequest.decision_id == d.id)) is None
    assert client.get(f"/decisions/{d.id}").status_code == 200  # still on the public portal
    page = client.get(f"/admin/decisions/{d.id}/initiation?lang=en")
    html = page.get_data(as_text=True)
    assert 'name="non_disclosable"' not in html and 'name="high_public_concern"' not in html
    assert "Request a change of a flag" in text_of(page)
    assert f'href="/admin/decisions/{d.id}/corrections#flags-h"' in html


def test_the_flags_are_shown_read_only_with_their_state(client, demo):
    decision = _new_decision("涉密事项", non_disclosable=True)
    login(client, "undertaker")
    text = text_of(client.get(f"/admin/decisions/{decision.id}/initiation?lang=en"))
    assert "Not to be disclosed according to law (A7) Yes" in text
    assert "《中华人民共和国保守国家秘密法》第九条" in text  # the legal basis


def test_a_completed_initiation_is_locked_and_corrected_by_the_office(client, demo):
    decision = _new_decision()
    login(client, "office")
    assert (
        client.post(
            f"/admin/decisions/{decision.id}/initiation", data=_initiation_data()
        ).status_code
        == 302
    )
    _step(_fresh(decision), Step.INITIATION, StepStatus.COMPLETED)
    url = f"/admin/decisions/{decision.id}/initiation?lang=en"
    page = text_of(client.get(url))
    assert "locked" in page and "the government office can correct it" in page
    client.get("/admin/logout")
    login(client, "undertaker")
    before = _actions(decision)
    edited = client.post(url, data=_initiation_data(initiation_ref="赤政字〔2026〕99号"))
    assert edited.status_code == 422
    assert "PROC-39a" in text_of(edited) and "locked" in text_of(edited)
    by_unit = client.post(
        url,
        data=_initiation_data(initiation_ref="赤政字〔2026〕99号", correction_reason="笔误"),
    )
    assert by_unit.status_code == 422  # PROC-11c: the decision organ's office corrects it
    assert "PROC-11c" in text_of(by_unit) and "Only the government office" in text_of(by_unit)
    assert _fresh(decision).initiation_ref == "赤政字〔2026〕88号"
    assert _actions(decision) == before
    client.get("/admin/logout")
    login(client, "office")
    no_reason = client.post(url, data=_initiation_data(initiation_ref="赤政字〔2026〕99号"))
    assert no_reason.status_code == 422 and "PROC-39a" in text_of(no_reason)
    corrected = client.post(
        url,
        data=_initiation_data(initiation_ref="赤政字〔2026〕99号", correction_reason="文号笔误"),
    )
    assert corrected.status_code == 302
    assert _fresh(decision).initiation_ref == "赤政字〔2026〕99号"
    row = db.session.scalar(sa.select(Correction).where(Correction.decision_id == decision.id))
    assert row.reason == "文号笔误" and row.public
    assert row.changes["initiation_ref"] == ["赤政字〔2026〕88号", "赤政字〔2026〕99号"]
    assert "initiation.update.correction" in _actions(decision)
    assert "文号笔误" in text_of(client.get(url))  # shown with the record
    assert "文号笔误" in text_of(client.get(f"/decisions/{decision.id}"))  # and on the dossier


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


def test_a_decision_to_initiate_needs_its_date(client, demo):
    decision = _new_decision()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(initiated_on=""),
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "PROC-11c" in text and "Enter the date of the decision organ" in text
    assert _fresh(decision).initiate_decision is None


def test_an_exclusion_is_refused_while_the_item_is_confirmed_in_scope(client, demo):
    confirmed = _new_decision("已确认事项")
    confirmed.out_of_scope_confirmed = True  # set by the office at registration (A42)
    db.session.commit()
    login(client, "office")
    response = client.post(
        f"/admin/decisions/{confirmed.id}/initiation?lang=en",
        data=_initiation_data(scope_exclusion="emergency_response"),
    )
    assert response.status_code == 422
    assert "PROC-3b" in text_of(response)
    assert 'id="scope_exclusion-error"' in response.get_data(as_text=True)
    assert _fresh(confirmed).scope_exclusion is None
    decision = _new_decision()  # not confirmed: the exclusion is recorded, with a reminder
    recorded = client.post(
        f"/admin/decisions/{decision.id}/initiation?lang=en",
        data=_initiation_data(scope_exclusion="emergency_response"),
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
    assert "cannot be in the future" in text_of(response) and "PROC-11c" in text_of(response)
    assert _fresh(decision).initiated_on is None


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
    assert "PROC-15b" in text_of(early) and "cannot be before 12 Nov 2026" in text_of(early)
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


def test_a_consultation_dated_in_the_future_is_refused_citing_proc_15a(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/drafting/consultations?lang=en",
        data={"uc-party": "市财政局", "uc-consulted_on": "2026-11-27"},
    )
    assert response.status_code == 422
    assert "PROC-15a" in text_of(response) and "cannot be in the future" in text_of(response)
    assert _row(UnitConsultation, decision) is None


def _drafting_data(**overrides) -> dict:
    data = {
        "rec-mode": "self",
        "rec-research_situation": "管网老化。",
        "rec-research_necessity": "必要。",
        "rec-research_basis": "《城镇排水与污水处理条例》",
    }
    data.update(overrides)
    return data


def test_the_fair_competition_review_is_recorded_with_the_drafting_record(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/drafting"
    client.post(url, data=_drafting_data(**{"rec-fair_competition_review_done": "y"}))
    assert _fresh(decision).fair_competition_review_done
    assert procedure.build_facts(_fresh(decision)).fair_competition_review_done  # PROC-29b


def test_completed_drafting_records_are_locked_until_a_revision_reopens_drafting(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/drafting"
    client.post(base, data=_drafting_data())
    client.post(
        base + "/consultations",
        data={"uc-party": "市财政局", "uc-consulted_on": "2026-11-10", "uc-agreed": "y"},
    )
    row = _row(UnitConsultation, decision)
    _step(decision, Step.DRAFTING_RESEARCH, StepStatus.COMPLETED)
    before = _actions(decision)
    # a direct edit of the completed record, a new consultation, a deletion: all refused
    edited = client.post(base + "?lang=en", data=_drafting_data(**{"rec-research_basis": "改"}))
    assert edited.status_code == 422 and "PROC-39a" in text_of(edited)
    added = client.post(
        base + "/consultations?lang=en",
        data={"uc-party": "市发改委", "uc-consulted_on": "2026-11-20"},
    )
    assert added.status_code == 422 and "PROC-39a" in text_of(added)
    deleted = client.post(f"{base}/consultations/{row.id}/delete?lang=en")
    assert deleted.status_code == 422 and "PROC-39a" in text_of(deleted)
    assert _actions(decision) == before
    assert len(db.session.scalars(sa.select(UnitConsultation)).all()) >= 1
    assert _row(DraftingRecord, decision).research_basis == "《城镇排水与污水处理条例》"
    page = text_of(client.get(base + "?lang=en"))
    assert "the undertaking unit can correct it with a reason" in page
    # the undertaking unit corrects it, with the reason kept
    corrected = client.post(
        base,
        data=_drafting_data(
            **{
                "rec-research_basis": "《城镇排水与污水处理条例》第十条",
                "rec-correction_reason": "补充条款",
            }
        ),
    )
    assert corrected.status_code == 302
    fix = db.session.scalar(sa.select(Correction).where(Correction.decision_id == decision.id))
    assert fix.reason == "补充条款" and not fix.public  # drafting records are not public
    # A11: a revision loop reopens drafting, and the records can change again
    _step(_fresh(decision), Step.DRAFTING_RESEARCH)
    again = client.post(base, data=_drafting_data(**{"rec-research_other": "补充调研"}))
    assert again.status_code == 302
    assert _row(DraftingRecord, decision).research_other == "补充调研"


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


def test_a_30_day_window_is_announced_in_beijing_time(client, demo):
    decision, draft = _in_participation()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation",
        data=_window(**{"c-draft_version": str(draft.id)}),
    )
    assert response.status_code == 302
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
    # 1 December 00:00 and 31 December 24:00 Beijing time (UTC+8)
    assert c.opens_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert c.closes_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert c.channel_list == ["在线提交", "电子邮件"]
    assert c.contact_department == "市住建局" and c.draft_version_id == draft.id
    assert "participation.consultation_open" in _actions(decision)
    page = text_of(client.get(f"/admin/decisions/{decision.id}/participation?lang=en"))
    assert "31 Dec 2026 24:00" in page and "30 calendar days" in page
    # before it opens, the announced window may still change (the same window)
    client.post(
        f"/admin/decisions/{decision.id}/participation/consultation",
        data=_window(**{"c-closes_on": "2027-01-04", "c-draft_version": str(draft.id)}),
    )
    rows = db.session.scalars(
        sa.select(Consultation).where(Consultation.decision_id == decision.id)
    ).all()
    assert len(rows) == 1 and rows[0].closes_at == datetime(2027, 1, 4, 16, 0, tzinfo=UTC)
    assert "participation.consultation_save" in _actions(decision)
    facts = procedure.participation_facts(_fresh(decision))
    assert ParticipationMethod.OPEN_COMMENT in facts.methods  # PROC-16a: it counts


def test_a_shortened_window_with_a_published_reason_is_accepted(client, demo):
    decision, draft = _in_participation()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation",
        data=_window(
            **{
                "c-closes_on": "2026-12-21",
                "c-shortened_reason": "情况紧急",
                "c-draft_version": str(draft.id),
            }
        ),
    )
    assert response.status_code == 302
    c = db.session.scalar(sa.select(Consultation).where(Consultation.decision_id == decision.id))
    assert c.shortened_reason == "情况紧急"


def test_open_comment_needs_a_published_draft_and_its_explanation(client, demo):
    """PROC-17a / PART-7: the side door of a window with no draft attached."""
    decision, draft = _in_participation(explanation=False)
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation/consultation?lang=en"
    no_draft = client.post(url, data=_window())
    assert no_draft.status_code == 422
    text = text_of(no_draft)
    assert "PROC-17a" in text and "Choose a published version of the draft" in text
    assert "Publish the drafting explanation" in text
    assert 'id="c-draft_version-error"' in no_draft.get_data(as_text=True)
    unpublished = drafts.add_version(
        decision,
        DocumentKind.DRAFT,
        body="第二稿",
        change_note="",
        actor=_user("undertaker"),
        now=NOW,
    )
    db.session.commit()
    still = client.post(url, data=_window(**{"c-draft_version": str(unpublished.id)}))
    assert still.status_code == 422 and "Choose a published version" in text_of(still)
    assert _row(Consultation, decision) is None
    _publish_drafts(decision)  # now the explanation is published too
    opened = client.post(url, data=_window(**{"c-draft_version": str(draft.id)}))
    assert opened.status_code == 302


def test_open_comment_opens_only_while_public_participation_is_in_progress(client, demo):
    decision = _new_decision()
    draft = _publish_drafts(decision)
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation/consultation?lang=en"
    response = client.post(url, data=_window(**{"c-draft_version": str(draft.id)}))
    assert response.status_code == 422 and "PROC-16a" in text_of(response)
    assert _row(Consultation, decision) is None
    backdated = _in_participation("另一事项")
    late = client.post(
        f"/admin/decisions/{backdated[0].id}/participation/consultation?lang=en",
        data=_window(**{"c-opens_on": "2026-11-20", "c-draft_version": str(backdated[1].id)}),
    )
    assert late.status_code == 422 and "PROC-17b" in text_of(late)  # never backdated


def _opened_ten_days_ago(days: int = 30, reason: str = ""):
    """A window announced ten days ago for ``days`` days (through the service, at that time)."""
    from portal.services import participation

    decision, draft = _in_participation()
    opened = (NOW - timedelta(days=10)).date()
    participation.open_consultation(
        decision,
        participation.ConsultationNotice(
            title="关于公开征求意见的公告",
            opens_on=opened,
            closes_on=opened + timedelta(days=days),
            shortened_reason=reason,
            channels="在线提交",
            contact_department="市住建局",
            contact_phone="0476-8331234",
            draft_version_id=draft.id,
        ),
        actor=_user("undertaker"),
        now=NOW - timedelta(days=10),
    )
    db.session.commit()
    return decision, draft, opened


def test_a_30_day_window_cannot_be_cut_to_11_days_mid_way(client, demo):
    """The bug of issue 11 (PROC-17b/17c), tried through the notice form, as a correction, with
    a reason added afterwards, and through the extension form."""
    decision, draft, opened = _opened_ten_days_ago()
    c = _row(Consultation, decision)
    closes = c.closes_at
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation/consultation?lang=en"
    eleven = (opened + timedelta(days=11)).isoformat()
    common = {
        "c-opens_on": opened.isoformat(),
        "c-closes_on": eleven,
        "c-draft_version": str(draft.id),
        "c-channels": "在线提交",
    }
    before = _actions(decision)
    for extra in (
        {},
        {"c-correction_reason": "工作需要"},
        {"c-shortened_reason": "情况紧急", "c-correction_reason": "补充说明"},
    ):
        response = client.post(url, data=_window(**common | extra))
        assert response.status_code == 422, extra
        text = text_of(response)
        assert "PROC-17b" in text and "can be extended but not shortened" in text
    added = client.post(
        url,
        data=_window(
            **common
            | {
                "c-closes_on": (opened + timedelta(days=30)).isoformat(),
                "c-shortened_reason": "情况紧急",
                "c-correction_reason": "补充说明",
            }
        ),
    )
    assert added.status_code == 422 and "PROC-17c" in text_of(added)
    moved = client.post(
        url,
        data=_window(
            **common
            | {
                "c-opens_on": (opened + timedelta(days=5)).isoformat(),
                "c-closes_on": (opened + timedelta(days=30)).isoformat(),
                "c-correction_reason": "改期",
            }
        ),
    )
    assert moved.status_code == 422 and "its start cannot move" in text_of(moved)
    shorter = client.post(
        f"/admin/decisions/{decision.id}/participation/consultation/extend?lang=en",
        data={"x-closes_on": eleven, "x-reason": "提前结束"},
    )
    assert shorter.status_code == 422 and "PROC-17b" in text_of(shorter)
    c = _fresh(c)
    assert c.closes_at == closes and c.shortened_reason == ""
    assert _actions(decision) == before


def test_an_open_window_is_extended_with_its_reason_shown_on_the_notice(client, demo):
    decision, _draft, _opened = _opened_ten_days_ago()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation/consultation/extend?lang=en"
    no_reason = client.post(url, data={"x-closes_on": "2026-12-31", "x-reason": ""})
    assert no_reason.status_code == 422
    response = client.post(url, data={"x-closes_on": "2026-12-31", "x-reason": "应群众要求延长"})
    assert response.status_code == 302
    c = _row(Consultation, decision)
    assert c.closes_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert [x.reason for x in c.extensions] == ["应群众要求延长"]
    entry = json.loads(_last_entry("participation.consultation_extend").data)
    assert entry["after"]["closes_at"].startswith("2026-12-31T16:00")
    assert "participation.consultation_extension" in _actions(decision)
    admin_page = text_of(client.get(f"/admin/decisions/{decision.id}/participation?lang=en"))
    assert "Extended to 31 Dec 2026 24:00" in admin_page and "应群众要求延长" in admin_page
    dossier = text_of(client.get(f"/decisions/{decision.id}?lang=zh_CN"))
    assert "延长至2026年12月31日" in dossier and "应群众要求延长" in dossier


def test_a_second_round_is_a_new_window_once_the_first_has_closed(client, demo):
    decision, draft, opened = _opened_ten_days_ago(days=5, reason="情况紧急")
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation/consultation?lang=en"
    # A11: the draft is revised and participation runs again
    _step(_fresh(decision), Step.PUBLIC_PARTICIPATION, StepStatus.COMPLETED)
    closed = client.post(url, data=_window(**{"c-draft_version": str(draft.id)}))
    assert closed.status_code == 422 and "PROC-16a" in text_of(closed)
    _step(_fresh(decision), Step.PUBLIC_PARTICIPATION)
    second = client.post(url, data=_window(**{"c-draft_version": str(draft.id)}))
    assert second.status_code == 302
    rows = db.session.scalars(
        sa.select(Consultation)
        .where(Consultation.decision_id == decision.id)
        .order_by(Consultation.opens_at)
    ).all()
    assert len(rows) == 2 and rows[0].shortened_reason == "情况紧急"
    assert rows[0].closes_at == local_close(opened + timedelta(days=5))  # the first is unchanged
    page = text_of(client.get(f"/admin/decisions/{decision.id}/participation?lang=en"))
    assert "Round 1" in page and "Round 2" in page


def local_close(day: date) -> datetime:
    from portal.services.records import local_midnight

    return local_midnight(day + timedelta(days=1))


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
        "method": "questionnaire",
        "title": "供热规划问卷调查",
        "held_on": "2026-11-20",
        "place": "线上及各社区",
        "participants": "1500",
        "held": "y",
        "third_party": "",
        "summary": "回收有效问卷1432份。",
    }
    data.update(overrides)
    return {f"{prefix}-{k}": v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("method", "rule"), [("hearing", "PART-12a"), ("symposium", "PART-8a")])
def test_a_hearing_or_symposium_cannot_be_recorded_on_the_participation_screen(
    client, demo, method, rule
):
    """Issue 11: a "public hearing" recorded by hand satisfied every participation gate."""
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/activities?lang=en",
        data=_activity(method=method, title="票价听证会"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html[html.index('id="a-method-error"') :].split("</p>")[0]
    assert rule in error and "hearing module" in error
    assert _row(ParticipationActivity, decision) is None
    assert "participation.activity_add" not in _actions(decision)
    page = client.get(f"/admin/decisions/{decision.id}/participation")
    assert f'value="{method}"' not in page.get_data(as_text=True)  # not offered either


def test_a_hand_recorded_hearing_satisfies_no_participation_gate_nor_proc_29b(demo):
    """A hearing recorded by hand before issue 11 (or written around the screens) is ignored:
    only hearings announced in the hearing module count."""
    decision = _new_decision()
    db.session.add(
        ParticipationActivity(
            decision_id=decision.id,
            method=ParticipationMethod.HEARING,
            title="听证会",
            held_on=date(2026, 11, 10),
            held=True,
            record_signed=True,
            report_issued=True,
            materials_delivered_on=date(2026, 11, 1),
        )
    )
    db.session.commit()
    facts = procedure.build_facts(_fresh(decision))
    assert facts.participation.methods == () and facts.participation.hearings == ()
    from portal.rules import gates

    refused = gates.participation_completion_violations(facts)
    assert [v.rule for v in refused] == ["PROC-16a"]  # no participation activity at all
    assert "PROC-29b" not in {v.rule for v in gates.legality_submission_violations(facts)}


def test_an_activity_is_recorded_edited_and_deleted_with_audit(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/participation/activities"
    assert client.post(base, data=_activity()).status_code == 302
    activity = _row(ParticipationActivity, decision)
    assert activity.method == ParticipationMethod.QUESTIONNAIRE and activity.participants == 1500
    edit = client.get(f"{base}/{activity.id}/edit?lang=en")
    assert edit.status_code == 200 and "供热规划问卷调查" in edit.get_data(as_text=True)
    response = client.post(
        f"{base}/{activity.id}",
        data=_activity(f"a{activity.id}", title="改期后的实地走访", method="field_visit"),
    )
    assert response.status_code == 302
    activity = _fresh(activity)
    assert (
        activity.title == "改期后的实地走访" and activity.method is ParticipationMethod.FIELD_VISIT
    )
    entry = json.loads(_last_entry("participation.activity_update").data)
    assert entry["before"]["title"] == "供热规划问卷调查"
    assert client.post(f"{base}/{activity.id}/delete").status_code == 302
    assert _row(ParticipationActivity, decision) is None
    assert "participation.activity_delete" in _actions(decision)


def test_an_activity_held_in_the_future_is_refused(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation/activities?lang=en"
    refused = client.post(url, data=_activity(held_on="2026-12-10"))
    assert refused.status_code == 422 and "cannot be dated in the future" in text_of(refused)
    planned = client.post(url, data=_activity(held_on="2026-12-10", held=None))
    assert planned.status_code == 302


def test_activities_lock_when_participation_is_completed(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/participation/activities"
    client.post(base, data=_activity())
    activity = _row(ParticipationActivity, decision)
    _step(decision, Step.PUBLIC_PARTICIPATION, StepStatus.COMPLETED)
    before = _actions(decision)
    changed = client.post(
        f"{base}/{activity.id}?lang=en", data=_activity(f"a{activity.id}", participants="3000")
    )
    assert changed.status_code == 422 and "PROC-39a" in text_of(changed)
    assert client.post(f"{base}/{activity.id}/delete?lang=en").status_code == 422
    added = client.post(base + "?lang=en", data=_activity(title="补录的问卷"))
    assert added.status_code == 422
    assert _actions(decision) == before and _fresh(activity).participants == 1500
    corrected = client.post(
        f"{base}/{activity.id}",
        data=_activity(
            f"a{activity.id}", participants="1432", correction_reason="人数按有效问卷计"
        ),
    )
    assert corrected.status_code == 302 and _fresh(activity).participants == 1432
    fix = db.session.scalar(sa.select(Correction).where(Correction.decision_id == decision.id))
    assert fix.public and fix.reason == "人数按有效问卷计"  # an activity is public


def test_activities_are_public_on_the_dossier_without_personal_data(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    client.post(
        f"/admin/decisions/{decision.id}/participation/activities",
        data=_activity(
            third_party="赤峰调查咨询有限公司", method="poll", title="市民满意度民意调查"
        ),
    )
    client.post(
        f"/admin/decisions/{decision.id}/participation/activities",
        data=_activity(
            title="尚未开展的走访", method="field_visit", held=None, held_on="2026-12-20"
        ),
    )
    page = text_of(client.get(f"/decisions/{decision.id}?lang=en"))
    assert (
        "Opinion poll" in page and "市民满意度民意调查" in page and "回收有效问卷1432份。" in page
    )
    assert "1500 participants" in page and "线上及各社区" in page
    assert "尚未开展的走访" not in page  # planned, not held yet
    secret = _new_decision("涉密事项", non_disclosable=True)
    client.post(
        f"/admin/decisions/{secret.id}/participation/activities",
        data=_activity(title="涉密座谈"),
    )
    from portal.services import participation

    assert participation.public_activities(_fresh(secret)) == []
    assert client.get(f"/decisions/{secret.id}").status_code == 404


def test_bad_activity_input_is_refused_and_nothing_saved(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    response = client.post(
        f"/admin/decisions/{decision.id}/participation/activities?lang=en",
        data=_activity(
            method="nonsense", held_on="2026-13-40", participants="-3", title="题" * 201
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("method", "held_on", "participants", "title"):
        assert f'id="a-{name}-error"' in html, name
    assert _row(ParticipationActivity, decision) is None


def test_the_specific_group_heard_is_recorded_on_the_participation_screen(client, demo):
    decision = _new_decision()
    decision.affects_specific_group = True
    db.session.commit()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/participation"
    assert "PART-14a" in text_of(client.get(url + "?lang=en"))
    assert client.post(url + "/specific-group", data={"g-heard": "y"}).status_code == 302
    assert _fresh(decision).specific_group_heard
    assert procedure.build_facts(_fresh(decision)).participation.specific_group_heard


# -- 5. unit review -------------------------------------------------------------------------------


def _legal(**overrides) -> dict:
    data = {
        "lr-internal_legal_review_on": "2026-11-18",
        "lr-internal_legal_review_opinion": "经审查，草案合法。",
        "lr-internal_legal_review_result": "passed",
    }
    data.update(overrides)
    return data


def _discussion(**overrides) -> dict:
    data = {
        "cd-internal_discussion_on": "2026-11-20",
        "cd-internal_discussion_minutes": "局党组会议讨论通过。",
        "cd-internal_discussion_result": "passed",
    }
    data.update(overrides)
    return data


def test_the_unit_review_is_saved_with_its_results_and_audited(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/internal-review"
    assert client.post(base, data=_legal()).status_code == 302
    assert client.post(base + "/discussion", data=_discussion()).status_code == 302
    d = _fresh(decision)
    assert d.internal_legal_review_on == date(2026, 11, 18)
    assert d.internal_legal_review_result is ReviewResult.PASSED
    assert d.internal_discussion_minutes == "局党组会议讨论通过。"
    assert d.internal_discussion_result is ReviewResult.PASSED
    actions = _actions(decision)
    assert "internal_review.legal_review" in actions and "internal_review.discussion" in actions
    facts = procedure.build_facts(d)
    assert facts.internal_legal_review_passed and facts.internal_collective_discussion_passed


def test_a_review_that_did_not_pass_does_not_satisfy_proc_28a(client, demo):
    """Issue 11: any recorded date used to count as "passed"."""
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/internal-review"
    client.post(base, data=_legal(**{"lr-internal_legal_review_result": "not_passed"}))
    client.post(
        base + "/discussion", data=_discussion(**{"cd-internal_discussion_result": "not_passed"})
    )
    facts = procedure.build_facts(_fresh(decision))
    assert not facts.internal_legal_review_passed
    assert not facts.internal_collective_discussion_passed
    from portal.rules import gates

    refused = gates.legality_submission_violations(facts)
    assert [v.field for v in refused if v.rule == "PROC-28a"] == [
        "internal_legal_review",
        "internal_collective_discussion",
    ]
    page = text_of(client.get(base + "?lang=en"))
    assert "Not passed" in page


def test_a_unit_review_date_without_its_opinion_or_result_is_refused_citing_proc_28a(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    url = f"/admin/decisions/{decision.id}/internal-review?lang=en"
    response = client.post(
        url,
        data=_legal(
            **{"lr-internal_legal_review_opinion": "", "lr-internal_legal_review_result": ""}
        ),
    )
    assert response.status_code == 422
    assert "PROC-28a" in text_of(response)
    html = response.get_data(as_text=True)
    assert 'id="lr-internal_legal_review_opinion-error"' in html
    assert 'id="lr-internal_legal_review_result-error"' in html
    assert _fresh(decision).internal_legal_review_on is None


def test_unit_review_dates_are_not_in_the_future_and_the_discussion_comes_second(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/internal-review"
    first = client.post(base + "/discussion?lang=en", data=_discussion())
    assert first.status_code == 422
    assert "review before the collective discussion" in text_of(first)
    future = client.post(
        base + "?lang=en", data=_legal(**{"lr-internal_legal_review_on": "2026-11-27"})
    )
    assert future.status_code == 422 and "cannot be in the future" in text_of(future)
    client.post(base, data=_legal())
    before = client.post(
        base + "/discussion?lang=en",
        data=_discussion(**{"cd-internal_discussion_on": "2026-11-17"}),
    )
    assert before.status_code == 422 and "PROC-28a" in text_of(before)
    assert "cannot be before 18 Nov 2026" in text_of(before)
    assert _fresh(decision).internal_discussion_on is None
    client.post(base + "/discussion", data=_discussion())
    moved = client.post(
        base + "?lang=en", data=_legal(**{"lr-internal_legal_review_on": "2026-11-21"})
    )
    assert moved.status_code == 422  # the legal review cannot move after the discussion
    assert _fresh(decision).internal_legal_review_on == date(2026, 11, 18)


def test_a_completed_unit_review_is_locked_and_corrected_by_the_unit(client, demo):
    decision = _new_decision()
    login(client, "undertaker")
    base = f"/admin/decisions/{decision.id}/internal-review"
    client.post(base, data=_legal())
    _step(decision, Step.INTERNAL_LEGAL_REVIEW, StepStatus.COMPLETED)
    before = _actions(decision)
    edited = client.post(
        base + "?lang=en", data=_legal(**{"lr-internal_legal_review_result": "not_passed"})
    )
    assert edited.status_code == 422 and "PROC-39a" in text_of(edited)
    assert _actions(decision) == before
    # the discussion is a separate record: it is not locked yet
    assert client.post(base + "/discussion", data=_discussion()).status_code == 302
    client.get("/admin/logout")
    login(client, "office")
    by_office = client.post(
        base + "?lang=en",
        data=_legal(**{"lr-internal_legal_review_opinion": "改", "lr-correction_reason": "笔误"}),
    )
    assert by_office.status_code == 422 and "Only the undertaking unit" in text_of(by_office)
    client.get("/admin/logout")
    login(client, "undertaker")
    corrected = client.post(
        base,
        data=_legal(
            **{
                "lr-internal_legal_review_opinion": "经审查，草案合法，程序完备。",
                "lr-correction_reason": "补全意见原文",
            }
        ),
    )
    assert corrected.status_code == 302
    assert _fresh(decision).internal_legal_review_opinion == "经审查，草案合法，程序完备。"
    fix = db.session.scalar(sa.select(Correction).where(Correction.decision_id == decision.id))
    assert fix.reason == "补全意见原文" and not fix.public
    assert "补全意见原文" in text_of(client.get(base))


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


def test_a_hand_recorded_hearing_is_nowhere_public_nor_in_the_api(client, demo):
    """The side door through the API: only hearing-module hearings are listed or open for
    registration; a hearing typed in by hand never reaches /hearings or /api/v1."""
    decision = _new_decision()
    db.session.add(
        ParticipationActivity(
            decision_id=decision.id,
            method=ParticipationMethod.HEARING,
            title="手工录入的听证会",
            held_on=date(2026, 11, 10),
            held=True,
        )
    )
    db.session.commit()
    assert "手工录入的听证会" not in client.get("/hearings").get_data(as_text=True)
    listed = client.get("/api/v1/hearings?per_page=100").get_json()["items"]
    assert "手工录入的听证会" not in {h["title"] for h in listed}
    assert client.get(f"/api/v1/decisions/{decision.id}").get_json()["hearings"] == []
    assert "手工录入的听证会" not in text_of(client.get(f"/decisions/{decision.id}"))
