"""Rule IDs and how they are cited to staff.

An ID is ``PREFIX-<article><letter>`` (``PROC-17b``). Staff see it as
《赤峰市重大行政决策程序规定》第十七条 (PROC-17b) in Chinese and
"Procedure Rules, Art. 17 (PROC-17b)" in English.
"""

from __future__ import annotations

import re

DOCUMENTS: dict[str, tuple[str, str]] = {
    "PROC": ("赤峰市重大行政决策程序规定", "Procedure Rules"),
    "CAT": ("赤峰市重大行政决策目录管理办法", "Catalog Management Measures"),
    "PART": ("赤峰市重大行政决策公众参与工作规则", "Public Participation Work Rules"),
    "EXP": ("赤峰市重大行政决策咨询论证专家库管理办法", "Expert Pool Management Measures"),
    "RISK": ("赤峰市重大行政决策风险评估工作规则", "Risk Assessment Work Rules"),
    "SUP": ("赤峰市重大行政决策督查工作规则", "Supervision Work Rules"),
    "EVAL": ("赤峰市重大行政决策后评估工作规则", "Post-Evaluation Work Rules"),
}

_ID = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<article>[0-9]+)(?P<letter>[a-z]?)$", re.ASCII)
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as used for article numbers (十七, 二十九, 五十)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def parse(rule_id: str) -> tuple[str, int, str]:
    m = _ID.match(rule_id)
    if not m or m["prefix"] not in DOCUMENTS:
        raise ValueError(f"not a rule ID: {rule_id!r}")
    return m["prefix"], int(m["article"]), m["letter"]


def cite(rule_id: str, lang: str = "zh") -> str:
    """The citation shown to staff next to a rule ID."""
    if rule_id.startswith("A") and rule_id[1:].isdigit():  # rules.md section 10 defaults
        return rule_id
    prefix, article, _ = parse(rule_id)
    zh, en = DOCUMENTS[prefix]
    if lang.startswith("zh"):
        return f"《{zh}》第{chinese_number(article)}条 ({rule_id})"
    return f"{en}, Art. {article} ({rule_id})"
