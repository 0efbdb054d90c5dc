"""Organisations, their sites, users and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from domain.models.types import BigId, Json, UtcDateTime, utcnow


class Org(SQLModel, table=True):
    __tablename__ = "org"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    uscc: str = Field(max_length=18, unique=True)
    region: str = Field(max_length=6)
    licences: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(Json,
                                                                                  nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Site(SQLModel, table=True):
    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    org_id: int = Field(foreign_key="org.id", index=True)
    name: str = Field(max_length=200)
    region: str = Field(max_length=6)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    org_id: int | None = Field(default=None, foreign_key="org.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
