"""A producer's recycled share recomputed from logged events: the accounting rules of the
platform's domain guide (Accounting), written apart from the server so that an agency checks
the platform's figures with code of its own.

Masses are integer grams, metal fractions parts per million; every split is the largest-
remainder split over cells in key order (ties to the earlier), so each figure comes out to the
gram. Events are replayed in log order; a voided event is skipped (a void is allowed only while
nothing depends on it, so skipping it is what its void restored).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

PPM = 1_000_000
Key = tuple[str, str, str, str]  # origin, provenance, evidence, melted by (org code or "")
Cells = dict[Key, int]


def grams(kg: Any) -> int:
    return int(Decimal(str(kg)) * 1000)


def ppm(pct: Any) -> int:
    return int(Decimal(str(pct)) * PPM / 100)


def half_up(gppm: int) -> int:
    return (gppm + PPM // 2) // PPM


def split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` in proportion to `weights`: floors, then a gram each to the largest remainders."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def spread(weights: Mapping[Key, int], total: int) -> Cells:
    keys = sorted(weights)
    return {k: g for k, g in zip(keys, split(total, [weights[k] for k in keys]), strict=True) if g}


def add(a: Mapping[Key, int], b: Mapping[Key, int]) -> Cells:
    out = dict(a)
    for k, g in b.items():
        out[k] = out.get(k, 0) + g
    return {k: g for k, g in out.items() if g}


def table_round(cells: Mapping[Key, int], cols: list[int]) -> list[Cells]:
    """Cells × columns rounded as a whole so that every row and column keeps its total: floors,
    then remainders largest first while both margins are short, then augmenting paths."""
    keys, whole = sorted(cells), sum(cells.values())
    if whole == 0:
        return [{} for _ in cols]
    exact = [[cells[k] * c for c in cols] for k in keys]
    cell = [[q // whole for q in row] for row in exact]
    short_r = [cells[k] - sum(row) for k, row in zip(keys, cell, strict=True)]
    short_c = [c - sum(row[j] for row in cell) for j, c in enumerate(cols)]
    up: set[tuple[int, int]] = set()
    for _, i, j in sorted((-(exact[i][j] % whole), i, j) for i in range(len(keys))
                          for j in range(len(cols)) if exact[i][j] % whole):
        if short_r[i] and short_c[j]:
            up.add((i, j))
            short_r[i] -= 1
            short_c[j] -= 1
    while any(short_r):
        _reroute(exact, whole, up, short_r, short_c)
    return [{k: cell[i][j] + ((i, j) in up) for i, k in enumerate(keys)
             if cell[i][j] + ((i, j) in up)} for j in range(len(cols))]


def _reroute(exact: list[list[int]], whole: int, up: set[tuple[int, int]], short_r: list[int],
             short_c: list[int]) -> None:
    """Breadth first from the first short row: row → column over fractional entries not yet
    up, column → row over entries up; at a short column, flip the path."""
    start = next(i for i, left in enumerate(short_r) if left)
    prev: dict[tuple[str, int], tuple[str, int] | None] = {("r", start): None}
    queue = [("r", start)]
    for side, n in queue:
        nxt = ([("c", j) for j in range(len(short_c)) if exact[n][j] % whole and (n, j) not in up]
               if side == "r" else [("r", i) for i in range(len(short_r)) if (i, n) in up])
        for node in nxt:
            if node in prev:
                continue
            prev[node] = (side, n)
            if node[0] == "c" and short_c[node[1]]:
                at: tuple[str, int] | None = node
                while at is not None and prev[at] is not None:
                    before = prev[at]
                    assert before is not None
                    pair = (before[1], at[1]) if before[0] == "r" else (at[1], before[1])
                    up.symmetric_difference_update({pair})
                    at = before
                short_r[start] -= 1
                short_c[node[1]] -= 1
                return
            queue.append(node)
    raise ValueError("no rounding keeps the margins")


@dataclass
class Lot:
    grade: str
    mass: int
    cells: Cells
    default: int
    assay: int | None = None
    charged: int = 0  # Σ grams × ppm drawn by melts so far

    @property
    def ppm(self) -> int:
        return self.assay if self.assay is not None else self.default

    def take(self, g: int) -> Cells:
        taken = spread(self.cells, g)
        self.cells = {k: self.cells[k] - taken.get(k, 0) for k in self.cells
                      if self.cells[k] - taken.get(k, 0)}
        self.mass -= g
        return taken


FIGURES = ("post_consumer_g", "pre_consumer_g", "declared_g", "primary_g", "home_scrap_g",
           "rework_g", "in_province_g", "out_of_province_g", "imported_g")


@dataclass
class Share:
    """Metal grams by class over the counted melts."""

    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def count(self, key: Key, metal: int, producer: str) -> None:
        o, p, e, by = key
        f = self.figures
        if by == producer:
            f["rework_g"] += metal
        elif o in ("home_scrap", "primary"):
            f[f"{o}_g"] += metal
        elif e == "declared":
            f["declared_g"] += metal
        else:
            f[f"{o}_g"] += metal
            f[f"{p.partition(':')[0]}_g"] += metal


def code(ref: str) -> str:
    """A lot code as the platform stores it: upper case, no separators, look-alikes read."""
    text = "".join(ch for ch in ref.strip().upper() if ch not in "- ")
    return text.translate(LOOK_ALIKES)


LOOK_ALIKES = str.maketrans("OIL", "011")


class Replay:
    """Lots rebuilt from logged events, and the share of the producer's melts in a period."""

    def __init__(self, *, producer: str, metal: str, start: date, end: date, tz: str,
                 home_region: str, grades: Mapping[str, int]) -> None:
        zone = ZoneInfo(tz)
        self.producer, self.metal, self.home, self.grades = producer, metal, home_region, grades
        self.lo, self.hi = datetime.combine(start, time(), zone), datetime.combine(end, time(), zone)
        self.lots: dict[str, Lot] = {}
        self.share = Share()
        self.melts = 0
        self.missing: list[str] = []  # lots a counted melt charged that no leaf built

    def run(self, records: Iterable[dict[str, Any]]) -> None:
        records = list(records)
        voided = {r["event"]["target"] for r in records if r["event"]["type"] == "void"}
        for r in records:
            if r["event"]["id"] not in voided and r["event"]["type"] != "void":
                getattr(self, "_" + r["event"]["type"])(r, r["event"])

    def _provenance(self, region: str | None) -> str:
        """Domestic metal is tagged with where it was collected: the prefecture in the home
        province, the province outside it (GB/T 2260), nothing when no region is known."""
        if not region:
            return "out_of_province"
        if region.startswith(self.home):
            return f"in_province:{region[:4]}00"
        return f"out_of_province:{region[:2]}0000"

    def _collect(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        region, evidence = r["site_region"], "traced"
        if e["type"] == "declare":
            evidence = "declared"
            region = (e.get("supplier") or {}).get("region") or region
        mass = grams(e["mass_kg"])
        self.lots[r["created_lots"][0]] = Lot(
            e["grade"], mass, {(e["origin"], self._provenance(region), evidence, ""): mass},
            self.grades[e["grade"]])

    _declare = _collect

    def _import(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        mass, pct = grams(e["mass_kg"]), (e.get("inspection") or {}).get("metal_pct")
        self.lots[r["created_lots"][0]] = Lot(
            e["grade"], mass, {(e["origin"], f"imported:{e['country']}", "traced", ""): mass},
            self.grades[e["grade"]], None if pct is None else ppm(pct))

    def _ship(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        pass  # custody only: the cells and mass stay

    def _receive(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        for item in e["lots"]:
            lot = self.lots.get(code(item["lot"]))
            if lot is None:
                continue
            mass = grams(item["mass_kg"])
            if mass <= lot.mass:
                lot.cells = spread(lot.cells, mass)
            else:  # a gain is declared metal of the lot's largest cell
                o, p, _, by = max(sorted(lot.cells), key=lambda k: lot.cells[k])
                lot.cells = add(lot.cells, {(o, p, "declared", by): mass - lot.mass})
            lot.mass = mass

    def _assay(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        lot = self.lots.get(code(e["lot"]))
        if lot is not None:
            lot.assay = ppm(e["metal_pct"])

    def _transform(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        ins = [(self.lots.get(code(i["lot"])), i.get("mass_kg")) for i in e["inputs"]]
        used = [(lot, lot.mass if kg is None else grams(kg)) for lot, kg in ins if lot]
        pooled: Cells = {}
        for lot, g in used:
            pooled = add(pooled, lot.take(g))
        if len(used) < len(ins):
            return  # an input outside the evidence: its outputs are not needed
        grades = {lot.grade for lot, _ in used}
        total = sum(g for _, g in used)
        carried = None
        if len(grades) == 1 and any(lot.assay is not None for lot, _ in used):
            carried = (sum(lot.ppm * g for lot, g in used) + total // 2) // total
        outs = [grams(o["mass_kg"]) for o in e["outputs"]]
        shares = table_round(pooled, [*outs, sum(pooled.values()) - sum(outs)])
        for out, new, mass, cells in zip(e["outputs"], r["created_lots"], outs, shares[:-1],
                                         strict=True):
            grade = out.get("grade") or next(iter(grades))
            default = next((lot.default for lot, _ in used if lot.grade == grade), None)
            self.lots[new] = Lot(grade, mass, cells,
                                 self.grades[grade] if default is None else default,
                                 carried if grade in grades else None)

    def _melt(self, r: dict[str, Any], e: dict[str, Any]) -> None:
        at = datetime.fromisoformat(e["occurred_at"])
        counted = (r["org"] == self.producer and e["metal"] == self.metal
                   and self.lo <= at < self.hi)
        self.melts += counted
        metal: Cells = {}
        material: Cells = {}
        complete = True
        for item in e["inputs"]:
            lot = self.lots.get(code(item["lot"]))
            if lot is None:
                complete = False
                if counted:
                    self.missing.append(code(item["lot"]))
                continue
            g = grams(item["mass_kg"])
            taken = lot.take(g)
            drawn = lot.charged + g * lot.ppm
            drew = spread(taken, half_up(drawn) - half_up(lot.charged))
            lot.charged = drawn
            material = add(material, taken)
            for k in taken:
                metal[k] = metal.get(k, 0) + drew.get(k, 0)
        site = self._provenance(r["site_region"])
        for p in e.get("primary") or []:
            g = grams(p["mass_kg"])
            k = ("primary", site, "traced", "")
            metal[k] = metal.get(k, 0) + half_up(g * (ppm(p["metal_pct"]) if p.get("metal_pct")
                                                      is not None else PPM))
            material[k] = material.get(k, 0) + g
        if counted:
            for k, g in metal.items():
                self.share.count(k, g, self.producer)
        if not complete:
            return
        output, org = grams(e["output_mass_kg"]), r["org"]
        weights: Cells = {}
        for (o, p, ev, _), g in (metal if any(metal.values()) else material).items():
            k = ("primary", site, "traced", org) if o == "home_scrap" else (o, p, ev, org)
            weights[k] = weights.get(k, 0) + g
        fraction = min(PPM, sum(metal.values()) * PPM // output)
        self.lots[r["created_lots"][0]] = Lot(e["product"], output, spread(weights, output),
                                              fraction, fraction)
