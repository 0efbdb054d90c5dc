"""The load generator: a separate process driving a server over keep-alive HTTP/1.1.

A tiny asyncio client (no HTTP library in the hot loop) so that the generator, which shares the
machine with the server, costs as little CPU as possible. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import orjson

CST = timezone(timedelta(hours=8))


class Conn:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, token: str | None,
                      body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        if token:
            head.append(f"Authorization: Bearer {token}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readline()
            return status, data
        return status, await self.reader.readexactly(length)


def collect_body(site: str, rng: random.Random) -> dict[str, Any]:
    metal, grade = rng.choice((("Al", "AL-TALC"), ("Al", "AL-TABOO"), ("Cu", "CU-BIRCH")))
    return {"id": str(uuid.uuid4()), "type": "collect",
            "occurred_at": (datetime.now(CST) - timedelta(minutes=5)).isoformat(timespec="seconds"),
            "site": site, "metal": metal, "grade": grade,
            "origin": rng.choice(("post_consumer", "pre_consumer")),
            "mass_kg": f"{rng.randint(150, 900)}.{rng.randint(0, 9)}",
            "source": {"kind": "household", "region": "520102"}}


def batch_body(site: str, rng: random.Random, size: int) -> bytes:
    return orjson.dumps({"events": [collect_body(site, rng) for _ in range(size)]})


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with open(args.spec, "rb") as f:
        spec = orjson.loads(f.read())
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    rng = random.Random(1)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    events = 0
    stop_at = 0.0
    warm_until = 0.0

    async def client(n: int) -> None:
        nonlocal events
        conn = Conn(host, port)
        writers = spec.get("writers") or [{}]
        me = writers[n % len(writers)]
        req: tuple[str, str, str | None, bytes | None, int]
        # flood: each client paces itself to its share of --rate requests per second.
        interval = args.clients / args.rate if args.rate else 0.0
        next_at = time.perf_counter() + interval * n / args.clients
        while time.perf_counter() < stop_at:
            if interval:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += interval
            if args.mode == "flood":
                users = spec["flood_users"]
                body = orjson.dumps({"username": users[n % len(users)],
                                     "password": f"wrong-{rng.randint(0, 10**9)}"})
                req = ("POST", "/api/v1/auth/token", None, body, 1)
            elif args.mode in ("single", "bare"):
                body = orjson.dumps(collect_body(me["site"], rng))
                path = "/api/v1/events" if args.mode == "single" else "/bare/events"
                req = ("POST", path, me.get("token"), body, 1)
            elif args.mode == "batch":
                body = (ready.pop() if ready else
                        batch_body(me["site"], rng, args.batch))
                req = ("POST", "/api/v1/events", me["token"], body, args.batch)
            elif args.mode == "health":
                req = ("GET", "/api/v1/health", None, None, 1)
            elif args.mode == "lot":
                code, token = rng.choice(spec["lots"])
                req = ("GET", f"/api/v1/lots/{code}", token, None, 1)
            else:  # report
                req = ("GET", spec["report_path"], spec["auditor"], None, 1)
            t0 = time.perf_counter()
            status, _ = await conn.request(req[0], req[1], req[2], req[3])
            t1 = time.perf_counter()
            if t0 >= warm_until:
                latencies.append(t1 - t0)
                statuses[status] = statuses.get(status, 0) + 1
                if status < 300:
                    events += req[4]

    # Batches are built before the clock starts: building 1,000 bodies takes the generator
    # tens of milliseconds, which one client waiting on each answer would add to the server's.
    ready = ([batch_body((spec.get("writers") or [{}])[0]["site"], rng, args.batch)
              for _ in range(args.prebuilt)] if args.mode == "batch" else [])
    start = time.perf_counter()
    warm_until = start + args.warmup
    stop_at = warm_until + args.duration
    await asyncio.gather(*(client(i) for i in range(args.clients)))
    elapsed = time.perf_counter() - warm_until
    latencies.sort()

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    errors = sum(v for k, v in statuses.items() if k >= 300)
    return {"requests": len(latencies), "events": events, "elapsed_s": round(elapsed, 3),
            "events_per_s": round(events / elapsed, 1), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "median_s": (latencies[len(latencies) // 2] if latencies else None),
            "statuses": {str(k): v for k, v in statuses.items()}, "errors": errors}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", required=True)
    p.add_argument("--spec", required=True, help="JSON: writers [{site, token}], lots, ...")
    p.add_argument("--mode", choices=("single", "bare", "batch", "lot", "report", "flood",
                                         "health"),
                   required=True)
    p.add_argument("--rate", type=float, default=0.0,
                   help="Requests per second over all clients (0: as fast as answered).")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--prebuilt", type=int, default=0,
                   help="Batch mode: bodies built before timing starts (more are built as needed).")
    args = p.parse_args()
    print(orjson.dumps(asyncio.run(run(args))).decode())


if __name__ == "__main__":
    main()
