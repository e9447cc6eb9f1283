"""The index schema: one document per public item; one index per kind (see search.sources)."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from search.analyzers import ChineseAnalyzer

# The fields every source fills (search.sources.Doc).
FIELDS = (
    "key",
    "type",
    "obj_id",
    "decision_id",
    "gov",
    "year",
    "stage",
    "title",
    "heading",
    "body",
    "url",
    "date",
)


def build_schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),  # "<type>:<id>"
        type=ID(stored=True),
        obj_id=NUMERIC(stored=True),
        decision_id=ID(stored=True),  # str: scope deletes by term
        gov=ID(stored=True),
        year=ID(stored=True),
        stage=ID(stored=True),
        # No positions: queries are terms, snippets are found in the stored text.
        title=TEXT(analyzer=analyzer, stored=True, field_boost=3.0, phrase=False),
        heading=STORED(),
        body=TEXT(analyzer=analyzer, stored=True, phrase=False),
        url=STORED(),
        date=DATETIME(stored=True, sortable=True),
    )


def whoosh_fields(doc: dict) -> dict:
    fields = {name: doc[name] for name in FIELDS}
    fields["decision_id"] = str(doc.get("decision_id") or 0)
    fields["year"] = str(doc.get("year") or "")
    return fields
