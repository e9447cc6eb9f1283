"""Back-office forms of the opinion register, public feedback and participation channels
(issue 11): an opinion received offline, a response to public concerns, a channel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from admin.forms import CorrectionMixin
from admin.forms_late import PlainDateField
from portal import labels
from portal.services.channels import ChannelKind
from portal.services.opinions import OFFLINE_CHANNELS


class OfflineOpinionForm(FlaskForm):
    """An opinion received by letter, the 12345 hotline, a contact point or at a meeting
    (PART-6b/6c), entered by staff for the citizen."""

    channel = SelectField(_l("Received by"), validators=[Optional()])
    received_on = PlainDateField(_l("Received on"), validators=[Optional()])
    body = TextAreaField(_l("The opinion, as received"), validators=[Length(max=20000)])
    clause = StringField(_l("Clause or section (optional)"), validators=[Length(max=400)])
    display_name = StringField(_l("Name (optional)"), validators=[Length(max=400)])
    publish_name_consent = BooleanField(
        _l("The citizen agreed that the name is published with the opinion."), default=False
    )
    contact_email = StringField(_l("E-mail (optional, never published)"), [Length(max=400)])
    contact_phone = StringField(_l("Phone (optional, never published)"), [Length(max=100)])
    submission_token = HiddenField()  # a resubmitted form enters the opinion once

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = [SelectChoice("", _l("Choose"))] + [
            SelectChoice(c.value, labels.OPINION_CHANNEL[c]) for c in OFFLINE_CHANNELS
        ]


class FeedbackResponseForm(FlaskForm):
    """PART-19b: one response to the selected concerns (ids come as checkboxes)."""

    body = TextAreaField(_l("Response to the public's concerns"), validators=[Length(max=20000)])


class FeedbackResponseCorrectionForm(CorrectionMixin, FlaskForm):
    body = TextAreaField(_l("Corrected response"), validators=[Length(max=20000)])


class ChannelForm(FlaskForm):
    """A participation channel of the government (PART-6b/6c)."""

    kind = SelectField(_l("Kind"), validators=[Optional()])
    name = StringField(_l("Name"), validators=[Length(max=400)])
    address = StringField(_l("Address"), validators=[Length(max=800)])
    hours = StringField(_l("Opening hours or dates"), validators=[Length(max=800)])
    phone = StringField(_l("Phone"), validators=[Length(max=160)])
    url = StringField(_l("Web address or account"), validators=[Length(max=1200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=8000)])
    sort_order = IntegerField(
        _l("Position in the list"), validators=[Optional(), NumberRange(0, 999)], default=0
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", _l("Choose"))] + [
            SelectChoice(k.value, labels.CHANNEL_KIND[k]) for k in ChannelKind
        ]
