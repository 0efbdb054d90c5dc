"""Webhook subscriptions of organisations and their outbox of deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from domain.models.types import BigId, Json, UtcDateTime, utcnow


class Webhook(SQLModel, table=True):
    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="org.id", index=True)
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, sa_column=Column(Json, nullable=False))
    # Signing key (Standard Webhooks `whsec_…`): kept, since every delivery is signed with it.
    secret: str = Field(max_length=200)
    # An auditor's subscription receives every organisation's events (auditors see everything).
    all_orgs: bool = False
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One message to one subscription: written with the event, sent until it is accepted."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    msg_id: str = Field(max_length=64, unique=True)  # the `webhook-id` header
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event_seq: int | None = Field(default=None, sa_type=BigId)  # None: a finding's message
    event_type: str = Field(max_length=32)  # the event type or the finding kind
    payload: dict[str, Any] = Field(sa_column=Column(Json, nullable=False))
    status: str = Field(default="pending", max_length=12)  # pending, delivered, failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
