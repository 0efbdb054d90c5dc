"""Access follows the events that grant it: a voided shipment takes back what it granted."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from domain.lots import get_lot
from tests.factories import World


def sees(w: World, org: str, code: str) -> bool:
    try:
        with w.db.read() as s:
            get_lot(s, actor=w.actors[org], code=code)
        return True
    except NotFound:
        return False


def test_voiding_a_shipment_revokes_the_destinations_access(db, settings):
    w = World(db, settings)
    w.org("A", "collector")
    w.org("B", "sorter")
    lot = w.collect("A", 100)
    ship = w.ship("A", [lot], "B-S1")
    assert sees(w, "B", lot)
    w.event("A", "void", target=ship.id, reason="wrong truck")
    assert not sees(w, "B", lot)
    with pytest.raises(NotFound):
        w.receive("B", {lot: 100})


def test_a_destination_that_held_the_lot_before_keeps_its_access(db, settings):
    """A → B (received), B → A (received), A → B again, voided: B held the lot through its own
    receive and shipment, so it still sees it."""
    w = World(db, settings)
    w.org("A", "collector")
    w.org("B", "sorter")
    lot = w.collect("A", 100)
    w.ship("A", [lot], "B-S1")
    w.receive("B", {lot: 100})
    w.ship("B", [lot], "A-S1")
    w.receive("A", {lot: 100})
    again = w.ship("A", [lot], "B-S1")
    w.event("A", "void", target=again.id, reason="not sent after all")
    assert sees(w, "B", lot)
