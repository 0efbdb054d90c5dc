"""The phone app in headless Chromium: collect → ship → receive, the offline queue, refusals,
the language switch and the shell opening offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from domain.codes import lot_check_symbol
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
    page.wait_for_load_state("networkidle")  # grades, sites and lots cached for offline use


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


def count_events(server: Server, ids: list[str]) -> dict[str, int]:
    with server.db.read() as s:
        rows = s.execute(select(Event.id, func.count()).where(Event.id.in_(ids))
                         .group_by(Event.id)).all()
    return {i: 0 for i in ids} | {r[0]: r[1] for r in rows}


def queued_ids(page: Page) -> list[str]:
    ids = page.locator("[data-state]").evaluate_all("els => els.map(e => e.dataset.testid.slice(2))")
    return list(reversed(ids))


def test_offline_queue_of_three_is_stored_exactly_once(context: Any, server: Server) -> None:
    page = context.new_page()
    login(page, server, "demo-collector")
    context.set_offline(True)
    expect(page.get_by_test_id("net")).to_have_text("离线")
    codes = [collect(page, mass) for mass in ("101.5", "202", "303.25")]
    expect(page.get_by_test_id("pending")).to_have_text("待同步 3 条")
    page.get_by_test_id("pending").click()
    ids = queued_ids(page)
    assert len(ids) == 3
    shot(page, "07-offline-queue")
    assert count_events(server, ids) == dict.fromkeys(ids, 0)

    context.set_offline(False)  # the `online` event syncs without a button press
    expect(page.get_by_test_id("pending")).to_have_text("待同步 0 条")
    expect(page.locator("[data-state=done]")).to_have_count(3)
    assert count_events(server, ids) == dict.fromkeys(ids, 1)
    with server.db.read() as s:
        masses = dict(s.execute(select(Lot.code, Lot.mass_g).where(Lot.code.in_(codes))).all())
    assert masses == {codes[0]: 101_500, codes[1]: 202_000, codes[2]: 303_250}


def test_a_lost_response_is_resent_and_not_duplicated(browser: Any, server: Server) -> None:
    # Service workers are blocked so that routing sees every request of the page.
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    login(page, server, "demo-collector")
    lost: list[str] = []

    def drop_response(route: Any) -> None:
        route.fetch()  # the server stores the event...
        lost.append(route.request.post_data_json["id"])
        route.abort("connectionreset")  # ...and the phone never hears back

    page.route("**/api/v1/events", drop_response)
    code = collect(page, "77")
    expect(page.get_by_test_id("pending")).to_have_text("待同步 1 条")
    assert count_events(server, lost) == {lost[0]: 1}
    page.unroute("**/api/v1/events")
    replays: list[int] = []
    page.on("response", lambda r: replays.append(r.status) if r.url.endswith("/events") else None)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("pending")).to_have_text("待同步 0 条")
    assert replays == [200]  # an exact replay answers the original result
    assert count_events(server, lost) == {lost[0]: 1}
    with server.db.read() as s:
        assert s.execute(select(func.count()).select_from(Lot).where(Lot.code == code)) \
            .scalar_one() == 1
    context.close()


def test_a_refused_queued_event_is_shown_with_its_reason(context: Any, server: Server) -> None:
    page = context.new_page()
    login(page, server, "demo-collector")
    context.set_offline(True)
    code = collect(page, "55")
    for to in ("GY-FJ-1", "ZY-FJ-1"):  # the same lot twice: the second cannot succeed
        page.get_by_test_id("go-ship").click()
        page.get_by_test_id("lot-input").fill(code)
        page.get_by_test_id("lot-add").click()
        page.get_by_test_id("to-site").select_option(to)
        page.get_by_test_id("save").click()
        page.locator(".brand").click()
    expect(page.get_by_test_id("pending")).to_have_text("待同步 3 条")
    context.set_offline(False)
    expect(page.get_by_test_id("refused-alert")).to_have_text("1 条被服务器拒绝")
    page.get_by_test_id("refused-alert").click()
    refused = page.locator("[data-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("ZY-FJ-1")
    expect(refused.get_by_test_id("refusal")).to_contain_text("lot-not-active")
    expect(page.locator("[data-state=done]")).to_have_count(2)
    shot(page, "08-refused")
    with server.db.read() as s:
        lot = s.execute(select(Lot).where(Lot.code == code)).scalar_one()
        dest = s.execute(select(Site.code).where(Site.id == lot.dest_site_id)).scalar_one()
    assert (lot.status, dest) == ("in_transit", "GY-FJ-1")


def test_language_switch_translates_and_is_remembered(context: Any, server: Server) -> None:
    page = context.new_page()
    page.goto(server.url + "/app/")
    expect(page.get_by_test_id("login-submit")).to_have_text("登录")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("login-submit")).to_have_text("Log in")
    login(page, server, "demo-collector")
    expect(page.get_by_test_id("go-collect")).to_contain_text("Collect")
    expect(page.get_by_test_id("pending")).to_have_text("0 pending")
    page.reload()
    expect(page.get_by_test_id("go-ship")).to_contain_text("Ship")
    assert page.evaluate("document.documentElement.lang") == "en"
    shot(page, "09-english")
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("go-ship")).to_contain_text("发货")


def test_the_shell_opens_offline_and_typed_codes_are_checked(context: Any,
                                                               server: Server) -> None:
    page = context.new_page()
    login(page, server, "demo-collector")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("go-collect")).to_be_visible()
    page.get_by_test_id("go-lookup").click()
    field = page.get_by_test_id("lookup-input")
    field.fill("7KQ-M3X")
    expect(page.locator(".code-input .hint")).to_have_text("还需输入 3 位")
    good = "7KQM3X9P" + lot_check_symbol("7KQM3X9P")
    swapped = good[:7] + good[8] + good[7] if good[7] != good[8] else good[:-1] + "0"
    field.fill(swapped)
    expect(page.locator(".code-input .bad")).to_contain_text("校验位不符")
    field.fill(good.lower())
    expect(page.locator(".code-input .ok")).to_contain_text("批次码有效")


def test_label_url_opens_the_lot_card_when_logged_in(context: Any, server: Server) -> None:
    page = context.new_page()
    login(page, server, "demo-collector")
    code = collect(page, "12.5")
    expect(page.get_by_test_id("pending")).to_have_text("待同步 0 条")
    page.goto(f"{server.url}/l/{code}")
    expect(page).to_have_url(re.compile(f"/app/lot/{code}$"))
    expect(page.get_by_test_id("lot-mass")).to_have_text("12.5 kg")
