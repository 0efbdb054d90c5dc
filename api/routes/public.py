"""Pages without a token: a label's public lot card (`/l/{code}`) and the phone app (`/app`)."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.deps import DbDep
from api.security_headers import page_policy
from domain import catalogue, codes
from domain.errors import InvalidLotCode, NotFound
from domain.labels import public_lot

router = APIRouter(include_in_schema=False)
APP_DIR = Path(__file__).resolve().parent.parent / "static" / "app"
METAL = {"Al": "铝 Aluminium", "Cu": "铜 Copper", "Pb": "铅 Lead"}
STATUS = {"active": "在库 In stock", "in_transit": "运输中 In transit",
          "consumed": "已消耗 Consumed", "void": "已作废 Void", "unused": "标签未使用 Label not used yet"}

HEAD = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{label} · scraptrace</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f5;color:#17201c}}
main{{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;
box-shadow:0 1px 4px #0002}}h1{{font:700 2rem ui-monospace,monospace;margin:0 0 1rem}}
dt{{color:#5b6b64;font-size:.85rem}}dd{{margin:0 0 .75rem;font-size:1.15rem}}
a.btn{{display:block;text-align:center;background:#1f6f4a;color:#fff;padding:.8rem;
border-radius:8px;text-decoration:none;font-weight:600}}p.why{{color:#b3261e;font-weight:600}}
button.btn{{display:block;width:100%;background:#1f6f4a;color:#fff;padding:.8rem;border:0;
border-radius:8px;font:inherit;font-weight:600}}
input.code{{font:1.2rem ui-monospace,monospace;width:100%;box-sizing:border-box;padding:.6rem}}
</style></head>"""
PAGE = HEAD + """<body><main><h1 data-code="{code}">{label}</h1><dl>
<dt>金属 Metal</dt><dd id="metal">{metal}</dd>
<dt>品级 Grade</dt><dd id="grade">{grade}</dd>
<dt>状态 Status</dt><dd id="status">{status}</dd></dl>
<a class="btn" id="login" href="/app/lot/{code}">登录查看更多 · Log in for more</a></main>
<script>try{{if(localStorage.getItem("scraptrace.session"))location.replace("/app/lot/"+
document.querySelector("h1").dataset.code)}}catch(e){{}}</script>
</body></html>"""


# A code that cannot be a lot code, and a well-formed one that names no lot, are told apart.
MISTYPED = ("编码有误：请核对标签上的 9 位编码（可能输错或调换了字符）",
            "This code is mistyped: check the 9 characters on the label (a wrong or swapped character)")
UNKNOWN = ("没有这个批次：编码格式正确，但平台上没有此批次",
           "No such lot: the code is well formed, but no lot on the platform has it")
MISSING = HEAD + """<body><main><h1 id="code">{label}</h1>
<p class="why" id="why" data-reason="{reason}" lang="zh-CN">{zh}</p><p lang="en">{en}</p>
<form action="/l" method="get"><dl><dt><label for="again">再查一次 · Try again</label></dt>
<dd><input id="again" class="code" name="code" value="{label}" autocomplete="off"
maxlength="20"></dd></dl>
<button class="btn">查询 · Look up</button></form>
<p><a href="/">scraptrace</a></p></main></body></html>"""


# Both pages share one inline style and the card one inline script, the same for every lot:
# allowed by their hashes. The error page's form looks a code up again on this server.
LOT_PAGE_POLICY = page_policy(PAGE.format(code="", label="", metal="", grade="", status=""),
                              forms="'self'")


def _missing(code: str, reason: str, status: int) -> HTMLResponse:
    zh, en = MISTYPED if reason == "mistyped" else UNKNOWN
    label = escape(code.strip()[:20]) or "–"
    return HTMLResponse(MISSING.format(label=label, reason=reason, zh=zh, en=en),
                        status_code=status, headers={"Cache-Control": "no-cache"})


def _grade_name(code: str | None) -> str:
    grade = catalogue.grade(code or "")
    return f"{grade.name_zh} {grade.name_en} ({grade.code})" if grade else (code or "–")


@router.get("/l", response_model=None)
def lot_search(code: Annotated[str, Query(max_length=64)] = "") -> RedirectResponse:
    """The lookup form of the front door and of the friendly error page."""
    return RedirectResponse(f"/l/{quote(code.strip(), safe='')}" if code.strip() else "/",
                            status_code=303)


@router.get("/l/{code}", response_class=HTMLResponse)
def lot_page(code: str, db: DbDep) -> HTMLResponse:
    """What a phone's camera opens from a label: code, metal, grade and status only."""
    try:
        with db.read() as s:
            lot = public_lot(s, code)
    except InvalidLotCode:
        return _missing(code, "mistyped", 422)
    except NotFound:
        return _missing(code, "unknown", 404)
    return HTMLResponse(PAGE.format(
        code=lot.code, label=codes.format_lot_code(lot.code),
        metal=escape(METAL.get(lot.metal or "", "–")), grade=escape(_grade_name(lot.grade)),
        status=escape(STATUS.get(lot.status, lot.status))),
        headers={"Cache-Control": "no-cache"})


@router.get("/app")
def app_root() -> RedirectResponse:
    return RedirectResponse("/app/", status_code=308)


@router.get("/app/{path:path}")
def app_file(path: str) -> Response:
    """A built file of the phone app, else its shell (the app routes on the client)."""
    index = APP_DIR / "index.html"
    if not index.is_file():
        raise NotFound("the web app is not built: run `make web`", code="app-not-built")
    target = (APP_DIR / path).resolve()
    if path and target.is_file() and target.is_relative_to(APP_DIR):
        immutable = path.startswith("assets/")
        return FileResponse(target, headers={"Cache-Control": "public, max-age=31536000, immutable"
                                             if immutable else "no-cache"})
    if path.startswith("assets/") or "." in path.rsplit("/", 1)[-1]:
        raise NotFound(f"no file /app/{path}", code="not-found")
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
