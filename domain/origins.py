"""Where a lot's mass comes from: each root lot's share, propagated along lineage edges and
rounded once. Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import prod

# Edge kinds that create a lot (its roots); `primary` is metal charged into a melt.
ROOT_KINDS = frozenset({"collect", "declare", "import"})

Inflow = tuple[int | None, str, int]  # (parent lot id or None, kind, grams)


def root_shares(traced: int, inflows: Mapping[int, Sequence[Inflow]]) -> dict[int, int]:
    """Each root lot's exact share of `traced`, as integer numerators over one common
    denominator (only their ratios matter).

    At every lot a parent's part is the grams it moved into the lot over everything that moved
    in (primary metal included); a root is a lot with a creation inflow. The common
    denominator is the product of the inflow totals of the lots that are not roots, so each
    step divides exactly (a root's one inflow is all of it); lots
    are visited children first (Kahn's order over the reversed edges), so a lot reached along
    two paths (a split merged again) is counted once with both parts.
    """
    waiting: dict[int, int] = {}  # lot -> its children in the graph not yet visited
    totals: dict[int, int] = {}
    for lot, inflow in inflows.items():
        totals[lot] = sum(g for _, _, g in inflow)
        for parent, _, _ in inflow:
            if parent is not None:
                waiting[parent] = waiting.get(parent, 0) + 1
    # A root's one inflow is its creation (g = total): only the other lots divide.
    weight = {traced: prod(totals[lot] for lot, inflow in inflows.items()
                           if totals[lot] and any(p is not None or k == "primary"
                                                  for p, k, _ in inflow))}
    roots: dict[int, int] = {}
    ready = [traced]
    while ready:
        lot = ready.pop()
        share = weight.pop(lot)
        whole = totals.get(lot, 0)
        for parent, kind, g in inflows.get(lot, ()):
            if parent is None:
                if kind in ROOT_KINDS:
                    roots[lot] = roots.get(lot, 0) + share * g // whole
                continue
            weight[parent] = weight.get(parent, 0) + share * g // whole
            waiting[parent] -= 1
            if not waiting[parent]:
                ready.append(parent)
    return roots
