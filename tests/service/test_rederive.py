"""`scraptrace db rederive`: every projection of the event log rebuilt exactly, by today's rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from domain.errors import InvalidInput
from domain.events.replay import DERIVED, rederive
from domain.events.store import event_t
from tests.factories import World

IGNORED = {"created_at"}
LOT_IDS = {"lot_id", "parent_id", "child_id"}


def projections(world: World) -> dict[str, list[tuple]]:
    """Every derived row, lots named by code (PostgreSQL gives rebuilt lots new ids)."""
    out = {}
    with world.db.engine.connect() as conn:
        code = dict(conn.execute(text("SELECT id, code FROM lot")).all())
        for table in DERIVED:
            rows = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()
            out[table] = sorted(tuple(sorted(
                (k, code[v] if k in LOT_IDS and v is not None else str(v)) for k, v in r.items()
                if k not in IGNORED and k != "id")) for r in rows)
    return out


def history(w: World) -> str:
    w.org("C", "collector")
    w.org("S", "smelter")
    a, b = w.collect("C", 1000), w.collect("C", 400, origin="pre_consumer")
    w.ship("C", [a, b], "S-S1")
    w.receive("S", {a: 990, b: 401})
    w.event("S", "assay", lot=a, metal_pct=91)
    [bale] = w.event("S", "transform", kind="merge", inputs=[{"lot": a}, {"lot": b}],
                     outputs=[{"grade": "AL-MIXED", "mass_kg": 1380}]).created_lots
    [p] = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=1200,
                  inputs=[{"lot": bale, "mass_kg": 1000}],
                  primary=[{"material": "A00", "mass_kg": 200}]).created_lots
    melt = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=1500,
                   inputs=[{"lot": p, "mass_kg": 1200}, {"lot": bale, "mass_kg": 380}])
    w.event("S", "void", target=melt.id, reason="wrong furnace")
    return p


def test_rederive_rebuilds_every_projection_exactly(db, settings):
    w = World(db, settings)
    history(w)
    before = projections(w)
    assert before["melt_input"] and before["event_void"]
    with db.write() as s:  # ledgers as an older version of the rules left them
        s.execute(text("UPDATE melt_input SET rework = false, metal_g = metal_g + 1"))
        s.execute(text("DELETE FROM lot_access"))
    assert projections(w) != before
    with db.write() as s:
        assert rederive(s, settings=settings) == 9
    assert projections(w) == before


def test_rederive_changes_nothing_when_a_stored_event_breaks_todays_rules(db, settings):
    w = World(db, settings)
    p = history(w)
    with db.write() as s:  # a receive dated before its ship, as older versions accepted
        seq, payload = s.execute(select(event_t.c.seq, event_t.c.payload)
                                 .where(event_t.c.type == "receive")).one()
        s.execute(update(event_t).where(event_t.c.seq == seq)
                  .values(payload={**payload, "occurred_at": "2001-01-01T08:00:00+08:00"}))
    before = projections(w)
    with pytest.raises(InvalidInput) as err, db.write() as s:
        rederive(s, settings=settings)
    assert (err.value.code, err.value.extra["rule"]) == ("rederive-refused",
                                                         "occurred-before-history")
    assert projections(w) == before
    assert p
