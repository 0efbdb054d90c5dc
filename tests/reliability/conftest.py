"""Fixtures of the reliability suite: empty migrated databases on demand, an app, logins."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import _empty_pg


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path,
             sqlite_template: Path) -> Callable[[], str]:
    """A function answering the URL of an empty, migrated database (a new one on each call;
    on PostgreSQL the same database emptied, with its sequences restarted)."""
    counter = iter(range(1000))
    if request.param == "sqlite":
        def make() -> str:
            path = tmp_path / f"db{next(counter)}.db"
            shutil.copy(sqlite_template, path)
            return f"sqlite:///{path}"
        return make
    url: str = request.getfixturevalue("pg_migrated")

    def make_pg() -> str:
        _empty_pg(url)
        return url
    return make_pg
