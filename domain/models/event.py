"""The append-only event log, the lots each event touched, and voids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from domain.models.types import BigId, Json, UtcDateTime


class Event(SQLModel, table=True):
    """One recorded event. Rows are inserted once and never updated or deleted."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_org_seq", "org_id", "seq"),
        Index("ix_event_site_seq", "site_id", "seq"),
        Index("ix_event_type_seq", "type", "seq"),
    )

    seq: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    id: str = Field(max_length=36, unique=True)
    type: str = Field(max_length=12)
    org_id: int = Field(foreign_key="org.id")
    site_id: int = Field(foreign_key="site.id")
    user_id: int = Field(foreign_key="app_user.id")
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    occurred_offset_min: int
    recorded_at: datetime = Field(sa_type=UtcDateTime, index=True)
    payload: dict[str, Any] = Field(sa_column=Column(Json, nullable=False))
    payload_hash: str = Field(max_length=64)
    created_lots: list[str] = Field(sa_column=Column(Json, nullable=False))


class EventLot(SQLModel, table=True):
    """A lot an event changed, with the lot's state before (None when the event created it)."""

    __tablename__ = "event_lot"

    event_seq: int = Field(sa_type=BigId, foreign_key="event.seq", primary_key=True)
    lot_id: int = Field(sa_type=BigId, foreign_key="lot.id", primary_key=True, index=True)
    role: str = Field(max_length=8)  # in, out, moved, assayed
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(Json, nullable=True))


class EventVoid(SQLModel, table=True):
    """`target_seq` was voided by the void event `void_seq`."""

    __tablename__ = "event_void"

    target_seq: int = Field(sa_type=BigId, foreign_key="event.seq", primary_key=True)
    void_seq: int = Field(sa_type=BigInteger, foreign_key="event.seq", unique=True)
