"""E-mails that close the citizen's loop (issue 12): what happened to an opinion, a hearing
registration or a followed decision, told in the person's language with absolute links.

Every e-mail is rendered here when the event happens and written to the outbox (topic
``mail.send``) in the same transaction as the change; ``portal.workers`` sends it (SMTP, or the
file sink ``<instance>/outbox-mail/`` when ``PORTAL_MAIL_SERVER`` is not set).

Who receives what:

- the submitter of an opinion who gave an e-mail address: the receipt, published or withheld
  (with the reason in words), answered (the answer, the answering unit and the date), and the
  adoption report of the decision (one e-mail per address, listing its opinions);
- a hearing registrant who gave an e-mail address: the receipt, selected / not selected
  (waiting list), moved up from the waiting list, materials available (when the participant
  list is published), cancellation (by them, by staff, or of the hearing itself);
- a follower of a decision (double opt-in, ``portal.services.follows``): the consultation
  announced, the decision published, the adoption report published, and a change of the stage
  the dossier shows (other than into consultation or publication, which have their own e-mail).

Nothing is sent to a record without an address, after its contacts were purged
(``purge_contacts``: the address is gone), or after the person unsubscribed. The outbox
handler checks the last two again just before sending (``still_wanted``), so an e-mail queued
before an unsubscribe or a purge is dropped.

Links are absolute: ``PORTAL_PUBLIC_URL`` (default ``http://<SERVER_NAME>`` or
``http://127.0.0.1:5000``) plus the route. Each e-mail carries a per-recipient unsubscribe link
(a page with a POST button) and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click`` headers (RFC 8058).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from itsdangerous import BadSignature, URLSafeSerializer

from portal.extensions import db
from portal.models.decision import Decision
from portal.models.follow import DecisionFollow
from portal.models.hearing import Hearing, HearingRegistration
from portal.models.opinion import Opinion
from portal.services import outbox

LANGUAGES = ("zh_CN", "en")
TOPIC = "mail.send"
_SALT = "portal-unsubscribe"

# -- language, links, tokens ----------------------------------------------------------------------


def current_language() -> str:
    """The language of the request being served (zh_CN or en); zh_CN outside a request."""
    if not has_request_context():
        return "zh_CN"
    try:
        locale = str(get_locale() or "zh_CN")
    except Exception:  # no locale selector result: the default
        return "zh_CN"
    return "en" if locale.startswith("en") else "zh_CN"


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "zh_CN"


def public_base_url() -> str:
    """``PUBLIC_URL`` without its trailing slash (see ``portal.config``)."""
    return str(current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")


def public_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """An absolute link to a public page, built on ``PUBLIC_URL`` whatever host the current
    request (if any) came in on: e-mails are read outside the site."""
    base = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(record) -> str:
    """A token naming one recipient's record: an opinion, a registration or a follow."""
    if isinstance(record, Opinion):
        return _serializer().dumps(["o", record.id])
    if isinstance(record, HearingRegistration):
        return _serializer().dumps(["r", record.id])
    if isinstance(record, DecisionFollow):
        return _serializer().dumps(["f", record.id, record.nonce])
    raise TypeError(f"no unsubscribe token for {record!r}")


def record_of_token(token: str | None):
    """The opinion, registration or follow a token names, or None (bad, or gone)."""
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        return None
    if not isinstance(data, list) or len(data) < 2 or not isinstance(data[1], int):
        return None
    kind = data[0]
    if kind == "o":
        return db.session.get(Opinion, data[1])
    if kind == "r":
        return db.session.get(HearingRegistration, data[1])
    if kind == "f" and len(data) == 3:
        follow = db.session.get(DecisionFollow, data[1])
        return follow if follow is not None and follow.nonce == data[2] else None
    return None


def unsubscribe_url(record) -> str:
    return public_url("public.unsubscribe", token=unsubscribe_token(record))


def _ref(record) -> list:
    kind = {Opinion: "o", HearingRegistration: "r", DecisionFollow: "f"}[type(record)]
    return [kind, record.id]


# -- the one way an e-mail is written -------------------------------------------------------------


def _recipient(record) -> str:
    """The address to write to, or '' when nothing may be sent to this record."""
    if isinstance(record, DecisionFollow):
        return record.email
    if getattr(record, "mail_opt_out_at", None) is not None:
        return ""
    if getattr(record, "contacts_purged_at", None) is not None:
        return ""
    return (record.contact_email or "").strip()


def _render(template: str, language: str, **context) -> tuple[str, str]:
    """(subject, body) of ``templates/email/<template>.txt`` in ``language``.

    The template's first line is the subject; the rest (after one blank line) is the body."""
    env = current_app.jinja_env
    with force_locale(language_of(language)):
        text = env.get_template(f"email/{template}.txt").render(
            is_zh=language_of(language) == "zh_CN",
            lang=language_of(language),
            sep="：" if language_of(language) == "zh_CN" else ": ",  # full-width only in Chinese
            **context,
        )
    subject, _sep, body = text.strip("\n").partition("\n")
    return " ".join(subject.split())[:200], body.strip("\n") + "\n"


def send(
    record,
    template: str,
    *,
    now: datetime,
    to: str | None = None,
    unsubscribe: bool = True,
    **context,
) -> bool:
    """Render and queue one e-mail to the person behind ``record``; False when none is sent."""
    address = to or _recipient(record)
    if not address:
        return False
    language = language_of(getattr(record, "language", None))
    context.setdefault("unsubscribe_link", unsubscribe_url(record) if unsubscribe else "")
    subject, body = _render(template, language, **context)
    headers = {}
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_link']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    outbox.enqueue(
        TOPIC,
        {
            "to": address,
            "subject": subject,
            "body": body,
            "headers": headers,
            "ref": _ref(record),
            "event": template,
        },
        now=now,
    )
    return True


def still_wanted(payload: dict) -> bool:
    """Checked by the outbox handler right before sending: the record still has this address
    (not purged), and its owner has not unsubscribed since the e-mail was queued."""
    ref = payload.get("ref")
    if not ref:
        return True  # e-mails that name no record (staff mail, older rows)
    kind, ident = ref[0], ref[1]
    if kind == "f":
        follow = db.session.get(DecisionFollow, ident)
        if follow is None or follow.email.lower() != str(payload.get("to", "")).lower():
            return False
        return follow.confirmed_at is not None or payload.get("event") == "follow_confirm"
    model = {"o": Opinion, "r": HearingRegistration}.get(kind)
    record = db.session.get(model, ident) if model else None
    if record is None:
        return False
    return _recipient(record).lower() == str(payload.get("to", "")).lower()


# -- opinions -------------------------------------------------------------------------------------


def _opinion_context(opinion: Opinion) -> dict:
    decision = opinion.decision or db.session.get(Decision, opinion.decision_id)
    return {
        "opinion": opinion,
        "decision": decision,
        "status_link": public_url("public.opinion_status", receipt_code=opinion.receipt_code),
        "decision_link": public_url("public.decision_show", decision_id=decision.id),
    }


def answering_unit(opinion: Opinion):
    """The department that answered: the answering official's, else the undertaking unit."""
    if opinion.answered_by_id:
        from portal.models.user import User

        user = db.session.get(User, opinion.answered_by_id)
        if user is not None and user.department is not None:
            return user.department
    decision = opinion.decision or db.session.get(Decision, opinion.decision_id)
    return decision.undertaking_unit


def opinion_received(opinion: Opinion, *, now: datetime) -> bool:
    return send(opinion, "opinion_received", now=now, **_opinion_context(opinion))


def opinion_published(opinion: Opinion, *, now: datetime) -> bool:
    context = _opinion_context(opinion)
    context["opinions_link"] = public_url(
        "public.decision_opinions", decision_id=opinion.decision_id
    )
    return send(opinion, "opinion_published", now=now, **context)


def opinion_withheld(opinion: Opinion, *, now: datetime) -> bool:
    from portal import labels

    with force_locale(language_of(opinion.language)):
        reason = str(labels.WITHHOLD_REASON.get(opinion.withheld_reason, ""))
    return send(opinion, "opinion_withheld", now=now, reason=reason, **_opinion_context(opinion))


def opinion_answered(opinion: Opinion, *, now: datetime) -> bool:
    from portal import labels

    language = language_of(opinion.language)
    unit = answering_unit(opinion)
    with force_locale(language):
        adoption = str(labels.ADOPTION.get(opinion.adoption, ""))
    return send(
        opinion,
        "opinion_answered",
        now=now,
        adoption=adoption,
        unit=unit.display_name("zh" if language == "zh_CN" else "en") if unit else "",
        answered_at=opinion.answered_at or now,
        **_opinion_context(opinion),
    )


def adoption_report_published(decision: Decision, *, now: datetime) -> int:
    """To every contributor with an e-mail (one e-mail per address, listing their opinions),
    then to the decision's followers who did not already get one. Returns how many."""
    report_link = public_url(
        "public.decision_show", decision_id=decision.id, _anchor="adoption-report"
    )
    opinions = db.session.scalars(
        sa.select(Opinion)
        .where(
            Opinion.decision_id == decision.id,
            Opinion.contact_email != "",
            Opinion.contacts_purged_at.is_(None),
            Opinion.mail_opt_out_at.is_(None),
        )
        .order_by(Opinion.id)
    ).all()
    by_address: dict[str, list[Opinion]] = {}
    for opinion in opinions:
        by_address.setdefault(opinion.contact_email.strip().lower(), []).append(opinion)
    sent = 0
    for group in by_address.values():
        first = group[0]
        items = [
            {
                "receipt_code": o.receipt_code,
                "status_link": public_url("public.opinion_status", receipt_code=o.receipt_code),
            }
            for o in group
        ]
        if send(
            first,
            "report_published",
            now=now,
            items=items,
            report_link=report_link,
            **_opinion_context(first),
        ):
            sent += 1
    sent += followers_notified(
        decision, "follow_report", now=now, skip=set(by_address), report_link=report_link
    )
    return sent


# -- hearing registrations ------------------------------------------------------------------------

REGISTRATION_EVENTS = (
    "received",
    "cancelled",
    "moved_up",
    "selected",
    "waitlisted",
    "invited",
    "hearing_cancelled",
    "materials",
)


def registration_changed(registration: HearingRegistration, event: str, *, now: datetime) -> bool:
    """One e-mail about a registration: ``event`` is one of ``REGISTRATION_EVENTS``."""
    if event not in REGISTRATION_EVENTS:
        raise ValueError(f"unknown registration event {event!r}")
    hearing = registration.hearing or db.session.get(Hearing, registration.hearing_id)
    return send(
        registration,
        f"registration_{event}",
        now=now,
        registration=registration,
        hearing=hearing,
        decision=hearing.decision,
        is_symposium=str(hearing.kind) == "symposium",
        status_link=public_url(
            "public.registration_status", receipt_code=registration.receipt_code
        ),
        hearing_link=public_url("public.hearing_show", hearing_id=hearing.id),
        decision_link=public_url("public.decision_show", decision_id=hearing.decision_id),
    )


def registration_selected(registration: HearingRegistration, *, now: datetime) -> bool:
    return registration_changed(registration, "selected", now=now)


def registration_not_selected(registration: HearingRegistration, *, now: datetime) -> bool:
    return registration_changed(registration, "waitlisted", now=now)


def registration_moved_up(registration: HearingRegistration, *, now: datetime) -> bool:
    return registration_changed(registration, "moved_up", now=now)


def registration_cancelled(registration: HearingRegistration, *, now: datetime) -> bool:
    return registration_changed(registration, "cancelled", now=now)


def registration_materials_available(registration: HearingRegistration, *, now: datetime) -> bool:
    return registration_changed(registration, "materials", now=now)


# -- followers of a decision ----------------------------------------------------------------------

FOLLOW_EVENTS = ("follow_consultation", "follow_published", "follow_report", "follow_stage")


def followers(decision: Decision) -> list[DecisionFollow]:
    return list(
        db.session.scalars(
            sa.select(DecisionFollow)
            .where(
                DecisionFollow.decision_id == decision.id,
                DecisionFollow.confirmed_at.is_not(None),
            )
            .order_by(DecisionFollow.id)
        ).all()
    )


def followers_notified(
    decision: Decision,
    template: str,
    *,
    now: datetime,
    skip: Iterable[str] = (),
    **context,
) -> int:
    """One e-mail per confirmed follower (none for a non-disclosable decision)."""
    if decision.non_disclosable:
        return 0
    skip = {s.lower() for s in skip}
    link = public_url("public.decision_show", decision_id=decision.id)
    feed = public_url("public.feed_decision", decision_id=decision.id)
    sent = 0
    for follow in followers(decision):
        if follow.email.lower() in skip:
            continue
        if send(
            follow,
            template,
            now=now,
            decision=decision,
            decision_link=link,
            feed_link=feed,
            **context,
        ):
            sent += 1
    return sent


def consultation_opened(decision: Decision, consultation, *, now: datetime) -> int:
    return followers_notified(
        decision,
        "follow_consultation",
        now=now,
        consultation=consultation,
        opinion_link=public_url("public.opinion_new", decision_id=decision.id),
    )


def decision_published(decision: Decision, *, now: datetime) -> int:
    return followers_notified(decision, "follow_published", now=now)


# The stages with an e-mail of their own: no second "stage changed" e-mail for them.
_OWN_EMAIL_STAGES = ("consultation", "published")


def stage_changed(decision: Decision, *, before, now: datetime) -> int:
    """The stage shown on the dossier changed (``procedure._refresh_stage``)."""
    if decision.non_disclosable or str(decision.stage) in _OWN_EMAIL_STAGES:
        return 0
    if str(before) == str(decision.stage):
        return 0
    from portal import labels

    sent = 0
    for follow in followers(decision):
        with force_locale(language_of(follow.language)):
            stage = str(labels.STAGE.get(decision.stage, decision.stage))
        if send(
            follow,
            "follow_stage",
            now=now,
            decision=decision,
            stage=stage,
            decision_link=public_url("public.decision_show", decision_id=decision.id),
            feed_link=public_url("public.feed_decision", decision_id=decision.id),
        ):
            sent += 1
    return sent


def follow_confirmation(follow: DecisionFollow, *, now: datetime, token: str) -> bool:
    """The double opt-in e-mail: a link to the page that confirms the follow with a POST."""
    decision = follow.decision or db.session.get(Decision, follow.decision_id)
    return send(
        follow,
        "follow_confirm",
        now=now,
        unsubscribe=False,
        decision=decision,
        confirm_link=public_url("public.follow_confirm", token=token),
        decision_link=public_url("public.decision_show", decision_id=decision.id),
    )
