"""A short-lived cache of rendered public pages (micro-caching).

Anonymous GET pages are the same for everyone with the same URL, language and text size, so
each process keeps them for ``PORTAL_PAGE_CACHE_SECONDS`` (default 10; 0 turns it off). A page
may therefore lag an edit by that many seconds. Responses that set state (flashed messages,
signed-in staff, errors) are never cached. The cache is a bounded LRU, so varying query strings
cannot grow it.

HTTP caching, whether the micro-cache is on or off: an anonymous page gets a strong ETag (a
hash of the page as rendered, so it changes exactly when what the page shows changes), answers
``If-None-Match`` with 304, and says ``Cache-Control: public, max-age=N, s-maxage=N`` with
``N = PORTAL_HTTP_MAX_AGE`` (default 10 seconds), so a reverse proxy may serve it that long.
A page seen by signed-in staff or carrying a flashed message is ``private, no-cache``. The
pages carry no per-response value (the CSP has no nonce: the public site ships no inline
script), so one rendering serves every visitor of the same URL, language and text size.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

MAX_ENTRIES = 512


@dataclass
class Entry:
    body: bytes
    status: int
    mimetype: str
    headers: list[tuple[str, str]]
    expires: float


class PageCache:
    def __init__(self) -> None:
        self._data: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            if entry.expires < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            self._data[key] = entry
            self._data.move_to_end(key)
            while len(self._data) > MAX_ENTRIES:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _cache() -> PageCache:
    cache = current_app.extensions.get("portal_page_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("portal_page_cache", PageCache())
    return cache


def _cacheable_request() -> bool:
    return (
        request.method == "GET"
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def _http_caching(response: Response, shared: bool) -> Response:
    """Validators and freshness for a GET page (see the module docstring)."""
    if request.method != "GET" or response.status_code != 200 or response.direct_passthrough:
        return response
    if not shared:
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    if "ETag" not in response.headers:
        response.add_etag()
    if "Cache-Control" not in response.headers:
        age = int(current_app.config.get("HTTP_MAX_AGE", 10))
        response.headers["Cache-Control"] = f"public, max-age={age}, s-maxage={age}"
    return response.make_conditional(request)


def cached_page(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        ttl = current_app.config.get("PAGE_CACHE_SECONDS", 0)
        shared = _cacheable_request()
        if ttl <= 0 or not shared:
            response = current_app.make_response(view(*args, **kwargs))
            return _http_caching(response, shared)
        key = (
            request.endpoint,
            request.full_path,
            str(get_locale()),
            request.cookies.get("portal_large_text") == "1",
        )
        cache = _cache()
        entry = cache.get(key)
        if entry is not None:
            response = Response(entry.body, status=entry.status, mimetype=entry.mimetype)
            for name, value in entry.headers:
                response.headers[name] = value
            return response.make_conditional(request)
        response = _http_caching(current_app.make_response(view(*args, **kwargs)), shared)
        if response.status_code == 200 and not response.direct_passthrough:
            cache.put(
                key,
                Entry(
                    body=response.get_data(),
                    status=200,
                    mimetype=response.mimetype or "text/html",
                    headers=[
                        (k, v)
                        for k, v in response.headers.items()
                        if k in ("ETag", "Cache-Control", "Last-Modified")
                    ],
                    expires=time.monotonic() + ttl,
                ),
            )
        return response

    return wrapper
