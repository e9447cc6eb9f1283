"""The index schema: one document per public item."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from search.analyzers import ChineseAnalyzer


def build_schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),  # "<type>:<id>"
        type=ID(stored=True),
        obj_id=NUMERIC(stored=True),
        gov=ID(stored=True),
        year=NUMERIC(stored=True),
        stage=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=3.0),
        body=TEXT(analyzer=analyzer, stored=True),
        url=STORED(),
        date=DATETIME(stored=True, sortable=True),
    )
