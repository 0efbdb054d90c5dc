"""Test databases built by the real migrations: SQLite always, PostgreSQL when configured.

`SCRAPTRACE_TEST_PG_URL` (a postgresql+psycopg:// URL of a database the tests may empty) makes
every database test run on PostgreSQL too; without it those runs are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlmodel import SQLModel

from domain.db import Database
from domain.migrate import upgrade
from domain.settings import Settings

PG_URL = os.environ.get("SCRAPTRACE_TEST_PG_URL")
NO_PG = "SCRAPTRACE_TEST_PG_URL is not set: PostgreSQL runs skipped"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> str:
    if not PG_URL:
        pytest.skip(NO_PG)
    db = Database(PG_URL)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.dispose()
    upgrade(PG_URL)
    return PG_URL


def _empty_pg(url: str) -> None:
    db = Database(url)
    names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_migrated")
    _empty_pg(url)
    return url


@pytest.fixture
def settings(db_url: str) -> Settings:
    # The factories date events from 2026-03-02 on: the window for late records is widened.
    return Settings(database_url=db_url, public_url="https://trace.example.test",
                    backdate_days=3650)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many PostgreSQL runs passed, so a CI log shows that they ran."""
    passed = [r for r in terminalreporter.stats.get("passed", []) if "pg" in r.keywords]
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "pg" in r.keywords]
    terminalreporter.write_line(
        f"PostgreSQL tests: {len(passed)} passed, {len(skipped)} skipped")


# Examples are never timed: a busy machine (CI, two cores) must not fail a property.
hypothesis_settings.register_profile("untimed", deadline=None)
hypothesis_settings.load_profile("untimed")
