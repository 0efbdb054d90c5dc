"""The phone app in headless Chromium: collect → ship → receive, the offline queue, refusals,
the language switch and the shell opening offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from domain.models import Event, Lot, Site
from tests.e2e.conftest import PHONE, Server, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(**PHONE)
    yield ctx
    ctx.close()


def login(page: Page, server: Server, user: str, path: str = "/app/") -> None:
    page.goto(server.url + path)
    page.get_by_test_id("username").fill(user)
    page.get_by_test_id("password").fill("demo-pass")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("logout")).to_be_visible()


def collect(page: Page, mass: str, grade: str = "AL-TALC") -> str:
    """Fill the collect form with a new code; answers the code shown on the label."""
    page.get_by_test_id("go-collect").click()
    page.get_by_test_id("new-code").click()
    page.get_by_test_id("grade").select_option(grade)
    page.get_by_test_id("mass").fill(mass)
    page.get_by_test_id("save").click()
    code = page.get_by_test_id("label-code").inner_text().replace("-", "")
    page.locator(".brand").click()
    return code


def events_with(server: Server, **where: Any) -> list[Event]:
    with server.db.read() as s:
        stmt = select(Event)
        for k, v in where.items():
            stmt = stmt.where(getattr(Event, k) == v)
        return list(s.execute(stmt).scalars())


def event_ids_for(server: Server, lot: str) -> list[tuple[str, str]]:
    with server.db.read() as s:
        rows = s.execute(select(Event.type, Event.payload)).all()
    return [(t, p) for t, p in rows if lot in str(p)]


def test_collect_ship_receive_through_the_ui(browser: Any, server: Server) -> None:
    collector = browser.new_context(**PHONE)
    page = collector.new_page()
    login(page, server, "demo-collector")
    shot(page, "01-home")
    page.get_by_test_id("go-collect").click()
    page.get_by_test_id("new-code").click()
    expect(page.get_by_text("✓")).to_be_visible()
    page.get_by_test_id("grade").select_option("AL-TALC")
    page.get_by_test_id("mass").fill("412.5")
    shot(page, "02-collect")
    page.get_by_test_id("save").click()
    code = page.get_by_test_id("label-code").inner_text().replace("-", "")
    expect(page.get_by_test_id("label-img")).to_be_visible()
    expect(page.get_by_test_id("label-state")).to_have_text("已保存")
    shot(page, "03-label")

    page.goto(server.url + "/app/ship")
    page.get_by_test_id("lot-input").fill(code.lower())
    page.get_by_test_id("lot-add").click()
    expect(page.get_by_test_id("lot-list")).to_contain_text("AL-TALC")
    page.get_by_test_id("to-site").select_option("GY-FJ-1")
    page.get_by_test_id("mode").select_option("road_electric")
    page.get_by_test_id("vehicle").fill("贵A·D1234")
    page.get_by_test_id("distance").fill("35")
    shot(page, "04-ship")
    page.get_by_test_id("save").click()
    expect(page.locator("[data-state=done]")).to_have_count(2)
    collector.close()

    sorter = browser.new_context(**PHONE)
    page = sorter.new_page()
    login(page, server, "demo-sorter")
    page.get_by_test_id("go-receive").click()
    page.get_by_test_id(f"incoming-{code}").click()
    page.get_by_test_id(f"mass-{code}").fill("380")
    expect(page.get_by_test_id(f"diff-{code}")).to_contain_text("超出允差")
    shot(page, "05-receive-tolerance")
    page.get_by_test_id(f"mass-{code}").fill("412.4")
    expect(page.get_by_test_id(f"diff-{code}")).not_to_contain_text("超出允差")
    page.get_by_test_id("save").click()
    expect(page.locator("[data-state=done]")).to_have_count(1)
    page.goto(f"{server.url}/app/lot/{code}")
    expect(page.get_by_test_id("lot-status")).to_have_text("在库")
    expect(page.get_by_test_id("lot-history").locator("li")).to_have_count(3)
    shot(page, "06-lot-card")
    sorter.close()

    with server.db.read() as s:
        lot = s.execute(select(Lot).where(Lot.code == code)).scalar_one()
        site = s.execute(select(Site.code).where(Site.id == lot.site_id)).scalar_one()
    assert (lot.status, lot.mass_g, site) == ("active", 412_400, "GY-FJ-1")
    assert [t for t, _ in event_ids_for(server, code)] == ["collect", "ship", "receive"]
