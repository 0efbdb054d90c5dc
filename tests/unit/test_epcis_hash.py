"""The EPCIS event hash id against the published examples of GS1's reference implementation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.epcis.event_hash import digital_link, event_hash_id, pre_hash

VECTORS = json.loads((Path(__file__).parents[1] / "data" / "epcis_hash_vectors.json")
                     .read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", VECTORS["events"])
def test_pre_hash_and_hash_id_match_the_published_example(case: dict) -> None:
    assert pre_hash(case["event"]) == case["prehash"]
    assert event_hash_id(case["event"]) == case["hash"]


@pytest.mark.parametrize(("urn", "link"), sorted(VECTORS["digital_links"].items()))
def test_gs1_urns_become_the_published_digital_links(urn: str, link: str) -> None:
    assert digital_link(urn) == link


def test_event_time_is_utc_to_the_millisecond_rounding_the_fourth_decimal() -> None:
    base = {"type": "ObjectEvent", "eventTimeZoneOffset": "+08:00", "action": "ADD"}
    assert pre_hash({**base, "eventTime": "2026-05-04T09:30:00.12350+08:00"}).startswith(
        "eventType=ObjectEventeventTime=2026-05-04T01:30:00.124Z")
    assert pre_hash({**base, "eventTime": "2026-05-04T09:30:59.9996+08:00"}).startswith(
        "eventType=ObjectEventeventTime=2026-05-04T01:31:00.000Z")


def test_extensions_are_expanded_sorted_and_nested() -> None:
    event = {"type": "ObjectEvent", "eventTime": "2026-05-04T09:30:00+08:00",
             "eventTimeZoneOffset": "+08:00", "action": "ADD", "eventID": "urn:uuid:x",
             "recordTime": "2026-05-04T09:40:00Z", "st:metal": "Al",
             "st:source": {"region": "520100", "kind": "household", "name": None},
             "st:mass": 412.50}
    assert pre_hash(event, {"st": "https://t.example/voc/"}) == (
        "eventType=ObjectEventeventTime=2026-05-04T01:30:00.000ZeventTimeZoneOffset=+08:00"
        "action=ADD{https://t.example/voc/}mass=412.5{https://t.example/voc/}metal=Al"
        "{https://t.example/voc/}source{https://t.example/voc/}kind=household"
        "{https://t.example/voc/}region=520100")
