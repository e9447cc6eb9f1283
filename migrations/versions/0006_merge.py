"""join the 0005a-0005f branches

Revision ID: 0006
Revises: 0005a, 0005b, 0005c, 0005d, 0005e, 0005f
Create Date: 2026-11-26 22:00:00

"""

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = ('0005a', '0005b', '0005c', '0005d', '0005e', '0005f')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
