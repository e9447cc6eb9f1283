"""Outbox handlers: search index updates and e-mail."""

from __future__ import annotations

import time
from email.message import EmailMessage
from pathlib import Path

from flask import Flask

from portal.services import outbox


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
        msg = EmailMessage()
        msg["From"] = app.config["MAIL_SENDER"]
        msg["To"] = payload["to"]
        msg["Subject"] = payload["subject"]
        msg.set_content(payload["body"])
        if app.config.get("MAIL_SERVER"):
            import smtplib

            with smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=20) as s:
                if app.config.get("MAIL_USE_TLS"):
                    s.starttls()
                if app.config.get("MAIL_USERNAME"):
                    s.login(app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"] or "")
                s.send_message(msg)
        else:
            mail_dir.mkdir(parents=True, exist_ok=True)
            (mail_dir / f"{time.time_ns()}.eml").write_bytes(bytes(msg))
