"""supervision, post-evaluation and statistics (issue 7)

Revision ID: 0005e
Revises: 0004
Create Date: 2026-11-26 22:00:00

Branch revision: 0005a-0005f were developed side by side and are joined by 0006.
Written by hand to match portal/models/supervision.py and portal/models/evaluation.py.
"""

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0005e'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_trigger_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('feedback_count', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', UTCDateTime(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_evaluation_trigger_reviews_decision_id_decisions')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_evaluation_trigger_reviews_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_trigger_reviews'))
    )
    with op.batch_alter_table('evaluation_trigger_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_trigger_reviews_decision_id'), ['decision_id'], unique=False)

    op.create_table('implementation_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('specific_measures', sa.Text(), nullable=False),
    sa.Column('implementation_steps', sa.Text(), nullable=False),
    sa.Column('responsibility_division', sa.Text(), nullable=False),
    sa.Column('supervision_methods', sa.Text(), nullable=False),
    sa.Column('achievements', sa.Text(), nullable=False),
    sa.Column('follow_up_measures', sa.Text(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_implementation_updates_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_implementation_updates_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_updates'))
    )
    with op.batch_alter_table('implementation_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementation_updates_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_implementation_updates_published_at'), ['published_at'], unique=False)

    op.create_table('supervision_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('assessor', sa.String(length=100), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_supervision_assessments_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_assessments')),
    sa.UniqueConstraint('decision_id', 'year', name=op.f('uq_supervision_assessments_decision_id_year'))
    )
    with op.batch_alter_table('supervision_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_assessments_decision_id'), ['decision_id'], unique=False)

    op.create_table('supervision_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('inspection_type', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('techniques', sa.String(length=100), nullable=False),
    sa.Column('participating_departments', sa.Text(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('inspected_unit_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('self_report_due', sa.Date(), nullable=True),
    sa.Column('self_report_received_on', sa.Date(), nullable=True),
    sa.Column('execution_status', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('matters_for_leadership_coordination', sa.Text(), nullable=False),
    sa.Column('work_recommendations', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=100), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('dissemination', sa.String(length=20), nullable=True),
    sa.Column('disseminated_on', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_supervision_inspections_decision_id_decisions')),
    sa.ForeignKeyConstraint(['inspected_unit_id'], ['departments.id'], name=op.f('fk_supervision_inspections_inspected_unit_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_inspections'))
    )
    with op.batch_alter_table('supervision_inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_inspections_decision_id'), ['decision_id'], unique=False)

    op.create_table('supervision_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target_milestones', sa.Text(), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=False),
    sa.Column('supporting_units', sa.String(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_supervision_tasks_decision_id_decisions')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['departments.id'], name=op.f('fk_supervision_tasks_responsible_unit_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_tasks'))
    )
    with op.batch_alter_table('supervision_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_tasks_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_tasks_responsible_unit_id'), ['responsible_unit_id'], unique=False)

    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('triggers', sa.String(length=200), nullable=False),
    sa.Column('trigger_note', sa.Text(), nullable=False),
    sa.Column('triggered_on', sa.Date(), nullable=False),
    sa.Column('evaluation_project', sa.String(length=200), nullable=False),
    sa.Column('selection_factors', sa.String(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('evaluation_unit', sa.String(length=200), nullable=False),
    sa.Column('is_third_party', sa.Boolean(), nullable=False),
    sa.Column('third_party_type', sa.String(length=30), nullable=True),
    sa.Column('qualification', sa.Text(), nullable=False),
    sa.Column('independence_declared', sa.Boolean(), nullable=False),
    sa.Column('agreement_signed_on', sa.Date(), nullable=True),
    sa.Column('evaluation_content', sa.Text(), nullable=False),
    sa.Column('quality_requirements', sa.Text(), nullable=False),
    sa.Column('completion_deadline', sa.Date(), nullable=True),
    sa.Column('evaluation_funding', sa.String(length=100), nullable=False),
    sa.Column('ownership_of_results', sa.Text(), nullable=False),
    sa.Column('confidentiality_clause', sa.Text(), nullable=False),
    sa.Column('breach_liability', sa.Text(), nullable=False),
    sa.Column('subdelegate', sa.String(length=200), nullable=False),
    sa.Column('subcontracting_consent', sa.Boolean(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=True),
    sa.Column('scope_parts', sa.Text(), nullable=False),
    sa.Column('methods', sa.String(length=200), nullable=False),
    sa.Column('plan_purpose', sa.Text(), nullable=False),
    sa.Column('plan_personnel', sa.Text(), nullable=False),
    sa.Column('plan_scope', sa.Text(), nullable=False),
    sa.Column('plan_indicators', sa.Text(), nullable=False),
    sa.Column('plan_methods', sa.Text(), nullable=False),
    sa.Column('plan_procedure', sa.Text(), nullable=False),
    sa.Column('plan_budget', sa.Text(), nullable=False),
    sa.Column('plan_made_on', sa.Date(), nullable=True),
    sa.Column('investigation_started_on', sa.Date(), nullable=True),
    sa.Column('npc_deputies', sa.Integer(), nullable=False),
    sa.Column('cppcc_members', sa.Integer(), nullable=False),
    sa.Column('peoples_organisations', sa.Integer(), nullable=False),
    sa.Column('grassroots_organisations', sa.Integer(), nullable=False),
    sa.Column('social_organisations', sa.Integer(), nullable=False),
    sa.Column('call_opens_at', UTCDateTime(), nullable=True),
    sa.Column('call_closes_at', UTCDateTime(), nullable=True),
    sa.Column('call_notice', sa.Text(), nullable=False),
    sa.Column('process_and_methods', sa.Text(), nullable=False),
    sa.Column('execution_overview', sa.Text(), nullable=False),
    sa.Column('stakeholder_public_evaluation', sa.Text(), nullable=False),
    sa.Column('main_problems_and_causes', sa.Text(), nullable=False),
    sa.Column('evaluation_result', sa.Text(), nullable=False),
    sa.Column('conclusion', sa.String(length=30), nullable=True),
    sa.Column('report_submitted_on', sa.Date(), nullable=True),
    sa.Column('gov_decision', sa.String(length=20), nullable=True),
    sa.Column('gov_decided_on', sa.Date(), nullable=True),
    sa.Column('collective_decision_ref', sa.String(length=200), nullable=False),
    sa.Column('decided_by_executive_head', sa.Boolean(), nullable=False),
    sa.Column('follow_up_measures', sa.Text(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.Column('publish_conclusion', sa.Boolean(), nullable=False),
    sa.Column('invalid_reason', sa.Text(), nullable=False),
    sa.Column('invalidated_on', sa.Date(), nullable=True),
    sa.Column('redo_of_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['change_id'], ['decision_changes.id'], name=op.f('fk_evaluations_change_id_decision_changes')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_evaluations_decision_id_decisions')),
    sa.ForeignKeyConstraint(['redo_of_id'], ['evaluations.id'], name=op.f('fk_evaluations_redo_of_id_evaluations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations'))
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluations_decision_id'), ['decision_id'], unique=False)

    op.create_table('supervision_rectifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('check_result', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_supervision_rectifications_decision_id_decisions')),
    sa.ForeignKeyConstraint(['inspection_id'], ['supervision_inspections.id'], name=op.f('fk_supervision_rectifications_inspection_id_supervision_inspections')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['departments.id'], name=op.f('fk_supervision_rectifications_responsible_unit_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_rectifications'))
    )
    with op.batch_alter_table('supervision_rectifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_rectifications_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_rectifications_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('supervision_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['supervision_tasks.id'], name=op.f('fk_supervision_reminders_task_id_supervision_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_reminders')),
    sa.UniqueConstraint('task_id', 'year', 'month', 'kind', name=op.f('uq_supervision_reminders_task_id_year_month_kind'))
    )
    with op.batch_alter_table('supervision_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_reminders_task_id'), ['task_id'], unique=False)

    op.create_table('supervision_tracking_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('effects', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_supervision_tracking_entries_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['supervision_tasks.id'], name=op.f('fk_supervision_tracking_entries_task_id_supervision_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_tracking_entries')),
    sa.UniqueConstraint('task_id', 'year', 'month', name=op.f('uq_supervision_tracking_entries_task_id_year_month'))
    )
    with op.batch_alter_table('supervision_tracking_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_tracking_entries_task_id'), ['task_id'], unique=False)

    op.create_table('evaluation_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_evaluation_team_members_evaluation_id_evaluations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_team_members'))
    )
    with op.batch_alter_table('evaluation_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_team_members_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('public_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=True),
    sa.Column('receipt_code', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('publish_name_consent', sa.Boolean(), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consented_at', UTCDateTime(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('withheld_reason', sa.String(length=20), nullable=True),
    sa.Column('published_body', sa.Text(), nullable=False),
    sa.Column('moderated_at', UTCDateTime(), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_public_feedback_decision_id_decisions')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_public_feedback_evaluation_id_evaluations')),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_public_feedback_moderated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_feedback')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_public_feedback_idempotency_key')),
    sa.UniqueConstraint('receipt_code', name=op.f('uq_public_feedback_receipt_code'))
    )
    with op.batch_alter_table('public_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_feedback_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_public_feedback_duplicate', ['content_hash', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_feedback_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_feedback_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_feedback_submitted_at'), ['submitted_at'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('public_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_feedback_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_public_feedback_status'))
        batch_op.drop_index(batch_op.f('ix_public_feedback_evaluation_id'))
        batch_op.drop_index('ix_public_feedback_duplicate')
        batch_op.drop_index(batch_op.f('ix_public_feedback_decision_id'))

    op.drop_table('public_feedback')
    with op.batch_alter_table('evaluation_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_team_members_evaluation_id'))

    op.drop_table('evaluation_team_members')
    with op.batch_alter_table('supervision_tracking_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_tracking_entries_task_id'))

    op.drop_table('supervision_tracking_entries')
    with op.batch_alter_table('supervision_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_reminders_task_id'))

    op.drop_table('supervision_reminders')
    with op.batch_alter_table('supervision_rectifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_rectifications_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_rectifications_decision_id'))

    op.drop_table('supervision_rectifications')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluations_decision_id'))

    op.drop_table('evaluations')
    with op.batch_alter_table('supervision_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_tasks_responsible_unit_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_tasks_decision_id'))

    op.drop_table('supervision_tasks')
    with op.batch_alter_table('supervision_inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_inspections_decision_id'))

    op.drop_table('supervision_inspections')
    with op.batch_alter_table('supervision_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_assessments_decision_id'))

    op.drop_table('supervision_assessments')
    with op.batch_alter_table('implementation_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_implementation_updates_published_at'))
        batch_op.drop_index(batch_op.f('ix_implementation_updates_decision_id'))

    op.drop_table('implementation_updates')
    with op.batch_alter_table('evaluation_trigger_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_trigger_reviews_decision_id'))

    op.drop_table('evaluation_trigger_reviews')
    # ### end Alembic commands ###
