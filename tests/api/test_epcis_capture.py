"""POST /epcis/capture and GET /epcis/events on a small network: mapping, idempotence, refusals,
voids as error declarations, and what another organisation's export shows."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.factories import snapshot

BASE = "https://trace.example.test"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"st": f"{BASE}/voc/"}]
LOT_A, LOT_B = "TE62DKEX6", "7ZM4R1BSM"
HEAD = "/epcisBody/eventList"


def document(*events: dict[str, Any]) -> dict[str, Any]:
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-03-02T00:00:00Z", "epcisBody": {"eventList": list(events)}}


def collecting(lot: str, kg: float = 412.5, site: str = "COL-S1") -> dict[str, Any]:
    return {"type": "ObjectEvent", "eventTime": "2026-03-02T09:30:00+08:00",
            "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "collecting",
            "quantityList": [{"epcClass": f"{BASE}/l/{lot}", "quantity": kg, "uom": "KGM"}],
            "bizLocation": {"id": f"{BASE}/sites/{site}"},
            "st:metal": "Al", "st:grade": "AL-TALC", "st:origin": "post_consumer"}


def exported(api: Api, org: str) -> list[dict[str, Any]]:
    r = api.get(org, "/epcis/events")
    assert r.status_code == 200, r.text
    return list(r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"])


def test_a_collecting_event_is_stored_once_and_a_resend_replays_it(api: Api) -> None:
    r = api.post("COL", "/epcis/capture", document(collecting(LOT_A)))
    assert r.status_code == 201, r.text
    [answer] = r.json()["events"]
    assert (answer["status"], answer["created_lots"], answer["problem"]) == ("stored", [LOT_A], None)
    lot = api.get("COL", f"/lots/{LOT_A}").json()
    assert (lot["mass_kg"], lot["metal"], lot["grade"], lot["custodian"]) == (
        412.5, "Al", "AL-TALC", {"org": "COL", "site": "COL-S1"})
    assert [(c["origin"], c["evidence"]) for c in lot["cells"]] == [("post_consumer", "traced")]
    before = snapshot(api.world.db)
    again = api.post("COL", "/epcis/capture", document(collecting(LOT_A)))
    assert again.status_code == 200
    assert [(a["status"], a["id"]) for a in again.json()["events"]] == [("replayed", answer["id"])]
    assert snapshot(api.world.db) == before


def test_a_lot_that_is_not_a_uri_of_this_platform_is_refused_and_nothing_written(api: Api) -> None:
    event = collecting(LOT_A)
    event["quantityList"][0]["epcClass"] = "https://elsewhere.example/sku/123"
    api.as_("COL")  # logged in before the snapshot
    before = snapshot(api.world.db)
    r = api.post("COL", "/epcis/capture", document(collecting(LOT_B), event))
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["pointer"]) == (
        "epcis-not-mapped", f"{HEAD}/1/quantityList/0/epcClass")
    assert snapshot(api.world.db) == before


def test_a_document_that_is_not_epcis_is_refused_naming_the_field(api: Api) -> None:
    event = collecting(LOT_A)
    del event["eventTimeZoneOffset"]
    r = api.post("COL", "/epcis/capture", document(event))
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["pointer"]) == ("validation-error", f"{HEAD}/0")
    assert "'eventTimeZoneOffset' is a required property" in [e["detail"] for e in body["errors"]]


def test_a_mass_with_four_decimals_is_refused_at_its_epcis_field(api: Api) -> None:
    r = api.post("COL", "/epcis/capture", document(collecting(LOT_A, kg=1.2345)))
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["pointer"]) == ("epcis-not-mapped", f"{HEAD}/0/quantityList")


def test_an_event_hash_id_that_does_not_match_the_event_is_refused(api: Api) -> None:
    event = {**collecting(LOT_A), "eventID": "ni:///sha-256;" + "0" * 64 + "?ver=CBV2.0"}
    r = api.post("COL", "/epcis/capture", document(event))
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["pointer"]) == ("epcis-hash-mismatch", f"{HEAD}/0/eventID")


def test_each_event_is_answered_stored_or_refused(api: Api) -> None:
    r = api.post("COL", "/epcis/capture", document(collecting(LOT_A), collecting(LOT_A, kg=9),
                                                   collecting(LOT_B)))
    assert r.status_code == 201
    answers = r.json()["events"]
    assert [a["status"] for a in answers] == ["stored", "refused", "stored"]
    assert answers[1]["problem"]["code"] == "lot-code-taken"
    assert api.get("COL", f"/lots/{LOT_A}").json()["mass_kg"] == 412.5


def test_a_capture_at_another_organisations_site_is_refused_whole(api: Api) -> None:
    api.as_("COL")
    before = snapshot(api.world.db)
    r = api.post("COL", "/epcis/capture", document(collecting(LOT_A),
                                                   collecting(LOT_B, site="OTHER-S1")))
    assert (r.status_code, r.json()["code"]) == (403, "not-your-site")
    assert snapshot(api.world.db) == before


def test_an_auditor_may_not_capture(api: Api) -> None:
    r = api.post("AGENCY", "/epcis/capture", document(collecting(LOT_A)))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden-role")


def test_a_void_is_the_error_declaration_of_the_voided_event_and_captures_back(api: Api) -> None:
    w = api.world
    lot = w.collect("COL", 100)
    [collect] = w.record("COL", w.body("collect", "COL-S1", metal="Cu", grade="CU-BARLEY",
                                       origin="post_consumer", mass_kg=50))
    void = w.event("COL", "void", target=collect.id, reason="typed twice")
    events = exported(api, "COL")
    # The voided event, then the void: the voided event sent again, as EPCIS corrects.
    assert [(e["st:type"], e["quantityList"][0]["epcClass"]) for e in events] == [
        ("collect", f"{BASE}/l/{lot}"), ("collect", f"{BASE}/l/{collect.created_lots[0]}"),
        ("collect", f"{BASE}/l/{collect.created_lots[0]}")]
    assert events[1] == events[2] and events[1]["st:id"] == collect.id
    assert events[1]["errorDeclaration"] == {
        "declarationTime": void.occurred_at.isoformat(), "reason": "incorrect_data",
        "st:void": {"id": void.id, "site": "COL-S1", "reason": "typed twice"}}
    assert "errorDeclaration" not in events[0]
    before = snapshot(w.db)
    again = api.post("COL", "/epcis/capture", document(*events))
    assert [a["status"] for a in again.json()["events"]] == ["replayed"] * 3
    assert snapshot(w.db) == before


def test_another_organisations_events_are_exported_as_its_redacted_view(api: Api) -> None:
    w = api.world
    lot = w.collect("COL", 100, source={"kind": "household", "name": "Zhang San"})
    w.ship("COL", [lot], "SORT-S1", transport={"mode": "rail", "waybill": "WB-77"})
    w.receive("SORT", {lot: 99.5})
    collect, ship, receive = exported(api, "SORT")
    assert collect["quantityList"] == [{"epcClass": f"{BASE}/l/{lot}"}]  # no mass
    assert {k for k in collect if k.startswith("st:")} == {
        "st:id", "st:type", "st:org", "st:metal", "st:grade", "st:origin"}
    assert ship["st:transport"] == {"mode": "rail", "distance_km": None}
    assert receive["quantityList"] == [{"epcClass": f"{BASE}/l/{lot}", "quantity": 99.5,
                                        "uom": "KGM"}]
    assert "recordTime" not in collect and "recordTime" in receive
    assert (ship["destinationList"], receive["destinationList"]) == (
        [{"type": "location", "destination": f"{BASE}/sites/SORT-S1"}],
        [{"type": "possessing_party", "destination": f"{BASE}/orgs/SORT"},
         {"type": "location", "destination": f"{BASE}/sites/SORT-S1"}])
    assert exported(api, "OTHER") == []


def test_the_export_filters_by_epcis_type_and_recording_time(api: Api) -> None:
    w = api.world
    lot = w.collect("COL", 100)
    split = w.event("COL", "transform", kind="split", inputs=[{"lot": lot}],
                    outputs=[{"mass_kg": 60}, {"mass_kg": 40}])
    r = api.get("COL", "/epcis/events", type="TransformationEvent")
    [event] = r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert (event["bizStep"], event["st:id"]) == (f"{BASE}/voc/BizStep-splitting", split.id)
    assert [q["quantity"] for q in event["outputQuantityList"]] == [60, 40]
    until = split.recorded_at.isoformat()
    r = api.get("COL", "/epcis/events", until=until)
    assert [e["st:type"] for e in r.json()["epcisBody"]["queryResults"]["resultsBody"][
        "eventList"]] == ["collect"]  # recorded before the split: the split is not
