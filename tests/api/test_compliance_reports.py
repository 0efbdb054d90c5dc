"""The province's reports over HTTP: the worked examples of docs/compliance.md, by hand."""

from __future__ import annotations

import pytest

PERIOD = {"from": "2026-03-01", "to": "2026-04-01"}


def test_transport_worked_example(api):
    w = api.world
    a, b = w.collect("COL", "10000"), w.collect("COL", "4000")
    c, d = w.collect("SORT", "8000"), w.collect("SORT", "2000")
    w.ship("COL", [a], "SORT-S1", transport={"mode": "rail", "distance_km": 250})
    w.ship("COL", [b], "SORT-S1", transport={"mode": "road_diesel", "distance_km": 37.5})
    w.ship("SORT", [c], "S-S1", transport={"mode": "road_electric", "distance_km": 60})
    w.ship("SORT", [d], "S-S1")
    r = api.get("AGENCY", "/reports/transport", **PERIOD)
    assert r.status_code == 200, r.text
    body = r.json()
    col, sort = body["orgs"]
    assert (col["org"], col["tonne_km"], col["clean_tonne_km"], col["unrecorded_kg"]) == (
        "COL", 2650.0, 2500.0, 0.0)
    assert col["modes"] == [
        {"mode": "rail", "clean": True, "tonne_km": 2500.0, "shipped_kg": 10000.0},
        {"mode": "road_diesel", "clean": False, "tonne_km": 150.0, "shipped_kg": 4000.0}]
    assert col["clean_share"] == 2500 / 2650
    assert (sort["org"], sort["tonne_km"], sort["clean_share"], sort["unrecorded_kg"]) == (
        "SORT", 480.0, 1.0, 2000.0)
    overall = body["overall"]
    assert (overall["tonne_km"], overall["clean_tonne_km"], overall["clean_share"]) == (
        3130.0, 2980.0, 2980 / 3130)
    # An organisation sees its own shipments only.
    own = api.get("COL", "/reports/transport", **PERIOD).json()
    assert [o["org"] for o in own["orgs"]] == ["COL"]
    assert own["overall"]["tonne_km"] == 2650.0
    r = api.client.get("/api/v1/reports/transport", params={"org": "SORT", **PERIOD},
                       headers=api.as_("AGENCY"))
    assert r.json()["overall"]["tonne_km"] == 480.0


def _melt_example(api) -> None:
    w = api.world
    a = w.collect("S", "10000", grade="AL-TALC")
    w.event("S", "assay", lot=a, metal_pct=92)
    b = w.collect("S", "5000", grade="AL-TABOO", origin="pre_consumer")
    w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg="18000",
            inputs=[{"lot": a, "mass_kg": "10000"}, {"lot": b, "mass_kg": "5000"}],
            primary=[{"material": "A00", "mass_kg": "4000"}])


def test_carbon_worked_example(api):
    _melt_example(api)
    body = api.get("AGENCY", "/reports/carbon", metal="Al", **PERIOD).json()
    assert (body["factor_set"], body["status"]) == ("default-2024", "ok")
    assert [(f["kind"], f["value"]) for f in body["factors"]] == [("primary", 15.1),
                                                                  ("recycled", 0.5)]
    assert all(f["source"] for f in body["factors"])
    # 9,200 + 4,750 kg eligible = 13.95 t × (15.1 − 0.5) = 203.67 t CO2e.
    assert body["producers"] == [{"org": "S", "name": "S Co.", "eligible_recycled_kg": 13950.0,
                                  "avoided_t_co2e": 203.67}]
    assert body["total_avoided_t_co2e"] == 203.67


def test_carbon_of_a_metal_without_factors_is_not_configured(api):
    w = api.world
    lot = w.collect("S", "1000", metal="Cu", grade="CU-BERRY")
    w.event("S", "melt", metal="Cu", product="CU-ROD", output_mass_kg="900",
            inputs=[{"lot": lot, "mass_kg": "1000"}])
    body = api.get("AGENCY", "/reports/carbon", metal="Cu", **PERIOD).json()
    assert (body["status"], body["total_avoided_t_co2e"]) == ("not configured", None)
    assert [(p["org"], p["avoided_t_co2e"]) for p in body["producers"]] == [("S", None)]
    assert [f["value"] for f in body["factors"]] == [None, None]


def test_an_agency_factor_set_is_chosen_by_name(api):
    _melt_example(api)
    factor_set = {"name": "example", "factors": [
        {"metal": "Al", "kind": "primary", "value": 16, "unit": "t CO2e/t",
         "source": "an illustrative set"},
        {"metal": "Al", "kind": "recycled", "value": 0.6, "unit": "t CO2e/t",
         "source": "an illustrative set"}]}
    assert api.post("AGENCY", "/factor-sets", factor_set).status_code == 403
    r = api.post("admin", "/factor-sets", factor_set)
    assert r.status_code == 201, r.text
    assert (api.post("admin", "/factor-sets", factor_set).json()["code"]) == "factor-set-exists"
    body = api.get("AGENCY", "/reports/carbon", metal="Al", factors="example", **PERIOD).json()
    assert (body["factor_set"], body["total_avoided_t_co2e"]) == ("example", 214.83)
    r = api.get("AGENCY", "/reports/carbon", metal="Al", factors="nope", **PERIOD)
    assert (r.status_code, r.json()["code"]) == (404, "factor-set-not-found")


def test_indicators_worked_example(api):
    api.world.org("S2", "smelter")
    months = [("S", "2026-01", 1000, 920, 12_900_000), ("S", "2026-02", 1000, 880, 13_000_000),
              ("S2", "2026-01", 500, 400, 6_800_000)]
    for org, month, liquid, direct, kwh in months:
        r = api.post(org, f"/orgs/{org}/indicators", {
            "month": month, "liquid_al_t": liquid, "direct_alloyed_t": direct, "ac_kwh": kwh})
        assert r.status_code == 201, r.text
    r = api.post("S", "/orgs/S/indicators", {"month": "2026-01", "liquid_al_t": 1,
                                             "direct_alloyed_t": 1, "ac_kwh": 1})
    assert (r.status_code, r.json()["code"]) == (409, "indicator-exists")
    r = api.post("COL", "/orgs/COL/indicators", {"month": "2026-01", "liquid_al_t": 1,
                                                 "direct_alloyed_t": 1, "ac_kwh": 1})
    assert (r.status_code, r.json()["code"]) == (409, "not-a-smelter")
    body = api.get("AGENCY", "/reports/indicators", **{"from": "2026-01-01",
                                                       "to": "2026-03-01"}).json()
    s, s2 = body["smelters"]
    assert (s["org"], s["direct_alloying_ratio"], s["ac_kwh_per_t"], s["at_benchmark"],
            s["below_baseline"]) == ("S", 0.9, 12950.0, True, True)
    assert (s2["org"], s2["direct_alloying_ratio"], s2["ac_kwh_per_t"], s2["at_benchmark"],
            s2["below_baseline"]) == ("S2", 0.8, 13600.0, False, False)
    assert (body["overall_direct_alloying_ratio"], body["overall_ac_kwh_per_t"],
            body["share_at_benchmark"]) == (0.88, 13080.0, 0.8)
    assert {t["indicator"]: t["value"] for t in body["targets"]} == {
        "direct_alloying_ratio": 0.9, "ac_kwh_per_t_benchmark": 13000.0,
        "ac_kwh_per_t_baseline": 13350.0, "capacity_at_benchmark_share": 0.5}
    # A month outside [from, to) is not counted; a smelter sees its own months.
    only_feb = api.get("S", "/reports/indicators", **{"from": "2026-02-01",
                                                      "to": "2026-03-01"}).json()
    assert [(x["org"], x["liquid_al_t"]) for x in only_feb["smelters"]] == [("S", 1000.0)]


@pytest.mark.parametrize("path", ["/reports/transport", "/reports/indicators"])
def test_reports_refuse_a_period_that_ends_before_it_starts(api, path):
    r = api.get("AGENCY", path, **{"from": "2026-04-01", "to": "2026-03-01"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid-period")


def test_a_lawful_import_and_a_licensed_lead_chain_show_in_every_report(api):
    from tests.factories import HW31
    from tests.service.test_imports import lawful

    w = api.world
    w.org("IMP", "importer", region="530100")
    w.org("HW", "collector", licences=[HW31])
    w.org("PB", "smelter", licences=[{**HW31, "number": "HW-PB"}])
    [imported] = w.event("IMP", "import", **lawful(mass_kg="20000")).created_lots  # 91 %
    w.ship("IMP", [imported], "S-S1", transport={"mode": "waterway", "distance_km": 1200})
    w.receive("S", {imported: "20000"})
    w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg="18000",
            inputs=[{"lot": imported, "mass_kg": "20000"}])
    batteries = w.collect("HW", "1000", metal="Pb", grade="PB-RAINS")  # 60 %
    w.ship("HW", [batteries], "PB-S1", manifest="M-7",
           transport={"mode": "road_diesel", "distance_km": 150})
    w.receive("PB", {batteries: "1000"})
    w.event("PB", "melt", metal="Pb", product="PbCa", output_mass_kg="590",
            inputs=[{"lot": batteries, "mass_kg": "1000"}])

    [s] = api.get("AGENCY", "/reports/recycled-share", metal="Al", **PERIOD).json()["producers"]
    assert (s["post_consumer_kg"], s["by_provenance_kg"]["imported"],
            s["imported_by_country_kg"]) == (18200.0, 18200.0, {"JP": 18200.0})
    [pb] = api.get("AGENCY", "/reports/recycled-share", metal="Pb", **PERIOD).json()["producers"]
    assert (pb["org"], pb["post_consumer_kg"], pb["recycled_share"]) == ("PB", 600.0, 1.0)
    transport = api.get("AGENCY", "/reports/transport", **PERIOD).json()
    # 20 t × 1,200 km = 24,000 t·km by water (clean); 1 t × 150 km = 150 t·km by diesel.
    assert [(o["org"], o["tonne_km"], o["clean_tonne_km"]) for o in transport["orgs"]] == [
        ("HW", 150.0, 0.0), ("IMP", 24000.0, 24000.0)]
    carbon = api.get("AGENCY", "/reports/carbon", metal="Al", **PERIOD).json()
    # 18.2 t × (15.1 − 0.5) = 265.72 t CO2e.
    assert carbon["producers"] == [{"org": "S", "name": "S Co.",
                                    "eligible_recycled_kg": 18200.0, "avoided_t_co2e": 265.72}]
    assert api.get("AGENCY", "/reports/carbon", metal="Pb", **PERIOD).json()["status"] == \
        "not configured"
