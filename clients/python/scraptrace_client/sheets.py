"""Weighbridge spreadsheets (XLSX or CSV) as events: a mapping file names the columns.

Every row is checked before anything is sent, and each bad row is listed with its row number
and field. An event's id is a UUIDv5 of its sheet's name and the row's content (with the
occurrence of that content in the sheet), so importing the file again, or a longer export of
the same weighbridge, stores nothing twice.
"""

from __future__ import annotations

import csv
import json
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

NAMESPACE = uuid.UUID("6f1c4a52-3b1e-5d7a-9c0e-51ab2c7d9e10")  # of spreadsheet rows
TYPES = ("collect", "declare", "receive")
REQUIRED = {"collect": ("occurred_at", "site", "metal", "grade", "origin", "mass_kg"),
            "declare": ("occurred_at", "site", "metal", "grade", "origin", "mass_kg", "reason"),
            "receive": ("occurred_at", "site", "lot", "mass_kg")}
MASSES = ("mass_kg", "gross_kg", "tare_kg")
CHOICES = {"metal": ("Al", "Cu", "Pb"), "origin": ("post_consumer", "pre_consumer", "home_scrap"),
           "reason": ("opening_stock", "off_platform_purchase", "paper_record")}


class MappingError(ValueError):
    """The mapping file itself is wrong (not a row of the sheet)."""


@dataclass(frozen=True)
class Mapping:
    """Which column (or constant) gives each event field; `values` translates cell texts."""

    type: str
    columns: dict[str, str]
    constants: dict[str, Any]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    offset: timezone = timezone(timedelta(hours=8))
    sheet: str | None = None


def load_mapping(path: Path) -> Mapping:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kind = data.get("type")
    if kind not in TYPES:
        raise MappingError(f"{path}: type must be one of {', '.join(TYPES)}")
    columns, constants = dict(data.get("columns", {})), dict(data.get("constants", {}))
    missing = [f for f in REQUIRED[kind] if f not in columns and f not in constants]
    if missing:
        raise MappingError(f"{path}: no column or constant for {', '.join(missing)}")
    sign, _, rest = str(data.get("timezone", "+08:00")).partition(":")
    minutes = int(sign[1:]) * 60 + int(rest or 0)
    return Mapping(kind, columns, constants, dict(data.get("values", {})),
                   timezone(timedelta(minutes=-minutes if sign.startswith("-") else minutes)),
                   data.get("sheet"))


def read_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {header: cell}) for each non-empty row."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            for number, cells in enumerate(reader, start=2):
                if any(c.strip() for c in cells):
                    yield number, dict(zip(header, cells, strict=False))
        return
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for number, cells in enumerate(rows, start=2):
            if any(c not in (None, "") for c in cells):
                yield number, dict(zip(header, cells, strict=False))
    finally:
        book.close()


def _kg(value: Any) -> str | None:
    """A mass as a decimal text (above 0, at most 3 decimals), else None."""
    try:
        kg = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    if not kg.is_finite() or kg <= 0 or kg.as_tuple().exponent < -3:  # type: ignore[operator]
        return None
    return format(kg.normalize(), "f")


def _instant(value: Any, offset: timezone) -> str | None:
    if isinstance(value, datetime):
        at = value
    elif isinstance(value, date):
        at = datetime(value.year, value.month, value.day)
    else:
        try:
            at = datetime.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            return None
    return (at if at.tzinfo else at.replace(tzinfo=offset)).isoformat()


def _field(mapping: Mapping, name: str, cells: dict[str, Any]) -> Any:
    if name in mapping.columns:
        value = cells.get(mapping.columns[name])
        value = value.strip() if isinstance(value, str) else value
        if value in (None, ""):
            return None
        return mapping.values.get(name, {}).get(str(value), value)
    return mapping.constants.get(name)


def row_event(mapping: Mapping, cells: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The event a row stands for (without its id), and what is wrong with the row."""
    errors: list[str] = []
    fields = {name: _field(mapping, name, cells) for name in {*mapping.columns, *mapping.constants}}
    for name in REQUIRED[mapping.type]:
        if fields.get(name) is None:
            column = mapping.columns.get(name)
            errors.append(f"{name}: empty" + (f" (column {column})" if column else ""))
    for name in MASSES:
        if fields.get(name) is not None:
            kg = _kg(fields[name])
            if kg is None:
                errors.append(f"{name}: {fields[name]!r} is not a mass in kg above 0 with at "
                              "most 3 decimals")
            fields[name] = kg
    if fields.get("occurred_at") is not None:
        at = _instant(fields["occurred_at"], mapping.offset)
        if at is None:
            errors.append(f"occurred_at: {fields['occurred_at']!r} is not a date and time")
        fields["occurred_at"] = at
    for name, allowed in CHOICES.items():
        if fields.get(name) is not None and fields[name] not in allowed:
            errors.append(f"{name}: {fields[name]!r} is not one of {', '.join(allowed)}")
    event: dict[str, Any] = {"type": mapping.type}
    for name, value in sorted(fields.items()):
        if value is None:
            continue
        if name in MASSES:
            value = float(value)
        head, _, tail = name.partition(".")
        if tail:  # `source.kind` → {"source": {"kind": …}}
            event.setdefault(head, {})[tail] = str(value)
        else:
            event[name] = value if name in MASSES else str(value)
    if mapping.type == "receive" and not errors:
        event["lots"] = [{"lot": event.pop("lot"), "mass_kg": event.pop("mass_kg")}]
    return event, errors


@dataclass
class Sheet:
    """The events of a sheet with the row number of each, or every bad row's errors."""

    events: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_sheet(path: Path, mapping: Mapping) -> Sheet:
    out = Sheet()
    seen: dict[str, int] = {}
    for number, cells in read_rows(path, mapping.sheet):
        event, errors = row_event(mapping, cells)
        if errors:
            out.errors += [f"row {number}: {e}" for e in errors]
            continue
        content = json.dumps(event, sort_keys=True, ensure_ascii=False)
        seen[content] = seen.get(content, 0) + 1
        # Two identical rows (the same weighing entered twice) are two events.
        event["id"] = str(uuid.uuid5(NAMESPACE, f"{mapping.sheet or ''}\n{content}\n"
                                                f"{seen[content]}"))
        out.events.append(event)
        out.rows.append(number)
    return out
