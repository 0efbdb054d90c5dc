"""Audit findings raised by the rules of domain/findings, and the notes on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from domain.models.types import Json, UtcDateTime


class Finding(SQLModel, table=True):
    """One finding; `key` is stable per rule and subject, so a finding is raised only once."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_org_id", "org_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=24, index=True)
    severity: str = Field(max_length=8)  # info, warning, high
    org_id: int = Field(foreign_key="org.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    lots: list[str] = Field(sa_column=Column(Json, nullable=False))
    events: list[str] = Field(sa_column=Column(Json, nullable=False))
    params: dict[str, Any] = Field(sa_column=Column(Json, nullable=False))
    detected_at: datetime = Field(sa_type=UtcDateTime, index=True)
    status: str = Field(default="open", max_length=12)  # open, acknowledged, resolved, dismissed


class FindingNote(SQLModel, table=True):
    """A note on a finding: an auditor's, or the organisation's answer; a status change names
    the status it set."""

    __tablename__ = "finding_note"

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", index=True)
    username: str = Field(max_length=64)
    at: datetime = Field(sa_type=UtcDateTime)
    text: str = Field(max_length=2000)
    status: str | None = Field(default=None, max_length=12)
