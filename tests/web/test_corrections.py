"""The corrections page: flag requests by the unit, confirmation by the government office, and
corrections of public records shown on the dossier (PROC-39a, A7)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Decision, FlagRequest, User
from portal.models.correction import FlagRequestStatus
from portal.services.records import update_record
from tests.conftest import NOW, login, text_of


def _decision(title_start: str) -> Decision:
    return db.session.scalar(sa.select(Decision).where(Decision.title.startswith(title_start)))


def _url(d: Decision) -> str:
    return f"/admin/decisions/{d.id}/corrections"


def test_the_unit_requests_and_the_office_confirms_a_flag_change(client, demo):
    d = _decision("赤峰市城市公共交通票价")
    login(client, "undertaker")
    page = client.get(_url(d))
    assert page.status_code == 200 and "申请变更标记" in text_of(page)
    refused = client.post(
        f"/admin/decisions/{d.id}/flag-requests",
        data={"flag": "high_public_concern", "value": "1", "reason": ""},
    )
    assert refused.status_code == 422
    assert "请说明变更该标记的理由" in text_of(refused) and "第三十七条" in text_of(refused)
    assert db.session.scalar(sa.select(sa.func.count(FlagRequest.id))) == 0
    sent = client.post(
        f"/admin/decisions/{d.id}/flag-requests",
        data={"flag": "high_public_concern", "value": "1", "reason": "听证会参加人意见分歧较大"},
    )
    assert sent.status_code == 302
    request = db.session.scalar(sa.select(FlagRequest))
    assert request.status is FlagRequestStatus.PENDING
    # the unit has no confirm button and cannot post one
    assert "确认变更" not in text_of(client.get(_url(d)))
    confirm = f"/admin/decisions/{d.id}/flag-requests/{request.id}/confirm"
    assert client.post(confirm, data={}).status_code == 403
    client.get("/admin/logout")
    login(client, "office")
    page = text_of(client.get(_url(d)))
    assert "听证会参加人意见分歧较大" in page and "确认变更" in page
    done = client.post(f"/admin/decisions/{d.id}/flag-requests/{request.id}/confirm", data={})
    assert done.status_code == 302
    db.session.expire_all()
    assert _decision("赤峰市城市公共交通票价").high_public_concern is True
    page = text_of(client.get(_url(d)))
    assert "社会关注度高或专业性、技术性较强（PROC-37b） 是" in page
    assert "确认变更" not in page  # decided: no buttons any more
    row = page.split("更正记录", 1)[1]
    assert "社会关注度高或专业性、技术性较强" in row and "听证会参加人意见分歧较大" in row


def test_another_governments_office_cannot_see_or_confirm(client, demo):
    d = _decision("赤峰市城市公共交通票价")
    login(client, "hongshan.office")
    assert client.get(_url(d)).status_code == 404
    assert client.post(f"/admin/decisions/{d.id}/flag-requests/1/confirm").status_code == 404


def test_a_corrected_publication_date_is_shown_on_the_dossier(client, demo):
    d = _decision("赤峰市学前教育")
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    before = d.published_at
    update_record(
        d,
        {"published_at": before.replace(day=before.day - 1)},
        decision=d,
        actor=office,
        now=NOW,
        action="publication.publish",
        correction="政府网站实际发布日期早一天",
    )
    db.session.commit()
    page = text_of(client.get(f"/decisions/{d.id}"))
    assert "更正记录" in page and "政府网站实际发布日期早一天" in page
    assert "公布日期" in page.split("更正记录")[1]
