"""The log's storage: places given in the capture transaction, hashes added by the integrator,
roots and proofs read from stored complete subtrees.

A capture locks state row 1 until it commits, so leaf indexes are gapless and follow commit
order, and writes one row per event. The integrator (domain/tlog/integrate.py) later extends the
tree under state row 2: it reads the O(log n) frontier nodes and writes each leaf's hash and
every subtree it completes. A root or a proof reads the O(log n) nodes it folds, in one
statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, bindparam, select, text, update

from domain.errors import Unavailable
from domain.events import bulk
from domain.models import TlogLeaf, TlogNode, TlogState
from domain.tlog import merkle
from domain.tlog.merkle import Node

leaf_t = TlogLeaf.__table__  # type: ignore[attr-defined]
node_t = TlogNode.__table__  # type: ignore[attr-defined]
state_t = TlogState.__table__  # type: ignore[attr-defined]
PLACED, TREE = 1, 2  # the state rows

SIZE = select(state_t.c.size).where(state_t.c.id == bindparam("row"))
LOCK = SIZE.with_for_update()
SET_SIZE = update(state_t).where(state_t.c.id == bindparam("row")).values(size=bindparam("size"))
# Lock the row and take `n` places in one statement: the place before is the first one taken.
ADVANCE = text("UPDATE tlog_state SET size = size + :n WHERE id = :row RETURNING size - :n")
NODES = select(node_t.c.key, node_t.c.hash).where(
    node_t.c.key.in_(bindparam("keys", expanding=True)))
LEVEL = 1 << 48  # a node's key: level · 2^48 + index, one integer the primary key indexes


def key(node: Node) -> int:
    return node[0] * LEVEL + node[1]


def size(conn: Connection) -> int:
    """The tree's size: the leaves hashed so far (what checkpoints and proofs cover)."""
    return int(conn.execute(SIZE, {"row": TREE}).scalar() or 0)


def lock(conn: Connection, row: int) -> int:
    found = conn.execute(LOCK, {"row": row}).scalar()
    if found is None:  # an emptied database: the rows come back at size 0
        for missing in (PLACED, TREE):
            if conn.execute(SIZE, {"row": missing}).scalar() is None:
                conn.execute(text(f"INSERT INTO tlog_state (id, size) VALUES ({missing}, 0)"))
        found = conn.execute(LOCK, {"row": row}).scalar_one()
    return int(found)


def assign(conn: Connection, seqs: Sequence[int]) -> int:
    """Give the events `seqs` the next places, in order; answers the first."""
    found = conn.execute(ADVANCE, {"row": PLACED, "n": len(seqs)}).scalar()
    if found is None:  # an emptied database
        start = lock(conn, PLACED)
        conn.execute(SET_SIZE, {"row": PLACED, "size": start + len(seqs)})
    else:
        start = int(found)
    bulk.insert(conn, leaf_t, [{"idx": start + i, "event_seq": seq}
                               for i, seq in enumerate(seqs)])
    return start


def nodes(conn: Connection, wanted: set[Node]) -> dict[Node, bytes]:
    """The stored hashes of these nodes, in one statement."""
    if not wanted:
        return {}
    keys = {key(n): n for n in wanted}
    out = {keys[k]: bytes(h) for k, h in conn.execute(NODES, {"keys": list(keys)})}
    missing = wanted - out.keys()
    if missing:
        # Rows deleted behind the platform's back: nothing is proved (or appended) until the
        # operators restore them; `scraptrace log verify` names what is missing.
        raise Unavailable(f"the log's stored tree lacks nodes {sorted(missing)[:3]}",
                          code="log-damaged")
    return out


def extend(conn: Connection, start: int, hashes: Sequence[bytes],
           edge: Mapping[Node, bytes]) -> None:
    """Store the hashes of leaves start, start+1, … and every subtree they complete (the tree
    holds `start` leaves, whose frontier nodes are `edge`; the caller holds row TREE)."""
    made = merkle.append(start, edge, hashes)
    bulk.insert(conn, node_t, [{"key": key(n), "hash": h} for n, h in made.items()])
    conn.execute(SET_SIZE, {"row": TREE, "size": start + len(hashes)})


def root(conn: Connection, tree_size: int) -> bytes:
    return merkle.root(tree_size, lambda wanted: nodes(conn, wanted))


def _hashes(conn: Connection, ranges: Sequence[merkle.Range]) -> list[bytes]:
    found: Mapping[Node, bytes] = nodes(conn, merkle.needed(ranges))
    return merkle.range_hashes(ranges, found)


def inclusion(conn: Connection, index: int, tree_size: int) -> list[bytes]:
    return _hashes(conn, merkle.inclusion_ranges(index, tree_size))


def consistency(conn: Connection, old: int, new: int) -> list[bytes]:
    return _hashes(conn, merkle.consistency_ranges(old, new))
