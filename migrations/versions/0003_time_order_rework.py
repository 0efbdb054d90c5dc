"""time order per lot, cumulative charge metal, rework in the melt ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_at', domain.models.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('charged_gppm', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('melt_input', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rework', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The latest event of each lot is known: its time is the lot's last_at. The ledgers of
    # existing databases follow the new rules after `scraptrace db rederive`.
    op.execute("UPDATE lot SET last_at = (SELECT occurred_at FROM event WHERE event.seq = lot.last_seq)")


def downgrade() -> None:
    with op.batch_alter_table('melt_input', schema=None) as batch_op:
        batch_op.drop_column('rework')
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_column('charged_gppm')
        batch_op.drop_column('last_at')
