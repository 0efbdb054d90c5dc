"""Label pictures: QR code, lot code, metal, grade with its Chinese name, site, hazard mark."""

from __future__ import annotations

import io
import ipaddress
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from domain import catalogue, codes

# The image, QR and PDF libraries are imported when a label is first drawn: a server that never
# prints labels does not hold them in memory (34 MB of the 107 MB an imported app held).
if TYPE_CHECKING:
    from PIL import Image, ImageFont

BORDER = 4  # modules of quiet zone around the symbol, as ISO/IEC 18004 asks
PNG_SIZE = (720, 480)  # 3:2, the proportion of a 60 x 40 mm roll label
HAZARD_MARK = "危险废物"  # the words of the hazardous-waste mark (HJ 1276-2022 label)
# Fonts with Chinese glyphs in Debian packages (fonts-wqy-microhei, fonts-noto-cjk, …), tried in
# order for PNG labels. SVG labels need none: the viewer's fonts draw their text.
CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
             "/usr/share/fonts/truetype/arphic/uming.ttc")
RIGHT = 410  # x of the text column beside the QR code
log = logging.getLogger("scraptrace")


@dataclass(frozen=True)
class LabelText:
    code: str  # canonical
    metal: str = ""
    grade: str = ""
    site: str = ""
    grade_zh: str = ""  # the catalogue's Chinese name (empty for a product such as ADC12)
    grade_en: str = ""
    hazard: str = ""  # hazardous-waste code, e.g. "HW31 900-052-31"; empty when not hazardous

    @classmethod
    def for_lot(cls, code: str, metal: str, grade: str, site: str) -> LabelText:
        """The label of a lot: the grade's names and hazard from the catalogue (seed/grades.csv)."""
        g = catalogue.grade(grade)
        hazard = f"HW31 {g.hazardous_code}" if g and g.hazardous and g.hazardous_code else ""
        return cls(code, metal, grade, site, grade_zh=g.name_zh if g else "",
                   grade_en=g.name_en if g else "", hazard=hazard)


def is_loopback_url(url: str) -> bool:
    """True when phones that scan a label could not reach `url` (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_loopback(public_url: str, log: logging.Logger | None = None) -> bool:
    """One warning line at start when labels would point to this machine only."""
    if not is_loopback_url(public_url):
        return False
    (log or logging.getLogger("scraptrace")).warning(
        "SCRAPTRACE_PUBLIC_URL is %s, a loopback address: QR codes on labels printed now will "
        "not open on a phone; set it to the address phones reach this server at", public_url)
    return True


def lot_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/l/{code}"


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR symbol (level M, quiet zone included) as rows of dark (True) modules."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER)
    qr.add_data(payload)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def qr_image(payload: str, size: int) -> Image.Image:
    """A 1-bit image of the symbol, `size` pixels square or a little less (whole modules)."""
    from PIL import Image

    matrix = qr_matrix(payload)
    n = len(matrix)
    img = Image.new("1", (n, n), 1)
    img.putdata([0 if dark else 1 for row in matrix for dark in row])
    scale = max(1, size // n)
    return img.resize((n * scale, n * scale), Image.Resampling.NEAREST)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """The first installed font with Chinese glyphs, else None (and one warning line)."""
    from PIL import ImageFont

    for path in CJK_FONTS:
        try:
            ImageFont.truetype(path, 12)
            return path
        except OSError:
            continue
    log.warning("no Chinese font found (apt-get install fonts-wqy-microhei): PNG labels show "
                "grade names in English; SVG labels are not affected")
    return None


@lru_cache(maxsize=16)
def _cjk(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    path = cjk_font_path()
    return ImageFont.truetype(path, size) if path else _font(size)


def _fit(text: str, size: int, width: int = 300) -> int:
    """A font size at which `text` fits `width` pixels (CJK glyphs are about one em wide)."""
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text) or 1
    return max(14, min(size, int(width / ems)))


def _lines(text: LabelText, png: bool) -> list[tuple[str, int, bool]]:
    """(text, font size, needs a CJK font) of the right-hand column, top to bottom."""
    name = text.grade_zh if not png or cjk_font_path() else text.grade_en
    out = [(text.metal, 56, False), (text.grade, 34, False), (name, _fit(name, 30), True),
           (text.site, 26, False)]
    return [line for line in out if line[0]]


def _hazard_triangle(x: int, y: int, side: int) -> list[tuple[float, float]]:
    return [(x + side / 2, y), (x + side, y + side * 0.87), (x, y + side * 0.87)]


def label_png(public_url: str, text: LabelText) -> bytes:
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    width, height = PNG_SIZE
    img = Image.new("L", PNG_SIZE, 255)
    qr = qr_image(lot_url(public_url, text.code), 380)
    img.paste(qr, (10, (height - 80 - qr.height) // 2 + 4))
    draw = ImageDraw.Draw(img)
    y = 30
    for line, size, cjk in _lines(text, png=True):
        draw.text((RIGHT, y), line, fill=0, font=_cjk(size) if cjk else _font(size))
        y += size + 18
    if text.hazard:
        top = max(y, 290)
        draw.polygon(_hazard_triangle(RIGHT, top, 64), outline=0, width=5)
        draw.text((RIGHT + 32, top + 40), "!", fill=0, font=_font(36), anchor="mm")
        mark = HAZARD_MARK if cjk_font_path() else "HAZARDOUS WASTE"
        draw.text((RIGHT + 76, top), mark, fill=0, font=_cjk(28))
        draw.text((RIGHT + 76, top + 34), text.hazard, fill=0, font=_font(26))
    draw.text((width // 2, height - 44), codes.format_lot_code(text.code), fill=0,
              font=_font(64), anchor="mm")
    # The text layer: what the label says, readable without the picture (UTF-8 iTXt chunks).
    info = PngInfo()
    info.add_itxt("scraptrace:code", codes.format_lot_code(text.code))
    info.add_itxt("scraptrace:grade", " ".join(x for x in (text.grade, text.grade_zh) if x))
    if text.hazard:
        info.add_itxt("scraptrace:hazard", f"{HAZARD_MARK} {text.hazard}")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True, pnginfo=info)
    return out.getvalue()


def label_svg(public_url: str, text: LabelText) -> str:
    matrix = qr_matrix(lot_url(public_url, text.code))
    n = len(matrix)
    cell = 380 / n
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    lines = []
    top = 30
    for line, size, cjk in _lines(text, png=False):
        top += size
        lang = ' xml:lang="zh-CN"' if cjk else ""
        lines.append(f'<text x="{RIGHT}" y="{top}" font-size="{size}"{lang}>{escape(line)}</text>')
        top += 18
    if text.hazard:
        y = max(top, 290)
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in _hazard_triangle(RIGHT, y, 64))
        lines.append(
            f'<g id="hazard"><polygon points="{points}" fill="none" stroke="#000" '
            f'stroke-width="5" stroke-linejoin="round"/>'
            f'<text x="{RIGHT + 32}" y="{y + 52}" font-size="36" font-weight="bold" '
            f'text-anchor="middle">!</text>'
            f'<text x="{RIGHT + 76}" y="{y + 26}" font-size="28" xml:lang="zh-CN">{HAZARD_MARK}</text>'
            f'<text x="{RIGHT + 76}" y="{y + 60}" font-size="24">{escape(text.hazard)}</text></g>')
    width, height = PNG_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, \'Noto Sans CJK SC\', '
        f'\'WenQuanYi Micro Hei\', \'Microsoft YaHei\', \'PingFang SC\', sans-serif">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<path transform="translate(10 10) scale({cell:.4f})" fill="#000" '
        f'shape-rendering="crispEdges" d="{"".join(parts)}"/>'
        f'{"".join(lines)}'
        f'<text x="{width // 2}" y="{height - 22}" font-size="64" font-weight="bold" '
        f'text-anchor="middle">{escape(codes.format_lot_code(text.code))}</text></svg>')


# A4 sheet: 3 x 7 labels of 63 x 38 mm (a common adhesive sheet), 10.5 mm side margins.
A4_COLS, A4_ROWS, A4_W, A4_H, A4_X0, A4_Y0 = 3, 7, 63.0, 38.0, 10.5, 15.5


def labels_pdf(public_url: str, site: str, codes_: list[str], layout: str) -> bytes:
    """A printable sheet: an A4 grid, or one 60 x 40 mm thermal-roll label per page."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=(60, 40) if layout == "roll" else "A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    pdf.set_title(f"scraptrace labels {site}")
    per_page = 1 if layout == "roll" else A4_COLS * A4_ROWS
    for i, code in enumerate(codes_):
        if i % per_page == 0:
            pdf.add_page()
        qr = qr_image(lot_url(public_url, code), 400)
        groups = codes.format_lot_code(code).split("-")
        if layout == "roll":
            pdf.image(qr, x=2, y=3, w=34, h=34)
            pdf.set_font("Helvetica", "B", 18)
            for k, group in enumerate(groups):
                pdf.text(38.5, 12 + k * 8, group)
            pdf.set_font("Helvetica", "", 6)
            pdf.text(38.5, 36, site[:14])
            continue
        slot = i % per_page
        x = A4_X0 + (slot % A4_COLS) * A4_W
        y = A4_Y0 + (slot // A4_COLS) * A4_H
        pdf.image(qr, x=x + 2, y=y + 3, w=32, h=32)
        pdf.set_font("Helvetica", "B", 15)
        for k, group in enumerate(groups):
            pdf.text(x + 36, y + 12 + k * 7, group)
        pdf.set_font("Helvetica", "", 6)
        pdf.text(x + 36, y + 34, site[:16])
    return bytes(pdf.output())


class PdfCache:
    """Label sheets built once per batch (a batch's codes never change), newest kept.

    Bounded by count and by bytes; concurrent requests for one batch wait for one build."""

    def __init__(self, max_items: int = 64, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_items, self.max_bytes = max_items, max_bytes
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._building: dict[tuple[str, str], Lock] = {}
        self._lock = Lock()
        self.builds = 0

    def get(self, key: tuple[str, str], build: Callable[[], bytes]) -> bytes:
        """The cached sheet for `key` (batch id, public URL), else `build()`'s, then cached."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._building.setdefault(key, Lock())
        with gate:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            pdf = build()
            with self._lock:
                self.builds += 1
                self._building.pop(key, None)
                if len(pdf) <= self.max_bytes:
                    self._items[key] = pdf
                    while len(self._items) > self.max_items or \
                            sum(map(len, self._items.values())) > self.max_bytes:
                        self._items.popitem(last=False)
            return pdf
