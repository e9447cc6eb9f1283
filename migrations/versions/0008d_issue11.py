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


def downgrade():
    op.drop_table('workday_years')
