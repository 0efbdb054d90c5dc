"""The front door (`/`) and the API documentation served from packaged files (works offline)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from api.security_headers import page_policy
from domain.errors import NotFound

router = APIRouter(include_in_schema=False)
DOCS_PATH = "/api/v1/docs"
# Swagger UI's dist files as shipped by the fastapi-offline wheel, so no CDN is needed.
SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
                 "favicon.png": "image/png"}

FRONT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>scraptrace</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f5;color:#17201c}
main{max-width:30rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;
box-shadow:0 1px 4px #0002}h1{margin:0 0 .25rem}p{color:#5b6b64;margin:0 0 1rem}
a.btn,button{display:block;box-sizing:border-box;width:100%;text-align:center;background:#1f6f4a;
color:#fff;padding:.8rem;border-radius:8px;text-decoration:none;font:inherit;font-weight:600;
border:0;margin:.6rem 0}a.alt{background:#fff;color:#1f6f4a;outline:1px solid #1f6f4a}
input{font:16px ui-monospace,monospace;box-sizing:border-box;width:100%;padding:.7rem;
border:1px solid #d9e0dc;border-radius:8px;text-transform:uppercase}
label{display:block;margin-top:1.2rem;color:#5b6b64;font-size:.9rem}</style></head>
<body><main><h1>scraptrace</h1>
<p>再生铝、铜、铅的监管链 · Chain of custody for recycled aluminium, copper and lead</p>
<a class="btn" id="app" href="/app/">打开应用 · Open the app</a>
<a class="btn alt" id="docs" href="/api/v1/docs">API 文档 · API documentation</a>
<form action="/l" method="get"><label for="code">查询批次（标签上的编码）· Look up a lot (the code on
its label)</label><input id="code" name="code" placeholder="XXX-XXX-XXX" autocomplete="off"
required maxlength="20"><button id="lookup">查询 · Look up</button></form>
</main></body></html>"""


# The front door's inline style by its hash; its lookup form posts to this server.
FRONT_POLICY = page_policy(FRONT, forms="'self'")


@router.get("/", response_class=HTMLResponse)
def front_door() -> HTMLResponse:
    """Where `make run` points: the app, the API docs and the public lot lookup."""
    return HTMLResponse(FRONT, headers={"Cache-Control": "no-cache"})


def _swagger_dir() -> Path:
    return Path(str(files("fastapi_offline").joinpath("static")))


def docs_html(openapi_url: str) -> str:
    """Swagger UI with its script and style from this server, not a CDN."""
    return bytes(get_swagger_ui_html(
        openapi_url=openapi_url, title="scraptrace API",
        swagger_js_url=f"{DOCS_PATH}/static/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_PATH}/static/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_PATH}/static/favicon.png").body).decode()


@router.get(DOCS_PATH, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return HTMLResponse(docs_html(request.app.openapi_url))


@router.get(DOCS_PATH + "/static/{name}")
def api_docs_file(name: str) -> FileResponse:
    if name not in SWAGGER_FILES:
        raise NotFound(f"no file {name}", code="not-found")
    return FileResponse(_swagger_dir() / name, media_type=SWAGGER_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})
