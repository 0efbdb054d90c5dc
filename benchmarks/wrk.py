"""Driving the server with wrk (Debian package `wrk`), when it is installed.

wrk is a C load generator with LuaJIT scripting: it costs the two-core machine far less than
any Python client, so the figures measure the server. The script below makes every event id
unique (a random run prefix, the wrk thread and a counter), spreads requests over the writers'
sites and tokens, counts answers of 300 and above as errors, and prints one `WRKJSON` line.
The answer has the keys of benchmarks/loadgen.py's, so the two generators are interchangeable.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from typing import Any

MODES = ("single", "bare", "lot", "health")
CST = timezone(timedelta(hours=8))

_SCRIPT = r"""
local items = %(items)s
local mode = "%(mode)s"
local prefix = "%(prefix)s"
local occurred = "%(occurred)s"
local grades = {{"Al", "AL-TALC"}, {"Al", "AL-TABOO"}, {"Cu", "CU-BIRCH"}}
local origins = {"post_consumer", "pre_consumer"}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  errors, ok = 0, 0
end

function request()
  counter = counter + 1
  local item = items[(counter %% #items) + 1]
  if mode == "health" then
    return wrk.format("GET", "/api/v1/health")
  elseif mode == "lot" then
    return wrk.format("GET", "/api/v1/lots/" .. item[1],
                      {["Authorization"] = "Bearer " .. item[2]})
  end
  local g = grades[(counter %% 3) + 1]
  local body = string.format(
    '{"id":"%%s-4%%03x-8000-%%012x","type":"collect","occurred_at":"%%s","site":"%%s",' ..
    '"metal":"%%s","grade":"%%s","origin":"%%s","mass_kg":"%%d.%%d",' ..
    '"source":{"kind":"household","region":"520102"}}',
    prefix, tid, counter, occurred, item[1], g[1], g[2], origins[(counter %% 2) + 1],
    150 + counter %% 750, counter %% 10)
  local headers = {["Content-Type"] = "application/json"}
  if item[2] ~= "" then headers["Authorization"] = "Bearer " .. item[2] end
  return wrk.format("POST", mode == "single" and "/api/v1/events" or "/bare/events",
                    headers, body)
end

function response(status, headers, body)
  if status >= 300 then errors = errors + 1 else ok = ok + 1 end
end

function done(summary, latency, requests)
  local errs, oks = 0, 0
  for _, t in ipairs(threads) do
    errs = errs + t:get("errors")
    oks = oks + t:get("ok")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%.0f, "p99_us": %%.0f, ' ..
    '"ok": %%d, "errors": %%d, "socket_errors": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    oks, errs, e.connect + e.read + e.write + e.timeout))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua_items(mode: str, spec: dict[str, Any]) -> str:
    if mode == "health":
        pairs = [("", "")]
    elif mode == "lot":
        pairs = [(code, token) for code, token in spec["lots"]]
    else:
        pairs = [(w["site"], w.get("token") or "") for w in spec["writers"]]
    # JSON strings of ASCII text (codes, tokens) are Lua string literals too.
    return "{" + ", ".join(f"{{{json.dumps(a)}, {json.dumps(b)}}}" for a, b in pairs) + "}"


def script(mode: str, spec: dict[str, Any]) -> str:
    """The Lua script for `mode`; event ids start with a prefix drawn for this run."""
    if mode not in MODES:
        raise ValueError(f"wrk drives {MODES}, not {mode!r}")
    prefix = f"{secrets.token_hex(4)}-{secrets.token_hex(2)}"
    occurred = (datetime.now(CST) - timedelta(minutes=5)).isoformat(timespec="seconds")
    return _SCRIPT % {"items": _lua_items(mode, spec), "mode": mode, "prefix": prefix,
                      "occurred": occurred}


def _once(base: str, lua: str, clients: int, seconds: float, threads: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    proc = subprocess.run(
        ["wrk", f"-t{min(threads, clients)}", f"-c{clients}", f"-d{max(1, round(seconds))}s",
         "--timeout", "30s", "-s", f.name, base], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"wrk failed: {proc.stderr[-2000:]}")
    found = re.search(r"^WRKJSON (.*)$", proc.stdout, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no result: {proc.stdout[-2000:]}")
    result: dict[str, Any] = json.loads(found.group(1))
    return result


def run(base: str, spec: dict[str, Any], mode: str, clients: int = 32, duration: float = 10.0,
        warmup: float = 1.0, threads: int = 2) -> dict[str, Any]:
    """Like benchmarks.loadgen's answer: events_per_s, p50_ms, p99_ms, errors, statuses."""
    if warmup:
        _once(base, script(mode, spec), clients, warmup, threads)
    raw = _once(base, script(mode, spec), clients, duration, threads)
    elapsed = raw["duration_us"] / 1e6
    errors = raw["errors"] + raw["socket_errors"]
    return {"requests": raw["requests"], "events": raw["ok"], "elapsed_s": round(elapsed, 3),
            "events_per_s": round(raw["ok"] / elapsed, 1),
            "p50_ms": round(raw["p50_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
            "median_s": raw["p50_us"] / 1e6, "errors": errors,
            "statuses": {"<300": raw["ok"], ">=300": raw["errors"]},
            "generator": "wrk"}
