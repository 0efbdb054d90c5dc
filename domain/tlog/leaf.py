"""A log leaf: the RFC 8785 canonical JSON of an event's immutable record.

The record is the body as submitted plus what the server fixed when it stored the event: its
`seq`, `recorded_at`, the recording organisation, user and site region, and the lots it
created. Nothing that changes later (a void of the event) is in it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import rfc8785
from sqlalchemy import Select, select

from domain.models import Event, Org, Site, User

event_t = Event.__table__  # type: ignore[attr-defined]
org_t = Org.__table__  # type: ignore[attr-defined]
site_t = Site.__table__  # type: ignore[attr-defined]
user_t = User.__table__  # type: ignore[attr-defined]


def leaf_bytes(*, payload: dict[str, Any], seq: int, recorded_at: datetime, org: str,
               site_region: str, user: str, created_lots: list[str]) -> bytes:
    return rfc8785.dumps({
        "event": payload, "seq": seq,
        "recorded_at": recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "org": org, "site_region": site_region, "user": user,
        "created_lots": list(created_lots)})


# The stored rows a leaf is rebuilt from (the self-check, entries, evidence bundles).
ROWS: Select[Any] = (
    select(event_t.c.seq, event_t.c.payload, event_t.c.recorded_at, event_t.c.created_lots,
           org_t.c.code.label("org"), site_t.c.region.label("site_region"),
           user_t.c.username.label("user"))
    .join(org_t, org_t.c.id == event_t.c.org_id).join(site_t, site_t.c.id == event_t.c.site_id)
    .join(user_t, user_t.c.id == event_t.c.user_id))


def from_row(row: Any) -> bytes:
    return leaf_bytes(payload=row.payload, seq=row.seq, recorded_at=row.recorded_at,
                      org=row.org, site_region=row.site_region, user=row.user,
                      created_lots=row.created_lots)
