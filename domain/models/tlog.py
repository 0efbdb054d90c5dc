"""The transparency log's storage: leaves in commit order, complete subtree hashes, the size."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary, SmallInteger
from sqlmodel import Field, SQLModel

from domain.models.types import BigId


class TlogLeaf(SQLModel, table=True):
    """Leaf `idx` of the log: the event it logs and SHA-256(0x00 ‖ its canonical record)."""

    __tablename__ = "tlog_leaf"

    idx: int = Field(sa_column=Column(BigId, primary_key=True, autoincrement=False))
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", unique=True)
    hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))


class TlogNode(SQLModel, table=True):
    """A complete subtree above the leaves: level ≥ 1, over leaves [idx·2^level, (idx+1)·2^level)."""

    __tablename__ = "tlog_node"

    level: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    idx: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))


class TlogState(SQLModel, table=True):
    """One row: the log's size. Locked by every append, so leaves follow commit order."""

    __tablename__ = "tlog_state"

    id: int = Field(primary_key=True)
    size: int = Field(sa_type=BigInteger)
