"""Record events atomically and idempotently: the one entry point for every write to the log."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
from sqlalchemy import bindparam, label, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import commands as c
from domain.auth import Actor
from domain.errors import Conflict, DomainError, InvalidInput
from domain.events.assay import plan_assay
from domain.events.collect import plan_collect
from domain.events.imports import plan_import
from domain.events.melt import plan_melt
from domain.events.shipment import plan_receive, plan_ship
from domain.events.store import SiteInfo, event_t, next_ids
from domain.events.transform import plan_transform
from domain.events.void import plan_void
from domain.events.workspace import Workspace
from domain.findings.engine import event_findings, store_findings
from domain.models import Org, Site
from domain.models.types import utcnow
from domain.periods import check_open
from domain.settings import Settings

PLANNERS: dict[str, Callable[[Workspace, Any, SiteInfo, int], list[str]]] = {
    "collect": plan_collect, "declare": plan_collect, "import": plan_import,
    "transform": plan_transform,
    "ship": plan_ship, "receive": plan_receive, "assay": plan_assay, "melt": plan_melt,
    "void": plan_void,
}
MAX_BATCH = 1000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Built once: the events of a batch that were stored before.
PRIORS = select(event_t).where(event_t.c.id.in_(bindparam("ids", expanding=True)))


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


@dataclass(frozen=True)
class Submission:
    """One caller's events, as one request brings them; `now` is their recording time (the
    server's clock, unless a loader of historical records sets it)."""

    actor: Actor
    events: Sequence[c.Command]
    now: datetime | None = None


def record_events(session: Session, *, actor: Actor, settings: Settings,
                  events: Sequence[c.Command], batch: bool | None = None,
                  now: datetime | None = None) -> list[Recorded]:
    """Check and store `events` in order, all or nothing (the caller owns the transaction).

    An event whose id was stored before with the same body is answered with its original
    result; with a different body it is refused. In a batch (by default: more than one event)
    a failure's pointer starts with `/events/{index}`. The batch is planned in memory over the
    lots it names, read (and locked) up front, and stored in one step. `now` is the recording
    time: the server's clock, unless a loader of historical records (the demo) sets it.
    """
    return record_submissions(session, settings=settings,
                              submissions=[Submission(actor, events, now)], batch=batch)[0]


def record_submissions(session: Session, *, settings: Settings,
                       submissions: Sequence[Submission],
                       batch: bool | None = None) -> list[list[Recorded]]:
    """`record_events` for several callers' requests in one step, in order, all or nothing:
    what a loader of many sites' backlogs (`seed scale`) sends, planned in one workspace and
    stored with one statement per table. Each request is checked as `POST /events` checks it,
    as its own caller, seeing what the requests before it changed."""
    seen: set[str] = set()
    for sub in submissions:
        sub.actor.require("operator", "manager")
        if len(sub.events) > MAX_BATCH:
            raise InvalidInput(f"at most {MAX_BATCH} events per batch", code="batch-too-large",
                               pointer="/events")
        for i, cmd in enumerate(sub.events):
            if str(cmd.id) in seen:
                raise InvalidInput(f"event id {cmd.id} appears twice in the batch",
                                   code="duplicate-event-id", pointer=f"/events/{i}/id")
            seen.add(str(cmd.id))
    ws = Workspace(session, submissions[0].actor, settings)
    priors = {row["id"]: row for row in ws.conn.execute(PRIORS, {"ids": list(seen)}).mappings()}
    fresh = [cmd for sub in submissions for cmd in sub.events if str(cmd.id) not in priors]
    ws.prefetch(fresh, {sub.actor.org_id for sub in submissions if sub.actor.org_id is not None})
    seqs = iter(next_ids(ws.conn, event_t, "seq", len(fresh)))
    answers: list[list[Recorded]] = []
    for sub in submissions:
        ws.act_as(sub.actor)
        is_batch = len(sub.events) > 1 if batch is None else batch
        now = sub.now or utcnow()
        out = []
        for i, cmd in enumerate(sub.events):
            try:
                prior = priors.get(str(cmd.id))
                out.append(_replay(ws, cmd, prior) if prior is not None
                           else _record_one(ws, cmd, next(seqs), now))
            except DomainError as err:
                if is_batch:
                    err.pointer = f"/events/{i}{err.pointer or ''}"
                    err.extra["index"] = i
                raise
        answers.append(out)
    ws.store()
    found = store_findings(ws.conn, ws.findings)
    from domain.webhooks import enqueue_deliveries, enqueue_finding_deliveries  # reads Recorded

    # the webhooks' outbox, in the events' own transaction
    enqueue_deliveries(session, [rec for out in answers for rec in out])
    enqueue_finding_deliveries(session, found)
    return answers


def _replay(ws: Workspace, cmd: c.Command, prior: Any) -> Recorded:
    if prior["payload_hash"] != canonical(cmd)[1] or prior["org_id"] != ws.actor.org_id:
        raise Conflict(f"event {cmd.id} was recorded before with a different body",
                       code="idempotency-conflict", pointer="/id")
    return _recorded(ws, prior, replay=True)


def _record_one(ws: Workspace, cmd: c.Command, seq: int, now: datetime) -> Recorded:
    payload, digest = canonical(cmd)
    site = ws.own_site(cmd.site)
    if cmd.occurred_at > now + timedelta(minutes=ws.settings.clock_skew_minutes):
        raise InvalidInput("occurred_at is in the future", code="occurred-in-future",
                           pointer="/occurred_at")
    earliest = max(EARLIEST, now - timedelta(days=ws.settings.backdate_days))
    if cmd.occurred_at < earliest:
        raise InvalidInput(f"occurred_at is before {earliest.date().isoformat()}: events may be "
                           f"recorded at most {ws.settings.backdate_days} days after they occur",
                           code="occurred-too-early", pointer="/occurred_at")
    offset = cmd.occurred_at.utcoffset()
    row = {"seq": seq, "id": str(cmd.id), "type": cmd.type, "org_id": site.org_id,
           "site_id": site.id, "user_id": ws.actor.user_id, "occurred_at": cmd.occurred_at,
           "occurred_offset_min": int(offset.total_seconds() // 60) if offset else 0,
           "recorded_at": now, "payload": payload, "payload_hash": digest,
           "created_lots": []}
    ws.event_row(row)  # before planning: a void stores what is planned so far, this row too
    row["created_lots"] = created = PLANNERS[cmd.type](ws, cmd, site, seq)
    check_open(ws.closed, metals=ws.metals_of(seq), at=cmd.occurred_at, org_id=site.org_id,
               tz=ws.settings.tz)
    ws.findings += event_findings(ws, cmd, site, seq, now)
    return Recorded(seq=seq, id=str(cmd.id), type=cmd.type, org_code=site.org_code,
                    site_code=site.code, occurred_at=cmd.occurred_at, recorded_at=now,
                    payload=payload, created_lots=created, replay=False)


def local_time(utc: datetime, offset_min: int) -> datetime:
    """An instant shown at the offset it was recorded with."""
    return utc.astimezone(timezone(timedelta(minutes=offset_min)))


def _recorded(ws: Workspace, row: Any, *, replay: bool) -> Recorded:
    names = ws.session.execute(select(col(Org.code), label("site_code", col(Site.code)))
                                .join(Site, col(Site.org_id) == Org.id)
                                .where(col(Site.id) == row["site_id"])).one()
    return Recorded(seq=row["seq"], id=row["id"], type=row["type"], org_code=names.code,
                    site_code=names.site_code,
                    occurred_at=local_time(row["occurred_at"], row["occurred_offset_min"]),
                    recorded_at=row["recorded_at"], payload=row["payload"],
                    created_lots=list(row["created_lots"]), replay=replay)
