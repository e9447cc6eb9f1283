"""Punctuation that follows the page's language (issue 12).

English text never carries full-width punctuation and Chinese text never carries half-width:
a label followed by its value reads 截止时间：… in Chinese and "Closes: …" in English, and an
aside reads （…） in Chinese and " (…)" in English. Templates use ``{{ colon() }}`` and
``{{ paren(text) }}`` instead of writing ``：`` or ``（）`` next to a translated string.
"""

from __future__ import annotations

from markupsafe import Markup

from portal.i18n import is_zh
from portal.public import bp


@bp.app_template_global()
def colon() -> str:
    """The colon after a label: full-width in Chinese, ": " in English."""
    return "：" if is_zh() else ": "


@bp.app_template_global()
def paren(text) -> Markup:
    """An aside in brackets: （…） in Chinese, " (…)" in English (the text is escaped)."""
    if is_zh():
        return Markup("（{}）").format(text)
    return Markup(" ({})").format(text)
