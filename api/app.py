"""The FastAPI application: routers under /api/v1, problem+json errors, the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from api import problems
from api.deps import TokenCache
from api.routes import auth, events, labels, lots, me, orgs, public, reports
from domain.db import Database
from domain.settings import Settings, get_settings

API_PREFIX = "/api/v1"
DESCRIPTION = """Chain of custody for recycled aluminium, copper and lead.

Collection centres, sorters, importers and smelters record **append-only events** on lots;
agencies read each producer's **recycled share**, computed exactly from those events.

Log in with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.
Masses are kilograms with at most 3 decimals (stored as integer grams). Errors are RFC 9457
`application/problem+json` with a stable `code` and, for bad fields, JSON pointers.
"""


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="scraptrace", version="0.1.0", description=DESCRIPTION,
                  docs_url=f"{API_PREFIX}/docs", redoc_url=None,
                  openapi_url=f"{API_PREFIX}/openapi.json")
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.token_cache = TokenCache()
    problems.install(app)

    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", tags=["meta"], summary="Liveness and database check")
    def health() -> dict[str, Any]:
        from sqlalchemy import text

        with app.state.db.read() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok"}

    for module in (auth, orgs, events, lots, reports):
        api.include_router(module.router)
    api.include_router(labels.router)
    api.include_router(me.router)
    app.include_router(api)
    app.include_router(public.router)  # /l/{code} and the phone app at /app

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                events.openapi_components())
            problems.document(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
