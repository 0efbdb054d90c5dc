"""Where a lot's mass comes from: each root lot's share, propagated along lineage edges and
rounded once. Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

# Edge kinds that create a lot (its roots); `primary` is metal charged into a melt.
ROOT_KINDS = frozenset({"collect", "declare", "import"})

Inflow = tuple[int | None, str, int]  # (parent lot id or None, kind, grams)


def root_shares(traced: int, inflows: Mapping[int, Sequence[Inflow]]) -> dict[int, Fraction]:
    """Each root lot's exact share of `traced`: at every lot, a parent's part is the grams it
    moved into the lot over everything that moved in (primary metal included); a root is a
    lot with a creation inflow. Lots are visited children first (Kahn's order over the
    reversed edges), so a lot reached along two paths (a split merged again) is counted once
    with both parts."""
    waiting: dict[int, int] = {}  # lot -> its children in the graph not yet visited
    for inflow in inflows.values():
        for parent, _, _ in inflow:
            if parent is not None:
                waiting[parent] = waiting.get(parent, 0) + 1
    weight: dict[int, Fraction] = {traced: Fraction(1)}
    roots: dict[int, Fraction] = {}
    ready = [traced]
    while ready:
        lot = ready.pop()
        share = weight.pop(lot)
        inflow = inflows.get(lot, ())
        whole = sum(g for _, _, g in inflow)
        for parent, kind, g in inflow:
            if kind in ROOT_KINDS:
                roots[lot] = roots.get(lot, Fraction(0)) + share
            elif parent is not None and whole:
                weight[parent] = weight.get(parent, Fraction(0)) + share * g / whole
                waiting[parent] -= 1
                if not waiting[parent]:
                    ready.append(parent)
    return roots


def split_exact(total: int, weights: Sequence[Fraction]) -> list[int]:
    """`total` grams in proportion to exact `weights`, by largest remainder: the parts add up
    to `total` (ties to the earlier weight)."""
    whole = sum(weights, Fraction(0))
    if total == 0 or not whole:
        return [0] * len(weights)
    quotas = [total * w / whole for w in weights]
    parts = [int(q) for q in quotas]  # floor: every quota is ≥ 0
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts
