"""The recycled-share report against the worked example of docs/domain.md (Accounting), figure by figure."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from domain.reports import recycled_share
from tests.factories import World


def worked_example(world: World) -> str:
    """One aluminium melt at smelter S: lots A, B, C, home scrap and primary ingot."""
    world.org("COL", "collector", region="520300")
    world.org("S", "smelter", region="520100")
    a = world.collect("COL", 10_000, grade="AL-TALC", origin="post_consumer")
    world.ship("COL", [a], "S-S1", transport={"mode": "rail", "distance_km": 180})
    world.receive("S", {a: 10_000})
    world.event("S", "assay", lot=a, metal_pct=92, method="XRF", lab="S lab")
    b = world.collect("S", 5_000, grade="AL-TABOO", origin="pre_consumer")  # default 95 %
    c = world.declare("S", 2_000, grade="AL-ZORBA", origin="post_consumer")  # default 90 %
    home = world.collect("S", 3_000, grade="AL-TOTO", origin="home_scrap")
    world.event("S", "assay", lot=home, metal_pct=100)
    melt = world.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=23_500,
                       inputs=[{"lot": a, "mass_kg": 10_000}, {"lot": b, "mass_kg": 5_000},
                               {"lot": c, "mass_kg": 2_000}, {"lot": home, "mass_kg": 3_000}],
                       primary=[{"material": "A00 ingot", "mass_kg": 4_000}])
    return melt.created_lots[0]


def test_worked_example_every_figure(db, settings):
    world = World(db, settings)
    worked_example(world)
    with db.read() as s:
        [row] = recycled_share(s, actor=world.admin, metal="Al", start=date(2026, 1, 1),
                               end=date(2027, 1, 1), tz=settings.tz)
    i = row.inputs
    assert (i.post_consumer, i.pre_consumer, i.declared, i.primary, i.home_scrap) == (
        9_200_000, 4_750_000, 1_800_000, 4_000_000, 3_000_000)
    assert i.denominator == 19_750_000
    assert i.recycled_share == Fraction(13_950, 19_750)
    assert round(float(i.recycled_share), 4) == 0.7063
    assert round(float(i.post_consumer_share), 4) == 0.4658
    assert round(float(i.pre_consumer_share), 4) == 0.2405
    assert round(float(i.claimed_share), 4) == 0.7975
    # A was collected in Zunyi (520300), B at the smelter in Guiyang: all in-province.
    assert (row.in_province_g, row.out_of_province_g, row.imported_g) == (13_950_000, 0, 0)


def test_product_lot_carries_its_inputs_by_metal_with_home_scrap_as_primary(db, settings):
    """The worked example's product: 23,500 kg from 22,750 kg of metal.

    Metal in: A 9,200 + B 4,750 + C 1,800 + home 3,000 + primary 4,000 = 22,750 kg, so the
    product's metal fraction is 22,750 / 23,500 = 0.968085 (floored to a ppm), not 1.0. Its
    cells are the inputs by metal scaled to 23,500 kg, home scrap entering as primary metal of
    the site (4,000 + 3,000 = 7,000): exact 9,503,296.70 / 4,906,593.41 / 1,859,340.66 /
    7,230,769.23 g; the floors leave 2 g for the largest remainders (.70 and .66). Every cell is
    now S's own metal (`melted_by` S).
    """
    world = World(db, settings)
    product = worked_example(world)
    from domain.lots import get_lot

    with db.read() as s:
        lot = get_lot(s, actor=world.admin, code=product).lot
    assert lot.mass_g == 23_500_000
    assert lot.metal_ppm == 968_085
    assert lot.cells == {
        ("post_consumer", "in_province:520300", "traced", "S"): 9_503_297,
        ("pre_consumer", "in_province:520100", "traced", "S"): 4_906_593,
        ("post_consumer", "in_province:520100", "declared", "S"): 1_859_341,
        ("primary", "in_province:520100", "traced", "S"): 7_230_769,
    }


def test_report_period_uses_local_dates_and_excludes_voided_melts(db, settings):
    world = World(db, settings)
    world.org("S", "smelter")
    # The melt at 2025-12-31 23:20 in Shanghai is 15:20 UTC: it belongs to 2025 locally.
    world.clock = world.clock.replace(year=2025, month=12, day=31, hour=23, minute=0)
    lot = world.collect("S", 1_000, grade="AL-TALC")
    melt = world.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=800,
                       inputs=[{"lot": lot, "mass_kg": 1_000}])

    def shares(start: date, end: date) -> list:
        with db.read() as s:
            return recycled_share(s, actor=world.admin, metal="Al", start=start, end=end,
                                  tz=settings.tz)

    assert [r.inputs.post_consumer for r in shares(date(2025, 1, 1), date(2026, 1, 1))] == [
        880_000]
    assert shares(date(2026, 1, 1), date(2027, 1, 1)) == []
    world.event("S", "void", target=melt.id, reason="wrong furnace")
    assert shares(date(2025, 1, 1), date(2026, 1, 1)) == []


def test_producer_sees_only_its_own_figures(db, settings):
    world = World(db, settings)
    for code in ("S1", "S2"):
        world.org(code, "smelter")
        lot = world.collect(code, 100)
        world.event(code, "melt", metal="Al", product="ADC12", output_mass_kg=80,
                    inputs=[{"lot": lot, "mass_kg": 100}])
    with db.read() as s:
        mine = recycled_share(s, actor=world.actors["S1"], metal="Al", start=date(2026, 1, 1),
                              end=date(2027, 1, 1), tz=settings.tz)
        everyone = recycled_share(s, actor=world.admin, metal="Al", start=date(2026, 1, 1),
                                  end=date(2027, 1, 1), tz=settings.tz)
    assert [r.org_code for r in mine] == ["S1"]
    assert [r.org_code for r in everyone] == ["S1", "S2"]
