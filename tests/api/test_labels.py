"""Label HTTP surface: PNG/SVG labels that decode, batches with a PDF sheet, the public card."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from api.app import create_app
from domain import codes
from domain.db import Database
from domain.settings import Settings
from tests.factories import HW31, World

PUBLIC = "https://trace.example.test"


@pytest.fixture
def world(db: Database, settings: Settings) -> World:
    w = World(db, settings)
    w.org("HS", "collector", sites=(("HS-A", "520100"), ("HS-B", "520300")), licences=[HW31])
    w.org("HS2", "collector")
    return w


@pytest.fixture
def client(world: World, settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db)) as c:
        yield c


def token(client: TestClient, org: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": f"{org.lower()}-op",
                                                 "password": "pass-word-1"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def decode(img: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(img)
    assert all(b.format == zxingcpp.BarcodeFormat.QRCode for b in found)
    return [b.text for b in found]


def test_label_png_decodes_to_the_public_url_at_level_m(client: TestClient, world: World) -> None:
    lot = world.collect("HS", "412.5", site="HS-A", grade="AL-TALC")
    r = client.get(f"/api/v1/lots/{codes.format_lot_code(lot).lower()}/label.png",
                   headers=token(client, "HS"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content))
    assert img.size == (720, 480)
    found = zxingcpp.read_barcodes(img)
    assert [(b.text, b.ec_level) for b in found] == [(f"{PUBLIC}/l/{lot}", "M")]


def svg_to_image(svg: str) -> Image.Image:
    """Paint the QR path of a label SVG (runs `M x y h w v1 h -w z`) to decode it."""
    m = re.search(r'scale\(([\d.]+)\)" fill="#000" shape-rendering="crispEdges" d="([^"]+)"', svg)
    assert m
    img = Image.new("L", (60 * 8, 60 * 8), 255)
    draw = ImageDraw.Draw(img)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", m.group(2)):
        x0, y0 = int(x) * 8, int(y) * 8
        draw.rectangle((x0, y0, x0 + int(w) * 8 - 1, y0 + 7), fill=0)
    return img


def test_label_svg_holds_the_same_qr_and_the_code(client: TestClient, world: World) -> None:
    lot = world.collect("HS", "100", site="HS-A", metal="Cu", grade="CU-BARLEY")
    r = client.get(f"/api/v1/lots/{lot}/label.svg", headers=token(client, "HS"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert decode(svg_to_image(r.text)) == [f"{PUBLIC}/l/{lot}"]
    texts = re.findall(r">([^<>]+)</text>", r.text)
    assert texts == ["Cu", "CU-BARLEY", "光亮铜线", "HS-A", codes.format_lot_code(lot)]
    assert 'id="hazard"' not in r.text


def test_lead_battery_label_names_the_grade_in_chinese_and_marks_the_hazard(
        client: TestClient, world: World) -> None:
    lot = world.collect("HS", "800", site="HS-A", metal="Pb", grade="PB-RAINS")
    auth = token(client, "HS")
    svg = client.get(f"/api/v1/lots/{lot}/label.svg", headers=auth).text
    assert decode(svg_to_image(svg)) == [f"{PUBLIC}/l/{lot}"]
    assert re.findall(r">([^<>]+)</text>", svg) == [
        "Pb", "PB-RAINS", "废铅酸蓄电池（已排酸、完整）", "HS-A", "!", "危险废物", "HW31 900-052-31",
        codes.format_lot_code(lot)]
    assert re.search(r'<g id="hazard"><polygon points="[\d., ]+" fill="none" stroke="#000"', svg)
    png = Image.open(io.BytesIO(client.get(f"/api/v1/lots/{lot}/label.png", headers=auth).content))
    assert decode(png) == [f"{PUBLIC}/l/{lot}"]
    assert png.text == {"scraptrace:code": codes.format_lot_code(lot),
                        "scraptrace:grade": "PB-RAINS 废铅酸蓄电池（已排酸、完整）",
                        "scraptrace:hazard": "危险废物 HW31 900-052-31"}


def test_png_label_text_layer_of_a_harmless_grade_has_no_hazard(client: TestClient,
                                                                world: World) -> None:
    lot = world.collect("HS", "100", site="HS-A", grade="AL-TALC")
    r = client.get(f"/api/v1/lots/{lot}/label.png", headers=token(client, "HS"))
    assert Image.open(io.BytesIO(r.content)).text == {
        "scraptrace:code": codes.format_lot_code(lot), "scraptrace:grade": "AL-TALC 废铝易拉罐（散装）"}


def test_label_of_another_orgs_lot_is_not_found(client: TestClient, world: World) -> None:
    lot = world.collect("HS", "100", site="HS-A")
    r = client.get(f"/api/v1/lots/{lot}/label.png", headers=token(client, "HS2"))
    assert (r.status_code, r.json()["code"]) == (404, "lot-not-found")
    bad = lot[:-1] + ("0" if lot[-1] != "0" else "1")
    r = client.get(f"/api/v1/lots/{bad}/label.svg", headers=token(client, "HS"))
    assert (r.status_code, r.json()["code"]) == (422, "invalid-lot-code")
    assert r.headers["content-type"] == "application/problem+json"
    r = client.get(f"/api/v1/lots/{lot}/label.png")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")


def test_a4_sheet_of_20_decodes_to_the_20_codes_of_the_batch(client: TestClient,
                                                             world: World) -> None:
    auth = token(client, "HS")
    r = client.post("/api/v1/labels", json={"site": "HS-A", "count": 20, "layout": "a4"},
                    headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["pdf"] == f"/api/v1/labels/{body['batch']}.pdf"
    assert (body["site"], body["layout"], len(set(body["codes"]))) == ("HS-A", "a4", 20)
    pdf = client.get(body["pdf"], headers=auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    doc = pdfium.PdfDocument(pdf.content)
    assert len(doc) == 1
    assert [round(v) for v in doc[0].get_size()] == [595, 842]  # A4 in points
    found = decode(doc[0].render(scale=300 / 72).to_pil())
    assert sorted(found) == sorted(f"{PUBLIC}/l/{c}" for c in body["codes"])
    again = client.get(f"/api/v1/labels/{body['batch']}", headers=auth).json()
    assert again["codes"] == body["codes"]


def test_roll_layout_prints_one_60x40_label_per_page_in_order(client: TestClient,
                                                              world: World) -> None:
    auth = token(client, "HS")
    body = client.post("/api/v1/labels", json={"site": "HS-A", "count": 3, "layout": "roll"},
                       headers=auth).json()
    doc = pdfium.PdfDocument(client.get(body["pdf"], headers=auth).content)
    assert len(doc) == 3
    assert [round(v * 25.4 / 72) for v in doc[0].get_size()] == [60, 40]
    assert [decode(p.render(scale=8).to_pil()) for p in doc] == [
        [f"{PUBLIC}/l/{c}"] for c in body["codes"]]


@pytest.mark.parametrize(("body", "status", "code", "pointer"), [
    ({"site": "HS-A", "count": 0}, 422, "validation-error", "/count"),
    ({"site": "HS-A", "count": 1001}, 422, "validation-error", "/count"),
    ({"site": "HS-A", "count": 5, "layout": "a5"}, 422, "validation-error", "/layout"),
    ({"site": "HS-A", "count": "many"}, 422, "validation-error", "/count"),
    ({"site": "HS-A"}, 422, "validation-error", "/count"),
    ({"site": "HS2-S1", "count": 5}, 403, "not-your-site", "/site"),
    ({"site": "NOPE", "count": 5}, 404, "site-not-found", "/site"),
])
def test_allocation_refuses_bad_input(client: TestClient, world: World, body: dict[str, object],
                                      status: int, code: str, pointer: str) -> None:
    r = client.post("/api/v1/labels", json=body, headers=token(client, "HS"))
    problem = r.json()
    assert (r.status_code, problem["code"]) == (status, code)
    assert problem.get("pointer", problem.get("errors", [{}])[0].get("pointer")) == pointer


def test_batches_of_other_orgs_and_bad_ids_are_refused(client: TestClient, world: World) -> None:
    body = client.post("/api/v1/labels", json={"site": "HS-A", "count": 2},
                       headers=token(client, "HS")).json()
    other = token(client, "HS2")
    for path in (body["pdf"], f"/api/v1/labels/{body['batch']}",
                 f"/api/v1/labels/{uuid.uuid4()}.pdf"):
        r = client.get(path, headers=other)
        assert (r.status_code, r.json()["code"]) == (404, "label-batch-not-found")
    r = client.get("/api/v1/labels/not-a-uuid.pdf", headers=other)
    assert (r.status_code, r.json()["code"]) == (422, "validation-error")


def test_collect_event_with_another_sites_label_is_refused(client: TestClient,
                                                           world: World) -> None:
    auth = token(client, "HS")
    code = client.post("/api/v1/labels", json={"site": "HS-A", "count": 1},
                       headers=auth).json()["codes"][0]
    event = world.body("collect", "HS-B", lot=code, metal="Al", grade="AL-TALC",
                       origin="post_consumer", mass_kg=10)
    r = client.post("/api/v1/events", json=event, headers=auth)
    assert (r.status_code, r.json()["code"], r.json()["pointer"]) == (
        409, "label-code-other-site", "/lot")
    event = {**event, "id": str(uuid.uuid4()), "site": "HS-A"}
    r = client.post("/api/v1/events", json=event, headers=auth)
    assert (r.status_code, r.json()["created_lots"]) == (201, [code])


def test_public_page_shows_code_metal_grade_status_only(client: TestClient, world: World) -> None:
    lot = world.collect("HS", "412.5", site="HS-A", grade="AL-TALC")
    r = client.get(f"/l/{lot.lower()}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    fields = dict(re.findall(r'<dd id="(\w+)">([^<]*)</dd>', r.text))
    assert fields == {"metal": "铝 Aluminium",
                      "grade": "废铝易拉罐（散装） Post-consumer aluminium used beverage cans, "
                               "loose (UBC) (AL-TALC)",
                      "status": "在库 In stock"}
    assert codes.format_lot_code(lot) in r.text and f'href="/app/lot/{lot}"' in r.text
    assert "412" not in r.text and "HS-A" not in r.text


def test_me_names_the_org_and_its_sites(client: TestClient, world: World) -> None:
    r = client.get("/api/v1/me", headers=token(client, "HS"))
    assert r.json() == {"username": "hs-op", "role": "operator", "org": "HS",
                        "org_name": "HS Co.", "org_kind": "collector", "sites": [
                            {"code": "HS-A", "name": "HS-A", "region": "520100", "org": "HS"},
                            {"code": "HS-B", "name": "HS-B", "region": "520300", "org": "HS"}]}
