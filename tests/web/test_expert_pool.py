"""The expert pool and the selection of experts for a decision, as officials notice them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import DecisionSource
from portal.models.expert_pool import Expert, ExpertConflict, ExpertGroup, ExpertSelection
from portal.models.org import Department, Government
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
