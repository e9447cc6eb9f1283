"""PART-6b/6c: each government's participation channels (the 12345 hotline, open days, new
media, contact points with address, hours and phone) on a public page linked from the footer,
the home page and the decision pages, kept by the government office in the back office
(audited; retired, never deleted)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.demo_opinions import seed_demo_channels
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.channel import ChannelKind, ParticipationChannel
from portal.models.decision import Decision
from tests.conftest import NOW, login, text_of

POINT = {
    "kind": "contact_point",
    "name": "松山区政务服务中心公众参与联系点",
    "address": "赤峰市松山区临潢大街政务服务中心一楼",
    "hours": "工作日 9:00—17:00",
    "phone": "0476-8881234",
    "url": "",
    "description": "可现场提交意见建议表。",
    "sort_order": "3",
}


def channels(**where) -> list[ParticipationChannel]:
    return list(db.session.scalars(sa.select(ParticipationChannel).filter_by(**where)).all())


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_the_public_page_lists_the_demo_channels_and_is_linked_everywhere(client, demo):
    seed_demo_channels(NOW)
    db.session.commit()
    page = client.get("/participate")
    assert page.status_code == 200
    text = text_of(page)
    for words in ("12345市民服务热线", "政府开放日", "政务新媒体", "公众参与联系点"):
        assert words in text
    assert "赤峰市松山区玉龙大街政务服务中心一楼" in text and "工作日 9:00—12:00" in text
    assert 'href="tel:12345"' in page.get_data(as_text=True)
    county = text_of(client.get("/governments/hongshan/participation"))
    assert "红山区政务服务中心信息公开查询区" in county and "12345政务服务便民热线" not in county
    assert client.get("/governments/atlantis/participation").status_code == 404
    # linked from the footer of every page, the home page and a decision's page
    assert 'href="/participate"' in client.get("/decisions").get_data(as_text=True)
    assert "参与渠道" in text_of(client.get("/"))
    open_decision = db.session.scalar(sa.select(Decision).where(Decision.stage == "consultation"))
    dossier = client.get(f"/decisions/{open_decision.id}").get_data(as_text=True)
    slug = open_decision.government.slug
    assert f'href="/governments/{slug}/participation"' in dossier
    assert "/participate" in client.get("/sitemap.xml").get_data(as_text=True)


def test_the_office_adds_changes_and_retires_a_contact_point_all_audited(client, demo):
    login(client, "office")
    assert client.get("/admin/participation-channels").status_code == 200
    added = client.post("/admin/participation-channels", data=POINT)
    assert added.status_code == 302
    (point,) = channels(name=POINT["name"])
    assert point.kind is ChannelKind.CONTACT_POINT and point.active
    assert POINT["address"] in text_of(client.get("/participate"))
    changed = client.post(
        f"/admin/participation-channels/{point.id}",
        data={f"c{point.id}-{k}": v for k, v in {**POINT, "hours": "工作日 8:30—17:30"}.items()},
    )
    assert changed.status_code == 302
    db.session.refresh(point)
    assert point.hours == "工作日 8:30—17:30"
    retired = client.post(f"/admin/participation-channels/{point.id}/retire")
    assert retired.status_code == 302
    db.session.refresh(point)
    assert not point.active  # kept, with its history
    assert POINT["name"] not in text_of(client.get("/participate"))
    assert actions()[-3:] == ["channel.add", "channel.update", "channel.retire"]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"address": ""}, "PART-6c"),  # a contact point is a place
        ({"hours": ""}, "PART-6c"),
        ({"kind": "hotline_12345", "phone": ""}, "PART-6b"),  # a hotline is a number
        ({"url": "javascript:alert(1)"}, None),
        ({"name": ""}, None),
        ({"kind": "carrier_pigeon"}, None),
    ],
)
def test_an_incomplete_or_unsafe_channel_is_refused_and_nothing_is_written(
    client, demo, changes, rule
):
    login(client, "office")
    response = client.post("/admin/participation-channels", data={**POINT, **changes})
    assert response.status_code == 422
    if rule:
        assert rule in text_of(response)
    assert channels() == [] and "channel.add" not in actions()


def test_only_the_government_office_keeps_its_own_channels(client, demo):
    seed_demo_channels(NOW)
    db.session.commit()
    chifeng_point = channels(kind=ChannelKind.CONTACT_POINT)[0]
    assert chifeng_point.government.slug == "chifeng"
    for name in ("undertaker", "moderator", "admin"):
        login(client, name)
        assert client.get("/admin/participation-channels").status_code == 403
        assert client.post("/admin/participation-channels", data=POINT).status_code == 403
        client.post("/admin/logout")
    # another government's office: its own list only; chifeng's channel is not found
    login(client, "hongshan.office")
    page = text_of(client.get("/admin/participation-channels"))
    assert "红山区政务服务中心" in page and chifeng_point.name not in page
    url = f"/admin/participation-channels/{chifeng_point.id}"
    assert client.post(url + "/retire").status_code == 404
    assert client.post(url, data=POINT).status_code == 404
    db.session.refresh(chifeng_point)
    assert chifeng_point.active and chifeng_point.name != POINT["name"]
