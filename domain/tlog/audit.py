"""The server's self-check: every leaf rebuilt from the stored rows, the tree's root recomputed.

Reads the log in pages, keeps O(log n) hashes in memory, and names the first leaf index where
the stored rows and the stored tree disagree, and every stored event the log does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from domain.tlog import log, merkle
from domain.tlog.leaf import ROWS, event_t, from_row
from domain.tlog.log import leaf_t, node_t

PAGE = 5000


@dataclass
class Audit:
    size: int = 0
    first_bad: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad(self, index: int | None, message: str) -> None:
        if index is not None and (self.first_bad is None or index < self.first_bad):
            self.first_bad = index
        self.problems.append(message)


def check(conn: Connection, *, limit: int = 20) -> Audit:
    """Compare the stored events with the stored tree (at most `limit` problems listed).

    Leaves placed but not hashed yet are not checked: run the integrator first."""
    audit = Audit(size=log.size(conn))
    stmt = (ROWS.add_columns(leaf_t.c.idx, node_t.c.hash)
            .join(leaf_t, leaf_t.c.event_seq == event_t.c.seq)
            .outerjoin(node_t, node_t.c.key == leaf_t.c.idx))  # level 0: key = index
    edge: dict[merkle.Node, bytes] = {}
    expected, gap = 0, False
    while len(audit.problems) < limit and not gap:
        rows = conn.execute(stmt.where(leaf_t.c.idx >= expected, leaf_t.c.idx < audit.size)
                            .order_by(leaf_t.c.idx).limit(PAGE)).all()
        for r in rows:
            if r.idx != expected:
                audit.bad(expected, f"leaf {expected}: missing (the next stored leaf is {r.idx})")
                gap = True
                break
            rebuilt = merkle.leaf_hash(from_row(r))
            if r.hash is None:
                audit.bad(r.idx, f"leaf {r.idx}: its hash is gone")
                gap = True
                break
            if rebuilt != bytes(r.hash):
                audit.bad(r.idx, f"leaf {r.idx}: event seq {r.seq} no longer matches its leaf")
            made = merkle.append(r.idx, edge, [bytes(r.hash)])
            frontier = merkle.frontier(r.idx + 1)
            edge = {n: made.get(n) or edge[n] for n in frontier}
            expected = r.idx + 1
        if len(rows) < PAGE:
            break
    if gap:
        pass
    elif expected != audit.size:
        audit.bad(min(expected, audit.size),
                  f"the log holds {audit.size} leaves, the stored rows {expected}")
    elif audit.size and merkle.fold([edge[n] for n in merkle.frontier(audit.size)]) \
            != log.root(conn, audit.size):
        audit.bad(None, "the stored tree's root is not the root of the stored events")
    unlogged = conn.execute(select(event_t.c.seq, event_t.c.id).where(
        event_t.c.seq.not_in(select(leaf_t.c.event_seq))).order_by(event_t.c.seq)
        .limit(limit)).all()
    for seq, event_id in unlogged:
        audit.bad(None, f"event seq {seq} ({event_id}) is stored but not in the log")
    return audit
