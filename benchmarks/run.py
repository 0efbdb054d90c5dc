"""`make bench`: every figure beside its baseline, measured in the same run on the same machine.

SQLite always; PostgreSQL too when SCRAPTRACE_BENCH_PG_URL names a database it may empty.
The 10^6-lot data set (report_1e6, lot_read) is built when SCRAPTRACE_BENCH_FULL=1 (it takes
several minutes per database); without it lot_read is measured at 10^5 lots and report_1e6 is
listed as skipped. SCRAPTRACE_BENCH_ONLY=capture measures the capture figures alone,
`log` the transparency log's (benchmarks/tlog.py), `trace` the lineage's (benchmarks/trace.py),
`integrations` the EPCIS figures (benchmarks/integrations.py). Writes
benchmarks/results/latest.json and prints a table.
"""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from benchmarks import wrk
from benchmarks.bare import CREATE as CREATE_BARE
from domain.db import Database
from domain.migrate import upgrade
from domain.settings import Settings
from seed.scale import SCALE_PASSWORD, network_for, seed_scale

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
console = Console(width=150)
WORKERS = int(os.environ.get("SCRAPTRACE_BENCH_WORKERS", "2"))
DURATION = float(os.environ.get("SCRAPTRACE_BENCH_SECONDS", "10"))
FULL = os.environ.get("SCRAPTRACE_BENCH_FULL") == "1"
# "capture": the capture figures alone (a few minutes), e.g. to compare two commits; "trace":
# the lineage figure alone (benchmarks/trace.py).
ONLY = os.environ.get("SCRAPTRACE_BENCH_ONLY", "")


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total
                                                                  / 2**30, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "server_workers": WORKERS,
            "date": datetime.now().isoformat(timespec="seconds")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh(kind: str, tmp: Path, name: str) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / name}.db"
    else:
        url = os.environ["SCRAPTRACE_BENCH_PG_URL"]
        db = Database(url)
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.dispose()
    upgrade(url)
    return url


@contextmanager
def server(url: str, app: str = "api.main:app", env: dict[str, str] | None = None,
           ) -> Iterator[tuple[str, psutil.Process]]:
    """The app served as `scraptrace serve` serves it, in its own process."""
    port = free_port()
    env = {**os.environ, "SCRAPTRACE_DATABASE_URL": url, **(env or {})}
    # SQLite has one writer: served by one process, as `scraptrace serve` does.
    workers = 1 if url.startswith("sqlite") else WORKERS
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/v1/health" if app == "api.main:app" else base + "/docs",
                          timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(20)


class RssSampler(threading.Thread):
    """Peak resident memory of a server process and its workers."""

    def __init__(self, proc: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.proc, self.peak, self.stopped = proc, 0, False

    def run(self) -> None:
        while not self.stopped:
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(0.05)


def worker_rss_mb(proc: psutil.Process) -> float:
    """The largest resident set of the processes that serve requests (uvicorn's workers, or the
    one process when it serves alone)."""
    procs = proc.children(recursive=True) or [proc]
    return round(max(p.memory_info().rss for p in procs) / 2**20, 1)


def loadgen(base: str, spec: dict[str, Any], mode: str, **opts: Any) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
        f.write(orjson.dumps(spec))
    args = [sys.executable, "-m", "benchmarks.loadgen", "--url", base, "--spec", f.name,
            "--mode", mode] + [f"--{k}={v}" for k, v in opts.items()]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"load generator failed: {proc.stderr[-2000:]}")
    out = proc.stdout
    os.unlink(f.name)
    result: dict[str, Any] = json.loads(out)
    return result


def drive(base: str, spec: dict[str, Any], mode: str, **opts: Any) -> dict[str, Any]:
    """wrk where it is installed and can make the requests of `mode`, else the Python generator;
    the answer names the generator it used."""
    if wrk.available() and mode in wrk.MODES:
        return wrk.run(base, spec, mode, clients=opts.get("clients", 32),
                       duration=opts.get("duration", DURATION), warmup=opts.get("warmup", 1.0))
    return {**loadgen(base, spec, mode, **opts), "generator": "python"}


def login(base: str, username: str) -> str:
    r = httpx.post(base + "/api/v1/auth/token", json={"username": username,
                                                        "password": SCALE_PASSWORD})
    r.raise_for_status()
    token: str = r.json()["access_token"]
    return token


def writers(base: str, lots: int) -> list[dict[str, str]]:
    return [{"site": m.site, "token": login(base, m.user)} for m in network_for(lots)
            if m.kind == "collector"]


# --- baselines --------------------------------------------------------------------------------
# The rows one run of batch captures wrote, table by table, after event `seq` :after.
WRITTEN = {
    "event": "seq > :after",
    "lot": "created_seq > :after",
    "event_lot": "event_seq > :after",
    "lot_access": "lot_id IN (SELECT id FROM lot WHERE created_seq > :after)",
    "movement": "event_seq > :after",
    "melt_input": "event_seq > :after",
}


def raw_insert(url: str, after_seq: int, tables: tuple[str, ...]) -> tuple[int, float]:
    """Insert again, the fastest raw way, the rows the batch capture wrote in `tables` (copies
    with the same indexes, in one transaction): (event rows, seconds)."""
    db = Database(url)
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        data = {}
        for name in tables:
            where = WRITTEN[name].replace(":after", str(int(after_seq)))
            cur.execute(f"SELECT * FROM {name} WHERE {where}")
            data[name] = ([d[0] for d in cur.description], cur.fetchall())
            _copy_table(cur, db.is_sqlite, name)
        raw.commit()
        t0 = time.perf_counter()
        if db.is_sqlite:
            cur.execute("BEGIN")
        for name, (cols, rows) in data.items():
            if not rows:
                continue
            if db.is_sqlite:
                cur.executemany(f"INSERT INTO bench_raw_{name} VALUES "
                                f"({', '.join('?' * len(cols))})", rows)
            else:
                json_cols = {i for i, c in enumerate(cols)
                             if c in ("payload", "created_lots", "cells", "before")}
                with cur.copy(f"COPY bench_raw_{name} ({', '.join(cols)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row([orjson.dumps(v).decode() if i in json_cols and v is not None
                                        else v for i, v in enumerate(r)])
        if db.is_sqlite:
            cur.execute("COMMIT")
        else:
            raw.commit()
        elapsed = time.perf_counter() - t0
        for name in tables:
            cur.execute(f"DROP TABLE IF EXISTS bench_raw_{name}")
        raw.commit()
        return len(data["event"][1]), elapsed
    finally:
        raw.close()
        db.dispose()


def _copy_table(cur: Any, is_sqlite: bool, name: str) -> None:
    """An empty copy of table `name` with its indexes (no foreign keys: a bulk load's best)."""
    cur.execute(f"DROP TABLE IF EXISTS bench_raw_{name}")
    if not is_sqlite:
        cur.execute(f"CREATE TABLE bench_raw_{name} (LIKE {name} INCLUDING DEFAULTS "
                    "INCLUDING INDEXES)")
        return
    ddl = [r[0] for r in cur.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", (name,))]
    for stmt in ddl:
        stmt = re.sub(r"FOREIGN KEY\([^)]*\) REFERENCES \w+ \([^)]*\),?", "", stmt)
        stmt = re.sub(r",\s*\)$", ")", stmt.strip())
        cur.execute(stmt.replace(f'"{name}"', f"bench_raw_{name}")
                    .replace(f"TABLE {name} ", f"TABLE bench_raw_{name} ")
                    .replace(f"ON {name} ", f"ON bench_raw_{name} ")
                    .replace(f"ix_{name}_", f"ix_bench_raw_{name}_"))


SHARE_SQL = ("SELECT m.org_id, m.origin, m.evidence, m.provenance, sum(m.metal_g) "
             "FROM melt_input m WHERE m.metal = 'Al' AND m.occurred_at >= :lo "
             "AND m.occurred_at < :hi GROUP BY m.org_id, m.origin, m.evidence, m.provenance")
# The transport report's baseline: the grams each shipment took away, without its mode and
# distance (read from the event's JSON body) or the organisation.
SHIPPED_SQL = ("SELECT m.event_seq, sum(m.grams) FROM movement m WHERE m.kind = 'shipped' "
               "AND m.occurred_at >= :lo AND m.occurred_at < :hi GROUP BY m.event_seq")


def bare_aggregate(url: str, start: date, end: date, tz: Any, repeat: int = 15,
                   sql_text: str = SHARE_SQL) -> float:
    """A report's sums as one bare GROUP BY (the recycled share's over melt_input by
    default): median seconds."""
    db = Database(url)
    lo = datetime.combine(start, datetime.min.time(), tz)
    hi = datetime.combine(end, datetime.min.time(), tz)
    sql = text(sql_text)
    if db.is_sqlite:
        # SQLite stores UTC instants as text, the way UtcDateTime writes them.
        params: dict[str, Any] = {k: v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                                  for k, v in (("lo", lo), ("hi", hi))}
    else:
        params = {"lo": lo, "hi": hi}
    times = []
    with db.engine.connect() as conn:
        for _ in range(repeat + 2):
            t0 = time.perf_counter()
            conn.execute(sql, params).all()
            times.append(time.perf_counter() - t0)
    db.dispose()
    return statistics.median(times[2:])


# --- the runs ---------------------------------------------------------------------------------
def entry(name: str, kind: str, value: float | None, unit: str, baseline: float | None,
          better: str, **extra: Any) -> dict[str, Any]:
    ratio = round(value / baseline, 4) if value is not None and baseline else None
    return {"name": name, "db": kind, "value": value, "unit": unit, "baseline": baseline,
            "ratio": ratio, "better": better, **extra}


def capture_runs(kind: str, tmp: Path) -> list[dict[str, Any]]:
    lots = 10_000
    url = fresh(kind, tmp, "capture")
    seed_scale(Database(url), Settings(database_url=url), lots=lots)
    out = []
    with server(url) as (base, proc):
        spec = {"writers": writers(base, lots)}
        sampler = RssSampler(proc)
        sampler.start()
        single = drive(base, spec, "single", clients=32, duration=DURATION)
        sampler.stopped = True
        sampler.join()
        ceiling = drive(base, {}, "health", clients=32, duration=min(DURATION, 5))
        with Database(url).engine.connect() as conn:
            before_batch = conn.execute(text("SELECT max(seq) FROM event")).scalar_one()
        batch = loadgen(base, {"writers": spec["writers"][:1]}, "batch", clients=1,
                        duration=DURATION, batch=1000, warmup=0,
                        prebuilt=int(DURATION * 15))
        per_worker = worker_rss_mb(proc)
    bare_db = Database(url)
    with bare_db.engine.begin() as conn:
        conn.execute(text(CREATE_BARE))
    bare_db.dispose()
    with server(url, "benchmarks.bare:app") as (base, _):
        bare = drive(base, spec, "bare", clients=32, duration=DURATION)
    rows, raw_s = raw_insert(url, before_batch, ("event",))
    raw_rate = round(rows / raw_s, 1)
    _, all_s = raw_insert(url, before_batch, tuple(WRITTEN))
    all_rate = round(rows / all_s, 1)
    out.append(entry("capture_single", kind, single["events_per_s"], "events/s",
                     bare["events_per_s"], "higher", p50_ms=single["p50_ms"],
                     p99_ms=single["p99_ms"], clients=32, errors=single["errors"],
                     baseline_p50_ms=bare["p50_ms"], baseline_p99_ms=bare["p99_ms"],
                     generator=single["generator"],
                     baseline_what="bare FastAPI endpoint: validate the body, insert one row"))
    out.append(entry("capture_batch", kind, batch["events_per_s"], "events/s", all_rate,
                     "higher", batch_size=1000, errors=batch["errors"],
                     baseline_what=("executemany" if kind == "sqlite" else "COPY")
                     + f" of every row the {rows} events wrote, in every table, same indexes"))
    out.append(entry("capture_batch_vs_event_table", kind, batch["events_per_s"], "events/s",
                     raw_rate, "higher", batch_size=1000,
                     baseline_what=("executemany" if kind == "sqlite" else "COPY")
                     + f" of the same {rows} event rows only"))
    out.append(entry("generator_ceiling", kind, ceiling["events_per_s"], "requests/s", None,
                     "higher", generator=ceiling["generator"], p99_ms=ceiling["p99_ms"],
                     p50_ms=ceiling["p50_ms"], clients=32,
                     what="GET /api/v1/health through the same generator: the server answers at "
                          "least this fast when the generator is not the limit"))
    out.append(entry("rss_per_worker_mb", kind, per_worker, "MB", 120.0, "lower",
                     after="capture_single and capture_batch",
                     workers=1 if kind == "sqlite" else WORKERS,
                     baseline_what="the goal of issue 7: 120 MB per server process"))
    out.append(entry("rss_peak_mb", kind, round(sampler.peak / 2**20, 1), "MB", None, "lower",
                     during="capture_single", workers=WORKERS))
    return out


def size_runs(kind: str, tmp: Path, lots: int, name: str, with_lot_read: bool,
              ) -> tuple[list[dict[str, Any]], tuple[str, dict[str, int]]]:
    """The figures at `lots` lots; also answers the database (url, seed stats), which the
    trace figure reuses."""
    url = fresh(kind, tmp, f"lots{lots}")
    settings = Settings(database_url=url)
    t0 = time.perf_counter()
    stats = seed_scale(Database(url), settings, lots=lots, progress=True)
    seed_s = time.perf_counter() - t0
    today = date.today()
    start, end = today - timedelta(days=400), today + timedelta(days=1)
    out = []
    with server(url) as (base, _):
        auditor = login(base, "sc-auditor")
        path = f"/api/v1/reports/recycled-share?metal=Al&from={start}&to={end}"
        report = loadgen(base, {"auditor": auditor, "report_path": path}, "report", clients=1,
                         duration=min(DURATION, 5))
        baseline = bare_aggregate(url, start, end, settings.tz)
        out.append(entry(name, kind, round(report["median_s"], 5), "s", round(baseline, 5),
                         "lower", lots=stats["lots"], melt_input_rows=stats["melt_input"],
                         errors=report["errors"],
                         baseline_what="bare GROUP BY over melt_input"))
        path = f"/api/v1/reports/transport?from={start}&to={end}"
        report = loadgen(base, {"auditor": auditor, "report_path": path}, "report", clients=1,
                         duration=min(DURATION, 5))
        baseline = bare_aggregate(url, start, end, settings.tz, sql_text=SHIPPED_SQL)
        out.append(entry(name.replace("report", "transport"), kind, round(report["median_s"], 5),
                         "s", round(baseline, 5), "lower", lots=stats["lots"],
                         errors=report["errors"],
                         baseline_what="bare GROUP BY of shipped grams over movement"))
        if with_lot_read:
            db = Database(url)
            with db.engine.connect() as conn:
                sample = conn.execute(text(
                    "SELECT l.code, u.username FROM lot l JOIN lot_access a ON a.lot_id = l.id "
                    "JOIN app_user u ON u.org_id = a.org_id WHERE l.id % 487 = 0")).all()
            db.dispose()
            tokens = {u: login(base, u) for u in {r.username for r in sample}}
            spec = {"lots": [[r.code, tokens[r.username]] for r in sample]}
            read = drive(base, spec, "lot", clients=8, duration=DURATION)
            out.append(entry("lot_read", kind, read["p99_ms"], "ms (p99)", None, "lower",
                             p50_ms=read["p50_ms"], p99_ms=read["p99_ms"],
                             reads_per_s=read["events_per_s"], lots=stats["lots"], clients=8,
                             generator=read["generator"],
                             errors=read["errors"]))
    out.append(entry(f"seed_{name.split('_')[1]}", kind, round(seed_s, 1), "s", None, "lower",
                     lots=stats["lots"], events=stats["events"]))
    return out, (url, stats)


def bench(kind: str) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="scraptrace-bench-") as d:
        tmp = Path(d)
        from benchmarks.trace import trace_runs

        if ONLY == "trace":
            return trace_runs(kind, tmp)
        from benchmarks.tlog import log_runs

        if ONLY == "log":  # the transparency log's figures alone (benchmarks/tlog.py)
            return log_runs(kind, tmp)
        from benchmarks.integrations import integration_runs

        if ONLY == "integrations":
            console.print(f"[bold]{kind}[/bold]: EPCIS capture and export")
            return integration_runs(kind, tmp)
        console.print(f"[bold]{kind}[/bold]: capture")
        runs = capture_runs(kind, tmp)
        if ONLY == "capture":
            return runs
        console.print(f"[bold]{kind}[/bold]: transparency log")
        runs += log_runs(kind, tmp)
        console.print(f"[bold]{kind}[/bold]: login flood")
        from benchmarks.flood import flood_runs

        runs += flood_runs(kind, tmp)
        console.print(f"[bold]{kind}[/bold]: 10^4 lots")
        runs += size_runs(kind, tmp, 10_000, "report_1e4", False)[0]
        console.print(f"[bold]{kind}[/bold]: 10^5 lots")
        sized, seeded = size_runs(kind, tmp, 100_000, "report_1e5", not FULL)
        runs += sized + trace_runs(kind, tmp, 100_000, seeded)
        if FULL:
            console.print(f"[bold]{kind}[/bold]: 10^6 lots")
            sized, seeded = size_runs(kind, tmp, 1_000_000, "report_1e6", True)
            runs += sized + trace_runs(kind, tmp, 1_000_000, seeded)
        else:
            runs.append(entry("report_1e6", kind, None, "s", None, "lower",
                              skipped="set SCRAPTRACE_BENCH_FULL=1 to build 10^6 lots"))
        console.print(f"[bold]{kind}[/bold]: EPCIS capture and export")
        runs += integration_runs(kind, tmp)
    return runs


def show(result: dict[str, Any]) -> None:
    table = Table(title="scraptrace benchmarks (value / baseline = ratio)")
    for col in ("name", "db", "value", "unit", "baseline", "ratio", "notes"):
        table.add_column(col, justify="right" if col in ("value", "baseline", "ratio") else "left")
    for r in result["runs"]:
        notes = []
        if "p50_ms" in r:
            notes.append(f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms")
        if "lots" in r:
            notes.append(f"{r['lots']:,} lots")
        if r.get("skipped"):
            notes.append(r["skipped"])
        table.add_row(r["name"], r["db"], "—" if r["value"] is None else f"{r['value']:,}",
                      r["unit"], "—" if r["baseline"] is None else f"{r['baseline']:,}",
                      "—" if r["ratio"] is None else f"{r['ratio']:.3f}", "; ".join(notes))
    console.print(table)


def main() -> None:
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("SCRAPTRACE_BENCH_PG_URL") else [])
    result: dict[str, Any] = {"machine": machine(), "runs": [],
                              "generator": "wrk" if wrk.available() else "python"}
    if "postgresql" in kinds:
        db = Database(os.environ["SCRAPTRACE_BENCH_PG_URL"])
        with db.engine.connect() as conn:
            result["machine"]["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
        db.dispose()
    for kind in kinds:
        result["runs"] += bench(kind)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    show(result)
    console.print(f"written {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
