"""Largest-remainder splits and cell arithmetic: exact grams, never negative, always whole."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import composition as comp

POST = ("post_consumer", "in_province", "traced", "")
PRE = ("pre_consumer", "out_of_province", "traced", "")
DECL = ("post_consumer", "in_province", "declared", "")


def test_largest_remainder_gives_leftover_grams_to_largest_fractions():
    # 10 over 1:1:1 → 3.33 each; one gram left goes to the first (ties by position).
    assert comp.largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    # 100 over 2:3:5 is exact.
    assert comp.largest_remainder(100, [2, 3, 5]) == [20, 30, 50]
    # 7 over 5:3 → 4.375 / 2.625: floors 4 + 2, the gram goes to .625.
    assert comp.largest_remainder(7, [5, 3]) == [4, 3]


def test_largest_remainder_refuses_positive_total_over_nothing():
    assert comp.largest_remainder(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError):
        comp.largest_remainder(5, [0, 0])


def test_take_splits_proportionally_and_leaves_the_rest():
    taken, rest = comp.take({POST: 600, PRE: 400}, 250)
    assert taken == {POST: 150, PRE: 100}
    assert rest == {POST: 450, PRE: 300}


def test_allocate_serves_outputs_and_leaves_loss():
    outputs, loss = comp.allocate({POST: 700, PRE: 300}, [500, 400])
    assert outputs == [{POST: 350, PRE: 150}, {POST: 280, PRE: 120}]
    assert loss == {POST: 70, PRE: 30}


def test_scale_to_heavier_receive_weight():
    assert comp.scale({POST: 333, PRE: 667}, 1003) == {POST: 334, PRE: 669}


cells_st = st.dictionaries(st.sampled_from([POST, PRE, DECL]), st.integers(1, 10**9),
                           min_size=1)


@given(cells_st, st.lists(st.integers(1, 10**9), min_size=1, max_size=5))
def test_allocate_conserves_every_gram(cells, outputs):
    total = comp.total(cells)
    outputs = [o for o in outputs if o]
    if sum(outputs) > total:
        outputs = comp.largest_remainder(total, outputs)
    parts, loss = comp.allocate(cells, outputs)
    assert [comp.total(p) for p in parts] == outputs
    assert comp.combine([*parts, loss]) == cells
    assert all(g > 0 for p in [*parts, loss] for g in p.values())


# A random history of splits, merges and receives over a handful of lots.
op_st = st.one_of(
    st.tuples(st.just("split"), st.integers(0, 9), st.floats(0.01, 0.99)),
    st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("receive"), st.integers(0, 9), st.floats(0.9, 1.1)),
)


@settings(max_examples=300)
@given(st.lists(cells_st, min_size=1, max_size=4), st.lists(op_st, max_size=40))
def test_any_history_of_splits_merges_and_receives_keeps_lots_whole(initial, ops):
    lots = [dict(c) for c in initial]
    for op in ops:
        i = op[1] % len(lots)
        if op[0] == "split":
            mass = comp.total(lots[i])
            part = int(mass * op[2])
            if 0 < part < mass:
                [a], rest = comp.allocate(lots[i], [part])
                assert comp.total(a) + comp.total(rest) == mass
                lots[i] = rest
                lots.append(a)
        elif op[0] == "merge":
            j = op[2] % len(lots)
            if i != j:
                merged = comp.combine([lots[i], lots[j]])
                before = comp.total(lots[i]) + comp.total(lots[j])
                lots = [c for k, c in enumerate(lots) if k not in (i, j)] + [merged]
                assert comp.total(merged) == before
        else:
            new = max(1, int(comp.total(lots[i]) * op[2]))
            lots[i] = comp.scale(lots[i], new)
            assert comp.total(lots[i]) == new
        assert all(g > 0 for c in lots for g in c.values())
        assert all(comp.total(c) > 0 for c in lots)


def test_json_round_trip_is_sorted_and_drops_zero_cells():
    made = ("post_consumer", "in_province", "traced", "QN-LY")
    cells = {PRE: 5, POST: 7, made: 3, DECL: 0}
    assert comp.to_json(cells) == [["post_consumer", "in_province", "traced", 7],
                                   ["post_consumer", "in_province", "traced", 3, "QN-LY"],
                                   ["pre_consumer", "out_of_province", "traced", 5]]
    assert comp.from_json(comp.to_json(cells)) == {PRE: 5, POST: 7, made: 3}


def test_allocate_keeps_both_margins_and_every_entry_within_a_gram():
    """92 g (post 28, declared 4, pre 60) into outputs of 29, 28, 5 and 27 g, 3 g lost.

    Exact shares of the last output: post 28·27/92 = 8.217, declared 1.174, pre 17.609.
    Served one output after another, it got post 7 and declared 2 (1.217 g off). Rounded as a
    whole table (floors, then the grams left to the largest remainders, margins kept), every
    entry is the floor or ceiling of its exact share.
    """
    cells = {POST: 28, DECL: 4, PRE: 60}
    parts, loss = comp.allocate(cells, [29, 28, 5, 27])
    assert parts == [{DECL: 1, POST: 9, PRE: 19}, {DECL: 1, POST: 9, PRE: 18},
                     {DECL: 1, POST: 1, PRE: 3}, {DECL: 1, POST: 8, PRE: 18}]
    assert loss == {POST: 1, PRE: 2}


@settings(max_examples=300, deadline=None)
@given(cells=st.dictionaries(st.sampled_from([POST, PRE, DECL]), st.integers(1, 10**7),
                             min_size=1),
       shares=st.lists(st.integers(0, 1000), min_size=1, max_size=8))
def test_allocate_is_a_rounding_of_the_exact_table(cells, shares):
    total = comp.total(cells)
    outputs = [total * s // (1000 * len(shares)) for s in shares]
    parts, loss = comp.allocate(cells, outputs)
    assert [comp.total(p) for p in parts] == outputs
    assert comp.combine([*parts, loss]) == cells
    for out, part in zip(outputs, parts, strict=True):
        for k, g in cells.items():
            assert abs(part.get(k, 0) - g * out / total) < 1
