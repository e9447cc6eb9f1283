"""Issue 12 (E): no public page is wider than a phone's screen.

A breadth-first crawl from the home page (same-origin links; no back office, feeds, API or
downloads) plus the form pages a crawl may not reach, in Chromium with JavaScript off:
at 320 px in large-text mode (大字版, the cookie the 大字版 link sets) and at 390 px in the
standard mode. A page whose document is wider than the viewport scrolls sideways: each such
page is listed with the elements that stick out.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.e2e

MAX_PAGES = 150
SKIP_PREFIXES = ("/admin", "/feeds", "/api", "/static", "/display", "/openapi")
DOWNLOAD = re.compile(r"\.(csv|json|xlsx|docx|ics|atom|xml|txt|svg|png|pdf|zip)$", re.I)

# What sticks out: the innermost elements whose box or text passes the viewport's right edge
# (and is not inside a box that scrolls or clips on its own).
WIDEST = """() => {
  const vw = window.innerWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.children.length) continue;
    if (Math.max(r.right, r.left + el.scrollWidth) <= vw + 1) continue;
    let boxed = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { boxed = true; break; }
    }
    if (boxed) continue;
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const text = (el.textContent || '').trim().slice(0, 40);
    out.push(el.tagName.toLowerCase() + cls + ' "' + text + '"');
  }
  return out.slice(0, 4);
}"""

# Targets a finger aims at (WCAG 2.5.8): buttons, form controls, links standing alone in a list
# or a navigation. Links inside running text are exempt.
TARGETS = """() => {
  const sel = 'button, select, input:not([type=hidden]), nav a, li > a:only-child, a.button';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.visually-hidden, [aria-hidden=true]') || el.tabIndex < 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.width < 23.5 || r.height < 23.5) {
      out.push(el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') + ' "'
        + (el.textContent || el.name || '').trim().slice(0, 30) + '" '
        + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  }
  return out.slice(0, 5);
}"""
MAX_VARIANTS = 3  # pages of one path with different query strings (filters, pages)


def known_form_pages(base: str) -> list[str]:
    """Forms and look-ups a crawl from the home page might not reach, found from the demo."""
    import json
    import urllib.request

    def get(path: str):
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return json.load(r)

    pages = [
        "/proposals/new",
        "/opinions/status",
        "/registrations/status",
        "/proposals/status",
        "/feedback/status",
        "/search?q=" + "供热",
        "/search?q=" + "意见",
        "/statistics",
        "/data",
        "/participate",
    ]
    decisions = get("/api/v1/decisions?per_page=100").get("items", [])
    open_ids = [d["id"] for d in decisions if d.get("stage") == "consultation"]
    pages += [f"/decisions/{i}/opinions/new" for i in open_ids[:1]]
    hearings = get("/api/v1/hearings").get("items", [])
    pages += [f"/hearings/{h['id']}/register" for h in hearings if h.get("registration_open")][:1]
    return pages


def normalise(base: str, href: str) -> str | None:
    url, _ = urldefrag(href)
    parts = urlsplit(url)
    origin = urlsplit(base)
    if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or DOWNLOAD.search(path):
        return None
    if path.startswith("/data/") or path.endswith((".ics", "/export")):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("lang", "next")]
    return urlunsplit(("", "", path, urlencode(sorted(query)), ""))


def crawl_paths(browser, base: str) -> list[str]:
    """Breadth-first over same-origin links from the home page (standard mode, 1280 px)."""
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    seen: dict[str, None] = {}
    variants: dict[str, int] = {}
    queue = deque(["/", *known_form_pages(base)])
    while queue and len(seen) < MAX_PAGES:
        path = normalise(base, base + queue.popleft())
        if path is None or path in seen:
            continue
        bare = path.split("?")[0]
        if "?" in path and variants.get(bare, 0) >= MAX_VARIANTS:
            continue
        variants[bare] = variants.get(bare, 0) + 1
        seen[path] = None
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            nxt = normalise(base, href)
            if nxt is not None and nxt not in seen:
                queue.append(nxt)
    context.close()
    return list(seen)


def overflowing(
    browser, base: str, paths: list[str], *, width: int, large: bool, lang: str = ""
) -> list[str]:
    context = browser.new_context(
        java_script_enabled=False, locale="zh-CN", viewport={"width": width, "height": 800}
    )
    if large:
        host = urlsplit(base).hostname
        context.add_cookies(
            [{"name": "portal_large_text", "value": "1", "domain": host, "path": "/"}]
        )
    page = context.new_page()
    offenders = []
    for path in paths:
        url = base + path + (("&" if "?" in path else "?") + f"lang={lang}" if lang else "")
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if large:
            assert page.evaluate("document.body.classList.contains('large-text')"), path
        scroll = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        if scroll > inner:
            offenders.append(f"{path}: {scroll}px > {inner}px {page.evaluate(WIDEST)}")
        small = page.evaluate(TARGETS)
        if small:
            offenders.append(f"{path}: targets under 24 px {small}")
    context.close()
    return offenders


@pytest.fixture(scope="module")
def public_paths(browser, live_server):
    paths = crawl_paths(browser, live_server)
    # The crawl reaches the columns, the dossiers, the forms and the statements.
    for expected in ("/", "/decisions", "/data", "/search", "/proposals/new"):
        assert expected in paths
    assert any(p.startswith("/decisions/") for p in paths)
    assert any(p.startswith("/hearings/") for p in paths)
    assert len(paths) >= 40
    return paths


def test_no_public_page_scrolls_sideways_at_320px_in_large_text(browser, live_server, public_paths):
    offenders = overflowing(browser, live_server, public_paths, width=320, large=True)
    assert offenders == [], "\n".join(offenders)


def test_no_public_page_scrolls_sideways_at_390px(browser, live_server, public_paths):
    offenders = overflowing(browser, live_server, public_paths, width=390, large=False)
    assert offenders == [], "\n".join(offenders)


def test_large_text_is_at_least_one_and_a_half_times_the_standard(browser, live_server):
    # Text, form controls and checkboxes all grow (ui.md: 大字版 scales text at least 1.5x).
    path = next(p for p in known_form_pages(live_server) if p.endswith("/opinions/new"))
    probe = """() => {
      const px = el => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
      const box = document.querySelector('input[type=checkbox]').getBoundingClientRect();
      return {body: px(document.body), p: px(document.querySelector('main p')),
              label: px(document.querySelector('main label')),
              input: px(document.querySelector('main textarea')), checkbox: box.height};
    }"""
    sizes = {}
    for large in (False, True):
        context = browser.new_context(
            java_script_enabled=False, locale="zh-CN", viewport={"width": 390, "height": 800}
        )
        if large:
            host = urlsplit(live_server).hostname
            context.add_cookies(
                [{"name": "portal_large_text", "value": "1", "domain": host, "path": "/"}]
            )
        page = context.new_page()
        page.goto(live_server + path)
        sizes[large] = page.evaluate(probe)
        context.close()
    for name, standard in sizes[False].items():
        assert sizes[True][name] >= 1.5 * standard - 0.5, (name, sizes)
    assert sizes[False]["checkbox"] >= 24


def test_english_pages_fit_a_320px_phone_in_large_text(browser, live_server, public_paths):
    # English words are longer than Chinese ones and break only where allowed.
    sample = [p for p in public_paths if "?" not in p][:60]
    offenders = overflowing(browser, live_server, sample, width=320, large=True, lang="en")
    assert offenders == [], "\n".join(offenders)
