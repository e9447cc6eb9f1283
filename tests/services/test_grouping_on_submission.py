"""Campaign grouping is computed when an opinion is received (a text hash, indexed with the
decision), never when the moderation queue is viewed: the queue page only reads."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models.opinion import Opinion
from portal.services import moderation
from portal.services import opinions as svc
from portal.services.opinions import OpinionInput
from tests.conftest import NOW, login
from tests.services.test_opinions import open_decision

CAMPAIGN = "坚决反对在居民区附近建设垃圾中转站，请政府重新选址，保障居民健康。"


def submit(body: str, phone: str = "") -> Opinion:
    op = svc.submit_opinion(open_decision(), OpinionInput(body=body, contact_phone=phone), now=NOW)
    db.session.commit()
    return op


def test_identical_texts_share_a_key_from_the_moment_they_arrive(demo):
    a = submit(CAMPAIGN, "13900000001")
    b = submit("  " + CAMPAIGN.replace("，", ",") + "!!", "13900000002")  # punctuation differs
    assert a.text_hash == b.text_hash == moderation.text_hash(CAMPAIGN)
    assert a.group_key == b.group_key == a.text_hash
    groups = moderation.groups(open_decision())
    assert [(g.key, g.count) for g in groups] == [(a.group_key, 2)]


def test_a_near_identical_text_joins_the_campaign_and_another_text_does_not(demo):
    a = submit(CAMPAIGN, "13900000001")
    near = submit(CAMPAIGN + "谢谢", "13900000002")  # Jaccard >= 0.9
    other = submit("建议在老旧小区增设电动自行车充电桩，方便居民。", "13900000003")
    assert near.text_hash != a.text_hash
    assert near.group_key == a.group_key
    assert other.group_key not in (a.group_key, "")


def test_the_queue_page_writes_nothing(client, demo):
    for i in range(3):
        submit(CAMPAIGN, f"1390000000{i}")
    before = [(o.id, o.group_key, o.text_hash) for o in db.session.scalars(sa.select(Opinion))]
    login(client, "moderator")
    page = client.get(f"/admin/decisions/{open_decision().id}/opinions")
    assert page.status_code == 200 and 'class="group"' in page.get_data(as_text=True)
    db.session.expire_all()
    after = [(o.id, o.group_key, o.text_hash) for o in db.session.scalars(sa.select(Opinion))]
    assert after == before
