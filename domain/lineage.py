"""A lot's lineage, back to its origins or forward to what it became: one recursive query
over the `lot_edge` table, then one read of the lots it reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, exists, literal, select, text
from sqlalchemy.orm import Session

from domain import composition as comp
from domain.auth import Actor
from domain.errors import InvalidInput
from domain.events.capture import local_time
from domain.models import Event, Lot, LotAccess, Org, Site
from domain.models.types import Json, UtcDateTime
from domain.origins import ROOT_KINDS, Inflow, root_shares
from domain.visibility import hidden_lot_id, visible_lot_id

MAX_DEPTH = 64  # a guard: real chains are a few steps (collect, sort, bale, melt, ...)
DIRECTIONS = ("back", "forward")

# The walk: every edge reached from the root, with the shortest distance at which it was met
# (UNION drops a repeated (edge, depth); the graph has no cycles: a lot is created once).
_WALK = {
    "back": """WITH RECURSIVE walk(edge_id, parent_id, depth) AS (
        SELECT e.id, e.parent_id, 1 FROM lot_edge e WHERE e.child_id = :root
        UNION
        SELECT e.id, e.parent_id, w.depth + 1 FROM lot_edge e JOIN walk w
            ON e.child_id = w.parent_id WHERE w.depth < :max_depth)""",
    "forward": """WITH RECURSIVE walk(edge_id, child_id, depth) AS (
        SELECT e.id, e.child_id, 1 FROM lot_edge e WHERE e.parent_id = :root
        UNION
        SELECT e.id, e.child_id, w.depth + 1 FROM lot_edge e JOIN walk w
            ON e.parent_id = w.child_id WHERE w.depth < :max_depth)""",
}
# The bare walk (the benchmark's baseline): the edges reached, each at its shortest depth.
WALKS = {d: text(f"""{sql}
    SELECT e.parent_id, e.child_id, e.kind, e.grams, w.depth
    FROM (SELECT edge_id, min(depth) AS depth FROM walk GROUP BY edge_id) w
    JOIN lot_edge e ON e.id = w.edge_id""") for d, sql in _WALK.items()}

# A trace in one statement: each edge reached, with the lot it flows into (every lot of a back
# trace flows in from somewhere: a root from its creation), its holder and its making event.
_SEEN = {True: "1", False: "EXISTS (SELECT 1 FROM lot_access a WHERE a.lot_id = l.id "
                          "AND a.org_id = :org_id)"}
TRACES = {(d, everything): text(f"""{sql}
    SELECT e.parent_id, e.child_id, e.kind, e.grams, e.origin, e.provenance, e.evidence,
           e.region, w.depth, ev.id AS event, ev.type AS event_type, ev.occurred_at,
           ev.occurred_offset_min, mk.kind AS maker_kind, l.code, l.metal, l.grade, l.status,
           l.mass_g, CASE WHEN l.id = :root THEN l.cells END AS cells, o.code AS org,
           s.code AS site, {_SEEN[everything]} AS seen
    FROM (SELECT edge_id, min(depth) AS depth FROM walk GROUP BY edge_id) w
    JOIN lot_edge e ON e.id = w.edge_id JOIN event ev ON ev.seq = e.event_seq
    JOIN org mk ON mk.id = ev.org_id JOIN lot l ON l.id = e.child_id
    JOIN org o ON o.id = l.org_id LEFT JOIN site s ON s.id = l.site_id""").columns(
    occurred_at=UtcDateTime(), cells=Json)
    for d, sql in _WALK.items() for everything in (True, False)}

_lot: Table = Lot.__table__  # type: ignore[attr-defined]
_org: Table = Org.__table__  # type: ignore[attr-defined]
_site: Table = Site.__table__  # type: ignore[attr-defined]
_event: Table = Event.__table__  # type: ignore[attr-defined]
_access: Table = LotAccess.__table__  # type: ignore[attr-defined]
_maker = _org.alias("maker")


def _nodes_stmt(everything: bool) -> Any:
    seen = literal(True) if everything else exists().where(
        _access.c.lot_id == _lot.c.id, _access.c.org_id == bindparam("org_id"))
    return (select(_lot.c.id, _lot.c.code, _lot.c.metal, _lot.c.grade, _lot.c.status,
                   _lot.c.mass_g, _lot.c.cells, _org.c.code.label("org"),
                   _site.c.code.label("site"), _event.c.id.label("event"),
                   _event.c.type.label("event_type"), _event.c.occurred_at,
                   _event.c.occurred_offset_min, _maker.c.kind.label("maker_kind"),
                   seen.label("seen"))
            .select_from(_lot.join(_org, _org.c.id == _lot.c.org_id)
                         .outerjoin(_site, _site.c.id == _lot.c.site_id)
                         .join(_event, _event.c.seq == _lot.c.created_seq)
                         .join(_maker, _maker.c.id == _event.c.org_id))
            .where(_lot.c.id.in_(bindparam("ids", expanding=True))))


NODES = {True: _nodes_stmt(True), False: _nodes_stmt(False)}


@dataclass(frozen=True)
class Node:
    """A lot as the caller sees it in a trace; a hidden one shows only `id`, metal and mass."""

    id: str  # the lot code, or a stable opaque id when hidden
    hidden: bool
    metal: str
    mass_g: int
    grade: str | None = None
    status: str | None = None
    org: str | None = None
    site: str | None = None
    event: str | None = None
    event_type: str | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Edge:
    source: str  # node id
    target: str
    event: str | None  # None where either end is hidden from the caller
    type: str  # transform, melt
    grams: int


@dataclass(frozen=True)
class Origin:
    lot: str  # code or hidden id
    hidden: bool
    origin: str
    provenance: str  # in_province, out_of_province, imported
    region: str | None  # prefecture in the province, province outside it, country imported
    evidence: str
    org_kind: str
    grams: int


@dataclass(frozen=True)
class Trace:
    root: str
    direction: str
    nodes: list[Node]
    edges: list[Edge]
    origins: list[Origin] | None  # back traces only
    truncated: bool  # the depth asked for left edges out


def trace_lot(session: Session, *, actor: Actor, code: str, key: str, direction: str = "back",
              depth: int | None = None) -> Trace:
    """The lots upstream (`back`) or downstream (`forward`) of `code` and the flows between
    them; a back trace also answers the lot's origins (docs/audit.md, Lineage)."""
    if direction not in DIRECTIONS:
        raise InvalidInput(f"direction must be one of {', '.join(DIRECTIONS)}",
                           pointer="/direction")
    if depth is not None and not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput(f"depth must be between 1 and {MAX_DEPTH}", pointer="/depth")
    root = visible_lot_id(session, actor=actor, code=code)
    rows = list(session.execute(TRACES[direction, actor.sees_everything], {
        "root": root, "max_depth": MAX_DEPTH, "org_id": actor.org_id}))
    shown = [r for r in rows if r.parent_id is not None
             and (depth is None or r.depth <= depth)]
    ids = {root} | {r.parent_id for r in shown} | {r.child_id for r in shown}
    if direction == "back":
        ids |= {r.child_id for r in rows if r.kind in ROOT_KINDS}
    lots: dict[int, Any] = {r.child_id: r for r in rows}
    missing = ids - lots.keys()  # a forward trace's root; a lot older than the lineage
    if missing:
        lots.update((r.id, r) for r in session.execute(NODES[actor.sees_everything], {
            "ids": list(missing), "org_id": actor.org_id}))
    nodes = {lot_id: _node(lots[lot_id], key) for lot_id in ids}
    edges = [Edge(nodes[r.parent_id].id, nodes[r.child_id].id,
                  None if nodes[r.parent_id].hidden or nodes[r.child_id].hidden else r.event,
                  r.kind, r.grams) for r in shown]
    linked = {e.source for e in edges} | {e.target for e in edges}
    others = sorted((n for i, n in nodes.items() if i != root and n.id in linked),
                    key=lambda n: (n.hidden, n.id))
    return Trace(root=nodes[root].id, direction=direction, nodes=[nodes[root], *others],
                 edges=sorted(edges, key=lambda e: (e.target, e.source)),
                 origins=_origins(root, rows, lots, nodes) if direction == "back" else None,
                 truncated=len(shown) < sum(1 for r in rows if r.parent_id is not None))


def _node(row: Any, key: str) -> Node:
    if not row.seen:
        return Node(id=hidden_lot_id(row.code, key), hidden=True, metal=row.metal,
                    mass_g=row.mass_g)
    return Node(id=row.code, hidden=False, metal=row.metal, mass_g=row.mass_g, grade=row.grade,
                status=row.status, org=row.org, site=row.site, event=row.event,
                event_type=row.event_type,
                occurred_at=local_time(row.occurred_at, row.occurred_offset_min))


def _origins(root: int, rows: list[Any], lots: dict[int, Any], nodes: dict[int, Node],
             ) -> list[Origin]:
    """Each root lot's part of the traced lot's non-primary mass, rounded once."""
    inflows: dict[int, list[Inflow]] = {}
    creation: dict[int, Any] = {}
    for r in rows:
        inflows.setdefault(r.child_id, []).append((r.parent_id, r.kind, r.grams))
        if r.kind in ROOT_KINDS:
            creation[r.child_id] = r
    shares = sorted(root_shares(root, inflows).items(), key=lambda kv: nodes[kv[0]].id)
    cells = comp.from_json(lots[root].cells)
    non_primary = sum(g for (origin, *_), g in cells.items() if origin != "primary")
    if not cells:  # consumed or void: the origins of the mass it had are shown
        non_primary = sum(g for _, kind, g in inflows.get(root, ()) if kind != "primary")
    parts = comp.largest_remainder(non_primary, [w for _, w in shares])
    out = []
    for (lot_id, _), grams in zip(shares, parts, strict=True):
        c = creation[lot_id]
        kind, tag = comp.provenance_tag(c.provenance)
        out.append(Origin(lot=nodes[lot_id].id, hidden=nodes[lot_id].hidden, origin=c.origin,
                          provenance=kind, region=tag, evidence=c.evidence,
                          org_kind=lots[lot_id].maker_kind, grams=grams))
    return out
