"""The phone app in headless Chromium: collect → ship → receive, the offline queue, refusals,
the language switch and the shell opening offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import httpx
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
    page.wait_for_load_state("networkidle")
    if path == "/app/":
        # The reference data (grades, regions, destinations) is cached at once: the site's
        # region shown by name, not its code, means all of it is there for offline use.
        expect(page.get_by_test_id("site-select")).to_contain_text(re.compile(r"· \D"))


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


# Emoji need an emoji font, missing in headless Chromium and on many phones: none in the UI.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")
# An enum value sent by the API (`in_province`, `traced`, `in_transit`…) shown as is.
RAW_ENUM = re.compile(r"\b(?:[a-z]+_[a-z_]+|traced|declared|imported|active|consumed|void|collect|"
                      r"ship|receive|transform|assay|melt|declare|household|business|dealer)\b")


def assert_no_raw_values(page: Page) -> None:
    """The Chinese screen shows no enum value untranslated (nor any lowercase word at all)."""
    text = page.locator("main").inner_text()
    assert not RAW_ENUM.search(text), RAW_ENUM.findall(text)
    assert not re.findall(r"[a-z]{3,}", text), text


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
    tiles = page.locator("nav.grid .tile")
    expect(tiles).to_have_count(5)  # collect, ship, receive, look up, queue
    expect(tiles.locator("svg[aria-hidden=true]")).to_have_count(5)  # drawn, not emoji
    assert not EMOJI.search(page.locator("main").inner_text())
    expect(page.get_by_test_id("go-collect")).to_have_text("回收登记")
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
    expect(page.get_by_test_id("lot-list")).to_contain_text("废铝易拉罐（散装）")  # the grade by name
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
    # Every enum on the card is translated: the composition legend, the history labels.
    legend = page.get_by_test_id("composition-legend")
    expect(legend.locator(".legend-label")).to_have_text(["消费后 · 省内 · 平台追溯"])
    expect(legend.locator(".legend-kg")).to_have_text(["412.4 kg 100%"])
    expect(page.get_by_test_id("composition-shares").locator("li")).to_have_text(
        ["100% 消费后", "100% 平台追溯", "100% 省内"])
    history = page.get_by_test_id("lot-history")
    expect(history.locator("li strong")).to_have_text(["回收登记", "发货", "到货签收"])
    # The collector's event, redacted for the sorter: the origin, never the seller or weights.
    expect(history.locator("li").nth(0).locator("div.hint")).to_have_text("消费后")
    expect(history.locator("li").nth(1)).to_contain_text("发往 贵阳分拣中心 · 纯电动货车")
    assert_no_raw_values(page)
    shot(page, "06-lot-card")
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("composition-legend")).to_contain_text(
        "Post-consumer · In province · Traced on platform")
    expect(history.locator("li strong")).to_have_text(
        ["Collected from seller", "Shipped", "Received at site"])
    expect(page.get_by_test_id("lot-status")).to_have_text("In stock")
    page.get_by_test_id("lang").click()
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
    expect(refused.get_by_test_id("refusal")).to_contain_text("批次不在库")
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


def test_lot_card_draws_the_composition_of_a_merged_lot(context: Any, server: Server) -> None:
    """Four cells (in and out of province, traced and declared, post- and pre-consumer) as one
    bar by mass, with a translated legend; the merge shows as 分拣/加工 · 合并 in the history."""
    api = httpx.Client(base_url=server.url + "/api/v1")
    start = datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=2)
    step = iter(range(100))

    def post(user: str, site: str, body: dict[str, Any]) -> dict[str, Any]:
        tok = api.post("/auth/token", json={"username": user, "password": "demo-pass"}) \
            .json()["access_token"]
        when = (start + timedelta(minutes=next(step))).isoformat(timespec="seconds")
        r = api.post("/events", headers={"Authorization": f"Bearer {tok}"},
                     json={"id": str(uuid4()), "occurred_at": when, "site": site, **body})
        assert r.status_code == 201, r.text
        return dict(r.json())

    def collect_(user: str, site: str, origin: str, kg: float, kind: str = "collect",
                 **more: Any) -> str:
        body = {"type": kind, "metal": "Al", "grade": "AL-TALC", "origin": origin, "mass_kg": kg}
        return str(post(user, site, body | more)["created_lots"][0])

    ours = collect_("demo-sorter", "GY-FJ-1", "post_consumer", 300)
    offcuts = collect_("demo-sorter", "GY-FJ-1", "pre_consumer", 120,
                       source={"kind": "business"})
    paper = collect_("demo-sorter", "GY-FJ-1", "post_consumer", 80, kind="declare",
                     reason="paper_record")
    far = collect_("cq-op", "CQ-HS-1", "post_consumer", 150, source={"kind": "dealer"})
    post("cq-op", "CQ-HS-1", {"type": "ship", "lots": [far], "to_site": "GY-FJ-1",
                              "transport": {"mode": "rail"}})
    post("demo-sorter", "GY-FJ-1", {"type": "receive", "lots": [{"lot": far, "mass_kg": 150}]})
    merged = post("demo-sorter", "GY-FJ-1", {
        "type": "transform", "kind": "merge",
        "inputs": [{"lot": c} for c in (ours, offcuts, paper, far)],
        "outputs": [{"mass_kg": 640}]})["created_lots"][0]

    page = context.new_page()
    errors: list[Any] = []
    page.on("pageerror", lambda e: errors.append(e))  # a fresh phone opens the card before its first sync
    login(page, server, "demo-sorter", f"/app/lot/{merged}")
    expect(page.get_by_test_id("lot-mass")).to_have_text("640 kg")
    legend = page.get_by_test_id("composition-legend")
    expect(legend.locator(".legend-label")).to_have_text([
        "消费后 · 省内 · 平台追溯", "消费后 · 省内 · 申报", "消费后 · 省外 · 平台追溯",
        "消费前（工业边角料） · 省内 · 平台追溯"])
    expect(page.get_by_test_id("composition-bar").locator(".seg")).to_have_count(4)
    widths = page.get_by_test_id("composition-bar").locator(".seg").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    masses = [300, 80, 150, 120]  # the cells' shares of the 640 kg, in the legend's order
    for w, m in zip(widths, masses, strict=True):
        assert abs(w / sum(widths) - m / sum(masses)) < 0.02, (widths, masses)
    expect(page.get_by_test_id("composition-shares").locator("li")).to_have_text(
        ["81.5% 消费后", "87.7% 平台追溯", "76.9% 省内"])
    expect(page.get_by_test_id("composition-bar")).to_have_attribute(
        "aria-label", re.compile("^按重量构成：消费后 · 省内 · 平台追溯 46.2%"))
    expect(page.get_by_test_id("lot-history").locator("li strong")).to_have_text(["分拣/加工"])
    expect(page.get_by_test_id("lot-history")).to_contain_text("合并 · 640 kg")
    assert_no_raw_values(page)
    shot(page, "12-merged-lot")

    page.goto(f"{server.url}/app/lot/{paper}")
    expect(page.get_by_test_id("lot-status")).to_have_text("已消耗")
    expect(page.get_by_test_id("lot-history").locator("li strong")).to_have_text(
        ["申报入账", "分拣/加工"])
    expect(page.get_by_test_id("lot-history")).to_contain_text("消费后 · 纸质记录 · 80 kg")
    assert_no_raw_values(page)
    assert not errors
