"""Composition cells and exact integer splits (largest remainder): pure, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

ORIGINS = ("post_consumer", "pre_consumer", "home_scrap", "primary")
PROVENANCES = ("in_province", "out_of_province", "imported")
EVIDENCES = ("traced", "declared")

CellKey = tuple[str, str, str]  # (origin, provenance, evidence)
Cells = dict[CellKey, int]  # grams per cell; never negative, zero cells are dropped


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` so that the parts add up to `total` exactly.

    Each part gets the floor of its quota; the grams left over go one each to the largest
    fractional remainders (ties to the earlier weight, so the split is deterministic).
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("negative total or weight")
    whole = sum(weights)
    if whole == 0:
        if total == 0:
            return [0] * len(weights)
        raise ValueError("cannot split a positive total over zero weights")
    parts = [total * w // whole for w in weights]
    left = total - sum(parts)
    if left:
        remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
        for i in remainders[:left]:
            parts[i] += 1
    return parts


def total(cells: Mapping[CellKey, int]) -> int:
    return sum(cells.values())


def _keys(cells: Mapping[CellKey, int]) -> list[CellKey]:
    return sorted(cells)


def take(cells: Mapping[CellKey, int], grams: int) -> tuple[Cells, Cells]:
    """Take `grams` from a lot in proportion to its cells: (taken, what remains)."""
    have = total(cells)
    if grams > have or grams < 0:
        raise ValueError("cannot take more than the cells hold")
    keys = _keys(cells)
    parts = largest_remainder(grams, [cells[k] for k in keys])
    taken = {k: p for k, p in zip(keys, parts, strict=True) if p}
    rest = {k: cells[k] - p for k, p in zip(keys, parts, strict=True) if cells[k] - p}
    return taken, rest


def combine(many: Iterable[Mapping[CellKey, int]]) -> Cells:
    out: Cells = {}
    for cells in many:
        for k, g in cells.items():
            out[k] = out.get(k, 0) + g
    return {k: g for k, g in out.items() if g}


def distribute(cells: Mapping[CellKey, int], outputs: Sequence[int]) -> tuple[list[Cells], Cells]:
    """Give each output its share of the combined cells; what is left over is the loss.

    Outputs are served one after the other, each in proportion to what still remains, so every
    output's cells add up to its mass and every cell is spent exactly (outputs + loss).
    """
    if sum(outputs) > total(cells):
        raise ValueError("outputs exceed inputs")
    remaining = dict(cells)
    result = []
    for grams in outputs:
        taken, remaining = take(remaining, grams)
        result.append(taken)
    return result, remaining


def scale(cells: Mapping[CellKey, int], new_total: int) -> Cells:
    """The same proportions at a new total mass (a receive at a different measured weight)."""
    keys = _keys(cells)
    parts = largest_remainder(new_total, [cells[k] for k in keys])
    return {k: p for k, p in zip(keys, parts, strict=True) if p}


def by_weight(weights: Mapping[CellKey, int], grams: int) -> Cells:
    """`grams` spread over cells in proportion to `weights` (a melt product by input metal)."""
    keys = _keys(weights)
    parts = largest_remainder(grams, [weights[k] for k in keys])
    return {k: p for k, p in zip(keys, parts, strict=True) if p}


def to_json(cells: Mapping[CellKey, int]) -> list[list[str | int]]:
    return [[o, p, e, cells[(o, p, e)]] for (o, p, e) in _keys(cells) if cells[(o, p, e)]]


def from_json(rows: Iterable[Sequence[str | int]]) -> Cells:
    return {(str(r[0]), str(r[1]), str(r[2])): int(r[3]) for r in rows}
