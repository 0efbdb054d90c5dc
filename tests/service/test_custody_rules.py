"""Each custody rule refuses with its stable code and leaves the database exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain import orgs
from domain.errors import DomainError
from tests.factories import HW31, World, snapshot


@pytest.fixture
def world(db, settings) -> World:
    w = World(db, settings)
    w.org("COL", "collector", licences=[HW31])
    w.org("OTHER", "collector", region="520300")
    w.org("SORT", "sorter")
    w.org("S", "smelter")
    return w


def refused(world: World, code: str, action: Callable[[], Any]) -> DomainError:
    before = snapshot(world.db)
    with pytest.raises(DomainError) as info:
        action()
    assert info.value.code == code, info.value.detail
    assert snapshot(world.db) == before
    return info.value


def test_ship_refuses_more_lots_than_held_and_transform_more_mass_than_held(world):
    lot = world.collect("COL", "100.5")
    err = refused(world, "insufficient-mass", lambda: world.event(
        "COL", "transform", kind="split", inputs=[{"lot": lot, "mass_kg": "100.501"}],
        outputs=[{"mass_kg": 50}]))
    assert err.pointer == "/inputs/0/mass_kg"


def test_melt_refuses_more_than_the_lot_holds(world):
    lot = world.collect("S", 10)
    refused(world, "insufficient-mass", lambda: world.event(
        "S", "melt", metal="Al", product="ADC12", output_mass_kg=5,
        inputs=[{"lot": lot, "mass_kg": "10.001"}]))


def test_transform_outputs_cannot_exceed_inputs(world):
    lot = world.collect("COL", 100)
    refused(world, "output-exceeds-input", lambda: world.event(
        "COL", "transform", kind="split", inputs=[{"lot": lot}],
        outputs=[{"mass_kg": 60}, {"mass_kg": "40.001"}]))


def test_ship_refuses_lot_held_by_another_org(world):
    lot = world.collect("COL", 100)
    world.ship("COL", [lot], "SORT-S1")
    world.receive("SORT", {lot: 100})
    # COL held it before and still sees it, but no longer holds it.
    refused(world, "not-custodian", lambda: world.ship("COL", [lot], "S-S1"))


def test_ship_of_a_lot_never_seen_answers_not_found(world):
    lot = world.collect("OTHER", 100)
    refused(world, "lot-not-found", lambda: world.ship("COL", [lot], "SORT-S1"))


def test_receive_refuses_at_a_site_other_than_the_destination(world):
    lot = world.collect("COL", 100)
    world.ship("COL", [lot], "SORT-S1")
    # S can see the lot only if it was sent to it; SORT is the destination, S is not.
    refused(world, "lot-not-found", lambda: world.receive("S", {lot: 100}))
    with world.db.write() as s:
        orgs.create_site(s, actor=world.admin, org_code="SORT", code="SORT-S2", name="second",
                         region="520100")
    refused(world, "wrong-destination", lambda: world.receive("SORT", {lot: 100},
                                                               site="SORT-S2"))


def test_void_refused_while_a_later_event_depends_on_the_target(world):
    lot = world.collect("COL", 100)
    assay = world.event("COL", "assay", lot=lot, metal_pct=90)
    ship = world.ship("COL", [lot], "SORT-S1")
    err = refused(world, "void-has-dependants",
                  lambda: world.event("COL", "void", target=assay.id, reason="typo"))
    assert err.extra["lots"] == [lot]
    # Voiding the latest event first, then the assay, is allowed: history unwinds in order.
    world.event("COL", "void", target=ship.id, reason="truck broke down")
    world.event("COL", "void", target=assay.id, reason="wrong lab")
    refused(world, "already-voided",
            lambda: world.event("COL", "void", target=ship.id, reason="again"))


def test_melt_refuses_a_lot_of_another_metal(world):
    lot = world.collect("S", 100, metal="Cu", grade="CU-BARLEY")
    err = refused(world, "metal-mismatch", lambda: world.event(
        "S", "melt", metal="Al", product="ADC12", output_mass_kg=50,
        inputs=[{"lot": lot, "mass_kg": 100}]))
    assert err.pointer == "/inputs/0/lot"


def test_mistyped_lot_code_is_invalid_not_missing(world):
    lot = world.collect("COL", 100)
    wrong = lot[:-1] + ("0" if lot[-1] != "0" else "1")  # the check symbol catches this
    err = refused(world, "invalid-lot-code", lambda: world.ship("COL", [wrong], "SORT-S1"))
    assert err.pointer == "/lots/0"


def test_bad_unified_social_credit_code_is_refused(world):
    def create() -> None:
        with world.db.write() as s:
            orgs.create_org(s, actor=world.admin, code="BAD", name="Bad", kind="collector",
                            uscc="91350100M000100Y44", region="520100")

    refused(world, "invalid-uscc", create)


def test_only_smelters_melt_and_only_at_their_own_sites(world):
    lot = world.collect("COL", 100)
    refused(world, "not-a-smelter", lambda: world.event(
        "COL", "melt", metal="Al", product="ADC12", output_mass_kg=50,
        inputs=[{"lot": lot, "mass_kg": 100}]))
    refused(world, "not-your-site", lambda: world.collect("COL", 100, site="S-S1"))


def test_hazardous_batteries_need_a_transfer_manifest(world):
    lot = world.collect("COL", 500, metal="Pb", grade="PB-RAINS")
    refused(world, "manifest-required", lambda: world.ship("COL", [lot], "S-S1"))
    world.ship("COL", [lot], "S-S1", manifest="520120260302001")


def test_a_consumed_or_shipped_lot_cannot_be_spent_again(world):
    lot = world.collect("COL", 100)
    world.ship("COL", [lot], "SORT-S1")
    refused(world, "lot-not-active", lambda: world.event(
        "COL", "transform", kind="split", inputs=[{"lot": lot}], outputs=[{"mass_kg": 10}]))
