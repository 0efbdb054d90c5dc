"""The finding rules, one small function each: given what was measured, the finding's params
(measured value, threshold, policy source) when the rule is broken, else None. Pure: no
database. A value exactly at its threshold never raises."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from domain.findings.policy import Threshold, threshold

Raised = tuple[Threshold, dict[str, object]]
KINDS = ("weight-gap", "stale-transit", "excess-loss", "yield-above-metal", "low-yield",
         "late-record", "declared-share", "void-rate", "licence-capacity")
DAY_S = 86_400


def _dec(x: Fraction, places: int = 4) -> Decimal:
    return round(Decimal(x.numerator) / Decimal(x.denominator), places)


def weight_gap(shipped_g: int, received_g: int, site: str) -> Raised | None:
    """A receipt whose weight differs from the shipped weight by more than the tolerance: the
    larger of a share of the shipped mass and a fixed minimum (docs/domain.md, Weighing
    tolerance), per site."""
    pct = threshold("weight-gap", "tolerance_pct", site)
    floor = threshold("weight-gap", "tolerance_min_kg", site)
    gap = abs(received_g - shipped_g)
    if gap <= floor.value * 1000 or gap * 100 <= shipped_g * pct.value:  # exact (Decimal)
        return None  # every receipt is checked: the common answer without fractions
    tolerance = max(Fraction(shipped_g) * Fraction(pct.value) / 100, Fraction(floor.value) * 1000)
    gap = abs(received_g - shipped_g)
    if gap <= tolerance:
        return None
    rule = pct if Fraction(shipped_g) * Fraction(pct.value) / 100 >= tolerance else floor
    return rule, {"measured": gap / 1000, "threshold": float(_dec(tolerance / 1000, 3)),
                  "unit": "kg", "shipped_kg": shipped_g / 1000, "received_kg": received_g / 1000,
                  "source": rule.source, "param": rule.param}


def excess_loss(input_g: int, output_g: int, grade: str) -> Raised | None:
    rule = threshold("excess-loss", "max_loss_pct", grade)
    loss = Fraction(input_g - output_g) * 100 / input_g
    return (rule, rule.params(_dec(loss), grade=grade)) if loss > rule.value else None


def melt_yield(output_g: int, metal_g: int, product: str) -> Raised | None:
    """Output mass over the metal charged: above 100 % the product claims metal that never went
    in (`yield-above-metal`); below the norm, `low-yield`."""
    if metal_g <= 0:
        return None
    ratio = Fraction(output_g) * 100 / metal_g
    high = threshold("yield-above-metal", "max_yield_pct", product)
    if ratio > high.value:
        return high, high.params(_dec(ratio), product=product, metal_kg=metal_g / 1000)
    low = threshold("low-yield", "min_yield_pct", product)
    if ratio < low.value:
        return low, low.params(_dec(ratio), product=product, metal_kg=metal_g / 1000)
    return None


def late_record(occurred_at: datetime, recorded_at: datetime) -> Raised | None:
    rule = threshold("late-record", "max_days")
    seconds = int((recorded_at - occurred_at).total_seconds())
    if seconds <= rule.value * DAY_S:  # exact (Decimal); every event is checked
        return None
    days = Fraction(seconds, DAY_S)
    return (rule, rule.params(_dec(days))) if days > rule.value else None


def stale_transit(shipped_at: datetime, at: datetime) -> Raised | None:
    rule = threshold("stale-transit", "max_days")
    days = Fraction(int((at - shipped_at).total_seconds()), DAY_S)
    return (rule, rule.params(_dec(days))) if days > rule.value else None


def declared_share(declared_g: int, denominator_g: int, month: str) -> Raised | None:
    """N / D of a producer's month (docs/domain.md, Accounting) above the policy's share."""
    rule = threshold("declared-share", "max_share_pct")
    if not denominator_g:
        return None
    share = Fraction(declared_g) * 100 / denominator_g
    return (rule, rule.params(_dec(share), month=month, declared_kg=declared_g / 1000,
                              denominator_kg=denominator_g / 1000)) \
        if share > rule.value else None


def void_rate(voids: int, events: int, month: str) -> Raised | None:
    """Voids over the other events an organisation recorded in a month."""
    rule = threshold("void-rate", "max_void_pct")
    if not events:
        return None
    rate = Fraction(voids) * 100 / events
    return (rule, rule.params(_dec(rate), month=month, voids=voids, events=events)) \
        if rate > rule.value else None


def licence_capacity(licence: str, year: int, capacity_t: Decimal, handled_kg: Decimal,
                     ratio: Fraction) -> Raised:
    """A licence whose year's intake passed its capacity by more than the margin (the test is
    domain/licences.py's `licence_capacity_exceeded`): how far over, in per cent."""
    rule = threshold("licence-capacity", "max_over_capacity_pct")
    return rule, rule.params(_dec((ratio - 1) * 100), licence=licence, year=year,
                             capacity_t=float(capacity_t), handled_kg=float(handled_kg))
