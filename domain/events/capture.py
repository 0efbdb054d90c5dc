"""Record events atomically and idempotently: the one entry point for every write to the log."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, insert, label, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import commands as c
from domain.auth import Actor
from domain.errors import Conflict, DomainError, InvalidInput
from domain.events.assay import plan_assay
from domain.events.collect import plan_collect
from domain.events.context import Ctx, SiteInfo
from domain.events.melt import plan_melt
from domain.events.plan import Plan
from domain.events.shipment import plan_receive, plan_ship
from domain.events.transform import plan_transform
from domain.events.void import plan_void
from domain.models import Event, Org, Site
from domain.models.types import utcnow
from domain.settings import Settings

# SQLModel sets `__table__` on table classes at runtime but does not declare it for type checkers.
event_t: Table = Event.__table__  # type: ignore[attr-defined]

PLANNERS: dict[str, Callable[[Ctx, Any, SiteInfo, set[str]], Plan]] = {
    "collect": plan_collect, "declare": plan_collect, "transform": plan_transform,
    "ship": plan_ship, "receive": plan_receive, "assay": plan_assay, "melt": plan_melt,
    "void": plan_void,
}
MAX_BATCH = 1000
# Built once (see context.py): the events of a batch that were stored before, and the insert.
PRIORS = select(event_t).where(event_t.c.id.in_(bindparam("ids", expanding=True)))
INSERT_EVENT = insert(event_t).returning(event_t.c.seq)


@dataclass(frozen=True)
class Recorded:
    """A stored event as the API answers it; `replay` is true when it was stored before."""

    seq: int
    id: str
    type: str
    org_code: str
    site_code: str
    occurred_at: datetime
    recorded_at: datetime
    payload: dict[str, Any]
    created_lots: list[str]
    replay: bool


def canonical(cmd: c.Command) -> tuple[dict[str, Any], str]:
    """The stored body of a command and its hash (what an exact replay must match)."""
    payload = cmd.model_dump(mode="json")
    digest = hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return payload, digest


def record_events(session: Session, *, actor: Actor, settings: Settings,
                  events: Sequence[c.Command], batch: bool | None = None) -> list[Recorded]:
    """Check and store `events` in order, all or nothing (the caller owns the transaction).

    An event whose id was stored before with the same body is answered with its original
    result; with a different body it is refused. In a batch (by default: more than one event)
    a failure's pointer starts with `/events/{index}`.
    """
    batch = len(events) > 1 if batch is None else batch
    actor.require("operator", "manager")
    if len(events) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} events per batch", code="batch-too-large",
                           pointer="/events")
    seen: set[str] = set()
    for i, cmd in enumerate(events):
        if str(cmd.id) in seen:
            raise InvalidInput(f"event id {cmd.id} appears twice in the batch",
                               code="duplicate-event-id", pointer=f"/events/{i}/id")
        seen.add(str(cmd.id))
    ctx = Ctx(session, actor, settings)
    priors = {row["id"]: row for row in ctx.conn.execute(PRIORS, {"ids": list(seen)}).mappings()}
    taken: set[str] = set()
    out = []
    for i, cmd in enumerate(events):
        try:
            out.append(_record_one(ctx, cmd, taken, priors.get(str(cmd.id))))
        except DomainError as err:
            if batch:
                err.pointer = f"/events/{i}{err.pointer or ''}"
                err.extra["index"] = i
            raise
    ctx.flush()
    return out


def _record_one(ctx: Ctx, cmd: c.Command, taken: set[str], prior: Any) -> Recorded:
    payload, digest = canonical(cmd)
    event_id = str(cmd.id)
    if prior is not None:
        if prior["payload_hash"] != digest or prior["org_id"] != ctx.actor.org_id:
            raise Conflict(f"event {event_id} was recorded before with a different body",
                           code="idempotency-conflict", pointer="/id")
        return _recorded(ctx, prior, replay=True)
    site = ctx.own_site(cmd.site)
    now = utcnow()
    if cmd.occurred_at > now + timedelta(minutes=ctx.settings.clock_skew_minutes):
        raise InvalidInput("occurred_at is in the future", code="occurred-in-future",
                           pointer="/occurred_at")
    plan = PLANNERS[cmd.type](ctx, cmd, site, taken)
    offset = cmd.occurred_at.utcoffset()
    row = {"id": event_id, "type": cmd.type, "org_id": site.org_id, "site_id": site.id,
           "user_id": ctx.actor.user_id, "occurred_at": cmd.occurred_at,
           "occurred_offset_min": int(offset.total_seconds() // 60) if offset else 0,
           "recorded_at": now, "payload": payload, "payload_hash": digest,
           "created_lots": plan.created_lots}
    seq = ctx.conn.execute(INSERT_EVENT, row).scalar_one()
    plan.apply(seq, cmd.occurred_at)
    return Recorded(seq=seq, id=event_id, type=cmd.type, org_code=site.org_code,
                    site_code=site.code, occurred_at=cmd.occurred_at, recorded_at=now,
                    payload=payload, created_lots=plan.created_lots, replay=False)


def local_time(utc: datetime, offset_min: int) -> datetime:
    """An instant shown at the offset it was recorded with."""
    return utc.astimezone(timezone(timedelta(minutes=offset_min)))


def _recorded(ctx: Ctx, row: Any, *, replay: bool) -> Recorded:
    names = ctx.session.execute(select(col(Org.code), label("site_code", col(Site.code)))
                                .join(Site, col(Site.org_id) == Org.id)
                                .where(col(Site.id) == row["site_id"])).one()
    return Recorded(seq=row["seq"], id=row["id"], type=row["type"], org_code=names.code,
                    site_code=names.site_code,
                    occurred_at=local_time(row["occurred_at"], row["occurred_offset_min"]),
                    recorded_at=row["recorded_at"], payload=row["payload"],
                    created_lots=list(row["created_lots"]), replay=replay)
