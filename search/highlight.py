"""Snippets with the matched words marked, built from the stored text without re-analysing it.

Re-running jieba over a 10,000-character draft for every hit would cost more than the search;
the words of the query are plain substrings, so a regular expression finds them. Everything but
the ``<mark>`` tags is HTML-escaped here: the result is safe to render as markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

WINDOW = 160
BEFORE = 40


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def snippet(text: str, terms: list[str], window: int = WINDOW) -> Markup:
    text = " ".join((text or "").split())
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern else None
    if match is None:
        cut = text[:window]
        return Markup(  # noqa: S704 - every piece was escaped above
            escape(cut) + ("…" if len(text) > window else "")
        )
    start = max(0, match.start() - BEFORE)
    end = min(len(text), start + window)
    piece = text[start:end]
    out = ["…" if start > 0 else ""]
    pos = 0
    for m in pattern.finditer(piece):
        out.append(str(escape(piece[pos : m.start()])))
        out.append("<mark>" + str(escape(m.group(0))) + "</mark>")
        pos = m.end()
    out.append(str(escape(piece[pos:])))
    if end < len(text):
        out.append("…")
    return Markup(  # noqa: S704 - every piece was escaped above
        "".join(out).replace("</mark><mark>", "")
    )


def mark(text: str, terms: list[str]) -> Markup:
    """The whole (short) text with the words marked: titles."""
    pattern = _pattern(terms)
    if pattern is None:
        return Markup(  # noqa: S704 - every piece was escaped above
            escape(text)
        )
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        out.append("<mark>" + str(escape(m.group(0))) + "</mark>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup(  # noqa: S704 - every piece was escaped above
        "".join(out).replace("</mark><mark>", "")
    )
