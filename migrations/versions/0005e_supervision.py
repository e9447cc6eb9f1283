"""supervision, post-evaluation and statistics (issue 7)

Revision ID: 0005e
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005e were developed side by side and are joined by 0006.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from portal.models.types import UTCDateTime  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0005e'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
