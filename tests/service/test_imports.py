"""Imports (docs/domain.md, Imports): each broken rule refuses with its code and writes nothing;
a lawful import is an `imported` lot of its country, counted so in the recycled share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import import_rules
from domain.errors import DomainError
from domain.reports import recycled_share
from tests.factories import ADMIN, World, snapshot

DECLARATION = "531620261000012345"  # office 5316, year 2026, 1 = import, sequence


@pytest.fixture
def world(db, settings) -> World:
    w = World(db, settings)
    w.org("IMP", "importer", region="530100")
    w.org("COL", "collector")
    w.org("S", "smelter")
    return w


def lawful(**changes: Any) -> dict[str, Any]:
    body = {"metal": "Al", "grade": "AL-TENSE", "origin": "post_consumer", "mass_kg": "20000",
            "country": "JP", "declaration": DECLARATION, "commodity_code": "7602000020",
            "standard": "GB/T 38472-2023",
            "inspection": {"method": "sensory+XRF", "passed": True, "metal_pct": 91,
                           "inclusions_pct": 1.5, "radiation_ok": True}}
    for key, value in changes.items():
        if key.startswith("inspection_"):
            body["inspection"] = {**body["inspection"], key.removeprefix("inspection_"): value}
        else:
            body[key] = value
    return body


def import_(world: World, org: str = "IMP", at: str | None = None, **changes: Any) -> str:
    body = world.body("import", f"{org}-S1", **lawful(**changes))
    if at is not None:
        body["occurred_at"] = at
    return world.record(org, body)[0].created_lots[0]


REFUSALS = [
    ({"metal": "Pb", "grade": "PB-RAINS"}, "import-banned", "/metal"),
    ({"metal": "Pb", "grade": "PB-RACKS"}, "import-banned", "/metal"),
    ({"country": "XX"}, "invalid-country", "/country"),
    ({"declaration": "53162026100001234"}, "invalid-declaration", "/declaration"),
    ({"declaration": "531621261000012345"}, "invalid-declaration", "/declaration"),
    ({"declaration": "531620260000012345"}, "not-an-import-declaration", "/declaration"),
    ({"commodity_code": "7602000010"}, "commodity-code-not-listed", "/commodity_code"),
    ({"commodity_code": "7404000030"}, "commodity-code-mismatch", "/commodity_code"),
    ({"standard": "GB/T 13586-2021"}, "standard-not-recognised", "/standard"),
    ({"standard": "GB/T 38472-2019"}, "standard-not-in-force", "/standard"),
    ({"standard": "GB/T 40386-2021"}, "standard-mismatch", "/standard"),
    ({"inspection_passed": False}, "inspection-failed", "/inspection/passed"),
    ({"inspection_radiation_ok": False}, "radiation-failed", "/inspection/radiation_ok"),
]


@pytest.mark.parametrize(("changes", "code", "pointer"), REFUSALS,
                         ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(REFUSALS)])
def test_an_unlawful_import_is_refused_and_writes_nothing(world, changes, code, pointer):
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        import_(world, **changes)
    assert (info.value.code, info.value.pointer) == (code, pointer), info.value.detail
    assert snapshot(world.db) == before


def test_only_importers_and_smelters_import(world):
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        import_(world, org="COL")
    assert info.value.code == "not-an-importer"
    assert snapshot(world.db) == before
    import_(world, org="S")  # a smelter imports its own raw material


def test_codes_of_the_2024_list_are_refused_before_it_came_into_force(world):
    # 7602000050 (wrought alloy) is on the 2024 No. 23 list only; before 2024-11-15 the 2020
    # No. 43 list applied, which had 7602000020 (cast alloy).
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        import_(world, at="2024-11-14T23:00:00+08:00", commodity_code="7602000050",
                standard="GB/T 40382-2021", grade="AL-TOTO")
    assert info.value.code == "commodity-code-not-listed"
    assert snapshot(world.db) == before
    import_(world, at="2024-11-15T00:30:00+08:00", commodity_code="7602000050",
            standard="GB/T 40382-2021", grade="AL-TOTO")
    # The 2019 edition was in force before 2023-12-01 (cast alloy under the 2020 list).
    import_(world, at="2023-11-30T10:00:00+08:00", standard="GB/T 38472-2019",
            declaration="531620231000000001")


def test_one_material_kind_per_declaration(world):
    import_(world)
    import_(world, commodity_code="7602000030")  # another code of the same kind: allowed
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        import_(world, commodity_code="7602000040", standard="GB/T 40386-2021")
    assert (info.value.code, info.value.pointer) == ("declaration-kind-conflict",
                                                     "/commodity_code")
    assert snapshot(world.db) == before


def test_one_material_kind_per_declaration_within_a_batch(world):
    first = world.body("import", "IMP-S1", **lawful())
    second = world.body("import", "IMP-S1", **lawful(commodity_code="7404000030", metal="Cu",
                                                      grade="CU-BERRY",
                                                      standard="GB/T 38471-2023"))
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        world.record("IMP", first, second)
    assert (info.value.code, info.value.pointer) == ("declaration-kind-conflict",
                                                     "/events/1/commodity_code")
    assert snapshot(world.db) == before


def test_a_configured_inspection_limit_is_enforced(world, monkeypatch):
    limit = import_rules.Limit(standard="GB/T 38472-2023", field="inclusions_pct", min=None,
                               max=Decimal("2"), source="a limit configured for this test")
    monkeypatch.setattr(import_rules, "limits", lambda: (limit,))
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        import_(world, inspection_inclusions_pct=2.5)
    assert (info.value.code, info.value.pointer) == ("inspection-limit",
                                                     "/inspection/inclusions_pct")
    assert snapshot(world.db) == before
    import_(world, inspection_inclusions_pct=2)


def test_no_inspection_limit_is_configured_without_a_confirmed_source():
    assert import_rules.limits() == ()


def test_a_lawful_import_is_an_imported_lot_of_its_country_in_the_recycled_share(world):
    jp = import_(world, mass_kg="10000")  # assay 91 % from the inspection
    us = import_(world, mass_kg="5000", country="US", declaration="531620261000054321",
                 inspection_metal_pct=90, origin="pre_consumer")
    local = world.collect("COL", "2000", grade="AL-TALC")  # 88 % default
    world.ship("IMP", [jp, us], "S-S1")
    world.ship("COL", [local], "S-S1")
    world.receive("S", {jp: "10000", us: "5000", local: "2000"})
    world.event("S", "melt", metal="Al", product="ADC12", output_mass_kg="16000",
                inputs=[{"lot": jp, "mass_kg": "10000"}, {"lot": us, "mass_kg": "5000"},
                        {"lot": local, "mass_kg": "2000"}])
    with world.db.read() as s:
        [row] = recycled_share(s, actor=ADMIN, metal="Al", start=date(2026, 1, 1),
                               end=date(2027, 1, 1), tz=world.settings.tz)
    # JP 10,000 kg × 91 % = 9,100 kg; US 5,000 kg × 90 % = 4,500 kg; local 2,000 × 88 % = 1,760.
    assert (row.imported_g, row.in_province_g, row.imported_by_country_g) == (
        13_600_000, 1_760_000, {"JP": 9_100_000, "US": 4_500_000})
    assert (row.inputs.post_consumer, row.inputs.pre_consumer) == (10_860_000, 4_500_000)


def test_a_voided_import_frees_its_declaration_for_another_kind(world):
    rec = world.record("IMP", world.body("import", "IMP-S1", **lawful()))[0]
    world.event("IMP", "void", target=rec.id, reason="wrong declaration")
    import_(world, commodity_code="7602000040", standard="GB/T 40386-2021")


def test_rederive_rebuilds_imports_and_manifests(world):
    from sqlalchemy import select

    from domain.events.replay import rederive
    from domain.models import ImportRecord, LicenceUse, Manifest, ManifestReceipt
    from tests.factories import HW31

    world.org("HW", "collector", licences=[HW31])
    world.org("PB", "smelter", licences=[{**HW31, "number": "HW-PB"}])
    import_(world)
    lot = world.collect("HW", 500, metal="Pb", grade="PB-RAINS")
    world.ship("HW", [lot], "PB-S1", manifest="M-1")
    world.receive("PB", {lot: 499})
    tables = (ImportRecord, Manifest, ManifestReceipt, LicenceUse)

    def rows():
        with world.db.read() as s:
            # Every column but a surrogate key (a sequence moves on, on PostgreSQL).
            return [sorted(tuple(r) for r in s.execute(select(
                *(c for c in t.__table__.columns if c.name != "id")))) for t in tables]

    before = rows()
    assert [len(t) for t in before] == [1, 1, 1, 2]
    with world.db.write() as s:
        rederive(s, settings=world.settings)
    assert rows() == before
