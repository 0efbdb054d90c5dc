"""Request dependencies: the database, the authenticated actor, cursors, write retries."""

from __future__ import annotations

import base64
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from threading import Lock
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from domain.auth import Actor, actor_for_token, token_digest
from domain.db import Database
from domain.errors import CodeCollision, Conflict, InvalidInput, Unauthenticated
from domain.models.types import utcnow
from domain.settings import Settings

T = TypeVar("T")
MAX_CURSOR = 2**63 - 1
bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token.")


# The dependencies are coroutines: FastAPI runs a plain function dependency in the thread pool,
# a hop per dependency per request that cost more than the lookups themselves.
async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class TokenCache:
    """Recently seen tokens, so that a burst of requests does not look each one up again."""

    def __init__(self, size: int = 4096, ttl_s: float = 30.0) -> None:
        self._items: OrderedDict[str, tuple[Actor, datetime, float]] = OrderedDict()
        self._size, self._ttl, self._lock = size, ttl_s, Lock()

    def get(self, digest: str) -> Actor | None:
        with self._lock:
            item = self._items.get(digest)
            if item is None:
                return None
            actor, expires_at, seen = item
            if time.monotonic() - seen > self._ttl or expires_at <= utcnow():
                del self._items[digest]
                return None
            return actor

    def evict(self, digest: str) -> None:
        with self._lock:
            self._items.pop(digest, None)

    def put(self, digest: str, actor: Actor, expires_at: datetime) -> None:
        with self._lock:
            self._items[digest] = (actor, expires_at, time.monotonic())
            self._items.move_to_end(digest)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


async def current_actor(request: Request,
                        credentials: Annotated[HTTPAuthorizationCredentials | None,
                                               Depends(bearer)],
                        ) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer token is required", code="unauthenticated")
    cache: TokenCache = request.app.state.token_cache
    digest = token_digest(credentials.credentials)
    cached = cache.get(digest)
    if cached is not None:
        return cached
    # the database is read in the thread pool, off the event loop
    actor, expires_at = await run_in_threadpool(_lookup, request.app.state.db,
                                                credentials.credentials)
    cache.put(digest, actor, expires_at)
    return actor


def _lookup(db: Database, token: str) -> tuple[Actor, datetime]:
    with db.read() as session:
        return actor_for_token(session, token)


ActorDep = Annotated[Actor, Depends(current_actor)]
DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def write(db: Database, work: Callable[[Session], T], attempts: int = 3) -> T:
    """Run `work` in one write transaction, retried when a concurrent writer got there first.

    A unique key taken by a racing request, a deadlock or a serialisation failure rolls the
    whole transaction back; running it again sees the winner's rows (a replay, or a clean
    rule violation) instead of answering 500. A random lot code already in use is drawn anew.
    """
    for attempt in range(attempts):
        try:
            with db.write() as session:
                return work(session)
        except CodeCollision:
            if attempt == attempts - 1:
                raise
        except (IntegrityError, DBAPIError) as exc:
            retryable = isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", "") in (
                "40001", "40P01")
            if not retryable or attempt == attempts - 1:
                if retryable:
                    raise Conflict("a concurrent request changed the same data; retry",
                                   code="concurrent-update") from exc
                raise
    raise AssertionError("unreachable")


# The `cursor` of a list: the `next_cursor` of the page before, never empty (no cursor: omit it).
CursorQuery = Annotated[str | None, Query(
    min_length=1, max_length=64,
    description="`next_cursor` of the previous page; omit it for the first page.")]


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("the cursor is not one this API issued", code="invalid-cursor",
                           pointer="/cursor") from exc
    # Cursors are row keys: decimal digits of a 64-bit integer (a larger one would overflow
    # the database's integer and answer 500).
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_CURSOR:
        raise InvalidInput("the cursor is not one this API issued", code="invalid-cursor",
                           pointer="/cursor")
    return int(text)
