"""Security headers on every response: a Content-Security-Policy per kind of page, and the rest."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The phone app: its own files only. zxing's scanner compiles WebAssembly ('wasm-unsafe-eval'
# allows that and nothing like eval); label pictures are blob: URLs, the camera a MediaStream.
APP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; "
       "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
# JSON, pictures and the like: nothing to run, nothing to load, never in a frame.
API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# A PDF opens in the browser's viewer, which a `default-src 'none'` can block: only no frames.
PDF = "frame-ancestors 'none'"
COMMON = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"no-referrer")]


def sha256_source(text: str) -> str:
    """A CSP hash source for an inline <script> or <style> body."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def inline_hashes(html: str, tag: str) -> list[str]:
    return [sha256_source(body) for body in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)]


def page_policy(html: str, *, scripts: str = "", styles: str = "", images: str = "",
                connect: str = "'none'", forms: str = "'none'") -> str:
    """A policy for a server-rendered page: its inline scripts and styles by hash, plus the
    sources named (space-separated, e.g. a CDN)."""
    script = " ".join([*inline_hashes(html, "script"), *scripts.split()]) or "'none'"
    style = " ".join([*inline_hashes(html, "style"), *styles.split()]) or "'none'"
    image = " ".join(["'self'", *images.split()])
    return (f"default-src 'none'; script-src {script}; style-src {style}; "
            f"img-src {image}; connect-src {connect}; "
            f"base-uri 'none'; form-action {forms}; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds the headers on `http.response.start`; `policies` maps path prefixes to CSPs."""

    def __init__(self, app: ASGIApp, *, policies: dict[str, str],
                 exact: dict[str, str] | None = None) -> None:
        self.app = app
        self.exact = exact or {}  # paths whose policy is theirs alone (the front door: "/")
        # Longest prefix first, so that /api/v1/docs wins over a shorter prefix.
        self.policies = sorted(policies.items(), key=lambda kv: -len(kv[0]))

    def policy_for(self, path: str, content_type: str) -> str:
        if path in self.exact:
            return self.exact[path]
        for prefix, policy in self.policies:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return policy
        return PDF if content_type.startswith("application/pdf") else API

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON:
                    headers.setdefault(name.decode(), value.decode())
                headers.setdefault("content-security-policy", self.policy_for(
                    scope["path"], headers.get("content-type", "")))
            await send(message)

        await self.app(scope, receive, send_with_headers)
