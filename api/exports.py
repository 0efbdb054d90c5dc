"""Reports as CSV or XLSX downloads: the report's parameters and sources in header rows, then
one row per line of the report, streamed."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal

import orjson
from fastapi import Query
from fastapi.responses import StreamingResponse

Format = Literal["json", "csv", "xlsx"]
FormatQuery = Annotated[Format, Query(
    description="`csv` or `xlsx`: the report as a download, its parameters and sources in the "
                "header rows.")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
# The report routes' OpenAPI: the JSON answer, or a download with `format`.
RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {
    "text/csv": {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}}}}}
# Where the numbers of every metal report come from (docs/domain.md, seed/).
FINDING_SOURCES = ("thresholds: seed/finding_policy.csv (each finding names its own in "
                   "params.source)")
METAL_SOURCES = ("metal content: the lot's latest assay, else its grade's default "
                 "(seed/grades.csv: ISRI Scrap Specifications Circular, configurable)")


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted columns: `by_provenance_kg.in_province`."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list):  # codes, ids, notes: one cell
            out[f"{prefix}{key}"] = "; ".join(
                v if isinstance(v, str) else orjson.dumps(v).decode() for v in value)
        else:
            out[f"{prefix}{key}"] = value
    return out


def table(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Columns (in order of first appearance) and the rows' values under them."""
    flat = [flatten(r) for r in rows]
    columns: dict[str, None] = {}
    for r in flat:
        columns.update(dict.fromkeys(r))
    return list(columns), [[r.get(c) for c in columns] for r in flat]


def _csv_lines(header: Iterable[Sequence[Any]], columns: list[str],
               rows: Iterable[list[Any]]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def line(values: Sequence[Any]) -> str:
        writer.writerow(["" if v is None else v for v in values])
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    yield "\ufeff"  # a byte-order mark: spreadsheet programs then read the Chinese names right
    for h in header:
        yield line(h)
    yield line([])
    yield line(columns)
    for r in rows:
        yield line(r)


def _xlsx_chunks(title: str, header: Iterable[Sequence[Any]], columns: list[str],
                 rows: Iterable[list[Any]]) -> Iterator[bytes]:
    from openpyxl import Workbook  # loaded on the first spreadsheet: it costs ~30 MB a process

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for h in header:
        sheet.append(list(h))
    sheet.append([])
    sheet.append(columns)
    for r in rows:
        sheet.append(r)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def download(fmt: Format, name: str, header: Sequence[Sequence[Any]],
             rows: Sequence[Mapping[str, Any]]) -> StreamingResponse:
    """`rows` as a CSV or XLSX attachment named `name`, after the `header` rows."""
    columns, values = table(rows)
    if fmt == "csv":
        return StreamingResponse(_csv_lines(header, columns, values),
                                 media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition":
                                          f'attachment; filename="{name}.csv"'})
    return StreamingResponse(_xlsx_chunks(name, header, columns, values), media_type=XLSX,
                             headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


def parameters(report: Mapping[str, Any], title: str, *sources: str) -> list[list[Any]]:
    """The header rows: the report's name, its scalar parameters, and its sources."""
    rows: list[list[Any]] = [["report", title]]
    rows += [[k, v] for k, v in report.items() if not isinstance(v, list | dict)]
    rows += [["source", s] for s in sources]
    return rows


def report_download(fmt: Format, report: Any, lines: str, title: str,
                    *sources: str) -> StreamingResponse:
    """A report model (its list field `lines` as the rows) as a CSV or XLSX download."""
    body = report.model_dump(mode="json", by_alias=True)
    name = "-".join([title, *(str(body[k]) for k in ("metal", "from", "to") if body.get(k))])
    return download(fmt, name, parameters(body, title, *sources), body[lines])
