"""Login and logout: a username and password for a bearer token, and its revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import ActorDep, DbDep, SettingsDep, TokenCache, bearer
from api.schemas import TokenIn, TokenOut
from domain.auth import log_in, revoke_token, token_digest
from domain.errors import MalformedBody
from domain.rate_limit import LoginLimiter

router = APIRouter(tags=["auth"])


async def _credentials(request: Request) -> TokenIn:
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded",
                                                           "multipart/form-data")):
        form = await request.form()
        raw = {"username": form.get("username"), "password": form.get("password")}
    else:
        try:
            raw = orjson.loads(await request.body())
        except orjson.JSONDecodeError as exc:
            raise MalformedBody("the body is not valid JSON") from exc
    return TokenIn.model_validate(raw)


@router.post("/auth/token", response_model=TokenOut, summary="Log in",
             responses={429: {"description": "Too many failed logins (`Retry-After` says when "
                                             "to try again)"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"$ref": "#/components/schemas/TokenIn"},
                                      "example": {"username": "demo-auditor",
                                                  "password": "demo-pass"}},
                 "application/x-www-form-urlencoded": {
                     "schema": {"$ref": "#/components/schemas/TokenIn"}}}}})
async def login(request: Request, db: DbDep, settings: SettingsDep) -> TokenOut:
    """Exchange a username and password (JSON, or an OAuth2-style form post) for a token.

    Failed logins are limited per username and address and per address (docs/api.md):
    over the limit the answer is `429 too-many-attempts` with `Retry-After`."""
    creds = await _credentials(request)
    limiter: LoginLimiter = request.app.state.login_limiter
    address = request.client.host if request.client else "unknown"
    # Argon2 takes tens of milliseconds of CPU: in the thread pool, never on the event loop.
    token, expires_at = await run_in_threadpool(
        log_in, db, username=creds.username, password=creds.password, address=address,
        limiter=limiter, ttl=timedelta(hours=settings.token_ttl_hours))
    return TokenOut(access_token=token, expires_at=expires_at)


@router.delete("/auth/token", status_code=204, response_class=Response, summary="Log out")
def logout(request: Request, actor: ActorDep, db: DbDep,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Response:
    """Revoke the presented token at once; later requests with it answer `401 invalid-token`."""
    assert credentials is not None  # ActorDep refused a request without one
    cache: TokenCache = request.app.state.token_cache
    digest = token_digest(credentials.credentials)
    cache.evict(digest)
    with db.write() as s:
        revoke_token(s, credentials.credentials)
    cache.evict(digest)  # again: a request that read the row before the delete may have put it
    return Response(status_code=204)
