"""The HTTP client: login, idempotent event recording in chunks with safe retries, paged reads."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from scraptrace_client.errors import ProblemError, UnreachableError

API_PREFIX = "/api/v1"
MAX_BATCH = 1000
DEFAULT_TIMEOUT = 30.0

Event = Mapping[str, Any]
Json = dict[str, Any]


def new_event_id() -> str:
    """A fresh event id (a UUID). Keep it with the event: it is the idempotency key of resends."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Recorded:
    """The server's answer for one event; `replay` is true when it had been stored before."""

    event: Json
    replay: bool


@dataclass
class BatchResult:
    """What a `record_batch` stored: the answers in input order and how many were new."""

    events: list[Json] = field(default_factory=list)
    stored: int = 0
    replayed: int = 0
    chunks: int = 0


def _param(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _params(filters: Mapping[str, object]) -> dict[str, Any]:
    """Query parameters without the unset ones; `from_` is sent as `from` (a Python keyword)."""
    return {k.rstrip("_"): _param(v) for k, v in filters.items() if v is not None}


class Client:
    """A client of the scraptrace API over HTTP.

    `base_url` is the server (``http://127.0.0.1:8000``; a trailing ``/api/v1`` is accepted).
    Requests that fail to connect or answer 5xx are retried `retries` times with exponential
    backoff: safe for event posts too, because every event's `id` is its idempotency key and a
    resend carries the same body. A 4xx is never retried; it raises `ProblemError`.
    """

    def __init__(self, base_url: str, token: str | None = None,
                 transport: httpx.BaseTransport | None = None, timeout: float = DEFAULT_TIMEOUT,
                 *, retries: int = 4, backoff: float = 0.5) -> None:
        root = base_url.rstrip("/")
        if root.endswith(API_PREFIX):
            root = root[: -len(API_PREFIX)]
        self.base_url = root
        self.retries, self.backoff = retries, backoff
        self.expires_at: str | None = None
        self._http = httpx.Client(base_url=root + API_PREFIX, transport=transport,
                                  timeout=timeout,
                                  headers={"User-Agent": "scraptrace-client/0.1",
                                           "Accept": "application/json"})
        self.token = token

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value
        if value:
            self._http.headers["Authorization"] = f"Bearer {value}"
        else:
            self._http.headers.pop("Authorization", None)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- transport ---------------------------------------------------------------------------

    def _sleep(self, attempt: int) -> None:
        delay = min(self.backoff * 2 ** attempt, 30.0)
        time.sleep(delay * (0.5 + random.random() / 2))  # jitter: resending clients spread out

    def _request(self, method: str, path: str, *, json: object = None,
                 params: Mapping[str, Any] | None = None) -> httpx.Response:
        """One request, retried on connection errors and 5xx; a 4xx raises at once."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._http.request(method, path, json=json, params=params)
            except httpx.TransportError as exc:
                if last:
                    raise UnreachableError(f"{method} {self.base_url}{API_PREFIX}{path}: "
                                           f"{exc!r} after {attempt + 1} attempts") from exc
                self._sleep(attempt)
                continue
            if response.status_code >= 500 and not last:
                self._sleep(attempt)
                continue
            if response.status_code >= 400:
                raise ProblemError.from_response(response)
            return response
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt

    def _get(self, path: str, **params: object) -> Json:
        data: Json = self._request("GET", path, params=_params(params)).json()
        return data

    def _pages(self, path: str, filters: Mapping[str, object]) -> Iterator[Json]:
        params = _params(filters)
        while True:
            page = self._request("GET", path, params=params).json()
            yield from page["items"]
            if not page.get("next_cursor"):
                return
            params = {**params, "cursor": page["next_cursor"]}

    # -- the API -----------------------------------------------------------------------------

    def login(self, username: str, password: str) -> str:
        """Exchange a username and password for a token, used by every later call."""
        answer = self._request("POST", "/auth/token",
                               json={"username": username, "password": password}).json()
        self.token, self.expires_at = answer["access_token"], answer.get("expires_at")
        return str(answer["access_token"])

    def health(self) -> Json:
        return self._get("/health")

    def record(self, event: Event) -> Recorded:
        """Record one event (it must carry its `id`). A resend of a stored id is a replay."""
        response = self._request("POST", "/events", json=dict(event))
        body: Json = response.json()
        return Recorded(body, body.get("replay") is True)

    def record_batch(self, events: Iterable[Event], *, chunk_size: int = MAX_BATCH,
                     on_chunk: Callable[[BatchResult], None] | None = None) -> BatchResult:
        """Record events in order, in chunks of at most 1,000, each all-or-nothing on the server.

        A refused chunk raises `ProblemError` (its `offset` is the position of the chunk's
        first event in `events`); the chunks before it stay stored, and resending the same
        events later replays them. `on_chunk` sees the running result after each chunk.
        """
        if not 1 <= chunk_size <= MAX_BATCH:
            raise ValueError(f"chunk_size must be between 1 and {MAX_BATCH}")
        items = [dict(e) for e in events]
        missing = [i for i, e in enumerate(items) if not e.get("id")]
        if missing:
            raise ValueError(f"events without an id (positions {missing[:5]}): give each a "
                             "stable id (new_event_id()) so that resends are safe")
        result = BatchResult()
        for start in range(0, len(items), chunk_size):
            chunk = items[start:start + chunk_size]
            try:
                response = self._request("POST", "/events", json={"events": chunk})
            except ProblemError as err:
                err.offset, err.chunk_length = start, len(chunk)
                raise
            answered: list[Json] = response.json()["events"]
            for body in answered:
                # The server flags each answered event: a resent chunk that mixes new events
                # with ones stored before is counted exactly.
                if body.get("replay") is True:
                    result.replayed += 1
                else:
                    result.stored += 1
            result.events.extend(answered)
            result.chunks += 1
            if on_chunk is not None:
                on_chunk(result)
        return result

    def event(self, event_id: str) -> Json:
        """One event: whole when it is the caller's organisation's (or the caller audits);
        another organisation's is redacted (`redacted` true, most fields absent)."""
        return self._get(f"/events/{quote(event_id, safe='')}")

    def events(self, **filters: object) -> Iterator[Json]:
        """Every event the caller may see, in log order (`lot`, `type`, `site`, `since`,
        `limit` per page), following `next_cursor` page by page. Other organisations' events
        are redacted views: read their fields with `.get`."""
        return self._pages("/events", filters)

    def lot(self, code: str) -> Json:
        """One lot's card; any case, hyphens optional."""
        return self._get(f"/lots/{quote(code, safe='')}")

    def lots(self, **filters: object) -> Iterator[Json]:
        """Every lot the caller may see, oldest first (`site`, `status`, `metal`, `limit` per
        page), following `next_cursor` page by page."""
        return self._pages("/lots", filters)

    def grades(self) -> list[Json]:
        """The grade catalogue: code, metal, Chinese and English names, default metal content."""
        data: list[Json] = self._request("GET", "/grades").json()
        return data

    def orgs(self) -> Iterator[Json]:
        """The directory of organisations (code, name, kind), page by page."""
        return self._pages("/orgs", {"limit": 500})

    def sites(self, org: str) -> list[Json]:
        """An organisation's sites (code, name, region)."""
        data: list[Json] = self._request("GET", f"/orgs/{quote(org, safe='')}/sites").json()
        return data

    def trace(self, code: str, direction: str = "back") -> Json:
        return self._get(f"/lots/{quote(code, safe='')}/trace", direction=direction)

    def recycled_share(self, metal: str, from_: date | str, to: date | str,
                       producer: str | None = None) -> Json:
        """Each producer's metal kilograms by class and exact shares over [from_, to)."""
        return self._get("/reports/recycled-share", metal=metal, from_=from_, to=to,
                         producer=producer)

    def mass_balance(self, from_: date | str, to: date | str, site: str | None = None,
                     metal: str | None = None) -> Json:
        """Per site and metal: opening + received + created + produced − shipped − charged −
        losses."""
        return self._get("/reports/mass-balance", from_=from_, to=to, site=site, metal=metal)
