"""Requests racing to spend the same lot, on PostgreSQL with real concurrent connections."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from pydantic import TypeAdapter

from domain.commands import EventCommand
from domain.errors import DomainError
from domain.events.capture import record_events
from domain.lots import get_lot
from tests.conftest import _empty_pg
from tests.factories import World

pytestmark = pytest.mark.pg
commands = TypeAdapter(EventCommand)


@pytest.fixture
def db_url(pg_migrated: str) -> str:
    """PostgreSQL only: the race is about its row locks under real concurrency."""
    _empty_pg(pg_migrated)
    return pg_migrated


@pytest.fixture
def pg_world(settings, db):
    w = World(db, settings)
    w.org("SORT", "sorter")
    w.org("S", "smelter")
    return w


def race(world: World, bodies: list[dict], org: str = "SORT") -> Counter[str]:
    """Send every body at once, each on its own connection, as `org`; count the outcomes."""
    barrier = threading.Barrier(len(bodies))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(body: dict) -> None:
        cmd = commands.validate_python(body)
        barrier.wait()
        try:
            with world.db.write() as s:
                record_events(s, actor=world.actors[org], settings=world.settings,
                              events=[cmd])
            outcome = "ok"
        except DomainError as err:
            outcome = err.code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Counter(outcomes)


@pytest.mark.parametrize("run", range(3))
def test_two_shipments_of_one_lot_cannot_both_succeed(pg_world, run):
    w = pg_world
    lot = w.collect("SORT", 100)
    # One instant for both: which one waits is the race, not the time order.
    at = w.tick().isoformat()
    bodies = [{**w.body("ship", "SORT-S1", lots=[lot], to_site="S-S1"), "occurred_at": at}
              for _ in range(2)]
    assert race(w, bodies) == Counter({"ok": 1, "lot-not-active": 1})
    with w.db.read() as s:
        assert get_lot(s, actor=w.admin, code=lot).lot.status == "in_transit"


def test_ten_partial_spends_take_only_what_the_lot_holds(pg_world):
    w = pg_world
    lot = w.collect("SORT", 100)
    at = w.tick().isoformat()
    bodies = [{**w.body("transform", "SORT-S1", kind="split",
                        inputs=[{"lot": lot, "mass_kg": 30}], outputs=[{"mass_kg": 30}]),
               "occurred_at": at} for _ in range(10)]
    assert race(w, bodies) == Counter({"ok": 3, "insufficient-mass": 7})
    with w.db.read() as s:
        left = get_lot(s, actor=w.admin, code=lot).lot
    assert left.mass_g == 10_000 and sum(left.cells.values()) == 10_000
