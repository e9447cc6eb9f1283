"""The government office's public participation channels (PART-6b, PART-6c): the 12345 hotline,
open days, government new media and the offline contact points, shown on the government's public
participation page. Every change is audited; a channel is retired, not deleted."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import submit, who
from admin.forms_opinions import ChannelForm
from portal import labels
from portal.extensions import db
from portal.models.org import Government
from portal.permissions import Permission, can, require
from portal.services import channels as service

ROUTE = "/participation-channels"


@bp.app_template_global()
def can_manage_channels() -> bool:
    """Whether the signed-in member of staff keeps the participation channels (navigation)."""
    return can(current_user, Permission.CHANNELS_MANAGE)


def _government() -> Government:
    return db.session.get(Government, current_user.government_id)


def _channel_or_404(channel_id: int):
    channel = service.channel_of(current_user.government_id, channel_id)
    if channel is None:
        abort(404)  # another government's channel is not disclosed
    return channel


def _page(*, errors=None, status: int = 200, form=None, edit_forms=None):
    government = _government()
    channels = service.channels_of(government.id, include_retired=True)
    edit_forms = edit_forms or {}
    return (
        render_template(
            "admin/channels.html",
            government=government,
            channels=channels,
            form=form or ChannelForm(formdata=None),
            edit_forms={
                c.id: edit_forms.get(c.id)
                or ChannelForm(formdata=None, obj=c, kind=c.kind.value, prefix=f"c{c.id}")
                for c in channels
            },
            kind_labels=labels.CHANNEL_KIND,
            errors=errors or [],
        ),
        status,
    )


def _input(form: ChannelForm) -> service.ChannelInput:
    return service.ChannelInput(
        kind=form.kind.data or "",
        name=form.name.data or "",
        address=form.address.data or "",
        hours=form.hours.data or "",
        phone=form.phone.data or "",
        url=form.url.data or "",
        description=form.description.data or "",
        sort_order=form.sort_order.data or 0,
    )


@bp.get(ROUTE)
@require(Permission.CHANNELS_MANAGE)
def channel_list():
    return _page()


@bp.post(ROUTE)
@require(Permission.CHANNELS_MANAGE)
def channel_create():
    form = ChannelForm()
    return submit(
        lambda: service.add_channel(_government(), _input(form), **who()),
        render=lambda errors, status: _page(errors=errors, status=status, form=form),
        redirect_to=url_for("admin.channel_list"),
        form=form,
        message=_("The channel is added to the public participation page."),
    )


@bp.post(ROUTE + "/<int:channel_id>")
@require(Permission.CHANNELS_MANAGE)
def channel_update(channel_id: int):
    channel = _channel_or_404(channel_id)
    form = ChannelForm(prefix=f"c{channel.id}")
    return submit(
        lambda: service.update_channel(channel, _input(form), **who()),
        render=lambda errors, status: _page(
            errors=errors, status=status, edit_forms={channel.id: form}
        ),
        redirect_to=url_for("admin.channel_list", _anchor=f"ch-{channel.id}"),
        form=form,
        message=_("The channel is updated."),
    )


@bp.post(ROUTE + "/<int:channel_id>/retire")
@require(Permission.CHANNELS_MANAGE)
def channel_retire(channel_id: int):
    channel = _channel_or_404(channel_id)
    return submit(
        lambda: service.retire_channel(channel, **who()),
        render=lambda errors, status: _page(errors=errors, status=status),
        redirect_to=url_for("admin.channel_list"),
        message=_("The channel no longer appears on the public page."),
    )
