"""answers drafted, previewed and released together (issue 12, branch d)

Revision ID: 0010d
Revises: 0009
Create Date: 2026-12-06 12:00:00

Branch revision: the 0010 branches of issue 12 are joined by a merge revision.

- opinions: an answer is first saved as a draft (``draft_adoption``, ``draft_response``,
  ``draft_theme``, ``draft_correction``, ``drafted_at``, ``drafted_by_id``), which is never
  public; releasing copies it into the public answer (``adoption``, ``response``, ``theme``),
  stamps ``answered_at`` and records who signed it off (``released_by_id``). Existing answers
  stay as they are: they count as released (no draft).
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0010d'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_adoption', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('draft_response', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('draft_theme', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('draft_correction', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('drafted_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('drafted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('released_by_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_opinions_drafts', ['decision_id', 'drafted_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_opinions_drafted_by_id_users'), 'users', ['drafted_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_opinions_released_by_id_users'), 'users', ['released_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opinions_released_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_opinions_drafted_by_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_opinions_drafts')
        batch_op.drop_column('released_by_id')
        batch_op.drop_column('drafted_by_id')
        batch_op.drop_column('drafted_at')
        batch_op.drop_column('draft_correction')
        batch_op.drop_column('draft_theme')
        batch_op.drop_column('draft_response')
        batch_op.drop_column('draft_adoption')
