"""issue 11, branch d: calendar years marked complete (A1), deputy heads' catalog reviews (CAT-12a)

Revision ID: 0008d
Revises: 0007
Create Date: 2026-12-06 10:00:00

Branch revision: 0008a-0008e were developed side by side and are joined by 0009.
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0008d'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workday_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('notice_ref', sa.String(length=200), server_default='', nullable=False),
    sa.Column('completed_at', UTCDateTime(), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('reopened_at', UTCDateTime(), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year')
    )

    # CAT-12a: the deputy head in charge of each entry, and one review per deputy head
    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deputy_head', sa.String(length=60), server_default='', nullable=False))

    op.create_table('catalog_deputy_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_id', sa.Integer(), nullable=False),
    sa.Column('deputy_head', sa.String(length=60), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('items_changed', sa.Text(), server_default='', nullable=False),
    sa.Column('office_study', sa.Text(), server_default='', nullable=False),
    sa.Column('studied_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['catalog_id'], ['catalogs.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('catalog_deputy_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_deputy_reviews_catalog_id'), ['catalog_id'], unique=False)

    # The one review recorded for all deputy heads before: kept, without a name (it no longer
    # satisfies CAT-12a on its own: each deputy head in charge reviews).
    catalogs = sa.table(
        'catalogs',
        sa.column('id', sa.Integer()),
        sa.column('deputy_head_reviewed_on', sa.Date()),
        sa.column('deputy_head_opinion', sa.Text()),
    )
    reviews = sa.table(
        'catalog_deputy_reviews',
        sa.column('catalog_id', sa.Integer()),
        sa.column('deputy_head', sa.String()),
        sa.column('reviewed_on', sa.Date()),
        sa.column('opinion', sa.Text()),
    )
    op.execute(
        reviews.insert().from_select(
            ['catalog_id', 'deputy_head', 'reviewed_on', 'opinion'],
            sa.select(
                catalogs.c.id,
                sa.literal(''),
                catalogs.c.deputy_head_reviewed_on,
                catalogs.c.deputy_head_opinion,
            ).where(catalogs.c.deputy_head_reviewed_on.is_not(None)),
        )
    )


def downgrade():
    with op.batch_alter_table('catalog_deputy_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_deputy_reviews_catalog_id'))
    op.drop_table('catalog_deputy_reviews')
    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.drop_column('deputy_head')
    op.drop_table('workday_years')
