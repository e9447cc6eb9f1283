"""join the 0008a-0008e branches of issue 11

Revision ID: 0009
Revises: 0008a, 0008b, 0008c, 0008d, 0008e
Create Date: 2026-12-06 10:00:00

"""

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = ('0008a', '0008b', '0008c', '0008d', '0008e')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
