"""A Chinese analyzer for Whoosh built on jieba's search-mode segmentation.

Search mode also emits the shorter words inside a long word, so 听证 finds 听证会 and 公众参与
finds 公众参与工作规则. Latin text is lower-cased; punctuation and whitespace are dropped.
HMM new-word discovery is off, at indexing and in queries alike: a word jieba does not know is
cut into the same pieces on both sides (and indexing is faster).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading

import jieba
from whoosh.analysis import Token, Tokenizer

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


_WORD = re.compile(r"[^\W_]")  # a letter or a digit, in any script


def _is_word(text: str) -> bool:
    return _WORD.search(text) is not None


def _normalise(word: str) -> str | None:
    """The index term of one jieba word, or None for punctuation, spaces and stop words."""
    word = word.strip().lower()
    if not word or word in STOP_WORDS or not _is_word(word):
        return None
    return word


# Each distinct jieba word is normalised once per process (the vocabulary is bounded).
_NORMS: dict[str, str | None] = {}
_NORMS_MAX = 500_000
_UNKNOWN = object()


class ChineseTokenizer(Tokenizer):
    """jieba search-mode words, lower-cased, without punctuation and stop words, in one pass
    (a chain of filters costs a generator step per token, and indexing runs over millions)."""

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
        if not _ready:
            init_jieba()
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        if chars:  # offsets wanted (Whoosh's own highlighter): the slower tokenize()
            words = (
                (w, start_char + a, start_char + b)
                for w, a, b in jieba.tokenize(value, mode="search", HMM=False)
            )
        else:
            words = ((w, 0, 0) for w in jieba.cut_for_search(value, HMM=False))
        norms = _NORMS
        for raw, start, end in words:
            word = norms.get(raw, _UNKNOWN)
            if word is _UNKNOWN:
                word = _normalise(raw)
                if len(norms) < _NORMS_MAX:
                    norms[raw] = word
            if word is None:
                continue
            token.original = token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start
                token.endchar = end
            yield token


def ChineseAnalyzer():  # Whoosh's naming convention for analyzers
    return ChineseTokenizer()


MAX_QUERY_WORDS = 12  # a pasted sentence of 25 characters has about as many


def query_words(text: str) -> list[str]:
    """The words of a (cleaned) query: jieba's precise segmentation, lower-cased, without stop
    words and duplicates. Indexing used search mode, which also emits every dictionary word
    inside a longer one, so each of these words is a single index term when it occurs."""
    init_jieba()
    words: list[str] = []
    for word in jieba.cut(text, HMM=False):
        word = word.strip().lower()
        if word and _is_word(word) and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def sub_words(word: str) -> list[str]:
    """The shorter words inside ``word`` (search mode), for a word the index does not know."""
    return list(_sub_words(word))


@functools.lru_cache(maxsize=8192)
def _sub_words(word: str) -> tuple[str, ...]:
    init_jieba()
    out: list[str] = []
    for w in jieba.cut_for_search(word, HMM=False):
        w = w.strip().lower()
        if w and w != word and _is_word(w) and w not in STOP_WORDS and w not in out:
            out.append(w)
    return tuple(out)
