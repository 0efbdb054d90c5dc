"""Every route × role × own/other organisation answers the status the security model expects.

The matrix is checked against the app's route table (its OpenAPI paths): a new route without an
entry here fails `test_every_route_has_an_entry`, so nobody adds an endpoint without deciding
who may call it.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain import orgs
from domain.auth import Actor
from domain.db import Database
from domain.settings import Settings
from tests.factories import uscc

ROLES = ("anonymous", "admin", "manager", "operator", "auditor")
SCOPES = ("own", "other")
CST = timezone(timedelta(hours=8))
_n = itertools.count()


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str]
    objects: dict[str, dict[str, str]]  # scope -> {org, site, lot, event, batch}


def _collect(site: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": "collect",
            "occurred_at": (datetime.now(CST) - timedelta(hours=1)).isoformat(),
            "site": site, "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer",
            "mass_kg": "100.5"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    path = tmp_path_factory.mktemp("authz") / "authz.db"
    shutil.copy(sqlite_template, path)
    settings = Settings(database_url=f"sqlite:///{path}")
    db = Database(settings.database_url)
    admin = Actor(0, "root", "admin", None, None)
    with db.write() as s:
        orgs.create_user(s, actor=None, org_code=None, username="mx-admin",
                         password="pass-word-1", role="admin")
        for n, (code, kind) in enumerate((("MX-A", "collector"), ("MX-B", "collector"),
                                          ("MX-GOV", "agency")), start=900):
            orgs.create_org(s, actor=admin, code=code, name=code, kind=kind, uscc=uscc(n),
                            region="520100")
            orgs.create_site(s, actor=admin, org_code=code, code=f"{code}-1", name=code,
                             region="520100")
            roles = ("auditor",) if kind == "agency" else ("manager", "operator")
            for role in roles:
                orgs.create_user(s, actor=admin, org_code=code, username=f"{code}-{role}",
                                 password="pass-word-1", role=role)
    client = TestClient(create_app(settings, db))
    users = {"admin": "mx-admin", "manager": "MX-A-manager", "operator": "MX-A-operator",
             "auditor": "MX-GOV-auditor", "b-operator": "MX-B-operator"}
    tokens = {role: client.post("/api/v1/auth/token", json={
        "username": u, "password": "pass-word-1"}).json()["access_token"]
        for role, u in users.items()}
    objects: dict[str, dict[str, str]] = {}
    for scope, org, who in (("own", "MX-A", "operator"), ("other", "MX-B", "b-operator")):
        auth = {"Authorization": f"Bearer {tokens[who]}"}
        ev = client.post("/api/v1/events", json=_collect(f"{org}-1"), headers=auth).json()
        batch = client.post("/api/v1/labels", json={"site": f"{org}-1", "count": 1},
                            headers=auth).json()
        objects[scope] = {"org": org, "site": f"{org}-1", "lot": ev["created_lots"][0],
                          "event": ev["id"], "batch": batch["batch"]}
    yield World(client, tokens, objects)
    client.close()
    db.dispose()


Body = Callable[[dict[str, str]], Any]
Expect = Callable[[str, str], int]  # (role, scope) -> status


def by_role(anonymous: int = 401, **statuses: int) -> Expect:
    """The same status for own and other objects; roles not named answer `default`."""
    default = statuses.pop("default", 200)
    return lambda role, scope: anonymous if role == "anonymous" else statuses.get(role, default)


def scoped(own: dict[str, int], other: dict[str, int]) -> Expect:
    def expect(role: str, scope: str) -> int:
        if role == "anonymous":
            return 401
        table = own if scope == "own" else other
        return table.get(role, table.get("default", 200))
    return expect


def _unique() -> str:
    return f"MX{next(_n):04d}"


# (method, path) -> (path parameters from the scope's objects, body, expected status)
MATRIX: dict[tuple[str, str], tuple[Callable[[dict[str, str]], dict[str, str]], Body | None,
                                     Expect]] = {
    ("GET", "/api/v1/health"): (lambda o: {}, None, by_role(anonymous=200)),
    ("POST", "/api/v1/auth/token"): (lambda o: {}, lambda o: {
        "username": "MX-A-operator", "password": "pass-word-1"}, by_role(anonymous=200)),
    ("POST", "/api/v1/orgs"): (lambda o: {}, lambda o: {
        "code": _unique(), "name": "n", "kind": "collector",
        "uscc": uscc(1000 + next(_n)), "region": "520100"}, by_role(admin=201, default=403)),
    ("GET", "/api/v1/orgs"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/orgs/{org}"): (lambda o: {"org": o["org"]}, None, by_role()),
    ("POST", "/api/v1/orgs/{org}/sites"): (
        lambda o: {"org": o["org"]},
        lambda o: {"code": _unique(), "name": "n", "region": "520100"},
        scoped(own={"admin": 201, "manager": 201, "default": 403},
               other={"admin": 201, "manager": 404, "default": 403})),
    ("GET", "/api/v1/orgs/{org}/sites"): (lambda o: {"org": o["org"]}, None, by_role()),
    ("POST", "/api/v1/orgs/{org}/users"): (
        lambda o: {"org": o["org"]},
        lambda o: {"username": _unique().lower(), "password": "pass-word-1", "role": "operator"},
        scoped(own={"admin": 201, "manager": 201, "default": 403},
               other={"admin": 201, "manager": 404, "default": 403})),
    ("GET", "/api/v1/grades"): (lambda o: {}, None, by_role()),
    ("POST", "/api/v1/events"): (
        lambda o: {}, lambda o: _collect(o["site"]),
        scoped(own={"manager": 201, "operator": 201, "default": 403},
               other={"default": 403})),
    ("GET", "/api/v1/events"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/events/{event_id}"): (
        lambda o: {"event_id": o["event"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots/{code}"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/lots/{code}/label.png"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots/{code}/label.svg"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/reports/recycled-share"): (lambda o: {}, None, by_role()),
    # Another organisation's site is filtered out of the rows, not refused.
    ("GET", "/api/v1/reports/mass-balance"): (lambda o: {}, None, by_role()),
    ("POST", "/api/v1/labels"): (
        lambda o: {}, lambda o: {"site": o["site"], "count": 2},
        scoped(own={"manager": 201, "operator": 201, "default": 403},
               other={"default": 403})),
    # Label batches are printing jobs of one organisation: only it (and administrators) see them.
    ("GET", "/api/v1/labels/{batch}"): (
        lambda o: {"batch": o["batch"]}, None,
        scoped(own={"auditor": 404}, other={"admin": 200, "default": 404})),
    ("GET", "/api/v1/labels/{batch}.pdf"): (
        lambda o: {"batch": o["batch"]}, None,
        scoped(own={"auditor": 404}, other={"admin": 200, "default": 404})),
    ("GET", "/api/v1/me"): (lambda o: {}, None, by_role()),
}
QUERY: dict[str, Callable[[dict[str, str]], dict[str, str]]] = {
    "/api/v1/reports/recycled-share": lambda o: {"metal": "Al", "from": "2026-01-01",
                                                 "to": "2027-01-01"},
    "/api/v1/reports/mass-balance": lambda o: {"site": o["site"], "from": "2026-01-01",
                                               "to": "2027-01-01"},
}


def route_table() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite:///:memory:"))
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items()
            for method in ops}


def test_every_route_has_an_entry() -> None:
    routes = route_table()
    assert sorted(routes - MATRIX.keys()) == []  # a route nobody decided about
    assert sorted(MATRIX.keys() - routes) == []  # an entry for a route that is gone


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_each_role_as_the_matrix_says(world: World, route: tuple[str, str]
                                                    ) -> None:
    method, template = route
    params, body, expect = MATRIX[route]
    got, want = {}, {}
    for role, scope in itertools.product(ROLES, SCOPES):
        obj = world.objects[scope]
        path = template.format(**params(obj))
        headers = {} if role == "anonymous" else {
            "Authorization": f"Bearer {world.tokens[role]}"}
        query = QUERY[template](obj) if template in QUERY else None
        r = world.client.request(method, path, headers=headers, params=query,
                                 json=body(obj) if body else None)
        got[(role, scope)] = r.status_code
        want[(role, scope)] = expect(role, scope)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json", (role, scope, r.text)
    assert got == want
