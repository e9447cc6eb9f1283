"""join the 0010a, 0010b and 0010d branches of issue 12

Revision ID: 0011
Revises: 0010a, 0010b, 0010d
Create Date: 2026-12-06 08:00:00

"""

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = ('0010a', '0010b', '0010d')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
