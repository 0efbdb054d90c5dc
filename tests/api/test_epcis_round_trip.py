"""The demo's EPCIS export: valid against GS1's schema, and captured into a fresh database it
reproduces the same lots and the same recycled-share report."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.app import create_app
from domain.db import Database
from domain.epcis.event_hash import event_hash_id
from domain.migrate import upgrade
from domain.settings import Settings
from seed.demo import DEMO_PASSWORD, NETWORK, Demo, seed_demo

SCHEMA = json.loads((Path(__file__).parents[2] / "domain" / "epcis" / "EPCIS-JSON-Schema.json")
                    .read_text(encoding="utf-8"))
WEEKS = 2


def first_day(settings: Settings) -> date:
    """The first day of the demo's history, as seed_demo computes it."""
    today = datetime.now(settings.tz).date()
    return today - timedelta(days=7 * (WEEKS + 1) + today.weekday())


@pytest.fixture
def fresh_url(db_url: str, sqlite_template: Path, tmp_path: Path) -> str:
    """A second empty, migrated database of the same kind as `db_url`."""
    if db_url.startswith("sqlite"):
        shutil.copy(sqlite_template, tmp_path / "fresh.db")
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    url = make_url(db_url)
    name = f"{url.database}_fresh"
    admin = Database(url.set(database="postgres").render_as_string(hide_password=False),
                     isolation_level="AUTOCOMMIT")
    with admin.engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    fresh = url.set(database=name).render_as_string(hide_password=False)
    upgrade(fresh)
    return fresh


def login(client: TestClient, user: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": user, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def export_all(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = client.get("/api/v1/epcis/events", headers=headers,
                       params={"limit": 50, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/ld+json"
        doc = r.json()
        assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(doc)) == []
        events += doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        cursor = doc.get("st:nextCursor")
        if cursor is None:
            return events


def state(client: TestClient, headers: dict[str, str], settings: Settings) -> dict[str, Any]:
    lots, cursor = [], None
    while True:
        r = client.get("/api/v1/lots", headers=headers,
                       params={"limit": 1000, **({"cursor": cursor} if cursor else {})})
        page = r.json()
        lots += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    start = first_day(settings)
    reports = {metal: client.get("/api/v1/reports/recycled-share", headers=headers, params={
        "metal": metal, "from": start.isoformat(),
        "to": (start + timedelta(weeks=WEEKS + 2)).isoformat()}).json()["producers"]
        for metal in ("Al", "Cu", "Pb")}
    return {"lots": sorted(lots, key=lambda lot: lot["code"]), "reports": reports}


@pytest.fixture
def source(db: Database, settings: Settings) -> Iterator[TestClient]:
    seeded = seed_demo(db, settings, weeks=WEEKS)
    with TestClient(create_app(settings, db)) as client:
        client.app.state.demo_events = seeded["events"]
        yield client


def test_demo_export_validates_and_round_trips_into_a_fresh_database(
        source: TestClient, settings: Settings, fresh_url: str) -> None:
    auditor = login(source, "demo-auditor")
    events = export_all(source, auditor)
    assert len(events) == source.app.state.demo_events  # every event: the demo voids none
    kinds = {e["type"] for e in events}
    assert kinds == {"ObjectEvent", "TransformationEvent"}
    context = {"st": settings.public_url + "/voc/"}
    assert all(e["eventID"] == event_hash_id(e, context) for e in events)
    expected = state(source, auditor, settings)

    target_db = Database(fresh_url)
    fresh_settings = settings.model_copy(update={"database_url": fresh_url})
    Demo(target_db, fresh_settings).build_network(first_day(settings))
    users = {spec.code: spec.user for spec in NETWORK}
    with TestClient(create_app(fresh_settings, target_db)) as target:
        runs: list[tuple[str, list[dict[str, Any]]]] = []
        for e in events:  # consecutive events of one organisation: one capture by its operator
            if runs and runs[-1][0] == e["st:org"]:
                runs[-1][1].append(e)
            else:
                runs.append((e["st:org"], [e]))
        for org, chunk in runs:
            doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                                context], "type": "EPCISDocument", "schemaVersion": "2.0",
                   "creationDate": "2026-11-29T00:00:00Z", "epcisBody": {"eventList": chunk}}
            r = target.post("/api/v1/epcis/capture", json=doc, headers=login(target, users[org]))
            assert r.status_code == 201, r.text
            assert {a["status"] for a in r.json()["events"]} == {"stored"}
        auditor_b = login(target, "demo-auditor")
        assert state(target, auditor_b, settings) == expected
        again = export_all(target, auditor_b)
        assert [e["eventID"] for e in again] == [e["eventID"] for e in events]
    target_db.dispose()


def test_a_void_round_trips_as_an_error_declaration(api: Any, settings: Settings,
                                                     fresh_url: str) -> None:
    from tests.factories import World

    w = api.world
    [wrong] = w.record("COL", w.body("collect", "COL-S1", metal="Al", grade="AL-TALC",
                                     origin="post_consumer", mass_kg=50))
    kept = w.collect("COL", 100)
    w.event("COL", "void", target=wrong.id, reason="typed twice")
    events = api.get("COL", "/epcis/events").json()["epcisBody"]["queryResults"][
        "resultsBody"]["eventList"]
    target_db = Database(fresh_url)
    fresh_settings = settings.model_copy(update={"database_url": fresh_url})
    World(target_db, fresh_settings).org("COL", "collector")
    with TestClient(create_app(fresh_settings, target_db)) as target:
        r = target.post("/api/v1/auth/token", json={"username": "col-op",
                                                    "password": "pass-word-1"})
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
               "type": "EPCISDocument", "schemaVersion": "2.0",
               "creationDate": "2026-03-02T00:00:00Z", "epcisBody": {"eventList": events}}
        r = target.post("/api/v1/epcis/capture", json=doc, headers=headers)
        assert [a["status"] for a in r.json()["events"]] == ["stored", "stored", "replayed"]
        statuses = {code: target.get(f"/api/v1/lots/{code}", headers=headers).json()["status"]
                    for code in (wrong.created_lots[0], kept)}
        assert statuses == {wrong.created_lots[0]: "void", kept: "active"}
        logged = target.get("/api/v1/events", headers=headers).json()["items"]
        assert [e["type"] for e in logged] == ["collect", "void", "collect"]
    target_db.dispose()
