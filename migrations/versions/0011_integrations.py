"""integrations: webhook subscriptions and their outbox of deliveries

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-29 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.types

revision: str = '0011'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = domain.models.types.UtcDateTime
JSON = domain.models.types.Json
BIG = domain.models.types.BigId


def upgrade() -> None:
    op.create_table('webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('events', JSON, nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('all_orgs', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_webhook_org_id', 'webhook', ['org_id'])
    op.create_table('webhook_delivery',
    sa.Column('id', BIG, nullable=False),
    sa.Column('msg_id', sa.String(length=64), nullable=False),
    sa.Column('webhook_id', sa.Integer(), nullable=False),
    sa.Column('event_seq', BIG, nullable=True),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTC(timezone=True), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.Column('delivered_at', UTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('msg_id')
    )
    op.create_index('ix_webhook_delivery_webhook_id', 'webhook_delivery', ['webhook_id'])
    op.create_index('ix_webhook_delivery_due', 'webhook_delivery', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_webhook_delivery_due', table_name='webhook_delivery')
    op.drop_index('ix_webhook_delivery_webhook_id', table_name='webhook_delivery')
    op.drop_table('webhook_delivery')
    op.drop_index('ix_webhook_org_id', table_name='webhook')
    op.drop_table('webhook')
