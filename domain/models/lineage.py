"""Lineage: what moved from which lot into which, written by the capture path with its event."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from domain.models.types import BigId


class LotEdge(SQLModel, table=True):
    """One flow into a lot: from a parent lot (`transform`, `melt`), from primary metal charged
    into a melt (`primary`, no parent), or the lot's creation (`collect`, `declare`, `import`,
    no parent) with the origin, provenance, evidence and region of the new lot's one cell.

    A projection of the event log: deleted with the event's void, rebuilt by `rederive`.
    """

    __tablename__ = "lot_edge"
    __table_args__ = (Index("ix_lot_edge_child", "child_id", "parent_id"),
                      Index("ix_lot_edge_parent", "parent_id", "child_id"))

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", index=True)
    parent_id: int | None = Field(default=None, sa_type=BigInteger, foreign_key="lot.id")
    child_id: int = Field(sa_type=BigInteger, foreign_key="lot.id")
    kind: str = Field(max_length=12)
    grams: int = Field(sa_type=BigInteger)  # what moved from the parent into the child
    origin: str | None = Field(default=None, max_length=16)
    provenance: str | None = Field(default=None, max_length=32)
    evidence: str | None = Field(default=None, max_length=8)
    region: str | None = Field(default=None, max_length=6)  # GB/T 2260, or ISO 3166 country
