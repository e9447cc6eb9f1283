"""hearings and symposiums (issue 5)

Revision ID: 0005a
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005f were developed side by side and are joined by 0006.
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0005a'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hearings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('starts_at', UTCDateTime(), nullable=False),
    sa.Column('ends_at', UTCDateTime(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('selection_method', sa.String(length=20), nullable=False),
    sa.Column('selection_rules', sa.Text(), nullable=False),
    sa.Column('registration_method', sa.Text(), nullable=False),
    sa.Column('contact_info', sa.Text(), nullable=False),
    sa.Column('other_matters', sa.Text(), nullable=False),
    sa.Column('registration_opens_at', UTCDateTime(), nullable=True),
    sa.Column('registration_closes_at', UTCDateTime(), nullable=True),
    sa.Column('requires_id_number', sa.Boolean(), nullable=False),
    sa.Column('held_publicly', sa.Boolean(), nullable=False),
    sa.Column('materials_note', sa.Text(), nullable=False),
    sa.Column('draw_seed', sa.String(length=64), nullable=False),
    sa.Column('draw_commitment', sa.String(length=64), nullable=False),
    sa.Column('draw_seats', sa.Integer(), nullable=False),
    sa.Column('registration_seq', sa.Integer(), nullable=False),
    sa.Column('confirmed_count', sa.Integer(), nullable=False),
    sa.Column('announced_at', UTCDateTime(), nullable=True),
    sa.Column('selected_at', UTCDateTime(), nullable=True),
    sa.Column('list_published_at', UTCDateTime(), nullable=True),
    sa.Column('held_at', UTCDateTime(), nullable=True),
    sa.Column('record_text', sa.Text(), nullable=False),
    sa.Column('record_ready_at', UTCDateTime(), nullable=True),
    sa.Column('report_basic_info', sa.Text(), nullable=False),
    sa.Column('report_main_opinions', sa.Text(), nullable=False),
    sa.Column('report_other', sa.Text(), nullable=False),
    sa.Column('report_published_at', UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['participation_activities.id'], name=op.f('fk_hearings_activity_id_participation_activities')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_hearings_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearings')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_hearings_activity_id'))
    )
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearings_announced_at'), ['announced_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_decision_id'), ['decision_id'], unique=False)

    op.create_table('hearing_sides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_hearing_sides_hearing_id_hearings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_sides')),
    sa.UniqueConstraint('hearing_id', 'name', name=op.f('uq_hearing_sides_hearing_id_name'))
    )
    with op.batch_alter_table('hearing_sides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_sides_hearing_id'), ['hearing_id'], unique=False)

    op.create_table('hearing_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('side_id', sa.Integer(), nullable=True),
    sa.Column('receipt_code', sa.String(length=16), nullable=False),
    sa.Column('checkin_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('public_code', sa.String(length=12), nullable=False),
    sa.Column('publish_name_consent', sa.Boolean(), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('draw_selected', sa.Boolean(), nullable=True),
    sa.Column('invited', sa.Boolean(), nullable=False),
    sa.Column('invitation_reason', sa.Text(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', UTCDateTime(), nullable=False),
    sa.Column('status_changed_at', UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', UTCDateTime(), nullable=True),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consented_at', UTCDateTime(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('active_contact_key', sa.String(length=64), nullable=True),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.Column('materials_delivered_at', UTCDateTime(), nullable=True),
    sa.Column('materials_method', sa.String(length=20), nullable=True),
    sa.Column('checked_in_at', UTCDateTime(), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('record_confirmation', sa.String(length=20), nullable=True),
    sa.Column('record_confirmed_at', UTCDateTime(), nullable=True),
    sa.Column('record_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_hearing_registrations_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_hearing_registrations_hearing_id_hearings')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_hearing_registrations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['side_id'], ['hearing_sides.id'], name=op.f('fk_hearing_registrations_side_id_hearing_sides')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_registrations')),
    sa.UniqueConstraint('checkin_code', name=op.f('uq_hearing_registrations_checkin_code')),
    sa.UniqueConstraint('hearing_id', 'active_contact_key', name=op.f('uq_hearing_registrations_hearing_id_active_contact_key')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_hearing_registrations_idempotency_key')),
    sa.UniqueConstraint('public_code', name=op.f('uq_hearing_registrations_public_code')),
    sa.UniqueConstraint('receipt_code', name=op.f('uq_hearing_registrations_receipt_code'))
    )
    with op.batch_alter_table('hearing_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_hearing_registrations_duplicate', ['content_hash', 'registered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearing_registrations_hearing_id'), ['hearing_id'], unique=False)
        batch_op.create_index('ix_hearing_registrations_queue', ['hearing_id', 'status', 'rank'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearing_registrations_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('hearing_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_registrations_status'))
        batch_op.drop_index('ix_hearing_registrations_queue')
        batch_op.drop_index(batch_op.f('ix_hearing_registrations_hearing_id'))
        batch_op.drop_index('ix_hearing_registrations_duplicate')

    op.drop_table('hearing_registrations')
    with op.batch_alter_table('hearing_sides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_sides_hearing_id'))

    op.drop_table('hearing_sides')
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearings_decision_id'))
        batch_op.drop_index(batch_op.f('ix_hearings_announced_at'))

    op.drop_table('hearings')
