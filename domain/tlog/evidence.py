"""An evidence bundle: a producer's recycled-share report with every logged event it rests on.

The bundle holds the report's figures in grams, a signed checkpoint, the verifier key, the
reference data the accounting reads (grade defaults, the home region, the time zone), and the
leaves of the producer's melts in the period, of the whole back-lineage of every lot they
charged and of any voids of those events, each with its inclusion proof. An event the log does
not hold is listed with no index, so that a verifier reports it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from domain import catalogue
from domain.auth import Actor
from domain.db import Database
from domain.errors import NotFound
from domain.events.store import event_lot_t, event_t, org_t, void_t
from domain.reports import period_bounds, recycled_share
from domain.settings import Settings
from domain.tlog import log, merkle
from domain.tlog.integrate import integrate
from domain.tlog.leaf import ROWS, from_row
from domain.tlog.log import leaf_t
from domain.tlog.note import Signer
from domain.tlog.service import checkpoint

FORMAT = "scraptrace-evidence/1"
CHUNK = 500
# Role `out`: the event created the lot (every event that creates a lot, and only those).
TOUCHES = select(event_lot_t.c.event_seq, event_lot_t.c.lot_id, event_lot_t.c.role).where(
    event_lot_t.c.lot_id.in_(bindparam("ids", expanding=True)))
CHARGED = select(event_lot_t.c.event_seq, event_lot_t.c.lot_id).where(
    event_lot_t.c.event_seq.in_(bindparam("seqs", expanding=True)), event_lot_t.c.role == "in")
VOIDS = select(void_t.c.void_seq).where(void_t.c.target_seq.in_(bindparam("seqs", expanding=True)))


def _chunks(items: Iterable[int]) -> Iterable[list[int]]:
    items = sorted(items)
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def lineage(conn: Connection, melts: set[int]) -> set[int]:
    """The events the melts rest on: every event on each charged lot before it was charged,
    and, for a lot a transformation or a melt made, the same for that event's inputs."""
    wanted: dict[int, int] = {}  # lot id → the latest event before which its history counts
    for chunk in _chunks(melts):
        for seq, lot_id in conn.execute(CHARGED, {"seqs": chunk}):
            wanted[lot_id] = max(wanted.get(lot_id, 0), seq)
    events: set[int] = set(melts)
    done: dict[int, int] = {}
    while wanted:
        frontier, wanted = wanted, {}
        creators: dict[int, int] = {}  # creating event → the bound its inputs inherit
        for chunk in _chunks(frontier):
            for r in conn.execute(TOUCHES, {"ids": chunk}):
                if r.event_seq < frontier[r.lot_id]:
                    events.add(r.event_seq)
                    if r.role == "out":
                        creators[r.event_seq] = r.event_seq
        done.update(frontier)
        for chunk in _chunks(creators):
            for seq, lot_id in conn.execute(CHARGED, {"seqs": chunk}):
                if done.get(lot_id, 0) < seq:
                    wanted[lot_id] = max(wanted.get(lot_id, 0), seq)
    for chunk in _chunks(set(events)):
        events.update(conn.execute(VOIDS, {"seqs": chunk}).scalars())
    return events


def _report(session: Session, actor: Actor, settings: Settings, producer: str, metal: str,
            start: date, end: date) -> dict[str, Any]:
    rows = recycled_share(session, actor=actor, metal=metal, start=start, end=end,
                          tz=settings.tz, producer=producer)
    if not rows:
        return {"org": producer, **{k: 0 for k in REPORT_FIELDS}}
    r = rows[0]
    i = r.inputs
    return {"org": r.org_code, "post_consumer_g": i.post_consumer, "pre_consumer_g": i.pre_consumer,
            "declared_g": i.declared, "primary_g": i.primary, "home_scrap_g": i.home_scrap,
            "rework_g": i.rework, "in_province_g": r.in_province_g,
            "out_of_province_g": r.out_of_province_g, "imported_g": r.imported_g}


REPORT_FIELDS = ("post_consumer_g", "pre_consumer_g", "declared_g", "primary_g", "home_scrap_g",
                 "rework_g", "in_province_g", "out_of_province_g", "imported_g")


def export(db: Database, **query: Any) -> dict[str, Any]:
    """`evidence` over every event committed before the call (integrated first)."""
    integrate(db)
    with db.read() as s:
        return evidence(s, **query)


def evidence(session: Session, *, actor: Actor, settings: Settings, signer: Signer | None,
             producer: str, metal: str, start: date, end: date) -> dict[str, Any]:
    """The bundle for `producer`'s `metal` over [start, end) (auditors, or the producer)."""
    conn = session.connection()
    org_id = conn.execute(select(org_t.c.id).where(org_t.c.code == producer)).scalar()
    if org_id is None or not (actor.sees_everything or actor.org_code == producer):
        raise NotFound(f"no organisation '{producer}'", code="org-not-found")
    cp = checkpoint(session, signer=signer, public_url=settings.public_url)
    lo, hi = period_bounds(start, end, settings.tz)
    melts = {seq for seq, payload in conn.execute(
        select(event_t.c.seq, event_t.c.payload).where(
            event_t.c.type == "melt", event_t.c.org_id == org_id,
            event_t.c.occurred_at >= lo, event_t.c.occurred_at < hi))
        if payload.get("metal") == metal}
    seqs = lineage(conn, melts)
    rows: list[Any] = []
    for chunk in _chunks(seqs):
        rows += conn.execute(ROWS.add_columns(leaf_t.c.idx)
                             .outerjoin(leaf_t, leaf_t.c.event_seq == event_t.c.seq)
                             .where(event_t.c.seq.in_(chunk))).all()
    logged = sorted((r for r in rows if r.idx is not None and r.idx < cp.size),
                    key=lambda r: r.idx)
    ranges = {r.idx: merkle.inclusion_ranges(r.idx, cp.size) for r in logged}
    nodes: dict[merkle.Node, bytes] = {}
    for wanted in _node_chunks(merkle.needed([x for rs in ranges.values() for x in rs])):
        nodes.update(log.nodes(conn, wanted))
    leaves = [{"index": r.idx, "leaf": _b64(from_row(r)),
               "proof": [_b64(h) for h in merkle.range_hashes(ranges[r.idx], nodes)]}
              for r in logged]
    leaves += [{"index": None, "leaf": _b64(from_row(r)), "proof": []}
               for r in sorted(rows, key=lambda r: r.seq) if r.idx is None or r.idx >= cp.size]
    return {"format": FORMAT,
            "query": {"producer": producer, "metal": metal, "from": start.isoformat(),
                      "to": end.isoformat()},
            "timezone": settings.timezone, "home_region": settings.home_region,
            "grades": {g.code: g.default_ppm for g in catalogue.grades().values()},
            "report": _report(session, actor, settings, producer, metal, start, end),
            "checkpoint": cp.text, "key": signer.verifier_key if signer else None,
            "leaves": leaves}


def _node_chunks(wanted: set[merkle.Node]) -> Iterable[set[merkle.Node]]:
    items = sorted(wanted)
    for i in range(0, len(items), CHUNK):
        yield set(items[i:i + CHUNK])
