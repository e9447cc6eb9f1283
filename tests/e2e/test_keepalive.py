"""Connection hygiene on the real server: a refused body never breaks the keep-alive connection."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)


def _post(conn, path: str, body: bytes, content_type: str):
    conn.request("POST", path, body=body, headers={"Content-Type": content_type})
    response = conn.getresponse()
    response.read()
    return response


def _next_request_answered(conn, refused) -> int:
    """Send a small request after ``refused`` as a client library would: on the same connection
    unless the server said it closes it."""
    if (refused.getheader("Connection") or "").lower() == "close":
        conn.close()  # http.client reconnects on the next request
    conn.request("GET", "/api/v1/governments")
    response = conn.getresponse()
    response.read()
    return response.status


@pytest.mark.parametrize("characters", [40_000, 400_000])
def test_a_too_large_opinion_leaves_the_connection_usable(live_server, characters):
    conn = _connection(live_server)
    body = json.dumps({"body": "意" * characters}, ensure_ascii=False).encode()
    refused = _post(conn, "/api/v1/decisions/2/opinions", body, "application/json")
    assert refused.status == 413
    # The server either drained the body or said it closes: the next request is answered.
    assert (refused.getheader("Connection") or "").lower() == "close"
    assert _next_request_answered(conn, refused) == 200


def test_a_small_refused_body_is_drained_and_the_connection_kept(live_server):
    conn = _connection(live_server)
    refused = _post(conn, "/api/v1/decisions/2/opinions", b"[1, 2", "application/json")
    assert refused.status == 400
    assert (refused.getheader("Connection") or "keep-alive").lower() == "keep-alive"
    conn.request("GET", "/api/v1/governments")
    response = conn.getresponse()
    response.read()
    assert response.status == 200
