"""Webhook subscriptions of an organisation and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, CursorQuery, DbDep, SettingsDep, decode_cursor, encode_cursor, write
from domain.models import Webhook
from domain.webhooks import (
    EVENT_TYPES,
    FINDING_KINDS,
    create_webhook,
    list_deliveries,
    list_webhooks,
)

router = APIRouter(tags=["webhooks"])
# The event types and the finding kinds, as the domain lists them (an enum in the OpenAPI).
if TYPE_CHECKING:
    EventName = str
else:
    EventName = Literal[EVENT_TYPES + FINDING_KINDS]
OrgPath = Annotated[str, Path(max_length=32)]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    url: Annotated[str, Field(min_length=1, max_length=2000,
                              examples=["https://erp.example.com/hooks/scraptrace"])]
    events: list[EventName] = Field(min_length=1, max_length=20,
                                    description="Event types and finding kinds to receive.")
    secret: Annotated[str, Field(max_length=200, description="`whsec_` and base64 (24–64 "
                                 "bytes); omitted: one is generated.")] | None = None


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    all_orgs: bool = Field(description="An agency's subscription: every organisation's events.")
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret, answered this once only.")


class DeliveryOut(BaseModel):
    msg_id: str = Field(description="The `webhook-id` header: the same on every retry.")
    event_seq: int | None = Field(description="The event's place in the log; null for a finding.")
    event_type: str = Field(description="The event type, or the finding kind.")
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


def _out(hook: Webhook) -> WebhookOut:
    return WebhookOut(id=hook.id or 0, url=hook.url, events=hook.events, all_orgs=hook.all_orgs,
                      created_at=hook.created_at)


@router.post("/orgs/{org}/webhooks", status_code=201, response_model=WebhookCreated,
             summary="Subscribe to events")
def post_webhook(org: OrgPath, body: WebhookIn, actor: ActorDep, db: DbDep,
                 settings: SettingsDep) -> WebhookCreated:
    """Deliveries are signed per Standard Webhooks with the secret answered here once, sent
    at least once (deduplicate by `webhook-id`) and retried with exponential backoff for 24 h.
    Only `http(s)` URLs of public addresses (`webhook-url-refused`)."""
    def work(s: object) -> WebhookCreated:
        hook = create_webhook(s, actor=actor, org_code=org, url=body.url,  # type: ignore[arg-type]
                              events=list(body.events), secret=body.secret,
                              allow_private=settings.webhook_allow_private)
        return WebhookCreated(**_out(hook).model_dump(), secret=hook.secret)

    return write(db, work)


@router.get("/orgs/{org}/webhooks", response_model=list[WebhookOut], summary="Subscriptions")
def get_webhooks(org: OrgPath, actor: ActorDep, db: DbDep) -> list[WebhookOut]:
    with db.read() as s:
        return [_out(h) for h in list_webhooks(s, actor=actor, org_code=org)]


@router.get("/orgs/{org}/webhooks/{webhook_id}/deliveries", response_model=DeliveryPage,
            summary="Delivery log of a subscription")
def get_deliveries(org: OrgPath, webhook_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                   actor: ActorDep, db: DbDep, cursor: CursorQuery = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> DeliveryPage:
    with db.read() as s:
        rows = list_deliveries(s, actor=actor, org_code=org, webhook_id=webhook_id,
                               after=decode_cursor(cursor), limit=limit)
        items = [DeliveryOut.model_validate(r, from_attributes=True) for r in rows]
    nxt = encode_cursor(rows[-1].id or 0) if len(rows) == limit else None
    return DeliveryPage(items=items, next_cursor=nxt)
