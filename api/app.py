"""The FastAPI application: routers under /api/v1, problem+json errors, the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from api import problems
from api.background import background_work
from api.body_limit import KIB, MIB, BodyLimit
from api.deps import TokenCache
from api.group_commit import GroupCommit
from api.label_render import PdfCache
from api.routes import (
    auth,
    compliance,
    compliance_reports,
    epcis,
    events,
    findings,
    flows,
    front,
    labels,
    lineage,
    log,
    lots,
    me,
    orgs,
    periods,
    public,
    reports,
    webhooks,
)
from api.security_headers import APP, SecurityHeaders, page_policy
from domain.db import Database
from domain.rate_limit import LoginLimiter
from domain.settings import Settings, get_settings
from domain.tlog.note import load_signer

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
                  docs_url=None, redoc_url=None, openapi_url=f"{API_PREFIX}/openapi.json",
                  lifespan=background_work)
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.token_cache = TokenCache()
    app.state.group_commit = GroupCommit(app.state.db, settings)  # single events, grouped
    app.state.label_pdfs = PdfCache()
    # Read once at start: a configured key that cannot be read stops the server here.
    app.state.log_signer = load_signer(settings.log_key_file) if settings.log_key_file else None
    app.state.login_limiter = LoginLimiter(
        per_user_address=settings.login_failures_per_user_address,
        per_address=settings.login_failures_per_address,
        window_s=settings.login_failure_window_s)
    problems.install(app)
    # Bodies: 16 MiB for a batch of events, 64 KiB for anything else (checked before parsing).
    app.add_middleware(BodyLimit, default=64 * KIB, paths={f"{API_PREFIX}/events": 16 * MIB,
                                                          f"{API_PREFIX}/epcis/capture": 16 * MIB})
    # Swagger UI: its files from this server, one inline script; it sets inline styles.
    docs_policy = page_policy(front.docs_html(f"{API_PREFIX}/openapi.json"), scripts="'self'",
                              styles="'self' 'unsafe-inline'", images="data:", connect="'self'")
    app.add_middleware(SecurityHeaders, policies={
        "/app": APP, "/l": public.LOT_PAGE_POLICY, f"{API_PREFIX}/docs": docs_policy},
        exact={"/": front.FRONT_POLICY})

    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", tags=["meta"], summary="Liveness and database check")
    def health() -> dict[str, Any]:
        from sqlalchemy import text

        with app.state.db.read() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok"}

    app.include_router(api)
    # Each router straight on the app (not nested in `api`): matching a request through one
    # level of included routers instead of two costs a quarter to a half of the time. The
    # busiest routes (events, lots) are tried first.
    for module in (events, lots, lineage, auth, orgs, reports, periods, labels, me, compliance,
                   compliance_reports, flows, log, epcis, findings, webhooks):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(public.router)  # /l/{code} and the phone app at /app
    app.include_router(front.router)  # / and the API docs from packaged files (offline)

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
