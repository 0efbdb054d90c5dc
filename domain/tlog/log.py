"""The log's storage: append leaves in the capture transaction, read roots and proofs.

An append locks the log's one state row until the transaction commits, so leaf indexes are
gapless and follow commit order; it reads the O(log n) frontier nodes and writes each new leaf
and every subtree it completes. A root or a proof reads the O(log n) nodes it folds, in two
statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, bindparam, select, text, tuple_, update

from domain.events import bulk
from domain.models import TlogLeaf, TlogNode, TlogState
from domain.tlog import merkle
from domain.tlog.merkle import Node

leaf_t = TlogLeaf.__table__  # type: ignore[attr-defined]
node_t = TlogNode.__table__  # type: ignore[attr-defined]
state_t = TlogState.__table__  # type: ignore[attr-defined]

SIZE = select(state_t.c.size).where(state_t.c.id == 1)
LOCK = SIZE.with_for_update()
SET_SIZE = update(state_t).where(state_t.c.id == 1).values(size=bindparam("size"))
LEAVES = select(leaf_t.c.idx, leaf_t.c.hash).where(
    leaf_t.c.idx.in_(bindparam("ids", expanding=True)))
NODES = select(node_t.c.level, node_t.c.idx, node_t.c.hash).where(
    tuple_(node_t.c.level, node_t.c.idx).in_(bindparam("keys", expanding=True)))


def size(conn: Connection) -> int:
    return int(conn.execute(SIZE).scalar() or 0)


def _lock(conn: Connection) -> int:
    found = conn.execute(LOCK).scalar()
    if found is None:  # an emptied database: the row comes back at size 0
        conn.execute(text("INSERT INTO tlog_state (id, size) VALUES (1, 0)"))
        found = conn.execute(LOCK).scalar_one()
    return int(found)


def nodes(conn: Connection, wanted: set[Node]) -> dict[Node, bytes]:
    """The stored hashes of these nodes, in at most two statements."""
    out: dict[Node, bytes] = {}
    leaves = [idx for level, idx in wanted if level == 0]
    inner = [n for n in wanted if n[0] > 0]
    if leaves:
        out.update({(0, r.idx): bytes(r.hash) for r in conn.execute(LEAVES, {"ids": leaves})})
    if inner:
        out.update({(r.level, r.idx): bytes(r.hash)
                    for r in conn.execute(NODES, {"keys": inner})})
    missing = wanted - out.keys()
    if missing:
        raise LookupError(f"the log's stored tree lacks nodes {sorted(missing)[:3]}")
    return out


def append(conn: Connection, leaves: Sequence[tuple[int, bytes]]) -> int:
    """Append (event seq, leaf bytes) pairs in order; answers the index of the first."""
    start = _lock(conn)
    made = merkle.append(start, nodes(conn, set(merkle.frontier(start))),
                         [merkle.leaf_hash(data) for _, data in leaves])
    bulk.insert(conn, leaf_t, [{"idx": start + i, "event_seq": seq, "hash": made[(0, start + i)]}
                               for i, (seq, _) in enumerate(leaves)])
    bulk.insert(conn, node_t, [{"level": level, "idx": idx, "hash": h}
                               for (level, idx), h in made.items() if level > 0])
    conn.execute(SET_SIZE, {"size": start + len(leaves)})
    return start


def root(conn: Connection, tree_size: int) -> bytes:
    return merkle.root(tree_size, lambda wanted: nodes(conn, wanted))


def _hashes(conn: Connection, ranges: Sequence[merkle.Range]) -> list[bytes]:
    found: Mapping[Node, bytes] = nodes(conn, merkle.needed(ranges))
    return merkle.range_hashes(ranges, found)


def inclusion(conn: Connection, index: int, tree_size: int) -> list[bytes]:
    return _hashes(conn, merkle.inclusion_ranges(index, tree_size))


def consistency(conn: Connection, old: int, new: int) -> list[bytes]:
    return _hashes(conn, merkle.consistency_ranges(old, new))
