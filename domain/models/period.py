"""Closed accounting periods: a month of a metal that no event may change any more."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from domain.models.types import UtcDateTime, utcnow


class Period(SQLModel, table=True):
    """One closing of a month for a metal (for the whole platform, or one producer).

    Reopening does not delete the row: it stamps who reopened it, when and why, so that every
    closing and reopening stays on record.
    """

    __tablename__ = "period"

    id: int | None = Field(default=None, primary_key=True)
    metal: str = Field(max_length=2)
    month: str = Field(max_length=7, index=True)  # YYYY-MM, local dates of the platform
    org_id: int | None = Field(default=None, foreign_key="org.id")  # None: every producer
    closed_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    closed_by: int = Field(foreign_key="app_user.id")
    reopened_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reopened_by: int | None = Field(default=None, foreign_key="app_user.id")
    reason: str | None = Field(default=None, max_length=500)
