"""Label pictures: a QR code of the lot's public URL with its code, metal, grade and site."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

import qrcode
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from domain import codes

BORDER = 4  # modules of quiet zone around the symbol, as ISO/IEC 18004 asks
PNG_SIZE = (720, 480)  # 3:2, the proportion of a 60 x 40 mm roll label


@dataclass(frozen=True)
class LabelText:
    code: str  # canonical
    metal: str = ""
    grade: str = ""
    site: str = ""


def lot_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/l/{code}"


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR symbol (level M, quiet zone included) as rows of dark (True) modules."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER)
    qr.add_data(payload)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def qr_image(payload: str, size: int) -> Image.Image:
    """A 1-bit image of the symbol, `size` pixels square or a little less (whole modules)."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    img = Image.new("1", (n, n), 1)
    img.putdata([0 if dark else 1 for row in matrix for dark in row])
    scale = max(1, size // n)
    return img.resize((n * scale, n * scale), Image.Resampling.NEAREST)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def label_png(public_url: str, text: LabelText) -> bytes:
    width, height = PNG_SIZE
    img = Image.new("L", PNG_SIZE, 255)
    qr = qr_image(lot_url(public_url, text.code), 380)
    img.paste(qr, (10, (height - 80 - qr.height) // 2 + 4))
    draw = ImageDraw.Draw(img)
    y = 40
    for line, size in ((text.metal, 56), (text.grade, 34), (text.site, 30)):
        if line:
            draw.text((410, y), line, fill=0, font=_font(size))
            y += size + 28
    draw.text((width // 2, height - 44), codes.format_lot_code(text.code), fill=0,
              font=_font(64), anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
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
    top = 80
    for line, size in ((text.metal, 56), (text.grade, 34), (text.site, 30)):
        if line:
            lines.append(f'<text x="410" y="{top}" font-size="{size}">{escape(line)}</text>')
            top += size + 28
    width, height = PNG_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif">'
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
