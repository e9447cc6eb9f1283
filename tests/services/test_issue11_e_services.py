"""The services of issue 11 (e) called directly: an offline opinion through ``submit_opinion``
(PROC-17b on the day received), a response to public concerns and its lock (PART-19b,
PROC-39a; a direct edit of the issued record is refused), and the participation channels
(PART-6b/6c) with their audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.evaluation import PublicFeedback
from portal.models.org import Government
from portal.models.user import User
from portal.rules.errors import RuleViolation
from portal.rules.workdays import local_date
from portal.services import channels, records
from portal.services import evaluation as feedback
from portal.services import opinions as svc
from portal.services.opinions import OfflineReceipt, OpinionChannel, OpinionInput
from tests.conftest import NOW
from tests.services.test_opinions import BODY, open_decision


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def test_an_offline_opinion_goes_through_the_same_service_with_its_channel(demo):
    d = open_decision()
    op = svc.submit_opinion(
        d,
        OpinionInput(body=BODY, contact_phone="13900001111"),
        now=NOW,
        offline=OfflineReceipt(OpinionChannel.HOTLINE_12345, local_date(NOW)),
        actor=user("undertaker"),
    )
    assert op.channel is OpinionChannel.HOTLINE_12345 and op.submitted_at == NOW
    assert op.entered_by_id == user("undertaker").id and op.ip_hash == ""
    # an identical online submission is a different opinion (never merged with a hotline call)
    online = svc.submit_opinion(d, OpinionInput(body=BODY, contact_phone="13900001111"), now=NOW)
    assert online.id != op.id and online.group_key == op.group_key


def test_an_offline_opinion_received_tomorrow_is_refused_and_nothing_is_written(demo):
    d = open_decision()
    with pytest.raises(RuleViolation) as refused:
        svc.submit_opinion(
            d,
            OpinionInput(body=BODY),
            now=NOW,
            offline=OfflineReceipt("letter", local_date(NOW) + timedelta(days=1)),
            actor=user("undertaker"),
        )
    assert refused.value.rule == "PROC-17b" and refused.value.field == "received_on"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(svc.Opinion)) == 0


def _feedback_item(d: Decision) -> PublicFeedback:
    item = feedback.submit_feedback(
        d, OpinionInput(body="路口信号灯配时不合理，早高峰拥堵。"), now=NOW
    )
    feedback.moderate_feedback([item], "approve", actor=user("moderator"), now=NOW)
    return item


def test_a_response_is_locked_once_recorded_and_a_direct_edit_is_refused(demo):
    d = db.session.scalar(sa.select(Decision).where(Decision.stage == "implementation"))
    item = _feedback_item(d)
    response = feedback.respond_to_feedback(
        d,
        feedback.FeedbackResponseInput(body="已调整信号灯配时。", item_ids=(item.id,)),
        actor=user("undertaker"),
        now=NOW,
    )
    assert item.response_id == response.id
    # the one writer refuses an edit in place of the issued response (PROC-39a) ...
    with pytest.raises(RuleViolation) as refused:
        records.update_record(
            response,
            {"body": "改写后的答复"},
            decision=d,
            actor=user("undertaker"),
            now=NOW,
            action="feedback.respond",
        )
    assert refused.value.rule == "PROC-39a"
    db.session.rollback()
    # ... and a correction by a role that is not the undertaking unit
    with pytest.raises(RuleViolation) as wrong_role:
        feedback.correct_feedback_response(
            db.session.merge(response),
            "改写后的答复",
            correction="理由",
            actor=user("office"),
            now=NOW,
        )
    assert wrong_role.value.rule == "PART-19b"


def test_channels_are_audited_with_what_changed(demo):
    city = db.session.scalar(sa.select(Government).where(Government.slug == "chifeng"))
    office = user("office")
    ch = channels.add_channel(
        city,
        channels.ChannelInput(kind="hotline_12345", name="12345热线", phone="12345"),
        actor=office,
        now=NOW,
    )
    channels.update_channel(
        ch,
        channels.ChannelInput(kind="hotline_12345", name="12345热线", phone="12345", hours="全天"),
        actor=office,
        now=NOW,
    )
    channels.update_channel(  # no change: no audit row
        ch,
        channels.ChannelInput(kind="hotline_12345", name="12345热线", phone="12345", hours="全天"),
        actor=office,
        now=NOW,
    )
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action.like("channel.%")).order_by(AuditEntry.seq)
    ).all()
    assert [e.action for e in entries] == ["channel.add", "channel.update"]
    assert '"hours":"全天"' in entries[1].data and entries[1].government_id == city.id
    assert [c.id for c in channels.public_channels(city)[channels.ChannelKind.HOTLINE_12345]] == [
        ch.id
    ]
