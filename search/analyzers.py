"""A Chinese analyzer for Whoosh built on jieba's search-mode segmentation.

Search mode also emits the shorter words inside a long word, so 听证 finds 听证会 and 公众参与
finds 公众参与工作规则. Latin text is lower-cased; punctuation and whitespace are dropped.
"""

from __future__ import annotations

import logging
import os
import threading
import unicodedata

import jieba
from whoosh.analysis import LowercaseFilter, StopFilter, Token, Tokenizer

_init_lock = threading.Lock()
_ready = False

STOP_WORDS = frozenset(
    "的 了 和 与 及 或 在 是 对 等 为 把 被 将 于 之 其 以 由 从 向 也 都 就 而 并 且".split()
)


def init_jieba(cache_dir: str | None = None) -> None:
    """Load jieba's dictionary once per process, caching it in the instance folder."""
    global _ready
    with _init_lock:
        if _ready:
            return
        jieba.setLogLevel(logging.WARNING)
        if cache_dir:
            os.makedirs(cache_dir, exist_ok=True)
            jieba.dt.tmp_dir = cache_dir
        jieba.initialize()
        _ready = True


def _is_word(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


class ChineseTokenizer(Tokenizer):
    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        init_jieba()
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in jieba.tokenize(value, mode="search"):
            word = word.strip()
            if not word or not _is_word(word):
                continue
            token.original = token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def ChineseAnalyzer():  # Whoosh's naming convention for analyzers
    return ChineseTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)
