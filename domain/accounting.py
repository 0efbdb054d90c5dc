"""Recycled-share arithmetic of docs/domain.md (Accounting): exact integer metal and ratio figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from domain import composition as comp
from domain.composition import CellKey, Cells

PPM = 1_000_000


def metal_grams(grams: int, metal_ppm: int) -> int:
    """Metal in `grams` of material at `metal_ppm` parts per million, rounded half up to a gram."""
    return (grams * metal_ppm + PPM // 2) // PPM


def charge_metal(before_gppm: int, after_gppm: int) -> int:
    """The metal of one charge of a lot, from the lot's cumulative grams × ppm before and after
    it: round(after) − round(before), so that the charges of a lot add up to the exact total."""
    return (after_gppm + PPM // 2) // PPM - (before_gppm + PPM // 2) // PPM


def ratio(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


def percent(share: Fraction | None) -> float | None:
    """A share as a percentage for display: two decimals, rounded half up from the exact ratio
    (0.4434938 → 44.35). The unrounded ratio stays beside it for computation."""
    if share is None:
        return None
    hundredths = share * 10_000
    return float(Fraction(int(hundredths + Fraction(1, 2)), 100))


@dataclass(frozen=True)
class ShareInputs:
    """Metal grams by class over a producer's melts in a period."""

    post_consumer: int
    pre_consumer: int
    declared: int
    primary: int
    home_scrap: int
    rework: int = 0  # the producer's own product charged again: in neither term

    @property
    def denominator(self) -> int:
        # Home scrap and rework are neither recycled content nor part of the base (ISO 14021).
        return self.post_consumer + self.pre_consumer + self.declared + self.primary

    @property
    def recycled_share(self) -> Fraction | None:
        return ratio(self.post_consumer + self.pre_consumer, self.denominator)

    @property
    def post_consumer_share(self) -> Fraction | None:
        return ratio(self.post_consumer, self.denominator)

    @property
    def pre_consumer_share(self) -> Fraction | None:
        return ratio(self.pre_consumer, self.denominator)

    @property
    def claimed_share(self) -> Fraction | None:
        return ratio(self.post_consumer + self.pre_consumer + self.declared, self.denominator)


def classify(origin: str, evidence: str) -> str:
    """Which term of the share formula a cell's metal counts in."""
    if origin == "home_scrap":
        return "home_scrap"
    if origin == "primary":
        return "primary"
    if evidence == "declared":
        return "declared"
    return origin  # post_consumer or pre_consumer, traced


def is_rework(key: CellKey, producer: str) -> bool:
    """Metal that `producer`'s own melt made, charged by `producer` again: internal rework."""
    return key[3] == producer


def product_cells(metal_by_cell: Mapping[CellKey, int], material_by_cell: Mapping[CellKey, int],
                  output_g: int, *, producer: str, site_provenance: str) -> Cells:
    """A melt product's composition (docs/domain.md, Melts).

    Every input cell, primary included, in proportion to its metal, scaled to the output mass;
    all of it now made by `producer`. Home scrap enters as primary metal of the melting site:
    its recycled content, if any, was credited when it was first melted. When the metal rounds
    to nothing, the charged material's cells by mass stand in for it.
    """
    weights = metal_by_cell if any(metal_by_cell.values()) else material_by_cell
    out: Cells = {}
    for (o, p, e, _), g in weights.items():
        key = ("primary", site_provenance, "traced", producer) if o == "home_scrap" \
            else (o, p, e, producer)
        out[key] = out.get(key, 0) + g
    return comp.by_weight(out, output_g)
