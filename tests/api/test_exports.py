"""Report exports: CSV and XLSX hold the JSON report's parameters and figures exactly."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.api.test_flows import _network

PERIOD = {"from": "2026-01-01", "to": "2027-01-01"}


def _melted(api):
    w = api.world
    lot = w.collect("S", "1000.125")
    pre = w.collect("S", 333, grade="AL-TABOO", origin="pre_consumer")
    w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=1200,
            inputs=[{"lot": lot, "mass_kg": "1000.125"}, {"lot": pre, "mass_kg": 333}],
            primary=[{"material": "A00", "mass_kg": 120, "metal_pct": 99.7}])
    _network(api)


def _csv(r):
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def _xlsx(r):
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    return [["" if v is None else v for v in row] for row in book.active.iter_rows(values_only=True)]


def _split(rows):
    """Header rows as a dict, then the table as dicts (a blank row between)."""
    blank = rows.index([]) if [] in rows else next(i for i, r in enumerate(rows) if not any(r))
    header = {r[0]: r[1] if len(r) > 1 else "" for r in rows[:blank]}
    columns = rows[blank + 1]
    return header, [dict(zip(columns, r, strict=True)) for r in rows[blank + 2:]]


def _num(v):
    return float(v) if isinstance(v, str) else v


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("path", "params", "lines", "figures"), [
    ("/reports/recycled-share", {"metal": "Al"}, "producers",
     ["post_consumer_kg", "pre_consumer_kg", "primary_kg", "recycled_share", "claimed_share",
      "by_provenance_kg.in_province"]),
    ("/reports/mass-balance", {}, "sites",
     ["created_kg", "received_kg", "shipped_kg", "charged_kg", "produced_kg", "closing_kg"]),
    ("/reports/flows", {"metal": "Al"}, "links", ["mass_kg"]),
])
def test_an_export_holds_the_reports_figures_exactly(api, fmt, path, params, lines, figures):
    _melted(api)
    report = api.get("AGENCY", path, **params, **PERIOD).json()
    r = api.get("AGENCY", path, **params, **PERIOD, format=fmt)
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith(f'attachment; filename="{path[9:]}')
    header, rows = _split(_csv(r) if fmt == "csv" else _xlsx(r))
    assert header["report"] == path[9:]
    assert (header["from"], header["to"], str(header["as_of"])) == (
        "2026-01-01", "2027-01-01", str(report["as_of"]))
    assert len(rows) == len(report[lines]) >= 1
    for got, want in zip(rows, report[lines], strict=True):
        flat = {**want, **{f"{k}.{kk}": vv for k, v in want.items() if isinstance(v, dict)
                           for kk, vv in v.items()}}
        for f in figures:
            assert _num(got[f]) == flat[f], (f, got[f], flat[f])
    if path.endswith("share"):
        assert header["source"].startswith("metal content: the lot's latest assay")
        [s] = rows
        assert (s["org"], _num(s["post_consumer_kg"]), _num(s["pre_consumer_kg"])) == (
            "S", 880.11, 316.35)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_findings_export_holds_the_inbox_exactly(api, fmt):
    w = api.world
    light = w.collect("COL", 640)
    w.ship("COL", [light], "SORT-S1")
    w.receive("SORT", {light: "600.5"})  # 39.5 kg light: beyond the 20 kg tolerance
    inbox = api.get("AGENCY", "/findings", kind="weight-gap").json()
    r = api.get("AGENCY", "/findings", kind="weight-gap", format=fmt)
    assert r.headers["content-disposition"] == f'attachment; filename="findings.{fmt}"'
    header, rows = _split(_csv(r) if fmt == "csv" else _xlsx(r))
    assert header["report"] == "findings"
    assert header["source"].startswith("thresholds: seed/finding_policy.csv")
    [row] = rows
    [item] = inbox["items"]
    assert (row["kind"], row["org"], row["site"], row["status"], row["lots"]) == (
        "weight-gap", "SORT", "SORT-S1", "open", light)
    assert (_num(row["params.measured"]), _num(row["params.threshold"])) == (39.5, 20.0)
    assert (int(_num(row["id"])), _num(row["params.received_kg"])) == (item["id"], 600.5)
