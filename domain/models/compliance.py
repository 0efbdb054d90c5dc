"""Compliance records: imports by declaration, hazardous-waste manifests and licence use,
carbon factor sets and smelters' monthly indicators.

The first four are projections of the event log like the movement ledger: written by the
capture path with the event that makes them, deleted when that event is voided, rebuilt by
`rederive`. Factor sets and indicators are master data.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.models.types import UtcDateTime, utcnow


class ImportRecord(SQLModel, table=True):
    """One lawful import: the declaration it was cleared under and its material kind."""

    __tablename__ = "import_record"

    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", primary_key=True)
    declaration: str = Field(max_length=18, index=True)
    kind: str = Field(max_length=32)  # material kind of the commodity code
    commodity_code: str = Field(max_length=10)
    standard: str = Field(max_length=32)
    country: str = Field(max_length=2)
    org_id: int = Field(foreign_key="org.id")
    grams: int = Field(sa_type=BigInteger)
    occurred_at: datetime = Field(sa_type=UtcDateTime)


class Manifest(SQLModel, table=True):
    """A hazardous-waste transfer manifest (危险废物转移联单): one per trip, made by its ship."""

    __tablename__ = "manifest"

    number: str = Field(max_length=64, primary_key=True)
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", unique=True)
    generator_org_id: int = Field(foreign_key="org.id")
    from_site_id: int = Field(foreign_key="site.id")
    to_site_id: int = Field(foreign_key="site.id")
    waste_code: str = Field(max_length=16)
    carrier: str | None = Field(default=None, max_length=64)  # vehicle, as recorded
    mode: str | None = Field(default=None, max_length=16)
    shipped_g: int = Field(sa_type=BigInteger)
    shipped_at: datetime = Field(sa_type=UtcDateTime)


class ManifestReceipt(SQLModel, table=True):
    """The receiver's confirmed weight of the hazardous lots of a manifest it received."""

    __tablename__ = "manifest_receipt"

    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", primary_key=True)
    number: str = Field(max_length=64, foreign_key="manifest.number", primary_key=True)
    receiver_org_id: int = Field(foreign_key="org.id")
    site_id: int = Field(foreign_key="site.id")
    confirmed_g: int = Field(sa_type=BigInteger)
    confirmed_at: datetime = Field(sa_type=UtcDateTime)


class LicenceUse(SQLModel, table=True):
    """Hazardous waste an organisation took in (collected, declared or received) under one of
    its licences: what its annual capacity is measured against."""

    __tablename__ = "licence_use"
    __table_args__ = (Index("ix_licence_use_org_time", "org_id", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", index=True)
    org_id: int = Field(foreign_key="org.id")
    licence: str = Field(max_length=64)
    grams: int = Field(sa_type=BigInteger)
    occurred_at: datetime = Field(sa_type=UtcDateTime)


class CarbonFactor(SQLModel, table=True):
    """One factor of a named factor set added by an agency (the seed's sets are in seed/)."""

    __tablename__ = "carbon_factor"
    __table_args__ = (UniqueConstraint("factor_set", "metal", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    factor_set: str = Field(max_length=32, index=True)
    metal: str = Field(max_length=2)  # "" for the grid factor
    kind: str = Field(max_length=8)  # primary, recycled, grid
    value: Decimal = Field(sa_type=Numeric(12, 6))
    unit: str = Field(max_length=16)
    source: str = Field(max_length=500)
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SmelterIndicator(SQLModel, table=True):
    """A smelter's month: liquid aluminium made, how much of it was alloyed directly, and the
    AC power it used."""

    __tablename__ = "smelter_indicator"
    __table_args__ = (UniqueConstraint("org_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="org.id")
    month: str = Field(max_length=7)  # YYYY-MM
    liquid_al_kg: int = Field(sa_type=BigInteger)
    direct_alloyed_kg: int = Field(sa_type=BigInteger)
    ac_kwh: int = Field(sa_type=BigInteger)
    recorded_by: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
