"""`make soak`: five minutes of mixed traffic at a fixed rate against a real server.

Passes when no request fails and the server's memory grows by less than 10 % between the end of
the warm-up and the end of the run. Not part of CI. SCRAPTRACE_SOAK_SECONDS (default 300),
SCRAPTRACE_SOAK_RATE (requests per second, default 60), SCRAPTRACE_SOAK_DB_URL (default: a new
SQLite file).
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import psutil
from rich.console import Console
from rich.table import Table

from benchmarks.loadgen import Conn, collect_body
from benchmarks.run import fresh, login, server, writers
from domain.db import Database
from domain.settings import Settings
from seed.scale import seed_scale

SECONDS = float(os.environ.get("SCRAPTRACE_SOAK_SECONDS", "300"))
RATE = float(os.environ.get("SCRAPTRACE_SOAK_RATE", "60"))
WARMUP = min(30.0, SECONDS / 5)
console = Console(width=120)


def rss(proc: psutil.Process) -> int:
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


async def drive(base: str, spec: dict[str, Any], proc: psutil.Process) -> dict[str, Any]:
    url = urlsplit(base)
    rng = random.Random(3)
    pool = [Conn(url.hostname or "127.0.0.1", url.port or 80) for _ in range(16)]
    free: asyncio.Queue[Conn] = asyncio.Queue()
    for c in pool:
        free.put_nowait(c)
    lots: list[tuple[str, str]] = []
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    today = date.today()
    report = (f"/api/v1/reports/recycled-share?metal=Al&from={today - timedelta(days=400)}"
              f"&to={today + timedelta(days=1)}")

    async def one(kind: str) -> None:
        conn = await free.get()
        w = rng.choice(spec["writers"])
        try:
            t0 = time.perf_counter()
            if kind == "collect":
                status, body = await conn.request("POST", "/api/v1/events", w["token"],
                                                  orjson.dumps(collect_body(w["site"], rng)))
                if status == 201:
                    lots.append((orjson.loads(body)["created_lots"][0], w["token"]))
            elif kind == "lot" and lots:
                code, token = rng.choice(lots)
                status, _ = await conn.request("GET", f"/api/v1/lots/{code}", token)
            elif kind == "events":
                status, _ = await conn.request("GET", "/api/v1/events?limit=50", w["token"])
            else:
                status, _ = await conn.request("GET", report, spec["auditor"])
            latencies.append(time.perf_counter() - t0)
            outcomes["ok" if status < 400 else f"http {status}"] += 1
        except Exception as exc:
            outcomes[type(exc).__name__] += 1
            conn = Conn(url.hostname or "127.0.0.1", url.port or 80)
        finally:
            free.put_nowait(conn)

    start = time.perf_counter()
    tasks = []
    rss_start = None
    n = 0
    while (now := time.perf_counter() - start) < SECONDS:
        if rss_start is None and now >= WARMUP:
            rss_start = rss(proc)
        kind = rng.choices(("collect", "lot", "events", "report"), (6, 2, 1, 1))[0]
        tasks.append(asyncio.create_task(one(kind)))
        n += 1
        await asyncio.sleep(max(0.0, start + n / RATE - time.perf_counter()))
    await asyncio.gather(*tasks)
    rss_end = rss(proc)
    latencies.sort()
    return {"requests": sum(outcomes.values()), "outcomes": dict(outcomes),
            "rate": round(sum(outcomes.values()) / (time.perf_counter() - start), 1),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
            "rss_start_mb": round((rss_start or rss_end) / 2**20, 1),
            "rss_end_mb": round(rss_end / 2**20, 1)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="scraptrace-soak-") as d:
        url = os.environ.get("SCRAPTRACE_SOAK_DB_URL") or fresh("sqlite", Path(d), "soak")
        seed_scale(Database(url), Settings(database_url=url), lots=10_000)
        with server(url) as (base, proc):
            spec = {"writers": writers(base, 10_000), "auditor": login(base, "sc-auditor")}
            console.print(f"soak: {SECONDS:.0f} s at {RATE:.0f} requests/s against {base}")
            result = asyncio.run(drive(base, spec, proc))
    growth = result["rss_end_mb"] / result["rss_start_mb"] - 1
    errors = result["requests"] - result["outcomes"].get("ok", 0)
    table = Table(title="soak")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for k, v in {**result, "memory_growth": f"{growth:.1%}", "errors": errors}.items():
        table.add_row(k, str(v))
    console.print(table)
    ok = errors == 0 and growth < 0.10
    console.print("[green]soak passed[/green]" if ok else "[red]soak failed[/red]")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
