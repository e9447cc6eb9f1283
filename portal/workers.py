"""Outbox handlers: search index updates and e-mail."""

from __future__ import annotations

import time
from email.message import EmailMessage
from pathlib import Path

from flask import Flask

from portal.services import outbox


def register_handlers(app: Flask) -> None:
    search_dir = Path(app.config["SEARCH_DIR"])
    mail_dir = Path(app.config["MAIL_DIR"])

    @outbox.handler("search.decision")
    def _index_decision(payload: dict) -> None:
        from search.indexer import update_decision

        update_decision(search_dir, int(payload["id"]))

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
