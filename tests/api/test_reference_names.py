"""Names for codes: GB/T 2260 regions from seed/regions.csv, served to the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain import catalogue, codes
from domain.db import Database
from domain.settings import Settings
from seed.demo import NETWORK
from tests.factories import World


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    World(db, settings).org("HS", "collector")
    with TestClient(create_app(settings, db)) as c:
        yield c


def test_regions_answer_gbt2260_names(client: TestClient) -> None:
    token = client.post("/api/v1/auth/token", json={"username": "hs-op",
                                                     "password": "pass-word-1"}).json()
    r = client.get("/api/v1/regions",
                   headers={"Authorization": f"Bearer {token['access_token']}"})
    assert r.status_code == 200
    by_code = {x["code"]: x for x in r.json()}
    assert by_code["520100"] == {"code": "520100", "name_zh": "贵阳市", "name_en": "Guiyang",
                                 "level": "prefecture"}
    assert by_code["500112"]["name_zh"] == "渝北区"
    assert len([x for x in r.json() if x["level"] == "province"]) == 34
    assert client.get("/api/v1/regions").status_code == 401


def test_every_region_is_a_valid_code_and_the_demo_regions_are_named() -> None:
    regions = catalogue.regions()
    assert [c for c in regions if not codes.is_region_code(c)] == []
    assert {spec.region for spec in NETWORK} - set(regions) == set()
    assert len([r for r in regions.values() if r.code.startswith("52")
                and r.level == "prefecture"]) == 9


def test_a_county_without_a_row_is_named_by_its_prefecture_or_province() -> None:
    assert catalogue.region("520102").name_zh == "南明区"  # type: ignore[union-attr]
    assert catalogue.region("520181").name_zh == "贵阳市"  # type: ignore[union-attr]
    assert catalogue.region("510104").name_zh == "四川省"  # type: ignore[union-attr]
    assert catalogue.region("52") is None
