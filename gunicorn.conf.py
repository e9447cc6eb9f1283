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


# gunicorn can drain at most 64 KB of a body the application did not read before it reuses a
# keep-alive connection; past that it drops the connection after having answered "keep-alive",
# so the client's next request on it fails. A body that large, or one of unknown length, is
# therefore answered with "Connection: close" (a refused upload, such as a 413, included).
DRAINABLE_BODY_BYTES = 64 * 1024


def pre_request(worker, req):
    length = None
    chunked = False
    for name, value in req.headers:
        if name == "CONTENT-LENGTH":
            try:
                length = int(value)
            except ValueError:
                length = None
        elif name == "TRANSFER-ENCODING" and "chunked" in value.lower():
            chunked = True
    if chunked or (length is not None and length > DRAINABLE_BODY_BYTES):
        req.must_close = True


def when_ready(server):
    # `make run` ends with where the site is and the demo accounts (issue 12).
    if os.environ.get("PORTAL_RUN_BANNER"):
        from portal.config import instance_path
        from portal.demo_accounts import banner, url_of_bind

        print(banner(url_of_bind(bind), instance_path()), flush=True)


def post_worker_init(worker):
    # Issue 12: send queued e-mail while the site runs (one worker at a time holds the lock;
    # PORTAL_MAIL_SYNC=off leaves it to `flask portal drain-outbox`).
    from portal.workers import start_mail_sender

    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "config"):
        start_mail_sender(app)
