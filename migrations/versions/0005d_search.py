"""search and feeds (issue 6)

Revision ID: 0005d
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005f were developed side by side and are joined by 0006.

The ``search_documents`` table of the PostgreSQL search backend (search/models.py). It is
created on every database; on PostgreSQL it also gets a GIN index over its tokens (no
extension needed: ``array_to_tsvector`` is built in).
"""

import sqlalchemy as sa
from alembic import op

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0005d"
down_revision = "0004"
branch_labels = None
depends_on = None

GIN = "ix_search_documents_terms"
GIN_TITLE = "ix_search_documents_title_terms"


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_key", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("obj_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("gov", sa.String(length=40), nullable=False),
        sa.Column("year", sa.String(length=4), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("date", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("doc_key", name=op.f("uq_search_documents_doc_key")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_scope", ["kind", "decision_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX {GIN} ON search_documents "
            "USING gin (array_to_tsvector(string_to_array(terms, ' ')))"
        )
        op.execute(
            f"CREATE INDEX {GIN_TITLE} ON search_documents "
            "USING gin (array_to_tsvector(string_to_array(title_terms, ' ')))"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {GIN_TITLE}")
        op.execute(f"DROP INDEX IF EXISTS {GIN}")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_scope")
    op.drop_table("search_documents")
