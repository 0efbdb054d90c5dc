"""GET /reports/flows: regions → organisations → organisations, exact, and only one's own links."""

from __future__ import annotations

PERIOD = {"metal": "Al", "from": "2026-01-01", "to": "2027-01-01"}


def _network(api):
    w = api.world
    a = w.collect("COL", "100.5")
    b = w.collect("COL", 40)
    c = w.collect("OTHER", 60)
    w.collect("COL", 7, metal="Cu", grade="CU-BARLEY")
    w.declare("S", 20)
    w.ship("COL", [a, b], "SORT-S1")
    w.ship("OTHER", [c], "SORT-S1")
    w.receive("SORT", {a: "100.5", b: 40, c: 59})
    return a, b, c


def test_flows_link_regions_collectors_and_the_sorter_exactly(api):
    _, _, c = _network(api)
    w = api.world
    w.ship("SORT", [c], "S-S1")
    r = api.get("AGENCY", "/reports/flows", **PERIOD)
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("as_of", "unit", "metal", "from", "to")} == {
        "as_of": 9, "unit": "material kg", "metal": "Al", "from": "2026-01-01",
        "to": "2027-01-01"}
    assert body["nodes"] == [
        {"id": "org:COL", "kind": "collector", "code": "COL", "name": "COL Co."},
        {"id": "org:OTHER", "kind": "collector", "code": "OTHER", "name": "OTHER Co."},
        {"id": "org:S", "kind": "smelter", "code": "S", "name": "S Co."},
        {"id": "org:SORT", "kind": "sorter", "code": "SORT", "name": "SORT Co."},
        {"id": "region:520100", "kind": "region", "code": "520100", "name": ""},
        {"id": "region:520300", "kind": "region", "code": "520300", "name": ""}]
    assert body["links"] == [
        {"source": "org:COL", "target": "org:SORT", "mass_kg": 140.5},
        {"source": "org:OTHER", "target": "org:SORT", "mass_kg": 60.0},
        {"source": "org:SORT", "target": "org:S", "mass_kg": 59.0},
        {"source": "region:520100", "target": "org:COL", "mass_kg": 140.5},
        {"source": "region:520100", "target": "org:S", "mass_kg": 20.0},
        {"source": "region:520300", "target": "org:OTHER", "mass_kg": 60.0}]


def test_an_organisation_sees_only_the_links_it_is_an_end_of(api):
    _network(api)
    links = api.get("OTHER", "/reports/flows", **PERIOD).json()["links"]
    assert links == [{"source": "org:OTHER", "target": "org:SORT", "mass_kg": 60.0},
                     {"source": "region:520300", "target": "org:OTHER", "mass_kg": 60.0}]
    assert len(api.get("SORT", "/reports/flows", **PERIOD).json()["links"]) == 2


def test_a_site_out_of_province_is_its_province_and_an_internal_shipment_no_link(api):
    w = api.world
    r = api.post("admin", "/orgs/COL/sites", {"code": "COL-YN", "name": "昆明点",
                                              "region": "530102"})
    assert r.status_code == 201, r.text
    lot = w.collect("COL", 30, site="COL-YN")
    w.event("COL", "ship", "COL-YN", lots=[lot], to_site="COL-S1")
    w.receive("COL", {lot: 30})
    links = api.get("AGENCY", "/reports/flows", **PERIOD).json()["links"]
    assert links == [{"source": "region:530000", "target": "org:COL", "mass_kg": 30.0}]


def test_a_voided_shipment_and_another_metal_or_period_are_not_flows(api):
    _network(api)
    w = api.world
    lot = w.collect("COL", 5)
    ship = w.ship("COL", [lot], "SORT-S1")
    w.event("COL", "void", target=ship.id, reason="wrong truck")
    links = api.get("AGENCY", "/reports/flows", **PERIOD).json()["links"]
    assert {"source": "org:COL", "target": "org:SORT", "mass_kg": 140.5} in links
    assert {"source": "region:520100", "target": "org:COL", "mass_kg": 145.5} in links
    cu = api.get("AGENCY", "/reports/flows", **{**PERIOD, "metal": "Cu"}).json()["links"]
    assert cu == [{"source": "region:520100", "target": "org:COL", "mass_kg": 7.0}]
    later = api.get("AGENCY", "/reports/flows", metal="Al", **{"from": "2027-01-01",
                                                               "to": "2028-01-01"})
    assert later.json()["links"] == []
