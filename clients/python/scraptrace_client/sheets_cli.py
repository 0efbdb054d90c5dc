"""`scraptrace-client import` (weighbridge spreadsheets) and `export` (events or a report as
CSV or XLSX)."""

from __future__ import annotations

import csv
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scraptrace_client.cli import Metal, app, connect, console, fail
from scraptrace_client.client import MAX_BATCH, BatchResult
from scraptrace_client.errors import ProblemError
from scraptrace_client.sheets import MappingError, load_mapping, read_sheet

MAX_LISTED = 200


@app.command("import")
def import_sheet(ctx: typer.Context,
                 file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                                      help="A .xlsx or .csv weighbridge export.")],
                 map_: Annotated[Path, typer.Option("--map", exists=True, dir_okay=False,
                                                    help="The TOML mapping of its columns.")],
                 batch_size: Annotated[int, typer.Option(min=1, max=MAX_BATCH,
                                                         help="Events per request.")] = MAX_BATCH,
                 ) -> None:
    """Check every row, then send the rows as events in atomic batches. Safe to repeat: a row
    already stored replays (its event id comes from its content)."""
    try:
        mapping = load_mapping(map_)
    except (MappingError, ValueError) as exc:
        fail(str(exc), code=2)
    sheet = read_sheet(file, mapping)
    if sheet.errors:
        listed = "\n  ".join(sheet.errors[:MAX_LISTED])
        more = f"\n  (and {len(sheet.errors) - MAX_LISTED} more)" if len(sheet.errors) > MAX_LISTED else ""
        fail(f"{file}: nothing sent; {len(sheet.errors)} problems:\n  {listed}{more}", code=2)
    out = console()
    done = BatchResult()
    with connect(ctx) as client, Progress(
            TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=out, transient=True, disable=not out.is_terminal) as progress:
        task = progress.add_task("import", total=len(sheet.events))

        def advance(result: BatchResult) -> None:
            nonlocal done
            done = result
            progress.update(task, completed=result.stored + result.replayed)

        try:
            client.record_batch(sheet.events, chunk_size=batch_size, on_chunk=advance)
        except ProblemError as err:
            progress.stop()
            where = f"row {sheet.rows[err.position]}" if err.position is not None else "a batch"
            refused = err.chunk_length or 0
            fail(f"{file}: {where} refused: {err}\n  {len(sheet.events)} rows: {done.stored} "
                 f"stored, {done.replayed} replayed, {refused} refused (their batch), "
                 f"{len(sheet.events) - done.stored - done.replayed - refused} not sent; "
                 "importing the file again after a fix is safe")
    out.print(f"{len(sheet.events)} rows: {done.stored} stored, {done.replayed} replayed, "
              "0 refused", highlight=False)


class What(StrEnum):
    events = "events"
    share = "share"


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _table(rows: list[dict[str, Any]], first: list[str]) -> tuple[list[str], list[list[Any]]]:
    header = first + sorted({k for r in rows for k in r} - set(first))
    return header, [[_cell(r.get(k)) for k in header] for r in rows]


def write_table(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # type: ignore[import-untyped]

        book = Workbook(write_only=True)
        sheet = book.create_sheet(path.stem[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


@app.command("export")
def export(ctx: typer.Context, what: Annotated[What, typer.Argument(help="events or share.")],
           output: Annotated[Path, typer.Option("--output", "-o",
                                                help="A .csv or .xlsx file to write.")],
           from_: Annotated[date | None, typer.Option("--from", formats=["%Y-%m-%d"],
                                                      help="First day.")] = None,
           to: Annotated[date | None, typer.Option("--to", formats=["%Y-%m-%d"],
                                                   help="Day after the last.")] = None,
           metal: Annotated[Metal | None, typer.Option(help="The metal (share).")] = None,
           ) -> None:
    """Write the events you may see, or the recycled-share report, as CSV or XLSX."""
    with connect(ctx) as client:
        if what is What.events:
            rows = [e for e in client.events(since=from_)
                    if to is None or e["occurred_at"][:10] < to.isoformat()]
            header, table = _table(rows, ["seq", "id", "type", "occurred_at", "org", "site"])
        else:
            if metal is None or from_ is None or to is None:
                fail("share needs --metal, --from and --to", code=2)
            report = client.recycled_share(metal.value, from_, to)
            producers = [{k: v for k, v in p.items() if k != "by_provenance_kg"}
                         | {f"{k}_kg": v for k, v in (p.get("by_provenance_kg") or {}).items()}
                         for p in report["producers"]]
            header, table = _table(producers, ["org", "name"])
    write_table(output, header, table)
    console().print(f"{len(table)} rows written to {output}", highlight=False)
