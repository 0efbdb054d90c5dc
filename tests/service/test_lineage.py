"""Lineage and origins, exact to the gram: a diamond (a split merged again), a melt of a melt
product, shipments between organisations; hidden lots for an operator, full ones for an
auditor."""

from __future__ import annotations

from datetime import date

import orjson
import pytest

from api.routes.lineage import trace_json
from domain.errors import InvalidInput, NotFound
from domain.lineage import trace_lot
from domain.lots import get_lot
from domain.reports import recycled_share
from domain.visibility import hidden_lot_id
from tests.factories import World

KEY = "test-key"


@pytest.fixture
def chain(db, settings):
    """a (COL, Guiyang) split three ways; two parts merged with b (FAR, Chongqing) into m;
    m melted into p1; p1 melted again with the third part into p2."""
    w = World(db, settings)
    w.org("COL", "collector", region="520102")
    w.org("FAR", "collector", region="500112")
    w.org("SORT", "sorter", region="520300")
    w.org("S", "smelter", region="522701")
    w.org("AGENCY", "agency")
    a = w.collect("COL", "1000.001")
    b = w.collect("FAR", "500.003", grade="AL-TABOO", origin="pre_consumer")
    w.ship("COL", [a], "SORT-S1", transport={"mode": "rail", "distance_km": 80})
    w.ship("FAR", [b], "SORT-S1", transport={"mode": "rail", "distance_km": 300})
    w.receive("SORT", {a: "1000.001", b: "500.003"})
    x1, x2, x3 = w.event("SORT", "transform", kind="split", inputs=[{"lot": a}], outputs=[
        {"mass_kg": "333.333"}, {"mass_kg": "333.333"}, {"mass_kg": "333.334"}]).created_lots
    [m] = w.event("SORT", "transform", kind="merge",
                  inputs=[{"lot": x1}, {"lot": x2}, {"lot": b}],
                  outputs=[{"grade": "AL-MIXED", "mass_kg": "1166"}]).created_lots
    w.ship("SORT", [m, x3], "S-S1", transport={"mode": "rail", "distance_km": 200})
    w.receive("S", {m: "1166", x3: "333.334"})
    [p1] = w.event("S", "melt", metal="Al", product="ADC12",
                   inputs=[{"lot": m, "mass_kg": "1166"}],
                   primary=[{"material": "A00", "mass_kg": "100"}],
                   output_mass_kg="1100").created_lots
    [p2] = w.event("S", "melt", metal="Al", product="ADC12",
                   inputs=[{"lot": p1, "mass_kg": "1100"}, {"lot": x3, "mass_kg": "333.334"}],
                   output_mass_kg="1400").created_lots
    return w, dict(a=a, b=b, x1=x1, x2=x2, x3=x3, m=m, p1=p1, p2=p2)


def trace(w, who, code, **kw):
    with w.db.read() as s:
        return trace_lot(s, actor=w.actors[who] if who != "admin" else w.admin, code=code,
                         key=KEY, **kw)


def edges(t, names):
    back = {v: k for k, v in names.items()}
    return sorted((back.get(e.source, e.source), back.get(e.target, e.target), e.type, e.grams)
                  for e in t.edges)


def test_back_trace_of_a_melt_of_a_melt_is_exact_for_an_auditor(chain):
    w, n = chain
    t = trace(w, "AGENCY", n["p2"])
    assert t.root == n["p2"] and t.direction == "back" and not t.truncated
    assert sorted(node.id for node in t.nodes) == sorted(n.values())
    assert not any(node.hidden for node in t.nodes)
    # The merge's output, 1,166 kg, over its inputs 333.333 / 333.333 / 500.003 kg: quotas
    # 333,141.86 / 333,141.86 / 499,716.27 g, the one gram left to the largest remainder (x1).
    assert edges(t, n) == sorted([
        ("a", "x1", "transform", 333_333), ("a", "x2", "transform", 333_333),
        ("a", "x3", "transform", 333_334), ("b", "m", "transform", 499_716),
        ("x1", "m", "transform", 333_142), ("x2", "m", "transform", 333_142),
        ("m", "p1", "melt", 1_166_000), ("p1", "p2", "melt", 1_100_000),
        ("x3", "p2", "melt", 333_334)])
    node = {x.id: x for x in t.nodes}
    assert (node[n["p1"]].org, node[n["p1"]].site, node[n["p1"]].event_type) == ("S", "S-S1",
                                                                                  "melt")
    assert (node[n["a"]].org, node[n["a"]].status, node[n["a"]].mass_g) == ("SORT", "consumed", 0)


def test_origins_add_up_to_the_non_primary_mass(chain):
    w, n = chain
    t = trace(w, "AGENCY", n["p2"])
    with w.db.read() as s:
        cells = get_lot(s, actor=w.admin, code=n["p2"]).lot.cells
    non_primary = sum(g for k, g in cells.items() if k[0] != "primary")
    # p2 = 1,100 kg of p1 + 333.334 kg of x3; p1 = 1,166 kg of m + 100 kg primary; m = x1, x2
    # (all a) and b. Exact shares: b = 1100/1433.334 × 1166/1266 × 499,716/1,166,000, a the
    # rest; of the 1,294,430 g non-primary: quotas 877,011.39 and 417,418.61, so the gram
    # left goes to b.
    assert [(o.lot, o.origin, o.provenance, o.region, o.evidence, o.org_kind) for o in
            t.origins] == sorted([
                (n["a"], "post_consumer", "in_province", "520100", "traced", "collector"),
                (n["b"], "pre_consumer", "out_of_province", "500000", "traced", "collector")])
    grams = {o.lot: o.grams for o in t.origins}
    assert sum(grams.values()) == non_primary == 1_294_430
    assert grams == {n["a"]: 877_011, n["b"]: 417_419}


def test_three_way_split_origins_of_each_part(chain):
    w, n = chain
    for part, grams in (("x1", 333_333), ("x3", 333_334)):
        [o] = trace(w, "AGENCY", n[part]).origins
        assert (o.lot, o.grams) == (n["a"], grams)


def test_an_operator_sees_other_organisations_lots_as_hidden_nodes(chain):
    w, n = chain
    t = trace(w, "S", n["p2"])
    hidden = {k: hidden_lot_id(n[k], KEY) for k in ("a", "b", "x1", "x2")}
    names = {**n, **hidden}
    assert sorted((x.id, x.hidden) for x in t.nodes) == sorted(
        [(n[k], False) for k in ("p2", "p1", "m", "x3")] + [(h, True) for h in hidden.values()])
    assert edges(t, names)[0] == ("a", "x1", "transform", 333_333)
    assert {e.event is None for e in t.edges if e.source in hidden.values()} == {True}
    assert all(e.event for e in t.edges if e.source not in hidden.values())
    hid = next(x for x in t.nodes if x.id == hidden["b"])
    assert (hid.metal, hid.mass_g, hid.grade, hid.org) == ("Al", 0, None, None)
    body = orjson.dumps(trace_json(t)).decode()
    for k in ("a", "b", "x1", "x2"):
        assert n[k] not in body
    assert {o.lot: (o.hidden, o.region, o.grams) for o in t.origins} == {
        hidden["a"]: (True, "520100", 877_011), hidden["b"]: (True, "500000", 417_419)}


def test_hidden_ids_are_stable_and_keyed():
    assert hidden_lot_id("ABCDEFGH2", "k") == hidden_lot_id("ABCDEFGH2", "k")
    assert hidden_lot_id("ABCDEFGH2", "k") != hidden_lot_id("ABCDEFGH2", "other")
    assert hidden_lot_id("ABCDEFGH2", "k").startswith("h-")


def test_forward_trace_through_shipments(chain):
    w, n = chain
    t = trace(w, "COL", n["a"], direction="forward")
    assert t.origins is None
    assert [(x.id, x.hidden) for x in t.nodes if not x.hidden] == [(n["a"], False)]
    names = {**n, **{k: hidden_lot_id(n[k], KEY) for k in n if k != "a"}}
    assert edges(t, names) == sorted([
        ("a", "x1", "transform", 333_333), ("a", "x2", "transform", 333_333),
        ("a", "x3", "transform", 333_334), ("x1", "m", "transform", 333_142),
        ("x2", "m", "transform", 333_142), ("m", "p1", "melt", 1_166_000),
        ("p1", "p2", "melt", 1_100_000), ("x3", "p2", "melt", 333_334)])


def test_depth_limits_the_flows_shown(chain):
    w, n = chain
    t = trace(w, "AGENCY", n["p2"], depth=1)
    assert t.truncated
    assert edges(t, n) == [("p1", "p2", "melt", 1_100_000), ("x3", "p2", "melt", 333_334)]
    assert sum(o.grams for o in t.origins) == 1_294_430  # origins always walk to the roots


def test_a_lot_the_caller_may_not_see_is_not_found_and_bad_input_names_the_field(chain):
    w, n = chain
    with pytest.raises(NotFound):
        trace(w, "COL", n["p2"])
    with pytest.raises(InvalidInput) as err:
        trace(w, "AGENCY", n["p2"], direction="sideways")
    assert err.value.pointer == "/direction"
    with pytest.raises(InvalidInput) as err:
        trace(w, "AGENCY", n["p2"], depth=0)
    assert err.value.pointer == "/depth"


def test_by_region_adds_up_to_the_eligible_metal(chain):
    w, _ = chain
    with w.db.read() as s:
        [row] = recycled_share(s, actor=w.admin, metal="Al", start=date(2026, 1, 1),
                               end=date(2027, 1, 1), tz=w.settings.tz)
    eligible = row.inputs.post_consumer + row.inputs.pre_consumer
    assert sum(row.by_region_g.values()) == eligible
    # p1's metal from a (Guiyang) and b (Chongqing), and x3's (all a) in p2; p1 charged again
    # by its own producer is rework, in no term.
    assert row.by_region_g == {"in_province:520100": 826_361, "out_of_province:500000": 399_773}
    assert eligible == 1_226_134


def test_voiding_a_melt_removes_its_flows(chain):
    w, n = chain
    target = next(e.event for e in trace(w, "AGENCY", n["p2"]).edges if e.target == n["p2"])
    melt = w.event("S", "void", target=target, reason="wrong batch")
    assert melt.type == "void"
    assert trace(w, "AGENCY", n["p1"], direction="forward").edges == []
    assert trace(w, "AGENCY", n["x3"], direction="forward").edges == []
