"""Shares shown as percentages: two decimals, rounded half up from the exact ratio."""

from __future__ import annotations

from fractions import Fraction

from domain.accounting import percent


def test_percent_rounds_the_exact_ratio_half_up_to_two_decimals():
    assert percent(Fraction(44_349_379_999_993_527, 10**17)) == 44.35
    assert percent(Fraction(13_950, 19_750)) == 70.63  # the worked example, 70.6329…
    assert percent(Fraction(1, 800)) == 0.13  # 0.125 → half up
    assert percent(Fraction(12_345, 1_000_000)) == 1.23
    assert percent(Fraction(1)) == 100.0
    assert percent(None) is None
