"""POST /events and the reads: idempotency, atomic batches, object-level authorisation."""

from __future__ import annotations

import uuid

from tests.factories import snapshot


def collect(api, org="COL", mass=100, **extra):
    return api.world.body("collect", f"{org}-S1", metal="Al", grade="AL-TALC",
                          origin="post_consumer", mass_kg=mass, **extra)


def test_collect_answers_201_with_the_stored_event_and_the_lot(api):
    body = collect(api, mass="412.5")
    r = api.post("COL", "/events", body)
    assert r.status_code == 201
    out = r.json()
    assert (out["id"], out["type"], out["org"], out["site"]) == (body["id"], "collect", "COL",
                                                                 "COL-S1")
    assert out["seq"] >= 1 and out["occurred_at"] == body["occurred_at"]
    [code] = out["created_lots"]
    lot = api.get("COL", f"/lots/{code.lower()}").json()
    assert lot == {
        "code": code, "label": f"{code[:3]}-{code[3:6]}-{code[6:]}", "metal": "Al",
        "grade": "AL-TALC", "status": "active", "mass_kg": 412.5, "metal_fraction": 0.88,
        "assayed": False, "custodian": {"org": "COL", "site": "COL-S1"}, "destination": None,
        "cells": [{"origin": "post_consumer", "provenance": "in_province",
                   "evidence": "traced", "mass_kg": 412.5, "melted_by": None,
                   "country": None, "region": "520100"}]}


def test_exact_replay_answers_200_with_the_original_result(api):
    body = collect(api)
    first = api.post("COL", "/events", body)
    again = api.post("COL", "/events", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json().pop("replay"), again.json().pop("replay")) == (False, True)
    assert {**again.json(), "replay": None} == {**first.json(), "replay": None}
    assert len(api.get("COL", "/events", type="collect").json()["items"]) == 1


def test_same_id_with_another_body_is_an_idempotency_conflict(api):
    body = collect(api)
    api.post("COL", "/events", body)
    before = snapshot(api.world.db)
    r = api.post("COL", "/events", {**body, "mass_kg": 101})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "idempotency-conflict"
    assert snapshot(api.world.db) == before


def test_a_batch_of_100_with_one_bad_event_writes_nothing(api):
    events = [collect(api, mass=10 + i) for i in range(100)]
    events[57] = {**events[57], "grade": "CU-BARLEY"}  # a copper grade on an aluminium lot
    api.as_("COL")
    before = snapshot(api.world.db)
    r = api.post("COL", "/events", {"events": events})
    assert r.status_code == 422
    problem = r.json()
    assert (problem["code"], problem["pointer"], problem["index"]) == (
        "metal-mismatch", "/events/57/grade", 57)
    assert snapshot(api.world.db) == before


def test_a_batch_is_recorded_in_order_and_can_use_lots_it_creates(api):
    c = collect(api, mass=250)
    lot_code = "7KQM3X9P"  # a pre-printed label: 8 data symbols + check symbol
    from domain.codes import lot_check_symbol
    lot_code += lot_check_symbol(lot_code)
    c["lot"] = lot_code.lower()
    ship = api.world.body("ship", "COL-S1", lots=[lot_code], to_site="SORT-S1",
                          transport={"mode": "road_electric", "distance_km": 35})
    r = api.post("COL", "/events", {"events": [c, ship]})
    assert r.status_code == 201
    events = r.json()["events"]
    assert [e["type"] for e in events] == ["collect", "ship"]
    assert [e["replay"] for e in events] == [False, False]
    # Resending the batch with one new event stores only the new one.
    extra = collect(api, mass=5)
    r = api.post("COL", "/events", {"events": [c, ship, extra]})
    assert r.status_code == 201
    assert [e["replay"] for e in r.json()["events"]] == [True, True, False]
    assert events[0]["created_lots"] == [lot_code]
    assert events[1]["seq"] == events[0]["seq"] + 1
    assert api.get("SORT", f"/lots/{lot_code}").json()["status"] == "in_transit"


def test_an_operator_can_neither_read_nor_ship_nor_void_another_orgs_lot(api):
    rec = api.post("OTHER", "/events", collect(api, org="OTHER")).json()
    [code] = rec["created_lots"]
    api.as_("COL")
    before = snapshot(api.world.db)
    r = api.get("COL", f"/lots/{code}")
    assert (r.status_code, r.json()["code"]) == (404, "lot-not-found")
    r = api.post("COL", "/events", api.world.body("ship", "COL-S1", lots=[code],
                                                  to_site="SORT-S1"))
    assert (r.status_code, r.json()["code"]) == (404, "lot-not-found")
    r = api.post("COL", "/events", api.world.body("void", "COL-S1", target=rec["id"],
                                                  reason="not mine"))
    assert (r.status_code, r.json()["code"]) == (404, "event-not-found")
    assert api.get("COL", f"/events/{rec['id']}").status_code == 404
    assert api.get("COL", "/lots").json()["items"] == []
    assert api.get("COL", "/events").json()["items"] == []
    assert snapshot(api.world.db) == before
    # The agency's auditor reads everything.
    assert api.get("AGENCY", f"/lots/{code}").json()["custodian"] == {"org": "OTHER",
                                                                      "site": "OTHER-S1"}


def test_auditors_write_nothing(api):
    r = api.post("AGENCY", "/events", collect(api, org="AGENCY"))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden-role")


def test_the_receiver_sees_the_lot_and_its_history_once_shipped_to_it(api):
    [code] = api.post("COL", "/events", collect(api)).json()["created_lots"]
    assert api.get("SORT", f"/lots/{code}").status_code == 404
    api.post("COL", "/events", api.world.body("ship", "COL-S1", lots=[code], to_site="SORT-S1"))
    assert api.get("SORT", f"/lots/{code}").json()["destination"] == "SORT-S1"
    history = api.get("SORT", "/events", lot=code).json()["items"]
    assert [e["type"] for e in history] == ["collect", "ship"]
    r = api.post("SORT", "/events", api.world.body("receive", "SORT-S1",
                                                   lots=[{"lot": code, "mass_kg": 99.2}]))
    assert r.status_code == 201
    lot = api.get("COL", f"/lots/{code}").json()  # the former holder still reads it
    assert (lot["custodian"], lot["mass_kg"]) == ({"org": "SORT", "site": "SORT-S1"}, 99.2)


def test_lists_paginate_with_cursors(api):
    api.post("COL", "/events", {"events": [collect(api, mass=i + 1) for i in range(5)]})
    page1 = api.get("COL", "/lots", limit=2).json()
    page2 = api.get("COL", "/lots", limit=2, cursor=page1["next_cursor"]).json()
    page3 = api.get("COL", "/lots", limit=2, cursor=page2["next_cursor"]).json()
    masses = [lot["mass_kg"] for p in (page1, page2, page3) for lot in p["items"]]
    assert masses == [1, 2, 3, 4, 5]
    assert page3["next_cursor"] is None
    events = api.get("COL", "/events", limit=3).json()
    assert len(events["items"]) == 3 and events["next_cursor"]


def test_void_then_the_event_shows_who_voided_it(api):
    rec = api.post("COL", "/events", collect(api)).json()
    void = api.world.body("void", "COL-S1", target=rec["id"], reason="double entry")
    assert api.post("COL", "/events", void).status_code == 201
    assert api.get("COL", f"/events/{rec['id']}").json()["voided_by"] == void["id"]
    lot = api.get("COL", f"/lots/{rec['created_lots'][0]}").json()
    assert (lot["status"], lot["mass_kg"], lot["cells"]) == ("void", 0, [])


def test_login_with_a_wrong_password_is_401_and_tokens_are_required(api):
    r = api.client.post("/api/v1/auth/token", json={"username": "col-op", "password": "nope"})
    assert (r.status_code, r.json()["code"]) == (401, "bad-credentials")
    r = api.client.get("/api/v1/lots")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    r = api.client.get("/api/v1/lots", headers={"Authorization": "Bearer " + "x" * 43})
    assert (r.status_code, r.json()["code"]) == (401, "invalid-token")
    r = api.client.post("/api/v1/auth/token", data={"username": "col-op",
                                                    "password": "pass-word-1"})
    assert r.status_code == 200 and r.json()["token_type"] == "bearer"
    assert api.client.get("/api/v1/health").json() == {"status": "ok"}


def test_recycled_share_report_over_http(api):
    [code] = api.post("S", "/events", collect(api, org="S", mass=1000)).json()["created_lots"]
    melt = api.world.body("melt", "S-S1", metal="Al", product="ADC12", output_mass_kg=900,
                          inputs=[{"lot": code, "mass_kg": 1000}],
                          primary=[{"material": "A00", "mass_kg": 120, "metal_pct": 99.7}])
    assert api.post("S", "/events", melt).status_code == 201
    r = api.get("AGENCY", "/reports/recycled-share", metal="Al", **{"from": "2026-01-01",
                                                                     "to": "2027-01-01"})
    share = 880 / 999.64  # 0.880316…: 88.03 % for display
    assert r.json() == {"as_of": 2, "unit": "metal kg", "metal": "Al", "from": "2026-01-01",
                        "to": "2027-01-01",
                        "timezone": "Asia/Shanghai", "producers": [{
                            "org": "S", "name": "S Co.", "post_consumer_kg": 880.0,
                            "pre_consumer_kg": 0.0, "declared_kg": 0.0, "primary_kg": 119.64,
                            "home_scrap_kg": 0.0, "rework_kg": 0.0, "recycled_share": 880 / 999.64,
                            "post_consumer_share": 880 / 999.64, "pre_consumer_share": 0.0,
                            "claimed_share": 880 / 999.64,
                            "by_provenance_kg": {"in_province": 880.0, "out_of_province": 0.0,
                                                 "imported": 0.0},
                            "imported_by_country_kg": {},
                            "by_region_kg": {"in_province:520100": 880.0},
                            "recorded_late_kg": {"recycled": 0.0, "denominator": 0.0},
                            "recycled_pct": 88.03, "post_consumer_pct": 88.03,
                            "pre_consumer_pct": 0.0, "claimed_pct": 88.03}]}
    assert round(share * 100, 2) == 88.03
    assert api.get("COL", "/reports/recycled-share", metal="Al",
                   **{"from": "2026-01-01", "to": "2027-01-01"}).json()["producers"] == []


def test_unknown_event_id_is_404(api):
    r = api.get("COL", f"/events/{uuid.uuid4()}")
    assert (r.status_code, r.json()["code"]) == (404, "event-not-found")


def test_mass_balance_report_over_http(api):
    api.post("COL", "/events", collect(api, mass="12.345"))
    r = api.get("COL", "/reports/mass-balance", **{"from": "2026-01-01", "to": "2027-01-01"})
    assert r.json() == {"as_of": 1, "unit": "material kg", "from": "2026-01-01",
                        "to": "2027-01-01", "timezone": "Asia/Shanghai",
                        "sites": [{"site": "COL-S1", "site_name": "COL-S1", "org": "COL",
                                   "org_name": "COL Co.", "metal": "Al",
                                   "opening_kg": 0.0, "received_kg": 0.0, "created_kg": 12.345,
                                   "produced_kg": 0.0, "shipped_kg": 0.0, "charged_kg": 0.0,
                                   "losses_kg": 0.0, "closing_kg": 12.345,
                                   "primary_charged_kg": 0.0}]}
    assert api.get("OTHER", "/reports/mass-balance",
                   **{"from": "2026-01-01", "to": "2027-01-01"}).json()["sites"] == []
    r = api.get("COL", "/reports/mass-balance", **{"from": "2026-01-01", "to": "2025-01-01"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid-period")
