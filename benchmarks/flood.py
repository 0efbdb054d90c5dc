"""Lot reads under a flood of wrong-password logins, beside the same reads without the flood.

`python -m benchmarks.flood` runs only this (SQLite, and PostgreSQL when SCRAPTRACE_BENCH_PG_URL
names a database it may empty) and merges its figures into results/latest.json;
`make bench` runs it with everything else. Loopback traffic only, a fixed number of seconds.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.run import (
    DURATION,
    RESULTS,
    WORKERS,
    console,
    entry,
    fresh,
    loadgen,
    login,
    machine,
    server,
)
from domain.db import Database
from domain.settings import Settings
from seed.scale import seed_scale

FLOOD_RATE = 50.0  # wrong-password logins per second, over all flooding clients
FLOOD_CLIENTS = 6
READ_CLIENTS = 8
# The reads come at a fixed pace, well below what the server answers flat out (about 700 lot
# reads a second here): the figure is the latency a reader meets, not the queue of a saturated
# server, which any closed loop of clients as fast as they can go would measure instead.
READ_RATE = 200.0
UNLIMITED = {"SCRAPTRACE_LOGIN_FAILURES_PER_USER_ADDRESS": "0",
             "SCRAPTRACE_LOGIN_FAILURES_PER_ADDRESS": "0"}


def _reads_with_and_without_flood(base: str, spec: dict[str, Any], users: list[str],
                                  ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    quiet = loadgen(base, spec, "lot", clients=READ_CLIENTS, rate=READ_RATE, duration=DURATION)
    flood: dict[str, Any] = {}

    def run_flood() -> None:
        # Starts with the reads and outlasts their warm-up and measured seconds.
        flood.update(loadgen(base, {"flood_users": users}, "flood", clients=FLOOD_CLIENTS,
                             rate=FLOOD_RATE, duration=DURATION + 1, warmup=0.5))

    thread = threading.Thread(target=run_flood)
    thread.start()
    loud = loadgen(base, spec, "lot", clients=READ_CLIENTS, rate=READ_RATE, duration=DURATION)
    thread.join()
    return quiet, loud, flood


def flood_runs(kind: str, tmp: Path) -> list[dict[str, Any]]:
    lots = 10_000
    url = fresh(kind, tmp, "flood")
    seed_scale(Database(url), Settings(database_url=url), lots=lots)
    db = Database(url)
    with db.engine.connect() as conn:
        sample = conn.execute(text(
            "SELECT l.code, u.username FROM lot l JOIN lot_access a ON a.lot_id = l.id "
            "JOIN app_user u ON u.org_id = a.org_id WHERE l.id % 97 = 0")).all()
    db.dispose()
    users = sorted({r.username for r in sample})
    out = []
    for name, env, what in (
            ("login_flood_lot_read_p99", None, "failed-login limits on (the default)"),
            ("login_flood_unlimited_lot_read_p99", UNLIMITED,
             "failed-login limits off: every guess is verified (Argon2 in the thread pool)")):
        with server(url, env=env) as (base, _):
            tokens = {u: login(base, u) for u in users}
            spec = {"lots": [[r.code, tokens[r.username]] for r in sample]}
            quiet, loud, flood = _reads_with_and_without_flood(base, spec, users)
        out.append(entry(
            name, kind, loud["p99_ms"], "ms (p99)", quiet["p99_ms"], "lower",
            p50_ms=loud["p50_ms"], p99_ms=loud["p99_ms"], baseline_p50_ms=quiet["p50_ms"],
            reads_per_s=loud["events_per_s"], baseline_reads_per_s=quiet["events_per_s"],
            read_errors=loud["errors"], flood_rate=FLOOD_RATE, flood_clients=FLOOD_CLIENTS,
            flood_sent_per_s=round(flood["requests"] / flood["elapsed_s"], 1),
            flood_statuses=flood.get("statuses"),
            flood_p99_ms=flood.get("p99_ms"), read_clients=READ_CLIENTS, read_rate=READ_RATE, lots=lots,
            workers=WORKERS, what=what,
            baseline_what="the same lot reads on the same server without the flood"))
    return out


def main() -> None:
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("SCRAPTRACE_BENCH_PG_URL") else [])
    with tempfile.TemporaryDirectory(prefix="scraptrace-flood-") as d:
        runs = [r for kind in kinds for r in flood_runs(kind, Path(d))]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    result = json.loads(path.read_text()) if path.exists() else {"machine": machine(), "runs": []}
    names = {(r["name"], r["db"]) for r in runs}
    result["runs"] = [r for r in result["runs"] if (r["name"], r["db"]) not in names] + runs
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for r in runs:
        console.print(f"{r['name']} ({r['db']}): p99 {r['value']} ms under the flood vs {r['baseline']} ms "
                      f"without (ratio {r['ratio']}); flood answers {r['flood_statuses']}")
    console.print(f"written {path}")


if __name__ == "__main__":
    main()
