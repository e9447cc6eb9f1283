"""Issue 12 (b), the citizen's loop closed, on a phone (390x844, zh, JavaScript off).

A real SMTP server (aiosmtpd) started here captures what the portal sends while it runs: the
gunicorn workers' mail sender delivers queued e-mail within seconds, not at the next start. A
citizen follows a decision (double opt-in through the link in the captured e-mail), submits an
opinion, and staff (through the services, on the same database) publish and answer it and
publish the adoption report. Every e-mail carries absolute links that open the right page.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD, answer_and_release, answerer_of
from tests.e2e.conftest import BIN, ROOT, _free_port, shot

pytestmark = pytest.mark.e2e

TITLE = "赤峰市中心城区居民生活垃圾分类管理实施方案"
CITIZEN = "follower@example.cn"


class Inbox:
    """What the SMTP server received, as (to, subject, text, headers)."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                {
                    "to": list(envelope.rcpt_tos),
                    "subject": str(msg["Subject"]),
                    "text": msg.get_content(),
                    "headers": dict(msg.items()),
                }
            )
        return "250 OK"

    def wait_for(self, to: str, subject_part: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for m in self.messages:
                    if to in m["to"] and subject_part in m["subject"]:
                        return m
            time.sleep(0.2)
        with self.lock:
            seen = [(m["to"], m["subject"]) for m in self.messages]
        pytest.fail(f"no e-mail to {to} with {subject_part!r}; received: {seen}")


@pytest.fixture(scope="module")
def smtp():
    pytest.importorskip("aiosmtpd")
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory, smtp):
    """The portal under gunicorn (as ``make run`` starts it), sending to the SMTP server."""
    _inbox, smtp_port = smtp
    instance = tmp_path_factory.mktemp("e2e-mail-instance")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD,
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "PORTAL_WORKERS": "2",
        "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_MAIL_PORT": str(smtp_port),
        "PORTAL_MAIL_SWEEP_SECONDS": "1",
        "PORTAL_PUBLIC_URL": base,
        "PORTAL_PAGE_CACHE_SECONDS": "0",
    }
    env.pop("PORTAL_DATABASE_URL", None)
    for args in (["db", "upgrade"], ["portal", "seed-demo"], ["portal", "reindex"]):
        subprocess.run(
            [BIN / "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
        )
    # The demo's own receipts wait in the outbox: send them now, as `make run` does, so the
    # test sees only what happens while the site runs.
    subprocess.run(
        [BIN / "flask", "portal", "drain-outbox"],
        cwd=ROOT,
        env={**env, "PORTAL_MAIL_SERVER": ""},
        check=True,
        capture_output=True,
        timeout=180,
    )
    log_path = instance / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/api/v1/governments", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            server.terminate()
            pytest.fail("gunicorn did not start: " + log_path.read_text())
        yield base, instance
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def staff_app(mail_server):
    """The back office's services on the same database (what staff do in the admin pages)."""
    from portal import create_app
    from portal.config import Config

    _base, instance = mail_server
    saved = {k: os.environ.get(k) for k in ("PORTAL_DATABASE_URL", "PORTAL_PUBLIC_URL")}
    os.environ.pop("PORTAL_DATABASE_URL", None)
    os.environ["PORTAL_PUBLIC_URL"] = mail_server[0]
    try:
        config = Config(Path(instance))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    config.SEARCH_SYNC = "off"  # the site's own processes keep the index
    config.MAIL_SYNC = "off"  # and send the mail
    return create_app(config)


def links(text: str, base: str) -> list[str]:
    found = re.findall(r"https?://\S+", text)
    assert found and all(u.startswith(base) for u in found), found
    return found


def link_with(text: str, part: str) -> str:
    match = re.search(rf"https?://\S*{re.escape(part)}\S*", text)
    assert match, f"no link with {part!r} in:\n{text}"
    return match.group(0)


def test_follow_submit_and_hear_back_by_email(browser, mail_server, smtp, staff_app):
    inbox, _port = smtp
    base, _instance = mail_server
    context = browser.new_context(
        java_script_enabled=False,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    page = context.new_page()

    # 1. Follow the decision from its dossier.
    page.goto(base + "/")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_load_state()
    decision_url = page.url
    decision_id = int(re.search(r"/decisions/(\d+)", decision_url).group(1))
    assert page.locator(f"a[href='/feeds/decisions/{decision_id}.atom']").count() >= 1
    page.locator(f"#follow-email-{decision_id}").scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "test-artifacts" / "issue12-b-dossier-follow-phone.png"))
    page.fill(f"#follow-email-{decision_id}", CITIZEN)
    page.get_by_role("button", name="邮件订阅").click()
    page.wait_for_load_state()
    assert "请查收邮件" in page.locator("main").inner_text()
    shot(page, "issue12-b-follow-sent-phone")

    confirm = inbox.wait_for(CITIZEN, "请确认订阅")
    links(confirm["text"], base)
    page.goto(link_with(confirm["text"], "/follows/confirm/"))
    page.get_by_role("button", name="确认订阅：向我发送本决策的动态邮件").click()
    page.wait_for_load_state()
    assert "您已订阅本决策动态" in page.locator("main").inner_text()

    # 2. Submit an opinion with the same address.
    page.goto(f"{base}/decisions/{decision_id}/opinions/new")
    page.fill("textarea[name=body]", "建议在老旧小区增设分类投放点，并延长晚间投放时间。")
    page.fill("input[name=contact_email]", CITIZEN)
    page.locator("form.record button[type=submit]").click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").first.inner_text().strip()
    main = page.locator("main").inner_text()
    assert "建议在老旧小区增设分类投放点" in main and "已收到" in main
    shot(page, "issue12-b-receipt-phone")

    receipt = inbox.wait_for(CITIZEN, code)
    status_link = link_with(receipt["text"], f"receipt_code={code}")
    assert status_link.startswith(base + "/opinions/status")
    assert receipt["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(status_link)
    assert code in page.locator("main").inner_text()

    # 3. Staff publish and answer it, close the window and publish the adoption report.
    from portal import clock
    from portal.extensions import db
    from portal.models.consultation import Consultation
    from portal.models.decision import Decision
    from portal.models.opinion import Opinion
    from portal.models.user import User
    from portal.rules.consultation import OpinionStatus
    from portal.services import adoption, moderation

    def staff(name: str) -> User:
        return db.session.query(User).filter_by(username=name).one()

    with staff_app.app_context():
        opinion = db.session.query(Opinion).filter_by(receipt_code=code).one()
        moderation.approve_opinion(opinion, actor=staff("moderator"), now=clock.now())
        db.session.commit()
    published = inbox.wait_for(CITIZEN, "您的意见已公开")
    page.goto(link_with(published["text"], f"receipt_code={code}"))
    assert "已在决策页面公开" in page.locator("main").inner_text()

    with staff_app.app_context():
        opinion = db.session.query(Opinion).filter_by(receipt_code=code).one()
        answer_and_release(
            [opinion],
            "partially_adopted",
            "部分采纳：将在新建小区同步设置投放点。",
            now=clock.now(),
        )
        db.session.commit()
    answered = inbox.wait_for(CITIZEN, "您的意见已答复")
    assert "部分采纳：将在新建小区同步设置投放点。" in answered["text"]
    page.goto(link_with(answered["text"], f"receipt_code={code}"))
    main = page.locator("main").inner_text()
    assert "部分采纳：将在新建小区同步设置投放点。" in main and "答复单位" in main
    shot(page, "issue12-b-status-answered-phone")

    with staff_app.app_context():
        now = clock.now()
        decision = db.session.get(Decision, decision_id)
        # Time passes: the comment window is over (set on the record, as the test's shortcut).
        for c in db.session.query(Consultation).filter_by(decision_id=decision_id):
            c.closes_at = min(c.closes_at, now - timedelta(minutes=1))
        for o in moderation.queue(decision, OpinionStatus.RECEIVED):
            moderation.approve_opinion(o, actor=staff("moderator"), now=now)
        pending = [
            o
            for o in moderation.queue(decision, OpinionStatus.PUBLISHED)
            if o.adoption == "pending"
        ] + [
            o for o in moderation.queue(decision, OpinionStatus.WITHHELD) if o.adoption == "pending"
        ]
        if pending:
            answer_and_release(pending, "not_adopted", "与本方案无关。", now=now)
        unit_staff = answerer_of(decision)
        adoption.save_summary(decision, "共收到意见若干条，已逐条研究。", actor=unit_staff, now=now)
        adoption.publish_report(decision, actor=unit_staff, now=now)
        db.session.commit()
    report = inbox.wait_for(CITIZEN, "意见采纳情况说明已公布")
    report_link = link_with(report["text"], "#adoption-report")
    assert code in report["text"]
    page.goto(report_link)
    assert page.locator("#adoption-report").count() == 1
    shot(page, "issue12-b-report-phone")

    # Every link in every e-mail to the citizen is absolute and opens a page.
    with inbox.lock:
        mine = [m for m in inbox.messages if CITIZEN in m["to"]]
    assert len(mine) >= 5  # confirm, receipt, published, answered, report
    for message in mine:
        for url in links(message["text"], base):
            response = page.goto(url)
            assert response is not None and response.status in (200, 404), url
            if "/unsubscribe/" not in url and "/follows/confirm/" not in url:
                assert response.status == 200, url

    # 4. One click on the unsubscribe link in the last e-mail (a page, then a POST button).
    page.goto(link_with(report["text"], "/unsubscribe/"))
    page.get_by_role("button", name="退订").click()
    page.wait_for_load_state()
    assert "已退订" in page.locator("main").inner_text()
    context.close()
