"""The capture path's database side: a batch's reads in a few statements, its writes in one step.

Reads: sites, lots (locked, in id order so that concurrent batches cannot deadlock), the
caller's access and reserved label codes, one statement each. Writes: every table written with
one executemany per batch; sequence numbers and lot ids taken in bulk.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, select, text

from domain import composition as comp
from domain import lot_record as lr
from domain.errors import CodeCollision
from domain.events import bulk
from domain.lot_record import LotRecord
from domain.models import (
    Event,
    EventLot,
    EventVoid,
    ImportRecord,
    LabelCode,
    LicenceUse,
    Lot,
    LotAccess,
    LotEdge,
    Manifest,
    ManifestReceipt,
    MeltInput,
    Movement,
    Org,
    Site,
)
from domain.models.types import utcnow

# SQLModel sets `__table__` on table classes at runtime but does not declare it for type checkers.
event_t: Table = Event.__table__  # type: ignore[attr-defined]
lot_t: Table = Lot.__table__  # type: ignore[attr-defined]
access_t: Table = LotAccess.__table__  # type: ignore[attr-defined]
edge_t: Table = LotEdge.__table__  # type: ignore[attr-defined]
event_lot_t: Table = EventLot.__table__  # type: ignore[attr-defined]
void_t: Table = EventVoid.__table__  # type: ignore[attr-defined]
movement_t: Table = Movement.__table__  # type: ignore[attr-defined]
melt_input_t: Table = MeltInput.__table__  # type: ignore[attr-defined]
label_t: Table = LabelCode.__table__  # type: ignore[attr-defined]
org_t: Table = Org.__table__  # type: ignore[attr-defined]
site_t: Table = Site.__table__  # type: ignore[attr-defined]
# Compliance records written with the event that makes them and deleted when it is voided
# (keyed by `event_seq`), in the order they are inserted.
PROJECTIONS: dict[str, Table] = {
    t.name: t for t in (ImportRecord.__table__, Manifest.__table__,  # type: ignore[attr-defined]
                        ManifestReceipt.__table__, LicenceUse.__table__)}  # type: ignore[attr-defined]

# Statements built once: building and cache-keying a statement per call costs more than the
# database work of a capture.
SITES = (select(site_t.c.id, site_t.c.code, site_t.c.org_id, site_t.c.region,
                org_t.c.code.label("org_code"), org_t.c.kind)
         .join(org_t, org_t.c.id == site_t.c.org_id)
         .where(site_t.c.code.in_(bindparam("codes", expanding=True))))
SITE_BY_ID = (select(site_t.c.id, site_t.c.code, site_t.c.org_id, site_t.c.region,
                    org_t.c.code.label("org_code"), org_t.c.kind)
              .join(org_t, org_t.c.id == site_t.c.org_id).where(site_t.c.id == bindparam("id")))
LOTS = (select(lot_t).where(lot_t.c.code.in_(bindparam("codes", expanding=True)))
        .order_by(lot_t.c.id).with_for_update())
ACCESS = select(access_t.c.lot_id, access_t.c.org_id).where(
    access_t.c.org_id.in_(bindparam("orgs", expanding=True)),
    access_t.c.lot_id.in_(bindparam("ids", expanding=True)))
RESERVED = select(label_t.c.code, label_t.c.site_id).where(
    label_t.c.code.in_(bindparam("codes", expanding=True)))
# A fresh code already used by a lot or a pre-printed label (one statement for both).
CODE_IN_USE = select(lot_t.c.code).where(lot_t.c.code.in_(bindparam("codes", expanding=True))) \
    .union_all(select(label_t.c.code).where(label_t.c.code.in_(bindparam("codes",
                                                                        expanding=True)))) \
    .limit(1)


@dataclass(frozen=True)
class SiteInfo:
    id: int
    code: str
    org_id: int
    org_code: str
    org_kind: str
    region: str


@dataclass
class Pending:
    """What planned events will write: rows, and the codes of lots created or changed."""

    event: list[dict[str, Any]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # codes, in creation order
    updated: dict[str, None] = field(default_factory=dict)  # codes of stored lots, ordered
    event_lot: list[tuple[int, str, str, dict[str, Any] | None]] = field(default_factory=list)
    grants: list[tuple[str, int]] = field(default_factory=list)  # (code, org id)
    revokes: list[tuple[int, int]] = field(default_factory=list)  # (lot id, org id)
    movement: list[dict[str, Any]] = field(default_factory=list)
    melt_input: list[dict[str, Any]] = field(default_factory=list)
    voids: list[tuple[int, int]] = field(default_factory=list)  # (target seq, void seq)
    fresh_codes: list[str] = field(default_factory=list)  # random codes to check against labels
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # PROJECTIONS rows
    # lot_edge rows with the codes of their lots ("parent", "child"): ids are known at write
    edges: list[dict[str, Any]] = field(default_factory=list)

    def changed(self, lot: LotRecord, *, created: bool) -> None:
        if created:
            self.created.append(lot.code)
        elif lot.id is not None:
            self.updated[lot.code] = None


def load_sites(conn: Connection, codes: Collection[str]) -> dict[str, SiteInfo]:
    if not codes:
        return {}
    rows = conn.execute(SITES, {"codes": list(codes)})
    return {r.code: SiteInfo(r.id, r.code, r.org_id, r.org_code, r.kind, r.region) for r in rows}


def load_site_by_id(conn: Connection, site_id: int) -> SiteInfo:
    r = conn.execute(SITE_BY_ID, {"id": site_id}).one()
    return SiteInfo(r.id, r.code, r.org_id, r.org_code, r.kind, r.region)


def load_lots(conn: Connection, codes: Collection[str]) -> dict[str, LotRecord]:
    """The lots with these codes, locked until the transaction ends."""
    rows = conn.execute(LOTS, {"codes": list(codes)}).mappings()
    return {r["code"]: lr.from_row(r) for r in rows}


def accessible(conn: Connection, lot_ids: Collection[int], orgs: Collection[int],
               ) -> list[tuple[int, int]]:
    """(lot id, org id) of the stored access rows of these lots for these organisations."""
    if not lot_ids or not orgs:
        return []
    return [(r.lot_id, r.org_id) for r in conn.execute(
        ACCESS, {"orgs": list(orgs), "ids": list(lot_ids)})]


def reserved_labels(conn: Connection, codes: Collection[str]) -> dict[str, int]:
    if not codes:
        return {}
    return {r.code: r.site_id for r in conn.execute(RESERVED, {"codes": list(codes)})}


def next_ids(conn: Connection, table: Table, column: str, n: int) -> list[int]:
    """`n` new keys of `table`: from its sequence on PostgreSQL; on SQLite, after the largest,
    which is safe because the write transaction holds the database's only write lock."""
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', '{column}')) "
            "FROM generate_series(1, :n)"), {"n": n}).scalars())
    top = conn.execute(text(f"SELECT coalesce(max({column}), 0) FROM {table.name}")).scalar_one()
    return list(range(top + 1, top + 1 + n))


def lock_key(conn: Connection, key: str) -> None:
    """Serialise concurrent batches over one business key (a manifest number, a declaration)
    until the transaction ends: a transaction advisory lock on PostgreSQL; on SQLite the write
    transaction holds the database's only write lock already."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def _lot_row(lot: LotRecord, now: datetime | None = None) -> dict[str, Any]:
    return {"id": lot.id, "code": lot.code, "metal": lot.metal, "grade": lot.grade,
            "status": lot.status, "mass_g": lot.mass_g, "assay_ppm": lot.assay_ppm,
            "default_ppm": lot.default_ppm, "cells": comp.to_json(lot.cells),
            "org_id": lot.org_id, "site_id": lot.site_id, "dest_site_id": lot.dest_site_id,
            "created_seq": lot.created_seq, "last_seq": lot.last_seq, "last_at": lot.last_at,
            "charged_gppm": lot.charged_gppm, "created_at": now or utcnow()}


_EDGE_COLUMNS = ("event_seq", "kind", "grams", "origin", "provenance", "evidence", "region")


def _edge_row(row: dict[str, Any], lots: dict[str, LotRecord]) -> dict[str, Any]:
    return {**{k: row.get(k) for k in _EDGE_COLUMNS},
            "parent_id": None if row["parent"] is None else lots[row["parent"]].id,
            "child_id": lots[row["child"]].id}


_UPDATED = ("status", "mass_g", "assay_ppm", "cells", "org_id", "site_id", "dest_site_id",
            "grade", "last_seq", "last_at", "charged_gppm")
UPDATE_LOTS = f"UPDATE lot SET {', '.join(c + ' = ?' for c in _UPDATED)} WHERE id = ?"
GRANT = "INSERT INTO lot_access (lot_id, org_id) VALUES (?, ?) ON CONFLICT DO NOTHING"


def write(conn: Connection, pending: Pending, lots: dict[str, LotRecord]) -> None:
    """Store what a batch planned, one statement per table; new lots get their ids here."""
    if pending.fresh_codes and conn.execute(CODE_IN_USE,
                                            {"codes": pending.fresh_codes}).first():
        # A random code hit an existing lot or a pre-printed label: the retry draws anew.
        raise CodeCollision("a new lot code is already in use; retry")
    ids = next_ids(conn, lot_t, "id", len(pending.created))
    for code, lot_id in zip(pending.created, ids, strict=True):
        lots[code] = lr.with_id(lots[code], lot_id)
    bulk.insert(conn, event_t, pending.event)
    now = utcnow()
    bulk.insert(conn, lot_t, [_lot_row(lots[code], now) for code in pending.created])
    bulk.execute_many(conn, lot_t, UPDATE_LOTS, [
        {**{k: row[k] for k in _UPDATED}, "id": row["id"]}
        for row in (_lot_row(lots[code]) for code in pending.updated)])
    bulk.insert(conn, event_lot_t, [
        {"event_seq": seq, "lot_id": lots[code].id, "role": role, "before": before}
        for seq, code, role, before in pending.event_lot])
    # Access to a lot created in this batch cannot exist yet: those rows are a plain insert.
    created = set(pending.created)
    grants = {(code, lots[code].id, org): None for code, org in pending.grants}
    bulk.insert(conn, access_t, [{"lot_id": lot_id, "org_id": org}
                                 for code, lot_id, org in grants if code in created])
    bulk.execute_many(conn, access_t, GRANT, [{"lot_id": lot_id, "org_id": org}
                                              for code, lot_id, org in grants
                                              if code not in created])
    for lot_id, org_id in pending.revokes:
        conn.execute(delete(access_t).where(and_(access_t.c.lot_id == lot_id,
                                                 access_t.c.org_id == org_id)))
    bulk.insert(conn, edge_t, [_edge_row(row, lots) for row in pending.edges])
    bulk.insert(conn, movement_t, pending.movement)
    bulk.insert(conn, melt_input_t, pending.melt_input)
    for name, table in PROJECTIONS.items():
        bulk.insert(conn, table, pending.records.get(name, []))
    for target, void_seq in pending.voids:
        conn.execute(delete(movement_t).where(movement_t.c.event_seq == target))
        conn.execute(delete(melt_input_t).where(melt_input_t.c.event_seq == target))
        conn.execute(delete(edge_t).where(edge_t.c.event_seq == target))
        for table in reversed(PROJECTIONS.values()):
            conn.execute(delete(table).where(table.c.event_seq == target))
        conn.execute(insert(void_t).values(target_seq=target, void_seq=void_seq))
