"""GET /lots/{code}/trace over HTTP: the answer's shape, hidden nodes, refusals."""

from __future__ import annotations

from domain.visibility import hidden_lot_id


def test_trace_answers_nodes_edges_and_origins(api):
    w = api.world
    a = w.collect("COL", "100.001")
    w.ship("COL", [a], "SORT-S1", transport={"mode": "rail", "distance_km": 10})
    w.receive("SORT", {a: "100.001"})
    [x, y] = w.event("SORT", "transform", kind="split", inputs=[{"lot": a}],
                     outputs=[{"mass_kg": "50"}, {"mass_kg": "50.001"}]).created_lots
    r = api.get("AGENCY", f"/lots/{x}/trace")
    assert r.status_code == 200
    body = r.json()
    split = body["nodes"][0]["created_by"]
    assert body == {
        "root": x, "direction": "back", "truncated": False,
        "nodes": [
            {"id": x, "hidden": False, "code": x, "metal": "Al", "grade": "AL-TALC",
             "status": "active", "mass_kg": 50.0,
             "custodian": {"org": "SORT", "site": "SORT-S1"}, "created_by": split},
            {"id": a, "hidden": False, "code": a, "metal": "Al", "grade": "AL-TALC",
             "status": "consumed", "mass_kg": 0.0,
             "custodian": {"org": "SORT", "site": "SORT-S1"},
             "created_by": body["nodes"][1]["created_by"]}],
        "edges": [{"from": a, "to": x, "event": split["event"], "type": "transform",
                   "mass_kg": 50.0}],
        "origins": [{"lot": a, "hidden": False, "origin": "post_consumer",
                     "provenance": "in_province", "region": "520100", "evidence": "traced",
                     "org_kind": "collector", "mass_kg": 50.0}]}
    assert split["type"] == "transform"
    assert body["nodes"][1]["created_by"]["type"] == "collect"
    # The collector sees what became of its lot only as hidden nodes.
    fwd = api.get("COL", f"/lots/{a}/trace", direction="forward").json()
    key = w.settings.hidden_id_key
    assert [n["id"] for n in fwd["nodes"]] == [a, *sorted([hidden_lot_id(x, key),
                                                           hidden_lot_id(y, key)])]
    assert fwd["origins"] is None and x not in str(fwd) and y not in str(fwd)
    assert fwd["nodes"][1] == {"id": fwd["nodes"][1]["id"], "hidden": True, "metal": "Al",
                               "mass_kg": fwd["nodes"][1]["mass_kg"]}


def test_trace_refusals(api):
    a = api.world.collect("COL", 10)
    assert api.get("OTHER", f"/lots/{a}/trace").json()["code"] == "lot-not-found"
    r = api.get("COL", f"/lots/{a}/trace", direction="up")
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/direction"
    r = api.get("COL", f"/lots/{a}/trace", depth=0)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/depth"
    assert api.get("COL", "/lots/NOTACODE/trace").json()["code"] == "invalid-lot-code"
