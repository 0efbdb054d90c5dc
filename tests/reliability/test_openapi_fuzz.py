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

from api.app import create_app
from domain import orgs
from domain.auth import Actor
from domain.db import Database
from domain.settings import Settings
from tests.factories import uscc

ADMIN_ONLY = ("/api/v1/orgs", "/api/v1/orgs/{org}/sites", "/api/v1/orgs/{org}/users")
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
TOKENS: dict[str, str] = {}


# The app is built at import because schemathesis parametrizes from its schema at collection;
# its database file is created and filled by the fixture below, before any request.
DB_PATH = Path(tempfile.mkdtemp(prefix="scraptrace-fuzz-")) / "fuzz.db"
CONF = Settings(database_url=f"sqlite:///{DB_PATH}")
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
    with TestClient(APP) as client:
        for who in ("fz-admin", "fz-op"):
            TOKENS[who] = client.post("/api/v1/auth/token", json={
                "username": who, "password": "pass-word-1"}).json()["access_token"]
        auth = {"Authorization": f"Bearer {TOKENS['fz-op']}"}
        when = (datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=1)).isoformat()
        r = client.post("/api/v1/events", headers=auth, json={
            "id": str(uuid.uuid4()), "type": "collect", "occurred_at": when, "site": "FZ-A-1",
            "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer", "mass_kg": 250})
        assert r.status_code == 201
    yield
    db.dispose()
    shutil.rmtree(DB_PATH.parent, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_answers_well_formed_and_never_5xx(case: Any) -> None:
    who = "fz-admin" if case.path in ADMIN_ONLY and case.method == "POST" else "fz-op"
    response = case.call(headers={"Authorization": f"Bearer {TOKENS[who]}"})
    op = APP.openapi()["paths"][case.path].get(case.method.lower(), {})
    declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    # Unknown query parameters are ignored, as most HTTP APIs do: not a failure to reject.
    extra = set(case.query or {}) - declared
    case.validate_response(response, checks=CHECKS if not extra else CHECKS[:3])
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        content_type = response.headers.get("content-type") or [""]
        assert content_type == ["application/problem+json"], response.text
        problem = response.json()
        assert {"type", "title", "status", "detail", "code"} <= problem.keys(), problem
        assert problem["status"] == response.status_code
