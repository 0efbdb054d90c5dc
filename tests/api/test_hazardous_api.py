"""Licences and manifests over HTTP."""

from __future__ import annotations

from datetime import datetime

LICENCE = {"number": "GZ-HW-2026-007", "kind": "collection", "categories": ["HW31"],
           "capacity_t_per_year": 800, "valid_from": "2026-01-01", "valid_to": "2028-12-31"}


def test_an_administrator_adds_a_licence_listed_on_the_org(api):
    r = api.post("admin", "/orgs/COL/licences", LICENCE)
    assert r.status_code == 201, r.text
    assert api.get("COL", "/orgs/COL").json()["licences"] == [
        {**LICENCE, "capacity_t_per_year": "800"}]
    r = api.post("admin", "/orgs/COL/licences", LICENCE)
    assert (r.status_code, r.json()["code"], r.json()["pointer"]) == (409, "licence-exists",
                                                                      "/number")
    r = api.post("admin", "/orgs/COL/licences", {**LICENCE, "number": "X",
                                                 "valid_to": "2025-12-31"})
    assert (r.status_code, r.json()["code"], r.json()["pointer"]) == (422, "invalid-licence",
                                                                      "/valid_to")
    r = api.post("admin", "/orgs/COL/licences", {**LICENCE, "number": "Y",
                                                 "categories": ["31"]})
    assert (r.status_code, r.json()["code"]) == (422, "validation-error")
    assert api.post("COL", "/orgs/COL/licences", {**LICENCE, "number": "Z"}).status_code == 403


def test_a_manifest_shows_both_ends_and_both_weights(api):
    w = api.world
    api.post("admin", "/orgs/COL/licences", LICENCE)
    api.post("admin", "/orgs/S/licences", {**LICENCE, "number": "GZ-HW-S", "kind": "comprehensive"})
    lot = w.collect("COL", "800.5", metal="Pb", grade="PB-RAINS")
    ship = w.ship("COL", [lot], "S-S1", manifest="5201202603020001",
                  transport={"mode": "road_electric", "distance_km": 80, "vehicle": "贵A·E0001"})
    rec = w.receive("S", {lot: "799.9"})
    body = api.get("AGENCY", "/manifests/5201202603020001").json()
    assert body == {"number": "5201202603020001", "waste_code": "900-052-31", "generator": "COL",
                    "from_site": "COL-S1", "carrier": "贵A·E0001", "mode": "road_electric",
                    "receiver": "S", "to_site": "S-S1", "shipped_kg": 800.5,
                    "shipped_at": body["shipped_at"], "confirmed_kg": 799.9,
                    "confirmed_at": body["confirmed_at"]}
    assert [datetime.fromisoformat(body[k]) for k in ("shipped_at", "confirmed_at")] == [
        ship.occurred_at, rec.occurred_at]
    r = api.get("OTHER", "/manifests/5201202603020001")
    assert (r.status_code, r.json()["code"]) == (404, "manifest-not-found")
