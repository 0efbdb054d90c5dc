"""Pages without a token: a label's public lot card (`/l/{code}`) and the phone app (`/app`)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.deps import DbDep
from domain import codes
from domain.errors import NotFound
from domain.labels import public_lot

router = APIRouter(include_in_schema=False)
APP_DIR = Path(__file__).resolve().parent.parent / "static" / "app"
METAL = {"Al": "铝 Aluminium", "Cu": "铜 Copper", "Pb": "铅 Lead"}
STATUS = {"active": "在库 In stock", "in_transit": "运输中 In transit",
          "consumed": "已消耗 Consumed", "void": "已作废 Void", "unused": "标签未使用 Label not used yet"}

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{label} · scraptrace</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f5;color:#17201c}}
main{{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;
box-shadow:0 1px 4px #0002}}h1{{font:700 2rem ui-monospace,monospace;margin:0 0 1rem}}
dt{{color:#5b6b64;font-size:.85rem}}dd{{margin:0 0 .75rem;font-size:1.15rem}}
a.btn{{display:block;text-align:center;background:#1f6f4a;color:#fff;padding:.8rem;
border-radius:8px;text-decoration:none;font-weight:600}}</style></head>
<body><main><h1 data-code="{code}">{label}</h1><dl>
<dt>金属 Metal</dt><dd id="metal">{metal}</dd>
<dt>品级 Grade</dt><dd id="grade">{grade}</dd>
<dt>状态 Status</dt><dd id="status">{status}</dd></dl>
<a class="btn" id="login" href="/app/lot/{code}">登录查看更多 · Log in for more</a></main>
<script>try{{if(localStorage.getItem("scraptrace.session"))location.replace("/app/lot/{code}")}}catch(e){{}}</script>
</body></html>"""


@router.get("/l/{code}", response_class=HTMLResponse)
def lot_page(code: str, db: DbDep) -> HTMLResponse:
    """What a phone's camera opens from a label: code, metal, grade and status only."""
    with db.read() as s:
        lot = public_lot(s, code)
    return HTMLResponse(PAGE.format(
        code=lot.code, label=codes.format_lot_code(lot.code),
        metal=escape(METAL.get(lot.metal or "", "–")), grade=escape(lot.grade or "–"),
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
