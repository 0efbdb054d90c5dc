"""Login: a username and password for a bearer token."""

from __future__ import annotations

from datetime import timedelta

import orjson
from fastapi import APIRouter, Request

from api.deps import DbDep, SettingsDep, write
from api.schemas import TokenIn, TokenOut
from domain.auth import issue_token
from domain.errors import MalformedBody

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenOut, summary="Log in",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"$ref": "#/components/schemas/TokenIn"},
                                      "example": {"username": "demo-auditor",
                                                  "password": "demo-pass"}},
                 "application/x-www-form-urlencoded": {
                     "schema": {"$ref": "#/components/schemas/TokenIn"}}}}})
async def login(request: Request, db: DbDep, settings: SettingsDep) -> TokenOut:
    """Exchange a username and password (JSON, or an OAuth2-style form post) for a token."""
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded",
                                                           "multipart/form-data")):
        form = await request.form()
        raw = {"username": form.get("username"), "password": form.get("password")}
    else:
        try:
            raw = orjson.loads(await request.body())
        except orjson.JSONDecodeError as exc:
            raise MalformedBody("the body is not valid JSON") from exc
    creds = TokenIn.model_validate(raw)
    token, expires_at = write(db, lambda s: issue_token(
        s, username=creds.username, password=creds.password,
        ttl=timedelta(hours=settings.token_ttl_hours)))
    return TokenOut(access_token=token, expires_at=expires_at)
