"""Logging in under attack: off the event loop, no write before the password is right, failed
logins limited per (user, address) and per address, logout, and expired tokens purged."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from domain import auth
from domain.models import ApiToken, User
from domain.models.types import utcnow
from domain.rate_limit import LoginLimiter
from tests.api.test_bad_input import assert_problem
from tests.factories import snapshot

TOKEN = "/api/v1/auth/token"


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(api) -> Clock:
    clock = Clock()
    api.client.app.state.login_limiter = LoginLimiter(per_user_address=10, per_address=50,
                                                      window_s=60, clock=clock)
    return clock


def client_at(api, address: str) -> TestClient:
    return TestClient(api.client.app, client=(address, 40000))


def log_in(client: TestClient, username: str, password: str):
    return client.post(TOKEN, json={"username": username, "password": password})


def test_the_password_is_verified_in_a_worker_thread_not_on_the_event_loop(api, monkeypatch):
    seen: list[bool] = []
    real = auth._hasher

    class Recording:
        def verify(self, hash_: str, password: str) -> bool:
            try:
                asyncio.get_running_loop()
                seen.append(True)  # on the event loop: every other request waits for Argon2
            except RuntimeError:
                seen.append(False)
            return bool(real.verify(hash_, password))

    monkeypatch.setattr(auth, "_hasher", Recording())
    assert log_in(api.client, "col-op", "pass-word-1").status_code == 200
    assert log_in(api.client, "col-op", "wrong-password").status_code == 401
    assert seen == [False, False]


def test_a_wrong_password_opens_no_write_transaction(api):
    api.as_("COL")
    writes: list[str] = []

    def on_begin(conn) -> None:
        if conn.get_execution_options().get("write"):
            writes.append("write")

    event.listen(api.world.db.engine, "begin", on_begin)
    try:
        before = snapshot(api.world.db)
        r = log_in(api.client, "col-op", "wrong-password")
        assert_problem(r, 401, "bad-credentials")
        r = log_in(api.client, "nobody-at-all", "wrong-password")
        assert_problem(r, 401, "bad-credentials")
        assert writes == []
        assert snapshot(api.world.db) == before
        assert log_in(api.client, "col-op", "pass-word-1").status_code == 200
        assert writes == ["write"]  # the token, once the password was right
    finally:
        event.remove(api.world.db.engine, "begin", on_begin)


def test_ten_failures_then_429_with_retry_after_even_for_the_right_password(api, clock):
    here = client_at(api, "10.0.0.1")
    for _ in range(10):
        assert_problem(log_in(here, "col-op", "wrong-password"), 401, "bad-credentials")
    clock.now += 15
    for password in ("wrong-password", "pass-word-1"):
        body = assert_problem(log_in(here, "col-op", password), 429, "too-many-attempts")
        assert body["retry_after"] == 45
    assert log_in(here, "col-op", "x").headers["retry-after"] == "45"
    clock.now += 45
    assert log_in(here, "col-op", "pass-word-1").status_code == 200


def test_a_guesser_elsewhere_does_not_lock_the_user_out(api, clock):
    attacker, user = client_at(api, "203.0.113.7"), client_at(api, "10.0.0.2")
    for _ in range(12):
        log_in(attacker, "col-op", "guess-guess")
    assert_problem(log_in(attacker, "col-op", "pass-word-1"), 429, "too-many-attempts")
    r = log_in(user, "col-op", "pass-word-1")
    assert r.status_code == 200, r.text


def test_one_address_spraying_many_usernames_is_stopped_at_fifty(api, clock):
    sprayer, other = client_at(api, "198.51.100.1"), client_at(api, "198.51.100.2")
    statuses = [log_in(sprayer, f"user-{n}", "password-1").status_code for n in range(51)]
    assert statuses == [401] * 50 + [429]
    assert_problem(log_in(sprayer, "col-op", "pass-word-1"), 429, "too-many-attempts")
    assert log_in(other, "col-op", "pass-word-1").status_code == 200


def test_a_refused_login_writes_nothing(api, clock):
    here = client_at(api, "10.0.0.3")
    for _ in range(10):
        log_in(here, "col-op", "wrong-password")
    before = snapshot(api.world.db)
    assert_problem(log_in(here, "col-op", "pass-word-1"), 429, "too-many-attempts")
    assert snapshot(api.world.db) == before


def test_logout_revokes_the_presented_token_at_once(api):
    token, other = api.login("col-op"), api.login("col-op")
    auth_header = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/me", headers=auth_header).status_code == 200  # now cached
    r = api.client.delete(TOKEN, headers=auth_header)
    assert (r.status_code, r.content) == (204, b"")
    assert_problem(api.client.get("/api/v1/me", headers=auth_header), 401, "invalid-token")
    assert_problem(api.client.delete(TOKEN, headers=auth_header), 401, "invalid-token")
    assert api.client.get("/api/v1/me", headers={
        "Authorization": f"Bearer {other}"}).status_code == 200  # the user's other session
    assert_problem(api.client.delete(TOKEN), 401, "unauthenticated")
    with api.world.db.read() as s:
        left = s.execute(select(func.count()).select_from(ApiToken)
                         .where(ApiToken.token_hash == auth.token_digest(token))).scalar_one()
    assert left == 0


def test_a_login_purges_expired_tokens_a_bounded_number_at_a_time(api):
    with api.world.db.write() as s:
        user_id = s.execute(select(User.id).where(User.username == "col-op")).scalar_one()
        past = utcnow() - timedelta(minutes=1)
        s.add_all([ApiToken(token_hash=f"{n:064x}", user_id=user_id, expires_at=past)
                   for n in range(auth.PURGE_BATCH + 7)])
    api.login("col-op")
    with api.world.db.read() as s:
        expired = s.execute(select(func.count()).select_from(ApiToken)
                            .where(ApiToken.expires_at <= utcnow())).scalar_one()
        live = s.execute(select(func.count()).select_from(ApiToken)
                         .where(ApiToken.expires_at > utcnow())).scalar_one()
    assert (expired, live) == (7, 1)
    api.login("col-op")
    with api.world.db.read() as s:
        assert s.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 2
