"""The participation channels of a government (PART-6b, PART-6c): the 12345 citizen service
hotline, government open days, government new media and the offline public participation
contact points (address, hours, phone), kept by the government office and shown on a public
page of each government.

Every change is audited (who, what, before/after); a channel is retired, never deleted, so the
audit trail keeps what the public was told. Functions flush and never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.extensions import db
from portal.models.channel import ChannelKind, ParticipationChannel
from portal.models.org import Government
from portal.rules.errors import N_, RuleViolation, input_error, refuse
from portal.services import audit
from portal.services.opinions import clean_text

__all__ = [
    "ChannelInput",
    "ChannelKind",
    "add_channel",
    "channel_of",
    "channels_of",
    "public_channels",
    "retire_channel",
    "update_channel",
]

LIMITS = {"name": 100, "address": 200, "hours": 200, "phone": 40, "url": 300}
DESCRIPTION_MAX = 2000
# A service number as people write it: digits, spaces, dashes, brackets, "+", and 转 (extension).
_PHONE = re.compile(r"^[0-9+()\- 转]{3,40}$")


@dataclass(frozen=True)
class ChannelInput:
    kind: str
    name: str
    address: str = ""
    hours: str = ""
    phone: str = ""
    url: str = ""
    description: str = ""
    sort_order: int = 0


def _clean(data: ChannelInput) -> tuple[dict, list[RuleViolation]]:
    values = {
        "name": clean_text(data.name),
        "address": clean_text(data.address),
        "hours": clean_text(data.hours),
        "phone": clean_text(data.phone),
        "url": clean_text(data.url),
        "description": clean_text(data.description, multiline=True),
        "sort_order": data.sort_order if isinstance(data.sort_order, int) else 0,
    }
    problems: list[RuleViolation] = []
    try:
        values["kind"] = ChannelKind(data.kind)
    except ValueError:
        problems.append(input_error(N_("Choose the kind of channel."), "kind"))
        values["kind"] = None
    if not values["name"]:
        problems.append(input_error(N_("Give the channel's name."), "name"))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            problems.append(input_error(N_("Write at most %(n)d characters."), name, n=limit))
    if len(values["description"]) > DESCRIPTION_MAX:
        problems.append(
            input_error(N_("Write at most %(n)d characters."), "description", n=DESCRIPTION_MAX)
        )
    if values["phone"] and not _PHONE.match(values["phone"]):
        problems.append(
            input_error(N_("Write the number with digits, spaces and dashes only."), "phone")
        )
    if values["url"]:
        parts = urlsplit(values["url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(
                input_error(N_("Give a web address starting with http:// or https://."), "url")
            )
    kind = values["kind"]
    if kind is ChannelKind.HOTLINE_12345 and not values["phone"]:
        # PART-6b: the hotline is a number people call.
        problems.append(RuleViolation("PART-6b", N_("Give the hotline's number."), field="phone"))
    if kind is ChannelKind.CONTACT_POINT:
        # PART-6c: a contact point is a place (a reception point or the disclosure inquiry
        # zone of an administrative service centre): people need its address and hours.
        if not values["address"]:
            problems.append(
                RuleViolation("PART-6c", N_("Give the contact point's address."), field="address")
            )
        if not values["hours"]:
            problems.append(
                RuleViolation(
                    "PART-6c", N_("Give the contact point's opening hours."), field="hours"
                )
            )
    return values, problems


def _plain(channel: ParticipationChannel) -> dict:
    return {
        f.name: (getattr(channel, f.name).value if f.name == "kind" else getattr(channel, f.name))
        for f in fields(ChannelInput)
    } | {"active": channel.active}


def add_channel(
    government: Government, data: ChannelInput, *, actor, now: datetime, ip: str = ""
) -> ParticipationChannel:
    values, problems = _clean(data)
    refuse(problems)
    channel = ParticipationChannel(
        government_id=government.id,
        **values,
        active=True,
        updated_at=now,
        updated_by_id=getattr(actor, "id", None),
    )
    db.session.add(channel)
    db.session.flush()
    audit.record("channel.add", actor=actor, now=now, obj=channel, after=_plain(channel), ip=ip)
    return channel


def update_channel(
    channel: ParticipationChannel, data: ChannelInput, *, actor, now: datetime, ip: str = ""
) -> ParticipationChannel:
    values, problems = _clean(data)
    refuse(problems)
    before = _plain(channel)
    for name, value in values.items():
        setattr(channel, name, value)
    after = _plain(channel)
    if after == before:
        return channel
    channel.updated_at = now
    channel.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "channel.update",
        actor=actor,
        now=now,
        obj=channel,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
        ip=ip,
    )
    return channel


def retire_channel(
    channel: ParticipationChannel, *, actor, now: datetime, ip: str = ""
) -> ParticipationChannel:
    """No longer shown to the public (kept, with its history)."""
    if not channel.active:
        return channel
    channel.active = False
    channel.updated_at = now
    channel.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "channel.retire",
        actor=actor,
        now=now,
        obj=channel,
        before={"active": True},
        after={"active": False},
        ip=ip,
    )
    return channel


def channels_of(government_id: int, *, include_retired: bool = False) -> list[ParticipationChannel]:
    query = sa.select(ParticipationChannel).where(
        ParticipationChannel.government_id == government_id
    )
    if not include_retired:
        query = query.where(ParticipationChannel.active.is_(True))
    order = (
        ParticipationChannel.active.desc(),
        ParticipationChannel.sort_order,
        ParticipationChannel.id,
    )
    return list(db.session.scalars(query.order_by(*order)).all())


def channel_of(government_id: int, channel_id: int) -> ParticipationChannel | None:
    channel = db.session.get(ParticipationChannel, channel_id)
    return channel if channel is not None and channel.government_id == government_id else None


def public_channels(government: Government) -> dict[ChannelKind, list[ParticipationChannel]]:
    """The government's active channels by kind, in the order of ``ChannelKind``."""
    grouped: dict[ChannelKind, list[ParticipationChannel]] = {k: [] for k in ChannelKind}
    for channel in channels_of(government.id):
        grouped[channel.kind].append(channel)
    return {k: v for k, v in grouped.items() if v}


def government_by_slug(slug: str) -> Government | None:
    slug = (slug or "").strip()[:40]
    return db.session.scalar(sa.select(Government).where(Government.slug == slug))


def governments() -> list[Government]:
    return list(db.session.scalars(sa.select(Government).order_by(Government.sort_order)).all())
