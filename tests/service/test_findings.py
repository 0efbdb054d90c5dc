"""Each finding kind raised by a minimal scenario, not raised exactly at its threshold, and
raised once however often the sweep runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import TypeAdapter

from domain.commands import EventCommand
from domain.events.capture import record_events
from domain.findings.engine import sweep
from domain.findings.inbox import list_findings
from tests.factories import ADMIN, CST, HW31, T0, World

_cmd = TypeAdapter(EventCommand)


def record_at(w: World, org: str, now: datetime, *bodies: dict) -> list:
    """Events recorded at `now` (the server's clock for this batch)."""
    with w.db.write() as s:
        return record_events(s, actor=w.actors[org], settings=w.settings,
                             events=[_cmd.validate_python(b) for b in bodies], now=now)


def found(w: World, kind: str) -> list[tuple]:
    with w.db.read() as s:
        return [(f.org, f.lots, f.params["measured"], f.params["threshold"])
                for f in reversed(list_findings(s, actor=w.admin, kind=kind))]


@pytest.fixture
def w(db, settings):
    w = World(db, settings)
    w.org("COL", "collector")
    w.org("OTHER", "collector")
    w.org("SORT", "sorter")
    w.org("S", "smelter")
    w.org("S2", "smelter")
    w.org("AGENCY", "agency")
    return w


def shipped(w: World, *masses: str) -> list[str]:
    lots = [w.collect("COL", m) for m in masses]
    w.ship("COL", lots, "SORT-S1", transport={"mode": "rail", "distance_km": 10})
    return lots


def test_weight_gap_beyond_the_larger_of_a_share_and_a_floor(w):
    small, big, small2, big2 = shipped(w, "1000", "10000", "1000", "10000")
    # 1,000 kg: tolerance max(5 kg, 20 kg) = 20 kg; 10,000 kg: max(50 kg, 20 kg) = 50 kg.
    w.receive("SORT", {small: "980", big: "10050", small2: "979.999", big2: "9949.999"})
    assert found(w, "weight-gap") == [("SORT", [small2], 20.001, 20.0),
                                      ("SORT", [big2], 50.001, 50.0)]
    with w.db.read() as s:
        [f] = list_findings(s, actor=w.admin, kind="weight-gap", limit=1)
    assert (f.site, f.severity, f.params["param"], f.params["shipped_kg"],
            f.params["received_kg"]) == ("SORT-S1", "warning", "tolerance_pct", 10000.0,
                                         9949.999)
    assert "JJG 539" in f.params["source"]


def test_excess_loss_above_the_norm(w):
    a, b = shipped(w, "1000", "1000")
    w.receive("SORT", {a: "1000", b: "1000"})
    w.event("SORT", "transform", kind="bale", inputs=[{"lot": a}],
            outputs=[{"mass_kg": "950"}])  # 5 % exactly
    w.event("SORT", "transform", kind="bale", inputs=[{"lot": b}],
            outputs=[{"mass_kg": "949.999"}])
    assert found(w, "excess-loss") == [("SORT", [b], 5.0001, 5.0)]


def melt(w: World, smelter: str, lots: dict[str, str], output: str) -> str:
    [p] = w.event(smelter, "melt", metal="Al", product="ADC12", output_mass_kg=output,
                  inputs=[{"lot": k, "mass_kg": v} for k, v in lots.items()]).created_lots
    return p


def test_melt_yield_above_the_metal_charged_or_below_the_norm(w):
    lots = [w.collect("COL", "1000") for _ in range(4)]
    w.ship("COL", lots, "S-S1", transport={"mode": "rail", "distance_km": 10})
    w.receive("S", dict.fromkeys(lots, "1000"))
    # AL-TALC: 88 % metal, 880 kg in each melt.
    products = [melt(w, "S", {lot: "1000"}, out)
                for lot, out in zip(lots, ("880", "880.001", "704", "703.999"), strict=True)]
    assert found(w, "yield-above-metal") == [("S", [products[1]], 100.0001, 100.0)]
    assert found(w, "low-yield") == [("S", [products[3]], 79.9999, 80.0)]


def test_late_record_beyond_three_days(w):
    at = T0 + timedelta(days=1)
    bodies = [w.body("collect", "COL-S1", metal="Al", grade="AL-TALC",
                     origin="post_consumer", mass_kg="10") for _ in range(2)]
    bodies[0]["occurred_at"] = bodies[1]["occurred_at"] = at.isoformat()
    record_at(w, "COL", at + timedelta(days=3), bodies[0])
    [late] = record_at(w, "COL", at + timedelta(days=3, seconds=1), bodies[1])
    with w.db.read() as s:
        rows = list_findings(s, actor=w.admin, kind="late-record",
                             since=at + timedelta(days=2, hours=23))
    assert [(f.events, f.params["measured"], f.params["threshold"]) for f in rows] == [
        ([late.id], 3.0, 3.0)]


def test_stale_transit_raised_once_however_often_the_sweep_runs(w, settings):
    [lot] = shipped(w, "100")
    ship_at = w.clock
    for at in (ship_at + timedelta(days=7), ship_at + timedelta(days=7, seconds=1),
               ship_at + timedelta(days=30)):
        with w.db.write() as s:
            sweep(s, settings=settings, at=at)
    assert found(w, "stale-transit") == [("COL", [lot], 7.0, 7.0)]


def test_declared_share_of_a_month_above_the_policy(w, settings):
    for smelter, declared in (("S", "200"), ("S2", "200.001")):
        t = w.collect("COL", "800")
        d = w.declare("COL", declared)
        w.ship("COL", [t, d], f"{smelter}-S1", transport={"mode": "rail", "distance_km": 10})
        w.receive(smelter, {t: "800", d: declared})
        melt(w, smelter, {t: "800", d: declared}, "800")
    for _ in range(2):
        with w.db.write() as s:
            sweep(s, settings=settings, at=datetime(2026, 4, 15, tzinfo=CST))
    # S: 176 / 880 kg = 20 % exactly; S2: 176.001 / 880.001 kg.
    assert found(w, "declared-share") == [("S2", [], 20.0001, 20.0)]


def test_void_rate_of_a_month_above_the_policy(w, settings):
    for org, events in (("COL", 20), ("OTHER", 19)):
        for _ in range(events):
            body = w.body("collect", f"{org}-S1", metal="Al", grade="AL-TALC",
                          origin="post_consumer", mass_kg="10")
            [rec] = record_at(w, org, w.clock + timedelta(minutes=1), body)
        record_at(w, org, w.clock + timedelta(minutes=2),
                  w.body("void", f"{org}-S1", target=rec.id, reason="typo"))
    for _ in range(2):
        with w.db.write() as s:
            sweep(s, settings=settings, at=datetime(2026, 4, 15, tzinfo=CST))
    assert found(w, "void-rate") == [("OTHER", [], 5.2632, 5.0)]


def test_findings_never_block_capture(w):
    [lot] = shipped(w, "1000")
    rec = w.receive("SORT", {lot: "1"})  # a gap of 999 kg: recorded, and a finding raised
    assert rec.type == "receive" and found(w, "weight-gap")[0][1] == [lot]


def test_the_demo_has_a_few_realistic_anomalies(db, settings):
    from seed.demo import seed_demo

    seed_demo(db, settings, weeks=2)
    with db.read() as s:
        rows = list_findings(s, actor=ADMIN)
    assert sorted((f.kind, f.org) for f in rows) == [
        ("late-record", "BJ-HS"), ("stale-transit", "ZY-HS"), ("weight-gap", "GY-FJ")]


def test_the_sweep_command_raises_as_of_a_date_and_once(w, settings, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app as cli
    from domain.settings import get_settings

    [lot] = shipped(w, "100")  # shipped on 2026-03-02
    monkeypatch.setenv("SCRAPTRACE_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        before = runner.invoke(cli, ["findings", "sweep", "--at", "2026-03-08"])
        first = runner.invoke(cli, ["findings", "sweep", "--at", "2026-03-10"])
        again = runner.invoke(cli, ["findings", "sweep", "--at", "2026-03-10"])
    finally:
        get_settings.cache_clear()
    assert [r.output.split(" new")[0] for r in (before, first, again)] == ["0", "1", "0"]
    assert found(w, "stale-transit")[0][1] == [lot]


def test_licence_capacity_past_120_percent_of_a_year_raised_once(w, settings):
    """A licence of 1 t a year: 1,200 kg collected in 2026 is exactly 120 %, no finding;
    1 g more is 20.0001 % over the capacity: one `licence-capacity` finding, however often the
    sweep runs, keyed by organisation, licence and year."""
    small = {**HW31, "number": "HW-SMALL", "capacity_t_per_year": "1"}
    w.org("SMALL", "collector", licences=[small])
    lead = {"metal": "Pb", "grade": "PB-RAINS", "origin": "post_consumer"}
    w.collect("SMALL", "700", **lead)
    w.collect("SMALL", "500", **lead)
    at = T0 + timedelta(days=30)
    with w.db.write() as s:
        assert sweep(s, settings=settings, at=at) == 0
    assert found(w, "licence-capacity") == []
    w.collect("SMALL", "0.001", **lead)
    for later in (at, at + timedelta(hours=1), at + timedelta(days=40)):
        with w.db.write() as s:
            sweep(s, settings=settings, at=later)
    assert found(w, "licence-capacity") == [("SMALL", [], 20.0001, 20.0)]
    with w.db.read() as s:
        [f] = list_findings(s, actor=w.admin, kind="licence-capacity")
    assert (f.severity, f.params["licence"], f.params["year"], f.params["capacity_t"],
            f.params["handled_kg"]) == ("high", "HW-SMALL", 2026, 1.0, 1200.001)
