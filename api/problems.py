"""RFC 9457 problem responses: the only place where errors become HTTP statuses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from domain.commands import Command
from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    MalformedBody,
    NotFound,
    RuleViolation,
    TooLarge,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger("scraptrace.api")
MEDIA_TYPE = "application/problem+json"
STATUS: list[tuple[type[DomainError], int]] = [
    (Unauthenticated, 401), (Forbidden, 403), (NotFound, 404), (Conflict, 409),
    (RuleViolation, 409), (MalformedBody, 400), (TooLarge, 413), (TooManyRequests, 429),
    (InvalidInput, 422), (Unavailable, 503), (DomainError, 422),
]
EVENT_TYPES = {t.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
               for t in Command.__args__}  # type: ignore[attr-defined]


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{code}", "title": title, "status": status, "detail": detail,
            "code": code, **{k: v for k, v in extra.items() if v is not None}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 429 and "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    if status == 413:
        # The rest of an over-large body is never read: the connection cannot be reused.
        headers["Connection"] = "close"
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_of(err: DomainError) -> int:
    return next(status for cls, status in STATUS if isinstance(err, cls))


def domain_problem(err: DomainError) -> JSONResponse:
    return problem(status_of(err), err.code, err.title, err.detail, pointer=err.pointer,
                   **err.extra)


def pointer(loc: tuple[Any, ...] | list[Any], prefix: str = "") -> str:
    """A JSON pointer for a pydantic error location (the union tag is not part of the body)."""
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in EVENT_TYPES)]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return prefix + "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def validation_problem(errors: list[Any], prefix: str = "") -> JSONResponse:
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(400, "malformed-json", "Malformed JSON", "the body is not valid JSON")
    items = [{"pointer": pointer(e.get("loc", ()), prefix), "detail": e.get("msg", ""),
              "type": e.get("type", "")} for e in errors]
    first = items[0]
    return problem(422, "validation-error", "Invalid request",
                   f"{first['pointer'] or '/'}: {first['detail']}", errors=items)


PROBLEM_SCHEMA = {
    "title": "Problem", "type": "object", "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable slug, e.g. insufficient-mass."},
        "pointer": {"type": "string", "description": "JSON pointer of the bad field."},
        "errors": {"type": "array", "items": {
            "type": "object", "properties": {"pointer": {"type": "string"},
                                             "detail": {"type": "string"},
                                             "type": {"type": "string"}}}},
    },
    "additionalProperties": True,
}


def document(schema: dict[str, Any]) -> None:
    """Describe errors as they are sent: `application/problem+json`, never FastAPI's default
    `application/json` validation body (which the API does not send)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            responses = op.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "Invalid input", "content": problem}
            responses.setdefault("4XX", {"description": "An error (RFC 9457 problem)",
                                         "content": problem})
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, err: DomainError) -> JSONResponse:
        return domain_problem(err)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(_: Request, err: RequestValidationError) -> JSONResponse:
        return validation_problem(list(err.errors()))

    @app.exception_handler(ValidationError)
    async def _validation(_: Request, err: ValidationError) -> JSONResponse:
        return validation_problem(list(err.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, err: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated",
                413: "too-large"}.get(err.status_code, "http-error")
        title = "Request too large" if err.status_code == 413 else str(err.detail)
        return problem(err.status_code, code, title, str(err.detail))

    @app.exception_handler(ClientDisconnect)
    async def _gone(_: Request, err: ClientDisconnect) -> Response:
        # The client left before its body arrived: nothing was read, nothing written, and no
        # one is there to answer. Not a server error.
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=err)
        return problem(500, "internal-error", "Internal error",
                       "the server failed; nothing was written")
