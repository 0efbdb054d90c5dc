"""Recycled-share arithmetic of DOMAIN.md §6: exact integer metal and ratio figures."""

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


def ratio(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


@dataclass(frozen=True)
class ShareInputs:
    """Metal grams by class over a producer's melts in a period."""

    post_consumer: int
    pre_consumer: int
    declared: int
    primary: int
    home_scrap: int

    @property
    def denominator(self) -> int:
        # Home scrap is neither recycled content nor part of the base (ISO 14021).
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


def charge(cells: Mapping[CellKey, int], grams: int, metal_ppm: int) -> tuple[Cells, Cells]:
    """Charge `grams` of a lot into a melt: (metal drawn per cell, the lot's remaining cells)."""
    taken, rest = comp.take(cells, grams)
    return comp.by_weight(taken, metal_grams(grams, metal_ppm)), rest


def product_cells(metal_by_cell: Mapping[CellKey, int], output_g: int,
                  site_provenance: str) -> Cells:
    """A melt product's composition: its non-home-scrap inputs (primary included) in proportion
    to their metal. Home scrap circulates inside the plant and never enters a product; a melt of
    nothing but home scrap yields home scrap."""
    weights = {k: g for k, g in metal_by_cell.items() if k[0] != "home_scrap"}
    if not weights:
        weights = {("home_scrap", site_provenance, "traced"): 1}
    return comp.by_weight(weights, output_g)
