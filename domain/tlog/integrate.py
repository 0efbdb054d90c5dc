"""The integrator: hashes the leaves captures have placed into the tree, in index order.

Captures only give each event its place (domain/tlog/log.py), so that the canonical JSON and the
hashing stay off the capture path. The integrator reads the placed leaves and their events in a
read transaction, hashes them with no lock held, then stores the hashes and the subtrees they
complete in a short write transaction, provided no other integrator extended the tree
meanwhile. `scraptrace serve` runs it every half second; a checkpoint, an evidence export and
the self-check run it first, so each covers every event committed before it was asked for.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from domain.db import Database
from domain.tlog import log, merkle
from domain.tlog.leaf import ROWS, event_t, from_row
from domain.tlog.log import TREE, leaf_t

CHUNK = 5000


def integrate_once(db: Database, limit: int = CHUNK) -> int:
    """Hash up to `limit` placed leaves into the tree; answers how many."""
    with db.read() as s:
        conn = s.connection()
        start = log.size(conn)
        rows = conn.execute(ROWS.add_columns(leaf_t.c.idx)
                            .join(leaf_t, leaf_t.c.event_seq == event_t.c.seq)
                            .where(leaf_t.c.idx >= start).order_by(leaf_t.c.idx)
                            .limit(limit)).all()
        run = [r for i, r in enumerate(rows) if r.idx == start + i]  # stop at a gap
        if not run:
            return 0
        edge = log.nodes(conn, set(merkle.frontier(start)))
    hashes = [merkle.leaf_hash(from_row(r)) for r in run]
    with db.write() as s:
        conn = s.connection()
        if log.lock(conn, TREE) != start:
            return 0  # another integrator got there first
        log.extend(conn, start, hashes, edge)
    return len(hashes)


def integrate(db: Database) -> int:
    """Hash every placed leaf committed so far."""
    total = 0
    while n := integrate_once(db):
        total += n
    return total


def follow(db: Database, interval_s: float = 0.5) -> None:  # pragma: no cover - a loop
    """Integrate every `interval_s` seconds until the process is stopped."""
    while True:
        integrate(db)
        time.sleep(interval_s)


def pending(db: Database) -> int:
    """Leaves placed but not hashed yet."""
    with db.read() as s:
        conn = s.connection()
        placed = conn.execute(select(log.state_t.c.size).where(log.state_t.c.id == log.PLACED)
                              ).scalar()
        return int(placed or 0) - log.size(conn)
