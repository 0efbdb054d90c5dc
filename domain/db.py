"""Database engines and sessions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write transactions that lock early."""
    # orjson instead of the json module for every JSON column: several times faster on the
    # capture path (payload, cells, before snapshots), and compact on disk.
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **kwargs)
        _prepare_sqlite(engine)
        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself so that write transactions can be IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A write transaction takes SQLite's write lock before its first read, so that two
        # requests spending the same lot are serialised rather than both reading the old mass.
        if conn.get_execution_options().get("write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class FifoLock:
    """A re-entrant lock that threads get in the order they asked for it.

    `threading.RLock` lets a newly arriving thread take a lock just released ahead of threads
    that have waited for it: under 32 concurrent writers some waited seconds (p99 1.3 to 2 s
    on SQLite, p50 90 ms). Here the releasing thread hands the lock to the longest waiter.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiters: deque[tuple[int, threading.Lock]] = deque()

    def __enter__(self) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None:
                self._owner, self._depth = me, 1
                return
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append((me, gate))
        gate.acquire()  # released by the owner before, who made this thread the owner

    def __exit__(self, *exc: object) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            if not self._waiters:
                self._owner = None
                return
            self._owner, gate = self._waiters.popleft()
            self._depth = 1
            gate.release()


class Database:
    """An engine with its session factories: `read()` and `write()` transactions."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **kwargs)
        self.is_sqlite = url.startswith("sqlite")
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(write=True),
                                   expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue here, in order, rather
        # than in SQLite's busy handler, which polls with sleeps of up to 100 ms: under 32
        # concurrent writers that polling, not the work, set the latency (p99 of seconds).
        self._write_lock = FifoLock() if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One atomic transaction: committed when the block ends, rolled back on any error."""
        if self._write_lock is None:
            with self._write() as session, session.begin():
                yield session
            return
        with self._write_lock, self._write() as session, session.begin():
            yield session

    @contextmanager
    def rehearse(self) -> Iterator[Session]:
        """A write transaction that is always rolled back: what a write would do, writing nothing.

        It takes the same locks as `write()`, so a rehearsal sees exactly what the real write
        would see at that moment.
        """
        lock = self._write_lock or contextlib.nullcontext()
        with lock, self._write() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
