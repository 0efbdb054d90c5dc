"""The accounting rules (docs/accounting.md) as an auditor checks them: rework, product metal,
time order, exact metal over many charges, tiny masses. Every figure is computed by hand in the
docstring."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from fractions import Fraction

import pytest

from domain.errors import Conflict, InvalidInput
from domain.lots import get_lot
from domain.reports import recycled_share
from tests.factories import World

YEAR = {"start": date(2026, 1, 1), "end": date(2027, 1, 1)}


def report(w: World, metal: str = "Al") -> dict:
    with w.db.read() as s:
        return {r.org_code: r.inputs for r in recycled_share(
            s, actor=w.admin, metal=metal, tz=w.settings.tz, **YEAR)}


def lot_of(w: World, code: str):
    with w.db.read() as s:
        return get_lot(s, actor=w.admin, code=code).lot


def smelter_with_scrap(w: World, kg: int, **collect: object) -> str:
    w.org("S", "smelter")
    lot = w.collect("S", kg, **collect)
    w.event("S", "assay", lot=lot, metal_pct=100)
    return lot


def test_remelting_own_product_is_rework_not_recycled_content_again(db, settings):
    """Collect 1,000 kg post-consumer (assay 100 %), melt it with 1,000 kg primary into a
    2,000 kg product, then melt that product with 2,000 kg more primary.

    Physically 1,000 kg of recycled metal went into 3,000 kg of primary: share 1,000 / 4,000
    = 0.25. The second melt's 2,000 kg of product metal is S's own rework: in neither term.
    Before the rule it counted again: post 2,000, primary 4,000, share 0.3333.
    """
    w = World(db, settings)
    scrap = smelter_with_scrap(w, 1000)
    [product] = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=2000,
                        inputs=[{"lot": scrap, "mass_kg": 1000}],
                        primary=[{"material": "A00", "mass_kg": 1000}]).created_lots
    w.event("S", "melt", metal="Al", product="A356", output_mass_kg=4000,
            inputs=[{"lot": product, "mass_kg": 2000}],
            primary=[{"material": "A00", "mass_kg": 2000}])
    s = report(w)["S"]
    assert (s.post_consumer, s.primary, s.rework) == (1_000_000, 3_000_000, 2_000_000)
    assert s.recycled_share == Fraction(1, 4)


def test_rework_passes_its_cells_on_to_the_next_product_and_counts_downstream(db, settings):
    """S's second product still carries the 1,000 kg of post-consumer metal (1/4 of 4,000 kg);
    another smelter T that charges it counts that metal as post-consumer, like any input."""
    w = World(db, settings)
    scrap = smelter_with_scrap(w, 1000)
    w.org("T", "smelter", region="520300")
    [first] = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=2000,
                      inputs=[{"lot": scrap, "mass_kg": 1000}],
                      primary=[{"material": "A00", "mass_kg": 1000}]).created_lots
    [second] = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=4000,
                       inputs=[{"lot": first, "mass_kg": 2000}],
                       primary=[{"material": "A00", "mass_kg": 2000}]).created_lots
    assert lot_of(w, second).cells == {
        ("post_consumer", "in_province:520100", "traced", "S"): 1_000_000,
        ("primary", "in_province:520100", "traced", "S"): 3_000_000}
    w.ship("S", [second], "T-S1")
    w.receive("T", {second: 4000})
    w.event("T", "melt", metal="Al", product="A356", output_mass_kg=4000,
            inputs=[{"lot": second, "mass_kg": 4000}])
    t = report(w)["T"]
    assert (t.post_consumer, t.primary, t.rework) == (1_000_000, 3_000_000, 0)


def test_product_carries_only_the_metal_that_went_in(db, settings):
    """1,000 kg of insulated copper wire assayed 50 % (500 kg of metal) melted into 990 kg.

    The product's metal fraction is 500 / 990 = 0.505050 (505,050 ppm), not 1.0. Smelter T
    charging all 990 kg counts 990,000 × 0.505050 = 499,999.5 → 500,000 g of post-consumer
    copper, not 990 kg.
    """
    w = World(db, settings)
    w.org("S", "smelter")
    w.org("T", "smelter")
    wire = w.collect("S", 1000, metal="Cu", grade="CU-DRUID")
    w.event("S", "assay", lot=wire, metal_pct=50)
    [product] = w.event("S", "melt", metal="Cu", product="T2", output_mass_kg=990,
                        inputs=[{"lot": wire, "mass_kg": 1000}]).created_lots
    assert lot_of(w, product).metal_ppm == 505_050
    w.ship("S", [product], "T-S1")
    w.receive("T", {product: 990})
    w.event("T", "melt", metal="Cu", product="T2", output_mass_kg=500,
            inputs=[{"lot": product, "mass_kg": 990}])
    assert report(w, "Cu")["T"].post_consumer == 500_000


def test_a_product_heavier_than_everything_charged_is_impossible(db, settings):
    """1,000 kg charged + 100 kg primary cannot yield 1,100.001 kg."""
    w = World(db, settings)
    lot = smelter_with_scrap(w, 1000)
    with pytest.raises(InvalidInput) as err:
        w.event("S", "melt", metal="Al", product="A356", output_mass_kg="1100.001",
                inputs=[{"lot": lot, "mass_kg": 1000}],
                primary=[{"material": "A00", "mass_kg": 100}])
    assert (err.value.code, err.value.pointer) == ("impossible-yield", "/output_mass_kg")


def test_a_receive_cannot_precede_its_ship_nor_a_melt_its_receive(db, settings):
    """Ship at 10:10, receive dated 09:00 the same day: refused, naming the lot and the time.
    A melt dated before the receive is refused the same way; so the smelter's balance cannot
    close negative (before: −100 kg for the day of the melt)."""
    w = World(db, settings)
    w.org("C", "collector")
    w.org("S", "smelter")
    lot = w.collect("C", 100)
    shipped = w.ship("C", [lot], "S-S1")
    early = shipped.occurred_at - timedelta(hours=1)
    body = w.body("receive", "S-S1", lots=[{"lot": lot, "mass_kg": 100}])
    with pytest.raises(Conflict) as err:
        w.record("S", {**body, "occurred_at": early.isoformat()})
    assert (err.value.code, err.value.pointer, err.value.extra["lot"]) == (
        "occurred-before-history", "/lots/0/lot", f"{lot[:3]}-{lot[3:6]}-{lot[6:]}")
    assert err.value.extra["last_at"] == shipped.occurred_at.astimezone(UTC).isoformat()
    received = w.receive("S", {lot: 100})
    melt = w.body("melt", "S-S1", metal="Al", product="A356", output_mass_kg=80,
                  inputs=[{"lot": lot, "mass_kg": 100}])
    with pytest.raises(Conflict) as err:
        w.record("S", {**melt, "occurred_at": (received.occurred_at - timedelta(minutes=1))
                       .isoformat()})
    assert (err.value.code, err.value.pointer) == ("occurred-before-history", "/inputs/0/lot")


def test_metal_over_many_charges_adds_up_to_the_exact_total(db, settings):
    """Ten charges of 1 g from a lot at 88 %: 8.8 g of metal in all.

    Cumulative rounding gives each charge round(0.88·k) − round(0.88·(k−1)): 1, 1, 1, 1, 0,
    1, 1, 1, 1, 1 → 9 g, the exact total rounded. Rounding each charge alone gave 10 g. The
    fifth melt draws 0 g of metal and still records its charge and a product made of the
    charged lot's cells (by mass), not home scrap.
    """
    w = World(db, settings)
    w.org("S", "smelter")
    lot = w.collect("S", 1)  # AL-TALC, default 88 %
    products = []
    for _ in range(10):
        products += w.event("S", "melt", metal="Al", product="A356", output_mass_kg="0.001",
                            inputs=[{"lot": lot, "mass_kg": "0.001"}]).created_lots
    s = report(w)["S"]
    assert (s.post_consumer, s.primary, s.home_scrap) == (9, 0, 0)
    with w.db.read() as session:
        from sqlalchemy import text
        per_melt = [r[0] for r in session.execute(text(
            "SELECT sum(metal_g) FROM melt_input GROUP BY event_seq ORDER BY event_seq"))]
    assert per_melt == [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]
    fifth = lot_of(w, products[4])
    assert fifth.cells == {("post_consumer", "in_province:520100", "traced", "S"): 1}
    assert fifth.metal_ppm == 0


def test_a_heavier_receive_adds_declared_metal_only(db, settings):
    """Shipped 1,000 kg post-consumer, weighed 1,030 kg on arrival (+3 %, under the 5 % bound):
    the 30 kg gain is a declared cell, so the verified share cannot rise from it."""
    w = World(db, settings)
    w.org("C", "collector")
    w.org("S", "smelter")
    lot = w.collect("C", 1000)
    w.ship("C", [lot], "S-S1")
    w.receive("S", {lot: 1030})
    assert lot_of(w, lot).cells == {("post_consumer", "in_province:520100", "traced", ""): 1_000_000,
                                    ("post_consumer", "in_province:520100", "declared", ""): 30_000}


def test_a_receive_far_above_the_shipped_mass_needs_a_reason(db, settings):
    """1 kg shipped, 10,000,000 kg received: refused without a reason, writing nothing."""
    from domain.errors import RuleViolation
    from tests.factories import snapshot

    w = World(db, settings)
    w.org("C", "collector")
    w.org("S", "smelter")
    lot = w.collect("C", 1)
    w.ship("C", [lot], "S-S1")
    before = snapshot(db)
    with pytest.raises(RuleViolation) as err:
        w.receive("S", {lot: 10_000_000})
    assert (err.value.code, err.value.pointer) == ("receive-mass-implausible", "/lots/0/mass_kg")
    assert snapshot(db) == before
    w.event("S", "receive", lots=[{"lot": lot, "mass_kg": "1.06", "reason": "rain in the bale"}])
    assert lot_of(w, lot).mass_g == 1_060
