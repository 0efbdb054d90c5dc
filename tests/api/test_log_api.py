"""The transparency log over HTTP: checkpoints, the key, entries, proofs, each event's index,
all checked with the offline verifier's code."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from scraptrace_client import tlog as client

from api.app import create_app
from domain.tlog import note


@pytest.fixture
def settings(settings, tmp_path):
    key = tmp_path / "log.key"
    key.write_text(note.generate("trace.example.test/log"))
    return settings.model_copy(update={"log_key_file": str(key)})


def checkpoint(api) -> client.Checkpoint:
    key = client.VerifierKey.parse(api.client.get("/api/v1/log/key").text)
    r = api.client.get("/api/v1/log/checkpoint")
    assert (r.status_code, r.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    return client.Checkpoint.open(r.text, key)


def b64s(hashes: list[str]) -> list[bytes]:
    return [base64.b64decode(h) for h in hashes]


def test_every_event_is_a_leaf_that_proves_in_the_signed_checkpoint(api):
    lot = api.world.collect("COL", 500)
    api.world.ship("COL", [lot], "SORT-S1")
    api.world.receive("SORT", {lot: 499})
    other = api.world.collect("OTHER", 70)
    cp = checkpoint(api)
    assert (cp.origin, cp.size) == ("trace.example.test/log", 4)
    assert cp.text.startswith("trace.example.test/log\n4\n")
    events = api.get("AGENCY", "/events").json()["items"]
    leaves = api.get("AGENCY", "/log/entries", start=0, end=4).json()["entries"]
    for ev in events:
        i = int(api.get("AGENCY", f"/events/{ev['id']}").headers["Log-Index"])
        leaf = base64.b64decode(leaves[i]["leaf"])
        record = json.loads(leaf)
        assert (record["event"]["id"], record["seq"], record["org"]) == (ev["id"], ev["seq"],
                                                                        ev["org"])
        proof = api.get("AGENCY", "/log/proof/inclusion", index=i, size=cp.size).json()
        assert (proof["index"], proof["size"]) == (i, 4)
        client.verify_inclusion(i, cp.size, client.leaf_hash(leaf), b64s(proof["hashes"]),
                                cp.root)
    assert [api.get("AGENCY", f"/events/{e['id']}").headers["Log-Index"] for e in events] \
        == ["0", "1", "2", "3"]
    # The leaf is the canonical JSON of the event as stored, and nothing else.
    first = json.loads(base64.b64decode(leaves[0]["leaf"]))
    assert sorted(first) == ["created_lots", "event", "org", "recorded_at", "seq",
                             "site_region", "user"]
    assert (first["created_lots"], first["site_region"], first["user"]) == ([lot], "520100",
                                                                           "col-op")
    # A collector reads its own leaves whole, and null for everyone else's.
    mine = api.get("OTHER", "/log/entries", start=0, end=4).json()["entries"]
    assert [e["leaf"] is not None for e in mine] == [False, False, False, True]
    assert other in base64.b64decode(mine[3]["leaf"]).decode()


def test_a_later_checkpoint_proves_consistent_with_an_earlier_one(api):
    api.world.collect("COL", 10)
    old = checkpoint(api)
    for mass in (11, 12, 13, 14):
        api.world.collect("COL", mass)
    new = checkpoint(api)
    assert (old.size, new.size) == (1, 5)
    proof = api.get("AGENCY", "/log/proof/consistency",
                    **{"from": 1, "to": 5}).json()
    assert (proof["from"], proof["to"], len(proof["hashes"])) == (1, 5, 3)
    client.verify_consistency(1, 5, b64s(proof["hashes"]), old.root, new.root)
    with pytest.raises(client.VerifyError):
        client.verify_consistency(1, 5, b64s(proof["hashes"]), new.root, old.root)


def test_proof_ranges_outside_the_log_answer_422(api):
    api.world.collect("COL", 10)
    cases = [("/log/proof/inclusion", {"index": 1, "size": 1}, "invalid-proof-range"),
             ("/log/proof/inclusion", {"index": 0, "size": 2}, "beyond-log-size"),
             ("/log/proof/consistency", {"from": 2, "to": 1}, "invalid-proof-range"),
             ("/log/proof/consistency", {"from": 1, "to": 9}, "beyond-log-size"),
             ("/log/entries", {"start": 0, "end": 1001}, "invalid-proof-range"),
             ("/log/entries", {"start": 0, "end": 2}, "beyond-log-size")]
    for path, params, code in cases:
        r = api.get("AGENCY", path, **params)
        assert (r.status_code, r.json()["code"]) == (422, code), path


def test_proofs_and_entries_need_a_login_the_checkpoint_does_not(api):
    api.world.collect("COL", 10)
    assert api.client.get("/api/v1/log/proof/inclusion",
                          params={"index": 0, "size": 1}).status_code == 401
    assert api.client.get("/api/v1/log/entries", params={"start": 0, "end": 1}).status_code \
        == 401
    assert api.client.get("/api/v1/log/checkpoint").status_code == 200


def test_without_a_key_the_server_signs_nothing(db, settings):
    bare = settings.model_copy(update={"log_key_file": None})
    with TestClient(create_app(bare, db)) as c:
        for path in ("/api/v1/log/checkpoint", "/api/v1/log/key"):
            r = c.get(path)
            assert (r.status_code, r.json()["code"]) == (503, "log-not-signing")


def test_a_configured_key_that_cannot_be_read_stops_the_server(db, settings, tmp_path):
    with pytest.raises(FileNotFoundError):
        create_app(settings.model_copy(update={"log_key_file": str(tmp_path / "none")}), db)
