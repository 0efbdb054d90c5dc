"""The Python client (clients/python) against a real server: uvicorn on a free port, over HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from scraptrace_client import Client, ProblemError, new_event_id
from scraptrace_client.cli import app as cli
from typer.testing import CliRunner

from api.app import create_app
from domain.db import Database
from domain.settings import Settings
from tests.factories import World

PASSWORD = "pass-word-1"


@pytest.fixture
def world(db: Database, settings: Settings) -> World:
    world = World(db, settings)
    world.org("COL", "collector")
    world.org("S", "smelter")
    world.org("AGENCY", "agency")
    return world


@pytest.fixture
def server(world: World, settings: Settings, db: Database) -> Iterator[str]:
    """The app served by uvicorn in a thread, on a socket bound before it starts (no port race)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(settings, db), log_level="warning",
                                        access_log=False))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(30)
    sock.close()


class Recording(httpx.BaseTransport):
    """A real transport that records each request; `fail` lists what to do to the next ones:
    "connect" (never reaches the server), "lost" (the server acts, the answer is lost), "503"."""

    def __init__(self, fail: list[str] | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.fail = fail or []
        self.sent: list[tuple[str, str, int | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        size = len(body["events"]) if isinstance(body, dict) and "events" in body else None
        self.sent.append((request.method, request.url.path, size))
        mode = self.fail.pop(0) if self.fail else None
        if mode == "connect":
            raise httpx.ConnectError("connection refused", request=request)
        if mode == "503":
            return httpx.Response(503, json={"status": 503, "code": "unavailable"})
        response = self.inner.handle_request(request)
        response.read()
        if mode == "lost":
            raise httpx.ReadError("connection reset", request=request)
        return response


def client(server: str, org: str | None = "COL", transport: httpx.BaseTransport | None = None,
           ) -> Client:
    c = Client(server, transport=transport, backoff=0.001)
    if org:
        c.login(f"{org.lower()}-op", PASSWORD)
    return c


def collect(world: World, mass_kg: float = 100, org: str = "COL") -> dict[str, Any]:
    return world.body("collect", f"{org}-S1", metal="Al", grade="AL-TALC",
                      origin="post_consumer", mass_kg=mass_kg)


def test_login_gives_a_token_that_the_next_calls_use(server: str) -> None:
    c = client(server, org=None)
    token = c.login("col-op", PASSWORD)
    assert c.token == token and len(token) >= 32 and c.expires_at
    assert list(c.lots()) == []
    with pytest.raises(ProblemError) as bad:
        c.login("col-op", "wrong-password")
    assert (bad.value.status, bad.value.code) == (401, "bad-credentials")


def test_a_resent_event_is_reported_as_a_replay_of_the_original(server: str, world: World) -> None:
    c = client(server)
    event = collect(world, 412.5)
    first, again = c.record(event), c.record(event)
    assert (first.replay, again.replay) == (False, True)
    assert {**again.event, "replay": None} == {**first.event, "replay": None}
    assert first.event["id"] == event["id"] and len(first.event["created_lots"]) == 1
    assert c.lot(first.event["created_lots"][0].lower())["mass_kg"] == 412.5


def test_2500_events_go_in_three_chunks_and_a_resend_replays_all(server: str,
                                                                 world: World) -> None:
    transport = Recording()
    c = client(server, transport=transport)
    events = [collect(world, 1 + i) for i in range(2500)]
    result = c.record_batch(events)
    posts = [s for s in transport.sent if s[:2] == ("POST", "/api/v1/events")]
    assert posts == [("POST", "/api/v1/events", 1000), ("POST", "/api/v1/events", 1000),
                     ("POST", "/api/v1/events", 500)]
    assert (result.stored, result.replayed, result.chunks) == (2500, 0, 3)
    assert [e["id"] for e in result.events] == [e["id"] for e in events]
    again = c.record_batch(events)
    assert (again.stored, again.replayed, again.chunks) == (0, 2500, 3)
    assert len(list(c.events(type="collect", limit=1000))) == 2500


def test_connection_errors_and_5xx_are_retried_with_the_same_bodies(server: str,
                                                                    world: World) -> None:
    transport = Recording()
    c = client(server, transport=transport)
    transport.fail = ["connect", "503", "lost"]  # the third attempt is stored, its answer lost
    events = [collect(world, 10), collect(world, 20)]
    result = c.record_batch(events)
    assert [s[2] for s in transport.sent[1:]] == [2, 2, 2, 2]
    assert (result.stored, result.replayed) == (0, 2)  # the fourth attempt replays the third
    assert [e["mass_kg"] for e in c.events(type="collect")] == [10, 20]


def test_lots_follow_next_cursor_over_several_pages(server: str, world: World) -> None:
    codes = [world.collect("COL", 10 + i) for i in range(7)]
    transport = Recording()
    c = client(server, transport=transport)
    assert [lot["code"] for lot in c.lots(limit=3)] == codes
    assert [s[1] for s in transport.sent].count("/api/v1/lots") == 3
    assert [lot["mass_kg"] for lot in c.lots(limit=3, metal="Al")] == [10, 11, 12, 13, 14, 15, 16]
    assert [e["created_lots"] for e in c.events(limit=2)] == [[code] for code in codes]


def split_of_a_shipped_lot(world: World) -> dict[str, Any]:
    """A transform that the server refuses: its input is on the road (`lot-not-active`)."""
    lot = world.collect("COL", 100)
    world.ship("COL", [lot], "S-S1", transport={"mode": "rail", "distance_km": 120})
    return world.body("transform", "COL-S1", kind="split",
                      inputs=[{"lot": lot, "mass_kg": 60}], outputs=[{"mass_kg": 60}])


def test_a_refused_event_raises_a_problem_with_code_and_pointer_and_is_not_retried(
        server: str, world: World) -> None:
    split = split_of_a_shipped_lot(world)
    transport = Recording()
    c = client(server, transport=transport)
    events = [collect(world, 5), collect(world, 6), split, collect(world, 7)]
    with pytest.raises(ProblemError) as refused:
        c.record_batch(events, chunk_size=2)
    err = refused.value
    assert (err.status, err.code, err.pointer) == (409, "lot-not-active", "/events/0/inputs/0/lot")
    assert (err.offset, err.index, err.position) == (2, 0, 2)
    assert err.body["type"] == "/problems/lot-not-active"
    assert [s[2] for s in transport.sent if s[1] == "/api/v1/events"] == [2, 2]  # no retry
    assert [e["mass_kg"] for e in c.events(type="collect")] == [100, 5, 6]  # not 7
    with pytest.raises(ProblemError) as invalid:
        c.record({**collect(world), "mass_kg": 1.2345})
    assert (invalid.value.status, invalid.value.code, invalid.value.pointer) == (
        422, "validation-error", "/mass_kg")


def write_jsonl(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("SCRAPTRACE_URL", "SCRAPTRACE_TOKEN", "SCRAPTRACE_PASSWORD", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def test_cli_push_counts_stored_and_replayed_and_a_second_push_stores_nothing(
        server: str, world: World, runner: CliRunner, tmp_path: Path) -> None:
    login = runner.invoke(cli, ["--url", server, "login", "col-op", "--password", PASSWORD])
    assert login.exit_code == 0, login.output
    stored = json.loads((tmp_path / "config/scraptrace-client/credentials.json").read_text())
    assert (stored["url"], stored["username"]) == (server, "col-op")
    assert (tmp_path / "config/scraptrace-client/credentials.json").stat().st_mode & 0o777 == 0o600
    file = write_jsonl(tmp_path / "events.jsonl", [collect(world, m) for m in (1, 2, 3, 4, 5)])

    first = runner.invoke(cli, ["push", str(file), "--batch-size", "2"])
    assert first.exit_code == 0, first.output
    assert "5 events: 5 stored, 0 replayed" in first.output
    again = runner.invoke(cli, ["push", str(file)])
    assert again.exit_code == 0, again.output
    assert "5 events: 0 stored, 5 replayed" in again.output
    c = client(server)
    assert [e["mass_kg"] for e in c.events(type="collect")] == [1, 2, 3, 4, 5]


def test_cli_push_refuses_a_file_with_a_line_without_id_and_sends_nothing(
        server: str, world: World, runner: CliRunner, tmp_path: Path) -> None:
    token = client(server).token
    no_id = {k: v for k, v in collect(world).items() if k != "id"}
    file = write_jsonl(tmp_path / "events.jsonl", [collect(world), no_id])
    result = runner.invoke(cli, ["--url", server, "--token", str(token), "push", str(file)])
    assert result.exit_code == 2
    assert "line 2: no id" in result.output
    assert list(client(server).events()) == []


def test_cli_push_names_the_line_of_a_refused_event(server: str, world: World,
                                                    runner: CliRunner, tmp_path: Path) -> None:
    token = client(server).token
    split = split_of_a_shipped_lot(world)
    file = write_jsonl(tmp_path / "events.jsonl", [collect(world, 1), collect(world, 2), split])
    result = runner.invoke(cli, ["--url", server, "--token", str(token), "push", str(file),
                                 "--batch-size", "2"])
    assert result.exit_code == 1, result.output
    assert "line 3 refused: 409 lot-not-active at /inputs/0/lot" in result.output
    assert "before it: 2 stored, 0 replayed" in result.output


def melt_chain(world: World) -> str:
    """800 kg traced post-consumer Al, 270 kg declared pre-consumer Al and 130 kg primary,
    melted by S: recycled 800/1200, claimed 1070/1200."""
    lot = world.collect("COL", 1000)
    world.ship("COL", [lot], "S-S1", transport={"mode": "rail", "distance_km": 120})
    world.receive("S", {lot: 1000})
    world.event("S", "assay", lot=lot, metal_pct=80, method="XRF", lab="in-house")
    stock = world.declare("S", 300, origin="pre_consumer")
    world.event("S", "assay", lot=stock, metal_pct=90, method="XRF", lab="in-house")
    world.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=1150,
                inputs=[{"lot": lot, "mass_kg": 1000}, {"lot": stock, "mass_kg": 300}],
                primary=[{"material": "A00", "mass_kg": 130}])
    return lot


def test_cli_recycled_share_prints_a_table_of_percentages(server: str, world: World,
                                                         runner: CliRunner) -> None:
    melt_chain(world)
    report = client(server, "AGENCY").recycled_share("Al", "2026-01-01", "2027-01-01")
    [row] = report["producers"]
    assert (row["org"], row["post_consumer_kg"], row["declared_kg"], row["primary_kg"]) == (
        "S", 800.0, 270.0, 130.0)
    assert (row["recycled_share"], row["claimed_share"]) == (pytest.approx(800 / 1200),
                                                             pytest.approx(1070 / 1200))
    token = client(server, "AGENCY").token
    for command in (["reports", "share"], ["report", "recycled-share"]):  # the old name too
        result = runner.invoke(cli, ["--url", server, "--token", str(token), *command,
                                     "--metal", "Al", "--from", "2026-01-01", "--to", "2027-01-01"])
        assert result.exit_code == 0, result.output
        assert "Recycled share of Al, 2026-01-01 to 2027-01-01 (exclusive), metal kg" in result.output
        [line] = [ln for ln in result.output.splitlines() if "S Co." in ln]
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        # The 800 kg of eligible metal came from COL's site, in the province.
        assert cells == ["S", "S Co.", "800.000", "0.000", "270.000", "130.000", "0.000",
                         "66.67 %", "66.67 %", "0.00 %", "89.17 %", "800.000", "0.000", "0.000"]


def test_cli_mass_balance_and_lot(server: str, world: World, runner: CliRunner) -> None:
    lot = melt_chain(world)
    token = client(server, "COL").token
    base = ["--url", server, "--token", str(token)]
    result = runner.invoke(cli, [*base, "reports", "balance", "--from", "2026-01-01",
                                 "--to", "2027-01-01"])
    assert result.exit_code == 0, result.output
    assert "material kg" in result.output
    [line] = [ln for ln in result.output.splitlines() if "COL-S1" in ln]
    assert [c.strip() for c in line.strip("│ ").split("│")] == [
        "COL-S1", "COL-S1", "COL", "COL Co.", "Al", "0.000", "0.000", "1,000.000", "0.000",
        "1,000.000", "0.000", "0.000", "0.000"]
    card = runner.invoke(cli, [*base, "lot", lot.lower()])
    assert card.exit_code == 0, card.output
    assert f"Lot {lot[:3]}-{lot[3:6]}-{lot[6:]}" in card.output
    assert "consumed" in card.output
    missing = runner.invoke(cli, [*base, "lot", "0000000000"])
    assert missing.exit_code == 1
    assert "422 invalid-lot-code" in missing.output


def test_cli_lots_filters_and_names_the_grade(server: str, world: World,
                                              runner: CliRunner) -> None:
    first = world.collect("COL", 100)
    world.collect("COL", 50, metal="Cu", grade="CU-BARLEY")
    shipped = world.collect("COL", 70)
    world.ship("COL", [shipped], "S-S1", transport={"mode": "rail", "distance_km": 120})
    base = ["--url", server, "--token", str(client(server).token), "lots"]
    result = runner.invoke(cli, [*base, "--metal", "Al", "--status", "active"])
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in ln.strip("│ ").split("│")] for ln in result.output.splitlines()
            if ln.startswith("│")]
    ubc = "Post-consumer aluminium used beverage cans, loose (UBC)"
    assert rows == [[f"{first[:3]}-{first[3:6]}-{first[6:]}", "Al", "AL-TALC", ubc, "active",
                     "100.000", "COL · COL-S1"]]
    assert "1 lots" in result.output
    moving = runner.invoke(cli, [*base, "--status", "in_transit", "--json"])
    assert [json.loads(x)["code"] for x in moving.output.splitlines()] == [shipped]
    few = runner.invoke(cli, [*base, "--limit", "2"])
    assert "2 lots (more: raise --limit, or --limit 0 for all)" in few.output
    bad = runner.invoke(cli, [*base, "--status", "lost"])
    assert bad.exit_code == 2


def test_cli_login_reads_the_password_from_stdin_or_the_environment(
        server: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    piped = runner.invoke(cli, ["--url", server, "login", "col-op", "--print"],
                          input=f"{PASSWORD}\n")
    assert piped.exit_code == 0, piped.output
    assert len(piped.output.strip()) >= 32
    wrong = runner.invoke(cli, ["--url", server, "login", "col-op"], input="nope\n")
    assert wrong.exit_code == 1 and "401 bad-credentials" in wrong.output
    empty = runner.invoke(cli, ["--url", server, "login", "col-op"], input="")
    assert empty.exit_code == 2 and "no password" in empty.output
    monkeypatch.setenv("SCRAPTRACE_PASSWORD", PASSWORD)
    env = runner.invoke(cli, ["--url", server, "login", "col-op"], input="")
    assert env.exit_code == 0 and "logged in to" in env.output


@pytest.mark.parametrize("command", [[], ["login"], ["lots"], ["reports"], ["reports", "share"],
                                     ["reports", "balance"], ["push"], ["lot"]])
def test_cli_help_texts_are_clean(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert " ." not in result.output and "[default: the" not in result.output
    assert "completion" not in result.output


def test_new_event_ids_are_distinct_uuids() -> None:
    ids = {new_event_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 36 for i in ids)


def test_the_client_reads_another_organisations_event_as_a_redacted_view(server: str,
                                                                          world: World) -> None:
    code = world.collect("COL", 300, source={"kind": "dealer", "name": "Dealer Li"})
    ship = world.ship("COL", [code], "S-S1", transport={"mode": "rail", "waybill": "W-1"})
    smelter = client(server, "S")
    assert smelter.event(ship.id) == {
        "id": ship.id, "type": "ship", "seq": ship.seq, "org": "COL", "site": "COL-S1",
        "occurred_at": ship.occurred_at.isoformat(), "voided_by": None, "redacted": True,
        "lots": [code], "to_site": "S-S1", "transport": {"mode": "rail", "distance_km": None}}
    history = list(smelter.events(lot=code))
    assert [(e["type"], e["redacted"], e.get("source")) for e in history] == [
        ("collect", True, None), ("ship", True, None)]
    assert [e.get("source") for e in client(server, "COL").events(lot=code)] == [
        {"kind": "dealer", "region": None, "name": "Dealer Li"}, None]
