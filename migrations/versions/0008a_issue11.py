"""legality review: the day a submission was returned (PROC-29c, A13; issue 11, branch a)

Revision ID: 0008a
Revises: 0007
Create Date: 2026-12-06 10:00:00

Branch revision: 0008a-0008e were developed side by side and are joined by 0009.

A return (退回) ends a round of the legality review; its date bounds the next submission, so
that a resubmission cannot be backdated into the earlier round (PROC-31a, A13).
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0008a'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('legality_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('legality_reviews', schema=None) as batch_op:
        batch_op.drop_column('returned_on')
