"""Ledgers the reports aggregate: site mass movements and melt metal contributions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from domain.models.types import BigId, UtcDateTime


class Movement(SQLModel, table=True):
    """Grams entering or leaving a site's stock: kind is created (collected, declared, sorted
    out), produced (a melt's product), received, shipped, charged (lots into a melt), loss, or
    primary (primary metal charged into a melt: bought in, never in stock, shown for reference).

    For every site and metal: Σ created + produced + received − shipped − charged − loss = the
    site's stock.
    """

    __tablename__ = "movement"
    __table_args__ = (Index("ix_movement_site_metal_time", "site_id", "metal", "occurred_at"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", index=True)
    site_id: int = Field(foreign_key="site.id")
    metal: str = Field(max_length=2)
    kind: str = Field(max_length=10)  # see INFLOW and OUTFLOW in domain/mass_balance.py
    grams: int = Field(sa_type=BigInteger)
    occurred_at: datetime = Field(sa_type=UtcDateTime)


class MeltInput(SQLModel, table=True):
    """Metal grams one melt drew from one composition cell (origin, provenance, evidence), and
    whether it is the producer's own rework."""

    __tablename__ = "melt_input"
    __table_args__ = (Index("ix_melt_input_metal_time_org", "metal", "occurred_at", "org_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", index=True)
    org_id: int = Field(foreign_key="org.id")
    metal: str = Field(max_length=2)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    origin: str = Field(max_length=16)
    provenance: str = Field(max_length=32)  # e.g. in_province:520100, imported:JP
    evidence: str = Field(max_length=8)
    metal_g: int = Field(sa_type=BigInteger)
    # Metal the producer's own melt made, charged again by it: in neither term of its share.
    rework: bool = Field(default=False)
