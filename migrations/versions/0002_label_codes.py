"""pre-allocated label codes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('label_batch',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('layout', sa.String(length=8), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.models.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('label_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_label_batch_site_id'), ['site_id'], unique=False)

    op.create_table('label_code',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['label_batch.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('label_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_label_code_batch_id'), ['batch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('label_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_label_code_batch_id'))
    op.drop_table('label_code')
    with op.batch_alter_table('label_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_label_batch_site_id'))
    op.drop_table('label_batch')
