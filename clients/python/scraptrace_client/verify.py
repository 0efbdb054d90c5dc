"""What `scraptrace-verify` checks: an evidence bundle offline, and a log's history online.

Offline, a bundle is checked against its signed checkpoint: each leaf's inclusion proof, that
each leaf is the canonical JSON of the event it carries, and the report's every figure against
the share recomputed from those events (`accounts`). Online, against the server: that its log
extends the bundle's or a saved checkpoint (a consistency proof), that every leaf of the bundle
is still served unchanged, and that the evidence exported today still proves the same report.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import httpx
import rfc8785

from scraptrace_client.accounts import FIGURES, Replay
from scraptrace_client.tlog import (
    Checkpoint,
    VerifierKey,
    VerifyError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

API = "/api/v1"


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)
    melts: int = 0
    checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def shares(self) -> dict[str, Fraction | None]:
        f = self.figures
        den = f["post_consumer_g"] + f["pre_consumer_g"] + f["declared_g"] + f["primary_g"]

        def ratio(num: int) -> Fraction | None:
            return Fraction(num, den) if den else None

        return {"recycled_share": ratio(f["post_consumer_g"] + f["pre_consumer_g"]),
                "post_consumer_share": ratio(f["post_consumer_g"]),
                "pre_consumer_share": ratio(f["pre_consumer_g"]),
                "claimed_share": ratio(f["post_consumer_g"] + f["pre_consumer_g"]
                                       + f["declared_g"])}


def _hashes(items: list[str]) -> list[bytes]:
    return [base64.b64decode(h) for h in items]


def check_bundle(bundle: dict[str, Any], key: VerifierKey) -> Outcome:
    out = Outcome()
    try:
        cp = out.checkpoint = Checkpoint.open(bundle["checkpoint"], key)
    except VerifyError as exc:
        out.problems.append(f"checkpoint: {exc}")
        return out
    records = []
    for item in bundle["leaves"]:
        data = base64.b64decode(item["leaf"])
        record = json.loads(data)
        what = f"event {record['event']['id']} (seq {record['seq']})"
        if rfc8785.dumps(record) != data:
            out.problems.append(f"{what}: its leaf is not canonical JSON")
        if item["index"] is None:
            out.problems.append(f"{what}: not in the log")
            continue
        try:
            verify_inclusion(item["index"], cp.size, leaf_hash(data), _hashes(item["proof"]),
                             cp.root)
        except VerifyError as exc:
            out.problems.append(f"{what} at leaf {item['index']}: {exc}")
            continue
        records.append((item["index"], record))
    q = bundle["query"]
    replay = Replay(producer=q["producer"], metal=q["metal"], start=date.fromisoformat(q["from"]),
                    end=date.fromisoformat(q["to"]), tz=bundle["timezone"],
                    home_region=bundle["home_region"], grades=bundle["grades"])
    replay.run(record for _, record in sorted(records, key=lambda x: x[0]))
    out.figures, out.melts = replay.share.figures, replay.melts
    out.problems += [f"lot {c}: charged by a counted melt, but no logged event made it"
                     for c in replay.missing]
    report = bundle["report"]
    out.problems += [f"{name}: the report says {report[name]} g, the logged events give "
                     f"{out.figures[name]} g" for name in FIGURES
                     if report[name] != out.figures[name]]
    return out


def _get(http: httpx.Client, path: str, **params: Any) -> httpx.Response:
    r = http.get(API + path, params=params)
    if r.status_code != 200:
        raise VerifyError(f"GET {path}: {r.status_code} {r.text[:200]}")
    return r


def check_log(http: httpx.Client, old: Checkpoint, key: VerifierKey) -> Checkpoint:
    """The server's current checkpoint, once proved to extend `old`; VerifyError otherwise."""
    new = Checkpoint.open(_get(http, "/log/checkpoint").text, key)
    if new.origin != old.origin:
        raise VerifyError(f"the server's log is {new.origin}, the checkpoint's {old.origin}")
    if new.size < old.size:
        raise VerifyError(f"the log shrank from {old.size} to {new.size} leaves")
    proof: list[bytes] = []
    if old.size < new.size:
        proof = _hashes(_get(http, "/log/proof/consistency", **{"from": old.size, "to": new.size})
                        .json()["hashes"])
    verify_consistency(old.size, new.size, proof, old.root, new.root)
    return new


def check_against_server(http: httpx.Client, bundle: dict[str, Any], key: VerifierKey,
                         ) -> list[str]:
    """What changed on the server since `bundle` was exported (an empty list: nothing)."""
    problems = []
    try:
        check_log(http, Checkpoint.open(bundle["checkpoint"], key), key)
    except VerifyError as exc:
        problems.append(f"log history: {exc}")
    indexes = sorted(item["index"] for item in bundle["leaves"] if item["index"] is not None)
    served: dict[int, str | None] = {}
    for first in sorted({i // 1000 * 1000 for i in indexes}):
        r = http.get(f"{API}/log/entries", params={"start": first, "end": first + 1000})
        if r.status_code == 422 and r.json().get("code") == "beyond-log-size":
            r = http.get(f"{API}/log/entries",
                         params={"start": first, "end": r.json()["log_size"]})
        served.update({e["index"]: e["leaf"] for e in r.json().get("entries", [])})
    problems += [f"leaf {item['index']}: the server now serves "
                 f"{'nothing' if served.get(item['index']) is None else 'other bytes'}"
                 for item in bundle["leaves"]
                 if item["index"] is not None and served.get(item["index"]) != item["leaf"]]
    q = bundle["query"]
    try:
        fresh = _get(http, "/reports/recycled-share/evidence", **q).json()
    except VerifyError as exc:
        return [*problems, f"today's evidence: {exc}"]
    problems += [f"today's evidence: {p}" for p in check_bundle(fresh, key).problems]
    problems += [f"{name}: {bundle['report'][name]} g then, {fresh['report'][name]} g now"
                 for name in FIGURES if bundle["report"][name] != fresh["report"][name]]
    return problems
