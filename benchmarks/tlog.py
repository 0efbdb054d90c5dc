"""The transparency log's figures: batch capture with the log on beside the same run with it
off, and inclusion proofs in a tree of 10^6 leaves (SCRAPTRACE_BENCH_ONLY=log runs these alone).

Capture: one seeded database, one server per round, the log switched by
SCRAPTRACE_TRANSPARENCY_LOG; with it on, the integrator runs beside the server as `scraptrace
serve` runs it. Rounds alternate off/on so that drift of a shared machine hits both alike, and
every round is reported (the spread is part of the figure).
Proofs: the log's tables filled with 10^6 synthetic leaves (event rows are not needed to prove:
a proof reads the tree's tables alone, so their foreign keys are off while filling), then
GET /log/proof/inclusion at random indexes, one request at a time, against the same SELECT
issued bare.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import TypeAdapter
from sqlalchemy import text

from benchmarks.loadgen import collect_body
from benchmarks.run import DURATION, entry, fresh, loadgen, server, writers
from domain import orgs
from domain.auth import Actor
from domain.commands import EventCommand
from domain.db import Database
from domain.events.capture import record_events
from domain.settings import Settings
from domain.tlog import log, merkle
from seed.scale import network_for, seed_scale

ROUNDS = int(os.environ.get("SCRAPTRACE_BENCH_LOG_ROUNDS", "3"))
LEAVES = int(os.environ.get("SCRAPTRACE_BENCH_LOG_LEAVES", "1000000"))
PROOFS = 2000


@contextmanager
def integrator(url: str, on: bool) -> Iterator[None]:
    proc = subprocess.Popen([sys.executable, "-c", "from api.cli import app; app()", "log",
                             "integrate", "--follow"],
                            env={**os.environ, "SCRAPTRACE_DATABASE_URL": url}) if on else None
    try:
        yield
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(20)


def capture_on_off(kind: str, tmp: Path) -> list[dict[str, Any]]:
    url = fresh(kind, tmp, "logcapture")
    seed_scale(Database(url), Settings(database_url=url), lots=2_000)
    rates: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(ROUNDS):
        for mode in ("off", "on"):
            env = {"SCRAPTRACE_TRANSPARENCY_LOG": "true" if mode == "on" else "false"}
            with server(url, env=env) as (base, _), integrator(url, mode == "on"):
                spec = {"writers": writers(base, 2_000)[:1]}
                run = loadgen(base, spec, "batch", clients=1, duration=DURATION, batch=1000,
                              warmup=0, prebuilt=int(DURATION * 15))
            rates[mode].append(run["events_per_s"])
    ratios = [round(a / b, 3) for a, b in zip(rates["on"], rates["off"], strict=True)]
    on, off = (round(statistics.median(rates[m]), 1) for m in ("on", "off"))
    return [*in_process(url, kind), entry(
        "capture_batch_log_on", kind, on, "events/s", off, "higher", batch_size=1000,
        rounds=ROUNDS, on=rates["on"], off=rates["off"], round_ratios=ratios,
        baseline_what="the same batch capture with SCRAPTRACE_TRANSPARENCY_LOG=false, "
                      "alternated round by round (medians; goal: ratio ≥ 0.90)")]


def in_process(url: str, kind: str, rounds: int = 7) -> list[dict[str, Any]]:
    """The capture path's own cost of the log: `record_events` on batches of 1,000 collects in
    this process, the log's places on and off in alternate rounds (no HTTP, no integrator)."""
    db = Database(url)
    member = next(m for m in network_for(2_000) if m.kind == "collector")
    with db.read() as s:
        user = s.execute(text("SELECT u.id, u.username, u.role, u.org_id, o.code FROM app_user u "
                              "JOIN org o ON o.id = u.org_id WHERE u.username = :u"),
                         {"u": member.user}).one()
    actor = Actor(*user)
    adapter: TypeAdapter[Any] = TypeAdapter(EventCommand)
    rng = random.Random(3)
    took: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        for mode in ("off", "on"):
            settings = Settings(database_url=url, transparency_log=mode == "on")
            batch = [adapter.validate_python(collect_body(member.site, rng)) for _ in range(1000)]
            t = time.perf_counter()
            with db.write() as s:
                record_events(s, actor=actor, settings=settings, events=batch)
            took[mode].append(time.perf_counter() - t)
    db.dispose()
    on, off = (round(1000 / statistics.median(took[m]), 1) for m in ("on", "off"))
    return [entry("capture_record_events_log_on", kind, on, "events/s", off, "higher",
                  rounds=rounds, batch_size=1000,
                  on_ms=[round(x * 1000, 1) for x in took["on"]],
                  off_ms=[round(x * 1000, 1) for x in took["off"]],
                  baseline_what="the same record_events batches with the log's places off, "
                                "alternated in one process (medians; the integrator's hashing "
                                "runs in its own process and is not in either)")]


def _no_foreign_keys(conn: Any, is_sqlite: bool) -> None:
    """Synthetic rows with no events behind them: foreign keys off for this connection."""
    if is_sqlite:  # outside a transaction, where SQLite honours it
        conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    else:
        conn.exec_driver_sql("SET session_replication_role = replica")


def places(kind: str, tmp: Path, rounds: int = 30) -> list[dict[str, Any]]:
    """What the log adds to a capture transaction: 1,000 places given and committed, against
    an empty transaction's commit."""
    url = fresh(kind, tmp, "logplaces")
    db = Database(url)
    took: dict[str, list[float]] = {"places": [], "commit": []}
    with db.engine.connect() as conn:
        _no_foreign_keys(conn, db.is_sqlite)
        conn.commit()
        for r in range(rounds):
            t = time.perf_counter()
            log.assign(conn, list(range(r * 1000 + 1, r * 1000 + 1001)))
            conn.commit()
            took["places"].append(time.perf_counter() - t)
            t = time.perf_counter()
            conn.execute(text("SELECT 1"))
            conn.commit()
            took["commit"].append(time.perf_counter() - t)
    db.dispose()
    ms = {k: round(statistics.median(v) * 1000, 3) for k, v in took.items()}
    return [entry("log_places_1000", kind, ms["places"], "ms", ms["commit"], "lower",
                  rounds=rounds, baseline_what="an empty transaction's commit; the capture "
                  "transaction of 1,000 events takes 100–300 ms on this machine")]


def _fill(db: Database, n: int) -> None:
    """n synthetic leaves appended as the capture appends them, 10^4 at a time."""
    with db.engine.connect() as conn:
        _no_foreign_keys(conn, db.is_sqlite)
        edge: dict[merkle.Node, bytes] = {}
        for start in range(0, n, 10_000):
            stop = min(n, start + 10_000)
            log.assign(conn, list(range(start + 1, stop + 1)))
            log.lock(conn, log.TREE)
            hashes = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(start, stop)]
            made = merkle.append(start, edge, hashes)
            log.extend(conn, start, hashes, edge)
            edge = {node: made.get(node) or edge[node] for node in merkle.frontier(stop)}
            conn.commit()


def proofs(kind: str, tmp: Path) -> list[dict[str, Any]]:
    url = fresh(kind, tmp, "logproofs")
    db = Database(url)
    t0 = time.perf_counter()
    _fill(db, LEAVES)
    fill_s = time.perf_counter() - t0
    with db.write() as s:
        orgs.create_user(s, actor=None, org_code=None, username="bench-log", role="admin",
                         password="bench-log-pass-1")
    rng = random.Random(7)
    picks = [rng.randrange(LEAVES) for _ in range(PROOFS)]
    bare = []
    with db.engine.connect() as conn:
        for i in picks:
            wanted = merkle.needed(merkle.inclusion_ranges(i, LEAVES))
            t = time.perf_counter()
            log.nodes(conn, wanted)
            bare.append(time.perf_counter() - t)
    db.dispose()
    with server(url) as (base, _), httpx.Client(base_url=base) as http:
        token = http.post("/api/v1/auth/token", json={"username": "bench-log",
                                                      "password": "bench-log-pass-1"})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        took = []
        for i in picks:
            t = time.perf_counter()
            r = http.get("/api/v1/log/proof/inclusion", params={"index": i, "size": LEAVES})
            took.append(time.perf_counter() - t)
            r.raise_for_status()
    ms = sorted(x * 1000 for x in took)
    bare_ms = sorted(x * 1000 for x in bare)
    return [entry("log_inclusion_proof", kind, round(statistics.median(ms), 3), "ms (p50)",
                  round(statistics.median(bare_ms), 3), "lower", leaves=LEAVES,
                  p99_ms=round(ms[int(len(ms) * 0.99)], 3), p50_ms=round(statistics.median(ms), 3),
                  requests=PROOFS, fill_s=round(fill_s, 1),
                  baseline_what="the proof's node reads alone (one SELECT), in process; goal: "
                                "p50 ≤ 5 ms at 10^6 leaves")]


def log_runs(kind: str, tmp: Path) -> list[dict[str, Any]]:
    return places(kind, tmp) + capture_on_off(kind, tmp) + proofs(kind, tmp)


