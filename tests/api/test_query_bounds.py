"""Numeric and date query values out of range are 4xx problems naming the field, never 500s."""

from __future__ import annotations

import pytest

from api.deps import encode_cursor
from tests.api.test_bad_input import assert_problem
from tests.factories import snapshot


@pytest.fixture
def quiet(api):
    """Logged in; the refused requests change nothing."""
    for org in ("COL", "AGENCY"):
        api.as_(org)
    before = snapshot(api.world.db)
    yield api
    assert snapshot(api.world.db) == before


@pytest.mark.parametrize("path", ["/events", "/lots", "/orgs"])
@pytest.mark.parametrize("cursor", [
    encode_cursor(10**40 - 1),  # forty 9s: past every integer the databases hold
    encode_cursor(2**63),  # one past the largest 64-bit key
    "9" * 40,  # the digits themselves, not base64 of them
    encode_cursor(-1).replace("=", ""),
])
def test_cursors_past_64_bits_are_invalid_cursors(quiet, path, cursor):
    body = assert_problem(quiet.get("COL", path, cursor=cursor), 422, "invalid-cursor")
    assert body["pointer"] == "/cursor"


def test_the_largest_64_bit_cursor_is_simply_the_end(quiet):
    r = quiet.get("COL", "/events", cursor=encode_cursor(2**63 - 1))
    assert (r.status_code, r.json()) == (200, {"items": [], "next_cursor": None})


def test_cursors_with_signs_spaces_or_underscores_are_not_ours(quiet):
    import base64

    for text in ("+5", " 5", "1_0", "٣"):
        cursor = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        assert_problem(quiet.get("COL", "/lots", cursor=cursor), 422, "invalid-cursor")


@pytest.mark.parametrize("since", ["9999-12-31T23:00-05:00", "0001-01-01T00:00+01:00"])
def test_since_out_of_range_in_utc_is_a_validation_error(quiet, since):
    assert_problem(quiet.get("COL", "/events", since=since), 422, "validation-error", "/since")


def test_since_at_the_edges_that_fit_is_answered(quiet):
    for since in ("9999-12-31T23:00+05:00", "0001-01-01T00:00-01:00"):
        r = quiet.get("COL", "/events", since=since)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("limit", [0, -1, 1001, 2**63, "1e3", "NaN"])
def test_limits_out_of_range(quiet, limit):
    assert_problem(quiet.get("COL", "/events", limit=limit), 422, "validation-error", "/limit")


@pytest.mark.parametrize("report", ["recycled-share", "mass-balance"])
@pytest.mark.parametrize("start,end,pointer", [
    ("0001-01-01", "2027-01-01", "/from"), ("2026-01-01", "9999-12-31", "/to"),
    ("2026-01-01", "2025-01-01", "/to"),
])
def test_report_dates_out_of_range(quiet, report, start, end, pointer):
    body = assert_problem(quiet.get("AGENCY", f"/reports/{report}", metal="Al",
                                    **{"from": start, "to": end}), 422, "invalid-period")
    assert body["pointer"] == pointer


def test_an_occurred_at_before_the_first_utc_instant_is_refused(quiet):
    from tests.api.test_bad_input import event

    body = assert_problem(quiet.post("COL", "/events", event(
        quiet, occurred_at="0001-01-01T00:00+01:00")), 422, "invalid-instant")
    assert body["pointer"] == "/occurred_at"
    batch = {"events": [event(quiet), event(quiet, occurred_at="0001-01-01T00:30+14:00")]}
    body = assert_problem(quiet.post("COL", "/events", batch), 422, "invalid-instant")
    assert body["pointer"] == "/events/1/occurred_at"
