"""issue 11, branch a (see the merge 0009)

Revision ID: 0008a
Revises: 0007
Create Date: 2026-12-06 10:00:00

Branch revision: 0008a-0008e were developed side by side and are joined by 0009.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from portal.models.types import UTCDateTime  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0008a'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
