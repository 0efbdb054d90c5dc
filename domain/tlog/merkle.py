"""RFC 9162 §2.1 Merkle tree arithmetic over stored complete subtrees: pure, no database.

A node `(level, index)` is the complete subtree over leaves [index·2^level, (index+1)·2^level).
The log stores every complete node as leaves arrive, so any hash a proof needs is the fold of at
most log2(n) stored nodes: nothing is ever rehashed from the leaves to answer a request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

Node = tuple[int, int]  # (level, index)
Range = tuple[int, int]  # leaves [start, end)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def subtrees(start: int, end: int) -> list[Node]:
    """[start, end) as complete subtrees, largest first (start a multiple of the range's
    power-of-two ceiling, as every range of a proof is)."""
    out = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        out.append((level, start >> level))
        start += 1 << level
    return out


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its subtrees' hashes: RFC 9162 splits at the largest power of
    two, so the range folds from the right."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes make up PATH(index, D[0:size]), nearest the leaf first."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    lo, hi, path = 0, size, []
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append((lo + k, hi))
            hi = lo + k
        else:
            path.append((lo, lo + k))
            lo += k
    return path[::-1]


def consistency_ranges(old: int, new: int) -> list[Range]:
    """The ranges whose hashes make up PROOF(old, D[0:new]) (RFC 9162 §2.1.4.1)."""
    if not 0 <= old <= new:
        raise ValueError("sizes out of order")
    if old in (0, new):
        return []
    lo, hi, m, whole, after = 0, new, old, True, []
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            after.append((lo + k, hi))
            hi = lo + k
        else:
            after.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    head = [] if whole else [(lo, hi)]
    return head + after[::-1]


def needed(ranges: Sequence[Range]) -> set[Node]:
    return {node for r in ranges for node in subtrees(*r)}


def range_hashes(ranges: Sequence[Range], nodes: Mapping[Node, bytes]) -> list[bytes]:
    return [fold([nodes[n] for n in subtrees(*r)]) for r in ranges]


def root(size: int, get: Callable[[set[Node]], Mapping[Node, bytes]]) -> bytes:
    """The root of the tree's first `size` leaves, from the stored nodes `get` answers."""
    if size == 0:
        return EMPTY_ROOT
    return range_hashes([(0, size)], get(needed([(0, size)])))[0]


def frontier(size: int) -> list[Node]:
    """The complete subtrees of a tree of `size` leaves: what an append builds on."""
    return subtrees(0, size)


def append(size: int, edge: Mapping[Node, bytes], leaves: Sequence[bytes],
           ) -> dict[Node, bytes]:
    """The nodes completed by appending `leaves` (leaf hashes) to a tree of `size` leaves whose
    frontier nodes are `edge`: every new leaf node and every parent it completes."""
    stack = [(node, edge[node]) for node in frontier(size)]
    made: dict[Node, bytes] = {}
    for i, h in enumerate(leaves):
        node: Node = (0, size + i)
        made[node] = h
        while stack and stack[-1][0][0] == node[0]:
            (level, _), left = stack.pop()
            node, h = (level + 1, node[1] >> 1), node_hash(left, h)
            made[node] = h
        stack.append((node, h))
    return made
