"""Configuration from PORTAL_ variables; the secret key is generated once, never hard-coded."""

from __future__ import annotations

from portal.config import Config


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    first = Config().SECRET_KEY
    assert len(first) >= 64
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert Config().SECRET_KEY == first


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("PORTAL_RATELIMIT_ENABLED", "false")
    config = Config()
    assert config.SECRET_KEY == "from-the-environment"
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"
    assert config.RATELIMIT_ENABLED is False
    assert not (tmp_path / "secret_key").exists()


def test_production_cookie_and_upload_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    config = Config()
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.MAX_CONTENT_LENGTH == 16 * 1024 * 1024
    assert config.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'portal.db'}"
