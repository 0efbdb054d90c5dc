"""Browser tests: a real server on a free port, the built phone app, Debian's headless Chromium."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from domain.db import Database
from domain.settings import Settings
from seed.demo import seed_demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)")
    return CHROMIUM


@pytest.fixture(scope="session")
def built_app() -> Path:
    """The built app (`make web` builds it; a bare pytest run builds it here)."""
    index = ROOT / "api" / "static" / "app" / "index.html"
    if not index.exists():
        if shutil.which("npm") is None:
            pytest.fail("the web app is not built and npm is missing: run `make web`")
        web = ROOT / "clients" / "web"
        subprocess.run("npm ci --no-audit --no-fund || npm install --no-audit --no-fund",
                       shell=True, cwd=web, check=True)
        subprocess.run(["npm", "run", "build"], cwd=web, check=True)
    return index.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db: Database
    settings: Settings


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
           built_app: Path) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    shutil.copy(sqlite_template, path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=f"sqlite:///{path}", public_url=url)
    db = Database(settings.database_url)
    seed_demo(db, settings, weeks=0)
    config = uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield Server(url, db, settings)
    srv.should_exit = True
    thread.join(10)
    db.dispose()


@pytest.fixture(scope="session")
def playwright_() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_: Any, chromium: str) -> Iterator[Any]:
    b = playwright_.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
    yield b
    b.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
