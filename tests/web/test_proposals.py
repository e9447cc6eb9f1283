"""Public proposals on the web: the form, its receipt and the status lookup; the back-office
register (scope, routing, study, answer, export) and the links from the public site."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from portal.demo_proposals import seed_demo_proposals
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.outbox import OutboxMessage
from portal.models.proposal import Proposal, ProposalOutcome, ProposalStatus
from tests.conftest import NOW, login, text_of
from tests.services.test_proposals import CONTENT, EMAIL, PHONE, TITLE, dept

TOKEN = "tok-" + "p" * 20


def form(**overrides) -> dict:
    values = {
        "gov": "chifeng",
        "proposer_type": "citizen",
        "proposer_name": "李明",
        "title": TITLE,
        "content": CONTENT,
        "reasons": "夜班职工约两万人。",
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "processing_consent": "y",
        "website": "",
        "submission_token": TOKEN,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def rows() -> list[Proposal]:
    return list(db.session.scalars(sa.select(Proposal).order_by(Proposal.id)))


def post(client, **overrides):
    return client.post("/proposals/new", data=form(**overrides))


# -- the public form ---------------------------------------------------------------------------


def test_form_lists_every_government_with_the_notice_before_it_and_boxes_unticked(client, demo):
    page = client.get("/proposals/new?gov=hongshan&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<option value="') == 13
    assert '<option value="hongshan" selected>' in html
    assert html.index("Privacy notice") < html.index('<form method="post"')
    assert 'href="/privacy"' in html
    assert 'name="processing_consent" type="checkbox" value="y" required>' in html
    assert 'name="publish_name_consent" type="checkbox" value="y">' in html
    honeypot = html[html.index('class="field visually-hidden"') :][:400]
    assert 'aria-hidden="true"' in honeypot and 'tabindex="-1"' in honeypot
    assert "<script" not in html.split("<main", 1)[-1]
    assert '<option value="chifeng" selected>' in client.get("/proposals/new?gov=nowhere").text


def test_submitting_redirects_to_the_receipt_and_stores_private_contacts(client, demo):
    response = post(client)
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    (p,) = rows()
    assert p.government.slug == "chifeng" and p.contact_email == EMAIL and p.reasons
    text = text_of(receipt)
    assert p.receipt_code in text and "回执码" in text
    assert receipt.headers["Cache-Control"] == "no-store"
    html = receipt.get_data(as_text=True)
    assert EMAIL not in html and PHONE not in html
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "mail.send"))
    assert p.receipt_code in json.loads(mail.payload)["body"]


def test_a_resubmitted_form_returns_the_first_receipt(client, demo):
    first = post(client)
    again = post(client, content=CONTENT + "再补充一句。")
    assert first.status_code == again.status_code == 303
    assert len(rows()) == 1


def test_missing_contact_is_refused_with_the_field_and_nothing_saved(client, demo):
    response = post(client, contact_email="", contact_phone="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="contact_email-error"' in html and 'aria-invalid="true"' in html
    assert "请至少填写电子邮箱或联系电话中的一项" in text_of(response)
    assert rows() == []


def test_every_problem_is_listed_at_once(client, demo):
    response = post(client, title=" ", content="短", processing_consent=None, contact_phone="123")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("title", "content", "processing_consent", "contact_phone"):
        assert f'id="{field}-error"' in html, field
    assert "请至少填写4个字符。" in text_of(response)  # the length limit, formatted
    assert rows() == []


def test_oversized_input_and_an_unknown_government_are_refused(client, demo):
    assert post(client, content="很" * 5001).status_code == 422
    response = post(client, gov="atlantis")
    assert response.status_code == 422 and 'id="gov-error"' in response.get_data(as_text=True)
    assert rows() == []


def test_honeypot_refuses_and_saves_nothing(client, demo):
    assert post(client, website="http://spam.example").status_code == 422
    assert rows() == []


def test_markup_in_every_field_is_stored_as_text_and_shown_escaped(client, demo):
    markup = "<script>alert(1)</script><b>粗</b>"
    response = post(client, title=markup + "建议", content=markup + CONTENT, proposer_name=markup)
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in receipt and "&lt;script&gt;alert(1)" in receipt
    (p,) = rows()
    assert p.title.startswith("<script>")
    status = client.get(f"/proposals/status?receipt_code={p.receipt_code}").get_data(as_text=True)
    assert "<script>alert(1)" not in status and "<b>粗</b>" not in status


def test_csrf_token_is_required(ctx, demo):
    ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        client = ctx.test_client()
        response = client.post("/proposals/new", data=form())
        assert response.status_code == 400
        assert rows() == []
        page = client.get("/proposals/new").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        ctx.config["WTF_CSRF_ENABLED"] = False


def test_status_lookup_shows_that_proposal_only_and_nothing_private(client, demo):
    post(client)
    post(
        client,
        title="另一位市民的建议标题",
        submission_token="tok-" + "q" * 20,
        proposer_name="王芳",
        contact_email="wang@example.cn",
        contact_phone="13700000000",
    )
    mine, other = rows()
    page = client.get(f"/proposals/status?receipt_code={mine.receipt_code}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = text_of(page)
    assert TITLE in text and "已收到" in text
    html = page.get_data(as_text=True)
    for private in (EMAIL, PHONE, "李明", "王芳", other.title, other.receipt_code):
        assert private not in html
    missing = client.get("/proposals/status?receipt_code=ZZZZZZZZZZZZ")
    assert missing.status_code == 404 and "未找到该回执码对应的建议" in text_of(missing)
    assert client.get("/proposals/status").status_code == 200


def test_public_links_to_the_proposal_form(client, demo):
    for url in ("/", "/catalogs"):
        assert 'href="/proposals/new"' in client.get(url).get_data(as_text=True), url


# -- the back office -----------------------------------------------------------------------------


def demo_proposal(title_part: str) -> Proposal:
    return db.session.scalar(sa.select(Proposal).where(Proposal.title.contains(title_part)))


def test_office_sees_its_register_with_filters_overdue_and_masked_contacts(client, demo):
    seed_demo_proposals(NOW)
    login(client, "office")
    page = client.get("/admin/proposals")
    assert page.status_code == 200
    text = text_of(page)
    assert "增设公共停车场" in text and "加装电梯" not in text  # Hongshan's is not listed
    assert "已逾期" in text
    overdue = text_of(client.get("/admin/proposals?overdue=1"))
    assert "增设公共停车场" in overdue and "电动自行车" not in overdue
    answered = text_of(client.get("/admin/proposals?status=answered"))
    assert "烟花爆竹" in answered and "增设公共停车场" not in answered
    detail = client.get(f"/admin/proposals/{demo_proposal('公共停车场').id}")
    assert "139****0001" in text_of(detail) and "13904760001" not in detail.text


def test_another_government_and_unrouted_units_get_404(client, demo):
    seed_demo_proposals(NOW)
    chifeng = demo_proposal("公共停车场")
    login(client, "hongshan.office")
    assert client.get(f"/admin/proposals/{chifeng.id}").status_code == 404
    assert (
        client.post(f"/admin/proposals/{chifeng.id}/route", data={"unit": "1"}).status_code == 404
    )
    client.post("/admin/logout")
    login(client, "undertaker")  # Chifeng housing bureau: sees only what was routed to it
    listing = text_of(client.get("/admin/proposals"))
    assert "电动自行车" in listing and "公共停车场" not in listing
    assert client.get(f"/admin/proposals/{chifeng.id}").status_code == 404
    client.post("/admin/logout")
    login(client, "moderator")
    assert client.get("/admin/proposals").status_code == 403


def test_office_routes_unit_concludes_office_answers_and_the_proposer_sees_the_reply(client, demo):
    post(client)
    (p,) = rows()
    login(client, "office")
    housing = dept("housing")
    response = client.post(
        f"/admin/proposals/{p.id}/route", data={"unit": str(housing.id), "note": "请研究论证"}
    )
    assert response.status_code == 302
    early = client.post(
        f"/admin/proposals/{p.id}/answer",
        data={"outcome": "not_adopted", "reply": "不予采纳。理由"},
    )
    assert early.status_code == 422 and "PROC-11c" in early.get_data(as_text=True)
    client.post("/admin/logout")
    login(client, "undertaker")
    assert client.post(f"/admin/proposals/{p.id}/study").status_code == 302
    assert client.post(f"/admin/proposals/{p.id}/answer", data={}).status_code == 403
    response = client.post(
        f"/admin/proposals/{p.id}/conclusion",
        data={"conclusion": "经研究，建议具有必要性和可行性。"},
    )
    assert response.status_code == 302
    client.post("/admin/logout")
    login(client, "office")
    decision = db.session.scalar(
        sa.select(Decision).where(Decision.government_id == p.government_id)
    )
    response = client.post(
        f"/admin/proposals/{p.id}/answer",
        data={
            "outcome": "adopted_as_item",
            "reply": "市政府决定启动该事项的决策程序。",
            "decision_id": str(decision.id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Proposal, p.id)
    assert p.status is ProposalStatus.ANSWERED and p.outcome is ProposalOutcome.ADOPTED_AS_ITEM
    assert p.decision_id == decision.id
    actions = set(
        db.session.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.object_id == str(p.id), AuditEntry.object_type == "proposals"
            )
        )
    )
    assert {
        "proposal.receive",
        "proposal.route",
        "proposal.study_start",
        "proposal.conclude",
        "proposal.answer",
    } <= actions
    status = text_of(client.get(f"/proposals/status?receipt_code={p.receipt_code}"))
    assert "市政府决定启动该事项的决策程序。" in status and "列为重大行政决策事项" in status
    assert (decision.title in status) is decision.is_public  # linked only when public


def test_answer_with_a_missing_reply_is_422_and_changes_nothing(client, demo):
    seed_demo_proposals(NOW)
    p = demo_proposal("电动自行车")  # under study, with a conclusion
    login(client, "office")
    response = client.post(f"/admin/proposals/{p.id}/answer", data={"outcome": "not_adopted"})
    assert response.status_code == 422
    assert "请至少填写5个字符。" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status is ProposalStatus.UNDER_STUDY


def test_revealing_a_contact_is_audited(client, demo):
    seed_demo_proposals(NOW)
    p = demo_proposal("电动自行车")
    login(client, "undertaker")
    response = client.post(f"/admin/proposals/{p.id}/contact")
    assert response.status_code == 200 and "13604761234" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "proposal.contact_view")
    )
    assert entry.object_id == str(p.id) and entry.actor_label == "undertaker"


def test_export_has_the_register_without_contacts_and_only_for_the_office(client, demo):
    seed_demo_proposals(NOW)
    login(client, "office")
    csv = client.post("/admin/proposals/export/csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data().decode("utf-8-sig")
    assert "关于在中心城区老城片区增设公共停车场的建议" in body and "张文博" in body
    for secret in ("13904760001", "service@anju-wuye.example.cn", "chen.zq@example.cn"):
        assert secret not in body
    assert "加装电梯" not in body  # another government's
    xlsx = client.post("/admin/proposals/export/xlsx?status=answered")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert any("烟花爆竹" in str(v) for v in values)
    assert not any("公共停车场" in str(v) for v in values)
    assert client.post("/admin/proposals/export/pdf").status_code == 404
    client.post("/admin/logout")
    login(client, "undertaker")
    assert client.post("/admin/proposals/export/csv").status_code == 403


def test_the_export_is_audited_and_is_a_post_not_a_get(client, demo):
    """An export of personal-data registers is recorded in the audit log, so it is a POST: a GET
    (a prefetch, a link in a mail) never writes (architecture.md: no write on GET)."""
    seed_demo_proposals(NOW)
    login(client, "office")
    assert client.get("/admin/proposals/export/csv").status_code == 405
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposal.export"))
        is None
    )
    assert client.post("/admin/proposals/export/csv?status=answered").status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposal.export"))
    assert entry.actor_label == "office" and '"format":"csv"' in entry.data
    page = client.get("/admin/proposals").get_data(as_text=True)
    assert 'method="post" action="/admin/proposals/export/csv' in page


def test_the_dossier_credits_a_proposal_with_the_consented_name(client, demo):
    seed_demo_proposals(NOW)
    adopted = db.session.scalar(
        sa.select(Proposal).where(Proposal.outcome == ProposalOutcome.ADOPTED_AS_ITEM)
    )
    page = text_of(client.get(f"/decisions/{adopted.decision_id}"))
    assert "王建华" in page  # consent given in the demo
    assert "13704765678" not in page


def test_a_catalog_suggestion_from_the_catalog_page_keeps_its_kind_and_year(client, demo):
    from portal.models.proposal import Proposal, ProposalKind

    page = client.get("/proposals/new?gov=chifeng&kind=catalog_item&year=2027")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        'name="kind" type="hidden" value="catalog_item"' in html or 'value="catalog_item"' in html
    )
    assert "2027" in text_of(page)
    token = html.split('name="submission_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/proposals/new",
        data={
            "gov": "chifeng",
            "proposer_type": "citizen",
            "proposer_name": "赵先生",
            "title": "将中心城区停车设施规划列入2027年目录",
            "content": "建议将中心城区停车设施专项规划列入2027年度重大行政决策事项目录。",
            "contact_email": "zhao@example.cn",
            "processing_consent": "y",
            "submission_token": token,
            "kind": "catalog_item",
            "catalog_year": "2027",
        },
    )
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal).order_by(Proposal.id.desc()))
    assert proposal.kind is ProposalKind.CATALOG_ITEM and proposal.catalog_year == 2027
