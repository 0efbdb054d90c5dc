"""A newcomer's first hour in Chromium: the offline API docs, the friendly lot page, each role's
home at 360 px and 1,366 px (screenshots in docs/img/)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlparse
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import Page, expect

from domain import codes
from tests.e2e.conftest import ARTIFACTS, ROOT, Server

pytestmark = pytest.mark.e2e
# The screenshots of docs/img are refreshed with SCRAPTRACE_DOC_SCREENSHOTS=1; a plain run writes
# them to test-artifacts/ and leaves the work tree clean.
IMG = ROOT / "docs" / "img" if os.environ.get("SCRAPTRACE_DOC_SCREENSHOTS") else ARTIFACTS
IMG.mkdir(exist_ok=True)
NARROW: dict[str, Any] = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1,
                          "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
WIDE: dict[str, Any] = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


def offline(ctx: Any) -> list[str]:
    """Abort every request that leaves this machine; answers the list of what was refused."""
    refused: list[str] = []

    def route(r: Any) -> None:
        if urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return refused


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    ctx = browser.new_context(**WIDE)
    refused = offline(ctx)
    yield ctx.new_page()
    ctx.close()
    assert refused == []


def test_docs_list_the_operations_with_the_network_blocked(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    page.locator("#docs").click()
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/api/v1/auth/token", "/api/v1/events", "/api/v1/lots/{code}",
            "/api/v1/reports/recycled-share"} <= {p.replace("\u200b", "") for p in paths}
    page.screenshot(path=str(IMG / "api-docs-offline.png"))


def test_mistyped_label_code_shows_the_friendly_page(browser: Any, server: Server) -> None:
    ctx = browser.new_context(**NARROW)
    offline(ctx)
    page = ctx.new_page()
    good = codes.new_lot_code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = page.goto(f"{server.url}/l/{bad[:3]}-{bad[3:6]}-{bad[6:]}")
    assert response is not None and response.status == 422
    expect(page.locator("#why")).to_have_attribute("data-reason", "mistyped")
    expect(page.locator("#why")).to_contain_text("编码有误")
    expect(page.locator("body")).to_contain_text("This code is mistyped")
    page.screenshot(path=str(IMG / "public-mistyped.png"))
    page.locator("#again").fill(codes.format_lot_code(good))
    page.locator("form button").click()
    expect(page.locator("#why")).to_have_attribute("data-reason", "unknown")
    ctx.close()


# What each demo user's home offers (role and organisation kind), and nothing else.
HOMES = {
    "demo-collector": ["collect", "ship", "receive", "lookup", "queue"],
    "demo-sorter": ["collect", "ship", "receive", "sort", "lookup", "queue"],
    "demo-smelter": ["receive", "assay", "melt", "lookup", "queue"],
    "demo-auditor": ["producers", "flows", "lineage", "findings", "lookup"],
}
WHO = {"demo-collector": "贵阳城投再生资源回收站 · 操作员 · 回收站点",
       "demo-sorter": "贵阳再生资源分拣中心 · 操作员 · 分拣中心",
       "demo-smelter": "黔南再生铝业有限公司 · 操作员 · 冶炼厂",
       "demo-auditor": "贵州省工业和信息化厅 · 审核员（只读） · 主管部门"}


def login(page: Page, server: Server, user: str) -> None:
    page.goto(server.url + "/app/")
    page.get_by_test_id("username").fill(user)
    page.get_by_test_id("password").fill("demo-pass")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("who")).to_be_visible()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("user", list(HOMES))
def test_each_roles_home_shows_only_its_actions(browser: Any, server: Server, user: str,
                                                width: int) -> None:
    ctx = browser.new_context(**(NARROW if width == 360 else WIDE))
    offline(ctx)
    page = ctx.new_page()
    login(page, server, user)
    tiles = page.get_by_test_id("actions").locator(".tile")
    expect(tiles).to_have_count(len(HOMES[user]))
    assert [t.get_attribute("data-testid") for t in tiles.all()] == [
        f"go-{key}" for key in HOMES[user]]
    expect(page.get_by_test_id("who")).to_have_text(WHO[user])
    # The top bar: two rows of one line each, whatever the user name.
    rows = page.locator("header.topbar .row")
    assert [round(r.bounding_box()["height"]) <= 40 for r in rows.all()] == [True, True]
    assert page.locator("header.topbar").bounding_box()["height"] <= 90
    if width == 360:
        page.screenshot(path=str(IMG / f"home-{user.removeprefix('demo-')}.png"))
    ctx.close()


def test_an_auditor_cannot_open_a_recording_screen(browser: Any, server: Server) -> None:
    ctx = browser.new_context(**NARROW)
    page = ctx.new_page()
    login(page, server, "demo-auditor")
    for path in ("/app/collect", "/app/melt"):
        page.goto(server.url + path)
        expect(page.get_by_test_id("actions").locator(".tile")).to_have_count(
            len(HOMES["demo-auditor"]))
        expect(page.get_by_test_id("save")).to_have_count(0)
        expect(page.get_by_test_id("melt-confirm")).to_have_count(0)
    ctx.close()


QUEUED_TYPES = """() => new Promise((ok) => {
    const req = indexedDB.open('scraptrace', 1);
    req.onsuccess = () => {
        const all = req.result.transaction('queue').objectStore('queue').getAll();
        all.onsuccess = () => ok(all.result.map((q) => q.body.type));
    };
})"""


def test_a_mixed_grade_merge_without_an_output_grade_is_not_queued(browser: Any,
                                                                   server: Server) -> None:
    api = httpx.Client(base_url=server.url + "/api/v1")
    tok = api.post("/auth/token", json={"username": "demo-sorter", "password": "demo-pass"}) \
        .json()["access_token"]
    when = (datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=1)).isoformat(
        timespec="seconds")
    lots = []
    for grade, kg in (("AL-TALC", 100), ("AL-TOTO", 50)):
        r = api.post("/events", headers={"Authorization": f"Bearer {tok}"}, json={
            "id": str(uuid4()), "type": "collect", "occurred_at": when, "site": "GY-FJ-1",
            "metal": "Al", "grade": grade, "origin": "post_consumer", "mass_kg": kg})
        assert r.status_code == 201, r.text
        lots.append(r.json()["created_lots"][0])
    ctx = browser.new_context(**NARROW)
    page = ctx.new_page()
    login(page, server, "demo-sorter")
    page.get_by_test_id("go-sort").click()
    page.get_by_test_id("kind").select_option("merge")
    for code in lots:
        page.get_by_test_id("input-input").fill(code)
        page.get_by_test_id("input-add").click()
    page.get_by_test_id("out-mass-0").fill("140")
    expect(page.get_by_test_id("grade-required")).to_have_text(
        "投入批次品级不同：请为每个产出选择品级")
    expect(page.get_by_test_id("save")).to_be_disabled()
    assert page.evaluate(QUEUED_TYPES) == []
    page.get_by_test_id("out-grade-0").select_option("AL-TALC")
    expect(page.get_by_test_id("grade-required")).to_have_count(0)
    expect(page.get_by_test_id("save")).to_be_enabled()
    ctx.close()
