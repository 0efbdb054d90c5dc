"""The desk screens in Chromium: a smelter receives and melts with a preview that equals what is
recorded; an auditor opens producers, a producer's trend, the Sankey, a lineage and findings."""

from __future__ import annotations

import os
import re
from typing import Any

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, ROOT, Server
from tests.e2e.desk_data import DemoApi
from tests.e2e.test_newcomer import login

pytestmark = pytest.mark.e2e
IMG = ROOT / "docs" / "img" if os.environ.get("SCRAPTRACE_DOC_SCREENSHOTS") else ARTIFACTS
IMG.mkdir(exist_ok=True)
WIDTHS: dict[int, dict[str, Any]] = {
    390: {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True,
          "has_touch": True, "locale": "zh-CN"},
    1366: {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}}


@pytest.fixture
def demo(server: Server) -> DemoApi:
    return DemoApi(server.url)


def open_page(browser: Any, width: int, user: str, server: Server) -> tuple[Any, Page, list[str]]:
    ctx = browser.new_context(**WIDTHS[width])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))

    def console(msg: Any) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} {msg.location}")

    page.on("console", console)
    login(page, server, user)
    return ctx, page, errors


def snap(page: Page, name: str) -> None:
    """A full-page screenshot from the top (the sticky top bar then sits where it belongs)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(IMG / f"{name}.png"), full_page=True)


def goto(page: Page, path: str) -> None:
    page.evaluate("(p) => { history.pushState(null, '', '/app' + p); "
                  "dispatchEvent(new PopStateEvent('popstate')); }", path)


@pytest.mark.parametrize("width", [390, 1366])
def test_smelter_receives_then_melts_as_previewed(browser: Any, server: Server, demo: DemoApi,
                                                  width: int) -> None:
    lot = demo.collect(812.5)
    demo.to_smelter(lot, 812.5)
    before = demo.share()
    ctx, page, errors = open_page(browser, width, "demo-smelter", server)
    # Intake: the lot in transit to the site, weighed within the tolerance.
    page.get_by_test_id("go-receive").click()
    page.get_by_test_id(f"incoming-{lot}").click()
    page.get_by_test_id(f"mass-{lot}").fill("810.5")
    page.get_by_test_id("save").click()
    expect(page.locator(".badge.done")).to_have_count(1, timeout=10_000)
    page.locator(".brand").click()
    page.wait_for_load_state("networkidle")
    # The melt: the received lot and primary ingot; the preview comes from the server's dry run.
    page.get_by_test_id("go-melt").click()
    page.get_by_test_id(f"stock-{lot}").click()
    expect(page.get_by_test_id(f"charge-mass-{lot}")).to_have_value("810.5")
    page.get_by_test_id("primary-add").click()
    page.get_by_test_id("primary-material-0").fill("A00 铝锭")
    page.get_by_test_id("primary-mass-0").fill("90")
    page.get_by_test_id("primary-pct-0").fill("99.7")
    with page.expect_response(lambda r: "dry_run=1" in r.url) as answer:
        page.get_by_test_id("melt-output").fill("780")
    preview = answer.value.json()
    expect(page.get_by_test_id("melt-preview")).to_be_visible()
    [melt], [product] = preview["melts"], preview["lots"]
    # Talc at 88 %: 713.24 kg of post-consumer metal; the ingot 89.73 kg of primary metal.
    assert (melt["post_consumer_kg"], melt["primary_kg"]) == (713.24, 89.73)
    assert melt["recycled_pct"] == round(713.24 / (713.24 + 89.73) * 100, 2) == 88.83
    expect(page.get_by_test_id("share-recycled")).to_have_attribute("data-value", "88.83")
    expect(page.get_by_test_id("share-recycled")).to_contain_text("88.83 %")
    expect(page.get_by_test_id("preview-cell")).to_have_count(2)
    snap(page, "desk-melt-preview" + ("" if width == 1366 else "-phone"))
    page.get_by_test_id("melt-confirm").click()
    expect(page.get_by_test_id("melt-same")).to_have_class("ok", timeout=15_000)
    # What was recorded is what was previewed: the product lot, and the report's terms.
    assert demo.get("demo-smelter", f"/lots/{product['code']}") == product
    after = demo.share()
    for term in ("post_consumer_kg", "pre_consumer_kg", "declared_kg", "primary_kg"):
        assert round((after[term] - before.get(term, 0)) * 1000) == round(melt[term] * 1000)
    assert errors == []
    ctx.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_auditor_opens_producers_trend_sankey_lineage_and_findings(
        browser: Any, server: Server, demo: DemoApi, width: int) -> None:
    product = demo.melted()
    ctx, page, errors = open_page(browser, width, "demo-auditor", server)
    tiles = page.get_by_test_id("actions").locator(".tile")
    assert [t.get_attribute("data-testid") for t in tiles.all()] == [
        "go-producers", "go-flows", "go-lineage", "go-findings", "go-lookup"]
    suffix = "" if width == 1366 else "-phone"

    page.get_by_test_id("go-producers").click()
    row = page.get_by_test_id("producer-QN-LY")
    expect(row).to_be_visible()
    share = demo.share()
    shown = f"{round(share['recycled_share'] * 100, 2):.2f}".rstrip("0").rstrip(".") + "%"
    expect(row.get_by_test_id("recycled")).to_have_text(shown)
    expect(row.locator("svg.spark path")).to_have_attribute("d", re.compile(r"^M[\d.]+ [\d.]+"))
    snap(page, f"desk-producers{suffix}")

    page.get_by_test_id("open-QN-LY").click()
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-state", "drawn", timeout=15_000)
    expect(chart.locator("svg path").first).to_be_attached()
    expect(page.get_by_test_id("mass-balance")).to_contain_text("都匀再生铝厂")
    snap(page, f"desk-producer{suffix}")
    if width == 1366:  # printed, the producer's page is a one-page report without controls
        page.emulate_media(media="print")
        expect(page.get_by_test_id("downloads")).to_be_hidden()
        expect(page.get_by_test_id("year")).to_be_hidden()
        expect(page.locator(".print-only")).to_contain_text("-01-01 – ")
        pdf = pdfium.PdfDocument(page.pdf(format="A4"))
        assert len(pdf) == 1
        page.emulate_media(media="screen")

    goto(page, "/flows")
    sankey = page.get_by_test_id("sankey")
    expect(sankey).to_have_attribute("data-state", "drawn", timeout=15_000)
    expect(sankey).to_contain_text("黔南再生铝业有限公司")
    expect(sankey).to_contain_text("贵阳")
    snap(page, f"desk-flows{suffix}")

    goto(page, f"/lot/{product}")  # a scanned label opens the lot card; its lineage from there
    page.get_by_test_id("lot-lineage").click()
    expect(page.get_by_test_id("lineage-code")).to_have_value(f"{product[:3]}-{product[3:6]}-{product[6:]}")
    graph = page.get_by_test_id("lineage-graph")
    expect(graph).to_have_attribute("data-state", "drawn", timeout=15_000)
    expect(page.get_by_test_id("lineage-nodes").locator("li")).to_have_count(2)
    # 580 kg of product carry 528 kg of Talc metal (600 × 0.88) of 568 kg (with 40 kg primary):
    # 580 × 528 / 568 = 539.155 kg came from Guiyang, collected post-consumer.
    expect(page.get_by_test_id("lineage-origins")).to_contain_text("贵阳市消费后 · 平台追溯539.155 kg")
    snap(page, f"desk-lineage{suffix}")

    goto(page, "/findings")
    page.get_by_test_id("filter-kind").select_option("weight-gap")
    item = page.get_by_test_id("findings-list").locator("li", has_text="黔南再生铝业有限公司").first
    item.locator("button").click()
    expect(page.get_by_test_id("finding")).to_contain_text("到货磅差超限")
    page.get_by_test_id("note-text").fill(f"磅单已核对 {width}")
    page.get_by_test_id("note-add").click()
    expect(page.get_by_test_id("finding-notes")).to_contain_text(f"磅单已核对 {width}")
    # 40 kg light against the larger of 0.5 % of 640 kg and 20 kg.
    expect(page.get_by_test_id("finding")).to_contain_text("实测值40阈值20")
    expect(page.get_by_test_id("finding")).to_contain_text("黔南再生铝业有限公司 · 都匀再生铝厂")
    snap(page, f"desk-findings{suffix}")
    page.get_by_test_id("status-acknowledged").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已确认")
    assert errors == []
    ctx.close()


def test_the_phone_app_loads_no_desk_or_chart_chunk(browser: Any, server: Server) -> None:
    ctx, page, errors = open_page(browser, 390, "demo-collector", server)
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    page.get_by_test_id("go-collect").click()
    page.wait_for_load_state("networkidle")
    assert not [u for u in loaded if "/assets/desk-" in u or "/assets/chart-" in u]
    entries = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    assert [u for u in entries if "/assets/" in u and ("desk-" in u or "chart-" in u)] == []
    assert errors == []
    ctx.close()


