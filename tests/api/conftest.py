"""An API client on a migrated test database, and a small network with logged-in users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.factories import World


class Api:
    def __init__(self, client: TestClient, world: World) -> None:
        self.client, self.world = client, world
        self.tokens: dict[str, str] = {}

    def login(self, username: str, password: str = "pass-word-1") -> str:
        r = self.client.post("/api/v1/auth/token",
                             json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def as_(self, org: str) -> dict[str, str]:
        if org not in self.tokens:
            user = "root" if org == "admin" else f"{org.lower()}-op"
            self.tokens[org] = self.login(user, "root-pass-1" if org == "admin" else
                                          "pass-word-1")
        return {"Authorization": f"Bearer {self.tokens[org]}"}

    def post(self, org: str, path: str, body: object) -> object:
        return self.client.post(f"/api/v1{path}", json=body, headers=self.as_(org))

    def get(self, org: str, path: str, **params: object) -> object:
        return self.client.get(f"/api/v1{path}", params=params, headers=self.as_(org))


@pytest.fixture
def api(db, settings) -> Iterator[Api]:
    world = World(db, settings)
    world.org("COL", "collector")
    world.org("OTHER", "collector", region="520300")
    world.org("SORT", "sorter")
    world.org("S", "smelter")
    world.org("AGENCY", "agency")
    with TestClient(create_app(settings, db)) as client:
        yield Api(client, world)
