"""lineage edges, region-level provenance, audit findings and their notes

Revision ID: 0009
Revises: 0010
Create Date: 2026-11-29 04:30:00

Lineage rows of events recorded before this revision are built by `scraptrace db rederive`,
which also gives older composition cells their region.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.types

revision: str = '0009'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = domain.models.types.UtcDateTime
BigId = domain.models.types.BigId
Json = domain.models.types.Json


def upgrade() -> None:
    op.create_table('lot_edge',
    sa.Column('id', BigId, nullable=False),
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=True),
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('grams', sa.BigInteger(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=True),
    sa.Column('provenance', sa.String(length=32), nullable=True),
    sa.Column('evidence', sa.String(length=8), nullable=True),
    sa.Column('region', sa.String(length=6), nullable=True),
    sa.ForeignKeyConstraint(['event_seq'], ['event.seq'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['lot.id'], ),
    sa.ForeignKeyConstraint(['child_id'], ['lot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_lot_edge_event_seq', 'lot_edge', ['event_seq'])
    op.create_index('ix_lot_edge_child', 'lot_edge', ['child_id', 'parent_id'])
    op.create_index('ix_lot_edge_parent', 'lot_edge', ['parent_id', 'child_id'])
    with op.batch_alter_table('melt_input') as batch:
        batch.alter_column('provenance', type_=sa.String(length=32),
                           existing_type=sa.String(length=16), existing_nullable=False)
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('lots', Json, nullable=False),
    sa.Column('events', Json, nullable=False),
    sa.Column('params', Json, nullable=False),
    sa.Column('detected_at', UTC(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_finding_kind', 'finding', ['kind'])
    op.create_index('ix_finding_detected_at', 'finding', ['detected_at'])
    op.create_index('ix_finding_org_id', 'finding', ['org_id', 'id'])
    op.create_table('finding_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('at', UTC(timezone=True), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_finding_note_finding_id', 'finding_note', ['finding_id'])


def downgrade() -> None:
    op.drop_table('finding_note')
    op.drop_table('finding')
    with op.batch_alter_table('melt_input') as batch:
        batch.alter_column('provenance', type_=sa.String(length=16),
                           existing_type=sa.String(length=32), existing_nullable=False)
    op.drop_table('lot_edge')
