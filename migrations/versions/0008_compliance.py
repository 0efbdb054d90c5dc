"""compliance: imports by declaration, manifests, licence use, factor sets, smelter indicators

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-28 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.types

revision: str = '0008'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = domain.models.types.UtcDateTime


def upgrade() -> None:
    op.create_table('import_record',
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.Column('declaration', sa.String(length=18), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('commodity_code', sa.String(length=10), nullable=False),
    sa.Column('standard', sa.String(length=32), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('grams', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['event.seq'], ),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.PrimaryKeyConstraint('event_seq')
    )
    op.create_index('ix_import_record_declaration', 'import_record', ['declaration'])
    op.create_table('manifest',
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.Column('generator_org_id', sa.Integer(), nullable=False),
    sa.Column('from_site_id', sa.Integer(), nullable=False),
    sa.Column('to_site_id', sa.Integer(), nullable=False),
    sa.Column('waste_code', sa.String(length=16), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('shipped_g', sa.BigInteger(), nullable=False),
    sa.Column('shipped_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['event.seq'], ),
    sa.ForeignKeyConstraint(['generator_org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['from_site_id'], ['site.id'], ),
    sa.ForeignKeyConstraint(['to_site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('number'),
    sa.UniqueConstraint('event_seq')
    )
    op.create_table('manifest_receipt',
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('receiver_org_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_g', sa.BigInteger(), nullable=False),
    sa.Column('confirmed_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['event.seq'], ),
    sa.ForeignKeyConstraint(['number'], ['manifest.number'], ),
    sa.ForeignKeyConstraint(['receiver_org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('event_seq', 'number')
    )
    op.create_table('licence_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('licence', sa.String(length=64), nullable=False),
    sa.Column('grams', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['event.seq'], ),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_licence_use_event_seq', 'licence_use', ['event_seq'])
    op.create_index('ix_licence_use_org_time', 'licence_use', ['org_id', 'occurred_at'])
    op.create_table('carbon_factor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('factor_set', sa.String(length=32), nullable=False),
    sa.Column('metal', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Numeric(12, 6), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('factor_set', 'metal', 'kind')
    )
    op.create_index('ix_carbon_factor_factor_set', 'carbon_factor', ['factor_set'])
    op.create_table('smelter_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('liquid_al_kg', sa.BigInteger(), nullable=False),
    sa.Column('direct_alloyed_kg', sa.BigInteger(), nullable=False),
    sa.Column('ac_kwh', sa.BigInteger(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'month')
    )


def downgrade() -> None:
    op.drop_table('smelter_indicator')
    op.drop_index('ix_carbon_factor_factor_set', table_name='carbon_factor')
    op.drop_table('carbon_factor')
    op.drop_index('ix_licence_use_org_time', table_name='licence_use')
    op.drop_index('ix_licence_use_event_seq', table_name='licence_use')
    op.drop_table('licence_use')
    op.drop_table('manifest_receipt')
    op.drop_table('manifest')
    op.drop_index('ix_import_record_declaration', table_name='import_record')
    op.drop_table('import_record')
