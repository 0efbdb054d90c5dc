"""In-process limits on failed logins: per (user, address) and per address, sliding windows."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from threading import Lock

from domain.errors import TooManyRequests


class SlidingWindow:
    """At most `limit` events per `window_s` seconds for each key; keys are bounded (LRU)."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float],
                 max_keys: int = 100_000) -> None:
        self.limit, self.window_s, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._events.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._events[key]
            return None
        return times

    def retry_after(self, key: str) -> float | None:
        """Seconds until `key` may try again, or None when it is under the limit."""
        if self.limit <= 0:
            return None
        now = self.clock()
        times = self._recent(key, now)
        if times is None or len(times) < self.limit:
            return None
        return times[0] + self.window_s - now

    def add(self, key: str) -> None:
        if self.limit <= 0:
            return
        now = self.clock()
        times = self._recent(key, now)
        if times is None:
            times = self._events[key] = deque(maxlen=self.limit)
        times.append(now)
        self._events.move_to_end(key)
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)

    def clear(self, key: str) -> None:
        self._events.pop(key, None)


class LoginLimiter:
    """Failed logins counted per (username, address) and per address.

    There is deliberately no count per username alone: anyone could then lock a user out from
    anywhere. A guesser at address X is stopped by its own (user, X) and X counts, while the
    user at address Y keeps logging in. A success at an address clears that (user, address)
    count. Limits of 0 switch a count off.
    """

    def __init__(self, *, per_user_address: int = 10, per_address: int = 50,
                 window_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._pair = SlidingWindow(per_user_address, window_s, clock)
        self._address = SlidingWindow(per_address, window_s, clock)
        self._lock = Lock()

    @staticmethod
    def _pair_key(username: str, address: str) -> str:
        return f"{username.casefold()}\x00{address}"

    def check(self, username: str, address: str) -> None:
        """Refuse (429, before any password check) while either count is at its limit."""
        with self._lock:
            waits = [w for w in (self._pair.retry_after(self._pair_key(username, address)),
                                 self._address.retry_after(address)) if w is not None]
        if waits:
            retry = max(1, math.ceil(max(waits)))
            raise TooManyRequests(f"too many failed logins; retry in {retry} s",
                                  code="too-many-attempts", retry_after=retry)

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            self._pair.add(self._pair_key(username, address))
            self._address.add(address)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._pair.clear(self._pair_key(username, address))
