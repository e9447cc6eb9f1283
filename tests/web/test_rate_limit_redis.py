"""With Redis storage, workers share one rate-limit counter (memory:// would multiply it)."""

from __future__ import annotations

import os
import uuid

import pytest

from portal import create_app
from portal.config import TestConfig

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        if os.environ.get("PORTAL_TEST_REQUIRE_SERVICES"):
            pytest.fail("PORTAL_TEST_REDIS_URL must be set in CI")
        pytest.skip("no Redis configured (PORTAL_TEST_REDIS_URL)")
    return REDIS_URL


def _worker(tmp_path, url: str, prefix: str):
    config = TestConfig(tmp_path)
    config.RATELIMIT_ENABLED = True
    config.RATELIMIT_STORAGE_URI = url
    config.RATELIMIT_KEY_PREFIX = prefix
    config.LOGIN_RATE_LIMIT = "3 per minute"
    app = create_app(config)
    with app.app_context():
        from portal.extensions import db

        db.create_all()
    return app.test_client()


def test_two_workers_share_the_login_limit(tmp_path, redis_url):
    prefix = f"test-{uuid.uuid4().hex}"
    worker_a = _worker(tmp_path / "a", redis_url, prefix)
    worker_b = _worker(tmp_path / "b", redis_url, prefix)
    data = {"username": "x", "password": "y"}
    assert worker_a.post("/admin/login", data=data).status_code == 422
    assert worker_b.post("/admin/login", data=data).status_code == 422
    assert worker_a.post("/admin/login", data=data).status_code == 422
    assert worker_b.post("/admin/login", data=data).status_code == 429
