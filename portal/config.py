"""Settings from environment variables prefixed ``PORTAL_`` (public contract: Configuration)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

TRUE = {"1", "true", "yes", "on"}


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PORTAL_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    return default if value is None else value.strip().lower() in TRUE


def instance_path() -> Path:
    return Path(env("INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def load_secret_key(folder: Path) -> str:
    """The key from PORTAL_SECRET_KEY, or one generated once and kept in the instance folder."""
    key = env("SECRET_KEY")
    if key:
        return key
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        # O_EXCL: when several workers start together only one writes the key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    """Production defaults. Every value can be set through ``PORTAL_<NAME>``."""

    def __init__(self, instance: Path | None = None) -> None:
        folder = instance or instance_path()
        self.INSTANCE_PATH = str(folder)
        self.SECRET_KEY = load_secret_key(folder)
        self.SQLALCHEMY_DATABASE_URI = env("DATABASE_URL") or f"sqlite:///{folder / 'portal.db'}"
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.SEARCH_DIR = env("SEARCH_DIR") or str(folder / "search")
        self.SEARCH_BACKEND = env("SEARCH_BACKEND", "whoosh")
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_HEADERS_ENABLED = True
        self.TIMEZONE = env("TIMEZONE", "Asia/Shanghai")
        self.PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "10") or 0)
        # Freshness a browser or reverse proxy may give a public page (Cache-Control).
        self.HTTP_MAX_AGE = int(env("HTTP_MAX_AGE", "10") or 0)
        self.MAIL_DIR = env("MAIL_DIR") or str(folder / "outbox-mail")
        self.MAIL_SERVER = env("MAIL_SERVER")
        self.MAIL_PORT = int(env("MAIL_PORT", "25") or 25)
        self.MAIL_USERNAME = env("MAIL_USERNAME")
        self.MAIL_PASSWORD = env("MAIL_PASSWORD")
        self.MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
        self.MAIL_SENDER = env("MAIL_SENDER", "noreply@decision-portal.local")
        # Issue 12: e-mails carry absolute links on this base (no trailing slash needed).
        self.PUBLIC_URL = public_url_default()
        # The background mail sender in each web process (``portal.mailer``): ``thread``
        # (default; one process at a time holds the lock) or ``off`` (only drain-outbox).
        self.MAIL_SYNC = env("MAIL_SYNC")
        self.MAIL_SWEEP_SECONDS = float(env("MAIL_SWEEP_SECONDS", "5") or 5)
        # Follow a decision by e-mail: an unconfirmed follow is deleted after this many days.
        self.FOLLOW_CONFIRM_DAYS = int(env("FOLLOW_CONFIRM_DAYS", "7") or 7)
        # Cookies and sessions (security.md: Flask's defaults are not enough).
        self.SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_NAME = "portal_session"
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # absolute limit for staff
        self.STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
        self.REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
        self.MAX_CONTENT_LENGTH = 16 * 1024 * 1024
        self.WTF_CSRF_TIME_LIMIT = 8 * 3600
        # scrypt N=2**17, r=8, p=1 (ASVS 5.0: N >= 2**17). Werkzeug's default is N=2**15.
        self.PASSWORD_HASH_METHOD = "scrypt:131072:8:1"  # noqa: S105 - a method name
        self.LOGIN_MAX_FAILURES = 5
        self.LOGIN_LOCKOUT = timedelta(minutes=15)
        self.LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute")
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        self.LANGUAGES = ("zh_CN", "en")
        self.PREFERRED_URL_SCHEME = "https"
        self.PROXY_FIX = int(env("PROXY_FIX", "0") or 0)  # number of trusted proxies
        # Footer placeholders shown as government websites carry them (ui.md).
        self.SITE_ID_CODE = env("SITE_ID_CODE", "1504000000")
        self.ICP_RECORD = env("ICP_RECORD", "蒙ICP备00000000号")
        self.PSB_RECORD = env("PSB_RECORD", "蒙公网安备 15040202000000号")
        self.DEMO_PASSWORD = env("DEMO_PASSWORD")

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


def public_url_default() -> str:
    """``PORTAL_PUBLIC_URL``, else ``http://<PORTAL_SERVER_NAME>``, else the bind address."""
    value = env("PUBLIC_URL")
    if value:
        return value.rstrip("/")
    server = env("SERVER_NAME") or os.environ.get("SERVER_NAME")
    if server:
        return f"http://{server}".rstrip("/")
    bind = os.environ.get("PORTAL_BIND", "127.0.0.1:5000")
    if bind.startswith(("0.0.0.0:", "[::]:")):
        bind = "127.0.0.1:" + bind.rsplit(":", 1)[1]
    return f"http://{bind}"


def engine_options(url: str) -> dict:
    options: dict = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options = {"connect_args": {"timeout": 30}}
    elif url.startswith("mysql"):
        options["pool_recycle"] = 3600
    return options


class TestConfig(Config):
    """Used by the test suite: a database from PORTAL_TEST_DATABASE_URL or a temporary SQLite."""

    __test__ = False

    def __init__(self, instance: Path, database_url: str | None = None) -> None:
        super().__init__(instance)
        self.TESTING = True
        self.SECRET_KEY = "test-" + secrets.token_hex(8)
        url = database_url or f"sqlite:///{instance / 'test.db'}"
        self.SQLALCHEMY_DATABASE_URI = url
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(url)
        self.SESSION_COOKIE_SECURE = False
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_ENABLED = False
        self.PREFERRED_URL_SCHEME = "http"
        self.PUBLIC_URL = "http://localhost"  # the test client's host
        # Cheap hashing in tests; test_users asserts the production default separately.
        self.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a method name
        self.PAGE_CACHE_SECONDS = 0  # tests see every change at once; test_page_cache turns it on
