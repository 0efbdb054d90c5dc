"""Integration figures (DESIGN §7): EPCIS capture and export beside POST /events and GET /events.

The same 1,000-event batches of collected lots, sent one after another by one client, first
through `POST /api/v1/events` (the baseline), then as EPCIS documents through
`POST /api/v1/epcis/capture` (schema check, mapping, then the same write path); then the log
read back in pages of 1,000 through `GET /api/v1/events` (baseline) and
`GET /api/v1/epcis/events` (JSON-LD with each event's hash id).
Run alone with `SCRAPTRACE_BENCH_ONLY=integrations make bench`.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from domain import codes
from domain.db import Database
from domain.settings import Settings
from seed.scale import seed_scale

BATCH = 1000
BATCHES = int(os.environ.get("SCRAPTRACE_BENCH_EPCIS_BATCHES", "5"))
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
           {"st": "http://127.0.0.1:8000/voc/"}]


def _collects(site: str, n: int, start: datetime) -> list[dict[str, Any]]:
    return [{"id": str(uuid.uuid4()), "type": "collect", "lot": codes.new_lot_code(),
             "occurred_at": (start + timedelta(seconds=i)).isoformat(), "site": site,
             "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer",
             "mass_kg": 100 + i % 900} for i in range(n)]


def as_epcis(events: list[dict[str, Any]], public: str) -> dict[str, Any]:
    """The same collects as the EPCIS profile of docs/integrations.md."""
    out = []
    for e in events:
        out.append({"type": "ObjectEvent", "eventTime": e["occurred_at"],
                    "eventTimeZoneOffset": e["occurred_at"][-6:], "action": "ADD",
                    "bizStep": "collecting", "disposition": "active",
                    "quantityList": [{"epcClass": f"{public}/l/{e['lot']}",
                                      "quantity": e["mass_kg"], "uom": "KGM"}],
                    "bizLocation": {"id": f"{public}/sites/{e['site']}"},
                    "st:id": e["id"], "st:metal": e["metal"], "st:grade": e["grade"],
                    "st:origin": e["origin"]})
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": out}}


def _timed_posts(client: httpx.Client, path: str, bodies: list[Any]) -> float:
    start = time.perf_counter()
    for body in bodies:
        r = client.post(path, json=body)
        assert r.status_code == 201, r.text[:500]
    return time.perf_counter() - start


def _timed_reads(client: httpx.Client, path: str, key: str) -> tuple[int, float]:
    n, cursor, start = 0, None, time.perf_counter()
    while True:
        r = client.get(path, params={"limit": BATCH, **({"cursor": cursor} if cursor else {})})
        r.raise_for_status()
        body = r.json()
        n += len(body["items"] if key == "items" else
                 body["epcisBody"]["queryResults"]["resultsBody"]["eventList"])
        cursor = body.get("next_cursor") if key == "items" else body.get("st:nextCursor")
        if not cursor:
            return n, time.perf_counter() - start


def integration_runs(kind: str, tmp: Path) -> list[dict[str, Any]]:
    from benchmarks.run import entry, fresh, login, server, writers

    url = fresh(kind, tmp, "integrations")
    seed_scale(Database(url), Settings(database_url=url), lots=1_000)
    with server(url, env={"SCRAPTRACE_BACKDATE_DAYS": "3650"}) as (base, _):
        writer = writers(base, 1_000)[0]
        public = "http://127.0.0.1:8000"
        start = datetime.fromisoformat("2026-01-05T08:00:00+08:00")
        plain = [{"events": _collects(writer["site"], BATCH, start + timedelta(hours=i))}
                 for i in range(BATCHES)]
        epcis = [as_epcis(_collects(writer["site"], BATCH, start + timedelta(days=1, hours=i)),
                          public) for i in range(BATCHES)]
        headers = {"Authorization": f"Bearer {writer['token']}"}
        with httpx.Client(base_url=base + "/api/v1", headers=headers, timeout=300) as client:
            client.post("/events", json={"events": _collects(writer["site"], 10, start -
                                                             timedelta(days=1))})  # warm-up
            events_s = _timed_posts(client, "/events", plain)
            capture_s = _timed_posts(client, "/epcis/capture", epcis)
        auditor = {"Authorization": f"Bearer {login(base, 'sc-auditor')}"}
        with httpx.Client(base_url=base + "/api/v1", headers=auditor, timeout=300) as client:
            read_n, read_s = _timed_reads(client, "/events", "items")
            export_n, export_s = _timed_reads(client, "/epcis/events", "epcis")
    n = BATCH * BATCHES
    return [
        entry("epcis_capture_batch", kind, round(n / capture_s, 1), "events/s",
              round(n / events_s, 1), "higher", batch_size=BATCH, events=n,
              baseline_what="POST /events with the same 1,000-collect batches, one client"),
        entry("epcis_export", kind, round(export_n / export_s, 1), "events/s",
              round(read_n / read_s, 1), "higher", events=export_n, page=BATCH,
              baseline_what="GET /events pages of 1,000 of the same log, auditor"),
    ]
