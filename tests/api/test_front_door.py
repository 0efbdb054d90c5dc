"""What a newcomer meets first: the front door, the API docs without a CDN, friendly lot pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain import codes
from domain.db import Database
from domain.settings import Settings
from tests.factories import World


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db)) as c:
        yield c


def test_front_door_links_the_app_the_docs_and_the_lot_lookup(client: TestClient) -> None:
    r = client.get("/")
    assert (r.status_code, r.headers["content-type"]) == (200, "text/html; charset=utf-8")
    links = dict(re.findall(r'<a class="[^"]+" id="(\w+)" href="([^"]+)"', r.text))
    assert links == {"app": "/app/", "docs": "/api/v1/docs"}
    assert '<form action="/l" method="get">' in r.text


def test_lookup_form_redirects_to_the_lot_page(client: TestClient) -> None:
    r = client.get("/l", params={"code": " 7kq-m3x 9pd "}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/l/7kq-m3x%209pd")
    r = client.get("/l", params={"code": ""}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/")


def test_docs_page_loads_swagger_from_this_server_only(client: TestClient) -> None:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", r.text)
    assert urls and all(u.startswith("/api/v1/docs/static/") for u in urls), urls
    assert "cdn" not in r.text.lower()
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert client.get("/api/v1/docs/static/..%2Fcore.py").status_code == 404


def test_mistyped_code_gets_a_readable_bilingual_page(client: TestClient) -> None:
    good = codes.new_lot_code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = client.get(f"/l/{bad}")
    assert (r.status_code, r.headers["content-type"]) == (422, "text/html; charset=utf-8")
    assert re.search(r'id="why" data-reason="(\w+)"', r.text).group(1) == "mistyped"
    assert "编码有误" in r.text and "This code is mistyped" in r.text
    r = client.get("/l/<script>x")
    assert r.status_code == 422 and "<script>x" not in r.text


def test_unknown_code_is_told_apart_from_a_mistyped_one(client: TestClient, world: World) -> None:
    r = client.get(f"/l/{codes.new_lot_code()}")
    assert (r.status_code, r.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert re.search(r'id="why" data-reason="(\w+)"', r.text).group(1) == "unknown"
    assert "没有这个批次" in r.text and "No such lot" in r.text


@pytest.fixture
def world(db: Database, settings: Settings) -> World:
    return World(db, settings)
