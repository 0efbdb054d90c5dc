"""Schemathesis against the app's own OpenAPI document, authenticated, every operation.

No input may produce a 5xx; every error is `application/problem+json` with the RFC 9457
members and a `code`; responses match their documented schemas and content types; bodies the
schema calls invalid are refused.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)
from schemathesis.core.parameters import ParameterLocation

from api.app import create_app
from domain import orgs
from domain.auth import Actor
from domain.db import Database
from domain.settings import Settings
from domain.tlog import note
from tests.factories import uscc

ADMIN_ONLY = ("/api/v1/orgs", "/api/v1/orgs/{org}/sites", "/api/v1/orgs/{org}/users",
              "/api/v1/orgs/{org}/licences", "/api/v1/factor-sets")
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
TOKENS: dict[str, str] = {}


# The app is built at import because schemathesis parametrizes from its schema at collection;
# its database file is created and filled by the fixture below, before any request.
DB_PATH = Path(tempfile.mkdtemp(prefix="scraptrace-fuzz-")) / "fuzz.db"
SNAPSHOT = DB_PATH.with_name("world.db")
LOG_KEY = DB_PATH.with_name("log.key")
LOG_KEY.write_text(note.generate("trace.example.test/log"))
CONF = Settings(database_url=f"sqlite:///{DB_PATH}", log_key_file=str(LOG_KEY))
DB = Database(CONF.database_url)
APP = create_app(CONF, DB)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def fuzz_world(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_PATH)
    db = DB
    admin = Actor(0, "root", "admin", None, None)
    with db.write() as s:
        orgs.create_user(s, actor=None, org_code=None, username="fz-admin",
                         password="pass-word-1", role="admin")
        orgs.create_org(s, actor=admin, code="FZ-A", name="FZ-A", kind="collector",
                        uscc=uscc(700), region="520100")
        orgs.create_site(s, actor=admin, org_code="FZ-A", code="FZ-A-1", name="yard",
                         region="520100")
        orgs.create_user(s, actor=admin, org_code="FZ-A", username="fz-op",
                         password="pass-word-1", role="operator")
        orgs.create_org(s, actor=admin, code="FZ-AG", name="FZ agency", kind="agency",
                        uscc=uscc(701), region="520000")
        orgs.create_user(s, actor=admin, org_code="FZ-AG", username="fz-auditor",
                         password="pass-word-1", role="auditor")
    with TestClient(APP) as client:
        for who in ("fz-admin", "fz-op", "fz-auditor"):
            TOKENS[who] = client.post("/api/v1/auth/token", json={
                "username": who, "password": "pass-word-1"}).json()["access_token"]
        auth = {"Authorization": f"Bearer {TOKENS['fz-op']}"}
        when = (datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=1)).isoformat()
        r = client.post("/api/v1/events", headers=auth, json={
            "id": str(uuid.uuid4()), "type": "collect", "occurred_at": when, "site": "FZ-A-1",
            "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer", "mass_kg": 250})
        assert r.status_code == 201
    db.dispose()  # the last connection closed: the whole database is in its main file
    shutil.copy(DB_PATH, SNAPSHOT)
    yield
    db.dispose()
    shutil.rmtree(DB_PATH.parent, ignore_errors=True)


def restore_world() -> None:
    """The fuzz world as the fixture left it (the engine reconnects on its next use)."""
    DB.dispose()
    for extra in ("-wal", "-shm"):
        Path(f"{DB_PATH}{extra}").unlink(missing_ok=True)
    shutil.copy(SNAPSHOT, DB_PATH)


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_answers_well_formed_and_never_5xx(case: Any) -> None:
    who = "fz-admin" if case.path in ADMIN_ONLY and case.method == "POST" else "fz-op"
    token = TOKENS[who]
    if (case.method, case.path) == ("DELETE", "/api/v1/auth/token"):  # logging out revokes it
        with TestClient(APP) as client:
            token = client.post("/api/v1/auth/token", json={
                "username": who, "password": "pass-word-1"}).json()["access_token"]
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    check_answer(case, response)


def check_answer(case: Any, response: Any, stateful: bool = False) -> None:
    """Every answer: never 5xx, documented schema and content type, problems well formed."""
    op = APP.openapi()["paths"][case.path].get(case.method.lower(), {})
    declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    # Unknown query parameters are ignored, as most HTTP APIs do: not a failure to reject.
    extra = set(case.query or {}) - declared
    # A stateful step reuses values of earlier answers, so its body is not purely generated:
    # "the schema calls it invalid, so it must be refused" is a check of stateless cases only.
    negative_check = not (extra or stateful or only_headers_negative(case))
    case.validate_response(response, checks=CHECKS if negative_check else CHECKS[:3])
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        content_type = response.headers.get("content-type") or [""]
        assert content_type == ["application/problem+json"], response.text
        problem = response.json()
        assert {"type", "title", "status", "detail", "code"} <= problem.keys(), problem
        assert problem["status"] == response.status_code


def only_headers_negative(case: Any) -> bool:
    """A case invalid in its headers alone: the test replaces them (Authorization is its only
    header), so what reaches the server is valid and may be accepted."""
    meta = case.meta
    if meta is None or not meta.is_negative_at(ParameterLocation.HEADER):
        return False
    return not any(meta.is_negative_at(where) for where in meta.components
                   if where != ParameterLocation.HEADER)


STATEFUL_SEEN: dict[tuple[str, str, int], int] = {}


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls chained by the OpenAPI links (declared, such as POST /events →
    GET /lots/{code} through `created_lots`, and inferred by schemathesis, such as GET /me →
    the site of POST /events): what one call stored, the next reads, voids or closes."""

    def setup(self) -> None:
        # Every sequence starts from the same world: answers that depended on what earlier
        # sequences stored (a replayed id, a closed period) would make hypothesis see the same
        # choices lead to different states, which it rightly calls a flaky strategy.
        restore_world()

    def before_call(self, case: Any) -> None:
        who = "fz-admin" if case.path in ADMIN_ONLY and case.method == "POST" else "fz-op"
        if case.path.startswith("/api/v1/periods"):
            who = "fz-auditor"
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKENS[who]}"}
        body = case.body
        if (case.method, case.path) == ("POST", "/api/v1/events") and isinstance(body, dict):
            # Generated instants almost never fall in the accepted window, nor sites and grades
            # in the fuzz world: place the event there, keep every other generated field.
            body["occurred_at"] = (datetime.now(timezone(timedelta(hours=8)))
                                   - timedelta(hours=1)).isoformat()
            body["site"] = "FZ-A-1"
            if body.get("type") in ("collect", "declare"):
                body.update(metal="Al", grade="AL-TALC", mass_kg=250)

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                          **kwargs: Any) -> None:
        key = (case.method, case.path, response.status_code)
        STATEFUL_SEEN[key] = STATEFUL_SEEN.get(key, 0) + 1
        check_answer(case, response, stateful=True)


def test_stateful_sequences_follow_links_and_never_5xx() -> None:
    Workflow.run(settings=settings(max_examples=60, stateful_step_count=8, deadline=None,
                                   database=None,
                                   suppress_health_check=list(HealthCheck)))
    # Sequences ran and reached the capture path (what they found is checked at every step).
    assert sum(n for (method, path, _), n in STATEFUL_SEEN.items()
               if (method, path) == ("POST", "/api/v1/events")) > 0, STATEFUL_SEEN
