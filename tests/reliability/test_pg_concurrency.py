"""32 clients spend the same lots at once through a real multi-worker server on PostgreSQL:
the total spent never exceeds a lot's mass, and afterwards every lot's cells add up to its mass
and every site's ledger equals its stock, to the gram (docs/domain.md, Mass balance per site)."""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from domain.db import Database
from seed.scale import SCALE_PASSWORD, Member, build_network
from tests.conftest import _empty_pg
from tests.reliability.server import Server

pytestmark = pytest.mark.pg
CST = timezone(timedelta(hours=8))
CLIENTS = 32
ATTEMPTS = 6  # spends per client
LOT_KG = 3000


def when() -> str:
    return (datetime.now(CST) - timedelta(hours=1)).isoformat()


def test_32_clients_spending_the_same_lots_never_overspend(pg_migrated: str) -> None:
    url = pg_migrated
    _empty_pg(url)
    db = Database(url)
    members = [Member("CC-SORT", "sorter", "520100", "CC-SORT-1", "cc-sort"),
               Member("CC-MELT", "smelter", "520400", "CC-MELT-1", "cc-melt", "Al")]
    build_network(db, members)
    server = Server(url, workers=2).start()
    try:
        token = {m.site: httpx.post(server.base + "/api/v1/auth/token", json={
            "username": m.user, "password": SCALE_PASSWORD}).json()["access_token"]
            for m in members}
        sorter = {"Authorization": f"Bearer {token['CC-SORT-1']}"}
        r = httpx.post(server.base + "/api/v1/events", headers=sorter, json={"events": [
            {"id": str(uuid.uuid4()), "type": "collect", "occurred_at": when(),
             "site": "CC-SORT-1", "metal": "Al", "grade": g, "origin": o, "mass_kg": LOT_KG}
            for g, o in (("AL-TALC", "post_consumer"), ("AL-TABOO", "pre_consumer"),
                         ("AL-TALC", "post_consumer"))]})
        assert r.status_code == 201, r.text
        lots = [e["created_lots"][0] for e in r.json()["events"]]
        answers: list[tuple[int, str, dict[str, Any]]] = []
        lock = threading.Lock()
        start = threading.Barrier(CLIENTS)

        def client(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=server.base, headers=sorter, timeout=120) as c:
                start.wait()
                for _ in range(ATTEMPTS):
                    picked = rng.sample(lots, rng.choice((1, 2)))
                    inputs = [{"lot": lot, "mass_kg": rng.randint(20, 60)} for lot in picked]
                    out = sum(i["mass_kg"] for i in inputs) - 1  # 1 kg of loss
                    body = {"id": str(uuid.uuid4()), "type": "transform", "kind": "split",
                            "occurred_at": when(), "site": "CC-SORT-1", "inputs": inputs,
                            "outputs": [{"grade": "AL-MIXED", "mass_kg": out}]}
                    if n % 16 == 15 and rng.random() < 0.2:  # rarely, a shipment of them all
                        body = {"id": str(uuid.uuid4()), "type": "ship", "occurred_at": when(),
                                "site": "CC-SORT-1", "lots": picked, "to_site": "CC-MELT-1"}
                    r = c.post("/api/v1/events", json=body)
                    with lock:
                        answers.append((r.status_code, r.json().get("code", ""), body))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
    finally:
        server.stop()

    statuses = Counter((s, code) for s, code, _ in answers)
    assert len(answers) == CLIENTS * ATTEMPTS
    # Each client stamps its event before sending it: one stamped earlier than an event that
    # was stored on the same lot meanwhile is refused for its time order.
    assert set(statuses) <= {(201, ""), (409, "insufficient-mass"), (409, "lot-not-active"),
                             (409, "concurrent-update"), (409, "lot-not-at-site"),
                             (409, "occurred-before-history")}, statuses
    # The test raced for real: many spends got through and some were refused for a rival's.
    # (How many get through depends on the timing: 26 to 46 of 192 in six runs, the rest
    # refused as lot-not-active or occurred-before-history.)
    assert statuses[(201, "")] >= CLIENTS // 2, statuses
    assert sum(n for (status, _), n in statuses.items() if status == 409) >= CLIENTS, statuses
    spent = Counter[str]()
    for status, _, body in answers:
        if status == 201 and body["type"] == "transform":
            for i in body["inputs"]:
                spent[i["lot"]] += i["mass_kg"] * 1000
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT code, mass_g, status, cells FROM lot")).all()
        ledger: dict[int, int] = dict(conn.execute(text(
            "SELECT site_id, sum(CASE WHEN kind IN ('created', 'produced', 'received') THEN grams "
            "WHEN kind = 'primary' THEN 0 ELSE -grams END) FROM movement GROUP BY site_id")).all())
        stock: dict[int, int] = dict(conn.execute(text(
            "SELECT site_id, sum(mass_g) FROM lot WHERE site_id IS NOT NULL "
            "GROUP BY site_id")).all())
        stored = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
    db.dispose()
    by_code = {r.code: r for r in rows}
    for lot in lots:
        assert spent[lot] <= LOT_KG * 1000
        row = by_code[lot]
        if row.status != "in_transit":
            assert row.mass_g == LOT_KG * 1000 - spent[lot]
    for row in rows:
        assert sum(c[3] for c in row.cells) == row.mass_g, row.code
    # In-transit lots left the sender's ledger and are in no site's stock.
    assert ledger
    for site in ledger.keys() | stock.keys():
        assert ledger.get(site, 0) == stock.get(site, 0), site
    assert stored == len(lots) + statuses[(201, "")]
