"""Bodies over the limit are refused before they are read: by Content-Length at once, and by
counting a chunked body as it arrives; a real server answers without waiting for the body."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from api.app import create_app
from domain.settings import Settings
from tests.api.test_bad_input import assert_problem
from tests.factories import snapshot

KIB, MIB = 1024, 1024 * 1024


def drive(app, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes],
          ) -> tuple[int, list[dict], int]:
    """Run one request through the ASGI app: (status, messages sent, chunks the app read)."""
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if read >= len(chunks):
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunks[read - 1],
                "more_body": read < len(chunks)}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"test"), *headers],
             "client": ("127.0.0.1", 1), "server": ("test", 80)}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], sent, read


@pytest.fixture
def app(api):
    return api.client.app


def test_a_login_declaring_200_mib_is_refused_without_reading_a_byte(app):
    status, sent, read = drive(app, "/api/v1/auth/token", [
        (b"content-type", b"application/json"), (b"content-length", str(200 * MIB).encode())],
        [b"x" * MIB] * 3)
    assert (status, read) == (413, 0)
    headers = dict(sent[0]["headers"])
    assert headers[b"content-type"] == b"application/problem+json"
    assert headers[b"connection"] == b"close"
    assert b'"code":"too-large"' in sent[1]["body"]
    assert b"64 KiB" in sent[1]["body"]


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(app):
    chunks = [b" " * (16 * KIB)] * 64  # 1 MiB in 16 KiB chunks, no Content-Length
    status, sent, read = drive(app, "/api/v1/auth/token",
                               [(b"content-type", b"application/json")], chunks)
    assert (status, read) == (413, 5)  # the fifth chunk passed 64 KiB: nothing after it
    assert b'"code":"too-large"' in sent[1]["body"]


def test_events_take_16_mib_and_no_more(app, api):
    auth = [(b"authorization", f"Bearer {api.login('col-op')}".encode()),
            (b"content-type", b"application/json")]
    status, _, read = drive(app, "/api/v1/events", [*auth, (b"content-length",
                                                            str(16 * MIB + 1).encode())], [b"{"])
    assert (status, read) == (413, 0)
    status, _, read = drive(app, "/api/v1/events", auth, [b" " * MIB] * 17)
    assert (status, read) == (413, 17)
    # 1 MiB of JSON is under the limit: parsed, and refused for what it says, not its size.
    status, _, _ = drive(app, "/api/v1/events", auth, [b" " * MIB + b"[]"])
    assert status == 422


@pytest.mark.parametrize("path", ["/api/v1/orgs", "/api/v1/labels", "/api/v1/orgs/COL/users"])
def test_every_other_route_takes_64_kib(api, path):
    api.as_("admin")
    before = snapshot(api.world.db)
    r = api.client.post(path, content=b'{"code": "' + b"x" * (64 * KIB) + b'"}',
                        headers={**api.as_("admin"), "content-type": "application/json"})
    assert_problem(r, 413, "too-large")
    r = api.client.post(path, content=iter([b" " * (40 * KIB)] * 2),  # chunked
                        headers={**api.as_("admin"), "content-type": "application/json"})
    assert_problem(r, 413, "too-large")
    assert snapshot(api.world.db) == before


@pytest.fixture
def server(db, settings) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=settings.database_url),
                                                   db), host="127.0.0.1", port=port,
                                        log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_a_real_server_answers_413_before_the_body_arrives(server):
    host, port = server.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"connection: close" in answer.lower()
