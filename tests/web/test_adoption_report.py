"""Answers in bulk and from templates, the adoption report on the dossier, exports of the
opinion register, and the public history of documents (issue 4)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions
from portal.extensions import db
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.document import Document, DocumentKind
from portal.models.opinion import AnswerTemplate, Opinion
from portal.models.user import User
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from portal.services import adoption, moderation
from portal.services import decisions as decision_service
from tests.conftest import NOW, login, text_of


def open_decision() -> Decision:
    return decision_service.open_consultations(NOW, limit=1)[0].decision


def published_plan() -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


# -- bulk answers and templates --------------------------------------------------------------------


def test_undertaker_answers_a_selection_with_a_template(client, demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    login(client, "undertaker")
    created = client.post(
        "/admin/answer-templates",
        data={"title": "另行研究", "adoption": "not_adopted", "text": "已转有关部门另行研究。"},
    )
    assert created.status_code == 302
    template = db.session.scalar(
        sa.select(AnswerTemplate).where(AnswerTemplate.title == "另行研究")
    )
    client.post("/admin/logout")
    login(client, "urban.undertaker")  # issue 12: the decision's own unit answers
    assert "另行研究" in text_of(client.get(f"/admin/decisions/{decision.id}/opinions"))

    pending = [
        o
        for o in moderation.queue(decision, OpinionStatus.PUBLISHED)
        if o.adoption == AdoptionStatus.PENDING
    ]
    assert len(pending) == 2
    response = client.post(
        f"/admin/decisions/{decision.id}/opinions/answer-bulk",
        data={"ids": [str(o.id) for o in pending], "template": str(template.id), "theme": "其他"},
    )
    assert response.status_code == 302
    released = client.post(
        f"/admin/decisions/{decision.id}/opinions/drafts",
        data={"ids": [str(o.id) for o in pending], "action": "release"},
    )
    assert released.status_code == 302  # issue 12: drafted, then released together
    for o in pending:
        row = db.session.get(Opinion, o.id)
        db.session.refresh(row)
        assert row.adoption == AdoptionStatus.NOT_ADOPTED
        assert row.response == "已转有关部门另行研究。" and row.theme == "其他"


def test_a_bulk_answer_without_reason_is_refused_and_changes_nothing(client, demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    login(client, "urban.undertaker")
    targets = list(moderation.queue(decision, OpinionStatus.PUBLISHED))
    before = {o.id: (o.adoption, o.response) for o in targets}
    response = client.post(
        f"/admin/decisions/{decision.id}/opinions/answer-bulk",
        data={"ids": [str(o.id) for o in targets], "adoption": "partially_adopted"},
    )
    assert response.status_code == 422
    assert "PROC-20a" in response.get_data(as_text=True)
    db.session.expire_all()
    assert {o.id: (o.adoption, o.response) for o in targets} == before


def test_a_moderator_cannot_answer_or_publish_the_report(client, demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    login(client, "moderator")
    published = list(moderation.queue(decision, OpinionStatus.PUBLISHED))
    before = {o.id: (o.adoption, o.response) for o in published}
    response = client.post(
        f"/admin/decisions/{decision.id}/opinions/answer-bulk",
        data={"ids": [str(o.id) for o in published], "adoption": "adopted"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert {o.id: (o.adoption, o.response) for o in published} == before
    assert (
        client.post(
            f"/admin/decisions/{decision.id}/opinions/report",
            data={"summary": "x", "action": "publish"},
        ).status_code
        == 403
    )
    assert adoption.report_of(decision) is None


def test_templates_page_refuses_bad_input_with_the_field(client, demo):
    login(client, "undertaker")
    response = client.post(
        "/admin/answer-templates", data={"title": "", "adoption": "adopted", "text": ""}
    )
    assert response.status_code == 422
    assert not db.session.scalar(sa.select(AnswerTemplate.id).where(AnswerTemplate.title == ""))


# -- the report ------------------------------------------------------------------------------------


def test_publishing_the_report_is_refused_while_the_consultation_is_open(client, demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    login(client, "urban.undertaker")
    page = client.get(f"/admin/decisions/{decision.id}/opinions/report")
    assert "PART-15b" in page.get_data(as_text=True)
    response = client.post(
        f"/admin/decisions/{decision.id}/opinions/report",
        data={"summary": "共收到意见12条。", "action": "publish"},
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "意见采纳情况应在意见征集期结束后公布" in text and "PART-15b" in text
    assert "还有 4 条意见待审核" in text  # the count is filled in, in Chinese
    assert adoption.report_of(decision) is None  # nothing half-saved
    assert "adoption-report" not in client.get(f"/decisions/{decision.id}").get_data(as_text=True)


def test_the_published_report_appears_on_the_dossier_with_themes(client, demo):
    seed_demo_opinions(NOW)
    plan = published_plan()
    page = client.get(f"/decisions/{plan.id}")
    text = text_of(page)
    assert "公众意见采纳情况" in text
    assert "经研究，采纳3条、部分采纳1条、未采纳2条" in text
    assert "公办园建设" in text and "家庭经济困难幼儿资助" in text
    # Each theme links to its opinions with their answers.
    themed = client.get(f"/decisions/{plan.id}/opinions?theme=公办园建设")
    themed_text = text_of(themed)
    assert "农村牧区幼儿入园路途远" in themed_text and "已采纳，第二条增加" in themed_text
    assert "全面实行学前教育免费" not in themed_text
    assert "13904769876" not in themed_text  # masked in the published text


def test_the_full_journey_from_answers_to_the_published_report(client, demo):
    """An undertaker closes the loop: every opinion handled, summary written, report published."""
    seed_demo_opinions(NOW)
    decision = open_decision()
    closes = db.session.scalar(
        sa.select(Consultation.closes_at).where(Consultation.decision_id == decision.id)
    )
    later = closes + timedelta(days=2)
    for opinion in moderation.queue(decision, OpinionStatus.RECEIVED):
        moderation.approve_opinion(opinion, actor=user("moderator"), now=later)
    pending = [
        o
        for o in moderation.queue(decision, OpinionStatus.PUBLISHED)
        if o.adoption == AdoptionStatus.PENDING
    ]
    answerer = user("urban.undertaker")  # issue 12: the decision's own unit
    moderation.answer_opinions(pending, "adopted", "", actor=answerer, now=later)
    moderation.release_answers(decision, None, actor=answerer, now=later)
    db.session.commit()
    from portal import clock

    clock.freeze(later)
    try:
        login(client, "urban.undertaker")
        response = client.post(
            f"/admin/decisions/{decision.id}/opinions/report",
            data={"summary": "共收到意见12条，已逐条研究答复。", "action": "publish"},
        )
        assert response.status_code == 302
        dossier = text_of(client.get(f"/decisions/{decision.id}"))
    finally:
        clock.freeze(NOW)
    assert "共收到意见12条，已逐条研究答复。" in dossier


# -- exports ---------------------------------------------------------------------------------------


def _formula_opinion(decision: Decision) -> None:
    opinion = moderation.queue(decision, OpinionStatus.PUBLISHED)[0]
    opinion.body = '=HYPERLINK("http://evil.example","点击")'
    moderation.approve_opinion(opinion, actor=user("moderator"), now=NOW)
    db.session.commit()


def test_csv_export_neutralises_formulas_and_holds_no_contacts(client, demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    _formula_opinion(decision)
    login(client, "undertaker")
    response = client.get(f"/admin/decisions/{decision.id}/opinions/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # Excel reads the Chinese text correctly
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "序号" and len(rows) == 1 + 12
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    for secret in ("13904761234", "li@example.cn", "李女士"):
        assert secret not in text


def test_xlsx_export_keeps_formulas_as_text(client, demo):
    from openpyxl import load_workbook

    seed_demo_opinions(NOW)
    decision = open_decision()
    _formula_opinion(decision)
    login(client, "moderator")
    response = client.get(f"/admin/decisions/{decision.id}/opinions/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil.example","点击")' in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "li@example.cn" not in " ".join(str(v) for v in values)


def test_docx_report_holds_the_summary_and_the_answers(client, demo):
    from docx import Document as DocxDocument

    seed_demo_opinions(NOW)
    plan = published_plan()
    login(client, "office")
    response = client.get(f"/admin/decisions/{plan.id}/opinions/export.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = DocxDocument(io.BytesIO(response.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "征求意见期间共收到公众意见7条" in text
    assert "已采纳，新增第五条建立学前教育资助制度。" in cells
    assert "公办园建设" in cells


def test_exports_are_staff_only_and_scoped_to_the_government(client, demo):
    seed_demo_opinions(NOW)
    decision = open_decision()
    assert client.get(f"/admin/decisions/{decision.id}/opinions/export.csv").status_code == 302
    login(client, "hongshan.office")
    assert client.get(f"/admin/decisions/{decision.id}/opinions/export.csv").status_code in (
        403,
        404,
    )


# -- documents and their versions on the public dossier --------------------------------------------


def test_every_public_version_is_listed_with_its_diff(client, demo):
    docs = db.session.scalars(
        sa.select(Document).where(Document.kind == DocumentKind.DRAFT, Document.is_public)
    ).all()
    draft = next(d for d in docs if len(d.public_versions) >= 2)
    dossier = client.get(f"/decisions/{draft.decision_id}").get_data(as_text=True)
    link = f"/decisions/{draft.decision_id}/documents/{draft.id}/diff?from=1&amp;to=2"
    assert link in dossier
    diff = client.get(f"/decisions/{draft.decision_id}/documents/{draft.id}/diff?from=1&to=2")
    assert diff.status_code == 200
    html = diff.get_data(as_text=True)
    assert "<del>" in html or "<ins>" in html
    old = client.get(f"/decisions/{draft.decision_id}/documents/{draft.id}/versions/1")
    assert old.status_code == 200 and "这是较早的版本" in text_of(old)


def test_unpublished_versions_and_private_documents_are_not_served(client, demo):
    private = db.session.scalar(sa.select(Document).where(Document.is_public.is_(False)))
    assert private is not None
    url = f"/decisions/{private.decision_id}/documents/{private.id}/versions/1"
    assert client.get(url).status_code == 404
    public = db.session.scalar(sa.select(Document).where(Document.is_public.is_(True)))
    missing = f"/decisions/{public.decision_id}/documents/{public.id}/versions/99"
    assert client.get(missing).status_code == 404
    bad = f"/decisions/{public.decision_id}/documents/{public.id}/diff?from=x&to=1"
    assert client.get(bad).status_code == 404


def test_the_draft_to_final_page_shows_what_changed(client, demo):
    plan = published_plan()
    dossier = client.get(f"/decisions/{plan.id}")
    assert f"/decisions/{plan.id}/changes" in dossier.get_data(as_text=True)
    page = client.get(f"/decisions/{plan.id}/changes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "25" in html and "资助制度" in html  # the new article and the changed figure
    assert '<ins><span class="visually-hidden">' in html
    assert client.get(f"/decisions/{open_decision().id}/changes").status_code == 404


def test_no_comparison_is_offered_when_the_text_did_not_change(client, demo):
    unchanged = db.session.scalar(
        sa.select(Decision).where(Decision.title == "赤峰市红山文化遗址保护利用规划")
    )
    assert adoption.draft_and_final(unchanged) is not None  # both texts are public...
    html = client.get(f"/decisions/{unchanged.id}").get_data(as_text=True)
    assert f"/decisions/{unchanged.id}/changes" not in html  # ...but identical
