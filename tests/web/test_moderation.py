"""The opinion queue in the back office: what moderators and undertaking staff see and may do."""

from __future__ import annotations

import sqlalchemy as sa

from portal.demo_opinions import seed_demo_opinions
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.opinion import Opinion
from portal.rules.consultation import OpinionStatus, WithholdReason
from portal.rules.enums import AdoptionStatus
from portal.services import decisions as decision_service
from portal.services import moderation
from tests.conftest import NOW, login, text_of


def setup_opinions() -> int:
    seed_demo_opinions(NOW)
    return decision_service.open_consultations(NOW, limit=1)[0].decision_id


def queue_url(decision_id: int, **query) -> str:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/admin/decisions/{decision_id}/opinions" + (f"?{args}" if args else "")


def opinion(**where) -> Opinion:
    return db.session.scalars(sa.select(Opinion).filter_by(**where).order_by(Opinion.id)).first()


def test_moderator_sees_the_queue_with_personal_data_highlighted_and_contacts_masked(client, demo):
    decision_id = setup_opinions()
    login(client, "moderator")
    response = client.get(queue_url(decision_id, status="all"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "全部 (" in text and "待审核 (" in text  # the queue's status filters with counts
    assert '<mark class="personal-data"' in html and "13812345678" in html  # highlighted
    assert "138****5678" in text  # the masked preview
    assert "13904761234" not in html and "139****1234" in text  # contact masked
    assert "li@example.cn" not in html and "l***@example.cn" in text


def test_the_queue_filters_by_status_and_shows_groups_with_counts(client, demo):
    decision_id = setup_opinions()
    login(client, "moderator")
    text = text_of(client.get(queue_url(decision_id, status="withheld")))
    assert "专业代办" in text and "公示期" not in text
    page = client.get(queue_url(decision_id)).get_data(as_text=True)
    assert 'class="group"' in page
    key = moderation.groups(opinion(decision_id=decision_id).decision)[0].key
    grouped = text_of(client.get(queue_url(decision_id, group=key)))
    assert grouped.count("垃圾中转站") >= 3 and "停车" not in grouped


def test_moderator_approves_one_opinion_and_the_masked_text_is_published(client, demo):
    decision_id = setup_opinions()
    op = opinion(status=OpinionStatus.RECEIVED)
    op.body = "我的手机 138-0000-0000，建议增加夜间施工噪声管控。"
    db.session.commit()
    login(client, "moderator")
    response = client.post(
        queue_url(decision_id) + "/moderate", data={"ids": str(op.id), "action": "approve"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    op = db.session.get(Opinion, op.id)
    assert op.status is OpinionStatus.PUBLISHED
    assert "138-****-0000" in op.published_body
    assert "138-0000-0000" not in op.published_body
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "opinion.approve" in actions


def test_bulk_withhold_of_selected_ids_and_of_a_whole_group(client, demo):
    decision_id = setup_opinions()
    login(client, "moderator")
    waiting = [o.id for o in db.session.scalars(sa.select(Opinion).filter_by(status="received"))]
    single = waiting[0]
    response = client.post(
        queue_url(decision_id) + "/moderate",
        data={"ids": [str(single)], "action": "withhold", "reason": "off_topic"},
    )
    assert response.status_code == 302
    key = moderation.groups(db.session.get(Opinion, single).decision)[0].key
    response = client.post(
        queue_url(decision_id) + "/moderate",
        data={"group": key, "action": "withhold", "reason": "duplicate"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    grouped = db.session.scalars(sa.select(Opinion).filter_by(group_key=key)).all()
    assert len(grouped) == 3
    assert all(o.withheld_reason is WithholdReason.DUPLICATE for o in grouped)
    assert db.session.get(Opinion, single).status is OpinionStatus.WITHHELD
    count = db.session.scalar(
        sa.select(sa.func.count(AuditEntry.seq)).where(AuditEntry.action == "opinion.withhold")
    )
    assert count >= 4 + 3  # 3 demo + this test's


def test_withholding_without_a_reason_is_refused_and_changes_nothing(client, demo):
    decision_id = setup_opinions()
    login(client, "moderator")
    op = opinion(status=OpinionStatus.RECEIVED)
    response = client.post(
        queue_url(decision_id) + "/moderate", data={"ids": str(op.id), "action": "withhold"}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Opinion, op.id).status is OpinionStatus.RECEIVED


def test_undertaker_answers_but_cannot_moderate(client, demo):
    decision_id = setup_opinions()
    login(client, "urban.undertaker")  # issue 12: the decision's own unit
    page = client.get(queue_url(decision_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "13812345678" not in html and "138****5678" in html  # masked text only
    op = opinion(status=OpinionStatus.RECEIVED)
    refused = client.post(
        queue_url(decision_id) + "/moderate", data={"ids": str(op.id), "action": "approve"}
    )
    assert refused.status_code == 403
    published = opinion(status=OpinionStatus.PUBLISHED, adoption=AdoptionStatus.PENDING)
    url = queue_url(decision_id) + f"/{published.id}/answer"
    missing_reason = client.post(url, data={"adoption": "not_adopted", "response": ""})
    assert missing_reason.status_code == 422
    assert "第二十条 (PROC-20a)" in text_of(missing_reason)
    ok = client.post(url, data={"adoption": "partially_adopted", "response": "部分采纳。"})
    assert ok.status_code == 302
    released = client.post(queue_url(decision_id) + "/drafts", data={"ids": str(published.id)})
    assert released.status_code == 302  # issue 12: drafted, then released
    db.session.expire_all()
    assert db.session.get(Opinion, published.id).adoption is AdoptionStatus.PARTIALLY_ADOPTED
    waiting = client.post(queue_url(decision_id) + f"/{op.id}/answer", data={"adoption": "adopted"})
    assert waiting.status_code == 422


def test_moderator_cannot_answer(client, demo):
    decision_id = setup_opinions()
    login(client, "moderator")
    published = opinion(status=OpinionStatus.PUBLISHED)
    url = queue_url(decision_id) + f"/{published.id}/answer"
    assert client.post(url, data={"adoption": "adopted"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Opinion, published.id).adoption == published.adoption  # unchanged


def test_staff_without_opinion_duties_are_refused(client, demo):
    decision_id = setup_opinions()
    login(client, "office")
    assert client.get(queue_url(decision_id)).status_code == 403


def test_another_governments_staff_get_404(client, demo):
    decision_id = setup_opinions()
    login(client, "hongshan.office")
    assert client.get(queue_url(decision_id)).status_code == 404
    op = opinion(status=OpinionStatus.RECEIVED)
    response = client.post(
        queue_url(decision_id) + "/moderate", data={"ids": str(op.id), "action": "approve"}
    )
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Opinion, op.id).status is OpinionStatus.RECEIVED


def test_ids_of_another_decision_are_ignored(client, demo):
    decision_id = setup_opinions()
    login(client, "moderator")
    op = opinion(status=OpinionStatus.RECEIVED)
    other = decision_id + 1
    response = client.post(
        queue_url(other) + "/moderate", data={"ids": str(op.id), "action": "approve"}
    )
    assert response.status_code in (404, 422)
    db.session.expire_all()
    assert db.session.get(Opinion, op.id).status is OpinionStatus.RECEIVED
