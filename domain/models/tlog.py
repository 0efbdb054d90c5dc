"""The transparency log's storage: leaves in commit order, complete subtree hashes, the size."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary, SmallInteger
from sqlmodel import Field, SQLModel

from domain.models.types import BigId


class TlogLeaf(SQLModel, table=True):
    """Leaf `idx` of the log: the event it logs, given its place when it is stored, and
    SHA-256(0x00 ‖ its canonical record), filled in by the integrator within a second."""

    __tablename__ = "tlog_leaf"

    idx: int = Field(sa_column=Column(BigId, primary_key=True, autoincrement=False))
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", unique=True)
    hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(32), nullable=True))


class TlogNode(SQLModel, table=True):
    """A complete subtree above the leaves: level ≥ 1, over leaves [idx·2^level, (idx+1)·2^level)."""

    __tablename__ = "tlog_node"

    level: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    idx: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))


class TlogState(SQLModel, table=True):
    """Row 1: leaves given a place (locked by every capture until it commits, so places follow
    commit order). Row 2: leaves hashed into the tree (locked by the integrator)."""

    __tablename__ = "tlog_state"

    id: int = Field(primary_key=True)
    size: int = Field(sa_type=BigInteger)
