"""Organisations, sites, users, tokens and the grade catalogue over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.auth import actor_for_token, issue_token
from domain.errors import Unauthenticated

ORG = {"code": "ZY-NEW", "name": "遵义新回收站", "kind": "collector",
       "uscc": "91350100M000100Y43", "region": "520300",
       "licences": [{"kind": "collection", "number": "GZ-HW-2026-001",
                     "categories": ["HW31"], "capacity_t_per_year": 5000,
                     "valid_from": "2026-01-01", "valid_to": "2030-12-31"}]}


def test_admin_creates_an_org_whose_manager_adds_sites_and_users(api):
    r = api.post("admin", "/orgs", ORG)
    assert r.status_code == 201
    assert {k: r.json()[k] for k in ("code", "kind", "uscc", "region")} == {
        "code": "ZY-NEW", "kind": "collector", "uscc": "91350100M000100Y43", "region": "520300"}
    assert r.json()["licences"][0]["number"] == "GZ-HW-2026-001"
    r = api.post("admin", "/orgs/ZY-NEW/users", {"username": "zy-boss", "password": "boss-pass-1",
                                                 "role": "manager"})
    assert r.json() == {"username": "zy-boss", "role": "manager", "org": "ZY-NEW"}
    boss = {"Authorization": f"Bearer {api.login('zy-boss', 'boss-pass-1')}"}
    r = api.client.post("/api/v1/orgs/ZY-NEW/sites", headers=boss,
                        json={"code": "ZY-NEW-1", "name": "汇川点", "region": "520303"})
    assert r.status_code == 201
    assert r.json() == {"code": "ZY-NEW-1", "name": "汇川点", "region": "520303", "org": "ZY-NEW"}
    r = api.client.post("/api/v1/orgs/ZY-NEW/users", headers=boss,
                        json={"username": "zy-op", "password": "op-pass-12", "role": "operator"})
    assert r.status_code == 201
    # A manager cannot touch another organisation; it answers as if it did not exist.
    r = api.client.post("/api/v1/orgs/COL/sites", headers=boss,
                        json={"code": "X-1", "name": "x", "region": "520100"})
    assert (r.status_code, r.json()["code"]) == (404, "org-not-found")
    sites = api.get("COL", "/orgs/ZY-NEW/sites").json()
    assert [s["code"] for s in sites] == ["ZY-NEW-1"]


def test_org_rules(api):
    api.post("admin", "/orgs", ORG)
    r = api.post("admin", "/orgs", {**ORG, "code": "OTHER-CODE"})
    assert (r.status_code, r.json()["code"], r.json()["pointer"]) == (409, "org-exists", "/uscc")
    r = api.post("admin", "/orgs", {**ORG, "code": "Z2", "uscc": "91350100M000100Y4Z"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid-uscc")
    r = api.post("admin", "/orgs", {**ORG, "code": "Z3", "uscc": "91350100M000100Y44",
                                    "region": "990100"})
    assert r.json()["code"] == "invalid-uscc"
    r = api.post("COL", "/orgs", {**ORG, "code": "Z4"})
    assert (r.status_code, r.json()["code"]) == (403, "forbidden-role")
    r = api.post("admin", "/orgs/AGENCY/users", {"username": "x-aud", "password": "aud-pass-1",
                                                 "role": "auditor"})
    assert r.status_code == 201
    r = api.post("admin", "/orgs/COL/users", {"username": "y-aud", "password": "aud-pass-1",
                                              "role": "auditor"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid-role")
    assert api.get("COL", "/orgs/NOPE").status_code == 404
    page = api.get("COL", "/orgs", limit=2).json()
    assert [o["code"] for o in page["items"]] == ["COL", "OTHER"] and page["next_cursor"]


def test_grades_are_reference_data_with_sources(api):
    grades = api.get("COL", "/grades").json()
    by_code = {g["code"]: g for g in grades}
    assert by_code["PB-RAINS"]["hazardous"] is True
    assert by_code["PB-RAINS"]["hazardous_code"] == "900-052-31"
    assert by_code["CU-BARLEY"]["default_metal_pct"] == 99.0
    assert all(g["source"] for g in grades)
    assert sum(g["metal"] == "Al" for g in grades) >= 6
    assert sum(g["metal"] == "Cu" for g in grades) >= 6
    assert sum(g["metal"] == "Pb" for g in grades) >= 4
    assert {g["metal"] for g in api.get("COL", "/grades", metal="Pb").json()} == {"Pb"}


def test_tokens_expire_and_are_stored_hashed(api):
    with api.world.db.write() as s:
        token, _ = issue_token(s, username="col-op", password="pass-word-1",
                               ttl=timedelta(seconds=-1))
    with api.world.db.read() as s:
        with pytest.raises(Unauthenticated):
            actor_for_token(s, token)
        from sqlalchemy import select

        from domain.models import ApiToken
        stored = list(s.execute(select(ApiToken.token_hash)).scalars())
    assert token not in stored and len(stored[0]) == 64
    r = api.client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()["code"]) == (401, "invalid-token")
