"""Event rows edited, deleted, inserted and reordered behind the platform's back, on SQLite and
PostgreSQL: `scraptrace log verify` and a bundle exported before the change catch each; a log
rebuilt and signed again with the same key is caught from a checkpoint saved before."""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from typing import Any

import pytest
from scraptrace_client import verify_cli
from scraptrace_client.tlog import Checkpoint, VerifierKey, VerifyError
from scraptrace_client.verify import check_against_server, check_bundle, check_log
from sqlalchemy import delete, func, insert, select, update
from typer.testing import CliRunner

from api.cli import app as server_cli
from domain.events.store import event_lot_t, event_t, melt_input_t
from domain.settings import get_settings
from domain.tlog import audit, log, merkle, note
from domain.tlog.leaf import ROWS, from_row
from domain.tlog.log import leaf_t, node_t, state_t


@pytest.fixture
def settings(settings, tmp_path):
    key = tmp_path / "log.key"
    key.write_text(note.generate("trace.example.test/log"))
    return settings.model_copy(update={"log_key_file": str(key)})


class Chain:
    """Two collects, a shipment, an assay and two melts at S; an auditor's token on the client."""

    def __init__(self, api: Any) -> None:
        w = api.world
        self.a = w.collect("COL", 1000)  # leaf 0
        w.ship("COL", [self.a], "S-S1")  # 1
        w.receive("S", {self.a: 1000})  # 2
        self.assay = w.event("S", "assay", lot=self.a, metal_pct=92, method="XRF", lab="L")  # 3
        self.b = w.collect("S", 500, grade="AL-TABOO", origin="pre_consumer")  # 4
        self.melt = w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=900,  # 5
                            inputs=[{"lot": self.a, "mass_kg": 600}, {"lot": self.b, "mass_kg": 300}],
                            primary=[{"material": "A00", "mass_kg": 100}])
        w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=500,  # 6
                inputs=[{"lot": self.a, "mass_kg": 400}, {"lot": self.b, "mass_kg": 200}])
        api.client.headers["Authorization"] = api.as_("AGENCY")["Authorization"]
        self.http = api.client
        self.key = VerifierKey.parse(api.client.get("/api/v1/log/key").text)
        self.query = {"producer": "S", "metal": "Al", "from": "2026-01-01", "to": "2027-01-01"}
        self.bundle = self.evidence()
        self.checkpoint = api.client.get("/api/v1/log/checkpoint").text

    def evidence(self) -> dict[str, Any]:
        return dict(self.http.get("/api/v1/reports/recycled-share/evidence",
                                  params=self.query).json())


@pytest.fixture
def chain(api) -> Chain:
    return Chain(api)


def seq_of(db, event_id: str) -> int:
    with db.read() as s:
        return int(s.execute(select(event_t.c.seq).where(event_t.c.id == event_id)).scalar_one())


def edit(db, chain):
    seq = seq_of(db, chain.melt.id)
    with db.write() as s:
        payload = dict(s.execute(select(event_t.c.payload).where(event_t.c.seq == seq)).scalar_one())
        payload["inputs"] = [{**payload["inputs"][0], "mass_kg": 700.0}, payload["inputs"][1]]
        s.execute(update(event_t).where(event_t.c.seq == seq).values(payload=payload))


def delete_assay(db, chain):
    seq = seq_of(db, chain.assay.id)
    with db.write() as s:
        for table in (event_lot_t, leaf_t):
            s.execute(delete(table).where(table.c.event_seq == seq))
        s.execute(delete(event_t).where(event_t.c.seq == seq))


def insert_melt(db, chain):
    """A copy of the first melt under a new id, with its ledger rows: the report grows."""
    seq = seq_of(db, chain.melt.id)
    with db.write() as s:
        row = dict(s.execute(select(event_t).where(event_t.c.seq == seq)).mappings().one())
        new = int(s.execute(select(func.max(event_t.c.seq))).scalar_one()) + 1
        new_id = str(uuid.uuid4())
        s.execute(insert(event_t).values({**row, "seq": new, "id": new_id,
                                          "payload": {**row["payload"], "id": new_id}}))
        for m in s.execute(select(melt_input_t).where(melt_input_t.c.event_seq == seq)).mappings():
            s.execute(insert(melt_input_t).values({**{k: v for k, v in m.items() if k != "id"},
                                                   "event_seq": new}))


def swap_collects(db, chain):
    """The two collects trade places: each row now holds the other's body."""
    first, second = seq_of(db, chain.bundle_ids[0]), seq_of(db, chain.bundle_ids[1])
    with db.write() as s:
        rows = {r.seq: r for r in s.execute(select(event_t).where(event_t.c.seq.in_([first, second])))}
        for mine, theirs in ((first, second), (second, first)):
            s.execute(update(event_t).where(event_t.c.seq == mine).values(
                id=f"swap-{rows[theirs].id[5:]}", payload=rows[theirs].payload))
        for mine, theirs in ((first, second), (second, first)):
            s.execute(update(event_t).where(event_t.c.seq == mine).values(
                id=rows[theirs].id))


CASES = {
    "edit": (edit, 5, ["leaf 5: event seq {melt} no longer matches its leaf"]),
    "delete": (delete_assay, 3, ["leaf 3: missing (the next stored leaf is 4)"]),
    "insert": (insert_melt, None, ["event seq {new} ({new_id}) is stored but not in the log"]),
    "reorder": (swap_collects, 0, ["leaf 0: event seq {a} no longer matches its leaf",
                                   "leaf 4: event seq {b} no longer matches its leaf"]),
}


def server_verify(settings, *args: str) -> tuple[int, list[str]]:
    get_settings.cache_clear()
    result = CliRunner().invoke(server_cli, ["log", "verify", *args],
                                env={"SCRAPTRACE_DATABASE_URL": settings.database_url})
    get_settings.cache_clear()
    return result.exit_code, result.output.splitlines()


@pytest.mark.parametrize("case", list(CASES))
def test_each_tampering_is_caught_by_the_self_check_and_an_earlier_bundle(api, db, settings,
                                                                          chain, case):
    assert check_bundle(chain.bundle, chain.key).ok
    assert check_against_server(chain.http, chain.bundle, chain.key) == []
    assert server_verify(settings) == (0, ["OK: 7 leaves match the stored events and the tree's root"])
    chain.bundle_ids = [
        ev["id"] for ev in api.get("AGENCY", "/events", type="collect").json()["items"]]
    tamper, first_bad, lines = CASES[case]
    tamper(db, chain)
    with db.read() as s:
        found = audit.check(s.connection())
        top = int(s.execute(select(func.max(event_t.c.seq))).scalar_one())
        new_id = s.execute(select(event_t.c.id).where(event_t.c.seq == top)).scalar_one()
    names = {"melt": seq_of(db, chain.melt.id) if case != "delete" else 0, "new": top,
             "new_id": new_id, "a": 1, "b": 5}
    assert found.first_bad == first_bad
    assert found.problems[:len(lines)] == [line.format(**names) for line in lines]
    code, out = server_verify(settings)
    assert code == 1
    assert out[0] == (lines[0].format(**names) if first_bad is None else
                      f"first disagreement at leaf index {first_bad}")

    problems = check_against_server(chain.http, chain.bundle, chain.key)
    assert problems != []
    expected = {
        "edit": "leaf 5: the server now serves other bytes",
        "delete": "leaf 3: the server now serves nothing",
        "insert": f"today's evidence: event {new_id} (seq {top}): not in the log",
        "reorder": "leaf 0: the server now serves other bytes",
    }[case]
    assert expected in problems


def test_a_log_rebuilt_and_signed_again_is_caught_from_an_earlier_checkpoint(api, db, settings,
                                                                            chain, tmp_path,
                                                                            monkeypatch):
    old = Checkpoint.open(chain.checkpoint, chain.key)
    edit(db, chain)
    with db.write() as s:  # the whole log rebuilt from the edited rows, as an insider could
        conn = s.connection()
        s.execute(delete(leaf_t))
        s.execute(delete(node_t))
        s.execute(update(state_t).values(size=0))
        s.execute(update(state_t).values(size=0))
        rows = s.execute(ROWS.order_by(event_t.c.seq)).all()
        log.assign(conn, [r.seq for r in rows])
        log.extend(conn, 0, [merkle.leaf_hash(from_row(r)) for r in rows], {})
    with db.read() as s:
        assert audit.check(s.connection()).ok  # consistent with itself: only history shows it
    new = Checkpoint.open(api.client.get("/api/v1/log/checkpoint").text, chain.key)
    assert (new.size, new.root != old.root) == (7, True)
    with pytest.raises(VerifyError) as err:
        check_log(chain.http, old, chain.key)
    assert str(err.value) == "equal sizes with different roots or a proof"

    saved = tmp_path / "checkpoint.txt"
    saved.write_text(chain.checkpoint)
    monkeypatch.setattr(verify_cli, "_http", lambda url, token: nullcontext(chain.http))
    pinned = tmp_path / "log.pub"
    pinned.write_text(api.client.get("/api/v1/log/key").text)
    result = CliRunner().invoke(verify_cli.app, ["log", "--url", "http://testserver",
                                                 "--checkpoint", str(saved), "--key", str(pinned)])
    assert (result.exit_code, result.output) == (
        1, "FAIL equal sizes with different roots or a proof\n")
    assert saved.read_text() == chain.checkpoint  # the proved checkpoint is kept
    assert server_verify(settings, "--checkpoint", str(saved))[0] == 1


def test_the_weekly_log_check_saves_each_proved_checkpoint(api, chain, tmp_path, monkeypatch):
    saved = tmp_path / "checkpoint.txt"
    saved.write_text(chain.checkpoint)
    api.world.collect("COL", 5)
    monkeypatch.setattr(verify_cli, "_http", lambda url, token: nullcontext(chain.http))
    result = CliRunner().invoke(verify_cli.app, ["log", "--url", "http://testserver",
                                                 "--checkpoint", str(saved)])
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0, "OK the log grew from 7 to 8 leaves; every earlier leaf is unchanged")
    assert saved.read_text().split("\n")[1] == "8"
