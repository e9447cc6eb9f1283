"""grouping keys on submission, offline opinions, responses to public feedback, participation channels (issue 11, branch e)

Revision ID: 0008e
Revises: 0007
Create Date: 2026-12-06 10:00:00

Branch revision: 0008a-0008e were developed side by side and are joined by 0009.

- opinions: ``text_hash`` (indexed with the decision) and the campaign ``group_key`` are set on
  submission, no longer when the moderation queue is viewed (no write on GET); both are
  backfilled here for existing rows. ``channel``, ``entered_at`` and ``entered_by_id`` record an
  opinion received offline and entered by staff (PART-6b/6c).
- public_feedback: ``text_hash`` (similar concerns) and ``response_id``; ``feedback_responses``
  holds the government's published responses (PART-19b).
- participation_channels: the 12345 hotline, open days, new media and contact points of each
  government (PART-6b/6c).
"""

import hashlib
import unicodedata

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0008e'
down_revision = '0007'
branch_labels = None
depends_on = None

# The grouping of portal.services.moderation, frozen here so that the migration does not depend
# on the application code of a later version.
NEAR_IDENTICAL = 0.9
SHINGLE = 3


def _normalised(text):
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in text if c.isalnum())


def _hash(text):
    return hashlib.sha256(_normalised(text).encode()).hexdigest()


def _shingles(text):
    norm = _normalised(text)
    if len(norm) <= SHINGLE:
        return frozenset({norm})
    return frozenset(norm[i:i + SHINGLE] for i in range(len(norm) - SHINGLE + 1))


def _jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _backfill_opinions(conn):
    rows = conn.execute(
        sa.text("SELECT id, decision_id, body, group_key FROM opinions ORDER BY decision_id, id")
    ).all()
    by_decision = {}
    for row in rows:
        by_decision.setdefault(row.decision_id, []).append(row)
    update = sa.text("UPDATE opinions SET text_hash = :h, group_key = :g WHERE id = :id")
    for opinions in by_decision.values():
        reps, by_hash = {}, {}
        for op_row in opinions:
            if op_row.group_key:
                by_hash.setdefault(_hash(op_row.body), op_row.group_key)
                reps.setdefault(op_row.group_key, _shingles(op_row.body))
        for op_row in opinions:
            h = _hash(op_row.body)
            key = op_row.group_key or by_hash.get(h)
            if key is None:
                mine = _shingles(op_row.body)
                for rep_key, rep in reps.items():
                    small, large = sorted((len(mine), len(rep)))
                    if small >= NEAR_IDENTICAL * large and _jaccard(mine, rep) >= NEAR_IDENTICAL:
                        key = rep_key
                        break
                if key is None:
                    key = h
                    reps[key] = mine
                by_hash[h] = key
            conn.execute(update, {"h": h, "g": key, "id": op_row.id})


def upgrade():
    op.create_table('feedback_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_responses_decision_id'), ['decision_id'], unique=False)

    op.create_table('participation_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('government_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['government_id'], ['governments.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('participation_channels', schema=None) as batch_op:
        batch_op.create_index('ix_participation_channels_public', ['government_id', 'active'], unique=False)

    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='online', nullable=False))
        batch_op.add_column(sa.Column('entered_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_opinions_text_hash', ['decision_id', 'text_hash'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_opinions_entered_by_id_users'), 'users', ['entered_by_id'], ['id'])

    with op.batch_alter_table('public_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('response_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_public_feedback_text_hash'), ['text_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_feedback_response_id'), ['response_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_public_feedback_response_id_feedback_responses'), 'feedback_responses', ['response_id'], ['id'])

    conn = op.get_bind()
    _backfill_opinions(conn)
    update = sa.text("UPDATE public_feedback SET text_hash = :h WHERE id = :id")
    for row in conn.execute(sa.text("SELECT id, body FROM public_feedback")).all():
        conn.execute(update, {"h": _hash(row.body), "id": row.id})


def downgrade():
    with op.batch_alter_table('public_feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_public_feedback_response_id_feedback_responses'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_public_feedback_response_id'))
        batch_op.drop_index(batch_op.f('ix_public_feedback_text_hash'))
        batch_op.drop_column('response_id')
        batch_op.drop_column('text_hash')

    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opinions_entered_by_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_opinions_text_hash')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('entered_at')
        batch_op.drop_column('channel')
        batch_op.drop_column('text_hash')

    with op.batch_alter_table('participation_channels', schema=None) as batch_op:
        batch_op.drop_index('ix_participation_channels_public')
    op.drop_table('participation_channels')

    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_decision_id'))
    op.drop_table('feedback_responses')
