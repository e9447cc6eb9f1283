"""the document number (文号) of a published decision (issue 12, branch a)

Revision ID: 0010a
Revises: 0009
Create Date: 2026-12-06 07:00:00

Branch revision: 0010a-0010e are developed side by side and joined by a later merge revision.

- decisions: ``document_number``, the 文号 under which the decision was issued (e.g.
  赤政发〔2026〕12号), recorded with the publication (PROC-37a) and shown on the dossier.
"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010a'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.add_column(
            sa.Column('document_number', sa.String(length=100), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.drop_column('document_number')
