"""The findings inbox over HTTP: who sees which findings, who may note them or set a status."""

from __future__ import annotations


def gap(api) -> int:
    """A weight gap at SORT: its finding's id."""
    w = api.world
    lot = w.collect("COL", "1000")
    w.ship("COL", [lot], "SORT-S1", transport={"mode": "rail", "distance_km": 10})
    w.receive("SORT", {lot: "900"})
    return int(api.get("AGENCY", "/findings", kind="weight-gap").json()["items"][0]["id"])


def test_organisations_see_their_own_findings_and_auditors_all(api):
    fid = gap(api)
    f = api.get("SORT", f"/findings/{fid}").json()
    assert {k: f[k] for k in ("kind", "severity", "org", "site", "status", "notes")} == {
        "kind": "weight-gap", "severity": "warning", "org": "SORT", "site": "SORT-S1",
        "status": "open", "notes": []}
    assert (f["params"]["measured"], f["params"]["threshold"], f["params"]["unit"]) == (
        100.0, 20.0, "kg")
    assert api.get("COL", f"/findings/{fid}").json()["code"] == "finding-not-found"
    assert api.get("COL", "/findings", kind="weight-gap").json()["items"] == []
    assert [x["id"] for x in api.get("SORT", "/findings", kind="weight-gap").json()["items"]] \
        == [fid]
    r = api.client.get("/api/v1/findings", headers=api.as_("AGENCY"), params={
        "org": "SORT", "status": "open", "severity": "warning", "kind": "weight-gap"})
    assert [x["id"] for x in r.json()["items"]] == [fid]
    assert api.get("AGENCY", "/findings", status="resolved").json()["items"] == []


def test_notes_and_statuses_obey_the_roles(api):
    fid = gap(api)
    r = api.post("SORT", f"/findings/{fid}/notes", {"text": "scale recalibrated"})
    assert r.status_code == 201 and [n["by"] for n in r.json()["notes"]] == ["sort-op"]
    assert api.post("COL", f"/findings/{fid}/notes", {"text": "x"}).status_code == 404
    assert api.post("admin", f"/findings/{fid}/notes", {"text": "x"}).status_code == 403
    assert api.post("SORT", f"/findings/{fid}/status", {"status": "resolved"}).status_code == 403
    r = api.post("AGENCY", f"/findings/{fid}/status", {"status": "resolved", "note": "ok"})
    assert r.status_code == 200
    assert (r.json()["status"], [(n["by"], n["text"], n["status"]) for n in r.json()["notes"]]) \
        == ("resolved", [("sort-op", "scale recalibrated", None), ("agency-op", "ok",
                                                                   "resolved")])
    r = api.post("AGENCY", f"/findings/{fid}/status", {"status": "closed"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/status"
    r = api.post("AGENCY", f"/findings/{fid}/notes", {"text": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/text"
    assert api.get("AGENCY", "/findings/999999").json()["code"] == "finding-not-found"


def test_findings_page_by_cursor_newest_first(api):
    ids = sorted((gap(api), gap(api), gap(api)), reverse=True)
    first = api.get("AGENCY", "/findings", kind="weight-gap", limit=2).json()
    rest = api.get("AGENCY", "/findings", kind="weight-gap", limit=2,
                   cursor=first["next_cursor"]).json()
    assert [f["id"] for f in first["items"] + rest["items"]] == ids
    assert rest["next_cursor"] is None


def test_the_server_sweeps_on_its_own(db, settings):
    import time

    from fastapi.testclient import TestClient

    from api.app import create_app
    from domain.findings.inbox import list_findings
    from tests.factories import World

    w = World(db, settings)
    w.org("C", "collector")
    w.org("D", "sorter")
    lot = w.collect("C", 10)
    w.ship("C", [lot], "D-S1", transport={"mode": "rail", "distance_km": 5})  # months ago
    with TestClient(create_app(settings.model_copy(update={"findings_sweep_s": 1}), db)):
        for _ in range(50):
            time.sleep(0.1)
            with db.read() as s:
                if list_findings(s, actor=w.admin, kind="stale-transit"):
                    break
    with db.read() as s:
        assert [f.lots for f in list_findings(s, actor=w.admin, kind="stale-transit")] == [[lot]]
