"""Recycled-share arithmetic of DOMAIN.md §6: exact integer metal and ratio figures."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

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
