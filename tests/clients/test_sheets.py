"""Weighbridge spreadsheets through `scraptrace-client import` against a real server: every bad
row listed before anything is sent, then every row stored once, and a rerun stores nothing."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from scraptrace_client import Client
from scraptrace_client.cli import app as cli
from scraptrace_client.sheets import load_mapping, read_sheet
from typer.testing import CliRunner

from tests.clients import test_python_client as base
from tests.factories import World

PASSWORD = base.PASSWORD
server, world = base.server, base.world  # the real uvicorn server and its small network

HEADER = ["过磅单号", "过磅时间", "品名", "毛重(kg)", "皮重(kg)", "净重(kg)"]
MAPPING = """
type = "collect"
timezone = "+08:00"

[columns]
occurred_at = "过磅时间"
grade = "品名"
gross_kg = "毛重(kg)"
tare_kg = "皮重(kg)"
mass_kg = "净重(kg)"

[constants]
site = "COL-S1"
metal = "Al"
origin = "post_consumer"
"source.kind" = "business"

[values.grade]
"易拉罐" = "AL-TALC"
"旧铝门窗" = "AL-TAINT-TABOR"
"""
START = datetime(2026, 3, 2, 8, 0)


def rows(n: int, bad: dict[int, tuple[str, object]] | None = None) -> list[list[object]]:
    out: list[list[object]] = []
    for i in range(n):
        net = 100 + (i % 900) + 0.5
        row: list[object] = [f"GB{i:06d}", START + timedelta(minutes=i),
                             "易拉罐" if i % 3 else "旧铝门窗", net + 1500, 1500, net]
        for column, value in [(bad or {}).get(i, ("", None))][:1]:
            if column:
                row[HEADER.index(column)] = value
        out.append(row)
    return out


def write_xlsx(path: Path, data: list[list[object]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("过磅记录")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    book.save(path)


def run(server: str, *args: str) -> tuple[int, str]:
    token = Client(server).login("col-op", PASSWORD)
    result = CliRunner().invoke(cli, ["--url", server, "--token", token, *args],
                                env={"COLUMNS": "200"})
    return result.exit_code, result.output


def events_stored(server: str) -> int:
    c = Client(server)
    c.login("col-op", PASSWORD)
    return sum(1 for _ in c.events(type="collect"))


def test_10000_rows_with_3_bad_ones_are_listed_then_stored_once(
        server: str, world: World, tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    sheet = tmp_path / "weighbridge.xlsx"
    bad = {99: ("净重(kg)", "abc"), 5000: ("过磅时间", None), 9998: ("净重(kg)", -12)}
    write_xlsx(sheet, rows(10_000, bad))
    code, output = run(server, "import", str(sheet), "--map", str(mapping))
    assert code == 2
    listed = [line.strip() for line in output.splitlines() if line.strip().startswith("row ")]
    assert listed == [
        "row 101: mass_kg: 'abc' is not a mass in kg above 0 with at most 3 decimals",
        "row 5002: occurred_at: empty (column 过磅时间)",
        "row 10000: mass_kg: -12 is not a mass in kg above 0 with at most 3 decimals"]
    assert events_stored(server) == 0

    write_xlsx(sheet, rows(10_000))
    code, output = run(server, "import", str(sheet), "--map", str(mapping))
    assert (code, output.strip().splitlines()[-1]) == (
        0, "10000 rows: 10000 stored, 0 replayed, 0 refused")
    assert events_stored(server) == 10_000
    code, output = run(server, "import", str(sheet), "--map", str(mapping))
    assert (code, output.strip().splitlines()[-1]) == (
        0, "10000 rows: 0 stored, 10000 replayed, 0 refused")
    assert events_stored(server) == 10_000


def test_a_row_maps_to_the_event_the_mapping_describes(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    path = tmp_path / "w.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, ["GB1", "2026-03-02 08:15", "旧铝门窗", "1912.5", "1500",
                                          "412.5"], ["GB1", "2026-03-02 08:15", "旧铝门窗",
                                                     "1912.5", "1500", "412.5"]])
    sheet = read_sheet(path, load_mapping(mapping))
    first, second = sheet.events
    assert {k: v for k, v in first.items() if k != "id"} == {
        "type": "collect", "occurred_at": "2026-03-02T08:15:00+08:00", "site": "COL-S1",
        "metal": "Al", "grade": "AL-TAINT-TABOR", "origin": "post_consumer",
        "gross_kg": 1912.5, "tare_kg": 1500.0, "mass_kg": 412.5, "source": {"kind": "business"}}
    assert first["id"] != second["id"]  # the same weighing twice is two events
    assert (sheet.rows, sheet.errors) == ([2, 3], [])
    assert read_sheet(path, load_mapping(mapping)).events == sheet.events  # ids are stable


def test_export_writes_the_report_as_xlsx(server: str, world: World,
                                          tmp_path: Path) -> None:
    world.collect("COL", 100)
    out = tmp_path / "events.xlsx"
    code, output = run(server, "export", "events", "-o", str(out))
    assert (code, output.strip()) == (0, f"1 rows written to {out}")
    values = list(load_workbook(out).worksheets[0].values)
    assert values[0][:6] == ("seq", "id", "type", "occurred_at", "org", "site")
    assert values[1][2:6] == ("collect", "2026-03-02T09:10:00+08:00", "COL", "COL-S1")


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_row_the_server_refuses_is_named_and_nothing_after_it_is_sent(
        server: str, world: World, tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING.replace('"旧铝门窗" = "AL-TAINT-TABOR"', '"旧铝门窗" = "AL-NOPE"'),
                       encoding="utf-8")
    sheet = tmp_path / "w.xlsx"
    write_xlsx(sheet, rows(5))  # rows 0 and 3 are 旧铝门窗
    code, output = run(server, "import", str(sheet), "--map", str(mapping), "--batch-size", "2")
    assert code == 1
    assert "row 2 refused: 422 unknown-grade" in output
    assert "5 rows: 0 stored, 0 replayed, 2 refused (their batch), 3 not sent" in output
    assert events_stored(server) == 0


def test_a_receive_mapping_gives_one_lot_per_row(tmp_path: Path) -> None:
    mapping = tmp_path / "receive.toml"
    mapping.write_text('type = "receive"\n[columns]\noccurred_at = "时间"\nlot = "批次"\n'
                       'mass_kg = "净重"\n[constants]\nsite = "S-S1"\n', encoding="utf-8")
    path = tmp_path / "r.csv"
    path.write_text("时间,批次,净重\n2026-03-05T10:00:00+08:00,te6-2dk-ex6,99.5\n", encoding="utf-8")
    [event] = read_sheet(path, load_mapping(mapping)).events
    assert {k: v for k, v in event.items() if k != "id"} == {
        "type": "receive", "occurred_at": "2026-03-05T10:00:00+08:00", "site": "S-S1",
        "lots": [{"lot": "te6-2dk-ex6", "mass_kg": 99.5}]}
