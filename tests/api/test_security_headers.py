"""Every response carries the security headers; each kind of page gets the policy it can live
with (the app's WebAssembly, the lot page's inline script by hash, Swagger UI's CDN)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from api.security_headers import API, APP

COMMON = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
          "referrer-policy": "no-referrer"}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def assert_common(r) -> dict[str, list[str]]:
    assert {k: r.headers.get(k) for k in COMMON} == COMMON
    policy = directives(r.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


def test_api_answers_and_problems_allow_nothing_to_run(api):
    for r in (api.client.get("/api/v1/health"), api.client.get("/api/v1/me"),
              api.get("COL", "/lots/7KQ-M3X-9PE"), api.client.get("/api/v1/nowhere")):
        assert_common(r)
        assert r.headers["content-security-policy"] == API
    r = api.client.post("/api/v1/auth/token", content=b"x" * 70000,
                        headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.headers["content-security-policy"] == API


def test_the_phone_app_may_compile_webassembly_but_run_no_inline_script(api):
    for path in ("/app/", "/app/sw.js", "/app/collect"):
        r = api.client.get(path)
        assert r.headers["content-security-policy"] == APP, path
        policy = assert_common(r)
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]  # the service worker fetches under this policy
    assert "blob:" in policy["img-src"]  # the label picture


def test_the_public_lot_page_allows_exactly_its_inline_script_and_style(api):
    code = api.world.collect("COL", 10)
    r = api.client.get(f"/l/{code}")
    assert r.status_code == 200
    policy = assert_common(r)
    scripts = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    styles = re.findall(r"<style>(.*?)</style>", r.text, re.S)
    assert (len(scripts), len(styles)) == (1, 1)
    assert policy["script-src"] == [sha256(scripts[0])]
    assert policy["style-src"] == [sha256(styles[0])]
    assert policy["default-src"] == ["'none'"]
    other = api.client.get(f"/l/{api.world.collect('COL', 11)}")
    assert other.headers["content-security-policy"] == r.headers["content-security-policy"]


def test_swagger_ui_keeps_working_under_its_policy(api):
    r = api.client.get("/api/v1/docs")
    assert r.status_code == 200
    policy = assert_common(r)
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    external = re.findall(r'<script src="([^"]+)"', r.text)
    sheets = re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', r.text)
    assert inline and external and sheets
    assert [sha256(s) for s in inline] == [s for s in policy["script-src"] if "sha256" in s]
    # Swagger UI's files come from this server (they are packaged: the docs work offline).
    assert [u for u in external + sheets if not u.startswith("/api/v1/docs/static/")] == []
    assert "'self'" in policy["script-src"] and "'self'" in policy["style-src"]
    assert policy["connect-src"] == ["'self'"]  # "Try it out" and the OpenAPI document
    assert "/api/v1/openapi.json" in r.text


@pytest.mark.parametrize("layout", ["a4"])
def test_a_label_pdf_can_open_in_the_browser_viewer_but_not_in_a_frame(api, layout):
    batch = api.post("COL", "/labels", {"site": "COL-S1", "count": 1, "layout": layout}).json()
    r = api.get("COL", f"/labels/{batch['batch']}.pdf")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert {k: r.headers.get(k) for k in COMMON} == COMMON
