"""gunicorn settings for ``make run`` and for deployment (override with GUNICORN_CMD_ARGS)."""

import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("PORTAL_WORKERS", "2"))
threads = int(os.environ.get("PORTAL_THREADS", "4"))
worker_class = "gthread"
# Load the app (and jieba's dictionary) once in the master, then fork.
preload_app = True
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    from search.analyzers import init_jieba

    instance = os.environ.get("PORTAL_INSTANCE_PATH", os.path.join(os.getcwd(), "instance"))
    init_jieba(os.path.join(instance, "jieba-cache"))
    if workers > 1 and os.environ.get("PORTAL_RATELIMIT_STORAGE_URI", "memory://").startswith(
        "memory"
    ):
        server.log.warning(
            "rate limits are per worker with memory:// storage; set "
            "PORTAL_RATELIMIT_STORAGE_URI=redis://... when running several workers"
        )


def post_worker_init(worker):
    # Issue 12: send queued e-mail while the site runs (one worker at a time holds the lock;
    # PORTAL_MAIL_SYNC=off leaves it to `flask portal drain-outbox`).
    from portal.workers import start_mail_sender

    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "config"):
        start_mail_sender(app)
