"""issue 11, branch b: extensions of an open comment window (PROC-17b) (see the merge 0009)

Revision ID: 0008b
Revises: 0007
Create Date: 2026-12-06 10:00:00

Branch revision: 0008a-0008e were developed side by side and are joined by 0009.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from portal.models.types import UTCDateTime  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0008b'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('previous_closes_at', UTCDateTime(), nullable=False),
    sa.Column('closes_at', UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('extended_at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consultation_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_extensions_consultation_id'), ['consultation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consultation_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_extensions_consultation_id'))

    op.drop_table('consultation_extensions')
