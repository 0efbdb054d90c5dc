"""Composition cells and exact integer splits (largest remainder): pure, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

ORIGINS = ("post_consumer", "pre_consumer", "home_scrap", "primary")
PROVENANCES = ("in_province", "out_of_province", "imported")
# An imported cell's provenance names its country of origin: "imported:JP".
IMPORTED = "imported"


def imported_from(country: str) -> str:
    return f"{IMPORTED}:{country}"


def provenance_tag(provenance: str) -> tuple[str, str | None]:
    """The kind and its tag: ("imported", "JP") for "imported:JP", ("in_province", "520100")
    for "in_province:520100"; (provenance, None) for an untagged one."""
    kind, _, tag = provenance.partition(":")
    return kind, tag or None


def provenance_parts(provenance: str) -> tuple[str, str | None]:
    """The kind and the country of origin: ("imported", "JP") for "imported:JP";
    (kind, None) for a domestic provenance, whatever its region."""
    kind, tag = provenance_tag(provenance)
    return kind, tag if kind == IMPORTED else None


def provenance_region(provenance: str) -> str | None:
    """The GB/T 2260 region of a domestic provenance ("520100" for "in_province:520100")."""
    kind, tag = provenance_tag(provenance)
    return None if kind == IMPORTED else tag


def provenance_of(region: str | None, home: str) -> str:
    """A domestic cell's provenance, tagged with its region: the prefecture-level division
    (GB/T 2260, 4 digits + "00") in the home province, the province (2 digits + "0000")
    outside it. Without a region: plain `out_of_province`."""
    if not region:
        return "out_of_province"
    if region.startswith(home):
        return f"in_province:{region[:4]}00"
    return f"out_of_province:{region[:2]}0000"


EVIDENCES = ("traced", "declared")

# (origin, provenance, evidence, melted_by): melted_by is the code of the organisation whose melt
# made this metal ("" for scrap no melt has made); charged again by that organisation, it is
# internal rework.
CellKey = tuple[str, str, str, str]
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


def allocate(cells: Mapping[CellKey, int], outputs: Sequence[int]) -> tuple[list[Cells], Cells]:
    """Give every output its share of the pooled cells in one pass; what is left is the loss.

    The exact table (cells × outputs and loss) is rounded as a whole: each entry is the floor or
    the ceiling of its exact share, every output's cells add up to its mass, and every cell is
    spent exactly. The grams left after the floors go to the largest remainders first (ties to
    the earlier cell and output); where that greedy choice leaves a row or column short, an
    augmenting path moves a gram along entries that were rounded up, so the margins always
    close (a rounding of a matrix with integer margins always exists).
    """
    whole = total(cells)
    if any(g < 0 for g in outputs) or sum(outputs) > whole:
        raise ValueError("outputs exceed inputs")
    keys = _keys(cells)
    cols = [*outputs, whole - sum(outputs)]  # the last column is the loss
    if whole == 0:
        return [{} for _ in outputs], {}
    exact = [[cells[k] * c for c in cols] for k in keys]
    table = [[q // whole for q in row] for row in exact]
    row_left = [cells[k] - sum(row) for k, row in zip(keys, table, strict=True)]
    col_left = [c - sum(table[i][j] for i in range(len(keys))) for j, c in enumerate(cols)]
    order = sorted((-(exact[i][j] % whole), i, j) for i in range(len(keys))
                    for j in range(len(cols)) if exact[i][j] % whole)
    up = [[False] * len(cols) for _ in keys]
    for _, i, j in order:
        if row_left[i] and col_left[j]:
            up[i][j] = True
            row_left[i] -= 1
            col_left[j] -= 1
    while any(row_left):
        _augment(exact, whole, up, row_left, col_left)
    for i, row in enumerate(up):
        for j, is_up in enumerate(row):
            table[i][j] += is_up
    shares = [{k: table[i][j] for i, k in enumerate(keys) if table[i][j]}
              for j in range(len(cols))]
    return shares[:-1], shares[-1]


def _augment(exact: list[list[int]], whole: int, up: list[list[bool]], row_left: list[int],
             col_left: list[int]) -> None:
    """One more gram placed: a path from a short row to a short column that alternates entries
    not yet rounded up (row → column) and entries rounded up (column → row), then flipped."""
    start = next(i for i, left in enumerate(row_left) if left)
    came_from: dict[tuple[str, int], tuple[str, int] | None] = {("r", start): None}
    queue = [("r", start)]
    for node in queue:
        side, n = node
        if side == "r":
            steps = [("c", j) for j in range(len(col_left))
                     if exact[n][j] % whole and not up[n][j]]
        else:
            steps = [("r", i) for i in range(len(row_left)) if up[i][n]]
        for nxt in steps:
            if nxt in came_from:
                continue
            came_from[nxt] = node
            if nxt[0] == "c" and col_left[nxt[1]]:
                path_end: tuple[str, int] | None = nxt
                while path_end is not None and came_from[path_end] is not None:
                    prev = came_from[path_end]
                    assert prev is not None
                    (a, x), (_, y) = prev, path_end
                    i, j = (x, y) if a == "r" else (y, x)
                    up[i][j] = not up[i][j]
                    path_end = prev
                row_left[start] -= 1
                col_left[nxt[1]] -= 1
                return
            queue.append(nxt)
    raise AssertionError("no rounding keeps both margins")  # impossible: the exact table is one


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
    """Stored as [origin, provenance, evidence, grams] (and melted_by when there is one)."""
    return [[o, p, e, g, m] if m else [o, p, e, g]
            for (o, p, e, m), g in sorted(cells.items()) if g]


def from_json(rows: Iterable[Sequence[str | int]]) -> Cells:
    return {(str(r[0]), str(r[1]), str(r[2]), str(r[4]) if len(r) > 4 else ""): int(r[3])
            for r in rows}
