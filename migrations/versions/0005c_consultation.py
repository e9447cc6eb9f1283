"""consultation extras: proposals, answer templates (issue 4)

Revision ID: 0005c
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005f were developed side by side and are joined by 0006.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from portal.models.types import UTCDateTime  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0005c'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'answer_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('government_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('adoption', sa.String(length=30), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_answer_templates_created_by_id_users')),
        sa.ForeignKeyConstraint(['government_id'], ['governments.id'], name=op.f('fk_answer_templates_government_id_governments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_templates')),
    )
    with op.batch_alter_table('answer_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_templates_government_id'), ['government_id'], unique=False)

    op.create_table(
        'opinion_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('published_at', UTCDateTime(), nullable=True),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_opinion_reports_decision_id_decisions')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_opinion_reports_published_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion_reports')),
        sa.UniqueConstraint('decision_id', name=op.f('uq_opinion_reports_decision_id')),
    )

    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contacts_purged_at', UTCDateTime(), nullable=True))
        batch_op.create_index('ix_opinions_public', ['decision_id', 'status', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_opinions_report', ['decision_id', 'status', 'adoption', 'theme', 'clause'], unique=False)


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_index('ix_opinions_report')
        batch_op.drop_index('ix_opinions_public')
        batch_op.drop_column('contacts_purged_at')
        batch_op.drop_column('theme')
    op.drop_table('opinion_reports')
    with op.batch_alter_table('answer_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_templates_government_id'))
    op.drop_table('answer_templates')
