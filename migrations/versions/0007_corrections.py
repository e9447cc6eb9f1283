"""records that lock: corrections, flag requests, unit review results, PROC-8a, PROC-45c (issue 11)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=40), nullable=False),
    sa.Column('record_type', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_decision_id'), ['decision_id'], unique=False)

    op.create_table('flag_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Boolean(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flag_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_requests_decision_id'), ['decision_id'], unique=False)

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal_legal_review_result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('internal_discussion_result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('npc_report_required', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('npc_reported_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('npc_report_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('adjusts_decision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_decisions_adjusts_decision_id', 'decisions', ['adjusts_decision_id'], ['id'])
    # PROC-28a: a recorded unit review or discussion so far meant "passed"
    op.execute("UPDATE decisions SET internal_legal_review_result = 'passed' "
               "WHERE internal_legal_review_on IS NOT NULL")
    op.execute("UPDATE decisions SET internal_discussion_result = 'passed' "
               "WHERE internal_discussion_on IS NOT NULL")


def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_decisions_adjusts_decision_id', type_='foreignkey')
        batch_op.drop_column('adjusts_decision_id')
        batch_op.drop_column('npc_report_ref')
        batch_op.drop_column('npc_reported_on')
        batch_op.drop_column('npc_report_required')
        batch_op.drop_column('internal_discussion_result')
        batch_op.drop_column('internal_legal_review_result')
    with op.batch_alter_table('flag_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_requests_decision_id'))
    op.drop_table('flag_requests')
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_decision_id'))
    op.drop_table('corrections')
