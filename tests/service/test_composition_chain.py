"""Cells carried through three transformations and a receive at another weight, to the gram.

Every expected figure below was computed by hand: floor each quota, then give the grams left
over to the largest fractional remainders (docs/domain.md, Units and rounding).
"""

from __future__ import annotations

from domain.lots import get_lot
from tests.factories import World

POST_IN = ("post_consumer", "in_province:520100", "traced", "")
POST_OUT_DECL = ("post_consumer", "out_of_province:500000", "declared", "")
PRE_OUT = ("pre_consumer", "out_of_province:500000", "traced", "")


def cells(world: World, code: str) -> tuple[int, dict]:
    with world.db.read() as s:
        lot = get_lot(s, actor=world.admin, code=code).lot
    assert sum(lot.cells.values()) == lot.mass_g
    return lot.mass_g, lot.cells


def test_cells_through_merge_split_sort_and_a_lighter_receive(db, settings):
    w = World(db, settings)
    w.org("COL", "collector", region="520100")
    w.org("CQ", "collector", region="500112")
    w.org("SORT", "sorter", region="520300")
    w.org("S", "smelter", region="522700")
    a = w.collect("COL", 1000, grade="AL-TALC", origin="post_consumer")
    b = w.collect("CQ", 500, grade="AL-TABOO", origin="pre_consumer")
    c = w.declare("COL", 300, grade="AL-TALC", origin="post_consumer",
                  reason="off_platform_purchase",
                  supplier={"name": "Yubei dealer", "region": "500112"})
    assert cells(w, b) == (500_000, {PRE_OUT: 500_000})
    assert cells(w, c) == (300_000, {POST_OUT_DECL: 300_000})
    w.ship("COL", [a, c], "SORT-S1", transport={"mode": "road_diesel", "distance_km": 140})
    w.ship("CQ", [b], "SORT-S1", transport={"mode": "rail", "distance_km": 420})
    w.receive("SORT", {a: 1000, b: "498.5", c: 300})
    assert cells(w, b) == (498_500, {PRE_OUT: 498_500})

    # 1. merge 1,798.5 kg into 1,790 kg: quotas 995,273.84 / 298,582.15 / 496,144.01.
    [m] = w.event("SORT", "transform", kind="merge", inputs=[{"lot": a}, {"lot": b}, {"lot": c}],
                  outputs=[{"grade": "AL-MIXED", "mass_kg": 1790}]).created_lots
    assert cells(w, m) == (1_790_000, {POST_IN: 995_274, POST_OUT_DECL: 298_582,
                                       PRE_OUT: 496_144})
    assert [cells(w, x)[0] for x in (a, b, c)] == [0, 0, 0]

    # 2. split into 1,000 kg and 700 kg (90 kg lost), the whole table rounded at once: exact
    #    shares 556,018.99 / 166,805.59 / 277,175.42 and 389,213.30 / 116,763.91 / 194,022.79.
    x, y = w.event("SORT", "transform", kind="split", inputs=[{"lot": m}],
                   outputs=[{"mass_kg": 1000}, {"mass_kg": 700}]).created_lots
    assert cells(w, x) == (1_000_000, {POST_IN: 556_019, POST_OUT_DECL: 166_806,
                                       PRE_OUT: 277_175})
    assert cells(w, y) == (700_000, {POST_IN: 389_213, POST_OUT_DECL: 116_764,
                                     PRE_OUT: 194_023})

    # 3. sort 800 kg of x into 780 kg of Taint/Tabor; 200 kg of x stay behind.
    [z] = w.event("SORT", "transform", kind="sort", inputs=[{"lot": x, "mass_kg": 800}],
                  outputs=[{"grade": "AL-TAINT-TABOR", "mass_kg": 780}]).created_lots
    assert cells(w, x) == (200_000, {POST_IN: 111_204, POST_OUT_DECL: 33_361,
                                     PRE_OUT: 55_435})
    assert cells(w, z) == (780_000, {POST_IN: 433_695, POST_OUT_DECL: 130_109,
                                     PRE_OUT: 216_196})

    # 4. the smelter weighs 776.1 kg on arrival: cells scale to the measured mass.
    w.ship("SORT", [z], "S-S1")
    w.receive("S", {z: "776.1"})
    assert cells(w, z) == (776_100, {POST_IN: 431_527, POST_OUT_DECL: 129_458,
                                     PRE_OUT: 215_115})
