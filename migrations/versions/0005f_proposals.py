"""public proposals of new decision items (issue 4)

Revision ID: 0005f
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005f were developed side by side and are joined by 0006.
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0005f'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('government_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('catalog_year', sa.Integer(), nullable=True),
    sa.Column('receipt_code', sa.String(length=16), nullable=False),
    sa.Column('proposer_type', sa.String(length=30), nullable=False),
    sa.Column('proposer_name', sa.String(length=100), nullable=False),
    sa.Column('publish_name_consent', sa.Boolean(), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consented_at', UTCDateTime(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('reply_due_at', UTCDateTime(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.Column('studying_unit_id', sa.Integer(), nullable=True),
    sa.Column('routing_note', sa.Text(), nullable=False),
    sa.Column('routed_at', UTCDateTime(), nullable=True),
    sa.Column('routed_by_id', sa.Integer(), nullable=True),
    sa.Column('study_started_at', UTCDateTime(), nullable=True),
    sa.Column('study_conclusion', sa.Text(), nullable=False),
    sa.Column('studied_at', UTCDateTime(), nullable=True),
    sa.Column('studied_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('contacts_purged_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_proposals_answered_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_proposals_decision_id_decisions')),
    sa.ForeignKeyConstraint(['government_id'], ['governments.id'], name=op.f('fk_proposals_government_id_governments')),
    sa.ForeignKeyConstraint(['routed_by_id'], ['users.id'], name=op.f('fk_proposals_routed_by_id_users')),
    sa.ForeignKeyConstraint(['studied_by_id'], ['users.id'], name=op.f('fk_proposals_studied_by_id_users')),
    sa.ForeignKeyConstraint(['studying_unit_id'], ['departments.id'], name=op.f('fk_proposals_studying_unit_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_proposals_idempotency_key')),
    sa.UniqueConstraint('receipt_code', name=op.f('uq_proposals_receipt_code'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_proposals_duplicate', ['content_hash', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_government_id'), ['government_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_reply_due_at'), ['reply_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_studying_unit_id'), ['studying_unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_studying_unit_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_proposals_reply_due_at'))
        batch_op.drop_index(batch_op.f('ix_proposals_government_id'))
        batch_op.drop_index('ix_proposals_duplicate')
        batch_op.drop_index(batch_op.f('ix_proposals_decision_id'))

    op.drop_table('proposals')
