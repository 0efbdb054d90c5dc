"""Units as clients send them, to the integers the platform stores."""

from __future__ import annotations

from decimal import Decimal

from domain.accounting import PPM


def grams(kg: Decimal) -> int:
    """Kilograms (at most 3 decimals) to integer grams, exactly."""
    return int(kg * 1000)


def ppm(pct: Decimal) -> int:
    """Percent (at most 4 decimals) to parts per million, exactly."""
    return int(pct * PPM / 100)
