"""A limit on request bodies, enforced before anything parses them (pure ASGI middleware)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

KIB, MIB = 1024, 1024 * 1024


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit // KIB} KiB"


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit; answered 413 `too-large`.

    An HTTPException, so that FastAPI's body parsing re-raises it rather than answering 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than {_size(limit)}")


class BodyLimit:
    """`413 too-large` for a body over the route's limit: at once when Content-Length says so
    (nothing of the body is read), else as soon as the streamed (chunked) bytes pass it."""

    def __init__(self, app: ASGIApp, *, default: int, paths: dict[str, int] | None = None) -> None:
        self.app, self.default, self.paths = app, default, paths or {}

    def limit_for(self, path: str) -> int:
        return self.paths.get(path.rstrip("/") or "/", self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(413, "too-large", "Request too large",
                           f"the body is larger than {_size(limit)}")
        await response(scope, receive, send)
