"""Racing requests cannot together break a compliance rule (PostgreSQL, real connections)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.factories import HW31, World
from tests.pg.test_race import db_url, race  # noqa: F401  (the PostgreSQL-only database)
from tests.service.test_imports import lawful

pytestmark = pytest.mark.pg


@pytest.fixture
def world(settings, db) -> World:
    w = World(db, settings)
    w.org("COL", "collector", licences=[HW31])
    w.org("IMP", "importer")
    w.org("S", "smelter", licences=[HW31])
    return w


@pytest.mark.parametrize("run", range(3))
def test_two_trips_cannot_both_take_one_manifest_number(world, run):
    lots = [world.collect("COL", 500, metal="Pb", grade="PB-RAINS") for _ in range(2)]
    at = world.tick().isoformat()
    bodies = [{**world.body("ship", "COL-S1", lots=[lot], to_site="S-S1", manifest="M-RACE"),
               "occurred_at": at} for lot in lots]
    assert race(world, bodies, org="COL") == Counter({"ok": 1, "manifest-reused": 1})


@pytest.mark.parametrize("run", range(3))
def test_two_kinds_cannot_both_clear_on_one_declaration(world, run):
    at = world.tick().isoformat()
    cast = lawful()
    copper = lawful(metal="Cu", grade="CU-BERRY", commodity_code="7404000030",
                    standard="GB/T 38471-2023")
    bodies = [{**world.body("import", "IMP-S1", **b), "occurred_at": at} for b in (cast, copper)]
    assert race(world, bodies, org="IMP") == Counter({"ok": 1,
                                                      "declaration-kind-conflict": 1})
