"""The table of search documents used by the PostgreSQL search backend.

The table exists on every database (one schema everywhere), but only the PostgreSQL backend
(``PORTAL_SEARCH_BACKEND=postgres``) fills and reads it: several web hosts then share one index.
``terms`` holds the analyser's tokens (jieba search mode), space-separated; on PostgreSQL the
migration adds a GIN index on ``array_to_tsvector(string_to_array(terms, ' '))``.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (sa.Index("ix_search_documents_scope", "kind", "decision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(sa.String(60), unique=True)  # "<kind>:<id>"
    kind: Mapped[str] = mapped_column(sa.String(20))
    obj_id: Mapped[int]
    decision_id: Mapped[int] = mapped_column(default=0)
    gov: Mapped[str] = mapped_column(sa.String(40), default="")
    year: Mapped[str] = mapped_column(sa.String(4), default="")
    stage: Mapped[str] = mapped_column(sa.String(30), default="")
    title: Mapped[str] = mapped_column(sa.Text, default="")
    heading: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    terms: Mapped[str] = mapped_column(sa.Text, default="")
    title_terms: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(300), default="")
    date: Mapped[datetime] = mapped_column(UTCDateTime())


GIN_INDEXES = (
    ("ix_search_documents_terms", "terms"),
    ("ix_search_documents_title_terms", "title_terms"),
)
_declared = False


def declare_postgres_indexes(database_uri: str) -> None:
    """Add the PostgreSQL-only GIN indexes (created by migration 0005d) to the metadata when
    the app runs on PostgreSQL, so the models and the migrations describe the same schema
    there; other databases have no such index (and no such function)."""
    global _declared
    if _declared or not database_uri.startswith("postgresql"):
        return
    table = SearchDocument.__table__
    for name, column in GIN_INDEXES:
        sa.Index(
            name,
            sa.func.array_to_tsvector(sa.func.string_to_array(table.c[column], sa.literal(" "))),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql")  # another app on SQLite in the same process skips it
    _declared = True
