"""annual catalog workflow and expert pool (issue 7)

Revision ID: 0005b
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005f were developed side by side and are joined by 0006.
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0005b'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # -- the annual catalog workflow (CAT) ---------------------------------------------------
    op.create_table('catalog_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('schedule', sa.String(length=100), nullable=False),
    sa.Column('planned_start_on', sa.Date(), nullable=True),
    sa.Column('planned_decision_on', sa.Date(), nullable=True),
    sa.Column('legality_review_passed', sa.Boolean(), nullable=False),
    sa.Column('legality_review_on', sa.Date(), nullable=True),
    sa.Column('legality_review_ref', sa.String(length=100), nullable=False),
    sa.Column('scope_confirmed', sa.Boolean(), nullable=False),
    sa.Column('npc_cppcc_ref', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('office_note', sa.Text(), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['catalog_id'], ['catalogs.id'], name=op.f('fk_catalog_submissions_catalog_id_catalogs')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_catalog_submissions_department_id_departments')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_catalog_submissions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_submissions'))
    )
    with op.batch_alter_table('catalog_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_submissions_catalog_id'), ['catalog_id'], unique=False)

    with op.batch_alter_table('catalogs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase', sa.String(length=30), nullable=False, server_default='solicitation'))
        batch_op.add_column(sa.Column('solicited_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('solicitation_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('solicitation_recipients', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('submissions_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('submissions_closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('public_suggestions_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('office_review_notes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('deputy_head_reviewed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('deputy_head_opinion', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('executive_meeting_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('executive_meeting_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('party_consent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('party_consent_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('issue_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('published_snapshot', sa.Text(), nullable=False, server_default=''))
    # Catalogs published before the workflow existed are in the phase of their status.
    op.execute("UPDATE catalogs SET phase = status WHERE status IN ('published', 'filed')")

    with op.batch_alter_table('catalog_adjustments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='add'))
        batch_op.add_column(sa.Column('entry_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('study_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('approval_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('party_consent_ref', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('filing_reference', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('proposal', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('previous', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('snapshot', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_at', UTCDateTime(), nullable=True))

    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=30), nullable=False, server_default='dept_submission'))
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('planned_start_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('planned_decision_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('dept_legality_review_passed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('submission_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_catalog_entries_submission_id_catalog_submissions'), 'catalog_submissions', ['submission_id'], ['id'])

    # -- the expert pool (EXP) -------------------------------------------------------------------
    op.create_table('expert_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('seeded', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_expert_groups_code'))
    )
    op.create_table('expert_pool_settings',
    sa.Column('government_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['government_id'], ['governments.id'], name=op.f('fk_expert_pool_settings_government_id_governments')),
    sa.PrimaryKeyConstraint('government_id', name=op.f('pk_expert_pool_settings'))
    )
    op.create_table('experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('government_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('source_org_type', sa.String(length=40), nullable=False),
    sa.Column('nomination_channel', sa.String(length=40), nullable=False),
    sa.Column('professional_title', sa.String(length=100), nullable=False),
    sa.Column('title_level', sa.String(length=10), nullable=True),
    sa.Column('influence_justification', sa.Text(), nullable=False),
    sa.Column('specialty', sa.Text(), nullable=False),
    sa.Column('qualifications', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('preliminary_reviewed_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approval_ref', sa.String(length=100), nullable=False),
    sa.Column('certificate_no', sa.String(length=60), nullable=False),
    sa.Column('certificate_on', sa.Date(), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('pledge_signed_on', sa.Date(), nullable=True),
    sa.Column('disqualified', sa.Boolean(), nullable=False),
    sa.Column('dismissed_on', sa.Date(), nullable=True),
    sa.Column('dismissal_reason', sa.String(length=40), nullable=True),
    sa.Column('dismissal_note', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['government_id'], ['governments.id'], name=op.f('fk_experts_government_id_governments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experts'))
    )
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experts_government_id'), ['government_id'], unique=False)

    op.create_table('expert_group_members',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_group_members_expert_id_experts')),
    sa.ForeignKeyConstraint(['group_id'], ['expert_groups.id'], name=op.f('fk_expert_group_members_group_id_expert_groups')),
    sa.PrimaryKeyConstraint('expert_id', 'group_id', name=op.f('pk_expert_group_members'))
    )
    op.create_table('expert_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_expert_conflicts_decision_id_decisions')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_expert_conflicts_department_id_departments')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_conflicts_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_conflicts'))
    )
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_conflicts_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_expert_feedback_decision_id_decisions')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_expert_feedback_department_id_departments')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_feedback_expert_id_experts')),
    sa.ForeignKeyConstraint(['given_by_id'], ['users.id'], name=op.f('fk_expert_feedback_given_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_feedback'))
    )
    with op.batch_alter_table('expert_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_feedback_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_expert_assessments_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_assessments_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_assessments')),
    sa.UniqueConstraint('expert_id', 'year', name=op.f('uq_expert_assessments_expert_id_year'))
    )
    with op.batch_alter_table('expert_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_assessments_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('group_codes', sa.String(length=400), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('complex_item', sa.Boolean(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('candidate_ids', sa.Text(), nullable=False),
    sa.Column('excluded', sa.Text(), nullable=False),
    sa.Column('chosen_ids', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_expert_selections_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_expert_selections_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_selections'))
    )
    with op.batch_alter_table('expert_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_selections_decision_id'), ['decision_id'], unique=False)

    op.create_table('expert_selection_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('selection_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['expert_assignments.id'], name=op.f('fk_expert_selection_picks_assignment_id_expert_assignments')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_selection_picks_expert_id_experts')),
    sa.ForeignKeyConstraint(['selection_id'], ['expert_selections.id'], name=op.f('fk_expert_selection_picks_selection_id_expert_selections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_selection_picks'))
    )
    with op.batch_alter_table('expert_selection_picks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_selection_picks_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_selection_picks_selection_id'), ['selection_id'], unique=False)


def downgrade():
    with op.batch_alter_table('expert_selection_picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_selection_picks_selection_id'))
        batch_op.drop_index(batch_op.f('ix_expert_selection_picks_expert_id'))
    op.drop_table('expert_selection_picks')
    with op.batch_alter_table('expert_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_selections_decision_id'))
    op.drop_table('expert_selections')
    with op.batch_alter_table('expert_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_assessments_expert_id'))
    op.drop_table('expert_assessments')
    with op.batch_alter_table('expert_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_feedback_expert_id'))
    op.drop_table('expert_feedback')
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_expert_id'))
    op.drop_table('expert_conflicts')
    op.drop_table('expert_group_members')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experts_government_id'))
    op.drop_table('experts')
    op.drop_table('expert_pool_settings')
    op.drop_table('expert_groups')

    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_catalog_entries_submission_id_catalog_submissions'), type_='foreignkey')
        batch_op.drop_column('submission_id')
        batch_op.drop_column('dept_legality_review_passed')
        batch_op.drop_column('planned_decision_on')
        batch_op.drop_column('planned_start_on')
        batch_op.drop_column('summary')
        batch_op.drop_column('origin')
    with op.batch_alter_table('catalog_adjustments', schema=None) as batch_op:
        for name in ('created_at', 'snapshot', 'previous', 'proposal', 'filing_reference',
                     'party_consent_ref', 'approval_ref', 'study_note', 'reason', 'entry_id',
                     'kind'):
            batch_op.drop_column(name)
    with op.batch_alter_table('catalogs', schema=None) as batch_op:
        for name in ('published_snapshot', 'issue_ref', 'party_consent_ref', 'party_consent_on',
                     'executive_meeting_ref', 'executive_meeting_on', 'deputy_head_opinion',
                     'deputy_head_reviewed_on', 'office_review_notes', 'public_suggestions_until',
                     'submissions_closed_on', 'submissions_due_on', 'solicitation_recipients',
                     'solicitation_ref', 'solicited_on', 'phase'):
            batch_op.drop_column(name)

    with op.batch_alter_table('catalog_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_submissions_catalog_id'))
    op.drop_table('catalog_submissions')
