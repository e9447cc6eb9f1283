"""The expert pool and the selection of experts for a decision, as officials notice them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import DecisionSource
from portal.models.expert_pool import Expert, ExpertConflict, ExpertGroup, ExpertSelection
from portal.models.org import Department, Government
from portal.models.user import User
from portal.rules.stages import Category
from portal.rules.workdays import local_date
from portal.services import expert_pool as pool
from portal.services import procedure
from portal.services.decisions import create_decision
from tests.conftest import NOW, login, text_of


@pytest.fixture
def pooled(demo):
    from portal.demo_experts import seed_demo_experts

    assert seed_demo_experts(NOW) > 30
    return db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))


def _decision(city: Government, *, complex_item: bool, unit: str = "housing"):
    department = db.session.scalar(
        sa.select(Department).where(Department.government_id == city.id, Department.slug == unit)
    )
    decision = create_decision(
        government=city,
        title="赤峰市中心城区地下管网改造规划（测试）",
        category=Category.PUBLIC_CONSTRUCTION_PROJECT,
        year=2026,
        summary="",
        undertaking_unit=department,
        source=DecisionSource.CATALOG,
        actor="test",
        now=NOW,
    )
    decision.is_complex = complex_item
    db.session.commit()
    return decision


def _urban() -> list[Expert]:
    group = db.session.scalar(
        sa.select(ExpertGroup).where(ExpertGroup.code == "urban_rural_construction")
    )
    return [
        e for e in db.session.scalars(sa.select(Expert).order_by(Expert.id)) if group in e.groups
    ]


def _conflicted() -> Expert:
    """The member who declared an interest in the housing bureau's decisions (demo)."""
    return db.session.scalar(
        sa.select(Expert).join(ExpertConflict).where(ExpertConflict.department_id.is_not(None))
    )


def _selection(decision) -> ExpertSelection | None:
    return db.session.scalar(
        sa.select(ExpertSelection)
        .where(ExpertSelection.decision_id == decision.id)
        .order_by(ExpertSelection.id.desc())
    )


def _selections(decision) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ExpertSelection)
        .where(ExpertSelection.decision_id == decision.id)
    )


def test_selection_for_a_complex_decision_excludes_the_conflicted_expert_draws_7_and_reruns(
    client, pooled
):
    decision = _decision(pooled, complex_item=True)
    conflicted = _conflicted()
    assert conflicted in _urban()
    login(client, "office")
    r = client.post(
        f"/admin/decisions/{decision.id}/expert-selection",
        data={"method": "random_draw", "groups": "urban_rural_construction", "count": "7"},
    )
    assert r.status_code == 302, text_of(r)
    selection = _selection(decision)
    chosen = ExpertSelection.ids(selection.chosen_ids)
    assert len(chosen) == 7 and len(chosen) % 2 == 1
    assert conflicted.id not in chosen
    assert conflicted.id not in ExpertSelection.ids(selection.candidate_ids)
    assert selection.seed
    assert pool.verify_selection(selection)  # the draw re-runs identically from its seed
    from portal.rules.experts import draw

    assert draw(ExpertSelection.ids(selection.candidate_ids), 7, selection.seed) == chosen
    # the chosen experts are the decision's expert-review assignments
    review = procedure.expert_review(decision)
    names = {a.name for a in review.experts}
    assert names == {db.session.get(Expert, i).name for i in chosen}
    page = text_of(client.get(f"/admin/decisions/{decision.id}/expert-selection"))
    assert "按记录的种子重新抽取结果一致" in page and selection.seed in page
    assert conflicted.name in page and "PROC-22a" in page  # excluded, with the rule
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "experts.select",
                AuditEntry.object_type == "decisions",
                AuditEntry.object_id == str(decision.id),
            )
        )
        == 1
    )
    # EXP-13a: each assignment names its pool member
    assert {a.expert_id for a in review.experts} == set(chosen)


def test_exp_13c_a_complex_decision_needs_7_experts_and_exp_13b_an_odd_number(client, pooled):
    decision = _decision(pooled, complex_item=True)
    login(client, "office")
    url = f"/admin/decisions/{decision.id}/expert-selection"
    base = {"method": "random_draw", "groups": "urban_rural_construction"}
    r = client.post(url, data=base | {"count": "5"})
    assert r.status_code == 422 and "EXP-13c" in text_of(r)
    r = client.post(url, data=base | {"count": "6"})
    assert r.status_code == 422 and "EXP-13b" in text_of(r)
    assert _selections(decision) == 0
    assert client.post(url, data=base | {"count": "7"}).status_code == 302


def test_exp_13b_an_ordinary_decision_needs_3_experts(client, pooled):
    decision = _decision(pooled, complex_item=False)
    login(client, "office")
    url = f"/admin/decisions/{decision.id}/expert-selection"
    base = {"method": "random_draw", "groups": "economic_development"}
    r = client.post(url, data=base | {"count": "1"})
    assert r.status_code == 422 and "EXP-13b" in text_of(r)
    assert client.post(url, data=base | {"count": "3"}).status_code == 302


def test_a_manual_choice_needs_a_reason_and_eligible_experts(client, pooled):
    decision = _decision(pooled, complex_item=False)
    login(client, "office")
    url = f"/admin/decisions/{decision.id}/expert-selection"
    eligible, excluded = pool.selection_preview(
        decision, ["urban_rural_construction"], local_date(NOW)
    )
    ids = [str(m.id) for m in eligible[:3]]
    data = {"method": "manual", "groups": "urban_rural_construction", "count": "3", "chosen": ids}
    r = client.post(url, data=data)
    assert r.status_code == 422 and "EXP-13a" in text_of(r)
    # an excluded member chosen by hand: refused with the rule that excludes them
    member, why = excluded[0]
    bad = [*ids[:2], str(member.id)]
    r = client.post(url, data=data | {"chosen": bad, "reason": "需要熟悉管网的专家"})
    assert r.status_code == 422 and why.rule in text_of(r)
    # a member of another field (not a candidate of the chosen groups): EXP-13a
    other = next(
        e
        for e in db.session.scalars(sa.select(Expert).order_by(Expert.id))
        if e not in _urban() and pool.status_of(e, local_date(NOW)).value == "appointed"
    )
    r = client.post(url, data=data | {"chosen": [*ids[:2], str(other.id)], "reason": "理由"})
    assert r.status_code == 422 and "EXP-13a" in text_of(r)
    assert _selections(decision) == 0
    r = client.post(url, data=data | {"reason": "需要熟悉管网的专家"})
    assert r.status_code == 302
    selection = _selection(decision)
    assert selection.reason == "需要熟悉管网的专家" and selection.seed == ""


def test_personal_data_is_masked_for_staff_who_do_not_manage_the_pool(client, pooled):
    expert = db.session.scalar(sa.select(Expert).order_by(Expert.id))
    login(client, "undertaker")
    page = client.get(f"/admin/experts/{expert.id}").get_data(as_text=True)
    assert expert.phone not in page and expert.id_number not in page
    assert expert.phone[:3] + "****" + expert.phone[-4:] in page
    listing = client.get("/admin/experts").get_data(as_text=True)
    assert expert.phone not in listing
    client.post("/admin/logout")
    login(client, "office")
    page = client.get(f"/admin/experts/{expert.id}").get_data(as_text=True)
    assert expert.phone in page and expert.id_number in page
    # never on the public site
    for url in ("/", "/catalogs", "/decisions"):
        assert expert.phone not in client.get(url).get_data(as_text=True)


def test_the_pool_warns_when_a_group_has_fewer_than_5_active_members(client, pooled):
    login(client, "office")
    page = text_of(client.get("/admin/experts"))
    assert "EXP-5b" in page and "金融证券" in page and "少于5人" in page


def test_appointment_steps_in_order_and_the_pledge(client, pooled):
    login(client, "office")
    r = client.post(
        "/admin/experts",
        data={
            "new-name": "测试专家",
            "new-organisation": "赤峰学院",
            "new-source_org_type": "education_research",
            "new-nomination_channel": "self_application",
            "new-title_level": "other",
            "new-group_ids": [str(db.session.scalar(sa.select(ExpertGroup.id).limit(1)))],
            "new-phone": "13904761111",
        },
    )
    assert r.status_code == 302, text_of(r)
    expert = db.session.scalar(sa.select(Expert).where(Expert.name == "测试专家"))
    url = f"/admin/experts/{expert.id}"
    today = local_date(NOW).isoformat()
    # EXP-8b: no certificate before approval
    r = client.post(url + "/steps/certificate", data={"on": today, "ref": "C-1"})
    assert r.status_code == 422 and "EXP-8b" in text_of(r)
    # EXP-7a: every condition, and the influence without a senior title
    r = client.post(
        url + "/steps/preliminary_review",
        data={"on": today, "qualifications": ["political_quality"]},
    )
    assert r.status_code == 422 and "EXP-7a" in text_of(r)
    # bad input: a full-width phone is refused, nothing saved
    r = client.post(
        url + "/edit",
        data={
            "e-name": "测试专家",
            "e-source_org_type": "enterprise",
            "e-nomination_channel": "self_application",
            "e-title_level": "other",
            "e-group_ids": [str(expert.groups[0].id)],
            "e-phone": "１３９０４７６１１１１",
        },
    )
    assert r.status_code == 422
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).phone == "13904761111"


def _member_with_two_terms(city: Government) -> Expert:
    """Appointed 2020-10-01, assessed in 2023 (passed), renewed 2023-10-01: the second term ends
    2026-10-01, before the demo's today (2026-11-26)."""
    from datetime import datetime

    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    group_id = db.session.scalar(
        sa.select(ExpertGroup.id).where(ExpertGroup.code == "economic_development")
    )
    expert = pool.add_expert(
        city,
        {
            "name": "两届专家",
            "organisation": "赤峰学院",
            "source_org_type": "education_research",
            "nomination_channel": "self_application",
            "title_level": "senior",
            "group_ids": [group_id],
        },
        actor=office,
        now=NOW,
    )
    every = [q.value for q in pool.Qualification]
    pool.record_preliminary_review(expert, date(2020, 9, 1), every, actor=office, now=NOW)
    pool.record_approval(expert, date(2020, 9, 20), "赤政办〔2020〕1号", actor=office, now=NOW)
    pool.issue_certificate(expert, date(2020, 10, 1), "C-2020", actor=office, now=NOW)
    pool.record_pledge(expert, date(2020, 10, 1), actor=office, now=NOW)
    then = datetime(2023, 9, 1, 2, 0, tzinfo=NOW.tzinfo)
    pool.record_assessment(expert, 2023, "passed", "第一届考核合格", actor=office, now=then)
    renewed_at = datetime(2023, 10, 5, 2, 0, tzinfo=NOW.tzinfo)
    pool.renew_expert(
        expert,
        on=date(2023, 10, 1),
        certificate_no="C-2023",
        work_need=True,
        still_qualified=True,
        actor=office,
        now=renewed_at,
    )
    db.session.commit()
    return expert


def test_exp_11b_renewal_needs_an_assessment_of_the_current_term_not_an_earlier_one(client, pooled):
    expert = _member_with_two_terms(pooled)
    assert [t.starts_on for t in expert.terms] == [date(2020, 10, 1), date(2023, 10, 1)]
    login(client, "office")
    url = f"/admin/experts/{expert.id}"
    renew = {
        "r-renewed_on": "2026-10-01",
        "r-certificate_no": "C-2026",
        "r-work_need": "y",
        "r-still_qualified": "y",
    }
    # the only assessment (2023) was made in the first term: refused
    r = client.post(url + "/renew?lang=en", data=renew)
    assert r.status_code == 422 and "EXP-11b" in text_of(r)
    assert "has not been assessed during the current term" in text_of(r)
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).term_start == date(2023, 10, 1)
    # an assessment of this term, failed: refused (A23)
    r = client.post(url + "/assessments", data={"a-year": "2026", "a-result": "failed"})
    assert r.status_code == 302
    r = client.post(url + "/renew?lang=en", data=renew)
    assert r.status_code == 422 and "did not pass the assessment" in text_of(r)
    r = client.post(url + "/assessments", data={"a-year": "2026", "a-result": "passed"})
    assert r.status_code == 302
    page = text_of(client.get(url + "?lang=en"))
    assert "Assessment of the current term (EXP-11b) 2026 · Passed" in page
    # the renewed term cannot start before the current one ends (2026-10-01)
    r = client.post(url + "/renew?lang=en", data=renew | {"r-renewed_on": "2026-09-30"})
    assert r.status_code == 422 and "EXP-11b" in text_of(r)
    assert "the renewed term cannot start before it ends" in text_of(r)
    # nor in the future
    r = client.post(url + "/renew?lang=en", data=renew | {"r-renewed_on": "2026-11-27"})
    assert r.status_code == 422 and "EXP-11b" in text_of(r)
    ok = client.post(url + "/renew", data=renew)
    assert ok.status_code == 302
    db.session.expire_all()
    expert = db.session.get(Expert, expert.id)
    assert expert.term_start == date(2026, 10, 1) and expert.renewals == 2
    assert [t.starts_on for t in expert.terms][-1] == date(2026, 10, 1)
    assert pool.status_of(expert, local_date(NOW)).value == "appointed"
    # renewed on the day the term ended: the terms are contiguous, the member was always in term
    assert pool.status_of(expert, date(2026, 9, 30)).value == "appointed"
    assert pool.status_of(expert, date(2023, 9, 30)).value == "appointed"


def test_the_pool_pages_write_nothing_on_get(client, pooled):
    login(client, "office")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    for url in ("/admin/experts", f"/admin/experts/{_conflicted().id}"):
        assert client.get(url).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before
