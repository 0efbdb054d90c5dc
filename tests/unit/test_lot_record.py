"""The pure lot changes: grams conserved, cells always add up to the mass, voids restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import composition as comp
from domain import lot_record as lr

T0 = datetime(2026, 3, 2, tzinfo=UTC)
POST = ("post_consumer", "in_province", "traced", "")
PRE = ("pre_consumer", "out_of_province", "traced", "")


def new_lot(cells: dict) -> lr.LotRecord:
    return lr.create(code="LOT000001", metal="Al", grade="AL-TALC", mass_g=comp.total(cells),
                     cells=cells, org_id=1, site_id=1, default_ppm=880_000, assay_ppm=None,
                     seq=1, at=T0)


def test_a_lighter_receive_scales_down_and_a_heavier_one_adds_declared_metal():
    lot = lr.ship(new_lot({POST: 600_000, PRE: 400_000}), 2, seq=2, at=T0)
    light = lr.receive(lot, 990_000, org_id=2, site_id=2, seq=3, at=T0)
    assert light.cells == {POST: 594_000, PRE: 396_000}
    heavy = lr.receive(lot, 1_030_000, org_id=2, site_id=2, seq=3, at=T0)
    assert heavy.cells == {POST: 600_000, PRE: 400_000,
                           ("post_consumer", "in_province", "declared", ""): 30_000}
    assert (heavy.status, heavy.org_id, heavy.site_id, heavy.dest_site_id) == ("active", 2, 2,
                                                                               None)


def test_charges_draw_metal_cumulatively():
    lot = new_lot({POST: 10})  # 88 %
    drawn = []
    for seq in range(2, 12):
        lot, _taken, metal = lr.charge(lot, 1, seq=seq, at=T0)
        drawn.append(comp.total(metal))
    assert drawn == [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]
    assert (lot.mass_g, lot.status, lot.charged_gppm) == (0, "consumed", 8_800_000)


def test_restore_undoes_a_change_from_its_snapshot():
    lot = new_lot({POST: 600_000, PRE: 400_000})
    after, _ = lr.spend(lot, 250_000, seq=5, at=T0 + timedelta(hours=1))
    assert lr.restore(after, lr.snapshot(lot)) == lot
    gone = lr.restore(lot, None)
    assert (gone.status, gone.mass_g, gone.cells) == ("void", 0, {})


op_st = st.one_of(
    st.tuples(st.just("spend"), st.integers(0, 1000)),
    st.tuples(st.just("charge"), st.integers(0, 1000)),
    st.tuples(st.just("move"), st.integers(900, 1100)),
    st.tuples(st.just("assay"), st.integers(1, 1_000_000)),
)


@settings(max_examples=400)
@given(cells=st.dictionaries(st.sampled_from([POST, PRE]), st.integers(1, 10**8), min_size=1),
       ops=st.lists(op_st, max_size=20))
def test_any_sequence_of_changes_conserves_grams_and_keeps_cells_whole(cells, ops):
    lot = new_lot(cells)
    out = 0  # grams taken out by spends and charges
    gained = 0  # grams added (or lost, negative) by receives
    for seq, (kind, n) in enumerate(ops, start=2):
        before = lot
        if kind in ("spend", "charge") and lot.mass_g:
            grams = lot.mass_g * n // 1000
            if kind == "spend":
                lot, taken = lr.spend(lot, grams, seq=seq, at=T0)
            else:
                lot, taken, metal = lr.charge(lot, grams, seq=seq, at=T0)
                assert comp.total(metal) <= grams
            assert comp.total(taken) == grams
            out += grams
        elif kind == "move" and lot.mass_g:
            weighed = max(1, lot.mass_g * n // 1000)
            lot = lr.receive(lr.ship(lot, 2, seq=seq, at=T0), weighed, org_id=2, site_id=2,
                             seq=seq, at=T0)
            gained += weighed - before.mass_g
        elif kind == "assay":
            lot = lr.assay(lot, n, seq=seq, at=T0)
        assert comp.total(lot.cells) == lot.mass_g
        assert all(g > 0 for g in lot.cells.values())
        assert lr.restore(lot, lr.snapshot(before)) == before
    assert lot.mass_g == comp.total(cells) - out + gained
