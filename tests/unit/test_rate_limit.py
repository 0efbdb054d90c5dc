"""The failed-login limiter on a clock the test moves: exact counts, windows and keys."""

from __future__ import annotations

import pytest

from domain.errors import TooManyRequests
from domain.rate_limit import LoginLimiter, SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_window_allows_its_limit_then_says_how_long_to_wait() -> None:
    clock = Clock()
    window = SlidingWindow(3, 60, clock)
    for step in range(3):
        assert window.retry_after("k") is None
        window.add("k")
        clock.now += 10 * (step < 2)
    assert window.retry_after("k") == 40.0  # the first of the three, at 1000, leaves at 1060
    clock.now = 1060.0
    assert window.retry_after("k") is None  # it left: one place is free again
    window.add("k")
    assert window.retry_after("k") == 10.0  # now the one of 1010 is the oldest


def test_a_window_keeps_a_bounded_number_of_keys() -> None:
    window = SlidingWindow(1, 60, Clock(), max_keys=2)
    for key in ("a", "b", "c"):
        window.add(key)
    assert [window.retry_after(k) for k in ("a", "b", "c")] == [None, 60.0, 60.0]


def test_a_limit_of_zero_counts_nothing() -> None:
    window = SlidingWindow(0, 60, Clock())
    window.add("k")
    assert window.retry_after("k") is None


def test_ten_failures_of_a_user_at_an_address_block_that_pair_only() -> None:
    clock = Clock()
    limiter = LoginLimiter(per_user_address=10, per_address=50, window_s=60, clock=clock)
    for _ in range(10):
        limiter.check("ana", "10.0.0.1")
        limiter.failed("ana", "10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("ana", "10.0.0.1")
    assert (refused.value.code, refused.value.extra) == ("too-many-attempts", {"retry_after": 60})
    with pytest.raises(TooManyRequests):
        limiter.check("ANA", "10.0.0.1")  # usernames are compared without case
    limiter.check("ana", "10.0.0.2")  # the same user elsewhere is not locked out
    limiter.check("bob", "10.0.0.1")  # nor another user at that address
    clock.now += 60
    limiter.check("ana", "10.0.0.1")


def test_an_address_failing_for_many_users_is_blocked_for_all() -> None:
    clock = Clock()
    limiter = LoginLimiter(per_user_address=10, per_address=5, window_s=60, clock=clock)
    for n in range(5):
        limiter.failed(f"user{n}", "10.0.0.9")
        clock.now += 1
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("someone-else", "10.0.0.9")
    assert refused.value.extra == {"retry_after": 55}  # the first (t=1000) leaves at 1060; now 1005
    limiter.check("someone-else", "10.0.0.10")


def test_a_success_clears_the_pair_but_not_the_address() -> None:
    limiter = LoginLimiter(per_user_address=3, per_address=4, window_s=60, clock=Clock())
    for _ in range(3):
        limiter.failed("ana", "a")
    limiter.succeeded("ana", "a")
    limiter.check("ana", "a")
    limiter.failed("ana", "a")
    with pytest.raises(TooManyRequests):
        limiter.check("ana", "a")  # the address count reached 4
