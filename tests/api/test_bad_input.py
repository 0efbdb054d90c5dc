"""Bad input of any shape is a 4xx problem naming the field, never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from tests.factories import snapshot

PROBLEM = "application/problem+json"


def event(api, type_="collect", **fields):
    base = {"metal": "Al", "grade": "AL-TALC", "origin": "post_consumer", "mass_kg": 10} \
        if type_ == "collect" else {}
    return {**api.world.body(type_, "COL-S1", **base), **fields}


def assert_problem(r, status, code, pointer=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["code"] == code and body["status"] == status and body["title"]
    if pointer is not None:
        assert pointer in [e["pointer"] for e in body.get("errors", [])] or \
            body.get("pointer") == pointer, body
    return body


@pytest.fixture
def quiet(api):
    """Log in first, then prove that the bad request changed nothing."""
    api.as_("COL")
    api.as_("admin")
    before = snapshot(api.world.db)
    yield api
    assert snapshot(api.world.db) == before


@pytest.mark.parametrize("raw", [b"{", b"", b"[1,", b"\xff\xfe", b'{"events": [}'])
def test_malformed_json(quiet, raw):
    r = quiet.client.post("/api/v1/events", content=raw, headers={
        **quiet.as_("COL"), "content-type": "application/json"})
    assert_problem(r, 400, "malformed-json")


@pytest.mark.parametrize("field,value,pointer", [
    ("mass_kg", "heavy", "/mass_kg"), ("mass_kg", True, "/mass_kg"), ("metal", 7, "/metal"),
    ("occurred_at", "yesterday", "/occurred_at"), ("id", "not-a-uuid", "/id"),
    ("source", "household", "/source"), ("mass_kg", None, "/mass_kg"),
])
def test_wrong_types(quiet, field, value, pointer):
    assert_problem(quiet.post("COL", "/events", event(quiet, **{field: value})), 422,
                   "validation-error", pointer)


def test_wrong_types_in_a_batch_name_the_event(quiet):
    events = [event(quiet), event(quiet, mass_kg=[1])]
    assert_problem(quiet.post("COL", "/events", {"events": events}), 422, "validation-error",
                   "/events/1/mass_kg")
    assert_problem(quiet.post("COL", "/events", {"events": "all"}), 422, "validation-error",
                   "/events")
    assert_problem(quiet.post("COL", "/events", [1, 2]), 422, "validation-error")


@pytest.mark.parametrize("value", [1e308, "1e400", 10_000_000.001, "Infinity", "NaN", 10**30])
def test_absurd_numbers(quiet, value):
    assert_problem(quiet.post("COL", "/events", event(quiet, mass_kg=value)), 422,
                   "validation-error", "/mass_kg")


def test_absurd_numbers_elsewhere(quiet):
    r = quiet.post("COL", "/events", event(quiet, "assay", lot="7KQ-M3X-9PD", metal_pct=100.01))
    assert_problem(r, 422, "validation-error", "/metal_pct")
    r = quiet.get("COL", "/lots", limit=10**12)
    assert_problem(r, 422, "validation-error", "/limit")
    r = quiet.get("COL", "/events", cursor="!!!")
    assert_problem(r, 422, "invalid-cursor")


@pytest.mark.parametrize("value", [0, -1, "-0.001", 0.0])
def test_zero_or_negative_masses(quiet, value):
    assert_problem(quiet.post("COL", "/events", event(quiet, mass_kg=value)), 422,
                   "validation-error", "/mass_kg")
    melt = event(quiet, "melt", metal="Al", product="ADC12", output_mass_kg=value, inputs=[])
    assert_problem(quiet.post("COL", "/events", melt), 422, "validation-error",
                   "/output_mass_kg")


@pytest.mark.parametrize("value", [1.0001, "2.5555", 0.0005])
def test_more_than_three_decimals(quiet, value):
    assert_problem(quiet.post("COL", "/events", event(quiet, mass_kg=value)), 422,
                   "validation-error", "/mass_kg")


@pytest.mark.parametrize("field,value", [
    ("metal", "Fe"), ("origin", "recycled"), ("type", "teleport"),
])
def test_unknown_enum_values(quiet, field, value):
    body = assert_problem(quiet.post("COL", "/events", event(quiet, **{field: value})), 422,
                          "validation-error")
    assert body["errors"]


def test_unknown_enum_values_elsewhere(quiet):
    r = quiet.post("admin", "/orgs", {"code": "X", "name": "X", "kind": "pirate",
                                      "uscc": "91350100M000100Y43", "region": "520100"})
    assert_problem(r, 422, "validation-error", "/kind")
    assert_problem(quiet.get("COL", "/lots", status="lost"), 422, "validation-error", "/status")
    r = quiet.get("COL", "/reports/recycled-share", metal="Fe", **{"from": "2026-01-01",
                                                                    "to": "2027-01-01"})
    assert_problem(r, 422, "validation-error", "/metal")
    r = quiet.post("COL", "/events", event(quiet, "ship", lots=["7KQ-M3X-9PD"],
                                           to_site="SORT-S1", transport={"mode": "teleport"}))
    assert_problem(r, 422, "validation-error", "/transport/mode")


@pytest.mark.parametrize("field,value,pointer", [
    ("grade", "G" * 33, "/grade"), ("site", "S" * 33, "/site"), ("lot", "A" * 21, "/lot"),
    ("source", {"kind": "household", "name": "n" * 201}, "/source/name"),
])
def test_over_long_strings(quiet, field, value, pointer):
    assert_problem(quiet.post("COL", "/events", event(quiet, **{field: value})), 422,
                   "validation-error", pointer)


def test_over_long_strings_elsewhere(quiet):
    r = quiet.client.post("/api/v1/auth/token", json={"username": "u" * 65, "password": "x"})
    assert_problem(r, 422, "validation-error", "/username")
    assert_problem(quiet.get("COL", "/lots/" + "A" * 5000), 422, "invalid-lot-code")


def test_unknown_fields_are_refused_not_ignored(quiet):
    assert_problem(quiet.post("COL", "/events", event(quiet, colour="red")), 422,
                   "validation-error", "/colour")


def test_rule_errors_keep_the_field_pointer(quiet):
    body = assert_problem(quiet.post("COL", "/events", event(quiet, grade="AL-NOPE")), 422,
                          "unknown-grade")
    assert body["pointer"] == "/grade"
    body = assert_problem(quiet.post("COL", "/events", event(quiet, lot="7KQ-M3X-9PE")), 422,
                          "invalid-lot-code")
    assert body["pointer"] == "/lot"
