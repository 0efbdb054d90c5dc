"""Label rendering without a server: the loopback warning and the PNG's Chinese-font fallback."""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image

from api import label_render
from api.label_render import LabelText, is_loopback_url, label_png, warn_if_loopback
from domain import codes


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://127.0.0.1:8000", True), ("http://localhost:8000/", True), ("http://[::1]:8000", True),
    ("http://127.1.2.3", True), ("https://trace.example.test", False),
    ("http://192.168.1.20:8000", False), ("http://10.0.0.5", False),
])
def test_loopback_urls_are_recognised(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_a_loopback_public_url_is_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="scraptrace"):
        assert warn_if_loopback("http://127.0.0.1:8000") is True
        assert warn_if_loopback("https://trace.example.test") is False
    assert [(r.levelname, r.getMessage().count("\n")) for r in caplog.records] == [("WARNING", 0)]
    assert "SCRAPTRACE_PUBLIC_URL is http://127.0.0.1:8000, a loopback address" in caplog.text


def test_without_a_chinese_font_the_png_falls_back_and_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(label_render, "CJK_FONTS", ("/nonexistent/font.ttc",))
    label_render.cjk_font_path.cache_clear()
    label_render._cjk.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="scraptrace"):
            code = codes.new_lot_code()
            png = label_png("https://t.example", LabelText.for_lot(code, "Pb", "PB-RAINS", "S1"))
        assert "no Chinese font found" in caplog.text
        # The text layer still names the grade in Chinese and the hazard.
        assert Image.open(io.BytesIO(png)).text["scraptrace:hazard"] == "危险废物 HW31 900-052-31"
    finally:
        label_render.cjk_font_path.cache_clear()
        label_render._cjk.cache_clear()


def test_a_product_label_has_no_catalogue_name() -> None:
    text = LabelText.for_lot(codes.new_lot_code(), "Al", "ADC12", "S1")
    assert (text.grade_zh, text.grade_en, text.hazard) == ("", "", "")
