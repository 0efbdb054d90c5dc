"""A lot code drawn at random that is already a lot's: the capture is run again with a new
draw, so the client gets its 201 and never a 500 or a 409 (at 10^6 lots about one draw in a
million collides with the 40 random bits of a code)."""

from __future__ import annotations

from typing import Any

import pytest

from domain import codes
from domain.errors import CodeCollision
from tests.api.conftest import Api


def collect_body(api: Api) -> dict[str, Any]:
    return api.world.body("collect", "COL-S1", metal="Al", grade="AL-TALC",
                          origin="post_consumer", mass_kg=100)


def test_a_drawn_code_already_in_use_is_drawn_again(api: Api,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    taken = api.world.collect("COL", 100)
    draws: list[str] = []
    real = codes.new_lot_code

    def first_taken() -> str:
        draws.append(taken if not draws else real())
        return draws[-1]

    monkeypatch.setattr(codes, "new_lot_code", first_taken)
    r = api.post("COL", "/events", collect_body(api))
    assert r.status_code == 201, r.text
    assert draws[0] == taken and r.json()["created_lots"] == [draws[1]] != [taken]
    assert api.get("COL", f"/lots/{draws[1]}").json()["mass_kg"] == 100.0


def test_a_code_that_keeps_colliding_is_refused_after_three_draws(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = api.world.collect("COL", 100)
    monkeypatch.setattr(codes, "new_lot_code", lambda: taken)
    r = api.post("COL", "/events", collect_body(api))
    assert (r.status_code, r.json()["code"]) == (409, CodeCollision.code)
