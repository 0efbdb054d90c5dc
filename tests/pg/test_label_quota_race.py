"""Concurrent label allocations of one organisation cannot together pass its quota (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from domain.errors import DomainError
from domain.labels import allocate_labels, unused_labels
from tests.conftest import _empty_pg
from tests.factories import World

pytestmark = pytest.mark.pg


@pytest.fixture
def db_url(pg_migrated: str) -> str:
    _empty_pg(pg_migrated)
    return pg_migrated


def test_two_allocations_racing_past_the_quota_one_is_refused(settings, db):
    world = World(db, settings)
    actor = world.org("COL", "collector")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def allocate() -> None:
        barrier.wait()
        try:
            with db.write() as s:
                allocate_labels(s, actor=actor, site_code="COL-S1", count=300, layout="a4",
                                quota=700)
            outcome = "ok"
        except DomainError as err:
            outcome = err.code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(outcomes) == {"ok": 2, "label-quota-exceeded": 2}
    with db.read() as s:
        assert unused_labels(s, actor.org_id or 0) == 600
