"""The annual catalog in the back office and on the public site, as an official and a reader
notice it: a county's 2027 catalog from solicitation to publication and filing, then adjusted;
refusals with their rule IDs; the public page with the current list, the dates, every
adjustment and the earlier version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.catalog import Catalog, CatalogEntry, CatalogSubmission
from portal.models.decision import Decision, DecisionSource
from portal.models.org import Department, Government
from portal.rules.stages import Category
from portal.services.decisions import create_decision
from tests.conftest import login, text_of


def at(client, when: datetime, user: str = "hongshan.office"):
    """Move the clock (Beijing time given naive) and sign in again (sessions idle out)."""
    clock.freeze(when)
    client.post("/admin/logout")
    assert login(client, user).status_code == 302


def bj(y, m, d, h=10) -> datetime:
    """10:00 Beijing time on a day, as aware UTC."""
    return datetime(y, m, d, h - 8, 0, tzinfo=UTC)


def gov(slug: str) -> Government:
    return db.session.scalar(sa.select(Government).where(Government.slug == slug))


def dept(g: Government, slug: str) -> Department:
    return db.session.scalar(
        sa.select(Department).where(Department.government_id == g.id, Department.slug == slug)
    )


def catalog_of(g: Government, year: int) -> Catalog:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Catalog).where(Catalog.government_id == g.id, Catalog.year == year)
    )


def _open(client, year=2027, due="2027-01-31", solicited="2026-11-20", public_until=""):
    return client.post(
        "/admin/catalogs",
        data={
            "year": str(year),
            "solicited_on": solicited,
            "submissions_due_on": due,
            "solicitation_ref": "红政办发〔2026〕征集单1号",
            "solicitation_recipients": "区政府各部门",
            "public_suggestions_until": public_until,
        },
    )


def _submission(department_id: int, **over) -> dict:
    data = {
        "sub-department_id": str(department_id),
        "sub-title": "红山区老旧小区改造实施方案",
        "sub-category": "public_construction_project",
        "sub-schedule": "2027年第二季度启动，第四季度提请决策",
        "sub-summary": "综合改造。",
        "sub-legality_review_passed": "y",
        "sub-legality_review_on": "2026-12-01",
        "sub-legality_review_ref": "红住建法审〔2026〕1号",
        "sub-scope_confirmed": "y",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def hongshan(demo):
    return gov("hongshan")


def test_a_county_runs_its_2027_catalog_from_solicitation_to_filing_then_adjusts_it(
    client, hongshan
):
    housing = dept(hongshan, "housing")
    education = dept(hongshan, "education")
    # C0: the office opens the solicitation (CAT-7a) with the public invited (CAT-7b)
    at(client, bj(2026, 11, 26))
    response = _open(client, public_until="2026-12-31")
    assert response.status_code == 302, text_of(response)
    catalog = catalog_of(hongshan, 2027)
    assert catalog.phase == "solicitation" and catalog.status == "drafting"
    assert client.get("/catalogs/hongshan/2027").status_code == 404  # nothing public yet
    listing = text_of(client.get("/catalogs"))
    assert "2027" in listing and "红山区" in listing  # the invitation to suggest items

    # C1: two department submissions with their legality review (CAT-8c), by 31 January
    url = f"/admin/catalogs/{catalog.id}"
    at(client, bj(2026, 12, 10))
    assert client.post(url + "/submissions", data=_submission(housing.id)).status_code == 302
    second = _submission(
        education.id,
        **{"sub-title": "红山区学前教育三年行动计划", "sub-category": "development_plan"},
    )
    assert client.post(url + "/submissions", data=second).status_code == 302
    subs = db.session.scalars(
        sa.select(CatalogSubmission).where(CatalogSubmission.catalog_id == catalog.id)
    ).all()
    assert len(subs) == 2

    # C2: close, list one submission, decline the other with a reason, list one directly
    at(client, bj(2027, 1, 5))
    assert client.post(url + "/close").status_code == 302
    for sub, action, note in ((subs[0], "accept", ""), (subs[1], "decline", "并入区教育规划。")):
        r = client.post(
            f"{url}/submissions/{sub.id}/decide", data={"action": action, "d-note": note}
        )
        assert r.status_code == 302, text_of(r)
    r = client.post(
        url + "/entries",
        data={
            "new-title": "红山区城市供热专项规划",
            "new-category": "development_plan",
            "new-undertaking_unit_id": str(housing.id),
            "new-schedule": "2027年第三季度提请决策",
            "new-origin": "office_direct",
            "new-deputy_head": "李副区长",
        },
    )
    assert r.status_code == 302, text_of(r)
    # CAT-12a: the listed submission gets its deputy head in charge too
    listed = next(e for e in catalog_of(hongshan, 2027).entries if e.submission_id)
    r = client.post(
        f"{url}/entries/{listed.id}/edit",
        data={
            f"e{listed.id}-title": listed.title,
            f"e{listed.id}-category": listed.category.value,
            f"e{listed.id}-undertaking_unit_id": str(listed.undertaking_unit_id),
            f"e{listed.id}-schedule": listed.schedule,
            f"e{listed.id}-origin": listed.origin.value,
            f"e{listed.id}-dept_legality_review_passed": "y",
            f"e{listed.id}-deputy_head": "王副区长",
        },
    )
    assert r.status_code == 302, text_of(r)

    # C3 (CAT-12a): each deputy head in charge reviews; the meeting waits for all (CAT-13a)
    at(client, bj(2027, 2, 10))
    r = client.post(
        url + "/deputy-reviews",
        data={"deputy_head": "王副区长", "reviewed_on": "2027-02-10", "opinion": "同意"},
    )
    assert r.status_code == 302, text_of(r)
    assert catalog_of(hongshan, 2027).phase == "office_review"  # 李副区长 has not reviewed
    r = client.post(url + "/steps/executive_meeting", data={"on": "2027-02-11", "ref": "x"})
    assert r.status_code == 422 and "CAT-13a" in text_of(r) and "李副区长" in text_of(r)
    assert catalog_of(hongshan, 2027).executive_meeting_on is None
    at(client, bj(2027, 2, 12))
    r = client.post(
        url + "/deputy-reviews",
        data={
            "deputy_head": "李副区长",
            "reviewed_on": "2027-02-12",
            "opinion": "原则同意",
            "items_changed": "建议将城市供热专项规划的决策时间提前至第二季度。",
        },
    )
    assert r.status_code == 302, text_of(r)
    reviewed = catalog_of(hongshan, 2027)
    assert reviewed.phase == "executive_meeting"
    assert [(x.deputy_head, x.opinion) for x in reviewed.deputy_reviews] == [
        ("王副区长", "同意"),
        ("李副区长", "原则同意"),
    ]
    # CAT-12a: the office studies what 李副区长 proposed before the meeting
    r = client.post(url + "/steps/executive_meeting", data={"on": "2027-02-12", "ref": "x"})
    assert r.status_code == 422 and "CAT-12a" in text_of(r)
    study = reviewed.deputy_reviews[1]
    r = client.post(
        f"{url}/deputy-reviews/{study.id}/study",
        data={f"s{study.id}-office_study": "经研究，维持第三季度安排。"},
    )
    assert r.status_code == 302, text_of(r)
    page = text_of(client.get(url))
    assert "王副区长" in page and "李副区长" in page and "经研究，维持第三季度安排。" in page

    # C4..C5: executive meeting, party committee consent, each dated in order
    at(client, bj(2027, 3, 3))
    r = client.post(
        url + "/steps/executive_meeting", data={"on": "2027-03-03", "ref": "区政府第5次常务会议"}
    )
    assert r.status_code == 302, text_of(r)
    at(client, bj(2027, 3, 12))
    r = client.post(
        url + "/steps/party_consent", data={"on": "2027-03-12", "ref": "红党办函〔2027〕8号"}
    )
    assert r.status_code == 302, text_of(r)

    # C6: publication by 31 March (CAT-6c); C7: filing by 31 March (CAT-6d)
    at(client, bj(2027, 3, 20))
    r = client.post(url + "/publish", data={"issue_ref": "红政办发〔2027〕6号"})
    assert r.status_code == 302, text_of(r)
    page = text_of(client.get("/catalogs/hongshan/2027"))
    assert "红山区老旧小区改造实施方案" in page and "红山区城市供热专项规划" in page
    assert "红山区学前教育三年行动计划" not in page
    assert "2027年3月20日" in page and "尚未备案" in page
    at(client, bj(2027, 3, 27))
    r = client.post(url + "/file", data={"filed_on": "2027-03-26", "filing_reference": "BA-2027-1"})
    assert r.status_code == 302, text_of(r)
    catalog = catalog_of(hongshan, 2027)
    assert catalog.status == "filed" and catalog.phase == "filed"
    admin_page = text_of(client.get(url))
    assert "CAT-6c" in admin_page and "CAT-6d" in admin_page and "逾期" not in admin_page

    # C8: an adjustment adds an item: approved, published as version 2, filed in 10 WD
    decision = create_decision(
        government=hongshan,
        title="红山区停车收费管理办法",
        category=Category.PUBLIC_POLICY,
        year=2027,
        summary="",
        undertaking_unit=housing,
        source=DecisionSource.DEPARTMENT,
        actor="test",
        now=clock.now(),
    )
    db.session.commit()
    at(client, bj(2027, 6, 1))
    r = client.post(
        url + "/adjustments",
        data={
            "adj-kind": "add",
            "adj-reason": "区政府年中新增重点工作。",
            "adj-title": "红山区停车收费管理办法",
            "adj-category": "public_policy",
            "adj-undertaking_unit_id": str(housing.id),
            "adj-schedule": "2027年第四季度提请决策",
            "adj-decision_id": str(decision.id),
        },
    )
    assert r.status_code == 302, text_of(r)
    adj = catalog_of(hongshan, 2027).adjustments[0]
    assert adj.version == 2
    r = client.post(f"{url}/adjustments/{adj.id}/publish")
    assert r.status_code == 422 and "CAT-16a" in text_of(r)  # not approved yet
    r = client.post(
        f"{url}/adjustments/{adj.id}/approve",
        data={
            "study_note": "承办单位已论证。",
            "approved_on": "2027-06-01",
            "approval_ref": "红政批〔2027〕3号",
        },
    )
    assert r.status_code == 302, text_of(r)
    assert client.post(f"{url}/adjustments/{adj.id}/publish").status_code == 302
    at(client, bj(2027, 6, 8))
    r = client.post(
        f"{url}/adjustments/{adj.id}/file",
        data={"af-filed_on": "2027-06-08", "af-filing_reference": "BA-2027-7"},
    )
    assert r.status_code == 302, text_of(r)

    # The public page: current list with the new item linked to its dossier, both versions
    clock.freeze(bj(2027, 6, 9))
    client.post("/admin/logout")
    response = client.get("/catalogs/hongshan/2027")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert f'href="/decisions/{decision.id}"' in html
    assert "第2版" in page and "区政府年中新增重点工作。" in page
    assert "2027年6月1日" in page and "2027年6月8日" in page  # published and filed
    assert "历史版本" in page and "第1版" in page
    earlier = html.split("catalog-version")[1]
    assert "红山区城市供热专项规划" in earlier and "红山区停车收费管理办法" not in earlier
    # A25: the decision is now covered by the published adjustment
    from portal.services import procedure

    assert procedure.in_catalog(db.session.get(Decision, decision.id))
    actions = set(
        db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.object_type == "catalogs")
        ).all()
    )
    assert {
        "catalog.open_solicitation",
        "catalog.submission",
        "catalog.deputy_head_review",
        "catalog.executive_meeting",
        "catalog.party_consent",
        "catalog.publish",
        "catalog.file",
        "catalog.adjustment_publish",
        "catalog.adjustment_file",
    } <= actions


def test_cat_8b_a_department_submits_up_to_31_january_but_not_on_1_february(client, hongshan):
    at(client, bj(2026, 11, 26))
    assert _open(client).status_code == 302
    catalog = catalog_of(hongshan, 2027)
    housing = dept(hongshan, "housing")
    at(client, bj(2027, 1, 31, 23))
    r = client.post(f"/admin/catalogs/{catalog.id}/submissions", data=_submission(housing.id))
    assert r.status_code == 302
    at(client, bj(2027, 2, 1, 9))
    r = client.post(f"/admin/catalogs/{catalog.id}/submissions", data=_submission(housing.id))
    assert r.status_code == 422
    assert "CAT-8b" in text_of(r)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CatalogSubmission)) == 1


def test_cat_8b_the_solicitation_deadline_cannot_be_after_31_january(client, hongshan):
    at(client, bj(2026, 11, 26))
    r = _open(client, due="2027-02-01")
    assert r.status_code == 422 and "CAT-8b" in text_of(r)
    assert catalog_of(hongshan, 2027) is None
    assert _open(client, due="2027-01-31").status_code == 302


def test_cat_8c_a_submission_without_the_units_legality_review_is_refused(client, hongshan):
    at(client, bj(2026, 11, 26))
    _open(client)
    catalog = catalog_of(hongshan, 2027)
    data = _submission(dept(hongshan, "housing").id, **{"sub-legality_review_passed": None})
    r = client.post(f"/admin/catalogs/{catalog.id}/submissions", data=data)
    assert r.status_code == 422 and "CAT-8c" in text_of(r)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CatalogSubmission)) == 0


def test_the_order_of_the_steps_is_enforced_with_rule_ids(client, hongshan):
    at(client, bj(2026, 11, 26))
    _open(client)
    catalog = catalog_of(hongshan, 2027)
    url = f"/admin/catalogs/{catalog.id}"
    r = client.post(url + "/steps/executive_meeting", data={"on": "2026-11-26", "ref": "x"})
    assert r.status_code == 422 and "CAT-13a" in text_of(r)
    r = client.post(url + "/steps/party_consent", data={"on": "2026-11-26", "ref": "x"})
    assert r.status_code == 422 and "CAT-13c" in text_of(r)
    r = client.post(url + "/publish", data={"issue_ref": "x"})
    assert r.status_code == 422 and "PROC-4b" in text_of(r)
    r = client.post(url + "/file", data={"filed_on": "2026-11-26", "filing_reference": "x"})
    assert r.status_code == 422 and "CAT-6d" in text_of(r)
    client.post(url + "/close")
    # CAT-12a: the deputy heads review a draft catalog with items
    r = client.post(
        url + "/deputy-reviews",
        data={"deputy_head": "王副区长", "reviewed_on": "2026-11-26", "opinion": "同意"},
    )
    assert r.status_code == 422 and "CAT-12a" in text_of(r)
    assert "尚无" in text_of(r)
    assert catalog_of(hongshan, 2027).phase == "office_review"
    assert catalog_of(hongshan, 2027).deputy_reviews == []


def test_cat_16a_a_drafting_catalog_cannot_be_adjusted(client, hongshan):
    at(client, bj(2026, 11, 26))
    _open(client)
    catalog = catalog_of(hongshan, 2027)
    data = {
        "adj-kind": "add",
        "adj-reason": "新增",
        "adj-title": "新事项",
        "adj-category": "public_policy",
        "adj-undertaking_unit_id": str(dept(hongshan, "housing").id),
        "adj-schedule": "2027年内",
    }
    r = client.post(f"/admin/catalogs/{catalog.id}/adjustments", data=data)
    assert r.status_code == 422 and "CAT-16a" in text_of(r)


def test_department_staff_submit_only_for_their_own_department(client, demo):
    city = gov("chifeng")
    from portal.demo_catalog import seed_demo_catalog
    from tests.conftest import NOW

    seed_demo_catalog(NOW)
    catalog = catalog_of(city, 2027)
    at(client, bj(2026, 11, 26), user="undertaker")
    page = client.get(f"/admin/catalogs/{catalog.id}")
    assert page.status_code == 200
    education = dept(city, "education")
    r = client.post(f"/admin/catalogs/{catalog.id}/submissions", data=_submission(education.id))
    assert r.status_code == 422
    # the office-only steps are forbidden to department staff
    assert client.post(f"/admin/catalogs/{catalog.id}/close").status_code == 403
    # another government's catalog is not found
    at(client, bj(2026, 11, 26), user="hongshan.office")
    assert client.get(f"/admin/catalogs/{catalog.id}").status_code == 404


def test_bad_input_is_a_422_with_the_field_never_a_500(client, hongshan):
    at(client, bj(2026, 11, 26))
    r = client.post(
        "/admin/catalogs",
        data={"year": "２０２７", "solicited_on": "2026-13-40", "submissions_due_on": ""},
    )
    assert r.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Catalog)) == 3  # demo only
    _open(client)
    catalog = catalog_of(hongshan, 2027)
    r = client.post(f"/admin/catalogs/{catalog.id}/entries", data={"new-category": "nonsense"})
    assert r.status_code == 422
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CatalogEntry)
            .where(CatalogEntry.catalog_id == catalog.id)
        )
        == 0
    )
