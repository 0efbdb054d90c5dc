"""Quotas: unused label codes per organisation, lots per request, and label sheets built once."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from api.label_render import PdfCache
from domain import codes
from domain.commands import EventCommand
from domain.quotas import lots_created
from tests.api.test_bad_input import assert_problem, event
from tests.factories import snapshot


def configure(api, **values) -> None:
    app = api.client.app
    app.state.settings = app.state.settings.model_copy(update=values)


def test_an_organisation_holds_at_most_its_quota_of_unused_codes(api):
    configure(api, label_quota_unused=30)
    first = api.post("COL", "/labels", {"site": "COL-S1", "count": 20})
    assert first.status_code == 201, first.text
    before = snapshot(api.world.db)
    body = assert_problem(api.post("COL", "/labels", {"site": "COL-S1", "count": 11}), 409,
                          "label-quota-exceeded")
    assert (body["pointer"], body["unused"], body["quota"]) == ("/count", 20, 30)
    assert snapshot(api.world.db) == before
    assert api.post("COL", "/labels", {"site": "COL-S1", "count": 10}).status_code == 201
    assert_problem(api.post("COL", "/labels", {"site": "COL-S1", "count": 1}), 409,
                   "label-quota-exceeded")
    # A code used by a collect is no longer unused: one more may be allocated.
    api.world.collect("COL", 5, lot=first.json()["codes"][0])
    assert api.post("COL", "/labels", {"site": "COL-S1", "count": 1}).status_code == 201
    # The quota is the organisation's: another one is not affected.
    assert api.post("OTHER", "/labels", {"site": "OTHER-S1", "count": 30}).status_code == 201


def test_a_request_creating_more_lots_than_allowed_is_refused_whole(api):
    configure(api, max_lots_per_request=3)
    api.as_("COL")
    before = snapshot(api.world.db)
    body = assert_problem(api.post("COL", "/events", {"events": [event(api) for _ in range(4)]}),
                          422, "too-many-lots")
    assert (body["count"], body["limit"]) == (4, 3)
    assert snapshot(api.world.db) == before
    r = api.post("COL", "/events", {"events": [event(api) for _ in range(3)]})
    assert r.status_code == 201, r.text


def test_transform_outputs_count_as_lots(api):
    configure(api, max_lots_per_request=3)
    lot = api.world.collect("COL", 100)
    split = api.world.body("transform", "COL-S1", kind="split", inputs=[{"lot": lot}],
                           outputs=[{"mass_kg": 20} for _ in range(4)])
    assert_problem(api.post("COL", "/events", split), 422, "too-many-lots")
    split["outputs"] = split["outputs"][:3]
    assert api.post("COL", "/events", split).status_code == 201


def test_lots_created_counts_every_kind():
    adapter = TypeAdapter(list[EventCommand])
    base = {"occurred_at": "2026-05-04T09:30:00+08:00", "site": "S"}
    lot = codes.new_lot_code()
    commands = adapter.validate_python([
        {**base, "id": f"00000000-0000-4000-8000-00000000000{n}", **fields}
        for n, fields in enumerate([
            {"type": "collect", "metal": "Al", "grade": "G", "origin": "post_consumer",
             "mass_kg": 1},
            {"type": "declare", "metal": "Al", "grade": "G", "origin": "post_consumer",
             "mass_kg": 1, "reason": "paper_record"},
            {"type": "transform", "kind": "split", "inputs": [{"lot": lot}],
             "outputs": [{"mass_kg": 1}, {"mass_kg": 1}]},
            {"type": "melt", "metal": "Al", "product": "ADC12", "output_mass_kg": 1,
             "inputs": [{"lot": lot, "mass_kg": 1}]},
            {"type": "ship", "lots": [lot], "to_site": "T"},
            {"type": "void", "target": "00000000-0000-4000-8000-000000000000", "reason": "r"},
        ])])
    assert lots_created(commands) == 5


def test_a_label_sheet_is_built_once_per_batch(api):
    batch = api.post("COL", "/labels", {"site": "COL-S1", "count": 3}).json()["batch"]
    other = api.post("COL", "/labels", {"site": "COL-S1", "count": 2}).json()["batch"]
    cache: PdfCache = api.client.app.state.label_pdfs
    first = api.get("COL", f"/labels/{batch}.pdf")
    again = api.get("COL", f"/labels/{batch}.pdf")
    assert (first.status_code, again.content, cache.builds) == (200, first.content, 1)
    assert api.get("COL", f"/labels/{other}.pdf").status_code == 200
    assert cache.builds == 2
    # The cache does not bypass authorisation: another organisation still gets 404.
    assert_problem(api.get("OTHER", f"/labels/{batch}.pdf"), 404, "label-batch-not-found")


def test_the_sheet_cache_is_bounded():
    cache = PdfCache(max_items=2, max_bytes=10)
    built: list[str] = []

    def build(name: str, size: int = 3):
        return lambda: built.append(name) or name.encode() * size

    for name in ("a", "b", "c", "a"):
        cache.get((name, "u"), build(name))
    assert built == ["a", "b", "c", "a"]  # "a" was evicted by "c" and built again
    cache.get(("c", "u"), build("c"))
    assert built == ["a", "b", "c", "a"]
    cache.get(("big", "u"), build("big", 10))  # larger than the whole cache: not kept
    cache.get(("big", "u"), build("big", 10))
    assert built[-2:] == ["big", "big"]


@pytest.mark.parametrize("count", [0, 1001])
def test_label_counts_out_of_range_are_still_validation_errors(api, count):
    assert_problem(api.post("COL", "/labels", {"site": "COL-S1", "count": count}), 422,
                   "validation-error", "/count")
