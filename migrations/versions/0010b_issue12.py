"""issue 12, branch b: notifications (language, opt-out) and following a decision by e-mail

Revision ID: 0010b
Revises: 0009
Create Date: 2026-12-06 07:00:00

Branch revision: 0010a-0010e are developed side by side and joined by a merge revision.
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0010b'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('opinions', 'hearing_registrations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='zh_CN', nullable=False))
            batch_op.add_column(sa.Column('mail_opt_out_at', UTCDateTime(), nullable=True))
    op.create_table('decision_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('requested_at', UTCDateTime(), nullable=False),
    sa.Column('confirmation_sent_at', UTCDateTime(), nullable=True),
    sa.Column('confirmed_at', UTCDateTime(), nullable=True),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('decision_id', 'email_hash')
    )
    with op.batch_alter_table('decision_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_follows_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_follows_confirmed_at'), ['confirmed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('decision_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_follows_confirmed_at'))
        batch_op.drop_index(batch_op.f('ix_decision_follows_decision_id'))
    op.drop_table('decision_follows')
    for table in ('hearing_registrations', 'opinions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('mail_opt_out_at')
            batch_op.drop_column('language')
