"""closed accounting periods

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metal', sa.String(length=2), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', domain.models.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=False),
    sa.Column('reopened_at', domain.models.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('reopened_by', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['closed_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['reopened_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_month'), ['month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_month'))
    op.drop_table('period')
