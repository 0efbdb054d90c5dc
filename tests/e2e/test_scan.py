"""Scanning a label with the camera: Chromium plays a generated video of a real label as its
camera; BarcodeDetector is removed, so the lazily loaded zxing-wasm decoder reads it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import ARGS, PHONE, Server, shot
from tests.e2e.test_logout_and_policy import RECORD_VIOLATIONS
from tests.e2e.test_phone_app import login

pytestmark = pytest.mark.e2e


def write_y4m(img: Image.Image, path: Path, frames: int = 10) -> None:
    """A 4:2:0 YUV4MPEG2 clip of a still grey-scale picture (Chromium loops it as a camera)."""
    w, h = (img.width // 2) * 2, (img.height // 2) * 2
    y = np.asarray(img.convert("L").crop((0, 0, w, h)), dtype=np.uint8)
    chroma = np.full((h // 2) * (w // 2), 128, dtype=np.uint8).tobytes()
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + y.tobytes() + chroma + chroma)


def test_camera_scan_of_a_label_opens_the_lot_card_through_zxing(
        playwright_: Any, chromium: str, server: Server, tmp_path: Path) -> None:
    api = httpx.Client(base_url=server.url + "/api/v1")
    tok = api.post("/auth/token", json={"username": "demo-collector",
                                        "password": "demo-pass"}).json()["access_token"]
    auth = {"Authorization": f"Bearer {tok}"}
    lot = api.post("/events", headers=auth, json={
        "id": "6f1c1c57-5d0e-4b7e-9a55-3c1a1b2c3d4e", "type": "collect",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "site": "GY-HS-1",
        "metal": "Cu",
        "grade": "CU-BARLEY", "origin": "post_consumer", "mass_kg": 88.8}).json()
    code = lot["created_lots"][0]
    label = Image.open(io.BytesIO(api.get(f"/lots/{code}/label.png", headers=auth).content))
    canvas = Image.new("L", (960, 640), 255)
    canvas.paste(label, (120, 80))
    video = tmp_path / "label.y4m"
    write_y4m(canvas, video)

    browser = playwright_.chromium.launch(executable_path=chromium, headless=True, args=[
        *ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(**PHONE, permissions=["camera"])
        context.add_init_script("delete window.BarcodeDetector")
        context.add_init_script(RECORD_VIOLATIONS)  # zxing compiles its wasm under the CSP
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
        login(page, server, "demo-collector")
        assert not [f for f in fetched if "zxing" in f]  # not part of the first load
        page.get_by_test_id("go-lookup").click()
        page.get_by_test_id("lookup-input-scan").click()
        expect(page.get_by_test_id("scanner")).to_be_visible()
        shot(page, "10-scanning")
        expect(page.get_by_test_id("lot-code")).to_have_text(
            f"{code[:3]}-{code[3:6]}-{code[6:]}", timeout=30000)
        expect(page.get_by_test_id("lot-grade")).to_have_text("CU-BARLEY")
        shot(page, "11-scanned-lot")
        assert any(f.startswith("zxing_reader") and f.endswith(".wasm") for f in fetched)
        assert page.evaluate("window.__csp") == []
    finally:
        browser.close()
