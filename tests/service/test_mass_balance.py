"""Mass balance per site and metal: opening + received + created + produced − shipped − charged
− losses = closing, exactly, and the closing equals what the site holds."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from domain.mass_balance import mass_balance
from domain.models import Lot, Site
from tests.factories import World


def balances(world: World, start: date, end: date, actor=None) -> dict:
    with world.db.read() as s:
        rows = mass_balance(s, actor=actor or world.admin, start=start, end=end,
                            tz=world.settings.tz)
    return {(r.site_code, r.metal): (r.opening_g, r.received_g, r.created_g, r.produced_g,
                                     r.shipped_g, r.charged_g, r.losses_g, r.closing_g,
                                     r.primary_g) for r in rows}


def test_balance_by_month_and_closing_equals_stock(db, settings):
    w = World(db, settings)
    w.org("COL", "collector")
    w.org("SORT", "sorter")
    w.org("S", "smelter")
    l1, l2 = w.collect("COL", 100), w.collect("COL", 50)
    w.ship("COL", [l1, l2], "SORT-S1")
    w.receive("SORT", {l1: "99.5", l2: 50})
    [bale] = w.event("SORT", "transform", kind="merge", inputs=[{"lot": l1}, {"lot": l2}],
                     outputs=[{"mass_kg": 148}]).created_lots
    w.clock = w.clock.replace(month=4, day=2)
    w.ship("SORT", [bale], "S-S1")
    w.receive("S", {bale: "148.2"})
    w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=110,
            inputs=[{"lot": bale, "mass_kg": 100}],
            primary=[{"material": "A00 ingot", "mass_kg": 20}])

    march = balances(w, date(2026, 3, 1), date(2026, 4, 1))
    assert march == {
        ("COL-S1", "Al"): (0, 0, 150_000, 0, 150_000, 0, 0, 0, 0),
        ("SORT-S1", "Al"): (0, 149_500, 0, 0, 0, 0, 1_500, 148_000, 0),
    }
    # The smelter: 148.2 kg of scrap received, 100 kg of it and 20 kg of primary ingot charged,
    # 110 kg of product made; the ingot is shown beside the balance, never having been in stock.
    april = balances(w, date(2026, 4, 1), date(2026, 5, 1))
    assert april == {
        ("COL-S1", "Al"): (0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("SORT-S1", "Al"): (148_000, 0, 0, 0, 148_000, 0, 0, 0, 0),
        ("S-S1", "Al"): (0, 148_200, 0, 110_000, 0, 100_000, 0, 158_200, 20_000),
    }
    with db.read() as s:
        stock = dict(s.execute(select(Site.code, func.sum(Lot.mass_g))
                               .join(Site, Site.id == Lot.site_id)
                               .where(Lot.status == "active").group_by(Site.code)).all())
    everything = balances(w, date(2020, 1, 1), date(2027, 1, 1))
    assert {site: row[-2] for (site, _), row in everything.items() if row[-2]} == stock
    assert stock == {"S-S1": 158_200}
    # An organisation sees only its own sites.
    assert set(balances(w, date(2026, 4, 1), date(2026, 5, 1), w.actors["S"])) == {
        ("S-S1", "Al")}
