"""The password policy: 10+ characters, not a common password, taken exactly as typed; for new
users through the API and for `scraptrace admin create`."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as cli
from domain.models import User
from domain.passwords import check_password, common_passwords
from domain.settings import get_settings
from tests.api.test_bad_input import assert_problem
from tests.factories import snapshot


def test_the_shipped_list_holds_the_obvious_ones_and_names_its_source():
    listed = common_passwords()
    assert {"1234567890", "qwertyuiop", "basketball", "password123", "scraptrace"} <= listed
    assert len(listed) > 1500
    assert all(p == p.lower() and len(p) >= 10 for p in listed)
    from importlib.resources import files

    head = " ".join(files("seed").joinpath("common-passwords.txt").read_text().splitlines()[:6])
    assert "Django 5.2.19" in head and "Royce Williams" in head


@pytest.mark.parametrize("password", ["short-pw1", "1234567890", "QwertyUiop", "Basketball",
                                      "zy-new-op", "ZY-NEW-OP-1"])
def test_weak_passwords_are_refused_with_the_pointer(api, password):
    api.as_("admin")
    before = snapshot(api.world.db)
    username = "zy-new-op-1" if password == "ZY-NEW-OP-1" else "zy-new-op"
    body = assert_problem(api.post("admin", "/orgs/COL/users", {
        "username": username, "password": password, "role": "operator"}), 422, "weak-password")
    assert body["pointer"] == "/password"
    assert snapshot(api.world.db) == before


def test_a_password_of_ten_characters_is_enough():
    check_password("ab3-xy7-qz")
    with pytest.raises(Exception, match="at least 10"):
        check_password("ab3-xy7-q")


def test_spaces_are_part_of_the_password_not_trimmed(api):
    r = api.post("admin", "/orgs/COL/users", {"username": "spacey", "password": "  tin foil  ",
                                              "role": "operator"})
    assert r.status_code == 201, r.text
    assert api.client.post("/api/v1/auth/token", json={
        "username": "spacey", "password": "  tin foil  "}).status_code == 200
    assert api.client.post("/api/v1/auth/token", json={
        "username": "spacey", "password": "tin foil"}).status_code == 401


def test_admin_create_applies_the_policy(db, settings, monkeypatch):
    monkeypatch.setenv("SCRAPTRACE_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        weak = runner.invoke(cli, ["admin", "create", "--username", "boss", "--password",
                                   "password123"])
        assert weak.exit_code == 1
        assert "weak-password" in weak.output
        with db.read() as s:
            assert s.execute(select(User.id).where(User.username == "boss")).first() is None
        ok = runner.invoke(cli, ["admin", "create", "--username", "boss", "--password",
                                 "copper wire 1986"])
        assert ok.exit_code == 0, ok.output
        with db.read() as s:
            assert s.execute(select(User.role).where(User.username == "boss")).scalar_one() \
                == "admin"
    finally:
        get_settings.cache_clear()


def test_the_demo_keeps_its_published_password(db, settings):
    from seed.demo import DEMO_PASSWORD, seed_demo

    seed_demo(db, settings, weeks=0)
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(settings, db)) as client:
        r = client.post("/api/v1/auth/token", json={"username": "demo-collector",
                                                    "password": DEMO_PASSWORD})
    assert (DEMO_PASSWORD, r.status_code) == ("demo-pass", 200)
