"""`seed scale` writes, row for row, what the API writes when the same events are posted one
request at a time: both go through the capture use case, and where batches begin and end (the
seed joins a site's requests into batches of up to 1,000) changes no row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import Table

from api.app import create_app
from domain.db import Database
from domain.models import Event, EventLot, Lot, LotAccess, MeltInput, Movement, Org, Site, User
from domain.settings import Settings
from seed.scale import SCALE_PASSWORD, build_network, generate, network_for, seed_scale

LOTS = 900  # two rounds of three collectors: every event type the generator makes
# Columns the server fills from its clock (the only differences allowed), and the password
# hash (Argon2 salts every hash).
IGNORED = {"recorded_at", "created_at", "password_hash"}
TABLES: list[Table] = [m.__table__ for m in (  # type: ignore[attr-defined,union-attr]
    Org, Site, User, Event, Lot, EventLot, LotAccess, Movement, MeltInput)]


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the compared tables, raw as the driver returns it (JSON as stored)."""
    db = Database(url)
    out = {}
    with db.engine.connect() as conn:
        for t in TABLES:
            cols = [c.name for c in t.columns if c.name not in IGNORED]
            keys = ", ".join(c.name for c in t.primary_key.columns)
            out[t.name] = [tuple(r) for r in conn.exec_driver_sql(
                f"SELECT {', '.join(cols)} FROM {t.name} ORDER BY {keys}")]
    db.dispose()
    return out


def test_seed_scale_writes_what_the_api_writes(fresh_db: Callable[[], str]) -> None:
    members = network_for(LOTS)
    requests = list(generate(members, LOTS, seed=11))
    types = {b["type"] for r in requests for b in r.bodies}
    assert types == {"collect", "declare", "transform", "ship", "receive", "assay", "melt"}

    # Through the API, one request at a time, as the operators would post them.
    api_url = fresh_db()
    settings = Settings(database_url=api_url, backdate_days=400)  # a year of history
    db = Database(api_url)
    build_network(db, members)
    app = create_app(settings, db)
    statuses = []
    with TestClient(app) as client:
        tokens = {}
        for m in members:
            r = client.post("/api/v1/auth/token",
                            json={"username": m.user, "password": SCALE_PASSWORD})
            tokens[m.site] = r.json()["access_token"]
        for req in requests:
            body: Any = req.bodies[0] if len(req.bodies) == 1 else {"events": req.bodies}
            r = client.post("/api/v1/events", content=orjson.dumps(body),
                            headers={"Authorization": f"Bearer {tokens[req.site]}",
                                     "Content-Type": "application/json"})
            statuses.append((r.status_code, r.text if r.status_code != 201 else ""))
    db.dispose()
    assert statuses == [(201, "")] * len(requests)
    via_api = dump(api_url)

    # Through the seed, in batches.
    seed_url = fresh_db()
    db = Database(seed_url)
    stats = seed_scale(db, Settings(database_url=seed_url), lots=LOTS, seed=11)
    db.dispose()
    seeded = dump(seed_url)

    assert stats["events"] == len(via_api["event"])
    assert {t: len(rows) for t, rows in seeded.items()} == \
        {t: len(rows) for t, rows in via_api.items()}
    assert len(via_api["melt_input"]) > 0
    for t in via_api:
        assert seeded[t] == via_api[t], t
