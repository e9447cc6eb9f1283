"""The index schema: one document per public item; one index per kind (see search.sources)."""

from __future__ import annotations

from datetime import datetime

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from search.analyzers import ChineseAnalyzer

EPOCH = datetime(1970, 1, 1)

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
        # Only what is queried is indexed (every indexed term costs at reindex time): one index
        # per kind makes ``type`` a stored value, and ids are never searched for.
        key=ID(stored=True, unique=True),  # "<type>:<id>"
        type=STORED(),
        obj_id=STORED(),
        decision_id=ID(stored=True),  # str: scope deletes by term
        gov=ID(stored=True),
        year=ID(stored=True),
        stage=ID(stored=True),
        # No positions: queries are terms, snippets are found in the stored text.
        title=TEXT(analyzer=analyzer, stored=True, field_boost=3.0, phrase=False),
        heading=STORED(),
        body=TEXT(analyzer=analyzer, stored=True, phrase=False),
        url=STORED(),
        date=STORED(),
        # Sorting by date reads a column (seconds since 1970), nothing is indexed for it.
        date_sort=COLUMN(NumericColumn("q")),
    )


def whoosh_fields(doc: dict) -> dict:
    fields = {name: doc[name] for name in FIELDS}
    fields["decision_id"] = str(doc.get("decision_id") or 0)
    fields["year"] = str(doc.get("year") or "")
    date = doc.get("date")
    fields["date_sort"] = int((date - EPOCH).total_seconds()) if date else 0
    return fields
