"""Records that lock (PROC-39a) for the opinion register: once the adoption report is published
(PART-15b), the answers of the published opinions it reports are locked; a change is a correction
by the undertaking unit with its reason (PROC-20a), kept with the earlier answer and shown on the
dossier. Moderation (withholding personal data) stays possible; a withheld opinion's answer is
not public and not locked."""

from __future__ import annotations

import sqlalchemy as sa

from portal.demo_opinions import REPORT_DECISION, seed_demo_opinions
from portal.extensions import db
from portal.models.correction import Correction
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.services.opinions import AdoptionStatus, OpinionStatus
from tests.conftest import NOW, answerer_of, login, text_of

NEW_REASON = "经复核，该意见已在修改稿第二条中部分采纳。"


def reported() -> tuple[Decision, Opinion]:
    seed_demo_opinions(NOW)
    d = db.session.scalar(sa.select(Decision).where(Decision.title == REPORT_DECISION))
    op = db.session.scalar(
        sa.select(Opinion)
        .where(
            Opinion.decision_id == d.id,
            Opinion.status == OpinionStatus.PUBLISHED,
            Opinion.adoption == AdoptionStatus.NOT_ADOPTED,
        )
        .order_by(Opinion.id)
        .limit(1)
    )
    return d, op


def answer(client, d, op, **extra):
    return client.post(
        f"/admin/decisions/{d.id}/opinions/{op.id}/answer",
        data={"adoption": "partially_adopted", "response": NEW_REASON, **extra},
    )


def test_an_answer_in_the_published_report_is_not_rewritten_in_place(client, demo):
    d, op = reported()
    before = (op.adoption, op.response, op.answered_at)
    login(client, "education.undertaker")  # issue 12: the decision's own unit
    queue = text_of(client.get(f"/admin/decisions/{d.id}/opinions"))
    assert "更正理由" in queue  # the locked answer's form asks for a correction reason
    refused = answer(client, d, op)
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    db.session.expire_all()
    assert (op.adoption, op.response, op.answered_at) == before
    assert not db.session.scalar(
        sa.select(sa.func.count(Correction.id)).where(Correction.record_type == "opinions")
    )


def test_the_undertaking_unit_corrects_it_with_a_reason_and_the_dossier_shows_it(client, demo):
    d, op = reported()
    old_response, answered_at = op.response, op.answered_at
    login(client, "education.undertaker")
    ok = answer(client, d, op, correction_reason="复核后调整采纳情况。")
    assert ok.status_code == 302
    db.session.expire_all()
    assert op.response == old_response and op.has_draft  # issue 12: a draft until released
    released = client.post(f"/admin/decisions/{d.id}/opinions/drafts", data={"action": "all"})
    assert released.status_code == 302
    db.session.expire_all()
    assert op.adoption is AdoptionStatus.PARTIALLY_ADOPTED and op.response == NEW_REASON
    assert op.answered_at == answered_at  # the original answer's time stays; the row says when
    row = db.session.scalar(sa.select(Correction).where(Correction.record_type == "opinions"))
    assert row.public and row.record_id == op.id and row.reason == "复核后调整采纳情况。"
    assert row.changes["response"] == [old_response, NEW_REASON]
    client.post("/admin/logout")
    dossier = text_of(client.get(f"/decisions/{d.id}"))
    assert "公众意见的答复" in dossier and "复核后调整采纳情况" in dossier
    assert NEW_REASON in text_of(client.get(f"/decisions/{d.id}/opinions"))


def test_a_bulk_answer_of_reported_opinions_needs_the_reason_too(client, demo):
    d, op = reported()
    login(client, "education.undertaker")
    refused = client.post(
        f"/admin/decisions/{d.id}/opinions/answer-bulk",
        data={"ids": [op.id], "adoption": "adopted", "response": ""},
    )
    assert refused.status_code == 422 and "PROC-39a" in text_of(refused)
    db.session.expire_all()
    assert op.adoption is AdoptionStatus.NOT_ADOPTED


def test_before_the_report_is_published_answers_change_freely(client, demo):
    seed_demo_opinions(NOW)
    op = db.session.scalar(
        sa.select(Opinion)
        .join(Decision, Decision.id == Opinion.decision_id)
        .where(Decision.title != REPORT_DECISION, Opinion.status == OpinionStatus.PUBLISHED)
        .order_by(Opinion.id)
        .limit(1)
    )
    login(client, answerer_of(op.decision).username)  # issue 12: the decision's own unit
    assert answer(client, op.decision, op).status_code == 302
    released = client.post(
        f"/admin/decisions/{op.decision_id}/opinions/drafts", data={"ids": op.id}
    )
    assert released.status_code == 302  # issue 12: drafted, then released
    db.session.expire_all()
    assert op.response == NEW_REASON
    assert not db.session.scalar(
        sa.select(sa.func.count(Correction.id)).where(Correction.record_type == "opinions")
    )


def test_withholding_a_reported_opinion_for_personal_data_stays_possible(client, demo):
    d, op = reported()
    login(client, "moderator")
    response = client.post(
        f"/admin/decisions/{d.id}/opinions/moderate",
        data={"ids": op.id, "action": "withhold", "reason": "personal_data"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert op.status is OpinionStatus.WITHHELD and op.published_body == ""
