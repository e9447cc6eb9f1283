"""experts only from the pool (EXP-13a): assignments name their pool member, terms, PROC-49a date; RISK-12b review result, RISK-9c public notice (issue 11, branch c)

Revision ID: 0008c
Revises: 0007
Create Date: 2026-12-06 10:00:00

Branch revision: 0008a-0008e were developed side by side and are joined by 0009.

- expert_assignments.expert_id: the pool member an assignment was selected for (EXP-13a). The
  typed-in certificate and term dates go: a member's appointment and terms are read from the
  pool record. Assignments linked by a selection pick get their member; the others stay as
  experts from outside the pool (A22) and keep their reason (an empty reason is flagged).
- expert_terms: every 3-year term of a member (EXP-11a, A23), from the certificate and renewals.
- experts.disqualified_on / disqualification_note replace the bare flag (PROC-49a: judged at
  the review date).
- risk_assessments.plac_review_result (RISK-12b) and the RISK-9c notice fields.
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0008c'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('certificate_no', sa.String(length=60), nullable=False),
    sa.Column('renewal', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('expert_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_terms_expert_id'), ['expert_id'], unique=False)

    conn = op.get_bind()
    # EXP-11a / A23: the first term from the certificate, the current one from the last renewal
    experts = conn.execute(sa.text(
        "SELECT id, certificate_on, term_start, certificate_no, renewals, disqualified, created_at "
        "FROM experts"
    )).all()
    terms = sa.table(
        'expert_terms',
        sa.column('expert_id', sa.Integer()),
        sa.column('starts_on', sa.Date()),
        sa.column('certificate_no', sa.String()),
        sa.column('renewal', sa.Boolean()),
    )
    rows = []
    for e in experts:
        if e.certificate_on is None:
            continue
        first = _day(e.certificate_on)
        current = _day(e.term_start) or first
        rows.append({'expert_id': e.id, 'starts_on': first,
                     'certificate_no': '' if current != first else (e.certificate_no or ''),
                     'renewal': False})
        if current != first:
            rows.append({'expert_id': e.id, 'starts_on': current,
                         'certificate_no': e.certificate_no or '', 'renewal': True})
    if rows:
        op.bulk_insert(terms, rows)

    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disqualified_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('disqualification_note', sa.Text(), nullable=False, server_default=''))
    # PROC-49a: a member disqualified before the date was kept counts from the day it joined
    for e in experts:
        if e.disqualified:
            created = e.created_at
            if isinstance(created, str):
                created = datetime.fromisoformat(created)
            day = _day(e.certificate_on) or (created.date() if created else datetime.now(UTC).date())
            conn.execute(sa.text("UPDATE experts SET disqualified_on = :d WHERE id = :i"),
                         {'d': day, 'i': e.id})
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_column('disqualified')

    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_expert_assignments_expert_id'), ['expert_id'], unique=False)
        batch_op.create_foreign_key('fk_expert_assignments_expert_id', 'experts', ['expert_id'], ['id'])
    # EXP-13a: an assignment made by the pool's selection names its member
    picks = conn.execute(sa.text(
        "SELECT expert_id, assignment_id FROM expert_selection_picks WHERE assignment_id IS NOT NULL"
    )).all()
    for p in picks:
        conn.execute(sa.text("UPDATE expert_assignments SET expert_id = :e WHERE id = :a"),
                     {'e': p.expert_id, 'a': p.assignment_id})
    # A22: every other assignment is an expert from outside the pool (a typed-in "pool member"
    # was never checked against the pool)
    conn.execute(sa.text("UPDATE expert_assignments SET from_pool = :f WHERE expert_id IS NULL"),
                 {'f': False})
    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.drop_column('certificate_on')
        batch_op.drop_column('term_start')

    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plac_review_result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('notice_title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notice_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notice_opens_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('notice_closes_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('notice_contact', sa.String(length=200), nullable=False, server_default=''))
    # RISK-12b: a filing recorded so far meant the PLAC passed the report
    op.execute("UPDATE risk_assessments SET plac_review_result = 'passed' "
               "WHERE plac_filed_on IS NOT NULL")


def _day(value):
    if value is None or value == '':
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).date() if 'T' in value or ' ' in value else (
            datetime.strptime(value, '%Y-%m-%d').date())
    if isinstance(value, datetime):
        return value.date()
    return value


def downgrade():
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.drop_column('notice_contact')
        batch_op.drop_column('notice_closes_on')
        batch_op.drop_column('notice_opens_on')
        batch_op.drop_column('notice_text')
        batch_op.drop_column('notice_title')
        batch_op.drop_column('plac_review_result')
    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('certificate_on', sa.Date(), nullable=True))
        batch_op.drop_constraint('fk_expert_assignments_expert_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_expert_assignments_expert_id'))
        batch_op.drop_column('expert_id')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disqualified', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE experts SET disqualified = (disqualified_on IS NOT NULL)")
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_column('disqualification_note')
        batch_op.drop_column('disqualified_on')
    with op.batch_alter_table('expert_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_terms_expert_id'))
    op.drop_table('expert_terms')
