"""The transparency log's storage: leaves in commit order, complete subtree hashes, the size."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary
from sqlmodel import Field, SQLModel

from domain.models.types import BigId


class TlogLeaf(SQLModel, table=True):
    """Leaf `idx` of the log: the event it logs, given its place when the event is stored."""

    __tablename__ = "tlog_leaf"

    idx: int = Field(sa_column=Column(BigId, primary_key=True, autoincrement=False))
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", unique=True)


class TlogNode(SQLModel, table=True):
    """A complete subtree's hash, keyed by level · 2^48 + index (level 0: a leaf's hash,
    SHA-256(0x00 ‖ its canonical record), added by the integrator within a second)."""

    __tablename__ = "tlog_node"

    key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))


class TlogState(SQLModel, table=True):
    """Row 1: leaves given a place (locked by every capture until it commits, so places follow
    commit order). Row 2: leaves hashed into the tree (locked by the integrator)."""

    __tablename__ = "tlog_state"

    id: int = Field(primary_key=True)
    size: int = Field(sa_type=BigInteger)
