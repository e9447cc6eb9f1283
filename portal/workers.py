"""Outbox handlers (search index updates, e-mail) and the background mail sender."""

from __future__ import annotations

import email.policy
import logging
import os
import threading
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.models.outbox import OutboxMessage
from portal.services import outbox

log = logging.getLogger(__name__)


def register_handlers(app: Flask) -> None:
    mail_dir = Path(app.config["MAIL_DIR"])

    # Search: one handler per source topic (search.decision, search.opinion, ...). Each applies
    # its event with the configured backend; the in-process syncer (search.realtime) usually
    # gets there first and applies many at once.
    from search import sources

    def _index(topic: str):
        def handle(payload: dict) -> None:
            from search.indexer import sync

            sync([(topic, payload)])

        return handle

    for topic in sorted(sources.topics()):
        outbox.handler(topic)(_index(topic))

    @outbox.handler("mail.send")
    def _send_mail(payload: dict) -> None:
        from portal.services import notifications

        if not notifications.still_wanted(payload):
            # Unsubscribed, or the contacts were purged, after the e-mail was queued.
            log.info(
                "e-mail %s dropped: the recipient unsubscribed or was purged", payload.get("event")
            )
            return
        # Long headers (the unsubscribe link) stay on one line instead of becoming encoded
        # words; the file sink also keeps UTF-8 headers readable.
        smtp = bool(app.config.get("MAIL_SERVER"))
        msg = EmailMessage(policy=email.policy.default.clone(max_line_length=998, utf8=not smtp))
        msg["From"] = app.config["MAIL_SENDER"]
        msg["To"] = payload["to"]
        msg["Subject"] = payload["subject"]
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=_domain(app))
        for name, value in (payload.get("headers") or {}).items():
            msg[name] = value
        if smtp:
            import smtplib

            msg.set_content(payload["body"])
            with smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=20) as s:
                if app.config.get("MAIL_USE_TLS"):
                    s.starttls()
                if app.config.get("MAIL_USERNAME"):
                    s.login(app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"] or "")
                s.send_message(msg)
        else:
            # The file sink (no PORTAL_MAIL_SERVER): one readable .eml per e-mail (8-bit UTF-8,
            # so `cat` shows the Chinese text) in <instance>/outbox-mail/.
            msg.set_content(payload["body"], cte="8bit")
            mail_dir.mkdir(parents=True, exist_ok=True)
            path = mail_dir / f"{time.time_ns()}.eml"
            path.write_bytes(bytes(msg))
            log.info("e-mail to the file sink: %s", path)


def _domain(app: Flask) -> str:
    sender = str(app.config.get("MAIL_SENDER") or "")
    return sender.rsplit("@", 1)[1] if "@" in sender else "decision-portal.local"


# -- the background mail sender of a web process (issue 12) --------------------------------------

MAIL_TOPICS = {"mail.send"}
_sender_lock = threading.Lock()
_senders: dict[int, MailSender] = {}


def mail_sync_mode(app: Flask) -> str:
    value = app.config.get("MAIL_SYNC") or os.environ.get("PORTAL_MAIL_SYNC")
    if not value:
        value = "off" if app.testing else "thread"
    return str(value).lower()


class MailSender:
    """Sends queued e-mail while the site runs, so nothing waits for the next ``make run``.

    One daemon thread per web process wakes every ``MAIL_SWEEP_SECONDS`` (default 5 s), or at
    once after a commit in this process that queued an e-mail. A drain runs only while it holds
    an exclusive lock on ``<instance>/mail-sender.lock`` (``flock``), so of several gunicorn
    workers one sends at a time and no e-mail goes out twice; a failed send is retried by the
    outbox with back-off. ``flask portal drain-outbox`` still works alongside.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.lock_path = Path(app.instance_path) / "mail-sender.lock"
        self.interval = float(app.config.get("MAIL_SWEEP_SECONDS") or 5)
        self.thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)

    def start(self) -> MailSender:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()

    def drain_once(self) -> int:
        """One locked drain of the mail topics; returns how many were processed (0 if another
        process holds the lock)."""
        import fcntl

        from portal import clock
        from portal.extensions import db

        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return 0  # another process is sending
            try:
                with self.app.app_context():
                    register_handlers(self.app)
                    done, failed = outbox.drain(now=clock.now(), limit=200, topics=MAIL_TOPICS)
                    db.session.remove()
                return done + failed
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.wake.wait(self.interval)
            self.wake.clear()
            if self.stopped.is_set():
                return
            try:
                while self.drain_once() >= 200:
                    pass
            except Exception:
                log.exception("sending queued e-mail failed; the next sweep retries")


def _after_flush(session: Session, _ctx) -> None:
    for obj in session.new:
        if isinstance(obj, OutboxMessage) and obj.topic in MAIL_TOPICS:
            session.info["mail_pending"] = True
            return


def _after_commit(session: Session) -> None:
    if session.info.pop("mail_pending", False):
        sender = _senders.get(os.getpid())
        if sender is not None:
            sender.wake.set()


def start_mail_sender(app: Flask) -> MailSender | None:
    """Start this process's mail sender (gunicorn ``post_worker_init``); None when turned off."""
    if mail_sync_mode(app) != "thread":
        return None
    with _sender_lock:
        sender = _senders.get(os.getpid())
        if sender is not None and sender.thread.is_alive():
            return sender
        if not _senders:
            event.listen(Session, "after_flush", _after_flush)
            event.listen(Session, "after_commit", _after_commit)
        sender = _senders[os.getpid()] = MailSender(app).start()
    app.logger.info(
        "sending queued e-mail every %.0fs (%s)",
        sender.interval,
        f"SMTP {app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}"
        if app.config.get("MAIL_SERVER")
        else f"file sink {app.config['MAIL_DIR']}",
    )
    return sender
