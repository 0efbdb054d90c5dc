"""Lineage: a back trace of a product lot through the API beside the bare recursive walk.

`SCRAPTRACE_BENCH_ONLY=trace make bench` (or `python -m benchmarks.trace`) runs only this at
10^5 lots; `make bench` runs it with everything else (and at 10^6 lots with
SCRAPTRACE_BENCH_FULL=1). One client, one request at a time: the latency a reader meets.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from benchmarks.run import RESULTS, console, entry, fresh, login, machine, server
from domain.db import Database
from domain.lineage import MAX_DEPTH, WALKS
from domain.settings import Settings
from seed.scale import seed_scale

SAMPLE = 200  # product lots traced, each ROUNDS times after one warm-up pass
ROUNDS = 5
# Product lots (made by melts), spread over the whole history.
PRODUCTS = ("SELECT l.id, l.code FROM lot l JOIN event e ON e.seq = l.created_seq "
            "WHERE e.type = 'melt' ORDER BY l.id")


def _latencies(client: httpx.Client, paths: list[str], headers: dict[str, str]) -> list[float]:
    for p in paths:  # warm-up: caches, statement compilation, page cache
        client.get(p, headers=headers).raise_for_status()
    out = []
    for _ in range(ROUNDS):
        for p in paths:
            t0 = time.perf_counter()
            client.get(p, headers=headers).raise_for_status()
            out.append((time.perf_counter() - t0) * 1000)
    return out


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * q))], 3)


def _bare_query_ms(url: str, ids: list[int]) -> float:
    db = Database(url)
    times = []
    with db.read() as s:
        for lot_id in ids * 2:
            t0 = time.perf_counter()
            s.execute(WALKS["back"], {"root": lot_id, "max_depth": MAX_DEPTH}).all()
            times.append((time.perf_counter() - t0) * 1000)
    db.dispose()
    return round(statistics.median(times[len(ids):]), 3)


def trace_runs(kind: str, tmp: Path, lots: int = 100_000,
               seeded: tuple[str, dict[str, int]] | None = None) -> list[dict[str, Any]]:
    """The trace figure at `lots` lots; `seeded`: (url, stats) of a database `seed scale`
    built with that many already (the size runs' own), else one is built."""
    name = f"trace_1e{len(str(lots)) - 1}"
    if seeded is None:
        url = fresh(kind, tmp, name)
        stats = seed_scale(Database(url), Settings(database_url=url), lots=lots, progress=True)
    else:
        url, stats = seeded
    db = Database(url)
    if not db.is_sqlite:  # statistics as autovacuum would have gathered them by now
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    with db.engine.connect() as conn:
        products = conn.execute(text(PRODUCTS)).all()
        step = max(1, len(products) // SAMPLE)
        sample = products[::step][:SAMPLE]
        sizes = [conn.execute(WALKS["back"], {"root": r.id, "max_depth": MAX_DEPTH}).all()
                 for r in sample]
    db.dispose()
    with server(url) as (base, _), httpx.Client(base_url=base) as client:
        token = login(base, "sc-auditor")
        api = _latencies(client, [f"/api/v1/lots/{r.code}/trace" for r in sample],
                         {"Authorization": f"Bearer {token}"})
    with server(url, "benchmarks.bare:app") as (base, _), httpx.Client(base_url=base) as client:
        bare = _latencies(client, [f"/bare/trace/{r.id}" for r in sample], {})
    p50, bare_p50 = _pct(api, 0.5), _pct(bare, 0.5)
    return [entry(name, kind, p50, "ms (p50)", bare_p50, "lower", p50_ms=p50,
                  p99_ms=_pct(api, 0.99), baseline_p50_ms=bare_p50,
                  baseline_p99_ms=_pct(bare, 0.99), lots=stats["lots"],
                  traced=len(sample), requests=len(api),
                  edges_per_trace=round(statistics.mean(len(s) for s in sizes), 1),
                  bare_query_ms=_bare_query_ms(url, [r.id for r in sample]),
                  goal="p50 ≤ 5 ms, ratio ≤ 3",
                  baseline_what="the same recursive walk served bare (no auth, visibility, "
                                "node reads or origins), through HTTP; bare_query_ms: the walk "
                                "alone in-process")]


def main() -> None:
    import os

    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("SCRAPTRACE_BENCH_PG_URL") else [])
    latest = RESULTS / "latest.json"
    result: dict[str, Any] = json.loads(latest.read_text()) if latest.exists() else {
        "machine": machine(), "runs": []}
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scraptrace-bench-") as d:
        for kind in kinds:
            runs = trace_runs(kind, Path(d))
            result["runs"] = [r for r in result["runs"]
                              if not (r["name"].startswith("trace_") and r["db"] == kind)] + runs
            latest.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
            for r in runs:
                console.print(r)


if __name__ == "__main__":
    main()
