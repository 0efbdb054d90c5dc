"""transparency log: leaf places, complete subtree hashes, sizes

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tlog_leaf',
    sa.Column('idx', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['event.seq'], ),
    sa.PrimaryKeyConstraint('idx'),
    sa.UniqueConstraint('event_seq')
    )
    op.create_table('tlog_node',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('tlog_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(sa.table('tlog_state', sa.column('id', sa.Integer()), sa.column('size', sa.BigInteger())),
                   [{'id': 1, 'size': 0}, {'id': 2, 'size': 0}])


def downgrade() -> None:
    op.drop_table('tlog_state')
    op.drop_table('tlog_node')
    op.drop_table('tlog_leaf')
