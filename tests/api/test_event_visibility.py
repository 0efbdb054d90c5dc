"""GET /events and /events/{id}: others' events as redacted views; existence answered alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event as sa_event

from domain.codes import new_lot_code
from domain.events.capture import Recorded

SOURCE = {"kind": "household", "region": "520102", "name": "Wang Wei"}
TRANSPORT = {"mode": "road_diesel", "distance_km": 42.5, "vehicle": "GZ-A12345", "waybill": "WB-1"}


@dataclass
class Chain:
    lots: dict[str, str]
    ev: dict[str, Recorded]


@pytest.fixture
def chain(api) -> Chain:
    """COL collects A and A2, declares D, ships A and D to SORT and A2 to S; SORT merges A and D
    into B and ships B to S; S assays A2 (then voids it) and melts A2 and B with primary metal."""
    w = api.world
    ev: dict[str, Recorded] = {}
    ev["collect"] = w.event("COL", "collect", metal="Al", grade="AL-TALC", origin="post_consumer",
                            mass_kg=100, gross_kg=120, tare_kg=20, source=SOURCE)
    a = ev["collect"].created_lots[0]
    ev["collect_a2"] = w.event("COL", "collect", metal="Al", grade="AL-TALC",
                               origin="post_consumer", mass_kg=300)
    a2 = ev["collect_a2"].created_lots[0]
    ev["declare"] = w.event("COL", "declare", metal="Al", grade="AL-TALC", origin="pre_consumer",
                            mass_kg=50, reason="off_platform_purchase",
                            supplier={"name": "Old Yard Ltd", "region": "520300"})
    d = ev["declare"].created_lots[0]
    ev["assay"] = w.event("COL", "assay", lot=a.lower(), metal_pct=91.5, method="XRF",
                          lab="COL lab")
    ev["ship"] = w.ship("COL", [a, d], "SORT-S1", transport=TRANSPORT)
    ev["ship_a2"] = w.ship("COL", [a2], "S-S1")
    ev["receive"] = w.receive("SORT", {a: 99.2, d: 50})
    ev["transform"] = w.event("SORT", "transform", kind="merge", inputs=[{"lot": a}, {"lot": d}],
                              outputs=[{"mass_kg": 140}])
    b = ev["transform"].created_lots[0]
    ev["ship_b"] = w.ship("SORT", [b], "S-S1", manifest="HW-2026-1")
    ev["receive_s"] = w.receive("S", {b: 139.5, a2: 299})
    ev["assay_s"] = w.event("S", "assay", lot=a2, metal_pct=90, method="ICP", lab="S lab")
    ev["void"] = w.event("S", "void", target=ev["assay_s"].id, reason="wrong sample")
    ev["melt"] = w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=500,
                         inputs=[{"lot": a2, "mass_kg": 299}, {"lot": b, "mass_kg": 139.5}],
                         primary=[{"material": "A00", "mass_kg": 100, "metal_pct": 99.7}])
    return Chain({"A": a, "A2": a2, "D": d, "B": b, "P": ev["melt"].created_lots[0]}, ev)


def head(rec: Recorded, voided_by: str | None = None) -> dict[str, Any]:
    return {"id": rec.id, "type": rec.type, "seq": rec.seq, "org": rec.org_code,
            "site": rec.site_code, "occurred_at": rec.occurred_at.isoformat(),
            "voided_by": voided_by, "redacted": True}


def seen(api, org: str, chain: Chain) -> dict[str, dict[str, Any]]:
    """Every event of the chain as `org` reads it, one by one (missing: answered 404)."""
    out = {}
    for name, rec in chain.ev.items():
        r = api.get(org, f"/events/{rec.id}")
        if r.status_code == 404:
            assert r.json()["code"] == "event-not-found"
        else:
            assert r.status_code == 200, r.text
            out[name] = r.json()
    return out


def test_an_upstream_collector_sees_only_its_own_lots_lines_of_later_events(api, chain):
    lots, ev = chain.lots, chain.ev
    got = seen(api, "COL", chain)
    assert sorted(got) == ["assay", "assay_s", "collect", "collect_a2", "declare", "melt",
                           "receive",
                           "receive_s", "ship", "ship_a2", "transform", "void"]
    for own in ("assay", "collect", "collect_a2", "declare", "ship", "ship_a2"):
        assert got[own]["redacted"] is False
    assert got["collect"]["source"] == SOURCE  # its own event: whole
    assert got["receive"] == {**head(ev["receive"]), "lots": [
        {"lot": lots["A"], "mass_kg": 99.2}, {"lot": lots["D"], "mass_kg": 50.0}]}
    assert got["transform"] == {**head(ev["transform"]), "kind": "merge", "outputs": [],
                                "inputs": [{"lot": lots["A"], "mass_kg": None},
                                           {"lot": lots["D"], "mass_kg": None}]}
    assert got["receive_s"] == {**head(ev["receive_s"]),
                                "lots": [{"lot": lots["A2"], "mass_kg": 299.0}]}
    assert got["assay_s"] == {**head(ev["assay_s"], voided_by=ev["void"].id),
                              "lot": lots["A2"], "metal_pct": 90.0}
    assert got["void"] == {**head(ev["void"]), "target": ev["assay_s"].id}
    assert got["melt"] == {**head(ev["melt"]), "inputs": [{"lot": lots["A2"], "mass_kg": 299.0}]}


def test_a_sorter_never_reads_the_collectors_source_or_supplier(api, chain):
    lots, ev = chain.lots, chain.ev
    got = seen(api, "SORT", chain)
    assert sorted(got) == ["assay", "collect", "declare", "melt", "receive", "receive_s",
                           "ship", "ship_b", "transform"]
    assert got["collect"] == {**head(ev["collect"]), "lot": lots["A"], "metal": "Al",
                              "grade": "AL-TALC", "origin": "post_consumer"}
    assert got["declare"] == {**head(ev["declare"]), "lot": lots["D"], "metal": "Al",
                              "grade": "AL-TALC", "origin": "pre_consumer"}
    assert got["assay"] == {**head(ev["assay"]), "lot": lots["A"], "metal_pct": 91.5}
    assert got["ship"] == {**head(ev["ship"]), "lots": [lots["A"], lots["D"]],
                           "to_site": "SORT-S1",
                           "transport": {"mode": "road_diesel", "distance_km": 42.5}}
    assert got["receive_s"] == {**head(ev["receive_s"]),
                                "lots": [{"lot": lots["B"], "mass_kg": 139.5}]}
    assert got["melt"] == {**head(ev["melt"]), "inputs": [{"lot": lots["B"], "mass_kg": 139.5}]}


def test_a_smelter_sees_what_was_shipped_to_it_not_what_it_was_made_of(api, chain):
    lots, ev = chain.lots, chain.ev
    got = seen(api, "S", chain)
    assert sorted(got) == ["assay_s", "collect_a2", "melt", "receive_s", "ship_a2", "ship_b",
                           "transform", "void"]
    assert got["collect_a2"] == {**head(ev["collect_a2"]), "lot": lots["A2"], "metal": "Al",
                                 "grade": "AL-TALC", "origin": "post_consumer"}
    assert got["transform"] == {**head(ev["transform"]), "kind": "merge", "inputs": [],
                                "outputs": [{"lot": lots["B"], "metal": None, "grade": None,
                                             "mass_kg": 140.0}]}
    assert got["ship_b"] == {**head(ev["ship_b"]), "lots": [lots["B"]], "to_site": "S-S1",
                             "transport": None}
    assert got["ship_a2"] == {**head(ev["ship_a2"]), "lots": [lots["A2"]], "to_site": "S-S1",
                              "transport": None}
    assert got["melt"]["primary"] == [{"material": "A00", "mass_kg": 100.0, "metal_pct": 99.7}]


def test_auditors_and_admins_read_every_event_whole(api, chain):
    for reader in ("AGENCY", "admin"):
        got = seen(api, reader, chain)
        assert sorted(got) == sorted(chain.ev)
        assert {name: body["redacted"] for name, body in got.items()} == {
            name: False for name in chain.ev}
        assert got["collect"]["source"] == SOURCE
        assert got["declare"]["supplier"] == {"name": "Old Yard Ltd", "uscc": None,
                                              "region": "520300"}
        assert got["ship"]["transport"] == TRANSPORT
        assert got["void"]["reason"] == "wrong sample"


def test_a_stranger_sees_none_of_the_chain(api, chain):
    assert seen(api, "OTHER", chain) == {}
    assert api.get("OTHER", "/events").json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("org", ["COL", "SORT", "S", "AGENCY"])
def test_the_list_answers_the_same_bodies_as_the_single_reads(api, chain, org):
    listed = {e["id"]: e for e in api.get(org, "/events", limit=1000).json()["items"]}
    singles = {body["id"]: body for body in seen(api, org, chain).values()}
    assert listed == singles
    r = api.get(org, "/events", lot=chain.lots["A2"].lower())
    if org == "SORT":  # never held A2
        assert (r.status_code, r.json()["code"]) == (404, "lot-not-found")
        return
    assert [e["id"] for e in r.json()["items"]] == [
        chain.ev[n].id for n in ("collect_a2", "ship_a2", "receive_s", "assay_s", "melt")]
    assert all(e == singles[e["id"]] for e in r.json()["items"])


def test_a_page_of_others_events_costs_the_same_number_of_queries_at_any_size(api):
    """The visible lots of a page's events are read in one query, not one per event."""
    w = api.world

    def statements() -> int:
        count = [0]

        def seen_statement(*_: object) -> None:
            count[0] += 1
        sa_event.listen(w.db.engine, "before_cursor_execute", seen_statement)
        try:
            r = api.get("SORT", "/events", limit=1000)
        finally:
            sa_event.remove(w.db.engine, "before_cursor_execute", seen_statement)
        assert all(e["redacted"] for e in r.json()["items"])
        return count[0]

    w.ship("COL", [w.collect("COL", 10)], "SORT-S1")
    statements()  # the first read logs in and opens connections
    few = statements()
    for _ in range(5):
        w.ship("COL", [w.collect("COL", 10)], "SORT-S1")
    assert len(api.get("SORT", "/events", limit=1000).json()["items"]) == 12
    assert statements() == few


def test_events_of_a_lot_answer_alike_whether_it_is_missing_or_anothers(api):
    theirs = api.world.collect("OTHER", 10)
    missing = new_lot_code()
    answers = []
    for code in (theirs, missing):
        r = api.get("COL", "/events", lot=code)
        answers.append((r.status_code, r.json()["code"], r.json()["title"]))
    assert answers == [(404, "lot-not-found", answers[0][2])] * 2
    assert api.get("AGENCY", "/events", lot=theirs).json()["items"][0]["type"] == "collect"
    assert api.get("OTHER", "/events", lot=theirs).status_code == 200


def test_lots_of_a_site_answer_alike_whether_it_is_missing_or_anothers(api):
    code = api.world.collect("OTHER", 10)
    api.world.ship("OTHER", [code], "COL-S1")
    api.world.receive("COL", {code: 10})
    api.world.ship("COL", [code], "OTHER-S1")
    api.world.receive("OTHER", {code: 10})  # back at OTHER-S1: COL still may read the lot
    answers = []
    for site in ("OTHER-S1", "NOWHERE-1"):
        r = api.get("COL", "/lots", site=site)
        answers.append((r.status_code, r.json()["code"]))
    assert answers == [(404, "site-not-found")] * 2
    assert [lot["code"] for lot in api.get("AGENCY", "/lots", site="OTHER-S1").json()["items"]
            ] == [code]
    assert [lot["code"] for lot in api.get("COL", "/lots").json()["items"]] == [code]
    assert api.get("COL", "/lots", site="COL-S1").json()["items"] == []
