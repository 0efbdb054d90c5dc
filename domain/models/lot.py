"""Lots: the current state of every lot (a projection of the event log) and who may see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from domain.models.types import BigId, Json, UtcDateTime, utcnow


class Lot(SQLModel, table=True):
    __tablename__ = "lot"
    __table_args__ = (
        Index("ix_lot_site_status", "site_id", "status"),
        Index("ix_lot_org_status", "org_id", "status"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    code: str = Field(max_length=9, unique=True)
    metal: str = Field(max_length=2)
    grade: str = Field(max_length=32)
    status: str = Field(max_length=12)  # active, in_transit, consumed, void
    mass_g: int = Field(sa_type=BigInteger)
    # Metal fraction in parts per million: the latest assay if any, else the grade default.
    assay_ppm: int | None = Field(default=None)
    default_ppm: int
    # Composition: [[origin, provenance, evidence, grams], ...], Σ grams = mass_g.
    cells: list[list[str | int]] = Field(sa_column=Column(Json, nullable=False))
    org_id: int = Field(foreign_key="org.id")  # custodian organisation (the sender while in transit)
    site_id: int | None = Field(default=None, foreign_key="site.id")  # None while in transit
    dest_site_id: int | None = Field(default=None, foreign_key="site.id")
    created_seq: int = Field(sa_type=BigInteger)
    # Seq of the latest event that changed this lot: an event may be voided only while it is the
    # latest on every lot it touched.
    last_seq: int = Field(sa_type=BigInteger)
    # When that event occurred: an event that uses the lot may not occur before it.
    last_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Σ grams charged into melts × metal ppm: each charge's metal is the difference of the
    # rounded cumulative totals, so that the charges of a lot add up to its exact metal.
    charged_gppm: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class LotAccess(SQLModel, table=True):
    """Organisations that hold, have held, or were sent a lot may read it."""

    __tablename__ = "lot_access"

    lot_id: int = Field(sa_type=BigId, foreign_key="lot.id", primary_key=True)
    org_id: int = Field(foreign_key="org.id", primary_key=True, index=True)
