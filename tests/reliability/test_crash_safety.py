"""A server killed with SIGKILL in the middle of batched captures loses nothing it acknowledged,
never keeps half a batch, and answers a full resend with replays of what it had stored."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from sqlalchemy import Table, select, text

from domain.db import Database
from domain.models import Event
from seed.scale import SCALE_PASSWORD, build_network, network_for
from tests.reliability.server import Server

CST = timezone(timedelta(hours=8))
BATCH = 100
event_t: Table = Event.__table__  # type: ignore[attr-defined]
SENDERS = 3


def batch_of(site: str, n: int) -> dict[str, Any]:
    when = (datetime.now(CST) - timedelta(hours=1)).isoformat()
    return {"events": [{"id": str(uuid.uuid4()), "type": "collect", "occurred_at": when,
                        "site": site, "metal": "Al", "grade": "AL-TALC",
                        "origin": "post_consumer", "mass_kg": f"{100 + i}.5"}
                       for i in range(n)]}


def test_sigkill_during_batched_captures_loses_no_acknowledged_event(
        fresh_db: Callable[[], str]) -> None:
    url = fresh_db()
    db = Database(url)
    members = network_for(1000)
    build_network(db, members)
    collectors = [m for m in members if m.kind == "collector"][:SENDERS]
    server = Server(url).start()
    tokens = {m.site: httpx.post(server.base + "/api/v1/auth/token", json={
        "username": m.user, "password": SCALE_PASSWORD}).json()["access_token"]
        for m in collectors}
    sent: list[dict[str, Any]] = []  # every batch, in the order it was built
    acked: dict[int, dict[str, Any]] = {}  # batch index -> the server's 201 answer
    lock = threading.Lock()
    enough = threading.Event()
    dead = threading.Event()

    def sender(site: str) -> None:
        with httpx.Client(base_url=server.base, timeout=60,
                          headers={"Authorization": f"Bearer {tokens[site]}"}) as client:
            while not dead.is_set():
                body = batch_of(site, BATCH)
                with lock:
                    sent.append(body)
                    index = len(sent) - 1
                try:
                    r = client.post("/api/v1/events", json=body)
                except httpx.HTTPError:
                    continue  # killed mid-request: not acknowledged
                assert r.status_code == 201, r.text
                with lock:
                    acked[index] = r.json()
                    if len(acked) >= 6:
                        enough.set()

    threads = [threading.Thread(target=sender, args=(m.site,)) for m in collectors]
    for t in threads:
        t.start()
    assert enough.wait(120)
    server.kill()  # the other senders are in the middle of their requests
    dead.set()
    for t in threads:
        t.join(60)
    unacked = [i for i in range(len(sent)) if i not in acked]
    assert len(acked) >= 6 and unacked

    # After a restart: every acknowledged event is there, exactly as answered; no batch is
    # half-written.
    with db.engine.connect() as conn:
        stored = {r.id: (r.seq, r.created_lots) for r in conn.execute(
            select(event_t.c.id, event_t.c.seq, event_t.c.created_lots))}
    for answer in acked.values():
        for ev in answer["events"]:
            seq, created = stored[ev["id"]]
            assert (seq, created) == (ev["seq"], ev["created_lots"])
    present = {i: sum(e["id"] in stored for e in body["events"]) for i, body in enumerate(sent)}
    assert all(n in (0, BATCH) for n in present.values()), present
    assert len(stored) == BATCH * sum(1 for n in present.values() if n)

    # Resending everything with the same ids: what was stored is replayed (200, same answer),
    # what was not is stored now (201); nothing is stored twice.
    server = Server(url).start()
    try:
        for i, body in enumerate(sent):
            site = body["events"][0]["site"]
            r = httpx.post(server.base + "/api/v1/events", json=body, timeout=60,
                           headers={"Authorization": f"Bearer {tokens[site]}"})
            if present[i]:
                assert r.status_code == 200, r.text
                if i in acked:  # the original answer, each event now flagged as a replay
                    assert r.json() == {"events": [{**e, "replay": True}
                                                   for e in acked[i]["events"]]}
            else:
                assert r.status_code == 201, r.text
    finally:
        server.stop()
    with db.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
        lots = conn.execute(text("SELECT count(*) FROM lot")).scalar_one()
        created = conn.execute(text(
            "SELECT coalesce(sum(grams), 0) FROM movement WHERE kind = 'created'")).scalar_one()
        mass = conn.execute(text("SELECT coalesce(sum(mass_g), 0) FROM lot")).scalar_one()
    db.dispose()
    assert total == lots == BATCH * len(sent)
    assert created == mass == sum(100_500 + 1000 * i for i in range(BATCH)) * len(sent)
