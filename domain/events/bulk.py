"""Many rows in one statement, below the ORM: executemany on SQLite, COPY on PostgreSQL.

Each value goes through its column type's bind processor, the same conversion SQLAlchemy
applies to a single insert, so that a row stored here reads back exactly like one stored by
the ORM; what is skipped is the per-row work of compiling and checking parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table

from domain.models.types import UtcDateTime

Processor = Callable[[Any], Any] | None


def _sqlite_instant(value: datetime | None) -> str | None:
    """What UtcDateTime and SQLite's DATETIME store together, in one step: UTC, as text."""
    if value is None:
        return None
    return _instant_text(value)


@lru_cache(maxsize=4096)  # a batch's rows repeat their events' few instants many times
def _instant_text(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@cache
def _processors(dialect: Any, table: Table, cols: tuple[str, ...]) -> list[Processor]:
    if dialect.name == "sqlite":
        return [_sqlite_instant if isinstance(table.c[c].type, UtcDateTime)
                else table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
    return [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]


def _tuples(conn: Connection, table: Table, cols: tuple[str, ...],
            rows: Sequence[dict[str, Any]]) -> list[Any]:
    convert = [(i, p) for i, p in enumerate(_processors(conn.dialect, table, cols))
               if p is not None]
    out = []
    for r in rows:
        values = [r[c] for c in cols]
        for i, p in convert:
            values[i] = p(values[i])
        out.append(tuple(values))
    return out


def _is_json(table: Table, col: str) -> bool:
    return isinstance(table.c[col].type, JSON) or "JSON" in type(table.c[col].type).__name__


# Below this many rows a multi-row INSERT costs PostgreSQL fewer round trips than a COPY
# (which opens, streams and closes): a single event's rows are a few per table.
COPY_FROM = 64


def insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`."""
    if not rows:
        return
    cols = tuple(rows[0])
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(cols)}) "
                             f"VALUES ({', '.join('?' * len(cols))})",
                             _tuples(conn, table, cols, rows))  # type: ignore[arg-type]
        return
    json_cols = {c for c in cols if _is_json(table, c)}

    def values(r: dict[str, Any]) -> list[Any]:
        return [orjson.dumps(r[c]).decode() if c in json_cols and r[c] is not None else r[c]
                for c in cols]

    raw = conn.connection.driver_connection
    assert raw is not None
    if len(rows) < COPY_FROM:
        marks = f"({', '.join(['%s'] * len(cols))})"
        with raw.cursor() as cur:
            cur.execute(f"INSERT INTO {table.name} ({', '.join(cols)}) "  # type: ignore[call-overload]
                        f"VALUES {', '.join([marks] * len(rows))}",
                        [v for r in rows for v in values(r)])
        return
    with raw.cursor() as cur, cur.copy(
            f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(values(r))


def execute_many(conn: Connection, table: Table, sql: str,
                 rows: Sequence[dict[str, Any]]) -> None:
    """Run `sql` (with `?` placeholders in the order of the rows' keys) once per row."""
    if not rows:
        return
    cols = tuple(rows[0])
    if conn.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    conn.exec_driver_sql(sql, _tuples(conn, table, cols, rows))  # type: ignore[arg-type]
