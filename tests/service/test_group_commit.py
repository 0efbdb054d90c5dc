"""Group commit: single-event requests of several callers recorded in one transaction, each
checked as its own caller, and one refusal never refusing the others."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import text

from api.group_commit import GroupCommit, _Request
from domain.commands import EventCommand
from domain.errors import NotFound, RuleViolation
from domain.events.capture import Submission, record_submissions
from domain.lots import get_lot
from tests.factories import World

_adapter = TypeAdapter(EventCommand)


def _run_group(w: World, items: Sequence[tuple[str, dict[str, Any]]]) -> tuple[GroupCommit, list[Any]]:
    """Record `items` ((org, body) each) as one group; answers the writer and each request's
    recorded events or its exception, in order."""
    writer = GroupCommit(w.db, w.settings)

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        group = [_Request(w.actors[org], [_adapter.validate_python(body)], loop,
                          loop.create_future()) for org, body in items]
        writer._record(group)
        return await asyncio.gather(*(r.future for r in group), return_exceptions=True)

    # On a thread of its own: an earlier test may leave an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        return writer, pool.submit(lambda: asyncio.run(main())).result()


def _events(w: World) -> int:
    with w.db.read() as s:
        return int(s.execute(text("SELECT count(*) FROM event")).scalar_one())


@pytest.fixture
def world(db, settings) -> World:
    w = World(db, settings)
    w.org("A", "collector")
    w.org("B", "sorter")
    w.org("C", "collector")
    return w


def test_a_shipment_and_its_receipt_by_two_callers_in_one_group(world: World) -> None:
    w = world
    lot = w.collect("A", "100.000")
    before = _events(w)
    writer, answers = _run_group(w, [
        ("A", w.body("ship", "A-S1", lots=[lot], to_site="B-S1")),
        ("B", w.body("receive", "B-S1", lots=[{"lot": lot, "mass_kg": "99.500"}])),
        ("C", w.body("collect", "C-S1", metal="Cu", grade="CU-BIRCH", origin="post_consumer",
                     mass_kg="12.345")),
    ])
    assert writer.groups == 1
    ship, receive, collect = (a[0] for a in answers)
    assert (ship.type, receive.type, collect.type) == ("ship", "receive", "collect")
    assert receive.seq == ship.seq + 1 and collect.seq == ship.seq + 2
    assert _events(w) == before + 3
    with w.db.read() as s:
        held = get_lot(s, actor=w.actors["B"], code=lot)
        made = get_lot(s, actor=w.actors["C"], code=collect.created_lots[0])
    assert (held.org_code, held.site_code, held.lot.mass_g) == ("B", "B-S1", 99_500)
    assert (made.org_code, made.lot.mass_g) == ("C", 12_345)


def test_one_refusal_in_a_group_refuses_only_its_own_request(world: World) -> None:
    w = world
    lot = w.collect("A", "100.000")
    before = _events(w)
    writer, answers = _run_group(w, [
        ("A", w.body("collect", "A-S1", metal="Al", grade="AL-TALC", origin="post_consumer",
                     mass_kg="5.000")),
        ("A", w.body("receive", "A-S1", lots=[{"lot": lot, "mass_kg": "100.000"}])),
        ("C", w.body("collect", "C-S1", metal="Al", grade="AL-TALC", origin="pre_consumer",
                     mass_kg="7.000")),
    ])
    assert writer.groups == 0  # the group failed; each request was recorded alone
    assert isinstance(answers[1], RuleViolation) and answers[1].code == "not-in-transit"
    assert answers[1].pointer == "/lots/0/lot"  # a single event's pointer, not a batch's
    assert [a[0].type for a in (answers[0], answers[2])] == ["collect", "collect"]
    assert _events(w) == before + 2


def test_a_caller_sees_only_its_own_access_though_another_in_its_group_was_granted(
        world: World) -> None:
    """A ships to B in the same group as C naming the lot: B may see it, C may not."""
    w = world
    lot = w.collect("A", "100.000")
    _, answers = _run_group(w, [
        ("A", w.body("ship", "A-S1", lots=[lot], to_site="B-S1")),
        ("C", w.body("receive", "C-S1", lots=[{"lot": lot, "mass_kg": "100.000"}])),
    ])
    assert answers[0][0].type == "ship"
    assert isinstance(answers[1], NotFound) and answers[1].code == "lot-not-found"


def test_the_same_event_twice_in_a_group_is_recorded_once_and_replayed(world: World) -> None:
    w = world
    body = w.body("collect", "A-S1", metal="Al", grade="AL-TALC", origin="post_consumer",
                  mass_kg="1.000", id=str(uuid.uuid4()))
    before = _events(w)
    _, answers = _run_group(w, [("A", body), ("A", dict(body))])
    first, again = answers[0][0], answers[1][0]
    assert (first.replay, again.replay) == (False, True)
    assert again.seq == first.seq and again.created_lots == first.created_lots
    assert _events(w) == before + 1


def test_one_step_checks_each_caller_against_its_own_access(world: World) -> None:
    """In one `record_submissions` step (no retry alone), C naming a lot that A ships to B in
    the same step is answered as if the lot did not exist, as it would be on its own."""
    w = world
    lot = w.collect("A", "100.000")
    ship = _adapter.validate_python(w.body("ship", "A-S1", lots=[lot], to_site="B-S1"))
    receive = _adapter.validate_python(
        w.body("receive", "C-S1", lots=[{"lot": lot, "mass_kg": "100.000"}]))
    with pytest.raises(NotFound) as refused, w.db.write() as s:
        record_submissions(s, settings=w.settings, submissions=[
            Submission(w.actors["A"], [ship]), Submission(w.actors["C"], [receive])])
    assert (refused.value.code, refused.value.pointer) == ("lot-not-found", "/lots/0/lot")
