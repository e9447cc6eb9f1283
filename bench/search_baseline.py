"""The baseline of the search benchmark: the plain design a first implementation would use.

One Whoosh index of everything, the jieba analyzer (search mode, as jieba's documentation
shows it, with Whoosh's lower-case filter), Whoosh's default field settings (positions stored)
and one writer. Kept importable so the index's pickled schema can be opened again.
"""

from __future__ import annotations

import jieba
from whoosh.analysis import LowercaseFilter, Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema


class BaselineTokenizer(Tokenizer):
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
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in jieba.tokenize(value, mode="search"):
            word = word.strip()
            if not word or not any(c.isalnum() for c in word):
                continue
            t.original = t.text = word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def baseline_schema() -> Schema:
    analyzer = BaselineTokenizer() | LowercaseFilter()
    return Schema(
        key=ID(stored=True, unique=True),
        type=ID(stored=True),
        obj_id=NUMERIC(stored=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=3.0),
        body=TEXT(analyzer=analyzer, stored=True),
        url=STORED(),
    )
