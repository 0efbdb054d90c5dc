"""Hazardous waste (docs/domain.md, Hazardous waste): every handler holds a licence covering
the category on the day, every trip has its own manifest, the receiver confirms the weight."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from domain import licences
from domain.errors import DomainError
from domain.manifests import get_manifest
from domain.reports import recycled_share
from tests.factories import ADMIN, HW31, World
from tests.service.test_custody_rules import refused

EXPIRED = {**HW31, "number": "HW-OLD", "valid_from": "2025-01-01", "valid_to": "2025-12-31"}
OTHER_CATEGORY = {**HW31, "number": "HW-08", "categories": ["HW08"]}
BATTERIES = {"metal": "Pb", "grade": "PB-RAINS", "origin": "post_consumer"}


@pytest.fixture
def world(db, settings) -> World:
    w = World(db, settings)
    w.org("COL", "collector", licences=[HW31])
    w.org("BARE", "collector")
    w.org("OLD", "collector", licences=[EXPIRED])
    w.org("OIL", "collector", licences=[OTHER_CATEGORY])
    w.org("SORT", "sorter")
    w.org("S", "smelter", licences=[{**HW31, "number": "HW-S"}])
    w.org("S2", "smelter")
    return w


@pytest.mark.parametrize(("org", "code"), [("BARE", "licence-required"),
                                           ("OLD", "licence-expired"),
                                           ("OIL", "licence-category")])
def test_collect_and_declare_of_batteries_need_a_licence_valid_for_hw31(world, org, code):
    err = refused(world, code, lambda: world.collect(org, 500, **BATTERIES))
    assert err.pointer == "/grade"
    refused(world, code, lambda: world.declare(org, 500, **BATTERIES))
    world.collect(org, 500, metal="Pb", grade="PB-RACKS")  # soft lead is not hazardous


def test_a_licence_ends_on_its_valid_to_day(world):
    short = {**HW31, "number": "HW-SHORT", "valid_to": "2026-03-02"}
    world.org("SHORT", "collector", licences=[short])
    lot = world.collect("SHORT", 500, **BATTERIES)  # 2026-03-02, local
    body = world.body("ship", "SHORT-S1", lots=[lot], to_site="S-S1", manifest="M-1")
    body["occurred_at"] = "2026-03-03T00:10:00+08:00"
    refused(world, "licence-expired", lambda: world.record("SHORT", body))


def test_transform_ship_and_receive_of_batteries_need_a_licence(world):
    lot = world.collect("COL", 500, **BATTERIES)
    world.ship("COL", [lot], "S2-S1", manifest="M-1")
    err = refused(world, "licence-required", lambda: world.receive("S2", {lot: 500}))
    assert err.pointer == "/lots"
    world.org("SHORT", "collector", licences=[{**HW31, "valid_to": "2026-03-02"}])
    other = world.collect("SHORT", 300, **BATTERIES)
    body = world.body("transform", "SHORT-S1", kind="split", inputs=[{"lot": other}],
                      outputs=[{"mass_kg": 100}])
    body["occurred_at"] = "2026-03-03T08:00:00+08:00"
    err = refused(world, "licence-expired", lambda: world.record("SHORT", body))
    assert err.pointer == "/inputs"
    world.event("SHORT", "transform", kind="split", inputs=[{"lot": other}],
                outputs=[{"mass_kg": 100}, {"mass_kg": 200}])


def test_every_trip_has_its_own_manifest(world):
    a, b = world.collect("COL", 500, **BATTERIES), world.collect("COL", 400, **BATTERIES)
    refused(world, "manifest-required", lambda: world.ship("COL", [a], "S-S1"))
    world.ship("COL", [a], "S-S1", manifest="M-1")
    err = refused(world, "manifest-reused", lambda: world.ship("COL", [b], "S-S1",
                                                                 manifest="M-1"))
    assert err.pointer == "/manifest"


def test_a_voided_shipment_frees_its_manifest_number(world):
    a = world.collect("COL", 500, **BATTERIES)
    ship = world.ship("COL", [a], "S-S1", manifest="M-1")
    world.event("COL", "void", target=ship.id, reason="wrong truck")
    world.ship("COL", [a], "S-S1", manifest="M-1")


def test_a_licensed_lead_chain_confirms_the_weight_and_counts_in_the_share(world):
    a = world.collect("COL", "1000", **BATTERIES)  # 60 % lead (grade default)
    ship = world.ship("COL", [a], "S-S1", manifest="HW-2026-0001",
                      transport={"mode": "road_diesel", "distance_km": 120, "vehicle": "贵A12345"})
    world.receive("S", {a: "995.5"})
    world.event("S", "melt", metal="Pb", product="PB-SOFT", output_mass_kg="590",
                inputs=[{"lot": a, "mass_kg": "995.5"}])
    with world.db.read() as s:
        m = get_manifest(s, actor=ADMIN, number="HW-2026-0001")
        [row] = recycled_share(s, actor=ADMIN, metal="Pb", start=date(2026, 1, 1),
                               end=date(2027, 1, 1), tz=world.settings.tz)
        use = licences.intake_by_licence(s, year=2026, tz=world.settings.tz)
    assert (m.generator_org, m.from_site, m.receiver_org, m.to_site, m.waste_code, m.carrier,
            m.mode, m.shipped_g, m.confirmed_g) == (
        "COL", "COL-S1", "S", "S-S1", "900-052-31", "贵A12345", "road_diesel", 1_000_000,
        995_500)
    assert m.shipped_at == ship.occurred_at and m.confirmed_at is not None
    assert (row.inputs.post_consumer, row.in_province_g) == (597_300, 597_300)
    col_id, s_id = world.actors["COL"].org_id, world.actors["S"].org_id
    assert use == {(col_id, "HW-LIC-1"): 1_000_000, (s_id, "HW-S"): 995_500}


def test_a_manifest_is_read_by_its_generator_receiver_and_auditors_only(world):
    a = world.collect("COL", 500, **BATTERIES)
    world.ship("COL", [a], "S-S1", manifest="M-9")
    for org in ("COL", "S"):
        with world.db.read() as s:
            assert get_manifest(s, actor=world.actors[org], number="M-9").confirmed_g is None
    with world.db.read() as s, pytest.raises(DomainError) as info:
        get_manifest(s, actor=world.actors["BARE"], number="M-9")
    assert info.value.code == "manifest-not-found"


LIC = licences.Licence(number="L", kind="comprehensive", categories=("HW31",),
                       capacity_t_per_year=Decimal("100"), valid_from=date(2026, 1, 1),
                       valid_to=date(2026, 12, 31))


def test_capacity_is_exceeded_only_beyond_120_percent():
    assert licences.licence_capacity_exceeded(LIC, 2026, 120_000_000) is None
    excess = licences.licence_capacity_exceeded(LIC, 2026, 120_000_001)
    assert excess is not None
    assert (excess.licence, excess.year, excess.handled_kg, excess.ratio) == (
        "L", 2026, Decimal("120000.001"), Fraction(120_000_001, 100_000_000))
    no_capacity = licences.Licence("N", "collection", ("HW31",), None, LIC.valid_from,
                                   LIC.valid_to)
    assert licences.licence_capacity_exceeded(no_capacity, 2026, 10**12) is None


def test_capacity_excesses_name_each_licence_past_120_percent_of_its_year(world):
    small = {**HW31, "number": "HW-SMALL", "capacity_t_per_year": "1"}  # 1 t a year
    world.org("SMALL", "collector", licences=[small])
    world.collect("SMALL", "700", **BATTERIES)
    world.collect("COL", "700", **BATTERIES)  # COL: 100 t a year, far within
    with world.db.read() as s:
        assert licences.capacity_excesses(s, year=2026, tz=world.settings.tz) == []
    world.collect("SMALL", "500.001", **BATTERIES)  # 1,200.001 kg: past 1.2 t
    with world.db.read() as s:
        [(org, excess)] = licences.capacity_excesses(s, year=2026, tz=world.settings.tz)
        assert licences.capacity_excesses(s, year=2025, tz=world.settings.tz) == []
    assert (org, excess.licence, excess.handled_kg) == ("SMALL", "HW-SMALL",
                                                        Decimal("1200.001"))


def test_a_voided_collect_no_longer_counts_against_the_licence(world):
    rec = world.event("COL", "collect", **BATTERIES, mass_kg=500)
    world.event("COL", "void", target=rec.id, reason="wrong grade")
    with world.db.read() as s:
        assert licences.intake_by_licence(s, year=2026, tz=world.settings.tz) == {}
